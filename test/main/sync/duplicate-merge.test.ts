import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Patient, PatientDuplicate } from '../../../src/shared/api/patients';
import { makeResidentId } from '../../../src/shared/resident-id';
import type { PlatformPki } from '../../support/fhir-peer/certs';
import { startCountyPeer } from '../../support/fhir-peer/county-peer';
import type { FhirPeer } from '../../support/fhir-peer/peer';
import { startStationProcess, type StationProcess } from '../../support/station/station-client';
import { configureCounty, setUpStation, until } from '../../support/station/station-sync';

/**
 * Issue 10 items 3 and 5: the same resident registered on two stations while offline (one resident ID, two local
 * ids). When both sync, each station shows the other's record beside its own as a duplicate to resolve — nothing
 * refused, nothing parked, no record lost. A user merges on one station; the merge travels as the merged Patient
 * (replaced-by) with the re-pointed records, and the other station makes the same merge. Two station processes,
 * the county peer over mutual TLS.
 */

const CENTER = '12130321MB0000019T';
const ID_NUMBER = makeResidentId('130321', '1961-04-18', 31);

let pki: PlatformPki;
let peer: FhirPeer;
let a: StationProcess;
let b: StationProcess;

beforeAll(async () => {
  ({ pki, peer } = await startCountyPeer());
  [a, b] = await Promise.all([startStationProcess('a', { institutionCode: CENTER }), startStationProcess('b', { institutionCode: CENTER })]);
  // Neither station has a link yet: what they write now is written offline and sent by the back-fill later.
  await Promise.all([setUpStation(a, peer, pki, { offline: true }), setUpStation(b, peer, pki, { offline: true })]);
}, 120_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await peer?.stop();
});

async function registerOffline(station: StationProcess, phone: string): Promise<string> {
  const registered = await station.call<{ status: string; patient: Patient }>('patients.register', {
    name: '冯玉兰',
    idNumber: ID_NUMBER,
    village: '南庄村',
    phone,
    confirmNotDuplicate: true,
  });
  return registered.patient.id;
}

async function recordsOf(station: StationProcess, patientId: string) {
  const vitals = await station.call<{ id: string }[]>('vitals.list', { patientId, limit: 100 });
  const history = await station.call<{ enrolments: { id: string }[]; records: { id: string }[] }>('followup.history', { patientId });
  return {
    vitals: vitals.map((each) => each.id).sort(),
    enrolments: history.enrolments.map((each) => each.id).sort(),
    followups: history.records.map((each) => each.id).sort(),
  };
}

describe('one resident registered offline on two stations converges to one patient', () => {
  it('both show the duplicate side by side; a merge on B is applied on A; both end with one patient and every record', async () => {
    const onA = await registerOffline(a, '13903110001');
    const onB = await registerOffline(b, '13903110002');
    expect(onA).not.toBe(onB);
    const vitalsA = await a.call<{ id: string }>('vitals.record', { patientId: onA, input: { bloodPressure: [{ systolic: 162, diastolic: 98 }] } });
    const vitalsB = await b.call<{ id: string }>('vitals.record', {
      patientId: onB,
      input: { bloodPressure: [{ systolic: 148, diastolic: 92 }], heartRate: 76 },
    });
    const enrolment = await a.call<{ id: string }>('followup.enrol', { patientId: onA, disease: 'hypertension', howFound: 'clinic_visit' });

    await Promise.all([configureCounty(a, peer, pki), configureCounty(b, peer, pki)]);

    // Each station holds both records, its own and the other's marked as its duplicate, with what each holds.
    const pairB = await until(
      () => b.call<PatientDuplicate[]>('patients.duplicates'),
      (list) => list.length === 1 && list[0].records.pulled.vitals === 1 && list[0].records.pulled.enrolments === 1,
      "A's record beside B's as a duplicate",
    );
    expect(pairB[0]).toMatchObject({
      local: { id: onB, idNumber: ID_NUMBER, phone: '13903110002' },
      pulled: { id: onA, idNumber: ID_NUMBER, phone: '13903110001' },
      records: { local: { vitals: 1, enrolments: 0 }, pulled: { vitals: 1, enrolments: 1 } },
    });
    const pairA = await until(
      () => a.call<PatientDuplicate[]>('patients.duplicates'),
      (list) => list.length === 1 && list[0].records.pulled.vitals === 1,
      "B's record beside A's as a duplicate",
    );
    expect(pairA[0]).toMatchObject({ local: { id: onA }, pulled: { id: onB }, records: { local: { vitals: 1, enrolments: 1 }, pulled: { vitals: 1 } } });
    // Searching the ID finds both, so whoever looks the resident up sees there is something to resolve.
    const found = await b.call<{ results: { id: string }[] }>('patients.search', { query: ID_NUMBER });
    expect(found.results.map((each) => each.id).sort()).toEqual([onA, onB].sort());

    // The administrator on B keeps A's record (the one with the enrolment) and merges B's own into it.
    await b.call('patients.merge', { patientId: onA, mergeId: onB });
    const expected = { vitals: [vitalsA.id, vitalsB.id].sort(), enrolments: [enrolment.id], followups: [] };
    expect(await recordsOf(b, onA)).toEqual(expected);
    expect(await b.call('patients.duplicates')).toEqual([]);

    for (const station of [a, b]) {
      await until(
        () => station.call<Patient>('patients.get', { patientId: onB }),
        (gone) => gone.mergedInto === onA,
        `the merge on ${station.name}`,
      );
      await until(
        () => recordsOf(station, onA),
        (records) => JSON.stringify(records) === JSON.stringify(expected),
        `every record under the kept patient on ${station.name}`,
      );
      expect(await station.call('vitals.list', { patientId: onB, limit: 100 })).toEqual([]);
      await expect(station.call('followup.history', { patientId: onB })).rejects.toMatchObject({ code: 'CONFLICT' });
      expect(await station.call('patients.duplicates')).toEqual([]);
      const search = await station.call<{ results: { id: string }[] }>('patients.search', { query: ID_NUMBER });
      expect(search.results.map((each) => each.id)).toEqual([onA]);
      expect(await station.call<Patient>('patients.get', { patientId: onA })).toMatchObject({ idNumber: ID_NUMBER, mergedInto: null });
    }
  }, 240_000);
});
