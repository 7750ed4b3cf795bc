import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { call } from '../../../src/main/api/dispatcher';
import { csvCell, UTF8_BOM } from '../../../src/main/followup/call-list';
import { refusal } from '../../support/api-refusal';
import { FOLLOWUP_REASONS } from '../../../src/shared/api/followup';
import { addDays, addMonthsClamped } from '../../../src/shared/dates';
import { openTestStation, type TestStation } from '../../support/test-services';
import { clinicVisit, dayFrom, resident } from './service-fixtures';

let station: TestStation | undefined;
afterEach(() => {
  station?.dispose();
  station = undefined;
});

async function stationWithAdmin() {
  station = await openTestStation({ withAdmin: true });
  return { s: station, d: station.services.dispatch };
}

async function enrolled(s: TestStation, disease: 'hypertension' | 't2dm', age = 58, daysAgo = 200) {
  const patient = await resident(s, { name: disease === 'hypertension' ? '王建国' : '赵秀英', age, village: '东湾村', doctor: '刘医生' });
  await call(s.services.dispatch, 'followup', 'enrol', { patientId: patient.id, disease, howFound: 'clinic_visit', enrolledOn: dayFrom(s, -daysAgo) });
  return patient;
}

describe('enrolment', () => {
  it('enrols, sets the chart flag, refuses a second open enrolment and residents under 35, and ends with a reason', async () => {
    const { s, d } = await stationWithAdmin();
    const patient = await resident(s, { name: '王建国', age: 58 });
    expect(patient.hypertension).toBe(false);
    const enrolment = await call(d, 'followup', 'enrol', {
      patientId: patient.id,
      disease: 'hypertension',
      howFound: 'screening',
      diagnosedOn: dayFrom(s, -30),
    });
    expect(enrolment).toMatchObject({
      disease: 'hypertension',
      howFound: 'screening',
      enrolledOn: s.services.followup.today(),
      enrolledByName: '管理员',
      endedOn: null,
    });
    expect((await call(d, 'patients', 'get', { patientId: patient.id })).hypertension).toBe(true);

    const again = await refusal(call(d, 'followup', 'enrol', { patientId: patient.id, disease: 'hypertension', howFound: 'screening' }));
    expect(again).toMatchObject({ code: 'DUPLICATE', details: { reason: 'FOLLOWUP_ALREADY_ENROLLED' } });
    const young = await resident(s, { name: '李小明', age: 28 });
    expect((await refusal(call(d, 'followup', 'enrol', { patientId: young.id, disease: 't2dm', howFound: 'clinic_visit' }))).details?.reason).toBe(
      'FOLLOWUP_UNDER_PROGRAMME_AGE',
    );

    const noNote = await refusal(
      call(d, 'followup', 'endEnrolment', { patientId: patient.id, enrolmentId: enrolment.id, endedOn: s.services.followup.today(), reason: 'other' }),
    );
    expect(noNote.details?.reason).toBe('FOLLOWUP_END_NOTE_REQUIRED');
    const ended = await call(d, 'followup', 'endEnrolment', {
      patientId: patient.id,
      enrolmentId: enrolment.id,
      endedOn: s.services.followup.today(),
      reason: 'moved',
      note: '迁往县城',
    });
    expect(ended).toMatchObject({ endReason: 'moved', endNote: '迁往县城', endedOn: s.services.followup.today() });
    // Ended: a follow-up has no programme to belong to.
    const visit = await refusal(
      call(d, 'followup', 'save', { patientId: patient.id, disease: 'hypertension', form: clinicVisit(s.services.followup.today(), { sbp: 130, dbp: 80 }) }),
    );
    expect(visit.details?.reason).toBe('FOLLOWUP_NOT_ENROLLED');
  });

  it('a nurse reads and records phone contacts but cannot enrol or save a visit', async () => {
    const { s, d } = await stationWithAdmin();
    const patient = await enrolled(s, 'hypertension');
    await call(d, 'users', 'create', { username: 'nurse1', displayName: '李护士', role: 'nurse', password: 'Nurse2026ok' });
    await call(d, 'auth', 'signOut', {});
    await call(d, 'auth', 'signIn', { username: 'nurse1', password: 'Nurse2026ok' });
    await expect(call(d, 'followup', 'enrol', { patientId: patient.id, disease: 't2dm', howFound: 'clinic_visit' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(
      call(d, 'followup', 'save', { patientId: patient.id, disease: 'hypertension', form: clinicVisit(dayFrom(s, 0), { sbp: 130, dbp: 80 }) }),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    const phone = await call(d, 'followup', 'phoneContact', { patientId: patient.id, disease: 'hypertension', date: dayFrom(s, 0), notes: '电话询问' });
    expect(phone.record.form.mode).toBe('phone');
    expect((await call(d, 'followup', 'history', { patientId: patient.id })).records).toHaveLength(1);
  });

  it('a nurse records the 2-week referral check (a phone call) but not the return', async () => {
    const { s, d } = await stationWithAdmin();
    const patient = await enrolled(s, 'hypertension');
    const saved = await call(d, 'followup', 'save', {
      patientId: patient.id,
      disease: 'hypertension',
      form: clinicVisit(dayFrom(s, -5), { sbp: 182, dbp: 100 }),
    });
    await call(d, 'users', 'create', { username: 'nurse1', displayName: '李护士', role: 'nurse', password: 'Nurse2026ok' });
    await call(d, 'auth', 'signOut', {});
    await call(d, 'auth', 'signIn', { username: 'nurse1', password: 'Nurse2026ok' });
    const referralId = saved.referral!.id;
    const checked = await call(d, 'followup', 'checkReferral', {
      patientId: patient.id,
      referralId,
      date: dayFrom(s, 0),
      mode: 'phone',
      outcome: 'completed',
      detail: '已在县医院住院',
    });
    expect(checked).toMatchObject({ state: 'arrived', checkDue: null });
    await expect(call(d, 'followup', 'recordReturn', { patientId: patient.id, referralId, date: dayFrom(s, 0), note: '出院' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });
});

describe('a visit and what the engine books', () => {
  it('controlled hypertension → 控制满意, next visit in 3 months, booked on that day', async () => {
    const { s, d } = await stationWithAdmin();
    const patient = await enrolled(s, 'hypertension');
    const today = s.services.followup.today();
    const saved = await call(d, 'followup', 'save', {
      patientId: patient.id,
      disease: 'hypertension',
      form: clinicVisit(today, { sbp: 132, dbp: 82, heartRate: 72, weightKg: 70, heightCm: 170 }),
    });
    expect(saved.outcome).toMatchObject({ classification: '控制满意', action: 'continue', nextDueDate: addMonthsClamped(today, 3), referralReason: null });
    expect(saved.outcome.reason.code).toBe('controlled');
    expect(saved.record).toMatchObject({
      nextDueDate: addMonthsClamped(today, 3),
      engineNextDate: addMonthsClamped(today, 3),
      overrideReason: null,
      bmi: 24.2,
    });
    expect(saved.appointment).toMatchObject({ date: addMonthsClamped(today, 3), dueDate: addMonthsClamped(today, 3), kind: 'followup', status: 'scheduled' });
    expect(saved.referral).toBeNull();
  });

  it('first uncontrolled → adjust and see again within 2 weeks; second uncontrolled → referral with its reason', async () => {
    const { s, d } = await stationWithAdmin();
    const patient = await enrolled(s, 'hypertension');
    const first = dayFrom(s, -14);
    const one = await call(d, 'followup', 'save', { patientId: patient.id, disease: 'hypertension', form: clinicVisit(first, { sbp: 152, dbp: 94 }) });
    expect(one.outcome).toMatchObject({ classification: '控制不满意', action: 'adjust_medication', nextDueDate: addDays(first, 14) });
    expect(one.outcome.reason.code).toBe('first_uncontrolled');

    const today = s.services.followup.today();
    const preview = await call(d, 'followup', 'evaluate', { patientId: patient.id, disease: 'hypertension', form: clinicVisit(today, { sbp: 148, dbp: 92 }) });
    expect(preview).toMatchObject({ action: 'refer', referralReason: '连续两次出现血压控制不满意' });
    const two = await call(d, 'followup', 'save', {
      patientId: patient.id,
      disease: 'hypertension',
      form: clinicVisit(today, { sbp: 148, dbp: 92 }),
      referral: { institution: '县人民医院', department: '心内科' },
    });
    expect(two.outcome).toMatchObject({
      classification: '控制不满意',
      action: 'refer',
      nextDueDate: addDays(today, 14),
      referralReason: '连续两次出现血压控制不满意',
    });
    expect(two.referral).toMatchObject({
      urgency: 'routine',
      reason: '连续两次出现血压控制不满意',
      institution: '县人民医院',
      department: '心内科',
      checkDue: addDays(today, 14),
      state: 'awaiting_check',
    });
    expect(two.appointment).toMatchObject({ kind: 'referral_check', dueDate: addDays(today, 14) });
    // The first visit's appointment was kept by this visit.
    const history = await call(d, 'followup', 'history', { patientId: patient.id });
    expect(history.appointments.map((a) => a.status).sort()).toEqual(['done', 'scheduled']);
  });

  it('an urgent value → urgent referral naming the criterion', async () => {
    const { s, d } = await stationWithAdmin();
    const patient = await enrolled(s, 't2dm');
    const today = s.services.followup.today();
    const saved = await call(d, 'followup', 'save', { patientId: patient.id, disease: 't2dm', form: clinicVisit(today, { fbg: 18.2, sbp: 136, dbp: 84 }) });
    expect(saved.outcome).toMatchObject({
      action: 'urgent_refer',
      classification: '控制不满意',
      referralReason: '血糖≥16.7mmol/L',
      nextDueDate: addDays(today, 14),
    });
    expect(saved.outcome.reason.code).toBe('danger_sign');
    expect(saved.referral).toMatchObject({ urgency: 'urgent', reason: '血糖≥16.7mmol/L' });
    const open = await call(d, 'followup', 'referrals', {});
    expect(open.map((r) => r.id)).toEqual([saved.referral!.id]);
  });

  it('the saved decision is the engine’s, whatever the caller sends along', async () => {
    const { s } = await stationWithAdmin();
    const patient = await enrolled(s, 'hypertension');
    // A tampered renderer: a "result" beside the form is not part of the contract and never reaches the service.
    const result = await s.services.dispatch('followup.save', {
      patientId: patient.id,
      disease: 'hypertension',
      form: clinicVisit(dayFrom(s, 0), { sbp: 186, dbp: 100 }),
      outcome: { classification: '控制满意', action: 'continue', nextDueDate: dayFrom(s, 90) },
      classification: '控制满意',
    });
    if (!result.ok) throw new Error(result.error.message);
    const saved = result.value as { record: { classification: string; action: string; nextDueDate: string } };
    expect(saved.record).toMatchObject({ action: 'urgent_refer', nextDueDate: dayFrom(s, 14) });
  });

  it('impossible values are refused with the vitals rules’ reasons', async () => {
    const { s, d } = await stationWithAdmin();
    const patient = await enrolled(s, 'hypertension');
    const save = (values: object) =>
      refusal(call(d, 'followup', 'save', { patientId: patient.id, disease: 'hypertension', form: clinicVisit(dayFrom(s, 0), values) }));
    expect((await save({ sbp: 80, dbp: 120 })).details).toMatchObject({ reason: 'BP_SYSTOLIC_NOT_ABOVE_DIASTOLIC', field: 'sbp' });
    expect((await save({ sbp: 1400 })).details).toMatchObject({ reason: 'SBP_IMPOSSIBLE', field: 'sbp' });
    expect((await save({ sbp: 130, dbp: 80, fbg: 126 })).details).toMatchObject({ reason: 'GLU_LOOKS_MG_DL', field: 'fbg' });
    expect((await save({ sbp: 130, dbp: 80, hba1c: 53 })).details).toMatchObject({ reason: 'FOLLOWUP_HBA1C_IMPOSSIBLE', field: 'hba1c' });
    expect((await save({ sbp: 130, dbp: 80, date: dayFrom(s, 1) })).details).toMatchObject({ reason: 'FOLLOWUP_DATE_IN_FUTURE' });
    expect(
      (
        await refusal(
          call(d, 'followup', 'save', { patientId: patient.id, disease: 'hypertension', form: clinicVisit(dayFrom(s, -300), { sbp: 130, dbp: 80 }) }),
        )
      ).details?.reason,
    ).toBe('FOLLOWUP_BEFORE_ENROLMENT');
  });

  it('a health check dated before the patient was born, or on a day the calendar lacks, is refused and not stored', async () => {
    const { s, d } = await stationWithAdmin();
    const patient = await enrolled(s, 'hypertension');
    const beforeBirth = await refusal(call(d, 'followup', 'recordHealthCheck', { patientId: patient.id, date: '1960-01-01' }));
    expect(beforeBirth.details).toMatchObject({ reason: 'FOLLOWUP_DATE_BEFORE_BIRTH', field: 'date' });
    const noSuchDay = await refusal(call(d, 'followup', 'recordHealthCheck', { patientId: patient.id, date: '2025-02-29' }));
    expect(noSuchDay).toMatchObject({ code: 'VALIDATION', details: { field: 'date' } });
    const history = await call(d, 'followup', 'history', { patientId: patient.id });
    expect(history.healthChecks).toEqual([]);
  });
});

describe('the schedule follows the latest visit, not the latest entry', () => {
  it('a visit entered late (back-dated) does not replace a later one', async () => {
    const { s, d } = await stationWithAdmin();
    const patient = await enrolled(s, 'hypertension');
    const today = s.services.followup.today();
    await call(d, 'followup', 'save', { patientId: patient.id, disease: 'hypertension', form: clinicVisit(today, { sbp: 128, dbp: 80 }) });
    // The paper form of a visit ten days ago is typed in afterwards: it was uncontrolled (due 4 days ago).
    const late = await call(d, 'followup', 'save', {
      patientId: patient.id,
      disease: 'hypertension',
      form: clinicVisit(dayFrom(s, -10), { sbp: 150, dbp: 96 }),
    });
    expect(late.record.nextDueDate).toBe(dayFrom(s, 4));
    const items = (await call(d, 'followup', 'reminders', { limit: 100 })).items.filter((r) => r.patientId === patient.id);
    expect(items.map((r) => r.kind)).not.toContain('overdue');
    expect(items.map((r) => r.kind)).not.toContain('due_this_week');
    // Nor does it move the booking the later visit made.
    const booked = (await call(d, 'followup', 'history', { patientId: patient.id })).appointments;
    expect(booked.map((a) => [a.status, a.date])).toEqual([['scheduled', addMonthsClamped(today, 3)]]);
    expect(late.appointment).toBeNull();
  });

  it('ending the programme cancels its bookings and takes the patient off the lists', async () => {
    const { s, d } = await stationWithAdmin();
    const patient = await enrolled(s, 'hypertension');
    const saved = await call(d, 'followup', 'save', {
      patientId: patient.id,
      disease: 'hypertension',
      form: clinicVisit(dayFrom(s, -30), { sbp: 150, dbp: 96 }),
    });
    expect((await call(d, 'followup', 'reminders', { kind: 'overdue' })).items.map((r) => r.patientId)).toEqual([patient.id]);
    await call(d, 'followup', 'endEnrolment', { patientId: patient.id, enrolmentId: saved.record.enrolmentId, endedOn: dayFrom(s, 0), reason: 'died' });
    expect((await call(d, 'followup', 'reminders', { limit: 100 })).items.filter((r) => r.patientId === patient.id && r.disease !== null)).toEqual([]);
    expect((await call(d, 'followup', 'history', { patientId: patient.id })).appointments.map((a) => a.status)).toEqual(['cancelled']);
  });
});

describe('phone contacts (spec A3)', () => {
  it('are recorded but are not face-to-face: the due date stays, the quota and the indicator do not count them', async () => {
    const { s, d } = await stationWithAdmin();
    const patient = await enrolled(s, 'hypertension', 58, 300);
    const visitDay = dayFrom(s, -100);
    const visit = await call(d, 'followup', 'save', { patientId: patient.id, disease: 'hypertension', form: clinicVisit(visitDay, { sbp: 128, dbp: 78 }) });
    const due = visit.record.nextDueDate!;
    expect(due).toBe(addMonthsClamped(visitDay, 3));

    const phone = await call(d, 'followup', 'phoneContact', {
      patientId: patient.id,
      disease: 'hypertension',
      date: dayFrom(s, -1),
      adherence: '规律',
      notes: '患者外出务工',
    });
    expect(phone.outcome).toMatchObject({ classification: null, action: 'schedule_face_to_face', nextDueDate: due });
    expect(phone.record).toMatchObject({ classification: null, nextDueDate: due });
    expect(phone.outcome.reason.code).toBe('phone_contact');

    const history = await call(d, 'followup', 'history', { patientId: patient.id });
    // Still booked: shown as 未到 (missed) once its day has passed (issue 14.6).
    expect(history.appointments.filter((a) => a.status === 'scheduled' || a.status === 'missed').map((a) => a.date)).toEqual([due]);

    const reminders = (await call(d, 'followup', 'reminders', { limit: 100 })).items.filter((r) => r.patientId === patient.id);
    const kinds = reminders.map((r) => r.kind);
    expect(kinds).toEqual(expect.arrayContaining(['overdue', 'face_to_face_required']));
    expect(reminders.find((r) => r.kind === 'overdue')).toMatchObject({
      dueDate: due,
      daysLate: -((new Date(`${due}T00:00Z`).getTime() - new Date(`${dayFrom(s, 0)}T00:00Z`).getTime()) / 86_400_000),
    });

    // Phone contacts neither classify nor count toward the four face-to-face visits.
    const year = Number(dayFrom(s, 0).slice(0, 4));
    const indicatorRows = await call(d, 'followup', 'indicatorPatients', {
      year,
      disease: 'hypertension',
      indicator: 'standardManagement',
      part: 'denominator',
    });
    const row = indicatorRows.find((r) => r.patientId === patient.id)!;
    expect(row.faceToFaceInYear).toBe(visitDay.slice(0, 4) === String(year) ? 1 : 0);
    await expect(
      call(d, 'followup', 'save', {
        patientId: patient.id,
        disease: 'hypertension',
        form: { date: dayFrom(s, 0), mode: 'phone' },
        overrideNextDate: dayFrom(s, 30),
        overrideReason: '患者外出',
      }),
    ).rejects.toMatchObject({
      details: { reason: 'FOLLOWUP_OVERRIDE_PHONE' },
    });
  });
});

describe('overriding the next date', () => {
  it('needs a reason, must follow the visit, and is written to the audit log with both dates', async () => {
    const { s, d } = await stationWithAdmin();
    const patient = await enrolled(s, 'hypertension');
    const today = s.services.followup.today();
    const form = clinicVisit(today, { sbp: 130, dbp: 80 });
    const wanted = addDays(addMonthsClamped(today, 3), 10);
    expect(
      (await refusal(call(d, 'followup', 'save', { patientId: patient.id, disease: 'hypertension', form, overrideNextDate: wanted }))).details,
    ).toMatchObject({
      reason: 'FOLLOWUP_OVERRIDE_REASON_REQUIRED',
      field: 'overrideReason',
    });
    expect(
      (
        await refusal(
          call(d, 'followup', 'save', { patientId: patient.id, disease: 'hypertension', form, overrideNextDate: today, overrideReason: '春节返乡' }),
        )
      ).details?.reason,
    ).toBe('FOLLOWUP_OVERRIDE_DATE_INVALID');
    // Nothing was stored by the refused attempts.
    expect((await call(d, 'followup', 'history', { patientId: patient.id })).records).toHaveLength(0);

    const saved = await call(d, 'followup', 'save', {
      patientId: patient.id,
      disease: 'hypertension',
      form,
      overrideNextDate: wanted,
      overrideReason: '患者外出务工，返乡后随访',
    });
    expect(saved.record).toMatchObject({ engineNextDate: addMonthsClamped(today, 3), nextDueDate: wanted, overrideReason: '患者外出务工，返乡后随访' });
    expect(saved.appointment).toMatchObject({ dueDate: wanted });
    const audit = await call(d, 'audit', 'search', { action: 'followup.overrideNextDate' });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ patientId: patient.id, outcome: 'ok', username: 'admin' });
    expect(JSON.parse(audit[0].details!)).toEqual({
      recordId: saved.record.id,
      engine: addMonthsClamped(today, 3),
      chosen: wanted,
      reason: '患者外出务工，返乡后随访',
    });
    // The engine's own date is no override: no reason asked, nothing audited.
    const other = await enrolled(s, 't2dm');
    await call(d, 'followup', 'save', {
      patientId: other.id,
      disease: 't2dm',
      form: clinicVisit(today, { fbg: 6.1 }),
      overrideNextDate: addMonthsClamped(today, 3),
    });
    expect(await call(d, 'audit', 'search', { action: 'followup.overrideNextDate' })).toHaveLength(1);
  });
});

describe('referral tracking', () => {
  it('不到位 keeps the check open 14 days later; the return closes it and counts as 到位', async () => {
    const { s, d } = await stationWithAdmin();
    const patient = await enrolled(s, 'hypertension');
    const referredOn = dayFrom(s, -20);
    const saved = await call(d, 'followup', 'save', { patientId: patient.id, disease: 'hypertension', form: clinicVisit(referredOn, { sbp: 190, dbp: 112 }) });
    const referralId = saved.referral!.id;
    expect(saved.referral).toMatchObject({ checkDue: addDays(referredOn, 14), daysLate: 6, state: 'awaiting_check' });

    const checked = await call(d, 'followup', 'checkReferral', {
      patientId: patient.id,
      referralId,
      date: dayFrom(s, -10),
      mode: 'phone',
      outcome: 'not_completed',
      detail: '尚未去县医院',
    });
    expect(checked).toMatchObject({ state: 'awaiting_check', checkDue: dayFrom(s, 4), daysLate: 0 });
    const due = (await call(d, 'followup', 'reminders', { kind: 'referral_followup_due' })).items;
    expect(due.map((r) => [r.patientId, r.dueDate])).toEqual([[patient.id, dayFrom(s, 4)]]);

    const returned = await call(d, 'followup', 'recordReturn', {
      patientId: patient.id,
      referralId,
      date: dayFrom(s, -2),
      note: '县医院调整为氨氯地平5mg每日一次',
    });
    expect(returned).toMatchObject({ state: 'returned', returnedOn: dayFrom(s, -2), checkDue: null });
    expect(returned.checks.map((c) => [c.mode, c.outcome])).toEqual([
      ['phone', 'not_completed'],
      ['return', 'completed'],
    ]);
    expect((await call(d, 'followup', 'reminders', { kind: 'referral_followup_due' })).items).toEqual([]);
    expect(await call(d, 'followup', 'referrals', {})).toEqual([]);
    await expect(call(d, 'followup', 'recordReturn', { patientId: patient.id, referralId, date: dayFrom(s, 0), note: '再次' })).rejects.toMatchObject({
      details: { reason: 'FOLLOWUP_REFERRAL_RETURNED' },
    });
  });
});

describe('scheduling', () => {
  it('a full due day books the nearest earlier day; moving needs a free day and a reason to go past the due date', async () => {
    const { s, d } = await stationWithAdmin();
    const today = s.services.followup.today();
    const due = addMonthsClamped(today, 3);
    await call(d, 'followup', 'setCapacity', { capacity: 1 });
    await call(d, 'followup', 'setCapacity', { date: addDays(due, -1), capacity: 0 });
    const first = await enrolled(s, 'hypertension');
    const second = await enrolled(s, 't2dm');
    const a = await call(d, 'followup', 'save', { patientId: first.id, disease: 'hypertension', form: clinicVisit(today, { sbp: 120, dbp: 76 }) });
    const b = await call(d, 'followup', 'save', { patientId: second.id, disease: 't2dm', form: clinicVisit(today, { fbg: 6.2 }) });
    expect(a.appointment!.date).toBe(due);
    // The due day is full and the day before is closed: two days before.
    expect(b.appointment).toMatchObject({ date: addDays(due, -2), dueDate: due });

    const week = await call(d, 'followup', 'calendar', { from: addDays(due, -3), to: addDays(due, 3) });
    expect(week.defaultCapacity).toBe(1);
    expect(week.days.map((day) => [day.date, day.capacity, day.booked])).toEqual([
      [addDays(due, -3), 1, 0],
      [addDays(due, -2), 1, 1],
      [addDays(due, -1), 0, 0],
      [due, 1, 1],
      [addDays(due, 1), 1, 0],
      [addDays(due, 2), 1, 0],
      [addDays(due, 3), 1, 0],
    ]);

    const full = await refusal(call(d, 'followup', 'reschedule', { patientId: second.id, appointmentId: b.appointment!.id, date: due }));
    expect(full).toMatchObject({ code: 'CONFLICT', details: { reason: 'FOLLOWUP_DAY_FULL' } });
    const late = await refusal(call(d, 'followup', 'reschedule', { patientId: second.id, appointmentId: b.appointment!.id, date: addDays(due, 2) }));
    expect(late.details?.reason).toBe('FOLLOWUP_AFTER_DUE_DATE');
    const moved = await call(d, 'followup', 'reschedule', { patientId: second.id, appointmentId: b.appointment!.id, date: addDays(due, 2), acceptLate: true });
    expect(moved).toMatchObject({ date: addDays(due, 2), rescheduledFrom: addDays(due, -2) });
    expect((await refusal(call(d, 'followup', 'calendar', { from: today, to: addDays(today, 60) }))).details?.reason).toBe('FOLLOWUP_CALENDAR_RANGE');
  });
});

describe('call list CSV', () => {
  it('is UTF-8 with a BOM, one row per reminder with name, phone, village, reason and due date', async () => {
    const { s, d } = await stationWithAdmin();
    const patient = await enrolled(s, 'hypertension');
    await call(d, 'followup', 'save', { patientId: patient.id, disease: 'hypertension', form: clinicVisit(dayFrom(s, -30), { sbp: 150, dbp: 96 }) });
    const csv = await call(d, 'followup', 'callListCsv', { kind: 'overdue' });
    expect(csv.content.startsWith(UTF8_BOM)).toBe(true);
    const lines = csv.content.slice(1).split('\r\n');
    expect(lines[0]).toBe('姓名,电话,村,原因,应随访日期');
    expect(lines[1]).toBe(`王建国,${patient.phone},东湾村,高血压：面对面随访已逾期16天（应于${dayFrom(s, -16)}前）,${dayFrom(s, -16)}`);
    expect(lines.slice(2)).toEqual(['']);
    expect(csv).toMatchObject({ rows: 1, fileName: `随访电话名单-${s.services.followup.today()}.csv` });
    const audit = await call(d, 'audit', 'search', { action: 'followup.callListCsv' });
    expect(audit[0]).toMatchObject({ kind: 'export', outcome: 'ok' });
  });
});

describe('CSV cells', () => {
  it.each([
    ['王建国', '王建国'],
    ['高血压：逾期3天，请联系', '高血压：逾期3天，请联系'],
    ['a,b', '"a,b"'],
    ['he said "come"', '"he said ""come"""'],
    ['two\nlines', '"two\nlines"'],
    ['=HYPERLINK("x")', `"'=HYPERLINK(""x"")"`],
    ['+86 139', "'+86 139"],
    ['-5', "'-5"],
    ['@cmd', "'@cmd"],
  ])('%j → %j (RFC 4180 quoting; formulas defused)', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });
});

describe('every refusal the service can give has a text in both languages', () => {
  const folder = path.join(__dirname, '../../../src/main/followup');
  const source = readdirSync(folder)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => readFileSync(path.join(folder, f), 'utf8'))
    .join('\n');
  const used = [...new Set([...source.matchAll(/'(FOLLOWUP_[A-Z0-9_]+)'/g)].map((m) => m[1]))];
  const catalogs = ['zh-CN', 'en'].map(
    (lang) =>
      JSON.parse(readFileSync(path.join(__dirname, `../../../src/renderer/i18n/locales/${lang}/followup.json`), 'utf8')) as { reasons: Record<string, string> },
  );

  it('finds the codes it checks, and every code used is in the contract’s closed list', () => {
    expect(used.length).toBeGreaterThan(15);
    for (const code of used) expect(FOLLOWUP_REASONS as readonly string[], code).toContain(code);
  });
  it.each(FOLLOWUP_REASONS)('%s', (code) => {
    for (const catalog of catalogs) expect(catalog.reasons[code], code).toMatch(/\S/);
  });
});
