import type { Resource } from '@medplum/fhirtypes';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ApiError } from '../../shared/api/errors';
import type { RecordSyncStateView, SyncConflictView, SyncRecordList, SyncRecordListName, SyncTargetInput, SyncTargetView } from '../../shared/api/sync';
import type { SystemStatus } from '../../shared/api/system';
import { SYNC_TARGET_IDS, type SyncRouting, type SyncEvent, type SyncTargetConfig, type SyncTargetId, type SyncTargetStatus } from '../../shared/sync';
import type { Db, Sqlite } from '../db/open';
import type { EventHub } from '../events/event-hub';
import { insertPatientRow } from '../patients/patient-service';
import { pulledDuplicateOf } from '../patients/patient-merge';
import { applyPulledMerge, LOCAL_ONLY, pulledDemographics } from './pulled-merge';
import type { BackoffPolicy } from './backoff';
import { createSyncEngine, type SyncEngine } from './engine';
import { SyncError } from './errors';
import { createFhirHttpClient, type FhirHttpClient } from './http';
import { patientFromFhir, patientToFhir, type PatientFromFhir } from './mapping/patient';
import type { ResourceWithId } from './outbox';
import { configuredTargets, onEnqueued, readPatient, readPatientIfAny, ROUTING_SETTING, syncRouting } from './outbox-writer';
import { SqlOutboxStore } from './sql-outbox-store';
import { listSyncRecords } from './record-lists';
import { institutionScope, stationInstitutionCode } from './institution';
import { applyPulledCondition, applyPulledEncounter } from './pulled/visit';
import { applyPulledEcgReport, applyPulledObservation } from './pulled/observations';
import type { PullStreamSpec } from './pull-cursor';
import { dbOf, MissingDependency, parseStoredResource, prepared } from './pulled/store';
import { patients, settings, syncOutbox, syncPulledParts, syncTargets } from '../db/schema';
import { and, eq, max, or, sql } from 'drizzle-orm';
import { buildClientTls } from './tls';
import { prepareBackfill, storeBackfillSlice, type BackfillProgress, type BackfillSlice } from './backfill';
import { runBackfillInWorker, type BackfillRun } from './backfill-worker-client';
import { warmFhirDefinitions } from './fhir-validate';
import { queueNationalDocument } from '../interop/document-queue';
import { loadCdaSchema, type SchemaFiles } from '../interop/validate';

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
  /** The same store through drizzle (the 同步 screen's lists are typed from the schema). */
  db: () => Db;
  storeOpen: () => boolean;
  events: EventHub;
  http?: FhirHttpClient;
  backoff?: BackoffPolicy;
  /** How often to notice that the store opened or closed; 0 turns the timer off (tests call ensureStarted). */
  watchIntervalMs?: number;
  /** Per-target overrides (tests shorten timeouts). */
  targetOverrides?: Partial<SyncTargetConfig>;
  /**
   * Called when a push to a target has sent everything pending (and sent something), before the engine moves on, so that what it queues
   * (the audit chain anchor, issue 15.4) goes out in the same sync and counts nowhere as waiting. It must queue
   * without nudging the engine.
   */
  onDrained?: (target: SyncTargetId) => void;
  /** The open store's file and key, for the back-fill's worker thread and its own connection; absent: on this thread. */
  backfillWorker?: () => { dbFile: string; key: Uint8Array };
}

type TargetRow = typeof syncTargets.$inferSelect;

/**
 * Where the HL7 CDA R2 schema is read from for the documents targets' pre-send check: the folder saved in 设置/同步,
 * else the TWS_CDA_SCHEMA_DIR environment variable (docs/interop.md §Schema says why the app does not ship it).
 */
export const CDA_SCHEMA_DIR_SETTING = 'interop.cdaSchemaDir';

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
  private readonly backfills = new Map<SyncTargetId, { running: Promise<void>; again: boolean }>();
  private readonly backfillRuns = new Set<BackfillRun>();
  private resumedFor: Sqlite | undefined;
  private readonly lastStatus = new Map<SyncTargetId, SyncTargetStatus>();
  private readonly sentThisSession = new Map<SyncTargetId, number>();
  private unsubscribeEnqueue: (() => void) | undefined;
  private schemaCache: { dir: string; files: SchemaFiles | undefined } | undefined;
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

  /** The outbox as the engine sees it: the same store, whose empty answer first gives onDrained its turn. */
  private engineOutbox(): SqlOutboxStore {
    const store = this.store();
    const onDrained = this.opts.onDrained;
    if (!onDrained) return store;
    const pending = store.pending.bind(store);
    // Only a push that has sent something ends with onDrained: an idle cycle, or one that failed before its queue
    // was empty, adds nothing of its own.
    const sentSomething = new Set<SyncTargetId>();
    store.pending = (target, limit) => {
      const entries = pending(target, limit);
      if (entries.length > 0) {
        sentSomething.add(target);
        return entries;
      }
      if (!sentSomething.delete(target)) return entries;
      try {
        onDrained(target);
      } catch (err) {
        // What onDrained adds is a bonus to this sync; it never stops the sync itself.
        console.error('[sync] onDrained failed', err);
      }
      return pending(target, limit);
    };
    return store;
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
    this.resumeBackfills(sqlite);
    if (this.engine && this.engineDb !== sqlite) await this.stop(); // a restore swapped the database
    const configs = this.readConfigs()
      .filter((config) => config.enabled)
      .map((config) => config.config);
    const signature = JSON.stringify(
      configs.map((config) => [
        config.id,
        config.kind,
        config.baseUrl,
        config.serverName,
        config.caCertificatePem,
        config.clientPassphrase,
        Buffer.from(config.clientPkcs12).toString('base64'),
        config.pullResourceTypes,
      ]),
    );
    if (configs.length === 0) {
      if (this.engine) await this.stop();
      return;
    }
    // Every write queues and validates from now on: index the definitions now, in slices, not in the first write.
    // A failure (files missing) shows where it matters: the first validation indexes in one piece and refuses there.
    void warmFhirDefinitions().catch(() => undefined);
    if (this.engine && signature === this.engineTargets) return;
    this.engineTargets = signature;
    if (this.engine) {
      this.engine.updateTargets(configs);
      return;
    }
    this.engineDb = sqlite;
    this.engine = createSyncEngine({
      targets: configs,
      outbox: this.engineOutbox(),
      http: this.opts.http ?? createFhirHttpClient(),
      applyRemote: (target, resource) => this.applyRemote(target, resource),
      applyRemoteChunk: (target, resources, commit) => this.applyRemoteChunk(target, resources, commit),
      pullPlan: (target) => this.pullPlan(target),
      onEvent: (event) => this.onEngineEvent(event),
      documentSchema: () => this.documentSchema(),
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
    for (const run of this.backfillRuns) run.stop();
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
    const db = dbOf(sqlite);
    this.partsWaiting =
      prepared(db, 'any-part-waiting', () => db.select({ id: syncPulledParts.resourceId }).from(syncPulledParts).limit(1).prepare()).get() !== undefined;
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
      const part = {
        target,
        resourceType: resource.resourceType,
        resourceId: id,
        waitingType: error.resourceType,
        waitingId: error.resourceId,
        resource: JSON.stringify(resource),
        receivedAt: new Date().toISOString(),
      };
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
      this.storeLocally(sqlite, target, parseStoredResource(part.resource));
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
    widenPageCache(sqlite);
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

  /** The configured CDA schema folder (or the environment's), or null when none is set. */
  documentSchemaDir(): string | null {
    const row = settingRow(this.opts.db(), CDA_SCHEMA_DIR_SETTING);
    const saved: unknown = row ? JSON.parse(row.value) : null;
    if (typeof saved === 'string' && saved !== '') return saved;
    return process.env.TWS_CDA_SCHEMA_DIR || null;
  }

  private documentSchema(): SchemaFiles | undefined {
    const dir = this.documentSchemaDir();
    if (!dir) return undefined;
    if (this.schemaCache?.dir !== dir) this.schemaCache = { dir, files: loadCdaSchema(dir) };
    return this.schemaCache.files;
  }

  private readRows(): TargetRow[] {
    return this.opts.db().select().from(syncTargets).orderBy(syncTargets.id).all();
  }

  private readConfigs(): { enabled: boolean; config: SyncTargetConfig }[] {
    return this.readRows().map((row) => ({
      enabled: row.enabled,
      config: {
        id: row.id,
        baseUrl: row.baseUrl,
        caCertificatePem: row.caCertificatePem,
        clientPkcs12: new Uint8Array(row.clientPkcs12),
        clientPassphrase: row.clientPassphrase,
        ...(row.serverName ? { serverName: row.serverName } : {}),
        kind: row.kind,
        // The streams themselves come from pullPlan at each cycle; this lists the types for the signature.
        pullResourceTypes:
          row.kind === 'documents' || row.id !== 'county' ? [] : [...new Set([...this.institutionTypes, ...this.scopes.map((each) => each.resourceType)])],
        ...this.opts.targetOverrides,
      },
    }));
  }

  /**
   * The saved settings of an enabled target, for features that ask the platform directly rather than through the
   * engine's queue (the county record on demand). undefined when the target is missing or paused.
   */
  targetConfig(id: SyncTargetId): SyncTargetConfig | undefined {
    if (!this.opts.storeOpen()) return undefined;
    return this.readConfigs().find((each) => each.enabled && each.config.id === id)?.config;
  }

  async configure(input: SyncTargetInput): Promise<SyncTargetView> {
    const sqlite = this.opts.sqlite();
    const existing = this.readRows().find((row) => row.id === input.id);
    const caPem =
      input.caCertificatePem ??
      (input.caCertificatePath ? readInputFile(input.caCertificatePath, 'caCertificatePath').toString('utf8') : existing?.caCertificatePem);
    const pkcs12 = input.clientPkcs12Path ? readInputFile(input.clientPkcs12Path, 'clientPkcs12Path') : existing?.clientPkcs12;
    const passphrase = input.clientPassphrase ?? existing?.clientPassphrase ?? '';
    if (!caPem) throw new ApiError('VALIDATION', 'the platform CA certificate is required', { field: 'caCertificatePath', reason: 'CA_REQUIRED' });
    if (!pkcs12)
      throw new ApiError('VALIDATION', 'the station certificate (PKCS#12) is required', { field: 'clientPkcs12Path', reason: 'CLIENT_CERT_REQUIRED' });
    caSubjectOf(caPem); // throws VALIDATION when it is not a certificate
    const kind = input.kind ?? existing?.kind ?? 'fhir';
    if (input.cdaSchemaDir !== undefined) this.saveSchemaDir(input.cdaSchemaDir);
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
        `INSERT INTO sync_targets (id, enabled, base_url, ca_certificate_pem, client_pkcs12, client_passphrase, server_name, kind, updated_at)
         VALUES (@id, @enabled, @baseUrl, @caPem, @pkcs12, @passphrase, @serverName, @kind, @now)
         ON CONFLICT (id) DO UPDATE SET enabled = excluded.enabled, base_url = excluded.base_url, ca_certificate_pem = excluded.ca_certificate_pem,
           client_pkcs12 = excluded.client_pkcs12, client_passphrase = excluded.client_passphrase, server_name = excluded.server_name,
           kind = excluded.kind, updated_at = excluded.updated_at`,
      )
      .run({
        id: input.id,
        enabled: input.enabled === false ? 0 : 1,
        baseUrl: input.baseUrl,
        caPem,
        pkcs12: Buffer.from(pkcs12),
        passphrase,
        serverName: input.serverName ?? null,
        kind,
        now: new Date().toISOString(),
      });
    // A documents platform gets each resident's EHR-SD-1; a FHIR one everything its routing takes (back-fill).
    if (kind === 'documents') {
      if (!existing || existing.kind !== kind || !existing.enabled) this.backfillDocuments(input.id);
    } else if (!existing || !existing.enabled || existing.kind !== kind) void this.backfill(input.id);
    // New settings may fix what the last error asked for: held entries get another chance.
    this.store().releaseHeld(input.id);
    await this.ensureStarted();
    this.engine?.nudge(input.id, { force: true });
    return this.view(input.id);
  }

  /**
   * Back-fill (issue 10 item 3): queue for `target` everything already in the store that its routing takes — the
   * institution, patients, enrolments, follow-ups, referrals, bookings, health checks, signed visits, vitals, ECGs
   * — so a platform added (or enabled, or a station whose institution code was set) after the station was in use
   * is not missing its past. Chunked: each transaction runs for at most BACKFILL_SLICE_MS, then the event loop
   * gets a turn, so the UI and the sync engine are never blocked for long. Idempotent: a record whose newest
   * queued entry already holds its current content is skipped. Progress goes out as `syncBackfill` events.
   * Resolves when done; a second call while one runs makes it run once more after (new records, a new code).
   */
  backfill(target: SyncTargetId): Promise<void> {
    const current = this.backfills.get(target);
    if (current) {
      current.again = true;
      return current.running;
    }
    const state = { running: Promise.resolve(), again: false };
    state.running = (async () => {
      try {
        do {
          state.again = false;
          await this.backfillOnce(target);
        } while (state.again);
      } catch (error) {
        // Callers start it and move on: a failure is logged, never an unhandled rejection. The pending mark stays
        // set, so the back-fill runs again when the store next opens. A store closed underneath is not a failure.
        if (this.opts.storeOpen()) console.error('[sync] back-fill failed', error);
      } finally {
        this.backfills.delete(target);
      }
    })();
    this.backfills.set(target, state);
    return state.running;
  }

  routing(): SyncRouting {
    return syncRouting(this.opts.sqlite());
  }

  /** Saves the routing; each configured target that now takes a family it did not is back-filled (idempotent). */
  setRouting(routing: SyncRouting): SyncRouting {
    const sqlite = this.opts.sqlite();
    const before = syncRouting(sqlite);
    sqlite
      .prepare(
        `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      )
      .run(ROUTING_SETTING, JSON.stringify(routing), new Date().toISOString());
    for (const target of configuredTargets(sqlite)) {
      if (routing[target].some((family) => !before[target].includes(family))) void this.backfill(target);
    }
    return syncRouting(sqlite);
  }

  /** For tests and the bench: resolves when no back-fill is running. */
  async whenBackfilled(): Promise<void> {
    while (this.backfills.size > 0) await Promise.all([...this.backfills.values()].map((each) => each.running));
  }

  /** The institution code or name changed: its Organization, and everything stamped with the old code, re-queued. */
  institutionChanged(): Promise<void> {
    if (!this.opts.storeOpen()) return Promise.resolve();
    return Promise.all([...configuredTargets(this.opts.sqlite())].map((target) => this.backfill(target))).then(() => undefined);
  }

  private async backfillOnce(target: SyncTargetId): Promise<void> {
    if (!this.opts.storeOpen()) return;
    const sqlite = this.opts.sqlite();
    if (!configuredTargets(sqlite).has(target)) {
      if (pendingBackfills(sqlite).includes(target)) setBackfillPending(sqlite, target, false); // target removed since
      return;
    }
    // Durable before the first slice: a back-fill cut short (quit, crash, power) is run again at the next start.
    setBackfillPending(sqlite, target, true);
    const progress: BackfillProgress = { done: 0, total: 0, queued: 0 };
    const publish = (finished: boolean) => this.opts.events.publish('syncBackfill', { target, ...progress, finished });
    // Closed or restored underneath: stop; the mark stays and the next open runs it again.
    const stillOurs = () => this.opts.storeOpen() && this.opts.sqlite() === sqlite;
    const onSlice = (slice: BackfillSlice) => {
      if (!stillOurs()) return false;
      progress.queued += storeBackfillSlice(sqlite, target, slice.entries);
      progress.done = slice.done;
      progress.total = slice.total;
      publish(false);
      return true;
    };
    let complete: boolean;
    // A worker costs a thread start and its own index of the R4 definitions (1–2 s of CPU): worth it for a store in
    // use, not for a new station's few records (its first sync runs right after and needs the CPU).
    const location = smallStore(sqlite) ? undefined : this.opts.backfillWorker?.();
    if (location) {
      // Reading, mapping, stamping and validating (≈ 2 ms a record) run in a worker with its own read-only
      // connection; this thread writes each slice's entries in one short transaction (a millisecond or two), so
      // the UI is not held by the back-fill (it was 96–124 ms p99 with all of it on this thread).
      const run = runBackfillInWorker({ ...location, target }, onSlice);
      this.backfillRuns.add(run);
      // The worker checkpoints the log meanwhile (backfill-worker.ts): SQLite's automatic checkpoint would copy and
      // sync it inside this thread's slice commits.
      const restoreCheckpoints = checkpointsOffThisThread(sqlite);
      try {
        complete = await run.done;
      } finally {
        this.backfillRuns.delete(run);
        restoreCheckpoints();
      }
    } else {
      // A small store, or no database file to open a second connection to: the same slices on this thread.
      complete = await prepareBackfill(sqlite, target, async (slice) => {
        if (!onSlice(slice)) return false;
        await new Promise((resolve) => setImmediate(resolve));
        return stillOurs();
      });
    }
    if (!complete || !stillOurs()) return;
    setBackfillPending(sqlite, target, false);
    publish(true);
    if (progress.queued > 0) this.engine?.nudge(target);
  }

  /** Once per opened store: back-fills that did not finish last time run again. */
  private resumeBackfills(sqlite: Sqlite): void {
    if (this.resumedFor === sqlite) return;
    this.resumedFor = sqlite;
    for (const target of pendingBackfills(sqlite)) void this.backfill(target);
  }

  /** A documents target added after the station was in use: each resident's EHR-SD-1 (个人基本健康信息登记). */
  private backfillDocuments(target: SyncTargetId): void {
    const sqlite = this.opts.sqlite();
    const ids = sqlite.prepare<[], { id: string }>('SELECT id FROM patients ORDER BY created_at').all();
    sqlite.transaction(() => {
      for (const { id } of ids) queueNationalDocument(sqlite, { kind: 'patient', id }, [target]);
    })();
  }

  private saveSchemaDir(dir: string): void {
    const trimmed = dir.trim();
    if (trimmed !== '' && !loadCdaSchema(trimmed)) {
      throw new ApiError('VALIDATION', `no HL7 CDA R2 schema (CDA.xsd or CDA_SDTC.xsd) under ${trimmed}`, {
        field: 'cdaSchemaDir',
        reason: 'CDA_SCHEMA_NOT_FOUND',
      });
    }
    const sqlite = this.opts.sqlite();
    if (trimmed === '') sqlite.prepare('DELETE FROM settings WHERE key = ?').run(CDA_SCHEMA_DIR_SETTING);
    else {
      sqlite
        .prepare(
          'INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
        )
        .run(CDA_SCHEMA_DIR_SETTING, JSON.stringify(trimmed), new Date().toISOString());
    }
    this.schemaCache = undefined;
  }

  async setEnabled(id: SyncTargetId, enabled: boolean): Promise<SyncTargetView> {
    const wasEnabled = this.readRows().find((row) => row.id === id)?.enabled === true;
    const changed = this.opts
      .sqlite()
      .prepare('UPDATE sync_targets SET enabled = ?, updated_at = ? WHERE id = ?')
      .run(enabled ? 1 : 0, new Date().toISOString(), id);
    if (changed.changes === 0) throw new ApiError('NOT_FOUND', `the ${id} target is not configured`);
    if (enabled && !wasEnabled) void this.backfill(id);
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
    const live = this.engine && row?.enabled === true ? safeStatus(this.engine, id) : undefined;
    const status = live ?? this.lastStatus.get(id);
    const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());
    return {
      id,
      configured: row !== undefined,
      kind: row?.kind ?? 'fhir',
      enabled: row?.enabled === true,
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
      ...(() => {
        const held = row ? store.heldSummary(id) : { count: 0, latest: null };
        return { held: held.count, lastHeldError: held.latest };
      })(),
    };
  }

  /** Survives a restart: the newest acknowledgement stands in until the engine finishes a cycle. */
  private lastSuccessFromOutbox(id: SyncTargetId): number | null {
    const row = this.opts
      .db()
      .select({ at: max(syncOutbox.sentAt) })
      .from(syncOutbox)
      .where(and(eq(syncOutbox.target, id), eq(syncOutbox.state, 'sent')))
      .get();
    return row?.at == null ? null : Date.parse(row.at);
  }

  /** For system.status(): the status bar's summary over all enabled targets. */
  systemStatus(): SystemStatus['sync'] {
    if (!this.opts.storeOpen()) return { state: 'notConfigured', pending: 0, lastSyncAt: null };
    void this.ensureStarted();
    const views = this.targets().filter((view) => view.enabled);
    if (views.length === 0) return { state: 'notConfigured', pending: 0, lastSyncAt: null };
    const lastSyncs = views
      .map((view) => view.lastSyncAt)
      .filter((at): at is string => at !== null)
      .sort();
    // 已同步 only when it is true: every enabled target finished a cycle in this run and holds nothing it could not send.
    const failing = (view: SyncTargetView) => view.lastError !== null || listSyncRecords(this.opts.db(), view.id, 'failed', 0).total > 0;
    const unproven = (view: SyncTargetView) => !this.engine || !safeStatus(this.engine, view.id)?.lastSuccessAt;
    const state = views.some(failing)
      ? 'error'
      : views.some((view) => view.state === 'pushing' || view.state === 'pulling' || unproven(view))
        ? 'syncing'
        : 'idle';
    return { state, pending: views.reduce((sum, view) => sum + view.queued, 0), lastSyncAt: lastSyncs.at(-1) ?? null };
  }

  /**
   * Asks for a cycle of `id` soon if its link is working: wakes an idle target, leaves one that waits out a failure
   * to its backoff. For features that expect an answer from the platform (consult replies).
   */
  pollSoon(id: SyncTargetId): void {
    this.engine?.nudge(id);
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
        ours: asRecord(conflict.ours),
        theirs: conflict.theirs === null ? null : asRecord(conflict.theirs),
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
        // The outbox store stamps the institution (tag and element) on the way in and out.
        store.resolveConflict(conflictId, 'ours', latestLocal(sqlite, conflict.ours));
        return;
      }
      store.resolveConflict(conflictId, 'theirs');
      const theirs = conflict.theirs;
      if (theirs) this.storeLocally(sqlite, conflict.target, theirs);
    })();
    this.engine?.nudge(conflict.target);
    return { resolved: true };
  }

  records(id: SyncTargetId, list: SyncRecordListName, limit: number): SyncRecordList {
    return listSyncRecords(this.opts.db(), id, list, limit);
  }

  recordStates(patientId: string): RecordSyncStateView[] {
    const reference = `Patient/${patientId}`;
    const resources = this.opts
      .db()
      .selectDistinct({ resourceType: syncOutbox.resourceType, resourceId: syncOutbox.resourceId })
      .from(syncOutbox)
      .where(
        or(
          and(eq(syncOutbox.resourceType, 'Patient'), eq(syncOutbox.resourceId, patientId)),
          sql`json_extract(${syncOutbox.resource}, '$.subject.reference') = ${reference}`,
          sql`json_extract(${syncOutbox.resource}, '$.securityContext.reference') = ${reference}`,
        ),
      )
      .orderBy(syncOutbox.resourceType, syncOutbox.resourceId)
      .all();
    const store = this.store();
    return resources.flatMap(({ resourceType, resourceId }) =>
      store
        .recordStates(resourceType, resourceId)
        .map((state) => ({ resourceType, resourceId, target: state.target, state: state.state, lastError: state.lastError })),
    );
  }
}

const BACKFILL_PENDING = 'sync.backfillPending';

/** Below this many patients a back-fill runs on the main thread (in the same short slices). */
const SMALL_STORE_PATIENTS = 50;

function smallStore(sqlite: Sqlite): boolean {
  const db = dbOf(sqlite);
  return (
    db
      .select({ id: patients.id })
      .from(patients)
      .limit(1)
      .offset(SMALL_STORE_PATIENTS - 1)
      .get() === undefined
  );
}

const widened = new WeakSet<Sqlite>();

/**
 * A first sync inserts into the patients table's dozen search indexes in random key order. With SQLite's default
 * 2 MiB page cache those pages were evicted and read back (and decrypted) again and again; 64 MiB keeps a
 * center's indexes in memory (the reminder worker's connection does the same). Once per connection.
 */
function widenPageCache(sqlite: Sqlite): void {
  if (widened.has(sqlite)) return;
  widened.add(sqlite);
  sqlite.pragma('cache_size = -65536');
}

function settingRow(db: Db, key: string): { value: string } | undefined {
  return db.select({ value: settings.value }).from(settings).where(eq(settings.key, key)).get();
}

/** A FHIR resource as the API's open JSON object (the contract does not type conflicts' resources). */
function asRecord(resource: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(resource));
}

const checkpointsHandedOff = new Map<Sqlite, { runs: number; autocheckpoint: number }>();

/** Turns main's automatic WAL checkpoints off while a worker checkpoints; the returned function turns them back on. */
function checkpointsOffThisThread(sqlite: Sqlite): () => void {
  const state = checkpointsHandedOff.get(sqlite) ?? { runs: 0, autocheckpoint: Number(sqlite.pragma('wal_autocheckpoint', { simple: true })) };
  if (state.runs++ === 0) sqlite.pragma('wal_autocheckpoint = 0');
  checkpointsHandedOff.set(sqlite, state);
  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    if (--state.runs > 0) return;
    checkpointsHandedOff.delete(sqlite);
    if (sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${state.autocheckpoint}`);
  };
}

function pendingBackfills(sqlite: Sqlite): SyncTargetId[] {
  const row = settingRow(dbOf(sqlite), BACKFILL_PENDING);
  const parsed: unknown = row ? JSON.parse(row.value) : [];
  return SYNC_TARGET_IDS.filter((id) => Array.isArray(parsed) && parsed.includes(id));
}

function setBackfillPending(sqlite: Sqlite, target: SyncTargetId, pending: boolean): void {
  const next = new Set(pendingBackfills(sqlite));
  if (pending) next.add(target);
  else next.delete(target);
  sqlite
    .prepare(
      `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    )
    .run(BACKFILL_PENDING, JSON.stringify([...next]), new Date().toISOString());
}

function safeStatus(engine: SyncEngine, id: SyncTargetId): SyncTargetStatus | undefined {
  try {
    return engine.status(id);
  } catch {
    return undefined;
  }
}

/**
 * Paths still accepted here come from the CLI and the tests; the screens send file handles from main's dialog
 * (issue 15.8). A network or device path is refused before anything touches it: opening \\host\share makes
 * Windows attempt an SMB sign-in that hands the user's password hash to that host.
 */
function isNetworkOrDevicePath(filePath: string): boolean {
  // \\host\share, and the \\?\ and \\.\ device forms, all start with two separators (either slash on Windows).
  return /^[\\/]{2}/.test(filePath);
}

function readInputFile(filePath: string, field: string): Buffer {
  if (isNetworkOrDevicePath(filePath)) {
    throw new ApiError('VALIDATION', `network and device paths are not read: ${field}`, { field, reason: 'FILE_UNREADABLE' });
  }
  try {
    return readFileSync(filePath);
  } catch (error) {
    throw new ApiError('VALIDATION', `cannot read ${filePath}: ${error instanceof Error ? error.message : String(error)}`, {
      field,
      reason: 'FILE_UNREADABLE',
    });
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
  if (resource.resourceType !== 'Patient') return;
  const remote = patientFromFhir(resource);
  if (remote.replacedBy) return applyPulledMerge(sqlite, { ...remote, replacedBy: remote.replacedBy }, new Date().toISOString());
  const local = readPatientIfAny(sqlite, remote.id);
  // The same resident registered on two stations while offline: stored beside the local record as its duplicate
  // (both shown, records of each kept) until a user merges them — see docs/sync.md.
  const columns = { ...pulledDemographics(remote), duplicateOf: pulledDuplicateOf(sqlite, remote.id, remote.idNumber) };
  const now = new Date().toISOString();
  if (!local) {
    insertPatientRow(sqlite, { ...columns, noIdReason: remote.idNumber ? null : 'unknown', ...LOCAL_ONLY, createdAt: now });
    return;
  }
  // Merged here already: an older live version found again (look-back) must not give it back its resident ID.
  if (local.mergedInto || samePatient(local, remote)) return;
  sqlite
    .prepare(
      `UPDATE patients SET name = @name, given_name = @givenName, pinyin_full = @pinyinFull, pinyin_initials = @pinyinInitials,
         pinyin_alt_full = @pinyinAltFull, pinyin_alt_initials = @pinyinAltInitials, id_number = @idNumber, id_suffix = @idSuffix,
         sex = @sex, birth_date = @birthDate, phone = @phone, health_card_number = @healthCardNumber, village = @village, address = @address,
         duplicate_of = COALESCE(duplicate_of, @duplicateOf), version = version + 1, updated_at = @now WHERE id = @id`,
    )
    .run({ ...columns, now });
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
