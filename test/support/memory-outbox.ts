import type { Resource } from '@medplum/fhirtypes';
import type { OutboxEntry, OutboxStore, ResourceWithId, ServerVersion, SyncConflict } from '../../src/main/sync/outbox';
import type { SyncErrorInfo, SyncTargetId } from '../../src/shared/sync';

/**
 * An in-memory OutboxStore for tests, with the same rules the SQL store must follow (see outbox.ts):
 * delivery in seq order, held entries and open conflicts skipped, known versions moved only by
 * acknowledgements and by remote versions applied over no pending change.
 *
 * It also plays the local database: `save` is the clinical change plus its outbox row in one step,
 * `local` is what the station shows.
 */
interface Row {
  entry: Omit<OutboxEntry, 'baseVersion'>;
  state: 'pending' | 'sent' | 'held' | 'conflict';
  lastError: SyncErrorInfo | null;
  nextAttemptAt: number | null;
}

export class MemoryOutboxStore implements OutboxStore {
  readonly rows: Row[] = [];
  readonly conflicts: SyncConflict[] = [];
  readonly local = new Map<string, ResourceWithId>();
  private readonly known = new Map<string, string | null>();
  private readonly cursors = new Map<string, string>();
  private nextSeq = 1;
  /**
   * Rows are appended in seq order and never return to 'pending' once they leave it, so everything before
   * this index is settled: pending() and countPending() start here instead of scanning the whole history.
   * (A whole-array scan per batch made the bench's 10,000-resource push quadratic in the test double.)
   */
  private firstMaybePending = 0;
  private readonly byId = new Map<string, Row>();
  /** Rows in state 'pending' per target, kept by setState (the engine asks for the count after every batch). */
  private readonly pendingCount = new Map<SyncTargetId, number>();

  /** A local change: the record and its outbox row, for every target named. */
  save(resource: ResourceWithId, targets: readonly SyncTargetId[], options: { validatedAtEnqueue?: boolean } = {}): void {
    const snapshot = structuredClone(resource);
    this.local.set(key(resource), snapshot);
    for (const target of targets) {
      const seq = this.nextSeq++;
      const row: Row = {
        entry: {
          id: `e${seq}`,
          seq,
          target,
          resource: structuredClone(snapshot),
          attempts: 0,
          ...(options.validatedAtEnqueue ? { validatedAtEnqueue: true } : {}),
        },
        state: 'pending',
        lastError: null,
        nextAttemptAt: null,
      };
      this.rows.push(row);
      this.byId.set(row.entry.id, row);
      this.pendingCount.set(target, (this.pendingCount.get(target) ?? 0) + 1);
    }
  }

  knownVersion(target: SyncTargetId, resourceType: string, id: string): string | null | undefined {
    return this.known.get(versionKey(target, resourceType, id));
  }

  /** A pulled version: stored locally and made the known version, unless a local change is pending. */
  acceptRemote(target: SyncTargetId, resource: Resource): 'applied' | 'kept-local' {
    const resourceWithId = resource as ResourceWithId;
    const hasPending = this.rows.some(
      (row) => row.entry.target === target && (row.state === 'pending' || row.state === 'conflict') && key(row.entry.resource) === key(resourceWithId),
    );
    if (hasPending) return 'kept-local';
    this.local.set(key(resourceWithId), structuredClone(resourceWithId));
    this.known.set(versionKey(target, resource.resourceType, resourceWithId.id), resource.meta?.versionId ?? null);
    return 'applied';
  }

  /** The user kept their version (or a merge): it goes out again on top of the server's current version. */
  resolveConflictWithOurs(conflict: SyncConflict, merged: ResourceWithId = conflict.ours): void {
    this.dropConflict(conflict);
    this.known.set(versionKey(conflict.target, conflict.resourceType, conflict.resourceId), conflict.theirs?.meta?.versionId ?? null);
    this.save(merged, [conflict.target]);
  }

  resolveConflictWithTheirs(conflict: SyncConflict): void {
    this.dropConflict(conflict);
    if (conflict.theirs) {
      this.local.set(key(conflict.theirs), structuredClone(conflict.theirs));
      this.known.set(versionKey(conflict.target, conflict.resourceType, conflict.resourceId), conflict.theirs.meta?.versionId ?? null);
    }
  }

  pending(target: SyncTargetId, limit: number): OutboxEntry[] {
    return this.sendable(target, this.inConflict(target), limit).map((row) => ({
      ...structuredClone(row.entry),
      baseVersion: this.known.get(versionKey(target, row.entry.resource.resourceType, row.entry.resource.id)) ?? null,
    }));
  }

  countPending(target: SyncTargetId): number {
    const inConflict = this.inConflict(target);
    if (inConflict.size > 0) return this.sendable(target, inConflict, Number.POSITIVE_INFINITY).length;
    return this.pendingCount.get(target) ?? 0;
  }

  markSent(entryIds: readonly string[], versions: readonly ServerVersion[]): void {
    for (const id of entryIds) this.setState(this.row(id), 'sent');
    for (const version of versions) {
      this.known.set(versionKey(version.target, version.resourceType, version.resourceId), version.versionId);
    }
  }

  markFailed(entryId: string, error: SyncErrorInfo, nextAttemptAt: number | null): void {
    const row = this.row(entryId);
    row.entry.attempts++;
    row.lastError = error;
    row.nextAttemptAt = nextAttemptAt;
    if (nextAttemptAt === null) this.setState(row, 'held');
  }

  recordConflict(conflict: SyncConflict): void {
    this.conflicts.push(structuredClone(conflict));
    for (const entryId of conflict.entryIds) this.setState(this.row(entryId), 'conflict');
  }

  getCursor(target: SyncTargetId, stream: string): string | null {
    return this.cursors.get(`${target}|${stream}`) ?? null;
  }

  setCursor(target: SyncTargetId, stream: string, cursor: string): void {
    this.cursors.set(`${target}|${stream}`, cursor);
  }

  stateOf(entryId: string): Row['state'] {
    return this.row(entryId).state;
  }

  private setState(row: Row, state: Row['state']): void {
    if (row.state === 'pending' && state !== 'pending') {
      this.pendingCount.set(row.entry.target, (this.pendingCount.get(row.entry.target) ?? 0) - 1);
    }
    row.state = state;
  }

  private inConflict(target: SyncTargetId): Set<string> {
    return new Set(this.conflicts.filter((conflict) => conflict.target === target).map((conflict) => `${conflict.resourceType}/${conflict.resourceId}`));
  }

  /** Pending rows of the target in seq order (the array's order), skipping resources in conflict. */
  private sendable(target: SyncTargetId, inConflict: Set<string>, limit: number): Row[] {
    while (this.firstMaybePending < this.rows.length && this.rows[this.firstMaybePending].state !== 'pending') {
      this.firstMaybePending++;
    }
    const found: Row[] = [];
    for (let index = this.firstMaybePending; index < this.rows.length && found.length < limit; index++) {
      const row = this.rows[index];
      if (row.entry.target === target && row.state === 'pending' && !inConflict.has(key(row.entry.resource))) found.push(row);
    }
    return found;
  }

  private dropConflict(conflict: SyncConflict): void {
    const index = this.conflicts.findIndex(
      (each) => each.target === conflict.target && each.resourceType === conflict.resourceType && each.resourceId === conflict.resourceId,
    );
    if (index >= 0) this.conflicts.splice(index, 1);
  }

  private row(entryId: string): Row {
    const row = this.byId.get(entryId);
    if (!row) throw new Error(`No outbox entry ${entryId}`);
    return row;
  }
}

function key(resource: { resourceType: string; id: string }): string {
  return `${resource.resourceType}/${resource.id}`;
}

function versionKey(target: SyncTargetId, resourceType: string, id: string): string {
  return `${target}|${resourceType}/${id}`;
}
