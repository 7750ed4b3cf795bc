import type { Encounter } from '@medplum/fhirtypes';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { call } from '../../../src/main/api/dispatcher';
import { ApiError } from '../../../src/shared/api/errors';
import type { CountyRecordView } from '../../../src/shared/api/county-record';
import { makeResidentId } from '../../../src/shared/resident-id';
import { COUNTY_HOSPITAL, COUNTY_RESIDENTS, COUNTY_TCM_HOSPITAL, seedCountyHospitals } from '../../support/fhir-peer/county-hospital';
import type { PlatformPki } from '../../support/fhir-peer/certs';
import { countyTargetInput, startCountyPeer } from '../../support/fhir-peer/county-peer';
import type { FhirPeer } from '../../support/fhir-peer/peer';
import { ADMIN, openTestStation, type TestStation } from '../../support/test-services';

/**
 * 调阅县域档案 through a real county FHIR peer over mutual TLS: a station whose own records are on the platform too,
 * the county hospital's records seeded beside them; the chart gets only the others' records, cached, audited,
 * never queued for sync, and still shown (with its fetch time) when the platform is down.
 */

async function reasonOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (error instanceof ApiError) return String(error.details?.reason ?? error.code);
    throw error;
  }
}

describe('county record on demand against a county peer over mutual TLS', () => {
  let pki: PlatformPki;
  let peer: FhirPeer;
  let station: TestStation;

  beforeAll(async () => {
    ({ pki, peer } = await startCountyPeer());
  });
  afterAll(() => peer.stop());
  beforeEach(async () => {
    peer.repo.clear();
    station = await openTestStation({ withAdmin: true });
  });
  afterEach(async () => {
    await station.services.sync.close();
    station.dispose();
  });

  const d = () => station.services.dispatch;

  async function configureCounty(baseUrl = peer.url) {
    await call(d(), 'sync', 'configure', countyTargetInput(pki, baseUrl));
  }

  async function registerZhao() {
    const resident = COUNTY_RESIDENTS[0];
    const result = await call(d(), 'patients', 'register', { name: resident.name, idNumber: resident.residentId });
    if (result.status !== 'created') throw new Error('setup: patient');
    return result.patient;
  }

  /** The station's own chart for the same person: a signed visit, pushed to the same platform. */
  async function ownVisitOnPlatform(patientId: string) {
    await call(d(), 'vitals', 'record', { patientId, input: { bloodPressure: [{ systolic: 152, diastolic: 94 }], heartRate: 78 } });
    const entry = await call(d(), 'clinic', 'checkIn', { patientId });
    const visit = await call(d(), 'visits', 'open', { patientId, queueEntryId: entry.id });
    await call(d(), 'visits', 'save', { patientId, visitId: visit.id, chiefComplaint: '复查血压', diagnoses: [{ code: 'I10', name: '原发性高血压' }] });
    await call(d(), 'visits', 'close', { patientId, visitId: visit.id });
    const engine = await station.services.sync.running();
    expect(await engine!.syncOnce('county')).toMatchObject({ ok: true });
    // Seeded after our push: the unscoped Patient pull would otherwise meet the hospital's Patient of the same
    // resident and (rightly) refuse to store a second local patient for it.
    await seedCountyHospitals(peer.repo);
  }

  const titles = (view: CountyRecordView) => view.items.map((item) => item.title);

  it("shows the county hospitals' records, marked by source and date, and not the center's own", async () => {
    await configureCounty();
    const patient = await registerZhao();
    await ownVisitOnPlatform(patient.id);
    const ours = (await peer.repo.all<Encounter>('Encounter')).filter((encounter) => encounter.subject?.reference === `Patient/${patient.id}`);
    // Our visit and the check-in it came from (the shared queue's attendance Encounter) are on the platform, under
    // our Patient id, same resident ID.
    expect(ours).toHaveLength(2);

    const view = await call(d(), 'countyRecord', 'fetch', { patientId: patient.id });
    expect(view.fetchedAt).not.toBeNull();
    expect(view.fetchedByName).toBe(ADMIN.displayName);
    expect(view.refreshError).toBeNull();
    // Everything the two hospitals wrote, nothing of ours, nothing withdrawn.
    expect(view.items.map((item) => `${item.kind}:${item.title}`).sort()).toEqual(
      [
        'encounter:心内科住院',
        'encounter:中医内科门诊',
        'diagnosis:急性非ST段抬高型心肌梗死',
        'diagnosis:高血压3级（很高危）',
        'lab:肌钙蛋白I',
        'lab:糖化血红蛋白',
        'lab:低密度脂蛋白胆固醇',
        'lab:肌酐',
        'ecg:心电图',
        'document:出院小结',
        'medication:阿司匹林肠溶片 100 mg',
        'medication:阿托伐他汀钙片 20 mg',
        'medication:复方丹参滴丸',
      ].sort(),
    );
    expect(titles(view)).not.toContain('血糖'); // entered-in-error at the hospital
    expect(view.items.some((item) => item.title === '原发性高血压' || item.resourceId === ours[0].id)).toBe(false);
    for (const item of view.items) {
      expect([COUNTY_HOSPITAL.name, COUNTY_TCM_HOSPITAL.name]).toContain(item.sourceInstitution);
      expect(item.effectiveAt).not.toBeNull();
    }
    const tcm = view.items.find((item) => item.title === '复方丹参滴丸');
    expect(tcm).toMatchObject({ sourceInstitution: '县中医院', sourceInstitutionCode: COUNTY_TCM_HOSPITAL.code, detail: '口服，每日三次，每次10丸' });
    const discharge = view.items.find((item) => item.kind === 'document');
    expect(discharge?.detail).toContain('前降支近段狭窄85%');
    expect(view.items.find((item) => item.title === '肌钙蛋白I')?.detail).toBe('2.35 ng/mL；偏高；(0–0.04)');
    // Newest first.
    const dates = view.items.map((item) => Date.parse(item.effectiveAt!));
    expect(dates).toEqual([...dates].sort((a, b) => b - a));

    // The cached view is the same without the network.
    expect(await call(d(), 'countyRecord', 'cached', { patientId: patient.id })).toEqual(view);
  });

  it('is a PHI read in the audit log, is never queued for sync, and changes nothing on the platform', async () => {
    await configureCounty();
    const patient = await registerZhao();
    await ownVisitOnPlatform(patient.id);
    const versionsBefore = new Map(
      (peer.repo.changes as { resourceType: string; id: string; versionId: string }[]).map((change) => [
        `${change.resourceType}/${change.id}`,
        change.versionId,
      ]),
    );
    const sqlite = station.services.store.current.sqlite;
    const outboxBefore = (sqlite.prepare('SELECT count(*) AS n FROM sync_outbox').get() as { n: number }).n;

    const view = await call(d(), 'countyRecord', 'fetch', { patientId: patient.id });
    expect(view.items.length).toBeGreaterThan(0);
    await call(d(), 'countyRecord', 'cached', { patientId: patient.id });

    const audit = sqlite
      .prepare(`SELECT action, kind, patient_id AS patientId, outcome FROM audit_log WHERE action LIKE 'countyRecord.%' ORDER BY id`)
      .all() as { action: string; kind: string; patientId: string; outcome: string }[];
    expect(audit).toEqual([
      { action: 'countyRecord.fetch', kind: 'read', patientId: patient.id, outcome: 'ok' },
      { action: 'countyRecord.cached', kind: 'read', patientId: patient.id, outcome: 'ok' },
    ]);

    // Not queued, and a full sync cycle afterwards writes nothing of it back.
    expect((sqlite.prepare('SELECT count(*) AS n FROM sync_outbox').get() as { n: number }).n).toBe(outboxBefore);
    const queuedCounty = sqlite
      .prepare(`SELECT count(*) AS n FROM sync_outbox o JOIN county_record_items c ON c.resource_type = o.resource_type AND c.resource_id = o.resource_id`)
      .get() as { n: number };
    expect(queuedCounty.n).toBe(0);
    const engine = await station.services.sync.running();
    expect((await engine!.syncOnce('county')).pushedResources).toBe(0);
    for (const item of view.items) {
      const latest = peer.repo.changes.filter((change) => change.resourceType === item.resourceType && change.id === item.resourceId).at(-1);
      expect(latest?.versionId).toBe(versionsBefore.get(`${item.resourceType}/${item.resourceId}`));
    }

    // The cache is read-only: only a fetch replaces it.
    expect(() => sqlite.prepare(`UPDATE county_record_items SET title = 'x'`).run()).toThrow(/read-only/);
  });

  it('never counts county records in the indicators', async () => {
    await seedCountyHospitals(peer.repo);
    await configureCounty();
    const patient = await registerZhao();
    const year = new Date().getUTCFullYear();
    const before = await call(d(), 'followup', 'indicators', { year });
    const view = await call(d(), 'countyRecord', 'fetch', { patientId: patient.id });
    expect(view.items.some((item) => item.kind === 'diagnosis')).toBe(true); // I10 and I21.4 from the county
    expect(await call(d(), 'followup', 'indicators', { year })).toEqual(before);
  });

  it('offline: shows the cache with its fetch time and the error; with no cache, a translated refusal', async () => {
    await seedCountyHospitals(peer.repo);
    await configureCounty();
    const patient = await registerZhao();
    const first = await call(d(), 'countyRecord', 'fetch', { patientId: patient.id });

    const second = await call(d(), 'patients', 'register', { name: COUNTY_RESIDENTS[1].name, idNumber: COUNTY_RESIDENTS[1].residentId });
    if (second.status !== 'created') throw new Error('setup');

    await peer.stop();
    try {
      const offline = await call(d(), 'countyRecord', 'fetch', { patientId: patient.id });
      expect(offline.refreshError).toEqual({ code: 'SERVER_UNREACHABLE' });
      expect(offline.fetchedAt).toBe(first.fetchedAt);
      expect(offline.items).toEqual(first.items);
      expect(await reasonOf(call(d(), 'countyRecord', 'fetch', { patientId: second.patient.id }))).toBe('COUNTY_RECORD_UNREACHABLE');
    } finally {
      await peer.restart();
    }
    const back = await call(d(), 'countyRecord', 'fetch', { patientId: second.patient.id });
    expect(back.items.map((item) => item.title)).toContain('盐酸二甲双胍片 0.5 g');
  });

  it('refuses without a county link, without a resident ID, and for a nurse', async () => {
    const patient = await registerZhao();
    expect(await reasonOf(call(d(), 'countyRecord', 'fetch', { patientId: patient.id }))).toBe('COUNTY_RECORD_NOT_CONFIGURED');
    expect(await call(d(), 'countyRecord', 'cached', { patientId: patient.id })).toMatchObject({ fetchedAt: null, items: [] });
    await configureCounty();
    const infant = await call(d(), 'patients', 'register', { name: '赵小宝', noIdReason: 'infant', sex: 'M', birthDate: '2026-01-02' });
    if (infant.status !== 'created') throw new Error('setup');
    expect(await reasonOf(call(d(), 'countyRecord', 'fetch', { patientId: infant.patient.id }))).toBe('COUNTY_RECORD_NO_RESIDENT_ID');

    await call(d(), 'users', 'create', { username: 'nurse1', displayName: '护士甲', role: 'nurse', password: 'Nurse2026okay' });
    await call(d(), 'auth', 'signOut', {});
    await call(d(), 'auth', 'signIn', { username: 'nurse1', password: 'Nurse2026okay' });
    expect(await reasonOf(call(d(), 'countyRecord', 'fetch', { patientId: patient.id }))).toBe('FORBIDDEN');
  });

  it('a resident unknown to the county gets an empty record, not an error', async () => {
    await seedCountyHospitals(peer.repo);
    await configureCounty();
    const result = await call(d(), 'patients', 'register', { name: '孙无档', idNumber: makeResidentId('130324', '1990-01-01', 555) });
    if (result.status !== 'created') throw new Error('setup');
    const view = await call(d(), 'countyRecord', 'fetch', { patientId: result.patient.id });
    expect(view).toMatchObject({ items: [], refreshError: null });
    expect(view.fetchedAt).not.toBeNull();
  });
});
