import type { Resource } from '@medplum/fhirtypes';

/**
 * Pull position for one resource type on one target: keyset paging on meta.lastUpdated.
 *
 * Each page asks for `_lastUpdated=ge<since>&_sort=_lastUpdated`, so paging needs no server-side state and
 * survives restarts and writes arriving meanwhile. `ge` (not `gt`) because many versions can share one
 * millisecond; the versions already applied at exactly `since` are remembered and skipped.
 */
export interface PullCursor {
  /** The lastUpdated of the newest applied version, exactly as the server wrote it; null before the first pull. */
  since: string | null;
  /** Versions already applied whose lastUpdated equals `since`. */
  seenAtSince: string[];
  /**
   * The stream has reached the server's end at least once. Until then the station is in its first sync of
   * this stream (a new or replaced station): the engine counts what is left and reports progress.
   */
  caughtUp: boolean;
}

export const EMPTY_CURSOR: PullCursor = { since: null, seenAtSince: [], caughtUp: false };

/**
 * One pulled stream: a resource type and the search that scopes it (e.g. `_tag=<institution>`), with its own
 * cursor. The stream name keys the cursor, so a changed scope starts a fresh cursor instead of resuming
 * another scope's position.
 */
export interface PullStreamSpec {
  stream: string;
  resourceType: string;
  params: Readonly<Record<string, string>>;
}

/** The unscoped stream of a type (engine tests, and targets configured with bare pullResourceTypes). */
export function typeStream(resourceType: string): PullStreamSpec {
  return { stream: pullStream(resourceType), resourceType, params: {} };
}

export function parseCursor(text: string | null): PullCursor {
  if (text === null) return EMPTY_CURSOR;
  try {
    const value = JSON.parse(text) as Partial<PullCursor>;
    if ((typeof value.since === 'string' || value.since === null) && Array.isArray(value.seenAtSince)) {
      return {
        since: value.since,
        seenAtSince: value.seenAtSince.filter((key) => typeof key === 'string'),
        // Cursors written before the flag existed had finished at least one pull whenever they hold a position.
        caughtUp: typeof value.caughtUp === 'boolean' ? value.caughtUp : value.since !== null,
      };
    }
  } catch {
    // A damaged cursor costs a full re-pull, which applyRemote absorbs (it is idempotent per version).
  }
  return EMPTY_CURSOR;
}

export function serializeCursor(cursor: PullCursor): string {
  return JSON.stringify(cursor);
}

export function pullStream(resourceType: string): string {
  return `pull:${resourceType}`;
}

/** `Type/id/_history/vid`: unique even on servers whose versionIds are per-resource counters. */
export function versionKey(resource: Resource): string {
  return `${resource.resourceType}/${resource.id ?? ''}/_history/${resource.meta?.versionId ?? ''}`;
}

export function pullQuery(resourceType: string, cursor: PullCursor, count: number, scope: Readonly<Record<string, string>> = {}): string {
  const params = new URLSearchParams(scope);
  if (cursor.since !== null) params.set('_lastUpdated', `ge${cursor.since}`);
  params.set('_sort', '_lastUpdated');
  params.set('_count', String(count));
  return `${resourceType}?${params.toString()}`;
}

function instant(resource: Resource): number {
  const value = resource.meta?.lastUpdated;
  return value === undefined ? Number.NaN : Date.parse(value);
}

/** The page's resources not applied yet, oldest first (a stable sort, in case the server sorted loosely). */
export function freshResources(page: readonly Resource[], cursor: PullCursor): Resource[] {
  const seen = new Set(cursor.seenAtSince);
  const sinceMs = cursor.since === null ? Number.NEGATIVE_INFINITY : Date.parse(cursor.since);
  return page
    .filter((resource) => resource.meta?.lastUpdated !== undefined && resource.id !== undefined)
    .filter((resource) => !(instant(resource) === sinceMs && seen.has(versionKey(resource))))
    .filter((resource) => !(instant(resource) < sinceMs))
    .map((resource, index) => ({ resource, index }))
    .sort((a, b) => instant(a.resource) - instant(b.resource) || a.index - b.index)
    .map(({ resource }) => resource);
}

/** The cursor after applying `resource` (which must not be older than the cursor). */
export function advanceCursor(cursor: PullCursor, resource: Resource): PullCursor {
  const lastUpdated = resource.meta?.lastUpdated;
  if (lastUpdated === undefined) return cursor;
  const key = versionKey(resource);
  if (cursor.since !== null && Date.parse(lastUpdated) === Date.parse(cursor.since)) {
    return { ...cursor, seenAtSince: [...cursor.seenAtSince, key] };
  }
  return { since: lastUpdated, seenAtSince: [key], caughtUp: cursor.caughtUp };
}

/** `_summary=count` for what a stream still has to deliver from the cursor on (first-sync progress). */
export function countQuery(resourceType: string, cursor: PullCursor, scope: Readonly<Record<string, string>> = {}): string {
  const params = new URLSearchParams(scope);
  if (cursor.since !== null) params.set('_lastUpdated', `ge${cursor.since}`);
  params.set('_summary', 'count');
  return `${resourceType}?${params.toString()}`;
}
