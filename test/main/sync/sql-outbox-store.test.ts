import type { Patient } from '@medplum/fhirtypes';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultMigrationsFolder, openEncryptedDatabase, type OpenedStore } from '../../../src/main/db/open';
import { createSyncEngine, type SyncEngine } from '../../../src/main/sync/engine';
import { createFhirHttpClient } from '../../../src/main/sync/http';
import type { ResourceWithId } from '../../../src/main/sync/outbox';
import { SqlOutboxStore } from '../../../src/main/sync/sql-outbox-store';
import type { SyncErrorCode, SyncEvent, SyncTargetConfig } from '../../../src/shared/sync';
import { syncErrorInfo } from '../../../src/shared/sync';
import { clinicDay, deliveryErrors, patient, targetFor } from './setup';
import { useTestPeer } from '../../support/fhir-peer/test-peer';

/** The SQL store meets the OutboxStore contract (outbox.ts) on its own and under the real engine and peer. */

function openDb(): { opened: OpenedStore; dispose(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'sql-outbox-'));
  const opened = openEncryptedDatabase(path.join(dir, 'station.db'), randomBytes(32), {
    migrationsFolder: defaultMigrationsFolder(),
    create: true,
  });
  return {
    opened,
    dispose() {
      opened.sqlite.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Stands in for the domain write: the record and its outbox rows in one transaction. */
function save(store: SqlOutboxStore, opened: OpenedStore, resource: ResourceWithId, local: Map<string, ResourceWithId>) {
  opened.sqlite.transaction(() => store.enqueue(resource, ['county']))();
  local.set(`${resource.resourceType}/${resource.id}`, resource);
}

describe('SqlOutboxStore rules', () => {
  let db: ReturnType<typeof openDb>;
  let store: SqlOutboxStore;
  beforeEach(() => {
    db = openDb();
    store = new SqlOutboxStore(() => db.opened.sqlite);
  });
  afterEach(() => db.dispose());

  it('delivers in seq order per target, and countPending always equals what pending returns (property)', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('save' as const), person: fc.nat(5), target: fc.constantFrom('county', 'provincial') }),
      fc.record({ kind: fc.constant('fail' as const), pick: fc.nat(), hold: fc.boolean() }),
      fc.record({ kind: fc.constant('sent' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('conflict' as const), pick: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        db.opened.sqlite.exec('DELETE FROM sync_outbox; DELETE FROM sync_conflicts; DELETE FROM sync_known_versions;');
        const people = Array.from({ length: 6 }, (_, index) => patient(index, `p-${index}`));
        for (const step of ops) {
          const queue = store.pending('county', 1000);
          if (step.kind === 'save') store.enqueue(people[step.person], [step.target as 'county' | 'provincial']);
          else if (queue.length === 0) continue;
          else if (step.kind === 'fail') {
            const entry = queue[step.pick % queue.length];
            store.markFailed(entry.id, syncErrorInfo('HTTP_5XX', 'x'), step.hold ? null : 1);
          } else if (step.kind === 'sent') {
            const entry = queue[step.pick % queue.length];
            store.markSent(
              [entry.id],
              [{ target: 'county', resourceType: 'Patient', resourceId: entry.resource.id, versionId: `v${entry.seq}`, lastUpdated: null }],
            );
          } else {
            const entry = queue[step.pick % queue.length];
            store.recordConflict({
              target: 'county',
              resourceType: 'Patient',
              resourceId: entry.resource.id,
              entryIds: [entry.id],
              ours: entry.resource,
              theirs: null,
              baseVersion: null,
              detectedAt: 0,
            });
          }
          for (const target of ['county', 'provincial'] as const) {
            const all = store.pending(target, 10_000);
            expect(store.countPending(target)).toBe(all.length);
            expect(all.map((entry) => entry.seq)).toEqual([...all.map((entry) => entry.seq)].sort((a, b) => a - b));
            const inConflict = new Set(store.openConflicts(target).map((conflict) => conflict.resourceId));
            expect(all.some((entry) => inConflict.has(entry.resource.id))).toBe(false);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('reads the base version when pending is called, not when the entry was written', () => {
    const person = patient(1);
    store.enqueue(person, ['county']);
    store.enqueue({ ...person, gender: 'other' }, ['county']);
    const [first, second] = store.pending('county', 10);
    expect([first.baseVersion, second.baseVersion]).toEqual([null, null]);
    store.markSent([first.id], [{ target: 'county', resourceType: 'Patient', resourceId: person.id, versionId: '7', lastUpdated: null }]);
    expect(store.pending('county', 10)).toMatchObject([{ id: second.id, baseVersion: '7' }]);
  });

  it('moves the known version by a pulled version only while nothing local is unsent', () => {
    const person = patient(2);
    const pulled = (versionId: string): Patient => ({ ...person, meta: { versionId, lastUpdated: '2025-01-01T00:00:00Z' } });
    expect(store.acceptRemoteVersion('county', pulled('1'))).toBe('applied');
    expect(store.knownVersion('county', 'Patient', person.id)).toBe('1');
    store.enqueue(person, ['county']);
    expect(store.acceptRemoteVersion('county', pulled('2'))).toBe('kept-local');
    expect(store.knownVersion('county', 'Patient', person.id)).toBe('1');
    const [entry] = store.pending('county', 1);
    store.markFailed(entry.id, syncErrorInfo('VALIDATION_FAILED', 'bad'), null);
    expect(store.acceptRemoteVersion('county', pulled('2'))).toBe('kept-local');
    expect(store.recordStates('Patient', person.id)).toMatchObject([{ target: 'county', state: 'failed', lastError: { code: 'VALIDATION_FAILED' } }]);
    // Another target's queue does not block this one.
    expect(store.acceptRemoteVersion('provincial', pulled('5'))).toBe('applied');
  });

  it('keeps cursors per target and stream', () => {
    store.setCursor('county', 'pull:Task', 'a');
    store.setCursor('county', 'pull:Task', 'b');
    store.setCursor('provincial', 'pull:Task', 'c');
    expect(store.getCursor('county', 'pull:Task')).toBe('b');
    expect(store.getCursor('provincial', 'pull:Task')).toBe('c');
    expect(store.getCursor('county', 'pull:Patient')).toBeNull();
  });

  it('rolls the outbox row back with the domain write that failed', () => {
    expect(() =>
      db.opened.sqlite.transaction(() => {
        store.enqueue(patient(3), ['county']);
        throw new Error('the clinical write failed');
      })(),
    ).toThrow('the clinical write failed');
    expect(store.countPending('county')).toBe(0);
  });
});

describe('the engine over the SQL store, against a platform peer over mutual TLS', () => {
  const county = useTestPeer({ faultProxy: true });
  let db: ReturnType<typeof openDb>;
  let store: SqlOutboxStore;
  let local: Map<string, ResourceWithId>;
  let events: SyncEvent[];
  let engine: SyncEngine | undefined;

  beforeEach(async () => {
    county.peer.repo.clear();
    await county.proxy.setFault({ kind: 'pass' });
    db = openDb();
    store = new SqlOutboxStore(() => db.opened.sqlite);
    local = new Map();
    events = [];
  });
  afterEach(async () => {
    await engine?.stop();
    engine = undefined;
    db.dispose();
  });

  function makeEngine(overrides: Partial<SyncTargetConfig> = {}): SyncEngine {
    engine = createSyncEngine({
      targets: [targetFor(county.pki, county.proxy.urlFor('/fhir/R4/'), { requestTimeoutMs: 1_500, pollIntervalMs: 60_000, ...overrides })],
      outbox: store,
      http: createFhirHttpClient(),
      applyRemote: (target, resource) => void store.acceptRemoteVersion(target, resource),
      onEvent: (event) => events.push(event),
      backoff: { baseMs: 20, capMs: 200 },
    });
    return engine;
  }

  async function settle(sync: SyncEngine): Promise<void> {
    const settled = sync.whenSettled('county');
    sync.nudge('county', { force: true });
    await settled;
  }

  async function failsWith(code: SyncErrorCode): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (!events.some((event) => event.type === 'error' && event.error.code === code)) {
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${code}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  it('round trip: a clinic day lands once, known versions are the server versions', async () => {
    for (const resource of clinicDay(60)) save(store, db.opened, resource, local);
    const report = await makeEngine().syncOnce('county');
    expect(report).toMatchObject({ ok: true, pushedResources: 120 });
    expect(await deliveryErrors(county.peer.repo, [...local.values()])).toEqual([]);
    expect(store.countPending('county')).toBe(0);
    for (const resource of local.values()) {
      const onServer = await county.peer.repo.readResource(resource.resourceType, resource.id);
      expect(store.knownVersion('county', resource.resourceType, resource.id)).toBe(onServer.meta?.versionId);
      expect(store.recordStates(resource.resourceType, resource.id)).toMatchObject([{ target: 'county', state: 'sent' }]);
    }
  });

  it('412: a stale write becomes a conflict with both versions; keeping ours goes out on their version', async () => {
    const sync = makeEngine();
    const person = patient(7);
    save(store, db.opened, person, local);
    await sync.syncOnce('county');
    const theirs = await county.peer.repo.updateResource<Patient>({ ...person, name: [{ text: '县里更正的姓名' }] });
    const ours = { ...person, address: [{ text: '某某镇某某村 3 组' }] };
    save(store, db.opened, ours, local);
    expect((await sync.syncOnce('county')).ok).toBe(true);
    const [conflict] = store.openConflicts('county');
    expect(conflict.ours).toEqual(ours);
    expect(conflict.theirs?.meta?.versionId).toBe(theirs.meta?.versionId);
    expect(store.countPending('county')).toBe(0);
    expect(store.recordStates('Patient', person.id)).toMatchObject([{ state: 'conflict' }]);
    expect((await county.peer.repo.readResource<Patient>('Patient', person.id)).address).toBeUndefined();

    db.opened.sqlite.transaction(() => store.resolveConflict(conflict.id, 'ours', { ...ours, name: theirs.name }))();
    await sync.syncOnce('county');
    const merged = await county.peer.repo.readResource<Patient>('Patient', person.id);
    expect(merged.name).toEqual([{ text: '县里更正的姓名' }]);
    expect(merged.address).toEqual([{ text: '某某镇某某村 3 组' }]);
    expect(store.openConflicts()).toEqual([]);
    expect(store.recordStates('Patient', person.id)).toMatchObject([{ state: 'sent' }]);
  });

  it('server down at start: waits, then sends everything once when the platform appears', async () => {
    await county.proxy.setFault({ kind: 'down' });
    for (const resource of clinicDay(40)) save(store, db.opened, resource, local);
    const sync = makeEngine();
    sync.start();
    await failsWith('SERVER_UNREACHABLE');
    expect(store.pending('county', 1)[0].attempts).toBeGreaterThan(0);
    await county.proxy.setFault({ kind: 'pass' });
    await sync.whenSettled('county');
    expect(await deliveryErrors(county.peer.repo, [...local.values()])).toEqual([]);
    expect(store.countPending('county')).toBe(0);
  });

  it('the link dies after the server committed: recognised, not sent again', async () => {
    for (const resource of clinicDay(25)) save(store, db.opened, resource, local);
    let cuts = 0;
    county.peer.beforeRespond = ({ url }) => {
      if (url === '' && cuts === 0) {
        cuts++;
        county.proxy.resetConnections();
      }
    };
    const sync = makeEngine();
    sync.start();
    await settle(sync);
    county.peer.beforeRespond = undefined;
    expect(cuts).toBe(1);
    expect(await deliveryErrors(county.peer.repo, [...local.values()])).toEqual([]);
    for (const resource of local.values()) expect(county.peer.repo.versionsOf(resource.resourceType, resource.id)).toHaveLength(1);
  });
});
