import { generateId, parseSearchRequest, type WithId } from '@medplum/core';
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

  override async createResource<T extends Resource>(resource: T): Promise<WithId<T>> {
    const key = `${resource.resourceType}/${resource.id ?? ''}`;
    const existed = resource.id !== undefined && this.live.has(key);
    const stored = await super.createResource(resource);
    this.live.add(`${stored.resourceType}/${stored.id}`);
    this.changes.push({
      seq: this.changes.length + 1,
      resourceType: stored.resourceType,
      id: stored.id,
      versionId: stored.meta?.versionId ?? '',
      lastUpdated: stored.meta?.lastUpdated ?? new Date().toISOString(),
      method: existed ? 'PUT' : 'POST',
      resource: structuredClone(stored),
    });
    return stored;
  }

  override async deleteResource(resourceType: string, id: string): Promise<void> {
    await super.deleteResource(resourceType, id);
    this.live.delete(`${resourceType}/${id}`);
    this.changes.push({
      seq: this.changes.length + 1,
      resourceType,
      id,
      versionId: generateId(),
      lastUpdated: new Date().toISOString(),
      method: 'DELETE',
    });
  }

  override clear(): void {
    super.clear();
    this.changes.length = 0;
    this.live.clear();
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
    if (sinceMs !== undefined && Date.parse(change.lastUpdated) < sinceMs) continue;
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
