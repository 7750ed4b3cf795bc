import type Database from 'better-sqlite3-multiple-ciphers';
import type { Resource } from '@medplum/fhirtypes';
import { syncErrorInfo, type RecordSyncState, type SyncErrorInfo, type SyncTargetId } from '../../shared/sync';
import { and, asc, count, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Sqlite } from '../db/open';
import { syncConflicts, syncCursors, syncKnownVersions, syncOutbox } from '../db/schema';
import { orNull, readQuery, readRow, readRows, value } from '../db/read-sql';
import { drizzleOf } from './drizzle-of';
import { prepared as preparedQuery } from './pulled/store';
import { describeIssues, validateForSend } from './fhir-validate';
import { stampInstitution, stationInstitution, type StationInstitution } from './institution';
import type { OutboxEntry, OutboxStore, ResourceWithId, ServerVersion, SyncConflict } from './outbox';

/**
 * The engine's OutboxStore over the station's encrypted SQLite (tables in db/schema/sync.ts), following every
 * rule of outbox.ts. better-sqlite3 is synchronous, so each method is one short statement or one transaction.
 *
 * Entry ids are the outbox row's seq as text. The "same transaction as the change" half lives in enqueue(): it
 * opens no transaction of its own, so called inside the domain write it commits or rolls back with it.
 */

/** A local change not yet on the server: pull must not overwrite it, nor move its known version. */
const UNSENT_STATES = `('pending', 'held', 'conflict')`;

/** pending's filter, shared by countPending so the two can never disagree. */
const SENDABLE = `o.target = @target AND o.state = 'pending' AND NOT EXISTS (
  SELECT 1 FROM sync_conflicts c WHERE c.target = o.target AND c.resource_type = o.resource_type
    AND c.resource_id = o.resource_id AND c.resolution IS NULL)`;

// Declared shapes (read-sql.ts): the columns' own types, checked on first prepare and per row, prepared once per connection.
const PENDING_SHAPE = {
  seq: syncOutbox.seq,
  target: syncOutbox.target,
  resource: syncOutbox.resource,
  attempts: syncOutbox.attempts,
  baseVersion: orNull(syncKnownVersions.versionId),
};
const pendingQuery = (where: string) =>
  readQuery(
    `SELECT o.seq, o.target, o.resource, o.attempts, k.version_id AS baseVersion FROM sync_outbox o
     LEFT JOIN sync_known_versions k ON k.target = o.target AND k.resource_type = o.resource_type AND k.resource_id = o.resource_id
     WHERE ${SENDABLE} AND ${where} ORDER BY o.seq LIMIT @limit`,
    PENDING_SHAPE,
  );
const PENDING_ORGANIZATIONS = pendingQuery(`o.resource_type = 'Organization'`);
const PENDING_OTHERS = pendingQuery(`o.resource_type <> 'Organization'`);
const COUNT_PENDING = readQuery(`SELECT count(*) AS n FROM sync_outbox o WHERE ${SENDABLE}`, { n: value.integer });

const RECORD_STATE_SHAPE = {
  target: syncOutbox.target,
  state: syncOutbox.state,
  lastError: syncOutbox.lastError,
  nextAttemptAt: syncOutbox.nextAttemptAt,
  knownVersion: orNull(syncKnownVersions.versionId),
};
const RECORD_STATES = readQuery(
  `SELECT o.target, o.state, o.last_error AS lastError, o.next_attempt_at AS nextAttemptAt, k.version_id AS knownVersion
   FROM sync_outbox o LEFT JOIN sync_known_versions k ON k.target = o.target AND k.resource_type = o.resource_type AND k.resource_id = o.resource_id
   WHERE o.resource_type = ? AND o.resource_id = ?
     AND o.seq = (SELECT max(seq) FROM sync_outbox l WHERE l.resource_type = o.resource_type AND l.resource_id = o.resource_id AND l.target = o.target)
   ORDER BY o.target`,
  RECORD_STATE_SHAPE,
);

/**
 * Statements used per pulled resource, prepared once per open database: preparing is most of a small
 * statement's cost, and a first sync runs these hundreds of thousands of times.
 */
const hotStatements = new WeakMap<Sqlite, { unsent: Statement; known: Statement }>();
type Statement = Database.Statement<unknown[]>;

function hot(sqlite: Sqlite) {
  let statements = hotStatements.get(sqlite);
  if (!statements) {
    statements = {
      unsent: sqlite.prepare(`SELECT 1 FROM sync_outbox WHERE resource_type = ? AND resource_id = ? AND target = ? AND state IN ${UNSENT_STATES} LIMIT 1`),
      known: sqlite.prepare(
        `INSERT INTO sync_known_versions (target, resource_type, resource_id, version_id, last_updated) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (target, resource_type, resource_id) DO UPDATE SET version_id = excluded.version_id, last_updated = excluded.last_updated`,
      ),
    };
    hotStatements.set(sqlite, statements);
  }
  return statements;
}

export interface StoredConflict extends SyncConflict {
  id: number;
  resolution: 'ours' | 'theirs' | null;
}

export interface RecordTargetState {
  target: SyncTargetId;
  state: RecordSyncState;
  lastError: SyncErrorInfo | null;
  knownVersion: string | null;
}

type ConflictRow = typeof syncConflicts.$inferSelect;

function toConflict(row: ConflictRow): StoredConflict {
  return {
    id: row.id,
    target: row.target,
    resourceType: row.resourceType,
    resourceId: row.resourceId,
    entryIds: JSON.parse(row.entryIds) as string[],
    ours: JSON.parse(row.ours) as ResourceWithId,
    theirs: row.theirs === null ? null : (JSON.parse(row.theirs) as ResourceWithId),
    baseVersion: row.baseVersion,
    detectedAt: row.detectedAt,
    resolution: row.resolution,
  };
}

/** Prepared once per connection: enqueue and latestQueued run per resource during a back-fill. */
const statements = new WeakMap<Sqlite, Map<string, Database.Statement<unknown[]>>>();
function prepared(sqlite: Sqlite, sql: string): Database.Statement<unknown[]> {
  let cache = statements.get(sqlite);
  if (!cache) statements.set(sqlite, (cache = new Map()));
  let statement = cache.get(sql);
  if (!statement) cache.set(sql, (statement = sqlite.prepare(sql)));
  return statement;
}

/** A resource as the outbox stores it: stamped with the institution, serialised, and validated once. */
export interface PreparedOutboxEntry {
  resourceType: string;
  resourceId: string;
  json: string;
  /** VALIDATION_FAILED when the resource does not validate: it is queued held. */
  error: SyncErrorInfo | null;
}

/** Stamps and validates (the costly part of queueing, needing no database), so it can run off the main thread. */
export function prepareOutboxEntry(unstamped: ResourceWithId, institution: StationInstitution | null): PreparedOutboxEntry {
  // Stored as it will be sent (institution.ts), so a back-fill can tell an unchanged record from a changed one.
  const resource = stampInstitution(unstamped, institution);
  const result = validateForSend(resource);
  return {
    resourceType: resource.resourceType,
    resourceId: resource.id,
    json: JSON.stringify(resource),
    error: result.valid ? null : syncErrorInfo('VALIDATION_FAILED', describeIssues(result.issues)),
  };
}

export class SqlOutboxStore implements OutboxStore {
  constructor(
    /** A getter: a restore swaps the open database under the store. */
    private readonly sqlite: () => Sqlite,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Queues a resource for the targets named. Call it inside the transaction that saved the record. */
  /**
   * Validates the resource now (before it can ever be sent) and queues it. An invalid one is queued held with
   * VALIDATION_FAILED — the clinical change itself is kept; the record shows the sync error.
   */
  enqueue(unstamped: ResourceWithId, targets: readonly SyncTargetId[], institution: StationInstitution | null = stationInstitution(this.sqlite())): void {
    this.insertPrepared(prepareOutboxEntry(unstamped, institution), targets);
  }

  /** Queues an entry prepared by prepareOutboxEntry (possibly on another thread: the back-fill's worker). */
  insertPrepared(entry: PreparedOutboxEntry, targets: readonly SyncTargetId[]): void {
    const insert = prepared(
      this.sqlite(),
      `INSERT INTO sync_outbox (target, resource_type, resource_id, resource, created_at, state, last_error) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    const at = this.now().toISOString();
    for (const target of targets)
      insert.run(
        target,
        entry.resourceType,
        entry.resourceId,
        entry.json,
        at,
        entry.error ? 'held' : 'pending',
        entry.error ? JSON.stringify(entry.error) : null,
      );
  }

  /** Whether the newest entry queued for the resource and target holds exactly `json` (a prepared entry's). */
  latestQueuedIs(target: SyncTargetId, entry: PreparedOutboxEntry): boolean {
    const row = prepared(
      this.sqlite(),
      `SELECT resource FROM sync_outbox WHERE resource_type = ? AND resource_id = ? AND target = ? ORDER BY seq DESC LIMIT 1`,
    ).get(entry.resourceType, entry.resourceId, target);
    return typeof row === 'object' && row !== null && 'resource' in row && row.resource === entry.json;
  }

  /**
   * The station's Organization goes first (everything else references it: a platform that checks references in
   * a transaction must see it before them); then queue order. Each resource is stamped with the institution as
   * it is now, so entries queued before the code was set, or under an older one, go out under the current one.
   */
  pending(target: SyncTargetId, limit: number): OutboxEntry[] {
    const sqlite = this.sqlite();
    const select = (query: typeof PENDING_ORGANIZATIONS) => readRows(sqlite, query, { target, limit });
    const organizations = select(PENDING_ORGANIZATIONS);
    const rows = [...organizations, ...select(PENDING_OTHERS)].slice(0, limit);
    const institution = stationInstitution(sqlite);
    return rows.map((row) => ({
      id: String(row.seq),
      seq: row.seq,
      target: row.target,
      resource: stampInstitution(JSON.parse(row.resource) as ResourceWithId, institution),
      baseVersion: row.baseVersion,
      attempts: row.attempts,
      // Validated at enqueue; a row released after a hold (attempts > 0) is validated again by the engine.
      validatedAtEnqueue: row.attempts === 0,
    }));
  }

  countPending(target: SyncTargetId): number {
    return readRow(this.sqlite(), COUNT_PENDING, { target })?.n ?? 0;
  }

  markSent(entryIds: readonly string[], versions: readonly ServerVersion[]): void {
    const sqlite = this.sqlite();
    const sent = sqlite.prepare(`UPDATE sync_outbox SET state = 'sent', sent_at = ?, next_attempt_at = NULL WHERE seq = ?`);
    const at = this.now().toISOString();
    sqlite.transaction(() => {
      for (const id of entryIds) sent.run(at, Number(id));
      for (const version of versions) this.setKnownVersion(version);
    })();
  }

  markFailed(entryId: string, error: SyncErrorInfo, nextAttemptAt: number | null): void {
    this.sqlite()
      .prepare(
        `UPDATE sync_outbox SET attempts = attempts + 1, last_error = @error, next_attempt_at = @nextAttemptAt,
           state = CASE WHEN @nextAttemptAt IS NULL THEN 'held' ELSE state END WHERE seq = @seq`,
      )
      .run({ seq: Number(entryId), error: JSON.stringify(error), nextAttemptAt });
  }

  recordConflict(conflict: SyncConflict): void {
    const sqlite = this.sqlite();
    const mark = sqlite.prepare(`UPDATE sync_outbox SET state = 'conflict' WHERE seq = ?`);
    sqlite.transaction(() => {
      sqlite
        .prepare(
          `INSERT INTO sync_conflicts (target, resource_type, resource_id, entry_ids, ours, theirs, base_version, detected_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          conflict.target,
          conflict.resourceType,
          conflict.resourceId,
          JSON.stringify(conflict.entryIds),
          JSON.stringify(conflict.ours),
          conflict.theirs === null ? null : JSON.stringify(conflict.theirs),
          conflict.baseVersion,
          conflict.detectedAt,
        );
      for (const id of conflict.entryIds) mark.run(Number(id));
    })();
  }

  getCursor(target: SyncTargetId, stream: string): string | null {
    const db = drizzleOf(this.sqlite());
    const row = preparedQuery(db, 'outbox.cursor', () =>
      db
        .select({ cursor: syncCursors.cursor })
        .from(syncCursors)
        .where(and(eq(syncCursors.target, sql.placeholder('target')), eq(syncCursors.stream, sql.placeholder('stream'))))
        .prepare(),
    ).get({ target, stream });
    return row?.cursor ?? null;
  }

  setCursor(target: SyncTargetId, stream: string, cursor: string): void {
    this.sqlite()
      .prepare('INSERT INTO sync_cursors (target, stream, cursor) VALUES (?, ?, ?) ON CONFLICT (target, stream) DO UPDATE SET cursor = excluded.cursor')
      .run(target, stream, cursor);
  }

  // ---- beyond the engine's contract: pull, conflicts, per-record state -----------------------------------

  knownVersion(target: SyncTargetId, resourceType: string, resourceId: string): string | null | undefined {
    const db = drizzleOf(this.sqlite());
    const k = syncKnownVersions;
    const row = preparedQuery(db, 'outbox.knownVersion', () =>
      db
        .select({ versionId: k.versionId })
        .from(k)
        .where(and(eq(k.target, sql.placeholder('target')), eq(k.resourceType, sql.placeholder('type')), eq(k.resourceId, sql.placeholder('id'))))
        .prepare(),
    ).get({ target, type: resourceType, id: resourceId });
    return row === undefined ? undefined : row.versionId;
  }

  /**
   * Whether the newest entry queued for this resource and target holds exactly what enqueue() would store now
   * (stamped with the current institution): the back-fill's idempotence test.
   */
  latestQueued(
    target: SyncTargetId,
    resource: ResourceWithId,
    institution: StationInstitution | null = stationInstitution(this.sqlite()),
  ): 'same' | 'different' | 'none' {
    const db = drizzleOf(this.sqlite());
    const o = syncOutbox;
    const row = preparedQuery(db, 'outbox.latestQueued', () =>
      db
        .select({ resource: o.resource })
        .from(o)
        .where(and(eq(o.resourceType, sql.placeholder('type')), eq(o.resourceId, sql.placeholder('id')), eq(o.target, sql.placeholder('target'))))
        .orderBy(desc(o.seq))
        .limit(1)
        .prepare(),
    ).get({ type: resource.resourceType, id: resource.id, target });
    if (!row) return 'none';
    return row.resource === JSON.stringify(stampInstitution(resource, institution)) ? 'same' : 'different';
  }

  /** True while a local change to the resource is not on that target yet (pending, held or in conflict). */
  hasUnsentChange(target: SyncTargetId, resourceType: string, resourceId: string): boolean {
    return hot(this.sqlite()).unsent.get(resourceType, resourceId, target) !== undefined;
  }

  /**
   * A pulled version: the caller stores it locally when this says 'applied' — call it inside the same
   * transaction as that write. Over an unsent local change nothing moves, or the next push would carry the
   * newer If-Match and silently overwrite the other side's change.
   */
  acceptRemoteVersion(target: SyncTargetId, resource: Resource): 'applied' | 'kept-local' {
    const id = resource.id;
    if (id === undefined) throw new Error(`A pulled ${resource.resourceType} has no id`);
    if (this.hasUnsentChange(target, resource.resourceType, id)) return 'kept-local';
    this.setKnownVersion({
      target,
      resourceType: resource.resourceType,
      resourceId: id,
      versionId: resource.meta?.versionId ?? null,
      lastUpdated: resource.meta?.lastUpdated ?? null,
    });
    return 'applied';
  }

  openConflicts(target?: SyncTargetId): StoredConflict[] {
    const c = syncConflicts;
    const rows = drizzleOf(this.sqlite())
      .select()
      .from(c)
      .where(and(isNull(c.resolution), target ? eq(c.target, target) : undefined))
      .orderBy(asc(c.id))
      .all();
    return rows.map(toConflict);
  }

  conflict(id: number): StoredConflict | undefined {
    const row = drizzleOf(this.sqlite()).select().from(syncConflicts).where(eq(syncConflicts.id, id)).get();
    return row && toConflict(row);
  }

  /**
   * Closes a conflict. Either way the server's current version becomes the known one: "ours" then re-sends
   * `resend` on top of it (a new entry), "theirs" leaves the local copy to the caller (in the same transaction).
   */
  resolveConflict(id: number, resolution: 'ours' | 'theirs', resend?: ResourceWithId): StoredConflict {
    const sqlite = this.sqlite();
    const conflict = this.conflict(id);
    if (!conflict || conflict.resolution !== null) throw new Error(`No open sync conflict ${id}`);
    sqlite.prepare('UPDATE sync_conflicts SET resolution = ?, resolved_at = ? WHERE id = ?').run(resolution, this.now().toISOString(), id);
    // The entries it covered are settled by the decision; they must not count as unsent any more.
    const settle = sqlite.prepare(`UPDATE sync_outbox SET state = 'sent', sent_at = ? WHERE seq = ? AND state = 'conflict'`);
    for (const entryId of conflict.entryIds) settle.run(this.now().toISOString(), Number(entryId));
    this.setKnownVersion({
      target: conflict.target,
      resourceType: conflict.resourceType,
      resourceId: conflict.resourceId,
      versionId: conflict.theirs?.meta?.versionId ?? null,
      lastUpdated: conflict.theirs?.meta?.lastUpdated ?? null,
    });
    if (resolution === 'ours') this.enqueue(resend ?? conflict.ours, [conflict.target]);
    return { ...conflict, resolution };
  }

  /** Puts held and retry-waiting entries of a target back in the queue (the user's "retry"). */
  releaseHeld(target: SyncTargetId): number {
    return this.sqlite().prepare(`UPDATE sync_outbox SET state = 'pending', next_attempt_at = NULL WHERE target = ? AND state = 'held'`).run(target).changes;
  }

  /** How many entries of a target are held after a refusal, and the newest one's error (for the 同步 screen). */
  heldSummary(target: SyncTargetId): { count: number; latest: SyncErrorInfo | null } {
    const o = syncOutbox;
    const held = and(eq(o.target, target), eq(o.state, 'held'));
    const db = drizzleOf(this.sqlite());
    const n = db.select({ n: count() }).from(o).where(held).get()?.n ?? 0;
    const latest = db.select({ lastError: o.lastError }).from(o).where(held).orderBy(desc(o.seq)).limit(1).get()?.lastError ?? null;
    return { count: n, latest: latest === null ? null : (JSON.parse(latest) as SyncErrorInfo) };
  }

  /** Per target, the state of the newest outbox entry for one resource (none: never queued for that target). */
  recordStates(resourceType: string, resourceId: string): RecordTargetState[] {
    const rows = readRows(this.sqlite(), RECORD_STATES, resourceType, resourceId);
    return rows.map((row) => ({
      target: row.target,
      state: recordState(row.state),
      lastError: row.state === 'sent' || row.lastError === null ? null : (JSON.parse(row.lastError) as SyncErrorInfo),
      knownVersion: row.knownVersion,
    }));
  }

  private setKnownVersion(version: ServerVersion): void {
    hot(this.sqlite()).known.run(version.target, version.resourceType, version.resourceId, version.versionId, version.lastUpdated);
  }
}

/** Waiting for a retry is still 'pending' (its last error is shown beside it); only a held entry has 'failed'. */
function recordState(state: 'pending' | 'sent' | 'held' | 'conflict'): RecordSyncState {
  return state === 'held' ? 'failed' : state;
}
