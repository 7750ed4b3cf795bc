import type { QuestionnaireResponse, Resource } from '@medplum/fhirtypes';
import { afterEach, describe, expect, it } from 'vitest';
import { call } from '../../../src/main/api/dispatcher';
import type { Sqlite } from '../../../src/main/db/open';
import { patientHistory } from '../../../src/main/followup/record-visit';
import { applyPulledFollowup } from '../../../src/main/followup/sync-apply';
import { applyPulledPatient } from '../../../src/main/sync/sync-service';
import { openTestStation, type TestStation } from '../../support/test-services';
import { clinicVisit, dayFrom, resident } from '../followup/service-fixtures';

/**
 * Issue 10 item 6 for the follow-up family: what station A corrects reaches station B through exactly what A
 * queued — an ended enrolment (and the bookings it cancelled), a follow-up the platform marks entered-in-error,
 * and a duplicate resolution that re-pointed the records to the kept patient.
 */

const stations: TestStation[] = [];
afterEach(() => {
  for (const station of stations.splice(0)) station.dispose();
});

async function twoStations() {
  const [a, b] = await Promise.all([openTestStation({ withAdmin: true }), openTestStation({ withAdmin: true })]);
  stations.push(a, b);
  a.services.store.current.sqlite
    .prepare(
      `INSERT INTO sync_targets (id, enabled, base_url, ca_certificate_pem, client_pkcs12, client_passphrase, updated_at) VALUES ('county', 1, 'https://127.0.0.1/fhir/R4/', '', x'00', '', '')`,
    )
    .run();
  return { a, b };
}

/** What A has queued since `after` (outbox seq), newest state per resource, in queue order: the wire. */
function sentSince(sqlite: Sqlite, after = 0): Resource[] {
  const rows = sqlite
    .prepare(`SELECT seq, resource_type AS type, resource_id AS id, resource FROM sync_outbox WHERE target = 'county' AND seq > ? ORDER BY seq`)
    .all(after) as {
    seq: number;
    type: string;
    id: string;
    resource: string;
  }[];
  const latest = new Map<string, Resource>();
  for (const row of rows) {
    latest.delete(`${row.type}/${row.id}`);
    latest.set(`${row.type}/${row.id}`, JSON.parse(row.resource) as Resource);
  }
  return [...latest.values()];
}

function lastSeq(sqlite: Sqlite): number {
  return (sqlite.prepare('SELECT coalesce(max(seq), 0) AS n FROM sync_outbox').get() as { n: number }).n;
}

function pullInto(b: TestStation, resources: Resource[]) {
  const sqlite = b.services.store.current.sqlite;
  sqlite.transaction(() => {
    for (const resource of resources) {
      if (resource.resourceType === 'Patient') applyPulledPatient(sqlite, resource);
      else applyPulledFollowup(sqlite, resource);
    }
  })();
}

function enrolmentState(station: TestStation, id: string) {
  const row = station.services.store.current.sqlite.prepare('SELECT * FROM followup_enrolments WHERE id = ?').get(id) as Record<string, unknown>;
  const { enrolled_by: _1, ended_by: _2, created_at: _3, updated_at: _4, ...state } = row;
  return state;
}

describe('corrections travel (follow-up family)', () => {
  it('an ended enrolment and the bookings it cancelled reach the other station', async () => {
    const { a, b } = await twoStations();
    const d = a.services.dispatch;
    const patient = await resident(a, { name: '孙福贵', age: 70, village: '西岭村' });
    const enrolment = await call(d, 'followup', 'enrol', {
      patientId: patient.id,
      disease: 'hypertension',
      howFound: 'health_check',
      enrolledOn: dayFrom(a, -120),
    });
    await call(d, 'followup', 'save', { patientId: patient.id, disease: 'hypertension', form: clinicVisit(dayFrom(a, -20), { sbp: 132, dbp: 82 }) });
    pullInto(b, sentSince(a.services.store.current.sqlite));
    expect(patientHistory(b.services.followup.ctx, { patientId: patient.id }).appointments.map((each) => each.status)).toEqual(['scheduled']);

    const mark = lastSeq(a.services.store.current.sqlite);
    await call(d, 'followup', 'endEnrolment', {
      patientId: patient.id,
      enrolmentId: enrolment.id,
      endedOn: dayFrom(a, -1),
      reason: 'moved',
      note: '随子女迁往县城',
    });
    const wire = sentSince(a.services.store.current.sqlite, mark);
    expect(wire.map((resource) => resource.resourceType).sort()).toEqual(['Appointment', 'Condition', 'EpisodeOfCare']);
    pullInto(b, wire);

    const onB = patientHistory(b.services.followup.ctx, { patientId: patient.id });
    expect(onB).toEqual(patientHistory(a.services.followup.ctx, { patientId: patient.id }));
    expect(onB.enrolments[0]).toMatchObject({ endedOn: dayFrom(a, -1), endReason: 'moved', endNote: '随子女迁往县城' });
    expect(onB.appointments.map((each) => each.status)).toEqual(['cancelled']);
    expect(enrolmentState(b, enrolment.id)).toEqual(enrolmentState(a, enrolment.id));
  });

  it('a follow-up the platform marks entered-in-error leaves the history, and the due state is recomputed', async () => {
    const { a, b } = await twoStations();
    const d = a.services.dispatch;
    const patient = await resident(a, { name: '周桂芝', age: 64 });
    const enrolment = await call(d, 'followup', 'enrol', { patientId: patient.id, disease: 't2dm', howFound: 'screening', enrolledOn: dayFrom(a, -200) });
    await call(d, 'followup', 'save', { patientId: patient.id, disease: 't2dm', form: clinicVisit(dayFrom(a, -100), { fbg: 6.2 }) });
    const stateAfterFirst = enrolmentState(a, enrolment.id);
    const mark = lastSeq(a.services.store.current.sqlite);
    await call(d, 'followup', 'save', { patientId: patient.id, disease: 't2dm', form: clinicVisit(dayFrom(a, -2), { fbg: 9.8 }) });
    const second = sentSince(a.services.store.current.sqlite, mark).find(
      (resource): resource is QuestionnaireResponse => resource.resourceType === 'QuestionnaireResponse',
    )!;
    pullInto(b, sentSince(a.services.store.current.sqlite));
    expect(patientHistory(b.services.followup.ctx, { patientId: patient.id }).records).toHaveLength(2);

    pullInto(b, [{ ...second, status: 'entered-in-error' }]);
    const records = patientHistory(b.services.followup.ctx, { patientId: patient.id }).records;
    expect(records.map((record) => record.form.fbg)).toEqual([6.2]);
    const { last_visit_date, last_visit_fbg, last_visit_action } = enrolmentState(b, enrolment.id);
    expect({ last_visit_date, last_visit_fbg, last_visit_action }).toEqual({
      last_visit_date: stateAfterFirst.last_visit_date,
      last_visit_fbg: stateAfterFirst.last_visit_fbg,
      last_visit_action: stateAfterFirst.last_visit_action,
    });
  });

  it('a duplicate resolution re-sends the re-pointed follow-up records; the other station moves them to the kept patient', async () => {
    const { a, b } = await twoStations();
    const d = a.services.dispatch;
    const keep = await resident(a, { name: '郑国强', age: 59, village: '东湾村' });
    // The same man registered again without his ID card (a typical duplicate), followed up under that record.
    const duplicate = await call(d, 'patients', 'register', {
      name: '郑国强',
      sex: 'M',
      birthDate: keep.birthDate,
      noIdReason: 'unknown',
      village: '东湾村',
      confirmNotDuplicate: true,
    });
    if (duplicate.status !== 'created') throw new Error('setup');
    const gone = duplicate.patient;
    await call(d, 'followup', 'enrol', { patientId: gone.id, disease: 'hypertension', howFound: 'clinic_visit', enrolledOn: dayFrom(a, -60) });
    await call(d, 'followup', 'save', { patientId: gone.id, disease: 'hypertension', form: clinicVisit(dayFrom(a, -30), { sbp: 142, dbp: 91 }) });
    pullInto(b, sentSince(a.services.store.current.sqlite));
    expect(patientHistory(b.services.followup.ctx, { patientId: gone.id }).records).toHaveLength(1);

    const mark = lastSeq(a.services.store.current.sqlite);
    await call(d, 'patients', 'merge', { patientId: keep.id, mergeId: gone.id });
    const wire = sentSince(a.services.store.current.sqlite, mark);
    const subjects = wire.filter((resource) => resource.resourceType !== 'Patient').map((resource) => JSON.stringify(resource));
    expect(subjects.length).toBeGreaterThanOrEqual(4); // EpisodeOfCare, Condition, Encounter, QuestionnaireResponse, Observations, Appointment
    expect(subjects.every((json) => json.includes(`Patient/${keep.id}`) && !json.includes(`Patient/${gone.id}`))).toBe(true);
    pullInto(b, wire);

    expect(patientHistory(b.services.followup.ctx, { patientId: keep.id })).toEqual(patientHistory(a.services.followup.ctx, { patientId: keep.id }));
    expect(patientHistory(b.services.followup.ctx, { patientId: keep.id }).records).toHaveLength(1);
    const left = b.services.store.current.sqlite.prepare('SELECT count(*) AS n FROM followup_records WHERE patient_id = ?').get(gone.id);
    expect(left).toEqual({ n: 0 });
  });
});
