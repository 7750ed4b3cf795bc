import { generateId, parseSearchRequest, type SearchRequest, type WithId } from '@medplum/core';
import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import { MemoryRepository } from '@medplum/fhir-router';

/** One committed version (or deletion) in the order the peer committed them. */
export interface PeerChange {
  seq: number;
  resourceType: string;
  id: string;
  versionId: string;
  lastUpdated: string;
  method: 'POST' | 'PUT' | 'DELETE';
  /** Absent for deletions. */
  resource?: Resource;
  /** Parsed once: the index compares instants on every page. */
  ms: number;
  /** `system|code` of each meta.tag, for `_tag` searches. */
  tags: readonly string[];
}

/**
 * MemoryRepository plus an append-only change log.
 *
 * MemoryRepository keeps per-instance history only and forgets deletions, so system- and type-level
 * `_history` (which @medplum/fhir-router does not route at all) are served from this log instead.
 * MemoryRepository.updateResource already honours If-Match (412 on a version mismatch, checked and written
 * without an await in between, so two requests cannot interleave there); nothing is added for that.
 */
export class PeerRepository extends MemoryRepository {
  readonly changes: PeerChange[] = [];
  private readonly live = new Set<string>();
  /** Per type: the change log in commit order, and each live resource's current version. */
  private readonly byType = new Map<string, { log: PeerChange[]; current: Map<string, string>; ordered: boolean }>();

  override async createResource<T extends Resource>(resource: T): Promise<WithId<T>> {
    const key = `${resource.resourceType}/${resource.id ?? ''}`;
    const existed = resource.id !== undefined && this.live.has(key);
    const stored = await super.createResource(resource);
    this.live.add(`${stored.resourceType}/${stored.id}`);
    this.recordWrite(structuredClone(stored), existed);
    return stored;
  }

  /** A created or replaced version in the change log (the copy it keeps is the caller's to give). */
  private recordWrite<T extends Resource>(stored: WithId<T>, existed: boolean): void {
    const lastUpdated = stored.meta?.lastUpdated ?? new Date().toISOString();
    this.record({
      seq: this.changes.length + 1,
      resourceType: stored.resourceType,
      id: stored.id,
      versionId: stored.meta?.versionId ?? '',
      lastUpdated,
      method: existed ? 'PUT' : 'POST',
      resource: stored,
      ms: Date.parse(lastUpdated),
      tags: (stored.meta?.tag ?? []).map((tag) => `${tag.system ?? ''}|${tag.code ?? ''}`),
    });
  }

  private record(change: PeerChange): void {
    this.changes.push(change);
    let index = this.byType.get(change.resourceType);
    if (!index) {
      index = { log: [], current: new Map(), ordered: true };
      this.byType.set(change.resourceType, index);
    }
    const previous = index.log[index.log.length - 1];
    if (previous && previous.ms > change.ms) index.ordered = false;
    index.log.push(change);
    if (change.method === 'DELETE') index.current.delete(change.id);
    else index.current.set(change.id, change.versionId);
  }

  /**
   * Sync pulls page through `_lastUpdated=ge…&_sort=_lastUpdated`. MemoryRepository answers that by
   * evaluating FHIRPath on every resource and sorting all of them for every page (about a second per page
   * at 5,000 resources), where a real server reads an index. This is that index: the change log is already
   * in lastUpdated order, so a page is a binary search and a short walk. Same answer, checked in a test;
   * any other search goes to MemoryRepository. `_tag=system|code` (the institution scope of every pull) is
   * answered from the same walk, as a server's tag index would; `_summary=count` counts it.
   */
  override async search<T extends Resource>(searchRequest: SearchRequest<T>): Promise<Bundle<WithId<T>>> {
    return this.lastUpdatedPage(searchRequest) ?? super.search(searchRequest);
  }

  private lastUpdatedPage<T extends Resource>(request: SearchRequest<T>): Bundle<WithId<T>> | undefined {
    const index = this.byType.get(request.resourceType);
    const sort = request.sortRules ?? [];
    const filters = request.filters ?? [];
    const simple =
      index?.ordered === true &&
      sort.length === 1 &&
      sort[0].code === '_lastUpdated' &&
      !sort[0].descending &&
      filters.every(
        (filter) =>
          (filter.code === '_lastUpdated' && (filter.operator === 'ge' || filter.operator === 'gt')) ||
          (filter.code === '_tag' && filter.operator === 'eq' && filter.value.includes('|')),
      ) &&
      !request.include?.length &&
      !request.revInclude?.length &&
      request.fields === undefined &&
      request.summary === undefined;
    const countOnly = request.count === 0 && sort.length === 0 && filters.every((f) => f.code === '_lastUpdated' || f.code === '_tag');
    if ((!simple && !countOnly) || !index?.ordered) return undefined;
    const tagSets = filters.filter((filter) => filter.code === '_tag').map((filter) => filter.value.split(','));
    const tagged = (change: PeerChange) => tagSets.every((set) => set.some((value) => change.tags.includes(value)));
    const bounds = filters
      .filter((filter) => filter.code === '_lastUpdated')
      .map((filter) => ({ ms: Date.parse(filter.value), strict: filter.operator === 'gt' }));
    if (bounds.some((bound) => Number.isNaN(bound.ms))) return undefined;
    const lowest = Math.max(Number.NEGATIVE_INFINITY, ...bounds.map((bound) => bound.ms));
    const passes = (ms: number) => bounds.every((bound) => (bound.strict ? ms > bound.ms : ms >= bound.ms));
    // First log position at or after the lowest bound.
    let low = 0;
    let high = index.log.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (index.log[middle].ms < lowest) low = middle + 1;
      else high = middle;
    }
    const offset = request.offset ?? 0;
    // A page stops walking once it is full (a real index reads one page, not the rest of the table); the total
    // is given when the walk reached the end anyway, or when asked for (`_summary=count`, `_total=accurate`).
    const wantTotal = request.count === undefined || request.count === 0 || request.total === 'accurate';
    const enough = request.count === undefined ? Number.POSITIVE_INFINITY : offset + request.count;
    const matches: PeerChange[] = [];
    let reachedEnd = true;
    for (let position = low; position < index.log.length; position++) {
      const change = index.log[position];
      if (index.current.get(change.id) !== change.versionId) continue;
      if (!passes(change.ms) || !tagged(change)) continue;
      matches.push(change);
      if (!wantTotal && matches.length >= enough) {
        reachedEnd = position === index.log.length - 1;
        break;
      }
    }
    const page = request.count === 0 ? [] : matches.slice(offset, request.count === undefined ? undefined : offset + request.count);
    return {
      resourceType: 'Bundle',
      type: 'searchset',
      ...(wantTotal || reachedEnd ? { total: matches.length } : {}),
      entry: page.length ? page.map((change) => ({ resource: structuredClone(change.resource) as WithId<T> })) : undefined,
    };
  }

  /**
   * Bulk load for benches and large tests (a center's year of records): the same stored state and change log
   * as creating each resource, without MemoryRepository's per-call serialise/parse/clone (~0.3 ms a resource,
   * minutes at 250,000). The resources must be fresh objects the caller no longer touches.
   */
  seed(resources: readonly Resource[], options: { lastUpdated?: string } = {}): void {
    const store = this as unknown as { resources: Map<string, Map<string, Resource>>; history: Map<string, Map<string, Resource[]>> };
    for (const resource of resources) {
      if (!resource.id) throw new Error('seed needs ids');
      // A past instant plays a server whose commit became visible after it stamped the version (the cursor gap).
      const lastUpdated = options.lastUpdated ?? new Date().toISOString();
      const stored = { ...resource, meta: { ...resource.meta, versionId: generateId(), lastUpdated } } as WithId<Resource>;
      let byId = store.resources.get(stored.resourceType);
      if (!byId) store.resources.set(stored.resourceType, (byId = new Map()));
      const key = `${stored.resourceType}/${stored.id}`;
      const existed = this.live.has(key);
      byId.set(stored.id, stored);
      let versions = store.history.get(stored.resourceType);
      if (!versions) store.history.set(stored.resourceType, (versions = new Map()));
      versions.set(stored.id, [...(versions.get(stored.id) ?? []), stored]);
      this.live.add(key);
      this.recordWrite(stored, existed);
    }
  }

  override async deleteResource(resourceType: string, id: string): Promise<void> {
    await super.deleteResource(resourceType, id);
    this.live.delete(`${resourceType}/${id}`);
    const lastUpdated = new Date().toISOString();
    this.record({
      seq: this.changes.length + 1,
      resourceType,
      id,
      versionId: generateId(),
      lastUpdated,
      method: 'DELETE',
      ms: Date.parse(lastUpdated),
      tags: [],
    });
  }

  override clear(): void {
    super.clear();
    this.changes.length = 0;
    this.live.clear();
    this.byType.clear();
  }

  /** Current versions of every resource of a type, straight from the store (no paging). */
  async all<T extends Resource>(resourceType: T['resourceType']): Promise<WithId<T>[]> {
    return this.searchResources<T>(parseSearchRequest<T>(resourceType));
  }

  versionsOf(resourceType: string, id: string): PeerChange[] {
    return this.changes.filter((change) => change.resourceType === resourceType && change.id === id);
  }
}

export interface HistoryQuery {
  resourceType?: string;
  since?: string;
  count: number;
  offset: number;
  /** Number of log entries visible when paging began, so later commits cannot shift the pages. */
  snapshot?: number;
}

/**
 * A FHIR R4 history Bundle (http.html#history): newest version first, `_since` inclusive, one entry per
 * version with request and response as the spec asks. Pages are cut from a snapshot of the log, so the
 * `next` link stays stable while new versions arrive.
 */
export function historyBundle(repo: PeerRepository, query: HistoryQuery, baseUrl: string): Bundle {
  const snapshot = Math.min(query.snapshot ?? repo.changes.length, repo.changes.length);
  const sinceMs = query.since === undefined ? undefined : Date.parse(query.since);
  const matching: PeerChange[] = [];
  for (let index = snapshot - 1; index >= 0; index--) {
    const change = repo.changes[index];
    if (query.resourceType !== undefined && change.resourceType !== query.resourceType) continue;
    if (sinceMs !== undefined && change.ms < sinceMs) continue;
    matching.push(change);
  }
  const page = matching.slice(query.offset, query.offset + query.count);
  const path = query.resourceType === undefined ? '_history' : `${query.resourceType}/_history`;
  const pageUrl = (offset: number) => {
    const params = new URLSearchParams();
    if (query.since !== undefined) params.set('_since', query.since);
    params.set('_count', String(query.count));
    params.set('_snapshot', String(snapshot));
    params.set('_offset', String(offset));
    return `${baseUrl}${path}?${params.toString()}`;
  };
  const link: Bundle['link'] = [{ relation: 'self', url: pageUrl(query.offset) }];
  if (query.offset + query.count < matching.length) {
    link.push({ relation: 'next', url: pageUrl(query.offset + query.count) });
  }
  return {
    resourceType: 'Bundle',
    type: 'history',
    total: matching.length,
    link,
    entry: page.map((change) => historyEntry(change, baseUrl)),
  };
}

function historyEntry(change: PeerChange, baseUrl: string): BundleEntry {
  const instance = `${change.resourceType}/${change.id}`;
  return {
    fullUrl: `${baseUrl}${instance}`,
    ...(change.resource ? { resource: structuredClone(change.resource) } : {}),
    request: { method: change.method, url: change.method === 'POST' ? change.resourceType : instance },
    response: {
      status: change.method === 'POST' ? '201' : change.method === 'DELETE' ? '204' : '200',
      etag: `W/"${change.versionId}"`,
      lastModified: change.lastUpdated,
    },
  };
}
