import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../../src/main/api/dispatcher';
import type { Services } from '../../../src/main/services';
import { INSTITUTION_CODE_SYSTEM } from '../../../src/shared/institution';
import { makeResidentId } from '../../../src/shared/resident-id';
import type { PlatformPki } from '../../support/fhir-peer/certs';
import { startCountyPeer } from '../../support/fhir-peer/county-peer';
import type { FhirPeer } from '../../support/fhir-peer/peer';
import { openSyncingStation, syncOnce, closeSyncingStations } from '../../support/station/in-process-station';
import type { TestStation } from '../../support/test-services';

/**
 * Two stations of one center (two real stores, each with its own services) and the county peer over mutual TLS:
 * what station A writes and pushes, station B pulls by the center's tag and shows field for field the same —
 * compared through the services' own read functions. Syncs are driven with syncOnce (no timing involved).
 */

const CENTER = '12130321MB0000019T';
const OTHER_CENTER = '12130322MB00000274';

let pki: PlatformPki;
let peer: FhirPeer;
let a: TestStation;
let b: TestStation;

const station = (code: string) => openSyncingStation(peer, pki, code);
const sync = syncOnce;

beforeAll(async () => {
  ({ pki, peer } = await startCountyPeer());
  a = await station(CENTER);
  b = await station(CENTER);
});
afterAll(async () => {
  await closeSyncingStations([a, b]);
  await peer.stop();
});

const finite = (min: number, max: number, decimals = 0) => fc.integer({ min: min * 10 ** decimals, max: max * 10 ** decimals }).map((n) => n / 10 ** decimals);
const reading = fc.tuple(finite(100, 190), finite(55, 95)).map(([systolic, diastolic]) => ({ systolic, diastolic }));
const vitalsInput = fc.record(
  {
    bloodPressure: fc.array(reading, { minLength: 1, maxLength: 3 }),
    heartRate: finite(45, 140),
    temperatureC: finite(35.8, 39.5, 1),
    spo2: finite(88, 100),
    respiratoryRate: finite(12, 28),
    weightKg: finite(40, 110, 1),
    heightCm: finite(145, 190),
    waistCm: finite(60, 120),
    glucose: fc.record({ mmolPerL: finite(3.5, 18, 1), timing: fc.constantFrom('fasting' as const, 'random' as const) }),
  },
  { requiredKeys: [] },
);
const text = (max: number) =>
  fc.array(fc.constantFrom(...'头晕胸闷三天血压偏高咳嗽乏力，。双肺呼吸音清心律齐'), { minLength: 0, maxLength: max }).map((chars) => chars.join(''));
const diagnoses = fc.uniqueArray(
  fc.constantFrom(
    { code: 'I10', name: '原发性高血压' },
    { code: 'E11.9', name: '2型糖尿病' },
    { code: 'J06.9', name: '急性上呼吸道感染' },
    { code: 'R51', name: '头痛' },
  ),
  {
    minLength: 1,
    maxLength: 3,
    selector: (each) => each.code,
  },
);
const visitFields = fc.record({ chiefComplaint: text(20), history: text(60), examination: text(60), diagnoses, plan: text(40), prescription: text(40) });
const ecgShape = fc.record({
  leads: fc.integer({ min: 1, max: 3 }),
  samples: fc.array(fc.oneof({ weight: 20, arbitrary: fc.integer({ min: -3000, max: 3000 }) }, { weight: 1, arbitrary: fc.constant(Number.NaN) }), {
    minLength: 30,
    maxLength: 120,
  }),
  interpretation: fc.option(text(30).filter((each) => each.length > 0)),
});
const clinicRecords = fc.record({
  vitals: fc.array(vitalsInput, { maxLength: 2 }),
  visit: fc.option(
    fc.record({ checkedIn: fc.option(fc.boolean()), fields: visitFields, vitalsInside: fc.option(vitalsInput), correction: fc.option(visitFields) }),
  ),
  ecg: fc.option(ecgShape),
});

let seq = 0;
const chineseDigits = (n: number) => [...String(n)].map((digit) => '零一二三四五六七八九'[Number(digit)]).join('');

/** Everything the chart screens read about one patient, through the services' own read functions. */
async function chart(services: Services, patientId: string) {
  const d = services.dispatch;
  const patient = await call(d, 'patients', 'get', { patientId });
  const vitals = (await call(d, 'vitals', 'list', { patientId, limit: 100 })).map(({ recordedBy: _station, ...rest }) => rest);
  const visits = await call(d, 'visits', 'list', { patientId, includeSuperseded: false });
  const ecgs = await call(d, 'ecg', 'list', { patientId });
  const waveforms = await Promise.all(ecgs.map((ecg) => call(d, 'ecg', 'get', { patientId, ecgId: ecg.id, fromSample: 0, count: 10_000 })));
  const queue = (await call(d, 'clinic', 'queue', { includeFinished: true })).filter((entry) => entry.patient.id === patientId);
  return {
    queue,
    patient: { ...patient, version: 0, createdAt: '', updatedAt: '' },
    vitals,
    visits,
    ecgs,
    waveforms,
  };
}

describe('pull-back: a record written on station A is the same record on station B', () => {
  it('queue entries, vitals, signed and corrected visits with diagnoses, ECGs with waveform and interpretation (property)', async () => {
    await fc.assert(
      fc.asyncProperty(clinicRecords, async (records) => {
        const d = a.services.dispatch;
        seq++;
        const registered = await call(d, 'patients', 'register', {
          name: `往返${chineseDigits(seq)}`,
          idNumber: makeResidentId('130321', `19${50 + (seq % 40)}-04-05`, seq),
          village: '东村',
        });
        if (registered.status !== 'created') throw new Error(`setup: ${registered.status}`);
        const patientId = registered.patient.id;
        for (const input of records.vitals) await call(d, 'vitals', 'record', { patientId, input });
        if (records.visit) {
          const entry = records.visit.checkedIn === null ? undefined : await call(d, 'clinic', 'checkIn', { patientId, priority: records.visit.checkedIn });
          const visit = await call(d, 'visits', 'open', { patientId, ...(entry ? { queueEntryId: entry.id } : {}) });
          if (records.visit.vitalsInside) await call(d, 'vitals', 'record', { patientId, visitId: visit.id, input: records.visit.vitalsInside });
          await call(d, 'visits', 'save', { patientId, visitId: visit.id, ...records.visit.fields });
          await call(d, 'visits', 'close', { patientId, visitId: visit.id });
          if (records.visit.correction) await call(d, 'visits', 'correct', { patientId, visitId: visit.id, reason: '补充病史', ...records.visit.correction });
        }
        if (records.ecg) {
          const shape = records.ecg;
          const leads = ['I', 'II', 'V1']
            .slice(0, shape.leads)
            .map((name, index) => ({ name, microvolts: Float32Array.from(shape.samples, (value) => value + index) }));
          const ecg = a.services.ecg.store(
            { format: 'device', sampleRateHz: 500, leads, recordedAt: '2026-03-01T08:00:00.000Z' },
            'device',
            '演示设备',
            patientId,
          );
          if (shape.interpretation) await call(d, 'ecg', 'interpret', { patientId, ecgId: ecg.id, interpretation: shape.interpretation });
        }
        await sync(a);
        await sync(b);
        expect(await chart(b.services, patientId)).toEqual(await chart(a.services, patientId));
        // Pulling again changes nothing on either side.
        await sync(b);
        await sync(a);
        expect(await chart(b.services, patientId)).toEqual(await chart(a.services, patientId));
      }),
      { numRuns: 12 },
    );
  });

  it('pushes carry the center tag, and records of another institution on the platform are not pulled', async () => {
    const other = await station(OTHER_CENTER);
    try {
      const registered = await call(other.services.dispatch, 'patients', 'register', { name: '外院患者', idNumber: makeResidentId('130322', '1970-01-01', 7) });
      if (registered.status !== 'created') throw new Error('setup');
      await call(other.services.dispatch, 'vitals', 'record', { patientId: registered.patient.id, input: { heartRate: 70 } });
      await sync(other);
      const onPeer = await peer.repo.readResource('Patient', registered.patient.id);
      expect(onPeer.meta?.tag).toContainEqual({ system: INSTITUTION_CODE_SYSTEM, code: OTHER_CENTER });
      await sync(b);
      await expect(call(b.services.dispatch, 'patients', 'get', { patientId: registered.patient.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      const foreign = b.services.store.current.sqlite
        .prepare(`SELECT count(*) AS n FROM sync_known_versions WHERE resource_id = ?`)
        .get(registered.patient.id) as { n: number };
      expect(foreign.n).toBe(0);
    } finally {
      await other.services.sync.close();
      other.dispose();
    }
  });

  it('the same patient edited on both stations while offline: a visible conflict on the second to sync, nothing overwritten', async () => {
    const registered = await call(a.services.dispatch, 'patients', 'register', {
      name: '冲突测试',
      idNumber: makeResidentId('130321', '1955-02-03', 900),
      phone: '13900000000',
    });
    if (registered.status !== 'created') throw new Error('setup');
    const patientId = registered.patient.id;
    await sync(a);
    await sync(b);
    const onB = await call(b.services.dispatch, 'patients', 'get', { patientId });
    // Both edit while offline (no sync in between).
    await call(a.services.dispatch, 'patients', 'update', { patientId, version: registered.patient.version, phone: '13911111111' });
    await call(b.services.dispatch, 'patients', 'update', { patientId, version: onB.version, address: '河口村 5 组' });
    await sync(a);
    await sync(b);
    const conflicts = await call(b.services.dispatch, 'sync', 'conflicts', {});
    expect(conflicts.filter((each) => each.resourceId === patientId)).toHaveLength(1);
    // B's edit is still B's, the platform still holds A's: neither was silently overwritten.
    expect((await call(b.services.dispatch, 'patients', 'get', { patientId })).address).toBe('河口村 5 组');
    const server = await peer.repo.readResource('Patient', patientId);
    expect((server as { telecom?: { value?: string }[] }).telecom?.[0]?.value).toBe('13911111111');
    expect(JSON.stringify(server)).not.toContain('河口村 5 组');
  });

  it("the same resident registered on both stations offline does not stop the center's pull: the second is kept beside the first as its duplicate", async () => {
    const idNumber = makeResidentId('130321', '1949-10-01', 901);
    const onA = await call(a.services.dispatch, 'patients', 'register', { name: '重复登记', idNumber });
    const onB = await call(b.services.dispatch, 'patients', 'register', { name: '重复登记', idNumber });
    if (onA.status !== 'created' || onB.status !== 'created') throw new Error('setup');
    await sync(a);
    await sync(b);
    const later = await call(a.services.dispatch, 'patients', 'register', { name: '后来登记', idNumber: makeResidentId('130321', '1949-10-02', 902) });
    if (later.status !== 'created') throw new Error('setup');
    await sync(a);
    await sync(b);
    // The stream went on past the clash…
    expect((await call(b.services.dispatch, 'patients', 'get', { patientId: later.patient.id })).name).toBe('后来登记');
    // …and A's record of the same resident is stored next to B's own as a duplicate to merge (the merge itself:
    // duplicate-merge.test.ts), nothing parked.
    const duplicates = await call(b.services.dispatch, 'patients', 'duplicates', {});
    expect(duplicates.map((pair) => [pair.local.id, pair.pulled.id])).toContainEqual([onB.patient.id, onA.patient.id]);
    const parked = b.services.store.current.sqlite.prepare(`SELECT resource_id FROM sync_pulled_parts WHERE resource_id = ?`).all(onA.patient.id);
    expect(parked).toEqual([]);
  });
});
