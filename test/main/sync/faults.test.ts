import type { Patient } from '@medplum/fhirtypes';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSyncEngine, type SyncEngine } from '../../../src/main/sync/engine';
import { createFhirHttpClient } from '../../../src/main/sync/http';
import type { ResourceWithId } from '../../../src/main/sync/outbox';
import type { SyncErrorCode, SyncEvent, SyncTargetConfig } from '../../../src/shared/sync';
import { MemoryOutboxStore } from '../../support/memory-outbox';
import { clinicDay, deliveryErrors, patient, targetFor } from './setup';
import { useTestPeer } from '../../support/fhir-peer/test-peer';

/**
 * The link between station and platform fails in every way the fault proxy and the peer can make it fail;
 * after recovery every local record is on the server exactly once (by id and by content) and no local change
 * is lost. Timing is never asserted: the engine runs on its own loop with short backoff and we wait for it.
 */
describe('sync through faults', () => {
  const county = useTestPeer({ faultProxy: true });
  let outbox: MemoryOutboxStore;
  let events: SyncEvent[];
  let engine: SyncEngine | undefined;

  beforeEach(async () => {
    county.peer.repo.clear();
    county.peer.beforeRespond = undefined;
    await county.proxy.setFault({ kind: 'pass' });
    outbox = new MemoryOutboxStore();
    events = [];
  });
  afterEach(async () => {
    await engine?.stop();
    engine = undefined;
  });

  function startEngine(overrides: Partial<SyncTargetConfig> = {}): SyncEngine {
    engine = createSyncEngine({
      targets: [targetFor(county.pki, county.proxy.urlFor('/fhir/R4/'), { requestTimeoutMs: 1_500, pollIntervalMs: 60_000, ...overrides })],
      outbox,
      http: createFhirHttpClient(),
      applyRemote: (target, resource) => void outbox.acceptRemote(target, resource),
      onEvent: (event) => events.push(event),
      backoff: { baseMs: 20, capMs: 200 },
    });
    engine.start();
    return engine;
  }

  const errorCodes = () => new Set(events.flatMap((event) => (event.type === 'error' ? [event.error.code] : [])));
  const local = () => [...outbox.local.values()];

  async function settle(sync: SyncEngine): Promise<void> {
    const settled = sync.whenSettled('county');
    sync.nudge('county', { force: true });
    await settled;
  }

  async function expectDeliveredOnce(): Promise<void> {
    expect(await deliveryErrors(county.peer.repo, local())).toEqual([]);
    expect(outbox.countPending('county')).toBe(0);
    expect(outbox.conflicts).toEqual([]);
    expect(outbox.rows.every((row) => row.state === 'sent')).toBe(true);
  }

  async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  async function failsWith(code: SyncErrorCode): Promise<void> {
    await until(() => errorCodes().has(code), `a ${code} error`);
  }

  it('server down at start: waits, then sends everything when the platform appears', async () => {
    await county.proxy.setFault({ kind: 'down' });
    for (const resource of clinicDay(100)) outbox.save(resource, ['county']);
    const sync = startEngine();
    await failsWith('SERVER_UNREACHABLE');
    // Read between two attempts: with the tests' short backoff the engine may already be trying again.
    await until(() => sync.status('county').consecutiveFailures >= 3 && sync.status('county').state === 'waiting-retry', 'three failed attempts');
    expect(sync.status('county')).toMatchObject({ queued: 200 });
    expect(outbox.rows[0].entry.attempts).toBeGreaterThan(0);
    await county.proxy.setFault({ kind: 'pass' });
    // No nudge: it must come back by itself.
    await sync.whenSettled('county');
    await expectDeliveredOnce();
  });

  it('connection cut in the middle of a request', async () => {
    for (const resource of clinicDay(100)) outbox.save(resource, ['county']);
    // Past the TLS handshake (< 2 KB with a client certificate), well inside the first 50-entry Bundle.
    await county.proxy.setFault({ kind: 'cut', direction: 'request', afterBytes: 12_000 });
    const sync = startEngine();
    await until(() => county.proxy.stats.cuts >= 3, 'three cut requests');
    expect(errorCodes().has('CONNECTION_RESET')).toBe(true);
    await county.proxy.setFault({ kind: 'pass' });
    await settle(sync);
    await expectDeliveredOnce();
  });

  it('connection reset (RST) by something on the path', async () => {
    for (const resource of clinicDay(50)) outbox.save(resource, ['county']);
    await county.proxy.setFault({ kind: 'reset' });
    const sync = startEngine();
    await failsWith('CONNECTION_RESET');
    await county.proxy.setFault({ kind: 'pass' });
    await settle(sync);
    await expectDeliveredOnce();
  });

  it('server errors (503) for a while', async () => {
    for (const resource of clinicDay(50)) outbox.save(resource, ['county']);
    county.peer.failNextRequests(4, 503);
    const sync = startEngine();
    await failsWith('HTTP_5XX');
    await settle(sync);
    await expectDeliveredOnce();
    expect(sync.status('county').lastError).toBeNull();
  });

  it('a link that accepts and never answers (blackhole) times out, then recovers', async () => {
    for (const resource of clinicDay(20)) outbox.save(resource, ['county']);
    await county.proxy.setFault({ kind: 'blackhole' });
    const sync = startEngine({ requestTimeoutMs: 300 });
    await failsWith('TIMEOUT');
    await county.proxy.setFault({ kind: 'pass' });
    await settle(sync);
    await expectDeliveredOnce();
  });

  it('a slow link (48 kB/s) still delivers everything once', async () => {
    for (const resource of clinicDay(60)) outbox.save(resource, ['county']);
    await county.proxy.setFault({ kind: 'slow', bytesPerSecond: 48_000 });
    const sync = startEngine({ requestTimeoutMs: 10_000 });
    await settle(sync);
    await expectDeliveredOnce();
    expect(county.proxy.stats.bytesToServer).toBeGreaterThan(60 * 2 * 300);
  });

  it('the link dies after the server committed, before the acknowledgement: no duplicate, no resend', async () => {
    for (const resource of clinicDay(25)) outbox.save(resource, ['county']);
    let cuts = 0;
    county.peer.beforeRespond = ({ url }) => {
      if (url === '' && cuts === 0) {
        cuts++;
        county.proxy.resetConnections();
      }
    };
    const sync = startEngine();
    await settle(sync);
    expect(cuts).toBe(1);
    expect(errorCodes().has('CONNECTION_RESET')).toBe(true);
    await expectDeliveredOnce();
    // The committed Bundle was recognised from the server's current state, not sent again.
    for (const resource of local()) expect(county.peer.repo.versionsOf(resource.resourceType, resource.id)).toHaveLength(1);
  });

  it('the server restarts between commit and acknowledgement of updates: no false conflict', async () => {
    const people = Array.from({ length: 30 }, (_, index) => patient(index));
    for (const person of people) outbox.save(person, ['county']);
    const sync = startEngine();
    await settle(sync);
    for (const person of people) outbox.save({ ...person, telecom: [{ system: 'phone', value: '13900000000' }] }, ['county']);
    let restarts = 0;
    county.peer.beforeRespond = async ({ url }) => {
      if (url === '' && restarts === 0) {
        restarts++;
        await county.peer.restart();
      }
    };
    await settle(sync);
    expect(restarts).toBe(1);
    await expectDeliveredOnce();
    for (const person of people) {
      expect((await county.peer.repo.readResource<Patient>('Patient', person.id)).telecom?.[0].value).toBe('13900000000');
      expect(county.peer.repo.versionsOf('Patient', person.id)).toHaveLength(2);
    }
  });

  it('survives any schedule of drops, lost answers and 5xx while the clinic keeps editing (property)', async () => {
    const fault = fc.constantFrom('none', 'drop-request', 'lose-response', 'http-503');
    const step = fc.record({
      fault,
      faultCount: fc.integer({ min: 1, max: 3 }),
      newPatients: fc.integer({ min: 0, max: 8 }),
      edits: fc.array(fc.nat(), { maxLength: 6 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 6 }), async (steps) => {
        county.peer.repo.clear();
        outbox = new MemoryOutboxStore();
        const store = outbox;
        const run = createSyncEngine({
          targets: [targetFor(county.pki, county.peer.url)],
          outbox: store,
          http: createFhirHttpClient(),
          applyRemote: () => undefined,
          backoff: { baseMs: 1, capMs: 2 },
        });
        const saved: (ResourceWithId & Patient)[] = [];
        let counter = 0;
        try {
          for (const { fault: kind, faultCount, newPatients, edits } of steps) {
            for (let index = 0; index < newPatients; index++) {
              const person = patient(counter++);
              saved.push(person);
              store.save(person, ['county']);
            }
            for (const pick of edits) {
              if (saved.length === 0) break;
              const index = pick % saved.length;
              saved[index] = {
                ...saved[index],
                telecom: [{ system: 'phone', value: `1380000${String(counter++).padStart(4, '0')}` }],
              };
              store.save(saved[index], ['county']);
            }
            if (kind === 'drop-request') county.peer.dropNextRequests(faultCount);
            if (kind === 'lose-response') county.peer.loseNextResponses(faultCount);
            if (kind === 'http-503') county.peer.failNextRequests(faultCount, 503);
            await run.syncOnce('county');
          }
          county.peer.dropNextRequests(0);
          county.peer.loseNextResponses(0);
          county.peer.failNextRequests(0);
          for (let attempt = 0; attempt < 10 && store.countPending('county') > 0; attempt++) await run.syncOnce('county');
        } finally {
          await run.stop();
        }
        expect(store.countPending('county')).toBe(0);
        expect(store.conflicts).toEqual([]);
        expect(await deliveryErrors(county.peer.repo, [...store.local.values()])).toEqual([]);
      }),
      { numRuns: 25 },
    );
  });
});
