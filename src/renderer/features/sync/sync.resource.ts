import { SYNC_RECORD_LISTS, type SyncRecordListName } from '../../../shared/api/sync';
import type { SyncTargetId } from '../../../shared/sync';
import { api } from '../../api/client';
import { defineResource, invalidateResources } from '../../api/resource';

/** Polled when no event arrives (the engine publishes syncProgress while it works, and the screen reloads on each). */
export const SYNC_REFRESH_MS = 5_000;

/** Each platform's state; the 同步 screen reloads it on every progress event and every few seconds. */
export const syncTargetsResource = defineResource('sync.targets', () => api.sync.targets({}), { pollMs: SYNC_REFRESH_MS });
export const useSyncTargets = syncTargetsResource.use;

export const syncConflictsResource = defineResource('sync.conflicts', () => api.sync.conflicts({}), { pollMs: SYNC_REFRESH_MS });
export const useSyncConflicts = syncConflictsResource.use;

/** How many records wait, failed or conflict for one platform (counts name no patient, so they refresh freely). */
export const syncRecordCountsResource = defineResource(
  'sync.recordCounts',
  async ({ id }: { id: SyncTargetId }) => {
    const totals = await Promise.all(SYNC_RECORD_LISTS.map((list) => api.sync.records({ id, list, limit: 0 })));
    return Object.fromEntries(SYNC_RECORD_LISTS.map((name, index) => [name, totals[index]?.total ?? 0])) as Record<SyncRecordListName, number>;
  },
  { pollMs: SYNC_REFRESH_MS },
);
export const useSyncRecordCounts = syncRecordCountsResource.use;

/** One opened list's rows (read when opened, and again when its count changes). */
export const syncRecordsResource = defineResource('sync.records', (input: { id: SyncTargetId; list: SyncRecordListName }) =>
  api.sync.records({ ...input, limit: 100 }),
);
export const useSyncRecords = syncRecordsResource.use;

/**
 * The engine's state moves without a write from this screen (background pushes, "立即同步", an administrator's
 * settings, which are audited as admin rather than write): the screen says when to look again. The open record
 * lists follow their counts instead.
 */
export function refreshSyncState(): void {
  syncTargetsResource.invalidate();
  syncConflictsResource.invalidate();
  syncRecordCountsResource.invalidate();
}

/** After an action on this screen (retry, resolve, configure): everything sync shows, lists included. */
export function afterSyncAction(): void {
  invalidateResources('sync.');
}
