import type { DiagnosticReport, Observation, Patient, Resource, Task } from '@medplum/fhirtypes';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSyncEngine, type ApplyRemote, type SyncClock, type SyncEngine } from '../../../src/main/sync/engine';
import { createFhirHttpClient } from '../../../src/main/sync/http';
import type { ResourceWithId } from '../../../src/main/sync/outbox';
import { parseCursor, pullStream } from '../../../src/main/sync/pull-cursor';
import type { SyncEvent, SyncTargetConfig } from '../../../src/shared/sync';
import { generatePlatformPki, type PlatformPki } from '../../support/fhir-peer/certs';
import { startFhirPeer, type FhirPeer } from '../../support/fhir-peer/peer';
import { MemoryOutboxStore } from '../../support/memory-outbox';
import { clinicDay, deliveryErrors, heartRate, patient, targetFor } from './setup';

describe('sync engine against a platform peer over mutual TLS', () => {
  let pki: PlatformPki;
  let peer: FhirPeer;
  let outbox: MemoryOutboxStore;
  let events: SyncEvent[];
  let engine: SyncEngine | undefined;
  let applied: Resource[];

  beforeAll(async () => {
    pki = generatePlatformPki({ name: 'county' });
    peer = await startFhirPeer({ ca: pki.ca.certPem, serverCert: pki.server.certPem, serverKey: pki.server.keyPem });
  });
  afterAll(() => peer.stop());

  beforeEach(() => {
    peer.repo.clear();
    outbox = new MemoryOutboxStore();
    events = [];
    applied = [];
  });
  afterEach(async () => {
    await engine?.stop();
    engine = undefined;
  });

  const storeRemote: ApplyRemote = (target, resource) => {
    applied.push(resource);
    outbox.acceptRemote(target, resource);
  };

  function makeEngine(overrides: Partial<SyncTargetConfig> = {}, applyRemote: ApplyRemote = storeRemote): SyncEngine {
    engine = createSyncEngine({
      targets: [targetFor(pki, peer.url, overrides)],
      outbox,
      http: createFhirHttpClient(),
      applyRemote,
      onEvent: (event) => events.push(event),
      backoff: { baseMs: 10, capMs: 100 },
    });
    return engine;
  }

  const local = () => [...outbox.local.values()];

  it('pushes a clinic day in transaction Bundles and records the server versions', async () => {
    const sync = makeEngine();
    for (const resource of clinicDay(60)) outbox.save(resource, ['county']);
    const report = await sync.syncOnce('county');
    expect(report).toMatchObject({ ok: true, pushedResources: 120 });
    expect(await deliveryErrors(peer.repo, local())).toEqual([]);
    expect(outbox.countPending('county')).toBe(0);
    for (const resource of local()) {
      const onServer = await peer.repo.readResource(resource.resourceType, resource.id);
      expect(outbox.knownVersion('county', resource.resourceType, resource.id)).toBe(onServer.meta?.versionId);
    }
    const pushed = events.filter((event) => event.type === 'pushed');
    expect(pushed.map((event) => event.resources)).toEqual([50, 50, 20]);
    expect(sync.status('county')).toMatchObject({ queued: 0, lastError: null, consecutiveFailures: 0 });
  });

  it('updates with If-Match on the version it knows, and folds repeated edits into one PUT', async () => {
    const sync = makeEngine();
    const person = patient(1);
    outbox.save(person, ['county']);
    await sync.syncOnce('county');
    const first = outbox.knownVersion('county', 'Patient', person.id);
    outbox.save({ ...person, telecom: [{ system: 'phone', value: '13800000001' }] }, ['county']);
    outbox.save({ ...person, telecom: [{ system: 'phone', value: '13800000002' }] }, ['county']);
    await sync.syncOnce('county');
    const versions = peer.repo.versionsOf('Patient', person.id);
    expect(versions).toHaveLength(2);
    expect(versions[0].versionId).toBe(first);
    expect((versions[1].resource as Patient).telecom?.[0].value).toBe('13800000002');
  });

  it('surfaces a stale write as a conflict holding both versions, and never overwrites', async () => {
    const sync = makeEngine();
    const person = patient(7);
    outbox.save(person, ['county']);
    await sync.syncOnce('county');
    // The county corrects the name meanwhile.
    const theirs = await peer.repo.updateResource<Patient>({ ...person, name: [{ text: '县里更正的姓名' }] });
    // The station, unaware, edits the address of its copy.
    const ours = { ...person, address: [{ text: '某某镇某某村 3 组' }] };
    outbox.save(ours, ['county']);
    const report = await sync.syncOnce('county');
    expect(report.ok).toBe(true);
    expect(outbox.conflicts).toHaveLength(1);
    const [conflict] = outbox.conflicts;
    expect(conflict.ours).toEqual(ours);
    expect((conflict.theirs as Patient | null)?.name).toEqual([{ text: '县里更正的姓名' }]);
    expect(conflict.theirs?.meta?.versionId).toBe(theirs.meta?.versionId);
    expect(events).toContainEqual({
      type: 'conflict',
      target: 'county',
      resourceType: 'Patient',
      resourceId: person.id,
    });
    const onServer = await peer.repo.readResource<Patient>('Patient', person.id);
    expect(onServer.address).toBeUndefined();
    expect(onServer.meta?.versionId).toBe(theirs.meta?.versionId);
    expect(outbox.countPending('county')).toBe(0);

    // The user merges: their name, our address. It goes out on top of their version.
    outbox.resolveConflictWithOurs(conflict, { ...ours, name: theirs.name });
    await sync.syncOnce('county');
    const merged = await peer.repo.readResource<Patient>('Patient', person.id);
    expect(merged.name).toEqual([{ text: '县里更正的姓名' }]);
    expect(merged.address).toEqual([{ text: '某某镇某某村 3 组' }]);
    expect(outbox.conflicts).toHaveLength(0);
  });

  it('holds a record that is not valid FHIR and sends the rest', async () => {
    const sync = makeEngine();
    const person = patient(2);
    const broken = { ...heartRate(person, 70), valueQuantity: { value: 'seventy' } } as unknown as ResourceWithId;
    outbox.save(person, ['county']);
    outbox.save(broken, ['county']);
    const report = await sync.syncOnce('county');
    expect(report.ok).toBe(true);
    expect(outbox.stateOf('e2')).toBe('held');
    expect(outbox.rows[1].lastError).toMatchObject({ code: 'VALIDATION_FAILED', action: 'fix-record' });
    expect(outbox.rows[1].lastError?.message).toContain('Observation.value');
    expect(await peer.repo.all('Observation')).toHaveLength(0);
    expect(await peer.repo.all('Patient')).toHaveLength(1);
    expect(events.some((event) => event.type === 'entry-failed' && event.error.code === 'VALIDATION_FAILED')).toBe(true);
  });

  it('pulls what the county changed, once, and only what is new on the next pull', async () => {
    const sync = makeEngine({ pullResourceTypes: ['Task', 'DiagnosticReport'] });
    const task: ResourceWithId & Task = { resourceType: 'Task', id: 'consult-1', status: 'requested', intent: 'order' };
    outbox.save(task, ['county']);
    await sync.syncOnce('county');
    // Our own Task comes back once (the store recognises the version it already knows).
    expect(applied.map((resource) => resource.id)).toEqual(['consult-1']);
    applied.length = 0;

    await peer.county.setTaskStatus('consult-1', 'accepted');
    await peer.county.setTaskStatus('consult-1', 'in-progress');
    const report = await peer.county.createDiagnosticReport({
      serviceRequest: { reference: 'ServiceRequest/sr-1' },
      subject: { reference: 'Patient/p-1' },
      conclusion: '窦性心律，ST 段未见异常',
      signer: '县医院 王医生',
    });
    await sync.syncOnce('county');
    expect(applied.map((resource) => `${resource.resourceType}/${resource.id}`)).toEqual(['Task/consult-1', `DiagnosticReport/${report.id}`]);
    expect((outbox.local.get('Task/consult-1') as Task).status).toBe('in-progress');
    expect((outbox.local.get(`DiagnosticReport/${report.id}`) as DiagnosticReport).conclusion).toContain('窦性心律');

    applied.length = 0;
    await sync.syncOnce('county');
    expect(applied).toEqual([]);
  });

  it('pages through many versions sharing one millisecond without losing or repeating any', async () => {
    const sync = makeEngine({ pullResourceTypes: ['DiagnosticReport'], pullPageSize: 3 });
    const ids = new Set<string>();
    for (let index = 0; index < 40; index++) {
      const report = await peer.county.createDiagnosticReport({
        serviceRequest: { reference: `ServiceRequest/sr-${index}` },
        subject: { reference: 'Patient/p-1' },
        conclusion: `报告 ${index}`,
        signer: '王医生',
      });
      ids.add(report.id);
    }
    const instants = new Set((await peer.repo.all('DiagnosticReport')).map((report) => report.meta?.lastUpdated));
    expect(instants.size).toBeLessThan(40);
    await sync.syncOnce('county');
    expect(applied.map((resource) => resource.id).sort()).toEqual([...ids].sort());
  });

  it('advances the pull cursor only past versions that were stored', async () => {
    let refuse = true;
    const picky: ApplyRemote = (target, resource) => {
      if (refuse && (resource as DiagnosticReport).conclusion === '报告 3') throw new Error('disk full');
      storeRemote(target, resource);
    };
    const sync = makeEngine({ pullResourceTypes: ['DiagnosticReport'], pullPageSize: 2 }, picky);
    for (let index = 0; index < 6; index++) {
      await peer.county.createDiagnosticReport({
        serviceRequest: { reference: `ServiceRequest/sr-${index}` },
        subject: { reference: 'Patient/p-1' },
        conclusion: `报告 ${index}`,
        signer: '王医生',
      });
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const failed = await sync.syncOnce('county');
    expect(failed.ok).toBe(false);
    expect(failed.error?.message).toContain('disk full');
    expect(applied.map((resource) => (resource as DiagnosticReport).conclusion)).toEqual(['报告 0', '报告 1', '报告 2']);
    const cursor = parseCursor(outbox.getCursor('county', pullStream('DiagnosticReport')));
    expect(cursor.since).toBe(applied[2].meta?.lastUpdated);

    refuse = false;
    expect((await sync.syncOnce('county')).ok).toBe(true);
    expect(applied.map((resource) => (resource as DiagnosticReport).conclusion)).toEqual(['报告 0', '报告 1', '报告 2', '报告 3', '报告 4', '报告 5']);
  });

  it('runs by itself once started: a saved change goes out after a nudge', async () => {
    const sync = makeEngine({ pollIntervalMs: 60_000 });
    sync.start();
    await waitFor(() => sync.status('county').state === 'idle');
    const person = patient(3);
    outbox.save(person, ['county']);
    const settled = sync.whenSettled('county');
    sync.nudge('county');
    await settled;
    expect(await deliveryErrors(peer.repo, local())).toEqual([]);
    const states = events.filter((event) => event.type === 'status').map((event) => event.status.state);
    expect(states).toContain('pushing');
    expect(states[states.length - 1]).toBe('idle');
  });
});

describe('retry schedule (injected clock and random)', () => {
  /** A clock whose sleeps are recorded and take no time, until `limit` sleeps have happened. */
  function recordingClock(limit: number) {
    let now = 1_000_000;
    const sleeps: number[] = [];
    let reached: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (reached = resolve));
    const clock: SyncClock = {
      now: () => now,
      sleep: (ms, signal) => {
        sleeps.push(ms);
        now += ms;
        if (sleeps.length < limit) return Promise.resolve();
        reached();
        return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      },
    };
    return { clock, sleeps, done };
  }

  async function scheduleFor(target: SyncTargetConfig, limit: number) {
    const outbox = new MemoryOutboxStore();
    outbox.save(patient(1), ['county']);
    const { clock, sleeps, done } = recordingClock(limit);
    const errors: { code: string; retryAt: number | null }[] = [];
    const engine = createSyncEngine({
      targets: [target],
      outbox,
      http: createFhirHttpClient(),
      applyRemote: () => undefined,
      clock,
      random: () => 0.5,
      backoff: { baseMs: 100, capMs: 1_000 },
      onEvent: (event) => {
        if (event.type === 'error') errors.push({ code: event.error.code, retryAt: event.retryAt });
      },
    });
    engine.start();
    await done;
    await engine.stop();
    return { sleeps, errors, outbox };
  }

  it('backs off with full jitter, doubling up to the cap, while the platform is unreachable', async () => {
    const pki = generatePlatformPki({ name: 'county' });
    const closed = await startFhirPeer({
      ca: pki.ca.certPem,
      serverCert: pki.server.certPem,
      serverKey: pki.server.keyPem,
    });
    const url = closed.url;
    await closed.stop();
    const { sleeps, errors, outbox } = await scheduleFor(targetFor(pki, url), 7);
    // random() = 0.5 of min(1000, 100·2^(n−1)).
    expect(sleeps).toEqual([50, 100, 200, 400, 500, 500, 500]);
    expect(errors.map((error) => error.code)).toEqual(Array(7).fill('SERVER_UNREACHABLE'));
    expect(outbox.rows[0].entry.attempts).toBe(7);
    expect(outbox.rows[0].nextAttemptAt).toBe(errors[6].retryAt);
  });

  it('waits the longest interval when only a settings change can help', async () => {
    const pki = generatePlatformPki({ name: 'county' });
    const { sleeps, errors } = await scheduleFor(targetFor(pki, 'https://127.0.0.1:9/fhir/R4/', { clientPassphrase: 'wrong' }), 3);
    expect(sleeps).toEqual([1_000, 1_000, 1_000]);
    expect(errors.map((error) => error.code)).toEqual(['TLS_BAD_PASSPHRASE', 'TLS_BAD_PASSPHRASE', 'TLS_BAD_PASSPHRASE']);
  });
});

describe('two platforms at once', () => {
  it('keeps the county and the provincial platform apart, each with its own PKI', async () => {
    const county = generatePlatformPki({ name: 'county' });
    const province = generatePlatformPki({ name: 'provincial' });
    const countyPeer = await startFhirPeer({
      ca: county.ca.certPem,
      serverCert: county.server.certPem,
      serverKey: county.server.keyPem,
    });
    const provincePeer = await startFhirPeer({
      ca: province.ca.certPem,
      serverCert: province.server.certPem,
      serverKey: province.server.keyPem,
    });
    const outbox = new MemoryOutboxStore();
    const engine = createSyncEngine({
      targets: [targetFor(county, countyPeer.url, {}, 'county'), targetFor(province, provincePeer.url, {}, 'provincial')],
      outbox,
      http: createFhirHttpClient(),
      applyRemote: (target, resource) => void outbox.acceptRemote(target, resource),
    });
    try {
      const person = patient(1);
      const pulse: ResourceWithId & Observation = heartRate(person, 88);
      outbox.save(person, ['county', 'provincial']);
      outbox.save(pulse, ['county']);
      const [countyReport, provinceReport] = await Promise.all([engine.syncOnce('county'), engine.syncOnce('provincial')]);
      expect(countyReport).toMatchObject({ ok: true, pushedResources: 2 });
      expect(provinceReport).toMatchObject({ ok: true, pushedResources: 1 });
      expect(await countyPeer.repo.all('Observation')).toHaveLength(1);
      expect(await provincePeer.repo.all('Observation')).toHaveLength(0);
      expect((await provincePeer.repo.all('Patient')).map((each) => each.id)).toEqual([person.id]);
      expect(outbox.knownVersion('provincial', 'Patient', person.id)).not.toBe(outbox.knownVersion('county', 'Patient', person.id));
    } finally {
      await engine.stop();
      await Promise.all([countyPeer.stop(), provincePeer.stop()]);
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('Timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
