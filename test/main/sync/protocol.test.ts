import type { Patient, Resource } from '@medplum/fhirtypes';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fullJitterDelay, retryDelayFor } from '../../../src/main/sync/backoff';
import {
  canonicalJson,
  entryOutcome,
  groupByResource,
  reconcile,
  sameContent,
  transactionBundle,
  versionFromEtag,
  type ResourceGroup,
} from '../../../src/main/sync/bundles';
import { classifyHttpStatus } from '../../../src/main/sync/errors';
import type { OutboxEntry, ResourceWithId } from '../../../src/main/sync/outbox';
import { advanceCursor, EMPTY_CURSOR, freshResources, parseCursor, pullQuery, serializeCursor, type PullCursor } from '../../../src/main/sync/pull-cursor';
import { patient } from './setup';

const entry = (seq: number, resource: ResourceWithId, baseVersion: string | null = null, attempts = 0): OutboxEntry => ({
  id: `e${seq}`,
  seq,
  target: 'county',
  resource,
  baseVersion,
  attempts,
});

describe('grouping outbox entries per resource', () => {
  it('sends each resource once, with its latest state, at the position it first appeared', () => {
    const a1 = patient(1, 'a');
    const b = patient(2, 'b');
    const a2 = { ...a1, gender: 'female' as const };
    const groups = groupByResource([entry(3, a2, 'v1'), entry(1, a1, 'v1'), entry(2, b)]);
    expect(groups.map((group) => group.key)).toEqual(['Patient/a', 'Patient/b']);
    expect(groups[0].entryIds).toEqual(['e1', 'e3']);
    expect((groups[0].snapshots[1] as Patient).gender).toBe('female');
    const bundle = transactionBundle(groups, 'https://county.example/fhir/R4');
    expect(bundle.entry?.map((each) => each.request)).toEqual([
      { method: 'PUT', url: 'Patient/a', ifMatch: 'W/"v1"' },
      { method: 'PUT', url: 'Patient/b' },
    ]);
    expect(bundle.entry?.[0].fullUrl).toBe('https://county.example/fhir/R4/Patient/a');
    expect((bundle.entry?.[0].resource as Patient).gender).toBe('female');
  });

  it('never names one resource twice in a Bundle, whatever the entries', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.boolean()), { maxLength: 40 }), (picks) => {
        const entries = picks.map(([which, uncertain], index) => entry(index, patient(which, `p${which}`), null, uncertain ? 1 : 0));
        const groups = groupByResource(entries);
        const urls = transactionBundle(groups, 'https://x/').entry?.map((each) => each.request?.url) ?? [];
        expect(new Set(urls).size).toBe(urls.length);
        expect(groups.flatMap((group) => group.entryIds).sort()).toEqual(entries.map((each) => each.id).sort());
        for (const group of groups) {
          expect(group.uncertain).toBe(entries.some((each) => group.entryIds.includes(each.id) && each.attempts > 0));
        }
      }),
    );
  });
});

describe('reconciling an unknown or refused outcome', () => {
  const ours = patient(1, 'x');
  const group = (overrides: Partial<ResourceGroup> = {}): ResourceGroup => ({
    key: 'Patient/x',
    resourceType: 'Patient',
    resourceId: 'x',
    entryIds: ['e1'],
    snapshots: [ours],
    latestValidated: false,
    baseVersion: null,
    uncertain: true,
    ...overrides,
  });
  const onServer = (resource: ResourceWithId, versionId: string): ResourceWithId => ({
    ...resource,
    meta: { versionId, lastUpdated: '2025-01-01T00:00:00.000Z' },
  });

  it('acknowledges when the server already holds our latest state (the response was lost)', () => {
    expect(reconcile(group(), onServer(ours, 'v7'))).toEqual({
      kind: 'acknowledge',
      versionId: 'v7',
      lastUpdated: '2025-01-01T00:00:00.000Z',
    });
  });

  it('creates when the server has nothing and we never had a version', () => {
    expect(reconcile(group(), null)).toEqual({ kind: 'send', baseVersion: null });
  });

  it('calls a deletion on the server a conflict', () => {
    expect(reconcile(group({ baseVersion: 'v1' }), null)).toEqual({ kind: 'conflict' });
  });

  it('sends on top of the version we built on', () => {
    const older = { ...ours, gender: 'female' as const };
    expect(reconcile(group({ baseVersion: 'v1' }), onServer(older, 'v1'))).toEqual({ kind: 'send', baseVersion: 'v1' });
  });

  it('sends on top of our own earlier, landed state', () => {
    const earlier = { ...ours, gender: 'female' as const };
    const latest = { ...ours, gender: 'other' as const };
    const decision = reconcile(group({ snapshots: [earlier, latest] }), onServer(earlier, 'v2'));
    expect(decision).toEqual({ kind: 'send', baseVersion: 'v2' });
  });

  it('calls anyone else’s change a conflict, never an overwrite', () => {
    const theirs = { ...ours, name: [{ text: '县医院改过的名字' }] };
    expect(reconcile(group({ baseVersion: 'v1' }), onServer(theirs, 'v2'))).toEqual({ kind: 'conflict' });
    expect(reconcile(group(), onServer(theirs, 'v2'))).toEqual({ kind: 'conflict' });
  });
});

describe('comparing content', () => {
  it('ignores key order and server bookkeeping, not data', () => {
    const a = patient(1, 'x');
    const reordered = Object.fromEntries(Object.entries(a).reverse()) as ResourceWithId;
    const stamped = { ...a, meta: { versionId: '9', lastUpdated: '2025-01-01T00:00:00Z', source: 'x' } };
    const narrated = {
      ...a,
      text: { status: 'generated' as const, div: '<div xmlns="http://www.w3.org/1999/xhtml">x</div>' },
    };
    expect(sameContent(a, reordered)).toBe(true);
    expect(sameContent(a, stamped)).toBe(true);
    expect(sameContent(a, narrated)).toBe(true);
    expect(sameContent(a, { ...a, gender: 'female' })).toBe(false);
    expect(sameContent(a, { ...a, meta: { tag: [{ code: 'x' }] } })).toBe(false);
  });

  it('canonical JSON is the same for any key order', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (object) => {
        const reversed = Object.fromEntries(Object.entries(object).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(object));
      }),
    );
  });
});

describe('reading responses', () => {
  it('takes the version from the etag first, then from meta', () => {
    expect(versionFromEtag('W/"3"')).toBe('3');
    expect(versionFromEtag('"abc"')).toBe('abc');
    expect(versionFromEtag('garbage')).toBeUndefined();
    expect(entryOutcome({ response: { status: '201 Created', etag: 'W/"2"' } })).toMatchObject({
      status: 201,
      versionId: '2',
    });
    expect(
      entryOutcome({
        response: { status: '200' },
        resource: { resourceType: 'Patient', meta: { versionId: 'm', lastUpdated: 't' } },
      }),
    ).toMatchObject({ status: 200, versionId: 'm', lastUpdated: 't' });
  });

  it.each([
    [200, undefined],
    [201, undefined],
    [412, 'CONFLICT'],
    [409, 'CONFLICT'],
    [400, 'HTTP_4XX'],
    [401, 'HTTP_4XX'],
    [404, 'HTTP_4XX'],
    [408, 'TIMEOUT'],
    [429, 'HTTP_5XX'],
    [500, 'HTTP_5XX'],
    [503, 'HTTP_5XX'],
  ] as const)('HTTP %i → %s', (status, code) => {
    expect(classifyHttpStatus(status)).toBe(code);
  });

  it('calls a 400/422 with content issues a validation failure', () => {
    const outcome = { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'structure' }] };
    expect(classifyHttpStatus(400, outcome)).toBe('VALIDATION_FAILED');
    expect(classifyHttpStatus(422, outcome)).toBe('VALIDATION_FAILED');
    expect(classifyHttpStatus(400, { resourceType: 'OperationOutcome', issue: [{ code: 'too-costly' }] })).toBe('HTTP_4XX');
  });
});

describe('backoff with full jitter', () => {
  it('stays within [0, min(cap, base·2^(n−1))) for any failure count and random draw', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        (failures, draw, baseMs, capExtra) => {
          const policy = { baseMs, capMs: baseMs + capExtra };
          const delay = fullJitterDelay(failures, policy, () => draw);
          const ceiling = Math.min(policy.capMs, baseMs * 2 ** Math.min(failures - 1, 30));
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThan(Math.max(ceiling, 1));
        },
      ),
    );
  });

  it('spreads retries: the draw decides, not the clock', () => {
    const policy = { baseMs: 1_000, capMs: 60_000 };
    expect(fullJitterDelay(3, policy, () => 0)).toBe(0);
    expect(fullJitterDelay(3, policy, () => 0.5)).toBe(2_000);
    expect(fullJitterDelay(50, policy, () => 0.999)).toBe(59_940);
  });

  it('waits the longest interval for errors retrying cannot fix', () => {
    const policy = { baseMs: 1_000, capMs: 60_000 };
    expect(retryDelayFor('TLS_CLIENT_CERT_REJECTED', 1, policy, () => 0)).toBe(60_000);
    expect(retryDelayFor('CONNECTION_RESET', 1, policy, () => 0.5)).toBe(500);
  });
});

describe('pull cursor (keyset paging on _lastUpdated)', () => {
  const version = (id: string, versionId: string, ms: number): Resource =>
    ({
      resourceType: 'Task',
      id,
      meta: { versionId, lastUpdated: new Date(Date.UTC(2025, 0, 1) + ms).toISOString() },
    }) as Resource;

  it('asks for ge since, sorted, with a page size', () => {
    const cursor: PullCursor = { since: '2025-01-01T00:00:00.000+08:00', seenAtSince: [], caughtUp: true };
    expect(pullQuery('Task', EMPTY_CURSOR, 50)).toBe('Task?_sort=_lastUpdated&_count=50');
    expect(pullQuery('Task', cursor, 50)).toBe('Task?_lastUpdated=ge2025-01-01T00%3A00%3A00.000%2B08%3A00&_sort=_lastUpdated&_count=50');
  });

  it('survives a round trip through the store, and a damaged one starts over', () => {
    const cursor = advanceCursor(EMPTY_CURSOR, version('a', '1', 5));
    expect(parseCursor(serializeCursor(cursor))).toEqual(cursor);
    expect(parseCursor('{broken')).toEqual(EMPTY_CURSOR);
    expect(parseCursor(null)).toEqual(EMPTY_CURSOR);
  });

  it('delivers every version exactly once however the server pages a ge-query, ties included', () => {
    fc.assert(
      fc.property(
        // Versions on a coarse clock so that many share one millisecond.
        fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 9 }),
        (instants, pageSize) => {
          const server = instants
            .map((ms, index) => version(`t${index}`, `v${index}`, ms))
            .sort((a, b) => Date.parse(a.meta?.lastUpdated ?? '') - Date.parse(b.meta?.lastUpdated ?? ''));
          const delivered: string[] = [];
          let cursor = EMPTY_CURSOR;
          let count = pageSize;
          for (let guard = 0; guard < 1_000; guard++) {
            const sinceMs = cursor.since === null ? -Infinity : Date.parse(cursor.since);
            const page = server.filter((each) => Date.parse(each.meta?.lastUpdated ?? '') >= sinceMs).slice(0, count);
            const fresh = freshResources(page, cursor);
            if (fresh.length === 0) {
              if (page.length >= count) {
                count *= 2;
                continue;
              }
              break;
            }
            for (const resource of fresh) {
              delivered.push(resource.id ?? '');
              cursor = advanceCursor(cursor, resource);
            }
            count = pageSize;
            if (page.length < count) break;
          }
          expect(delivered.sort()).toEqual(server.map((each) => each.id ?? '').sort());
        },
      ),
    );
  });
});
