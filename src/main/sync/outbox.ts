import type { Resource } from '@medplum/fhirtypes';
import type { SyncErrorInfo, SyncTargetId } from '../../shared/sync';

/**
 * The transactional outbox as the sync engine sees it. The store (SQL, in the lead's db module) writes an
 * entry in the same transaction as the clinical change, so a change is never saved without its outbox row
 * nor sent without being saved. The engine only reads entries and records outcomes.
 *
 * Methods may be synchronous (better-sqlite3) or return promises.
 */
export type Awaitable<T> = T | Promise<T>;

export type ResourceWithId = Resource & { id: string };

export interface OutboxEntry {
  /** The outbox row's id. */
  id: string;
  /** Delivery order; ascending within a target. */
  seq: number;
  target: SyncTargetId;
  /** The full resource as it was when the change was saved (with its client-assigned id). */
  resource: ResourceWithId;
  /**
   * The server's versionId this change builds on, read when pending() is called — not when the entry was
   * written: an earlier entry for the same resource may have been acknowledged since. Null while the server
   * has never acknowledged this resource (the PUT creates it).
   */
  baseVersion: string | null;
  /** Failed sends so far. Above zero, an earlier attempt may have reached the server (outcome unknown). */
  attempts: number;
  /**
   * The store validated exactly this resource (validateForSend) when it was queued, so the engine does not
   * validate it again on every push: validation (~0.3 ms a resource) then costs the write that made the change,
   * once, instead of every send and retry.
   */
  validatedAtEnqueue?: boolean;
}

/** What the server answered for one resource: becomes the resource's known version for that target. */
export interface ServerVersion {
  target: SyncTargetId;
  resourceType: string;
  resourceId: string;
  /** Null only when a server acknowledged without saying (no etag, no meta): the next update goes without If-Match. */
  versionId: string | null;
  lastUpdated: string | null;
}

export interface SyncConflict {
  target: SyncTargetId;
  resourceType: string;
  resourceId: string;
  /** All outbox entries the conflict covers; they leave the queue until the user resolves it. */
  entryIds: string[];
  /** The latest local state we tried to send. */
  ours: ResourceWithId;
  /** The server's current version, or null when the server no longer has the resource. */
  theirs: ResourceWithId | null;
  /** The version our change was based on. */
  baseVersion: string | null;
  detectedAt: number;
}

/**
 * Contract for the store:
 * - pending(target, limit): entries not yet acknowledged, ascending seq, skipping held entries
 *   (markFailed with nextAttemptAt null) and resources with an unresolved conflict on that target.
 *   Entries waiting for a retry are included: the engine schedules retries per target, not per entry.
 * - markSent: the entries are done; each version becomes the known server version of its resource.
 * - markFailed: attempts + 1 and the error, for the record's sync state. nextAttemptAt (epoch ms) is when
 *   the engine will try again; null holds the entry until the record changes again or the user retries.
 * - recordConflict: the entries leave the queue; the UI shows both versions. Resolving it means saving the
 *   chosen or merged state as a new change whose base is `theirs.meta.versionId` (known version := theirs).
 * - getCursor/setCursor: opaque pull cursors per target and stream (one stream per pulled resource type).
 *
 * The known server version must only move forward by acknowledgements and by applying pulled versions
 * while no local change to that resource is pending — never from a pull over a pending local change, or
 * the next push would carry the newer If-Match and silently overwrite the other side's change.
 */
export interface OutboxStore {
  pending(target: SyncTargetId, limit: number): Awaitable<OutboxEntry[]>;
  countPending(target: SyncTargetId): Awaitable<number>;
  markSent(entryIds: readonly string[], versions: readonly ServerVersion[]): Awaitable<void>;
  markFailed(entryId: string, error: SyncErrorInfo, nextAttemptAt: number | null): Awaitable<void>;
  recordConflict(conflict: SyncConflict): Awaitable<void>;
  getCursor(target: SyncTargetId, stream: string): Awaitable<string | null>;
  setCursor(target: SyncTargetId, stream: string, cursor: string): Awaitable<void>;
}
