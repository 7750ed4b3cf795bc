import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeAecg } from '../../../src/main/ecg/formats/aecg-writer';
import { makeResidentId } from '../../../src/shared/resident-id';
import { generatePlatformPki, type PlatformPki } from '../../support/fhir-peer/certs';
import { startFhirPeer, type FhirPeer } from '../../support/fhir-peer/peer';
import { startStationProcess, type StationProcess } from '../../support/station/station-client';
import { ADMIN } from '../../support/test-services';
import { countyTargetInput } from '../../support/fhir-peer/test-peer';

/**
 * Two stations of one center as two processes (each the harness over its own encrypted store), the county peer
 * over mutual TLS, nothing but the platform between them. Registration on A, vitals on B, visit and ECG on A:
 * both end with the same chart, without anyone pressing 立即同步 (the live poll carries it). Waits poll; no
 * timing is asserted (the bench measures how soon).
 */

const CENTER = '12130321MB0000019T';

let pki: PlatformPki;
let peer: FhirPeer;
let a: StationProcess;
let b: StationProcess;
let files: string;

async function setUp(station: StationProcess): Promise<void> {
  await station.call('auth.setupAdmin', ADMIN);
  await station.call('sync.configure', countyTargetInput(peer.url, pki));
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await read();
      if (done(value)) return value;
      last = value;
    } catch (error) {
      last = error instanceof Error ? error.message : error;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

interface Chart {
  patient: Record<string, unknown>;
  vitals: Record<string, unknown>[];
  visits: Record<string, unknown>[];
  ecgs: Record<string, unknown>[];
}

async function chart(station: StationProcess, patientId: string): Promise<Chart> {
  const patient = await station.call<Record<string, unknown>>('patients.get', { patientId });
  const vitals = await station.call<Record<string, unknown>[]>('vitals.list', { patientId, limit: 100 });
  const visits = await station.call<Record<string, unknown>[]>('visits.list', { patientId, includeSuperseded: false });
  const ecgs = await station.call<Record<string, unknown>[]>('ecg.list', { patientId });
  return {
    patient: { ...patient, version: 0, createdAt: '', updatedAt: '' },
    vitals: vitals.map(({ recordedBy: _perStation, ...rest }) => rest),
    visits,
    ecgs,
  };
}

beforeAll(async () => {
  pki = generatePlatformPki({ name: 'county' });
  peer = await startFhirPeer({ ca: pki.ca.certPem, serverCert: pki.server.certPem, serverKey: pki.server.keyPem });
  [a, b] = await Promise.all([startStationProcess('a', { institutionCode: CENTER }), startStationProcess('b', { institutionCode: CENTER })]);
  await Promise.all([setUp(a), setUp(b)]);
  files = mkdtempSync(path.join(tmpdir(), 'tws-two-'));
}, 120_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await peer?.stop();
  if (files) rmSync(files, { recursive: true, force: true });
});

describe('two stations of one center converge through the county platform', () => {
  it("registration and check-in on A, vitals on B, visit and ECG on A: the same chart and the same day's queue on both", async () => {
    expect(a.child.pid).not.toBe(b.child.pid);
    const registered = await a.call<{ status: string; patient: { id: string } }>('patients.register', {
      name: '双站同步',
      idNumber: makeResidentId('130321', '1958-09-09', 77),
      village: '东村',
    });
    const patientId = registered.patient.id;
    await until(
      () => b.call('patients.get', { patientId }),
      () => true,
      'the registration on B',
    );
    const entry = await a.call<{ id: string }>('clinic.checkIn', { patientId, priority: true });
    await until(
      () => b.call<{ id: string; status: string }[]>('clinic.queue', { includeFinished: true }),
      (queue) => queue.some((each) => each.id === entry.id && each.status === 'waiting'),
      "the check-in in B's queue",
    );

    await b.call('vitals.record', {
      patientId,
      input: { bloodPressure: [{ systolic: 158, diastolic: 96 }], heartRate: 84, glucose: { mmolPerL: 8.1, timing: 'fasting' } },
    });
    await until(
      () => a.call<unknown[]>('vitals.list', { patientId, limit: 10 }),
      (list) => list.length === 1,
      'the vitals on A',
    );

    const visit = await a.call<{ id: string }>('visits.open', { patientId, queueEntryId: entry.id });
    await a.call('visits.save', {
      patientId,
      visitId: visit.id,
      chiefComplaint: '头晕',
      history: '高血压 5 年',
      examination: '心肺无异常',
      diagnoses: [{ code: 'I10', name: '原发性高血压' }],
      plan: '复查血压',
      prescription: '氨氯地平 5mg qd',
    });
    await a.call('visits.close', { patientId, visitId: visit.id });
    const leads = ['I', 'II', 'V1'].map((name, index) => ({
      name,
      microvolts: Float32Array.from({ length: 2500 }, (_, i) => Math.round(Math.sin(i / 25) * 800) + index * 10),
    }));
    const file = path.join(files, 'a.xml');
    writeFileSync(file, writeAecg({ format: 'hl7-aecg', sampleRateHz: 500, leads, recordedAt: '2026-12-06T08:00:00.000Z' }));
    // As the harness's page does it: the chosen file is uploaded for a handle (no path crosses the API).
    const chosen = await a.call<{ handle: string }>('files.upload', {
      purpose: 'ecg',
      files: [{ name: 'a.xml', base64: readFileSync(file).toString('base64') }],
    });
    const ecg = await a.call<{ id: string }>('ecg.importFile', { patientId, file: chosen.handle });
    await a.call('ecg.interpret', { patientId, ecgId: ecg.id, interpretation: '窦性心律，左室高电压' });

    const onA = await chart(a, patientId);
    const onB = await until(
      () => chart(b, patientId),
      (each) => JSON.stringify(each) === JSON.stringify(onA),
      'the same chart on B',
    );
    expect(onB).toEqual(onA);
    expect(onB.visits).toHaveLength(1);
    expect(onB.ecgs).toMatchObject([{ interpretation: '窦性心律，左室高电压', leadNames: ['I', 'II', 'V1'] }]);
    const waveA = await a.call<{ leads: unknown }>('ecg.get', { patientId, ecgId: ecg.id, fromSample: 0, count: 2500 });
    const waveB = await b.call<{ leads: unknown }>('ecg.get', { patientId, ecgId: ecg.id, fromSample: 0, count: 2500 });
    expect(waveB.leads).toEqual(waveA.leads);
    // Signing the visit finished the queue entry on A; B's day list says so too.
    const queueA = await a.call<{ id: string; status: string }[]>('clinic.queue', { includeFinished: true });
    expect(queueA).toMatchObject([{ id: entry.id, status: 'done', priority: true }]);
    const queueB = await until(
      () => b.call<unknown[]>('clinic.queue', { includeFinished: true }),
      (queue) => JSON.stringify(queue) === JSON.stringify(queueA),
      'the same queue on B',
    );
    expect(queueB).toEqual(queueA);
    expect(onB.visits).toMatchObject([{ queueEntryId: entry.id }]);
  }, 180_000);
});
