/**
 * Sync figures, all against in-process FHIR peers over mutual TLS on loopback:
 * - sync.push10kS: 10,000 resources (5,000 patients + a heart rate each) pushed by the engine, validation
 *   and bookkeeping included, in 50-entry transaction Bundles.
 * - sync.pushVsRawRatio: that time ÷ a bare https POST of the same Bundles, one after another, on a
 *   keep-alive connection to a fresh peer in the same run (the engine's own overhead; 1 would be free).
 * - sync.pull10kS: the same 10,000 pulled back by _lastUpdated keyset pages of 200 into a map.
 * - sync.loss20.lost / .duplicated: 1,000 records through 20 % packet loss (nftables in a network namespace
 *   where this machine allows it, with sync.loss20.dropShare the share nftables actually dropped; else 20 %
 *   random connection cuts by the fault proxy, and sync.loss20.realPacketLoss says 0).
 * - sync.appPush1kS: 1,000 patients registered through the patient service of a real encrypted station (each
 *   with its outbox rows in the same transaction), then pushed by the SQL-store engine to the peer over mTLS;
 *   sync.appRegister1kS is the registration part, with the outbox writer inside it.
 * - sync.fhirIndexS / sync.validateUs: the one-time StructureDefinition indexing and one validation.
 */

import type { Bundle, Resource } from '@medplum/fhirtypes';
import { request as httpsRequest } from 'node:https';
import { performance } from 'node:perf_hooks';
import { groupByResource, transactionBundle } from '../src/main/sync/bundles';
import { createSyncEngine } from '../src/main/sync/engine';
import { fhirDefinitionsIndexCostMs, indexFhirDefinitions, validateForSend } from '../src/main/sync/fhir-validate';
import { createFhirHttpClient } from '../src/main/sync/http';
import type { OutboxEntry, ResourceWithId } from '../src/main/sync/outbox';
import { createTargetAgent } from '../src/main/sync/tls';
import type { SyncTargetConfig } from '../src/shared/sync';
import { startFaultProxy } from '../test/support/fault-proxy';
import { generatePlatformPki, type PlatformPki } from '../test/support/fhir-peer/certs';
import { deliveryReport } from '../test/support/fhir-peer/census';
import { createLossyLink, lossyLinkSupport, startPeerInNamespace } from '../test/support/fhir-peer/lossy-link';
import { startFhirPeer, type FhirPeer } from '../test/support/fhir-peer/peer';
import { MemoryOutboxStore } from '../test/support/memory-outbox';
import { openTestStation } from '../test/support/test-services';
import { makeResidentId } from '../src/shared/resident-id';
import { patientInputSchema } from '../src/shared/api/patients';

const PATIENTS = 5_000;
const LOSS_RECORDS = 1_000;

function resources(count: number, prefix: string): ResourceWithId[] {
  const list: ResourceWithId[] = [];
  for (let index = 0; index < count; index++) {
    const patientId = `${prefix}-p-${index}`;
    list.push(
      {
        resourceType: 'Patient',
        id: patientId,
        identifier: [{ system: 'urn:oid:2.16.156.10011.1.1', value: `110105194912${String(index).padStart(6, '0')}` }],
        name: [{ text: `基准患者${index}` }],
        gender: index % 2 ? 'male' : 'female',
        birthDate: '1956-03-02',
      } as ResourceWithId,
      {
        resourceType: 'Observation',
        id: `${prefix}-o-${index}`,
        status: 'final',
        code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
        subject: { reference: `Patient/${patientId}` },
        effectiveDateTime: '2025-03-01T08:30:00+08:00',
        valueQuantity: { value: 60 + (index % 40), unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
      } as ResourceWithId,
    );
  }
  return list;
}

function target(pki: PlatformPki, baseUrl: string, overrides: Partial<SyncTargetConfig> = {}): SyncTargetConfig {
  return {
    id: 'county',
    baseUrl,
    caCertificatePem: pki.ca.certPem,
    clientPkcs12: new Uint8Array(pki.client.pfx),
    clientPassphrase: pki.client.passphrase,
    pullResourceTypes: [],
    ...overrides,
  };
}

/** The same Bundles the engine builds (50 resources each, no If-Match: every PUT creates). */
function bundlesOf(list: ResourceWithId[], baseUrl: string): Bundle[] {
  const bundles: Bundle[] = [];
  for (let start = 0; start < list.length; start += 50) {
    const entries: OutboxEntry[] = list.slice(start, start + 50).map((resource, offset) => ({
      id: `r${start + offset}`,
      seq: start + offset,
      target: 'county',
      resource,
      baseVersion: null,
      attempts: 0,
    }));
    bundles.push(transactionBundle(groupByResource(entries), baseUrl));
  }
  return bundles;
}

async function rawPost(config: SyncTargetConfig, bundles: Bundle[]): Promise<number> {
  const agent = createTargetAgent(config);
  const started = performance.now();
  try {
    for (const bundle of bundles) {
      const body = Buffer.from(JSON.stringify(bundle));
      await new Promise<void>((resolve, reject) => {
        const req = httpsRequest(
          config.baseUrl,
          {
            method: 'POST',
            agent,
            headers: { 'content-type': 'application/fhir+json', 'content-length': body.length },
          },
          (response) => {
            response.resume();
            response.on('end', () => (response.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${response.statusCode}`))));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    }
    return (performance.now() - started) / 1000;
  } finally {
    agent.destroy();
  }
}

/** Exported for profiling (`node --cpu-prof`) on its own; benchSync is the entry point. */
export async function pushAndPull(pki: PlatformPki, peer: FhirPeer): Promise<Record<string, number>> {
  // Warm both paths (JIT, TLS session, the peer's own code) so neither side pays the first-run cost alone.
  const warm = resources(500, 'warm');
  peer.repo.clear();
  await rawPost(target(pki, peer.url), bundlesOf(warm, peer.url));
  peer.repo.clear();
  await enginePush(pki, peer, warm);

  const list = resources(PATIENTS, 'bench');
  peer.repo.clear();
  const rawBefore = await rawPost(target(pki, peer.url), bundlesOf(list, peer.url));
  peer.repo.clear();
  const { pushS, enqueueS } = await enginePush(pki, peer, list);
  // The raw POSTs again after the engine, into a peer holding as much as the engine's run ended with:
  // the ratio uses the mean of both, so drift in a shared machine's load does not favour either side.
  peer.repo.clear();
  const rawAfter = await rawPost(target(pki, peer.url), bundlesOf(list, peer.url));
  const rawS = (rawBefore + rawAfter) / 2;
  // The pull reads back what the second raw run left on the peer: the same 10,000 resources.

  const received = new Map<string, Resource>();
  const puller = createSyncEngine({
    targets: [target(pki, peer.url, { pullResourceTypes: ['Patient', 'Observation'] })],
    outbox: new MemoryOutboxStore(),
    http: createFhirHttpClient(),
    applyRemote: (_target, resource) => void received.set(`${resource.resourceType}/${resource.id}`, resource),
  });
  const started = performance.now();
  const pulled = await puller.syncOnce('county');
  const pullS = (performance.now() - started) / 1000;
  await puller.stop();
  if (!pulled.ok || received.size !== list.length) throw new Error(`Pull got ${received.size} of ${list.length}`);

  return {
    'sync.push10kS': round(pushS),
    'sync.enqueueValidate10kS': round(enqueueS),
    'sync.pushVsRawRatio': round(pushS / rawS),
    'sync.pull10kS': round(pullS),
  };
}

async function enginePush(pki: PlatformPki, peer: FhirPeer, list: ResourceWithId[]): Promise<{ pushS: number; enqueueS: number }> {
  const outbox = new MemoryOutboxStore();
  // As in the app (SqlOutboxStore.enqueue): each resource is validated when its change is queued, not on push.
  const enqueueStarted = performance.now();
  for (const resource of list) {
    if (!validateForSend(resource).valid) throw new Error(`bench resource ${resource.id} is invalid`);
    outbox.save(resource, ['county'], { validatedAtEnqueue: true });
  }
  const enqueueS = (performance.now() - enqueueStarted) / 1000;
  const pusher = createSyncEngine({
    targets: [target(pki, peer.url)],
    outbox,
    http: createFhirHttpClient(),
    applyRemote: () => undefined,
  });
  const started = performance.now();
  const pushed = await pusher.syncOnce('county');
  const pushS = (performance.now() - started) / 1000;
  await pusher.stop();
  if (!pushed.ok || pushed.pushedResources !== list.length) throw new Error(`Push failed: ${JSON.stringify(pushed)}`);
  return { pushS, enqueueS };
}

async function throughLoss(): Promise<Record<string, number>> {
  const list = resources(LOSS_RECORDS / 2, 'loss');
  const outbox = new MemoryOutboxStore();
  for (const resource of list) outbox.save(resource, ['county']);
  const support = lossyLinkSupport();
  if (support.supported) {
    const link = createLossyLink(0);
    try {
      const pki = generatePlatformPki({ name: 'county', serverHosts: [link.peerAddress] });
      const peer = await startPeerInNamespace(link, pki, 8443);
      try {
        link.setLossPercent(20);
        await runUntilSettled(target(pki, peer.url, { requestTimeoutMs: 8_000 }), outbox, {
          baseMs: 100,
          capMs: 2_000,
        });
        const packets = link.packetCounts();
        link.setLossPercent(0);
        const report = deliveryReport([...outbox.local.values()], await peer.census());
        return { ...lossFigures(report, 1), 'sync.loss20.dropShare': round(packets.dropped / packets.seen) };
      } finally {
        await peer.stop();
      }
    } finally {
      link.destroy();
    }
  }
  const pki = generatePlatformPki({ name: 'county' });
  const peer = await startFhirPeer({
    ca: pki.ca.certPem,
    serverCert: pki.server.certPem,
    serverKey: pki.server.keyPem,
  });
  const proxy = await startFaultProxy({ target: { host: peer.host, port: peer.port } });
  try {
    let seed = 20;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    await proxy.setFault({ kind: 'random-cut', probability: 0.2, maxOffset: 60_000, random });
    await runUntilSettled(target(pki, proxy.urlFor('/fhir/R4/')), outbox, { baseMs: 10, capMs: 200 });
    const server = [...(await peer.repo.all('Patient')), ...(await peer.repo.all('Observation'))];
    return lossFigures(deliveryReport([...outbox.local.values()], server), 0);
  } finally {
    await proxy.close();
    await peer.stop();
  }
}

async function runUntilSettled(config: SyncTargetConfig, outbox: MemoryOutboxStore, backoff: { baseMs: number; capMs: number }) {
  const engine = createSyncEngine({
    targets: [{ ...config, pollIntervalMs: 600_000 }],
    outbox,
    http: createFhirHttpClient(),
    applyRemote: () => undefined,
    backoff,
  });
  const settled = engine.whenSettled('county');
  engine.start();
  await settled;
  await engine.stop();
}

function lossFigures(report: ReturnType<typeof deliveryReport>, realPacketLoss: number): Record<string, number> {
  return {
    'sync.loss20.lost': report.lost.length,
    'sync.loss20.duplicated': report.duplicated.length + report.unexpected.length,
    'sync.loss20.realPacketLoss': realPacketLoss,
  };
}

function validationFigures(): Record<string, number> {
  indexFhirDefinitions();
  const sample = resources(1, 'validate')[1];
  const rounds = 2_000;
  const started = performance.now();
  for (let index = 0; index < rounds; index++) validateForSend(sample);
  return {
    'sync.fhirIndexS': round((fhirDefinitionsIndexCostMs() ?? 0) / 1000),
    'sync.validateUs': round(((performance.now() - started) * 1000) / rounds),
  };
}

async function appPush(pki: PlatformPki, peer: FhirPeer): Promise<Record<string, number>> {
  const station = await openTestStation();
  try {
    const { sync, patients } = station.services;
    await sync.configure({
      id: 'county',
      baseUrl: peer.url,
      caCertificatePath: pki.ca.certPath,
      clientPkcs12Path: pki.client.pfxPath,
      clientPassphrase: pki.client.passphrase,
    });
    await sync.stop();
    const registerStarted = performance.now();
    for (let index = 0; index < 1_000; index++) {
      const input = patientInputSchema.parse({ name: `同步${'甲乙丙丁戊己庚辛壬癸'[index % 10]}`, idNumber: makeResidentId('130321', '1960-01-01', index) });
      const result = patients.register({ ...input, confirmNotDuplicate: true });
      if (result.status !== 'created') throw new Error('bench registration refused');
    }
    const registerS = (performance.now() - registerStarted) / 1000;
    const pushStarted = performance.now();
    const engine = await sync.running();
    if (!engine) throw new Error('the sync engine did not start');
    const settled = engine.whenSettled('county');
    engine.nudge('county', { force: true });
    await settled;
    const pushS = (performance.now() - pushStarted) / 1000;
    const onPeer = (await peer.repo.all('Patient')).length;
    if (onPeer !== 1_000) throw new Error(`expected 1000 patients on the peer, found ${onPeer}`);
    return { 'sync.appRegister1kS': round(registerS), 'sync.appPush1kS': round(pushS) };
  } finally {
    await station.services.sync.close();
    station.dispose();
  }
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

export async function benchSync(): Promise<Record<string, number>> {
  const validation = validationFigures();
  const pki = generatePlatformPki({ name: 'county' });
  const peer = await startFhirPeer({
    ca: pki.ca.certPem,
    serverCert: pki.server.certPem,
    serverKey: pki.server.keyPem,
  });
  try {
    const transfer = await pushAndPull(pki, peer);
    peer.repo.clear();
    const app = await appPush(pki, peer);
    peer.repo.clear();
    return { ...transfer, ...app, ...(await throughLoss()), ...validation };
  } finally {
    await peer.stop();
  }
}
