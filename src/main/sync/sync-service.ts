import type { Patient as FhirPatient, Resource } from '@medplum/fhirtypes';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ApiError } from '../../shared/api/errors';
import type { RecordSyncStateView, SyncConflictView, SyncTargetInput, SyncTargetView } from '../../shared/api/sync';
import type { SystemStatus } from '../../shared/api/system';
import { SYNC_TARGET_IDS, type SyncEvent, type SyncTargetConfig, type SyncTargetId, type SyncTargetStatus } from '../../shared/sync';
import type { Sqlite } from '../db/open';
import type { EventHub } from '../events/event-hub';
import { searchColumnsFor } from '../patients/patient-keys';
import { insertPatientRow } from '../patients/patient-service';
import type { BackoffPolicy } from './backoff';
import { createSyncEngine, type SyncEngine } from './engine';
import { SyncError } from './errors';
import { createFhirHttpClient, type FhirHttpClient } from './http';
import { patientFromFhir, patientToFhir, type PatientFromFhir } from './mapping/patient';
import type { ResourceWithId } from './outbox';
import { onEnqueued, readPatient } from './outbox-writer';
import { institutionScope, stationInstitutionCode, withInstitutionTag } from './institution';
import { applyPulledCondition, applyPulledEncounter } from './pulled/visit';
import { applyPulledEcgReport, applyPulledObservation } from './pulled/observations';
import type { PullStreamSpec } from './pull-cursor';
import { SqlOutboxStore } from './sql-outbox-store';
import { dbOf, MissingDependency } from './pulled/store';
import { syncPulledParts } from '../db/schema';
import { and, eq } from 'drizzle-orm';
import { buildClientTls } from './tls';

/**
 * Sync in the app: target settings (设置/同步), the engine running in the background of main, status for the
 * 同步 screen and the status bar, conflicts and their resolution, and the pull side (remote Patients, plus what
 * other features register with onPulled).
 *
 * The engine starts by itself once the store is open and a target is enabled (checked on every call and on a
 * slow timer, because the store opens after services are built), and stops when the store closes or stop() is called.
 */

/** Stores one pulled resource locally, inside the transaction that also moves its known version. */
export type PulledHandler = (sqlite: Sqlite, resource: Resource, target: SyncTargetId) => void;

/**
 * A pull scope other than the institution's: what a feature asked the platform for itself (e.g. the replies to
 * its own consults by `based-on`). `params` returns null when there is nothing to ask for right now.
 */
export interface PullScope {
  /** Short, stable: part of the cursor's stream name. */
  name: string;
  params: (sqlite: Sqlite) => Record<string, string> | null;
}

export interface SyncServiceOptions {
  sqlite: () => Sqlite;
  storeOpen: () => boolean;
  events: EventHub;
  http?: FhirHttpClient;
  backoff?: BackoffPolicy;
  /** How often to notice that the store opened or closed; 0 turns the timer off (tests call ensureStarted). */
  watchIntervalMs?: number;
  /** Per-target overrides (tests shorten timeouts). */
  targetOverrides?: Partial<SyncTargetConfig>;
}

interface TargetRow {
  id: SyncTargetId;
  enabled: number;
  baseUrl: string;
  caCertificatePem: string;
  clientPkcs12: Buffer;
  clientPassphrase: string;
  serverName: string | null;
}

const TARGET_COLUMNS = `id, enabled, base_url AS baseUrl, ca_certificate_pem AS caCertificatePem, client_pkcs12 AS clientPkcs12,
  client_passphrase AS clientPassphrase, server_name AS serverName`;

/**
 * The clinic's own types, pulled from the county by the institution's tag and stored by pulled/*.ts. Order
 * matters a little: a chart's patient before its records, an ECG's report before its leads (either order
 * works, the leads then wait in sync_pulled_parts). The provincial platform only receives.
 */
const CLINIC_PULLS: readonly [string, PulledHandler][] = [
  ['Patient', applyPulledPatient],
  ['Encounter', applyPulledEncounter],
  ['Condition', applyPulledCondition],
  ['DiagnosticReport', applyPulledEcgReport],
  ['Observation', applyPulledObservation],
];

export class SyncService {
  private engine: SyncEngine | undefined;
  private engineDb: Sqlite | undefined;
  private engineTargets = '';
  private stopping: Promise<void> | undefined;
  /** Every handler of a type sees every pulled version of it and ignores what is not its own. */
  private readonly handlers = new Map<string, PulledHandler[]>(CLINIC_PULLS.map(([type, handler]) => [type, [handler]]));
  /** Types pulled by the institution's tag, in order; and the features' own scopes per type. */
  private readonly institutionTypes: string[] = CLINIC_PULLS.map(([type]) => type);
  private readonly scopes: { resourceType: string; scope: PullScope }[] = [];
  private readonly lastStatus = new Map<SyncTargetId, SyncTargetStatus>();
  private readonly sentThisSession = new Map<SyncTargetId, number>();
  private unsubscribeEnqueue: (() => void) | undefined;
  private readonly timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly opts: SyncServiceOptions) {
    const interval = opts.watchIntervalMs ?? 2_000;
    if (interval > 0) {
      this.timer = setInterval(() => void this.ensureStarted(), interval);
      this.timer.unref();
    }
  }

  /**
   * For other features: pulled resources of this type are handed to `handler` (county only). Without a scope
   * the type is pulled by the station's institution tag (the center's own records); with one, by that scope
   * only (what the feature asked for, e.g. replies to its consults) — never the whole county.
   */
  onPulled(resourceType: string, handler: PulledHandler, scope?: PullScope): void {
    this.handlers.set(resourceType, [...(this.handlers.get(resourceType) ?? []), handler]);
    if (scope) this.scopes.push({ resourceType, scope });
    else if (!this.institutionTypes.includes(resourceType)) this.institutionTypes.push(resourceType);
    this.engineTargets = '';
    void this.ensureStarted();
  }

  /** The county's streams for this cycle: the institution's types by tag, then the features' own scopes. */
  pullPlan(target: SyncTargetId): PullStreamSpec[] {
    if (target !== 'county') return [];
    const sqlite = this.opts.sqlite();
    const code = stationInstitutionCode(sqlite);
    const streams: PullStreamSpec[] = code
      ? this.institutionTypes.map((resourceType) => ({ stream: `pull:${resourceType}@institution:${code}`, resourceType, params: institutionScope(code) }))
      : [];
    for (const { resourceType, scope } of this.scopes) {
      const params = scope.params(sqlite);
      if (params) streams.push({ stream: `pull:${resourceType}@${scope.name}`, resourceType, params });
    }
    return streams;
  }

  private store(): SqlOutboxStore {
    return new SqlOutboxStore(this.opts.sqlite);
  }

  // ---- engine lifecycle -----------------------------------------------------------------------------------

  /** Starts, reconfigures or stops the engine to match the store and the saved targets. */
  async ensureStarted(): Promise<void> {
    if (this.stopping) await this.stopping;
    if (!this.opts.storeOpen()) {
      if (this.engine) await this.stop();
      return;
    }
    const sqlite = this.opts.sqlite();
    if (this.engine && this.engineDb !== sqlite) await this.stop(); // a restore swapped the database
    const configs = this.readConfigs().filter((config) => config.enabled).map((config) => config.config);
    const signature = JSON.stringify(configs.map((config) => [config.id, config.baseUrl, config.serverName, config.caCertificatePem, config.clientPassphrase, Buffer.from(config.clientPkcs12).toString('base64'), config.pullResourceTypes]));
    if (configs.length === 0) {
      if (this.engine) await this.stop();
      return;
    }
    if (this.engine && signature === this.engineTargets) return;
    this.engineTargets = signature;
    if (this.engine) {
      this.engine.updateTargets(configs);
      return;
    }
    this.engineDb = sqlite;
    this.engine = createSyncEngine({
      targets: configs,
      outbox: this.store(),
      http: this.opts.http ?? createFhirHttpClient(),
      applyRemote: (target, resource) => this.applyRemote(target, resource),
      applyRemoteChunk: (target, resources, commit) => this.applyRemoteChunk(target, resources, commit),
      pullPlan: (target) => this.pullPlan(target),
      onEvent: (event) => this.onEngineEvent(event),
      ...(this.opts.backoff ? { backoff: this.opts.backoff } : {}),
    });
    this.unsubscribeEnqueue = onEnqueued(sqlite, () => this.engine?.nudge());
    this.engine.start();
  }

  async stop(): Promise<void> {
    const engine = this.engine;
    if (!engine) return;
    this.engine = undefined;
    this.engineTargets = '';
    this.unsubscribeEnqueue?.();
    this.stopping = engine.stop().finally(() => (this.stopping = undefined));
    await this.stopping;
  }

  /** Stops the engine and the watch timer for good (app quit). */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.stop();
  }

  /** The running engine, for tests and the bench (whenSettled, syncOnce). */
  async running(): Promise<SyncEngine | undefined> {
    await this.ensureStarted();
    return this.engine;
  }

  private onEngineEvent(event: SyncEvent): void {
    if (event.type === 'pull-progress') {
      this.publishPullProgress(event);
      return;
    }
    if (event.type === 'status') this.lastStatus.set(event.status.target, event.status);
    if (event.type === 'pushed') this.sentThisSession.set(event.target, (this.sentThisSession.get(event.target) ?? 0) + event.resources);
    const target = 'target' in event ? event.target : event.status.target;
    const status = this.lastStatus.get(target);
    this.opts.events.publish('syncProgress', {
      target,
      state: event.type === 'error' ? 'error' : (status?.state ?? 'idle'),
      pending: event.type === 'pushed' ? event.queued : event.type === 'status' ? event.status.queued : (status?.queued ?? 0),
      sent: this.sentThisSession.get(target) ?? 0,
      ...(event.type === 'error' ? { message: event.error.code } : event.type === 'entry-failed' ? { message: event.error.code } : {}),
    });
  }

  /** At most a few progress events a second reach the renderer; the first and the last always do. */
  private lastProgressAt = 0;
  private publishPullProgress(event: Extract<SyncEvent, { type: 'pull-progress' }>): void {
    const now = Date.now();
    const done = event.received >= event.total;
    if (!done && event.received > 0 && now - this.lastProgressAt < 250) return;
    this.lastProgressAt = now;
    const status = this.lastStatus.get(event.target);
    const elapsedS = (now - event.startedAt) / 1000;
    // Time left at the rate so far; unknown until something has arrived.
    const etaS = event.received > 0 && elapsedS > 0 ? Math.max(0, Math.round(((event.total - event.received) * elapsedS) / event.received)) : null;
    this.opts.events.publish('syncProgress', {
      target: event.target,
      state: done ? (status?.state ?? 'idle') : 'pulling',
      pending: status?.queued ?? 0,
      sent: this.sentThisSession.get(event.target) ?? 0,
      pull: { received: event.received, total: event.total, etaS },
    });
  }

  private applyRemote(target: SyncTargetId, resource: Resource): void {
    const sqlite = this.opts.sqlite();
    this.refreshPartsWaiting(sqlite);
    sqlite.transaction(() => this.applyOne(sqlite, this.store(), target, resource))();
  }

  /** Whether any pulled version waits in sync_pulled_parts (checked once per chunk: usually none do). */
  private partsWaiting = true;

  private applyOne(sqlite: Sqlite, store: SqlOutboxStore, target: SyncTargetId, resource: Resource): void {
    if (store.acceptRemoteVersion(target, resource) !== 'applied') return;
    this.storeLocally(sqlite, target, resource);
  }

  private refreshPartsWaiting(sqlite: Sqlite): void {
    this.partsWaiting = dbOf(sqlite).select({ id: syncPulledParts.resourceId }).from(syncPulledParts).limit(1).get() !== undefined;
  }

  /**
   * Runs the type's handlers. One that needs a record not here yet parks the version in sync_pulled_parts; once
   * a record is stored, the versions waiting for it are stored too (and so on down the chain).
   */
  private storeLocally(sqlite: Sqlite, target: SyncTargetId, resource: Resource): void {
    const db = dbOf(sqlite);
    const id = resource.id ?? '';
    try {
      for (const handler of this.handlers.get(resource.resourceType) ?? []) handler(sqlite, resource, target);
    } catch (error) {
      if (!(error instanceof MissingDependency)) throw error;
      const part = { target, resourceType: resource.resourceType, resourceId: id, waitingType: error.resourceType, waitingId: error.resourceId, resource: JSON.stringify(resource), receivedAt: new Date().toISOString() };
      db.insert(syncPulledParts)
        .values(part)
        .onConflictDoUpdate({ target: [syncPulledParts.target, syncPulledParts.resourceType, syncPulledParts.resourceId], set: part })
        .run();
      this.partsWaiting = true;
      return;
    }
    if (!this.partsWaiting) return;
    // A newer version stored directly supersedes one parked earlier.
    db.delete(syncPulledParts)
      .where(and(eq(syncPulledParts.target, target), eq(syncPulledParts.resourceType, resource.resourceType), eq(syncPulledParts.resourceId, id)))
      .run();
    const waiting = db
      .select()
      .from(syncPulledParts)
      .where(and(eq(syncPulledParts.target, target), eq(syncPulledParts.waitingType, resource.resourceType), eq(syncPulledParts.waitingId, id)))
      .all();
    for (const part of waiting) {
      db.delete(syncPulledParts)
        .where(and(eq(syncPulledParts.target, target), eq(syncPulledParts.resourceType, part.resourceType), eq(syncPulledParts.resourceId, part.resourceId)))
        .run();
      this.storeLocally(sqlite, target, JSON.parse(part.resource) as Resource);
    }
  }

  /** A chunk and the cursor after it in one transaction (see ApplyRemoteChunk): kill -9 loses or repeats nothing. */
  private applyRemoteChunk(target: SyncTargetId, resources: readonly Resource[], commit: { stream: string; cursor: string }): void {
    const sqlite = this.opts.sqlite();
    const store = this.store();
    this.refreshPartsWaiting(sqlite);
    // The platform keeps what we pulled: a chunk lost to a power cut is pulled again (its cursor is in the same
    // transaction), so it need not wait for an fsync — at first sync that wait was most of the time. WAL with
    // synchronous=NORMAL stays consistent; the next local clinical write (synchronous=FULL) syncs the log anyway.
    sqlite.pragma('synchronous = NORMAL');
    try {
      sqlite.transaction(() => {
        for (const resource of resources) this.applyOne(sqlite, store, target, resource);
        store.setCursor(target, commit.stream, commit.cursor);
      })();
    } finally {
      sqlite.pragma('synchronous = FULL');
    }
  }

  // ---- settings ---------------------------------------------------------------------------------------------

  private readRows(): TargetRow[] {
    return this.opts.sqlite().prepare(`SELECT ${TARGET_COLUMNS} FROM sync_targets ORDER BY id`).all() as TargetRow[];
  }

  private readConfigs(): { enabled: boolean; config: SyncTargetConfig }[] {
    return this.readRows().map((row) => ({
      enabled: row.enabled === 1,
      config: {
        id: row.id,
        baseUrl: row.baseUrl,
        caCertificatePem: row.caCertificatePem,
        clientPkcs12: new Uint8Array(row.clientPkcs12),
        clientPassphrase: row.clientPassphrase,
        ...(row.serverName ? { serverName: row.serverName } : {}),
        // The streams themselves come from pullPlan at each cycle; this lists the types for the signature.
        pullResourceTypes: row.id === 'county' ? [...new Set([...this.institutionTypes, ...this.scopes.map((each) => each.resourceType)])] : [],
        ...this.opts.targetOverrides,
      },
    }));
  }

  async configure(input: SyncTargetInput): Promise<SyncTargetView> {
    const sqlite = this.opts.sqlite();
    const existing = this.readRows().find((row) => row.id === input.id);
    const caPem = input.caCertificatePem ?? (input.caCertificatePath ? readInputFile(input.caCertificatePath, 'caCertificatePath').toString('utf8') : existing?.caCertificatePem);
    const pkcs12 = input.clientPkcs12Path ? readInputFile(input.clientPkcs12Path, 'clientPkcs12Path') : existing?.clientPkcs12;
    const passphrase = input.clientPassphrase ?? existing?.clientPassphrase ?? '';
    if (!caPem) throw new ApiError('VALIDATION', 'the platform CA certificate is required', { field: 'caCertificatePath', reason: 'CA_REQUIRED' });
    if (!pkcs12) throw new ApiError('VALIDATION', 'the station certificate (PKCS#12) is required', { field: 'clientPkcs12Path', reason: 'CLIENT_CERT_REQUIRED' });
    caSubjectOf(caPem); // throws VALIDATION when it is not a certificate
    const config: SyncTargetConfig = {
      id: input.id,
      baseUrl: input.baseUrl,
      caCertificatePem: caPem,
      clientPkcs12: new Uint8Array(pkcs12),
      clientPassphrase: passphrase,
      ...(input.serverName ? { serverName: input.serverName } : {}),
      pullResourceTypes: [],
    };
    try {
      buildClientTls(config); // opens the PKCS#12 now: a wrong passphrase is reported here, not at the first sync
    } catch (error) {
      const code = error instanceof SyncError ? error.code : 'TLS_BAD_PASSPHRASE';
      throw new ApiError('VALIDATION', `the certificate settings do not open: ${String(error)}`, { field: 'clientPassphrase', reason: code });
    }
    sqlite
      .prepare(
        `INSERT INTO sync_targets (id, enabled, base_url, ca_certificate_pem, client_pkcs12, client_passphrase, server_name, updated_at)
         VALUES (@id, @enabled, @baseUrl, @caPem, @pkcs12, @passphrase, @serverName, @now)
         ON CONFLICT (id) DO UPDATE SET enabled = excluded.enabled, base_url = excluded.base_url, ca_certificate_pem = excluded.ca_certificate_pem,
           client_pkcs12 = excluded.client_pkcs12, client_passphrase = excluded.client_passphrase, server_name = excluded.server_name, updated_at = excluded.updated_at`,
      )
      .run({
        id: input.id,
        enabled: input.enabled === false ? 0 : 1,
        baseUrl: input.baseUrl,
        caPem,
        pkcs12: Buffer.from(pkcs12),
        passphrase,
        serverName: input.serverName ?? null,
        now: new Date().toISOString(),
      });
    if (!existing) this.backfill(input.id);
    // New settings may fix what the last error asked for: held entries get another chance.
    this.store().releaseHeld(input.id);
    await this.ensureStarted();
    this.engine?.nudge(input.id, { force: true });
    return this.view(input.id);
  }

  /**
   * A target configured after the station was in use: queue the current patients for it, so the platform
   * is not missing everyone registered before the link existed. (Clinical history stays local.)
   */
  private backfill(target: SyncTargetId): void {
    const sqlite = this.opts.sqlite();
    const store = this.store();
    const ids = sqlite.prepare('SELECT id FROM patients ORDER BY created_at').all() as { id: string }[];
    sqlite.transaction(() => {
      for (const { id } of ids) {
        if (!store.hasUnsentChange(target, 'Patient', id)) store.enqueue(this.tagged(sqlite, patientResource(sqlite, id)), [target]);
      }
    })();
  }

  private tagged(sqlite: Sqlite, resource: ResourceWithId): ResourceWithId {
    const code = stationInstitutionCode(sqlite);
    return code ? withInstitutionTag(resource, code) : resource;
  }

  async setEnabled(id: SyncTargetId, enabled: boolean): Promise<SyncTargetView> {
    const changed = this.opts.sqlite().prepare('UPDATE sync_targets SET enabled = ?, updated_at = ? WHERE id = ?').run(enabled ? 1 : 0, new Date().toISOString(), id);
    if (changed.changes === 0) throw new ApiError('NOT_FOUND', `the ${id} target is not configured`);
    await this.ensureStarted();
    return this.view(id);
  }

  // ---- status -----------------------------------------------------------------------------------------------

  targets(): SyncTargetView[] {
    return SYNC_TARGET_IDS.map((id) => this.view(id));
  }

  view(id: SyncTargetId): SyncTargetView {
    const row = this.readRows().find((each) => each.id === id);
    const store = this.store();
    const live = this.engine && row?.enabled === 1 ? safeStatus(this.engine, id) : undefined;
    const status = live ?? this.lastStatus.get(id);
    const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());
    return {
      id,
      configured: row !== undefined,
      enabled: row?.enabled === 1,
      baseUrl: row?.baseUrl ?? null,
      serverName: row?.serverName ?? null,
      caSubject: row ? safeCaSubject(row.caCertificatePem) : null,
      hasClientCertificate: (row?.clientPkcs12.byteLength ?? 0) > 0,
      state: live?.state ?? 'stopped',
      queued: row ? store.countPending(id) : 0,
      lastSyncAt: iso(status?.lastSuccessAt ?? this.lastSuccessFromOutbox(id)),
      lastError: status?.lastError ?? null,
      nextAttemptAt: iso(status?.nextAttemptAt),
      consecutiveFailures: status?.consecutiveFailures ?? 0,
      openConflicts: row ? store.openConflicts(id).length : 0,
    };
  }

  /** Survives a restart: the newest acknowledgement stands in until the engine finishes a cycle. */
  private lastSuccessFromOutbox(id: SyncTargetId): number | null {
    const row = this.opts.sqlite().prepare(`SELECT max(sent_at) AS at FROM sync_outbox WHERE target = ? AND state = 'sent'`).get(id) as { at: string | null };
    return row.at === null ? null : Date.parse(row.at);
  }

  /** For system.status(): the status bar's summary over all enabled targets. */
  systemStatus(): SystemStatus['sync'] {
    if (!this.opts.storeOpen()) return { state: 'notConfigured', pending: 0, lastSyncAt: null };
    void this.ensureStarted();
    const views = this.targets().filter((view) => view.enabled);
    if (views.length === 0) return { state: 'notConfigured', pending: 0, lastSyncAt: null };
    const lastSyncs = views.map((view) => view.lastSyncAt).filter((at): at is string => at !== null).sort();
    const state = views.some((view) => view.lastError !== null)
      ? 'error'
      : views.some((view) => view.state === 'pushing' || view.state === 'pulling')
        ? 'syncing'
        : 'idle';
    return { state, pending: views.reduce((sum, view) => sum + view.queued, 0), lastSyncAt: lastSyncs.at(-1) ?? null };
  }

  async syncNow(id?: SyncTargetId): Promise<SyncTargetView[]> {
    await this.ensureStarted();
    if (!this.engine) throw new ApiError('CONFLICT', 'no sync target is configured and enabled', { reason: 'SYNC_NOT_CONFIGURED' });
    this.engine.nudge(id, { force: true });
    return this.targets();
  }

  async retry(id: SyncTargetId): Promise<SyncTargetView> {
    this.store().releaseHeld(id);
    await this.syncNow(id);
    return this.view(id);
  }

  // ---- conflicts and per-record state ---------------------------------------------------------------------

  conflicts(id?: SyncTargetId): SyncConflictView[] {
    return this.store()
      .openConflicts(id)
      .map((conflict) => ({
        id: conflict.id,
        target: conflict.target,
        resourceType: conflict.resourceType,
        resourceId: conflict.resourceId,
        ours: conflict.ours as unknown as Record<string, unknown>,
        theirs: conflict.theirs as unknown as Record<string, unknown> | null,
        detectedAt: new Date(conflict.detectedAt).toISOString(),
      }));
  }

  /**
   * "Keep ours": the station's version goes out again on top of the platform's current one. "Take theirs": the
   * platform's version replaces the local record (for the types this station stores) and nothing is re-sent.
   */
  resolve(conflictId: number, keep: 'ours' | 'theirs'): { resolved: boolean } {
    const sqlite = this.opts.sqlite();
    const store = this.store();
    const conflict = store.conflict(conflictId);
    if (!conflict || conflict.resolution !== null) throw new ApiError('NOT_FOUND', `no open sync conflict ${conflictId}`);
    sqlite.transaction(() => {
      if (keep === 'ours') {
        store.resolveConflict(conflictId, 'ours', this.tagged(sqlite, latestLocal(sqlite, conflict.ours)));
        return;
      }
      store.resolveConflict(conflictId, 'theirs');
      const theirs = conflict.theirs;
      if (theirs) this.storeLocally(sqlite, conflict.target, theirs);
    })();
    this.engine?.nudge(conflict.target);
    return { resolved: true };
  }

  recordStates(patientId: string): RecordSyncStateView[] {
    const sqlite = this.opts.sqlite();
    const resources = sqlite
      .prepare(
        `SELECT DISTINCT resource_type AS resourceType, resource_id AS resourceId FROM sync_outbox
         WHERE (resource_type = 'Patient' AND resource_id = @id) OR json_extract(resource, '$.subject.reference') = 'Patient/' || @id
         ORDER BY resource_type, resource_id`,
      )
      .all({ id: patientId }) as { resourceType: string; resourceId: string }[];
    const store = this.store();
    return resources.flatMap(({ resourceType, resourceId }) =>
      store.recordStates(resourceType, resourceId).map((state) => ({ resourceType, resourceId, target: state.target, state: state.state, lastError: state.lastError })),
    );
  }
}

function safeStatus(engine: SyncEngine, id: SyncTargetId): SyncTargetStatus | undefined {
  try {
    return engine.status(id);
  } catch {
    return undefined;
  }
}

function readInputFile(filePath: string, field: string): Buffer {
  try {
    return readFileSync(filePath);
  } catch (error) {
    throw new ApiError('VALIDATION', `cannot read ${filePath}: ${(error as Error).message}`, { field, reason: 'FILE_UNREADABLE' });
  }
}

function caSubjectOf(pem: string): string {
  try {
    return new X509Certificate(pem).subject.replace(/\n/g, ', ');
  } catch {
    throw new ApiError('VALIDATION', 'the CA file is not a PEM certificate', { field: 'caCertificatePath', reason: 'CA_NOT_PEM' });
  }
}

function safeCaSubject(pem: string): string | null {
  try {
    return caSubjectOf(pem);
  } catch {
    return null;
  }
}

function patientResource(sqlite: Sqlite, id: string): ResourceWithId {
  return patientToFhir(readPatient(sqlite, id));
}

/** The newest local state of a conflicted record when the station still has it (an edit may have followed). */
function latestLocal(sqlite: Sqlite, ours: ResourceWithId): ResourceWithId {
  if (ours.resourceType !== 'Patient') return ours;
  const exists = sqlite.prepare('SELECT 1 FROM patients WHERE id = ?').get(ours.id);
  return exists ? patientResource(sqlite, ours.id) : ours;
}

// ---- pulled Patients ------------------------------------------------------------------------------------------

/**
 * A Patient from the county: updates the local record's demographics (new local version, no outbox entry, so
 * it does not echo back) or creates it. Our own pushes come back on pull unchanged and are skipped.
 */
export function applyPulledPatient(sqlite: Sqlite, resource: Resource): void {
  const remote = patientFromFhir(resource as FhirPatient);
  const local = sqlite.prepare('SELECT id FROM patients WHERE id = ?').get(remote.id) as { id: string } | undefined;
  if (remote.idNumber) {
    const other = sqlite.prepare('SELECT id FROM patients WHERE id_number = ? AND id <> ?').get(remote.idNumber, remote.id) as { id: string } | undefined;
    // The same resident registered on two stations while offline: two records, one resident ID. Storing it would
    // break the unique ID; failing would stop the center's whole Patient stream at this record. It waits (with its
    // records, which wait for it) until the duplicate is resolved — see docs/sync.md.
    if (other) throw new MissingDependency('PatientMerge', other.id);
  }
  const now = new Date().toISOString();
  if (!local) {
    insertPatientRow(sqlite, {
      ...searchColumnsFor(remote.name),
      id: remote.id,
      idNumber: remote.idNumber,
      idSuffix: remote.idNumber?.slice(-6) ?? null,
      noIdReason: remote.idNumber ? null : 'unknown',
      sex: remote.sex,
      birthDate: remote.birthDate,
      phone: remote.phone,
      healthCardNumber: remote.healthCardNumber,
      village: remote.village,
      address: remote.address,
      household: null,
      contractDoctor: null,
      contractDate: null,
      hypertension: false,
      diabetes: false,
      allergies: null,
      createdAt: now,
    });
    return;
  }
  const current = readPatient(sqlite, remote.id);
  if (samePatient(current, remote)) return;
  sqlite
    .prepare(
      `UPDATE patients SET name = @name, given_name = @givenName, pinyin_full = @pinyinFull, pinyin_initials = @pinyinInitials,
         pinyin_alt_full = @pinyinAltFull, pinyin_alt_initials = @pinyinAltInitials, id_number = @idNumber, id_suffix = @idSuffix,
         sex = @sex, birth_date = @birthDate, phone = @phone, health_card_number = @healthCardNumber, village = @village, address = @address,
         version = version + 1, updated_at = @now WHERE id = @id`,
    )
    .run({
      ...searchColumnsFor(remote.name),
      id: remote.id,
      idNumber: remote.idNumber,
      idSuffix: remote.idNumber?.slice(-6) ?? null,
      sex: remote.sex,
      birthDate: remote.birthDate,
      phone: remote.phone,
      healthCardNumber: remote.healthCardNumber,
      village: remote.village,
      address: remote.address,
      now,
    });
}

function samePatient(local: ReturnType<typeof readPatient>, remote: PatientFromFhir): boolean {
  return (
    local.name === remote.name &&
    local.idNumber === remote.idNumber &&
    local.healthCardNumber === remote.healthCardNumber &&
    local.sex === remote.sex &&
    local.birthDate === remote.birthDate &&
    local.phone === remote.phone &&
    local.village === remote.village &&
    local.address === remote.address
  );
}
