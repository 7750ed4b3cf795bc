import type { Bundle, Resource } from '@medplum/fhirtypes';
import { performance } from 'node:perf_hooks';
import {
  SYNC_DEFAULTS,
  type SyncErrorInfo,
  type SyncEvent,
  type SyncTargetConfig,
  type SyncTargetId,
  type SyncTargetState,
  type SyncTargetStatus,
} from '../../shared/sync';
import { DEFAULT_BACKOFF, retryDelayFor, type BackoffPolicy } from './backoff';
import { entryOutcome, groupByResource, latestSnapshot, readBatchBundle, reconcile, responseEntries, transactionBundle, type ResourceGroup } from './bundles';
import { classifyHttpStatus, outcomeText, SyncError } from './errors';
import { describeIssues, validateForSend, type ValidationResult } from './fhir-validate';
import type { FhirHttpClient, FhirHttpResponse } from './http';
import type { OutboxStore, ResourceWithId, ServerVersion } from './outbox';
import {
  advanceCursor,
  countQuery,
  freshResources,
  parseCursor,
  pullQuery,
  serializeCursor,
  typeStream,
  type PullCursor,
  type PullStreamSpec,
} from './pull-cursor';
import { classifySyncError } from './tls';
import { checkBatch, sendDocument } from '../interop/documents-push';
import type { SchemaFiles } from '../interop/validate';

export interface SyncClock {
  now(): number;
  /** Resolves after `ms`, or early (without throwing) when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const systemClock: SyncClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal.aborted) {
        resolve();
        return;
      }
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    }),
};

export type ApplyRemote = (target: SyncTargetId, resource: Resource) => Promise<void> | void;

/**
 * Stores a chunk of pulled resources and the stream's cursor after them in ONE local transaction: a crash
 * (kill -9) leaves either all of the chunk with its cursor or none of it, so a restart neither loses nor
 * re-counts anything. Throwing rolls the chunk back; the engine then applies it one by one to find the culprit.
 */
export type ApplyRemoteChunk = (target: SyncTargetId, resources: readonly Resource[], commit: { stream: string; cursor: string }) => Promise<void> | void;

export interface SyncEngineOptions {
  targets: readonly SyncTargetConfig[];
  outbox: OutboxStore;
  http: FhirHttpClient;
  /**
   * Stores one pulled resource locally. Must be idempotent per version (a version can arrive twice) and
   * must not move the known server version over a pending local change (see OutboxStore).
   */
  applyRemote: ApplyRemote;
  applyRemoteChunk?: ApplyRemoteChunk;
  /**
   * The streams to pull from a target, asked at every cycle (the scope can change: settings, open consults).
   * Default: one unscoped stream per `pullResourceTypes` entry.
   */
  pullPlan?: (target: SyncTargetId) => Promise<readonly PullStreamSpec[]> | readonly PullStreamSpec[];
  /** Lets the event loop run between applied chunks (default: setImmediate). */
  yieldToLoop?: () => Promise<void>;
  clock?: SyncClock;
  /** [0, 1), for backoff jitter. */
  random?: () => number;
  onEvent?: (event: SyncEvent) => void;
  validate?: (resource: Resource) => ValidationResult;
  backoff?: BackoffPolicy;
  /** For targets of kind 'documents': the CDA R2 schema every document is checked against before it is sent. */
  documentSchema?: () => SchemaFiles | undefined;
}

export interface CycleReport {
  ok: boolean;
  pushedResources: number;
  pulledResources: number;
  /** Streams polled in this cycle (0: the target only receives). */
  pulledStreams: number;
  error: SyncErrorInfo | null;
}

export interface SyncEngine {
  /** Starts one background loop per target: push, pull, wait; back off on failure; resume on its own. */
  start(): void;
  stop(): Promise<void>;
  /**
   * Wakes a target. Without `force`, only an idle target wakes (call it after each enqueue); `force` also
   * cuts a retry wait short (the user's "sync now", the OS saying the network is back, new settings).
   */
  nudge(target?: SyncTargetId, options?: { force?: boolean }): void;
  /** One push + pull now, outside the loop. Failures are recorded as in the loop and reported, not thrown. */
  syncOnce(target: SyncTargetId): Promise<CycleReport>;
  status(target: SyncTargetId): SyncTargetStatus;
  /** Resolves when the target finished a cycle without error and with nothing left to send. */
  whenSettled(target: SyncTargetId): Promise<void>;
  updateTargets(targets: readonly SyncTargetConfig[]): void;
}

interface TargetRuntime {
  config: SyncTargetConfig;
  status: SyncTargetStatus;
  wake: AbortController;
  loop: Promise<void> | undefined;
  busy: Promise<unknown> | undefined;
  /** The strongest nudge since the current cycle began. */
  nudged: 'none' | 'soft' | 'force';
  /** Pulled resources per local transaction, adapted to how long the last chunk took. */
  chunkSize: number;
  /** Per stream, when it last re-read its lookback window (see pullStreamOf). */
  lookedBackAt: Map<string, number>;
  settledWaiters: (() => void)[];
}

/** Entries whose send failed at the target level; the loop records them with the retry time it picks. */
class BatchFailure extends Error {
  constructor(
    readonly error: SyncError,
    readonly entryIds: readonly string[],
  ) {
    super(error.message, { cause: error });
  }
}

/** A pull page's resources and the size of the answer they came in (first-sync pages are sized by it). */
interface FetchedPage {
  resources: Resource[];
  bytes: number;
  /** The Bundle named a next page. */
  hasNext: boolean;
}

interface Acknowledgement {
  group: ResourceGroup;
  versionId: string | null;
  lastUpdated: string | null;
}

/** How long one applied chunk may hold the (main) thread; the UI's budget is 50 ms, this leaves room. */
const CHUNK_TARGET_MS = 12;

/** Upper bound when a pull page has to widen past versions sharing one instant. */
const MAX_PULL_PAGE = 10_000;

/**
 * First sync pages are sized by bytes, not by count: the page's JSON is parsed in one piece on the main thread, so
 * a page should stay near PAGE_TARGET_BYTES (a few ms to parse) — about a thousand patients or vitals, a handful
 * of ECG waveforms. Fewer, larger pages of the small types cut the per-request cost on both sides, which was a
 * large share of a 250,000-resource first sync. A caught-up stream keeps the configured page size.
 */
const PAGE_TARGET_BYTES = 1_500_000;
const MAX_FIRST_SYNC_PAGE = 1_000;

export function createSyncEngine(options: SyncEngineOptions): SyncEngine {
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const validate = options.validate ?? validateForSend;
  const { outbox, http } = options;
  const yieldToLoop = options.yieldToLoop ?? (() => new Promise<void>((resolve) => setImmediate(resolve)));
  const runtimes = new Map<SyncTargetId, TargetRuntime>();
  let running = false;

  for (const config of options.targets) runtimes.set(config.id, newRuntime(config));

  function newRuntime(config: SyncTargetConfig): TargetRuntime {
    return {
      config,
      status: {
        target: config.id,
        state: 'stopped',
        queued: 0,
        lastSuccessAt: null,
        lastError: null,
        nextAttemptAt: null,
        consecutiveFailures: 0,
      },
      wake: new AbortController(),
      loop: undefined,
      busy: undefined,
      nudged: 'none',
      chunkSize: 10,
      lookedBackAt: new Map(),
      settledWaiters: [],
    };
  }

  function emit(event: SyncEvent): void {
    try {
      options.onEvent?.(event);
    } catch {
      // A broken listener must not stop synchronisation.
    }
  }

  async function setStatus(runtime: TargetRuntime, change: Partial<SyncTargetStatus> & { state: SyncTargetState }) {
    const queued = await outbox.countPending(runtime.config.id);
    runtime.status = { ...runtime.status, ...change, queued };
    emit({ type: 'status', status: runtime.status });
  }

  function runtimeOf(target: SyncTargetId): TargetRuntime {
    const runtime = runtimes.get(target);
    if (!runtime) throw new Error(`No sync target "${target}" is configured`);
    return runtime;
  }

  // ---- push -------------------------------------------------------------------------------------------

  async function pushAll(runtime: TargetRuntime): Promise<number> {
    const batchSize = Math.min(runtime.config.batchSize ?? SYNC_DEFAULTS.batchSize, SYNC_DEFAULTS.batchSize);
    let pushed = 0;
    for (;;) {
      const entries = await outbox.pending(runtime.config.id, batchSize);
      if (entries.length === 0) return pushed;
      await setStatus(runtime, { state: 'pushing' });
      pushed += await pushBatch(runtime, groupByResource(entries));
    }
  }

  /** Leaves every group acknowledged, held or in conflict, or throws a BatchFailure for the rest. */
  async function pushBatch(runtime: TargetRuntime, groups: ResourceGroup[]): Promise<number> {
    if (runtime.config.kind === 'documents') return pushDocuments(runtime, groups);
    const valid = await dropInvalid(runtime, groups);
    const uncertain = valid.filter((group) => group.uncertain);
    const toSend = valid.filter((group) => !group.uncertain);
    if (uncertain.length > 0) toSend.push(...(await reconcileGroups(runtime, uncertain)).map(({ group }) => group));
    if (toSend.length === 0) return 0;
    return sendTransaction(runtime, toSend, { isolateOnRefusal: true });
  }

  async function dropInvalid(runtime: TargetRuntime, groups: ResourceGroup[]): Promise<ResourceGroup[]> {
    const valid: ResourceGroup[] = [];
    for (const group of groups) {
      if (group.latestValidated) {
        valid.push(group);
        continue;
      }
      const result = validate(latestSnapshot(group));
      if (result.valid) valid.push(group);
      else await hold(runtime, group, new SyncError('VALIDATION_FAILED', describeIssues(result.issues)));
    }
    return valid;
  }

  async function sendTransaction(runtime: TargetRuntime, groups: ResourceGroup[], mode: { isolateOnRefusal: boolean }): Promise<number> {
    const response = await request(runtime, groups, {
      method: 'POST',
      path: '',
      body: transactionBundle(groups, runtime.config.baseUrl),
    });
    const code = classifyHttpStatus(response.status, response.body);
    if (code === undefined) return acknowledgeResponse(runtime, groups, response.body);
    const refusal = new SyncError(code, refusalMessage(response), { status: response.status });
    // 412/409, 400/422 or 413 for the whole Bundle: some entry is at fault (and a non-atomic server may
    // have committed the entries before it). Find out entry by entry.
    const entryLevel = code === 'CONFLICT' || code === 'VALIDATION_FAILED' || response.status === 400 || response.status === 413;
    if (entryLevel && mode.isolateOnRefusal) return isolate(runtime, groups);
    if (entryLevel && code === 'CONFLICT') {
      await settleRejected(runtime, groups);
      return 0;
    }
    if (entryLevel) {
      for (const group of groups) await hold(runtime, group, refusal);
      return 0;
    }
    // 401/403/404/405 (the platform refuses us, not the record), 5xx, 429: nothing is the entries' fault.
    throw new BatchFailure(
      refusal,
      groups.flatMap((group) => group.entryIds),
    );
  }

  async function acknowledgeResponse(runtime: TargetRuntime, groups: ResourceGroup[], body: unknown): Promise<number> {
    const entries = responseEntries(body, 'transaction-response', groups.length);
    if (!entries) {
      // A success status with an unreadable body: the outcome is unknown, so treat it like a lost response.
      throw new BatchFailure(
        new SyncError('HTTP_5XX', 'The server answered the transaction with an unreadable Bundle'),
        groups.flatMap((group) => group.entryIds),
      );
    }
    const acknowledged: Acknowledgement[] = [];
    const rejected: ResourceGroup[] = [];
    const transient: ResourceGroup[] = [];
    for (const [index, group] of groups.entries()) {
      const outcome = entryOutcome(entries[index]);
      const code = classifyHttpStatus(outcome.status || 500, outcome.resource);
      if (code === undefined) acknowledged.push({ group, versionId: outcome.versionId, lastUpdated: outcome.lastUpdated });
      else if (code === 'CONFLICT') rejected.push(group);
      else if (code === 'VALIDATION_FAILED' || code === 'HTTP_4XX') {
        await hold(runtime, group, new SyncError(code, outcomeText(outcome.resource) ?? `HTTP ${outcome.status}`, { status: outcome.status }));
      } else transient.push(group);
    }
    await acknowledge(runtime, acknowledged);
    if (rejected.length > 0) await settleRejected(runtime, rejected);
    if (transient.length > 0) {
      throw new BatchFailure(
        new SyncError('HTTP_5XX', 'The server failed some entries of the transaction'),
        transient.flatMap((group) => group.entryIds),
      );
    }
    return acknowledged.length;
  }

  /** Resolves the whole Bundle's refusal: reconcile everything, then send what is left one resource at a time. */
  async function isolate(runtime: TargetRuntime, groups: ResourceGroup[]): Promise<number> {
    let sent = 0;
    for (const { group } of await reconcileGroups(runtime, groups)) {
      sent += await sendTransaction(runtime, [group], { isolateOnRefusal: false });
    }
    return sent;
  }

  /** After a 412: was it our own earlier write, or someone else's? A refused write still "to send" is a conflict. */
  async function settleRejected(runtime: TargetRuntime, groups: ResourceGroup[]): Promise<void> {
    for (const { group, theirs } of await reconcileGroups(runtime, groups)) await conflict(runtime, group, theirs);
  }

  /**
   * Reads the server's current version of each group and settles what it can: acknowledges our own landed
   * writes, records conflicts. Returns the groups still to send, each with the base version to send it on.
   */
  async function reconcileGroups(runtime: TargetRuntime, groups: ResourceGroup[]): Promise<{ group: ResourceGroup; theirs: ResourceWithId | null }[]> {
    const current = await readMany(runtime, groups);
    const toSend: { group: ResourceGroup; theirs: ResourceWithId | null }[] = [];
    const acknowledged: Acknowledgement[] = [];
    for (const [index, group] of groups.entries()) {
      const theirs = current[index];
      const decision = reconcile(group, theirs);
      if (decision.kind === 'acknowledge') acknowledged.push({ group, ...decision });
      else if (decision.kind === 'send') toSend.push({ group: { ...group, baseVersion: decision.baseVersion, uncertain: false }, theirs });
      else await conflict(runtime, group, theirs);
    }
    await acknowledge(runtime, acknowledged);
    return toSend;
  }

  async function readMany(runtime: TargetRuntime, groups: ResourceGroup[]): Promise<(ResourceWithId | null)[]> {
    const response = await request(runtime, groups, { method: 'POST', path: '', body: readBatchBundle(groups) });
    const code = classifyHttpStatus(response.status, response.body);
    const entries = code === undefined ? responseEntries(response.body, 'batch-response', groups.length) : undefined;
    if (!entries) {
      throw new BatchFailure(
        new SyncError(code ?? 'HTTP_5XX', `Reading current versions failed: ${refusalMessage(response)}`, {
          status: response.status,
        }),
        groups.flatMap((group) => group.entryIds),
      );
    }
    return groups.map((group, index) => {
      const outcome = entryOutcome(entries[index]);
      const resource = outcome.resource as ResourceWithId | undefined;
      if (outcome.status === 200 && resource?.resourceType === group.resourceType) return resource;
      if (outcome.status === 404 || outcome.status === 410) return null;
      throw new BatchFailure(
        new SyncError(classifyHttpStatus(outcome.status || 500) ?? 'HTTP_5XX', `Reading ${group.key} failed: HTTP ${outcome.status}`),
        groups.flatMap((each) => each.entryIds),
      );
    });
  }

  /** Any failure below HTTP leaves the outcome unknown for the whole request. */
  async function request(runtime: TargetRuntime, groups: ResourceGroup[], call: Parameters<FhirHttpClient['send']>[1]): Promise<FhirHttpResponse> {
    try {
      return await http.send(runtime.config, call);
    } catch (error) {
      const syncError = error instanceof SyncError ? error : new SyncError(classifySyncError(error), String(error), { cause: error });
      throw new BatchFailure(
        syncError,
        groups.flatMap((group) => group.entryIds),
      );
    }
  }

  async function acknowledge(runtime: TargetRuntime, acknowledged: Acknowledgement[]): Promise<void> {
    if (acknowledged.length === 0) return;
    const versions: ServerVersion[] = acknowledged.map(({ group, versionId, lastUpdated }) => ({
      target: runtime.config.id,
      resourceType: group.resourceType,
      resourceId: group.resourceId,
      versionId,
      lastUpdated,
    }));
    const entryIds = acknowledged.flatMap(({ group }) => group.entryIds);
    await outbox.markSent(entryIds, versions);
    emit({
      type: 'pushed',
      target: runtime.config.id,
      resources: acknowledged.length,
      entries: entryIds.length,
      queued: await outbox.countPending(runtime.config.id),
    });
  }

  async function hold(runtime: TargetRuntime, group: ResourceGroup, error: SyncError): Promise<void> {
    const info = error.info();
    for (const entryId of group.entryIds) await outbox.markFailed(entryId, info, null);
    emit({
      type: 'entry-failed',
      target: runtime.config.id,
      resourceType: group.resourceType,
      resourceId: group.resourceId,
      error: info,
    });
  }

  async function conflict(runtime: TargetRuntime, group: ResourceGroup, theirs: ResourceWithId | null): Promise<void> {
    await outbox.recordConflict({
      target: runtime.config.id,
      resourceType: group.resourceType,
      resourceId: group.resourceId,
      entryIds: group.entryIds,
      ours: latestSnapshot(group),
      theirs,
      baseVersion: group.baseVersion,
      detectedAt: clock.now(),
    });
    emit({
      type: 'conflict',
      target: runtime.config.id,
      resourceType: group.resourceType,
      resourceId: group.resourceId,
    });
  }

  function refusalMessage(response: FhirHttpResponse): string {
    return `HTTP ${response.status}${outcomeText(response.body) ? `: ${outcomeText(response.body)}` : ''}`;
  }

  /**
   * A national-documents target: one WS/T 790-style call per document, in queue order. Documents have no server
   * versions to reconcile: a lost answer is resolved by sending the same document id again (the platform
   * acknowledges a document it already holds), so `uncertain` groups are simply sent.
   */
  async function pushDocuments(runtime: TargetRuntime, all: ResourceGroup[]): Promise<number> {
    const deps = { http, schema: options.documentSchema ?? (() => undefined) };
    const refusals = await checkBatch(deps, all.map(latestSnapshot));
    const groups: ResourceGroup[] = [];
    for (const [index, group] of all.entries()) {
      const refusal = refusals[index];
      if (refusal) await hold(runtime, group, refusal);
      else groups.push(group);
    }
    let sent = 0;
    for (const [index, group] of groups.entries()) {
      let outcome;
      try {
        outcome = await sendDocument(deps, runtime.config, latestSnapshot(group));
      } catch (error) {
        const syncError = error instanceof SyncError ? error : new SyncError(classifySyncError(error), String(error), { cause: error });
        throw new BatchFailure(
          syncError,
          groups.slice(index).flatMap((each) => each.entryIds),
        );
      }
      if (outcome.kind === 'refused') {
        await hold(runtime, group, outcome.error);
        continue;
      }
      await acknowledge(runtime, [{ group, versionId: null, lastUpdated: null }]);
      sent++;
    }
    return sent;
  }

  // ---- pull -------------------------------------------------------------------------------------------

  interface PullProgress {
    received: number;
    total: number;
    startedAt: number;
  }

  async function pullAll(runtime: TargetRuntime): Promise<{ pulled: number; streams: number }> {
    // A documents platform is written to, never read from (its answers come back as acknowledgements).
    if (runtime.config.kind === 'documents') return { pulled: 0, streams: 0 };
    const target = runtime.config.id;
    const plan = options.pullPlan ? await options.pullPlan(target) : runtime.config.pullResourceTypes.map((resourceType) => typeStream(resourceType));
    const streams = await Promise.all(plan.map(async (spec) => ({ spec, cursor: parseCursor(await outbox.getCursor(target, spec.stream)) })));
    const progress = streams.some(({ cursor }) => !cursor.caughtUp) ? await startProgress(runtime, streams) : undefined;
    let pulled = 0;
    for (const { spec, cursor } of streams) pulled += await pullStreamOf(runtime, spec, cursor, progress);
    // Every stream reached the end: what arrived is everything, whatever the count estimated (a version replaced
    // meanwhile is counted twice by it), so the progress ends at its total and the screen does not wait for more.
    if (progress && progress.received !== progress.total) {
      progress.total = progress.received;
      emit({ type: 'pull-progress', target, ...progress });
    }
    return { pulled, streams: streams.length };
  }

  /** First sync: what each unfinished stream still has to deliver, counted once at the start (resumes count from the cursor). */
  async function startProgress(runtime: TargetRuntime, streams: readonly { spec: PullStreamSpec; cursor: PullCursor }[]): Promise<PullProgress> {
    let total = 0;
    for (const { spec, cursor } of streams) {
      if (cursor.caughtUp) continue;
      const response = await http.send(runtime.config, {
        method: 'GET',
        path: countQuery(spec.resourceType, cursor, spec.params),
      });
      const code = classifyHttpStatus(response.status, response.body);
      if (code !== undefined) throw new SyncError(code, `Count ${spec.resourceType}: ${refusalMessage(response)}`, { status: response.status });
      // `ge` the cursor's instant also counts the versions at that instant already applied before a restart.
      total += Math.max(0, ((response.body as Bundle | undefined)?.total ?? 0) - cursor.seenAtSince.length);
    }
    const progress = { received: 0, total, startedAt: clock.now() };
    emit({ type: 'pull-progress', target: runtime.config.id, ...progress });
    return progress;
  }

  /**
   * The cursor gap: a server that stamps lastUpdated when a transaction starts but makes it visible when it commits
   * can show a version *behind* a cursor that already moved past that instant. So every lookbackEveryMs a stream
   * starts lookbackMs before its cursor instead of at it, and whatever is found again is applied again
   * (idempotently; a version already known changes nothing). The first look back is one period after the stream
   * is first seen, so a cycle right after start costs no more than before.
   */
  function lookbackStart(runtime: TargetRuntime, spec: PullStreamSpec, cursor: PullCursor): PullCursor {
    if (cursor.since === null || !cursor.caughtUp) return cursor;
    const every = runtime.config.lookbackEveryMs ?? SYNC_DEFAULTS.lookbackEveryMs;
    const window = runtime.config.lookbackMs ?? SYNC_DEFAULTS.lookbackMs;
    const now = clock.now();
    const last = runtime.lookedBackAt.get(spec.stream);
    if (last === undefined) runtime.lookedBackAt.set(spec.stream, now);
    if (last === undefined || now - last < every || window <= 0) return cursor;
    runtime.lookedBackAt.set(spec.stream, now);
    return { since: new Date(Date.parse(cursor.since) - window).toISOString(), seenAtSince: [], caughtUp: true };
  }

  async function pullStreamOf(runtime: TargetRuntime, spec: PullStreamSpec, start: PullCursor, progress: PullProgress | undefined): Promise<number> {
    const target = runtime.config.id;
    let cursor = lookbackStart(runtime, spec, start);
    const pageSize = runtime.config.pullPageSize ?? SYNC_DEFAULTS.pullPageSize;
    // While the stream catches up: as many resources as fit PAGE_TARGET_BYTES at the last page's size per resource.
    let bytesPerResource: number | undefined;
    const nextCount = () =>
      cursor.caughtUp || bytesPerResource === undefined
        ? pageSize
        : Math.max(pageSize, Math.min(MAX_FIRST_SYNC_PAGE, Math.floor(PAGE_TARGET_BYTES / bytesPerResource)));
    let count = pageSize;
    let applied = 0;
    let announced = false;
    // The next page is asked for while this one is being stored (its cursor is known before storing): the
    // platform's work and the round trip overlap the local writes instead of adding to them.
    let pending = prefetch(runtime, spec, cursor, count);
    for (;;) {
      const { resources: page, bytes, hasNext } = await pending;
      if (page.length > 0 && bytes > 0) bytesPerResource = bytes / page.length;
      const fresh = freshResources(page, cursor);
      if (fresh.length === 0) {
        // A full page of versions already applied (more than a page share one instant): widen the page.
        if (page.length >= count && count < MAX_PULL_PAGE) {
          count = Math.min(count * 2, MAX_PULL_PAGE);
          pending = prefetch(runtime, spec, cursor, count);
          continue;
        }
        break;
      }
      if (!announced) {
        await setStatus(runtime, { state: 'pulling' });
        announced = true;
      }
      // A server may cap `_count` below what was asked (first-sync pages ask for up to 1,000): its `next` link says
      // there is more even when the page came back shorter.
      const more = page.length >= count || hasNext;
      let next = cursor;
      for (const resource of fresh) next = advanceCursor(next, resource);
      count = nextCount();
      if (more) pending = prefetch(runtime, spec, next, count);
      const before = applied;
      cursor = await applyPage(runtime, spec, fresh, cursor, (n) => {
        applied += n;
        if (progress) {
          progress.received += n;
          emit({ type: 'pull-progress', target, ...progress, total: Math.max(progress.total, progress.received) });
        }
      });
      emit({ type: 'pulled', target, resourceType: spec.resourceType, resources: applied - before });
      if (!more) break;
    }
    if (!cursor.caughtUp) {
      cursor = { ...cursor, caughtUp: true };
      await outbox.setCursor(target, spec.stream, serializeCursor(cursor));
    }
    return applied;
  }

  /**
   * Applies a page in chunks, each with its cursor in one local transaction, yielding to the event loop between
   * them. The chunk size adapts so one chunk takes about CHUNK_TARGET_MS: what a resource costs to store varies
   * (a patient's pinyin keys, an ECG's samples) and so does the machine's load, and a fixed count would either
   * block the UI or commit far more often than needed.
   */
  async function applyPage(
    runtime: TargetRuntime,
    spec: PullStreamSpec,
    resources: Resource[],
    start: PullCursor,
    onApplied: (count: number) => void,
  ): Promise<PullCursor> {
    let cursor = start;
    const maxChunk = Math.max(1, runtime.config.applyChunkSize ?? SYNC_DEFAULTS.applyChunkSize);
    for (let offset = 0; offset < resources.length;) {
      const size = Math.min(maxChunk, runtime.chunkSize);
      const chunk = resources.slice(offset, offset + size);
      offset += chunk.length;
      let after = cursor;
      for (const resource of chunk) after = advanceCursor(after, resource);
      const started = performance.now();
      let stored = false;
      if (options.applyRemoteChunk) {
        try {
          await options.applyRemoteChunk(runtime.config.id, chunk, { stream: spec.stream, cursor: serializeCursor(after) });
          stored = true;
        } catch {
          // Rolled back as a whole: go one by one, keeping what stores and stopping at the first refusal.
        }
      }
      if (stored) {
        cursor = after;
        onApplied(chunk.length);
        const elapsed = Math.max(0.1, performance.now() - started);
        runtime.chunkSize = Math.max(1, Math.min(maxChunk, Math.round((chunk.length * CHUNK_TARGET_MS) / elapsed)));
      } else {
        cursor = await applyOneByOne(runtime, spec, chunk, cursor, onApplied);
        await outbox.setCursor(runtime.config.id, spec.stream, serializeCursor(cursor));
      }
      await yieldToLoop();
    }
    return cursor;
  }

  async function applyOneByOne(
    runtime: TargetRuntime,
    spec: PullStreamSpec,
    resources: readonly Resource[],
    start: PullCursor,
    onApplied: (count: number) => void,
  ): Promise<PullCursor> {
    let cursor = start;
    for (const resource of resources) {
      try {
        await options.applyRemote(runtime.config.id, resource);
      } catch (error) {
        // Keep what was applied; the failed version is fetched again next time.
        await outbox.setCursor(runtime.config.id, spec.stream, serializeCursor(cursor));
        const reason = error instanceof Error ? error.message : String(error);
        throw new SyncError('VALIDATION_FAILED', `Could not store ${resource.resourceType}/${resource.id ?? '?'}: ${reason}`, {
          cause: error,
        });
      }
      cursor = advanceCursor(cursor, resource);
      onApplied(1);
    }
    return cursor;
  }

  /** fetchPage, started now; a failure surfaces when the page is awaited (never as an unhandled rejection). */
  function prefetch(runtime: TargetRuntime, spec: PullStreamSpec, cursor: PullCursor, count: number): Promise<FetchedPage> {
    const page = fetchPage(runtime, spec, cursor, count);
    page.catch(() => undefined);
    return page;
  }

  async function fetchPage(runtime: TargetRuntime, spec: PullStreamSpec, cursor: PullCursor, count: number): Promise<FetchedPage> {
    const { resourceType } = spec;
    const response = await http.send(runtime.config, {
      method: 'GET',
      path: pullQuery(resourceType, cursor, count, spec.params),
    });
    const code = classifyHttpStatus(response.status, response.body);
    if (code !== undefined) throw new SyncError(code, `Pull ${resourceType}: ${refusalMessage(response)}`, { status: response.status });
    const bundle = response.body as Bundle | undefined;
    if (bundle?.resourceType !== 'Bundle') throw new SyncError('HTTP_5XX', `Pull ${resourceType}: the answer is not a Bundle`);
    const resources = (bundle.entry ?? [])
      .filter((entry) => entry.search?.mode === undefined || entry.search.mode === 'match')
      .map((entry) => entry.resource)
      .filter((resource): resource is Resource => resource?.resourceType === resourceType);
    const hasNext = bundle.link?.some((link) => link.relation === 'next') === true;
    return { resources, bytes: response.text?.length ?? 0, hasNext };
  }

  // ---- cycle and loop ---------------------------------------------------------------------------------

  async function cycle(runtime: TargetRuntime): Promise<CycleReport> {
    runtime.nudged = 'none';
    try {
      const pushedResources = await pushAll(runtime);
      const { pulled: pulledResources, streams: pulledStreams } = await pullAll(runtime);
      await setStatus(runtime, {
        state: running ? 'idle' : 'stopped',
        lastSuccessAt: clock.now(),
        lastError: null,
        nextAttemptAt: null,
        consecutiveFailures: 0,
      });
      if (runtime.status.queued === 0) {
        for (const resolve of runtime.settledWaiters.splice(0)) resolve();
      }
      return { ok: true, pushedResources, pulledResources, pulledStreams, error: null };
    } catch (error) {
      return recordFailure(runtime, error);
    }
  }

  async function recordFailure(runtime: TargetRuntime, error: unknown): Promise<CycleReport> {
    const failure = error instanceof BatchFailure ? error.error : error;
    const syncError = failure instanceof SyncError ? failure : new SyncError(classifySyncError(failure), String(failure), { cause: failure });
    const failures = runtime.status.consecutiveFailures + 1;
    const retryAt = clock.now() + retryDelayFor(syncError.code, failures, backoff, random);
    const info = syncError.info();
    if (error instanceof BatchFailure) {
      for (const entryId of error.entryIds) await outbox.markFailed(entryId, info, retryAt);
    }
    await setStatus(runtime, {
      state: running ? 'waiting-retry' : 'stopped',
      lastError: info,
      nextAttemptAt: retryAt,
      consecutiveFailures: failures,
    });
    emit({ type: 'error', target: runtime.config.id, error: info, retryAt });
    return { ok: false, pushedResources: 0, pulledResources: 0, pulledStreams: 0, error: info };
  }

  /** One cycle at a time per target, whether the loop or syncOnce asked. */
  async function exclusive<T>(runtime: TargetRuntime, work: () => Promise<T>): Promise<T> {
    while (runtime.busy) await runtime.busy.catch(() => undefined);
    const current = work();
    runtime.busy = current;
    try {
      return await current;
    } finally {
      runtime.busy = undefined;
    }
  }

  async function loop(runtime: TargetRuntime): Promise<void> {
    while (running && runtimes.get(runtime.config.id) === runtime) {
      const report = await exclusive(runtime, () => cycle(runtime));
      if (!running) break;
      // Changes saved while the cycle ran: go again now rather than at the next poll.
      if (runtime.nudged === 'force' || (report.ok && runtime.nudged === 'soft')) continue;
      const waitMs = report.ok ? okWait(runtime, report) : Math.max(0, (runtime.status.nextAttemptAt ?? clock.now()) - clock.now());
      runtime.wake = new AbortController();
      await clock.sleep(waitMs, runtime.wake.signal);
    }
  }

  /**
   * After a good cycle: a target that pulls polls again after livePollMs (the stations of one center see each
   * other's changes within seconds while the link is up); one that only receives waits pollIntervalMs.
   */
  function okWait(runtime: TargetRuntime, report: CycleReport): number {
    const live = runtime.config.livePollMs ?? SYNC_DEFAULTS.livePollMs;
    const slow = runtime.config.pollIntervalMs ?? SYNC_DEFAULTS.pollIntervalMs;
    return report.pulledStreams > 0 && live > 0 ? Math.min(live, slow) : slow;
  }

  function startLoop(runtime: TargetRuntime): void {
    runtime.loop = loop(runtime).catch(async (error: unknown) => {
      // Only the store can throw this far (it failed while recording); stop this target visibly.
      await recordFailure(runtime, error).catch(() => undefined);
    });
  }

  return {
    start() {
      if (running) return;
      running = true;
      for (const runtime of runtimes.values()) startLoop(runtime);
    },
    async stop() {
      running = false;
      for (const runtime of runtimes.values()) runtime.wake.abort();
      // Cuts requests in flight rather than waiting out their timeout; their entries come back as uncertain.
      http.close();
      await Promise.all([...runtimes.values()].map((runtime) => runtime.loop));
      for (const runtime of runtimes.values()) {
        runtime.loop = undefined;
        runtime.status = { ...runtime.status, state: 'stopped' };
        emit({ type: 'status', status: runtime.status });
      }
      http.close();
    },
    nudge(target, nudgeOptions = {}) {
      for (const runtime of runtimes.values()) {
        if (target !== undefined && runtime.config.id !== target) continue;
        if (nudgeOptions.force) runtime.nudged = 'force';
        else if (runtime.status.state === 'waiting-retry') continue;
        else if (runtime.nudged === 'none') runtime.nudged = 'soft';
        runtime.wake.abort();
      }
    },
    syncOnce(target) {
      const runtime = runtimeOf(target);
      return exclusive(runtime, () => cycle(runtime));
    },
    status(target) {
      return runtimeOf(target).status;
    },
    whenSettled(target) {
      const runtime = runtimeOf(target);
      return new Promise((resolve) => runtime.settledWaiters.push(resolve));
    },
    updateTargets(targets) {
      const next = new Set(targets.map((config) => config.id));
      for (const [id, runtime] of runtimes) {
        if (next.has(id)) continue;
        runtimes.delete(id);
        runtime.wake.abort();
        http.close(runtime.config);
      }
      for (const config of targets) {
        const existing = runtimes.get(config.id);
        if (existing) {
          existing.config = config;
          http.close(config);
          existing.wake.abort();
          continue;
        }
        const runtime = newRuntime(config);
        runtimes.set(config.id, runtime);
        if (running) startLoop(runtime);
      }
    },
  };
}
