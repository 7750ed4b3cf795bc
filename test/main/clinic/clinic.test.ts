import { afterEach, describe, expect, it } from 'vitest';
import { call } from '../../../src/main/api/dispatcher';
import { createServices } from '../../../src/main/services';
import { defaultMigrationsFolder } from '../../../src/main/db/open';
import { ApiError } from '../../../src/shared/api/errors';
import { makeResidentId } from '../../../src/shared/resident-id';
import { ADMIN, openTestStation, TEST_PASSPHRASE, type TestStation } from '../../support/test-services';
import { bpReadings } from '../../support/vital-point';

let station: TestStation | undefined;
afterEach(() => {
  station?.dispose();
  station = undefined;
});

async function registered(s: TestStation, name = '张三丰') {
  const r = await call(s.services.dispatch, 'patients', 'register', { name, idNumber: makeResidentId('130321', '1958-03-12', 123) });
  if (r.status !== 'created') throw new Error('setup');
  return r.patient;
}

describe('clinic: queue, vitals, visits', () => {
  it('queue: check in, priority first, in consultation, done; survives a restart of the app', async () => {
    station = await openTestStation({ withAdmin: true });
    const d = station.services.dispatch;
    const p = await registered(station);
    const other = await call(d, 'patients', 'register', { name: '李四', noIdReason: 'unknown', birthDate: '1970-01-01', sex: 'M' });
    if (other.status !== 'created') throw new Error('setup');
    const e1 = await call(d, 'clinic', 'checkIn', { patientId: p.id });
    await expect(call(d, 'clinic', 'checkIn', { patientId: p.id })).rejects.toMatchObject({ code: 'DUPLICATE' });
    const e2 = await call(d, 'clinic', 'checkIn', { patientId: other.patient.id, priority: true });
    expect((await call(d, 'clinic', 'queue', {})).map((e) => e.id)).toEqual([e2.id, e1.id]);
    await call(d, 'clinic', 'setStatus', { entryId: e1.id, status: 'inConsultation' });
    await expect(call(d, 'clinic', 'setStatus', { entryId: e2.id, status: 'done' })).rejects.toMatchObject({ code: 'CONFLICT' });
    // Restart: a new process on the same data folder sees the same queue.
    station.services.store.close();
    const again = createServices({ dataDir: station.dataDir, migrationsFolder: defaultMigrationsFolder(), clock: station.clock, appVersion: 'test' });
    await again.store.openWithPassphrase(TEST_PASSPHRASE);
    await call(again.dispatch, 'auth', 'signIn', { username: ADMIN.username, password: ADMIN.password });
    const q = await call(again.dispatch, 'clinic', 'queue', {});
    expect(q.map((e) => [e.id, e.status])).toEqual([
      [e1.id, 'inConsultation'],
      [e2.id, 'waiting'],
    ]);
    again.store.close();
  });

  it('vitals: impossible values refused with the reason, abnormal flagged, BP mean and BMI derived', async () => {
    station = await openTestStation({ withAdmin: true });
    const d = station.services.dispatch;
    const p = await registered(station);
    const err = (await call(d, 'vitals', 'record', { patientId: p.id, input: { bloodPressure: [{ systolic: 80, diastolic: 120 }] } }).catch(
      (e) => e,
    )) as ApiError;
    expect(err.code).toBe('VALIDATION');
    expect(err.details?.reason).toBe('BP_SYSTOLIC_NOT_ABOVE_DIASTOLIC');
    expect(((await call(d, 'vitals', 'record', { patientId: p.id, input: { spo2: 130 } }).catch((e) => e)) as ApiError).details?.reason).toBe(
      'SPO2_IMPOSSIBLE',
    );
    const v = await call(d, 'vitals', 'record', {
      patientId: p.id,
      input: { bloodPressure: bpReadings([152, 94], [148, 92]), weightKg: 80, heightCm: 170, glucose: { mmolPerL: 7.4, timing: 'fasting' } },
    });
    expect(v.derived).toMatchObject({ systolic: 150, diastolic: 93, bmi: 27.7 });
    expect(v.flags.map((f) => f.code)).toEqual(expect.arrayContaining(['SBP_HIGH', 'DBP_HIGH', 'BMI_OVERWEIGHT', 'FBG_HIGH']));
    expect((await call(d, 'vitals', 'list', { patientId: p.id })).length).toBe(1);
  });

  it('visits: a closed visit is signed and read-only; a correction is a new audited version', async () => {
    station = await openTestStation({ withAdmin: true });
    const d = station.services.dispatch;
    const p = await registered(station);
    const entry = await call(d, 'clinic', 'checkIn', { patientId: p.id });
    const visit = await call(d, 'visits', 'open', { patientId: p.id, queueEntryId: entry.id });
    expect((await call(d, 'clinic', 'queue', {}))[0].status).toBe('inConsultation');
    await expect(call(d, 'visits', 'close', { patientId: p.id, visitId: visit.id })).rejects.toMatchObject({ details: { reason: 'DIAGNOSIS_REQUIRED' } });
    await call(d, 'visits', 'save', { patientId: p.id, visitId: visit.id, chiefComplaint: '头晕三天', diagnoses: [{ code: 'I10', name: '原发性高血压' }] });
    const closed = await call(d, 'visits', 'close', { patientId: p.id, visitId: visit.id });
    expect(closed).toMatchObject({ status: 'closed', clinicianName: ADMIN.displayName });
    expect((await call(d, 'clinic', 'queue', {}))[0].status).toBe('done');
    await expect(call(d, 'visits', 'save', { patientId: p.id, visitId: visit.id, plan: 'x' })).rejects.toMatchObject({ code: 'CONFLICT' });
    const fields = {
      chiefComplaint: '头晕三天',
      history: '',
      examination: '',
      diagnoses: [
        { code: 'I10', name: '原发性高血压' },
        { code: 'E11.9', name: '2型糖尿病不伴有并发症' },
      ],
      plan: '',
      prescription: '',
    };
    const v2 = await call(d, 'visits', 'correct', { patientId: p.id, visitId: visit.id, reason: '补充诊断', ...fields });
    expect(v2).toMatchObject({ version: 2, supersedes: visit.id, status: 'closed', correctionReason: '补充诊断' });
    expect((await call(d, 'visits', 'list', { patientId: p.id })).map((v) => v.version)).toEqual([2]);
    expect((await call(d, 'visits', 'list', { patientId: p.id, includeSuperseded: true })).map((v) => v.status)).toEqual(['closed', 'superseded']);
    const audit = await call(d, 'audit', 'search', { action: 'visits.correct' });
    expect(audit[0]).toMatchObject({ outcome: 'ok', patientId: p.id });
  });

  it('a nurse records vitals but cannot sign a visit', async () => {
    station = await openTestStation({ withAdmin: true });
    const d = station.services.dispatch;
    const p = await registered(station);
    await call(d, 'users', 'create', { username: 'nurse1', displayName: '李护士', role: 'nurse', password: 'Nurse2026ok' });
    await call(d, 'auth', 'signOut', {});
    await call(d, 'auth', 'signIn', { username: 'nurse1', password: 'Nurse2026ok' });
    await call(d, 'vitals', 'record', { patientId: p.id, input: { heartRate: 72 } });
    await expect(call(d, 'visits', 'open', { patientId: p.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
