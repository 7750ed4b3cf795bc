import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import type { OutboxEntry, ResourceWithId } from './outbox';

/**
 * Pure pieces of the push protocol: grouping outbox entries per resource, the transaction and read Bundles,
 * reading versions out of responses, and deciding what an unknown or refused outcome means.
 */

/** Every pending entry of one resource, sent as one PUT carrying the latest state. */
export interface ResourceGroup {
  key: string;
  resourceType: string;
  resourceId: string;
  entryIds: string[];
  /** Each entry's own snapshot, oldest first; the last is what gets sent. */
  snapshots: ResourceWithId[];
  baseVersion: string | null;
  /** Some earlier attempt may have reached the server. */
  uncertain: boolean;
  /** The last snapshot (the one sent) was validated when it was queued. */
  latestValidated: boolean;
}

export function resourceKey(resource: { resourceType: string; id: string }): string {
  return `${resource.resourceType}/${resource.id}`;
}

/**
 * Groups entries by resource, in the order each resource first appears, so a resource referenced by a later
 * one (Observation → Patient) is never sent after it. A transaction may not name one resource twice
 * (FHIR http.html#trules), and the later state supersedes the earlier anyway.
 */
export function groupByResource(entries: readonly OutboxEntry[]): ResourceGroup[] {
  const groups = new Map<string, ResourceGroup>();
  for (const entry of [...entries].sort((a, b) => a.seq - b.seq)) {
    const key = resourceKey(entry.resource);
    const group = groups.get(key);
    if (group) {
      group.entryIds.push(entry.id);
      group.snapshots.push(entry.resource);
      group.baseVersion = entry.baseVersion ?? group.baseVersion;
      group.uncertain ||= entry.attempts > 0;
      group.latestValidated = entry.validatedAtEnqueue === true;
    } else {
      groups.set(key, {
        key,
        resourceType: entry.resource.resourceType,
        resourceId: entry.resource.id,
        entryIds: [entry.id],
        snapshots: [entry.resource],
        baseVersion: entry.baseVersion,
        uncertain: entry.attempts > 0,
        latestValidated: entry.validatedAtEnqueue === true,
      });
    }
  }
  return [...groups.values()];
}

export function latestSnapshot(group: ResourceGroup): ResourceWithId {
  return group.snapshots[group.snapshots.length - 1];
}

/**
 * PUT with the client-assigned id: repeating it can never create a second resource. If-Match on the known
 * version makes a write over someone else's change fail with 412 instead of overwriting it.
 */
export function transactionBundle(groups: readonly ResourceGroup[], baseUrl: string): Bundle {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: groups.map((group): BundleEntry => {
      const resource = stripServerMeta(latestSnapshot(group));
      return {
        // Absolute, as Bundle.fullUrl must be; references inside resources stay relative to the same base.
        fullUrl: `${base}${group.resourceType}/${group.resourceId}`,
        resource,
        request: {
          method: 'PUT',
          url: `${group.resourceType}/${group.resourceId}`,
          ...(group.baseVersion === null ? {} : { ifMatch: weakEtag(group.baseVersion) }),
        },
      };
    }),
  };
}

/** A batch (not transaction) of reads: one missing resource must not fail the others. */
export function readBatchBundle(groups: readonly ResourceGroup[]): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'batch',
    entry: groups.map((group) => ({ request: { method: 'GET', url: `${group.resourceType}/${group.resourceId}` } })),
  };
}

export function weakEtag(versionId: string): string {
  return `W/"${versionId}"`;
}

/** `W/"3"` → `3`; also accepts a strong etag. */
export function versionFromEtag(etag: string | undefined): string | undefined {
  if (!etag) return undefined;
  const match = /^(?:W\/)?"([^"]*)"$/.exec(etag.trim());
  return match ? match[1] : undefined;
}

export interface EntryOutcome {
  status: number;
  versionId: string | null;
  lastUpdated: string | null;
  resource: Resource | undefined;
}

/** Reads one transaction/batch response entry; the status line is "201 Created" or just "201". */
export function entryOutcome(entry: BundleEntry | undefined): EntryOutcome {
  const status = Number.parseInt(entry?.response?.status ?? '', 10);
  const resource = entry?.resource;
  const meta = resource && resource.resourceType !== 'OperationOutcome' ? resource.meta : undefined;
  return {
    status: Number.isFinite(status) ? status : 0,
    versionId: versionFromEtag(entry?.response?.etag) ?? meta?.versionId ?? null,
    lastUpdated: entry?.response?.lastModified ?? meta?.lastUpdated ?? null,
    resource,
  };
}

/** The response Bundle's entries when it answers `count` requests, else undefined (a malformed answer). */
export function responseEntries(body: unknown, type: 'transaction-response' | 'batch-response', count: number) {
  if (typeof body !== 'object' || body === null) return undefined;
  const bundle = body as Bundle;
  if (bundle.resourceType !== 'Bundle' || bundle.type !== type) return undefined;
  const entries = bundle.entry ?? [];
  return entries.length === count ? entries : undefined;
}

/** Server-assigned fields that say nothing about content. */
function stripServerMeta<T extends Resource>(resource: T): T {
  if (!resource.meta) return resource;
  const { versionId: _versionId, lastUpdated: _lastUpdated, source: _source, ...rest } = resource.meta;
  const copy = { ...resource };
  if (Object.keys(rest).length === 0) delete copy.meta;
  else copy.meta = rest;
  return copy;
}

/** Key order and server bookkeeping (version, timestamp, source, generated narrative) do not count. */
export function sameContent(a: Resource, b: Resource): boolean {
  return canonicalJson(comparable(a, b)) === canonicalJson(comparable(b, a));
}

function comparable(resource: Resource, other: Resource): Resource {
  const stripped = stripServerMeta(resource) as Resource & { text?: unknown };
  if ('text' in stripped && !('text' in other)) {
    const { text: _text, ...withoutText } = stripped;
    return withoutText as Resource;
  }
  return stripped;
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value as Record<string, unknown>)
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export type Reconciliation =
  { kind: 'acknowledge'; versionId: string | null; lastUpdated: string | null } | { kind: 'send'; baseVersion: string | null } | { kind: 'conflict' };

/**
 * Given the server's current version of a resource (null: the server does not have it), what does our
 * pending change amount to?
 * - The server holds our latest state: an earlier attempt landed (the response was lost) → acknowledge.
 * - The server holds one of our earlier states, or exactly the version we built on → send, If-Match that.
 * - The server never had it and we never had a version → send (create).
 * - Anything else is someone else's change (or a deletion) → conflict, never an overwrite.
 */
export function reconcile(group: ResourceGroup, theirs: ResourceWithId | null): Reconciliation {
  if (theirs === null) {
    return group.baseVersion === null ? { kind: 'send', baseVersion: null } : { kind: 'conflict' };
  }
  const theirVersion = theirs.meta?.versionId ?? null;
  if (sameContent(theirs, latestSnapshot(group))) {
    return { kind: 'acknowledge', versionId: theirVersion, lastUpdated: theirs.meta?.lastUpdated ?? null };
  }
  if (theirVersion !== null && theirVersion === group.baseVersion) return { kind: 'send', baseVersion: theirVersion };
  if (group.uncertain && group.snapshots.some((snapshot) => sameContent(theirs, snapshot))) {
    return { kind: 'send', baseVersion: theirVersion };
  }
  return { kind: 'conflict' };
}
