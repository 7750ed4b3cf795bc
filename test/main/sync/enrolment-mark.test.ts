import type { Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../../src/main/api/dispatcher';
import { applyPulledFollowup, applyPulledPatientMarks } from '../../../src/main/followup/sync-apply';
import { applyPulledPatient } from '../../../src/main/sync/sync-service';
import type { PlatformPki } from '../../support/fhir-peer/certs';
import { startCountyPeer } from '../../support/fhir-peer/county-peer';
import type { FhirPeer } from '../../support/fhir-peer/peer';
import { openSyncingStation, syncOnce, closeSyncingStations } from '../../support/station/in-process-station';
import { openTestStation, type TestStation } from '../../support/test-services';
import { dayFrom, resident } from '../followup/service-fixtures';

/**
 * Issue 10 item 3: an enrolment pulled from another station sets registration's 慢病标记 as a local enrolment does
 * (docs/followup-rules.md, "One enrolment state"), so on the receiving station the registration form
 * (patients.get), the chart and the follow-up page (followup.enrolmentStates, followup.enrolments) agree with
 * the station that enrolled; an ended enrolment pulled reads as ended, the mark kept.
 */

const CENTER = '12130321MB0000019T';

let pki: PlatformPki;
let peer: FhirPeer;
let a: TestStation;
let b: TestStation;
const extra: TestStation[] = [];

beforeAll(async () => {
  ({ pki, peer } = await startCountyPeer());
  a = await openSyncingStation(peer, pki, CENTER);
  b = await openSyncingStation(peer, pki, CENTER);
});
afterAll(async () => {
  await closeSyncingStations([a, b]);
  for (const s of extra) s.dispose();
  await peer.stop();
});

/** What each screen reads about the programmes: the registration form's marks, the enrolment states, the list. */
async function programmeView(s: TestStation, patientId: string) {
  const d = s.services.dispatch;
  const patient = await call(d, 'patients', 'get', { patientId });
  const states = await call(d, 'followup', 'enrolmentStates', { patientId });
  const enrolments = await call(d, 'followup', 'enrolments', { patientId });
  return {
    marks: { hypertension: patient.hypertension, diabetes: patient.diabetes },
    states,
    enrolments: enrolments.map(({ id, disease, enrolledOn, endedOn, endReason }) => ({ id, disease, enrolledOn, endedOn, endReason })),
  };
}

function outboxPatientRows(s: TestStation, patientId: string): number {
  return s.services.store.current.sqlite
    .prepare(`SELECT count(*) FROM sync_outbox WHERE resource_type = 'Patient' AND resource_id = ?`)
    .pluck()
    .get(patientId) as number;
}

describe('a pulled enrolment and its end (慢病标记)', () => {
  it("B's registration form, chart and follow-up page agree with A after A enrols, and again after A ends it", async () => {
    const patient = await resident(a, { name: '钱秀英', age: 66, village: '东湾村', sex: 'F' });
    expect(patient.hypertension).toBe(false);
    const enrolment = await call(a.services.dispatch, 'followup', 'enrol', {
      patientId: patient.id,
      disease: 'hypertension',
      howFound: 'clinic_visit',
      enrolledOn: dayFrom(a, -90),
    });
    await syncOnce(a);
    await syncOnce(b);
    const onA = await programmeView(a, patient.id);
    expect(onA.marks).toEqual({ hypertension: true, diabetes: false });
    expect(onA.states.find((state) => state.disease === 'hypertension')?.state).toBe('enrolled');
    expect(await programmeView(b, patient.id)).toEqual(onA);
    // The mark set by the pull is not sent back (the enrolment is what travels).
    expect(outboxPatientRows(b, patient.id)).toBe(0);

    await call(a.services.dispatch, 'followup', 'endEnrolment', {
      patientId: patient.id,
      enrolmentId: enrolment.id,
      endedOn: dayFrom(a, -5),
      reason: 'moved',
    });
    await syncOnce(a);
    await syncOnce(b);
    const endedOnA = await programmeView(a, patient.id);
    expect(endedOnA.states.find((state) => state.disease === 'hypertension')).toMatchObject({ state: 'ended', endedOn: dayFrom(a, -5) });
    expect(endedOnA.marks.hypertension).toBe(true);
    expect(await programmeView(b, patient.id)).toEqual(endedOnA);
  }, 60_000);

  it('an enrolment that arrives before its patient still sets the mark when the patient arrives', async () => {
    const patient = await resident(a, { name: '孙建军', age: 58, village: '西岭村' });
    await call(a.services.dispatch, 'followup', 'enrol', { patientId: patient.id, disease: 't2dm', howFound: 'screening', enrolledOn: dayFrom(a, -30) });
    const rows = a.services.store.current.sqlite
      .prepare(`SELECT resource FROM sync_outbox WHERE target = 'county' AND resource_type IN ('Patient', 'EpisodeOfCare') AND resource LIKE ? ORDER BY seq`)
      .pluck()
      .all(`%${patient.id}%`) as string[];
    const resources = rows.map((row) => JSON.parse(row) as Resource);
    const episode = resources.filter((resource) => resource.resourceType === 'EpisodeOfCare').at(-1)!;
    const patientResource = resources.filter((resource) => resource.resourceType === 'Patient').at(-1)!;
    const c = await openTestStation({ withAdmin: true });
    extra.push(c);
    const sqlite = c.services.store.current.sqlite;
    sqlite.transaction(() => applyPulledFollowup(sqlite, episode))();
    sqlite.transaction(() => {
      applyPulledPatient(sqlite, patientResource);
      applyPulledPatientMarks(sqlite, patientResource);
    })();
    const view = await programmeView(c, patient.id);
    expect(view.marks).toEqual({ hypertension: false, diabetes: true });
    expect(view.states.find((state) => state.disease === 't2dm')?.state).toBe('enrolled');
  });
});
