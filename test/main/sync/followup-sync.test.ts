import type { Reference, Resource } from '@medplum/fhirtypes';
import { afterEach, describe, expect, it } from 'vitest';
import { call } from '../../../src/main/api/dispatcher';
import type { Sqlite } from '../../../src/main/db/open';
import { validateForSend } from '../../../src/main/sync/fhir-validate';
import type { ResourceWithId } from '../../../src/main/sync/outbox';
import { INSTITUTION_CODE_SYSTEM } from '../../../src/shared/institution';
import { SYNC_FAMILIES } from '../../../src/shared/sync';
import { openTestStation, TEST_PASSPHRASE, type TestStation } from '../../support/test-services';
import { clinicVisit, dayFrom, resident } from '../followup/service-fixtures';

/**
 * Issue 10 items 0, 1 and 3 on a real station: who the station is on every resource it sends, every follow-up
 * write queued in its transaction for the targets its routing names, and the back-fill of what was there before.
 */

const CODE = '12100000400000624D';
const NEW_CODE = '91350100M000100Y43';

let station: TestStation | undefined;
afterEach(() => {
  station?.dispose();
  station = undefined;
});

function addTargets(sqlite: Sqlite, ids: string[] = ['county', 'provincial']) {
  const insert = sqlite.prepare(
    `INSERT INTO sync_targets (id, enabled, base_url, ca_certificate_pem, client_pkcs12, client_passphrase, updated_at) VALUES (?, 1, 'https://127.0.0.1/fhir/R4/', '', x'00', '', '')`,
  );
  for (const id of ids) insert.run(id);
}

function queued(sqlite: Sqlite, target?: string): ResourceWithId[] {
  const rows = sqlite.prepare('SELECT resource FROM sync_outbox WHERE (@target IS NULL OR target = @target) ORDER BY seq').all({ target: target ?? null }) as {
    resource: string;
  }[];
  return rows.map((row) => JSON.parse(row.resource) as ResourceWithId);
}

function kinds(resources: Resource[]): string[] {
  return [...new Set(resources.map((resource) => resource.resourceType))].sort();
}

/** The element each type names the institution in (institution.ts), or null for tag-only types. */
function institutionRef(resource: Resource): Reference | null | undefined {
  switch (resource.resourceType) {
    case 'Patient':
    case 'EpisodeOfCare':
      return resource.managingOrganization;
    case 'Encounter':
      return resource.serviceProvider;
    case 'Observation':
    case 'DiagnosticReport':
      return resource.performer?.find((ref) => ref.reference?.startsWith('Organization/'));
    case 'ServiceRequest':
    case 'Task':
      return resource.requester;
    case 'QuestionnaireResponse':
      return resource.author;
    default:
      return null;
  }
}

/** An enrolled hypertensive, uncontrolled twice in a row: the second follow-up refers (a referral, its Task, a booking). */
async function enrolledAndReferred(s: TestStation) {
  const d = s.services.dispatch;
  const patient = await resident(s, { name: '王建国', age: 62, village: '东湾村', doctor: '刘医生' });
  await call(d, 'followup', 'enrol', { patientId: patient.id, disease: 'hypertension', howFound: 'clinic_visit', enrolledOn: dayFrom(s, -200) });
  await call(d, 'followup', 'save', {
    patientId: patient.id,
    disease: 'hypertension',
    form: clinicVisit(dayFrom(s, -100), { sbp: 152, dbp: 96, heartRate: 76, weightKg: 68, heightCm: 168 }),
  });
  const second = await call(d, 'followup', 'save', {
    patientId: patient.id,
    disease: 'hypertension',
    form: clinicVisit(dayFrom(s, -10), { sbp: 168, dbp: 102 }),
  });
  return { patient, second };
}

async function stationWithPatientHistory() {
  station = await openTestStation({ withAdmin: true });
  const s = station;
  const d = s.services.dispatch;
  const { patient, second } = await enrolledAndReferred(s);
  await call(d, 'followup', 'phoneContact', { patientId: patient.id, disease: 'hypertension', date: dayFrom(s, -5), symptoms: ['头晕'] });
  await call(d, 'followup', 'recordHealthCheck', { patientId: patient.id, date: dayFrom(s, -3), selfCareScore: 2, note: '生活可自理' });
  return { s, d, patient, second };
}

/** The resource types a follow-up history is sent as, with those only some targets or moments add. */
const FOLLOWUP_KINDS = ['Condition', 'Encounter', 'EpisodeOfCare', 'Observation', 'Patient', 'QuestionnaireResponse', 'ServiceRequest', 'Task'];
const sortedKinds = (...extra: string[]) => [...FOLLOWUP_KINDS, ...extra].sort();

describe('station identity and the follow-up family on the wire', () => {
  it('every follow-up write is queued in its transaction, stamped with the institution, valid, and routed county / provincial', async () => {
    station = await openTestStation({ withAdmin: true });
    const sqlite = station.services.store.current.sqlite;
    addTargets(sqlite);
    await call(station.services.dispatch, 'settings', 'update', { facilityName: '东湾镇卫生院', institutionCode: CODE });
    await station.services.sync.whenBackfilled();
    const s = station;
    const d = s.services.dispatch;
    const { patient } = await enrolledAndReferred(s);
    await call(d, 'followup', 'recordHealthCheck', { patientId: patient.id, date: dayFrom(s, -3), selfCareScore: 2 });

    const county = queued(sqlite, 'county');
    const provincial = queued(sqlite, 'provincial');
    expect(kinds(county)).toEqual(sortedKinds('Appointment', 'Organization'));
    // Bookings are the center's business, not public-health reporting.
    expect(kinds(provincial)).toEqual(sortedKinds('Organization'));
    for (const resource of [...county, ...provincial]) {
      const result = validateForSend(resource);
      expect(result.valid ? [] : result.issues, `${resource.resourceType}/${resource.id}`).toEqual([]);
      expect(resource.meta?.tag, `${resource.resourceType}/${resource.id}`).toContainEqual({ system: INSTITUTION_CODE_SYSTEM, code: CODE });
      const ref = institutionRef(resource);
      if (ref !== null)
        expect(ref, `${resource.resourceType}/${resource.id}`).toMatchObject({
          reference: `Organization/org-${CODE}`,
          identifier: { system: INSTITUTION_CODE_SYSTEM, value: CODE },
        });
    }
    const organization = county.find((resource) => resource.resourceType === 'Organization');
    expect(organization).toMatchObject({ id: `org-${CODE}`, name: '东湾镇卫生院', identifier: [{ system: INSTITUTION_CODE_SYSTEM, value: CODE }] });
    // The follow-up's measured values under the LOINC codes of ARCHITECTURE §7.
    const loinc = county.flatMap((resource) => (resource.resourceType === 'Observation' ? (resource.code.coding ?? []).map((coding) => coding.code) : []));
    expect(loinc).toEqual(expect.arrayContaining(['85354-9', '8867-4', '29463-7', '8302-2', '39156-5']));
  });

  it('a follow-up that cannot be queued rolls back with its record (same transaction)', async () => {
    station = await openTestStation({ withAdmin: true });
    const sqlite = station.services.store.current.sqlite;
    addTargets(sqlite);
    const s = station;
    const patient = await resident(s, { name: '赵秀英', age: 58 });
    await call(s.services.dispatch, 'followup', 'enrol', { patientId: patient.id, disease: 't2dm', howFound: 'screening', enrolledOn: dayFrom(s, -30) });
    const records = () => (sqlite.prepare('SELECT count(*) AS n FROM followup_records').get() as { n: number }).n;
    const before = { records: records(), outbox: queued(sqlite).length };
    // The outbox insert fails inside the follow-up's transaction: nothing of the follow-up may remain.
    sqlite.exec(
      `CREATE TRIGGER refuse_outbox BEFORE INSERT ON sync_outbox WHEN NEW.resource_type = 'QuestionnaireResponse' BEGIN SELECT RAISE(ABORT, 'outbox refused'); END`,
    );
    await expect(
      call(s.services.dispatch, 'followup', 'save', { patientId: patient.id, disease: 't2dm', form: clinicVisit(dayFrom(s, -1), { fbg: 6.5 }) }),
    ).rejects.toThrow();
    expect({ records: records(), outbox: queued(sqlite).length }).toEqual(before);
  });

  it('routing is configuration (admin API): a family off the provincial list is not queued there; adding it back-fills it', async () => {
    station = await openTestStation({ withAdmin: true });
    const sqlite = station.services.store.current.sqlite;
    addTargets(sqlite);
    const d = station.services.dispatch;
    expect(await call(d, 'sync', 'routing', {})).toEqual({
      county: [...SYNC_FAMILIES],
      provincial: ['institution', 'patient', 'followupVisit', 'enrolment', 'referral', 'healthCheck'],
    });
    await call(d, 'sync', 'setRouting', { county: ['patient', 'enrolment'], provincial: ['patient'] });
    const s = station;
    const patient = await resident(s, { name: '李桂兰', age: 66 });
    await call(d, 'followup', 'enrol', { patientId: patient.id, disease: 'hypertension', howFound: 'clinic_visit', enrolledOn: dayFrom(s, -30) });
    await call(d, 'followup', 'save', { patientId: patient.id, disease: 'hypertension', form: clinicVisit(dayFrom(s, -1), { sbp: 128, dbp: 78 }) });
    expect(kinds(queued(sqlite, 'county'))).toEqual(['Condition', 'EpisodeOfCare', 'Patient']);
    expect(kinds(queued(sqlite, 'provincial'))).toEqual(['Patient']);

    const patientsQueued = queued(sqlite, 'provincial').length;
    await call(d, 'sync', 'setRouting', { county: ['patient', 'enrolment'], provincial: ['patient', 'enrolment'] });
    await station.services.sync.whenBackfilled();
    expect(kinds(queued(sqlite, 'provincial'))).toEqual(['Condition', 'EpisodeOfCare', 'Patient']);
    // The unchanged Patient is not queued again: only the enrolment's two resources were added.
    expect(queued(sqlite, 'provincial')).toHaveLength(patientsQueued + 2);
  });
});

describe('back-fill', () => {
  it('queues what was there before the target, in chunks with progress; twice queues nothing new; a new code re-queues under it', async () => {
    const { s } = await stationWithPatientHistory();
    const sqlite = s.services.store.current.sqlite;
    expect(queued(sqlite)).toEqual([]); // no target yet: no queue
    const progress: { done: number; total: number; finished: boolean }[] = [];
    s.services.events.subscribe((name, payload) => {
      if (name === 'syncBackfill') progress.push(payload as (typeof progress)[number]);
    });

    addTargets(sqlite, ['county']);
    await s.services.sync.backfill('county');
    const first = queued(sqlite, 'county');
    // No institution code yet: the records go without it (and the Organization does not exist).
    expect(kinds(first)).toEqual(sortedKinds('Appointment'));
    expect(progress.at(-1)).toMatchObject({ finished: true });
    expect(progress.at(-1)!.done).toBe(progress.at(-1)!.total);

    await s.services.sync.backfill('county');
    expect(queued(sqlite, 'county')).toHaveLength(first.length);

    // Setting the code re-queues the station's records stamped with it (the settings handler starts the back-fill).
    await call(s.services.dispatch, 'settings', 'update', { facilityName: '东湾镇卫生院', institutionCode: CODE });
    await s.services.sync.whenBackfilled();
    const afterCode = queued(sqlite, 'county').slice(first.length);
    expect(afterCode[0]).toMatchObject({ resourceType: 'Organization', id: `org-${CODE}` });
    expect(afterCode).toHaveLength(first.length + 1);
    expect(afterCode.every((resource) => resource.meta?.tag?.some((tag) => tag.code === CODE))).toBe(true);

    await call(s.services.dispatch, 'settings', 'update', { institutionCode: NEW_CODE });
    await s.services.sync.whenBackfilled();
    const afterNewCode = queued(sqlite, 'county').slice(first.length * 2 + 1);
    expect(afterNewCode).toHaveLength(first.length + 1);
    expect(
      afterNewCode.every((resource) => resource.meta?.tag?.some((tag) => tag.code === NEW_CODE) && !resource.meta.tag.some((tag) => tag.code === CODE)),
    ).toBe(true);
  });

  it('a back-fill cut short (quit, crash) runs again when the store next opens, and clears its mark', async () => {
    const { s } = await stationWithPatientHistory();
    const before = s.services.store.current.sqlite;
    before
      .prepare(
        `INSERT INTO sync_targets (id, enabled, base_url, ca_certificate_pem, client_pkcs12, client_passphrase, updated_at) VALUES ('county', 0, 'https://127.0.0.1/fhir/R4/', '', x'00', '', '')`,
      )
      .run();
    // As a back-fill leaves it when the process dies between its first and last slice.
    before.prepare(`INSERT INTO settings (key, value, updated_at) VALUES ('sync.backfillPending', '["county"]', '')`).run();
    // The next open (the sync service's 2 s watch may already have seen this store before the mark was written).
    s.services.store.close();
    await s.services.store.openWithPassphrase(TEST_PASSPHRASE);
    const sqlite = s.services.store.current.sqlite;
    await s.services.sync.ensureStarted();
    await s.services.sync.whenBackfilled();
    expect(kinds(queued(sqlite, 'county'))).toEqual(sortedKinds('Appointment'));
    expect(sqlite.prepare(`SELECT value FROM settings WHERE key = 'sync.backfillPending'`).get()).toEqual({ value: '[]' });
    expect(sqlite.pragma('synchronous', { simple: true })).toBe(2); // FULL again after the slices
  });

  it('a mistyped institution code is refused with its reason and changes nothing', async () => {
    station = await openTestStation({ withAdmin: true });
    const error = await call(station.services.dispatch, 'settings', 'update', { institutionCode: '12100000400000624E' }).catch((err: unknown) => err);
    expect(error).toMatchObject({ code: 'VALIDATION', details: { reason: 'INSTITUTION_CODE_CHECK', field: 'institutionCode' } });
    expect((await call(station.services.dispatch, 'settings', 'get', {})).institutionCode).toBe('');
  });

  it('first run can name the institution; a bad code there creates no administrator', async () => {
    station = await openTestStation();
    const d = station.services.dispatch;
    const bad = await call(d, 'auth', 'setupAdmin', {
      username: 'admin',
      displayName: '院长',
      password: 'Clinic2026ok',
      institution: { facilityName: '东湾镇卫生院', institutionCode: '123' },
    }).catch((err: unknown) => err);
    expect(bad).toMatchObject({ details: { reason: 'INSTITUTION_CODE_LENGTH' } });
    expect((await call(d, 'auth', 'status', {})).firstRun).toBe(true);
    await call(d, 'auth', 'setupAdmin', {
      username: 'admin',
      displayName: '院长',
      password: 'Clinic2026ok',
      institution: { facilityName: '东湾镇卫生院', institutionCode: '1210 0000 4000 0062 4d', villages: ['东湾村', '西岭村'] },
    });
    expect(await call(d, 'settings', 'get', {})).toMatchObject({ facilityName: '东湾镇卫生院', institutionCode: CODE, villages: ['东湾村', '西岭村'] });
  });
});
