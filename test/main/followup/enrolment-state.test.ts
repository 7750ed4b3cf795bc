import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../../src/main/api/dispatcher';
import { defaultMigrationsFolder } from '../../../src/main/db/open';
import { openTestStation, type TestStation } from '../../support/test-services';
import { dayFrom, resident } from './service-fixtures';

/** Issue 14.1: one enrolment state per disease, follow-up's; registration's 慢病标记 only proposes enrolment. */

let s: TestStation;
beforeAll(async () => {
  s = await openTestStation({ withAdmin: true });
});
afterAll(() => s?.dispose());

const stateOf = async (patientId: string) =>
  Object.fromEntries((await call(s.services.dispatch, 'followup', 'enrolmentStates', { patientId })).map((e) => [e.disease, e.state]));

describe('one enrolment state per disease', () => {
  it('a mark at registration is a proposal until the follow-up page enrols; ending shows as ended', async () => {
    const d = s.services.dispatch;
    const p = await resident(s, { name: '标记', age: 60 });
    await call(d, 'patients', 'update', { patientId: p.id, version: p.version, hypertension: true });
    expect(await stateOf(p.id)).toEqual({ hypertension: 'proposed', t2dm: 'none' });
    // The mark alone is no enrolment: the reminder list does not know the patient as enrolled.
    expect((await call(d, 'followup', 'enrolments', { patientId: p.id })).length).toBe(0);
    const enrolment = await call(d, 'followup', 'enrol', { patientId: p.id, disease: 'hypertension', howFound: 'clinic_visit', enrolledOn: dayFrom(s, -10) });
    expect(await stateOf(p.id)).toEqual({ hypertension: 'enrolled', t2dm: 'none' });
    // Enrolling in a programme not marked at registration sets the mark too: the record and the state agree.
    await call(d, 'followup', 'enrol', { patientId: p.id, disease: 't2dm', howFound: 'clinic_visit' });
    expect((await call(d, 'patients', 'get', { patientId: p.id })).diabetes).toBe(true);
    await call(d, 'followup', 'endEnrolment', { patientId: p.id, enrolmentId: enrolment.id, endedOn: dayFrom(s, 0), reason: 'moved' });
    expect(await stateOf(p.id)).toEqual({ hypertension: 'ended', t2dm: 'enrolled' });
  });

  it('migration 0020 gives every enrolled record its mark back, so the two never disagree', async () => {
    const d = s.services.dispatch;
    const p = await resident(s, { name: '合并', age: 55 });
    await call(d, 'followup', 'enrol', { patientId: p.id, disease: 'hypertension', howFound: 'clinic_visit' });
    const sqlite = s.services.store.current.sqlite;
    sqlite.prepare('UPDATE patients SET hypertension = 0 WHERE id = ?').run(p.id); // as before 14.1 a record could be
    const file = readFileSync(path.join(defaultMigrationsFolder(), '0020_followup_one_enrolment_state.sql'), 'utf8');
    for (const statement of file.split('--> statement-breakpoint')) sqlite.exec(statement);
    expect((await call(d, 'patients', 'get', { patientId: p.id })).hypertension).toBe(true);
    expect(await stateOf(p.id)).toEqual({ hypertension: 'enrolled', t2dm: 'none' });
  });
});

describe('a second follow-up the same day (issue 14.6)', () => {
  it('is refused with FOLLOWUP_SAME_DAY until confirmed, for visits and phone contacts alike; nothing is written meanwhile', async () => {
    const d = s.services.dispatch;
    const p = await resident(s, { name: '同天', age: 58 });
    await call(d, 'followup', 'enrol', { patientId: p.id, disease: 'hypertension', howFound: 'clinic_visit', enrolledOn: dayFrom(s, -30) });
    const form = { date: dayFrom(s, -2), mode: 'clinic' as const, sbp: 132, dbp: 84 };
    await call(d, 'followup', 'save', { patientId: p.id, disease: 'hypertension', form });
    const refused = await call(d, 'followup', 'save', { patientId: p.id, disease: 'hypertension', form }).then(
      () => null,
      (err: { details?: { reason?: string } }) => err.details?.reason,
    );
    expect(refused).toBe('FOLLOWUP_SAME_DAY');
    const phone = await call(d, 'followup', 'phoneContact', { patientId: p.id, disease: 'hypertension', date: dayFrom(s, -2) }).then(
      () => null,
      (err: { details?: { reason?: string } }) => err.details?.reason,
    );
    expect(phone).toBe('FOLLOWUP_SAME_DAY');
    expect((await call(d, 'followup', 'history', { patientId: p.id })).records.length).toBe(1);
    await call(d, 'followup', 'save', { patientId: p.id, disease: 'hypertension', form, confirmSameDay: true });
    // Another day, or another programme the same day, asks nothing.
    await call(d, 'followup', 'phoneContact', { patientId: p.id, disease: 'hypertension', date: dayFrom(s, -1) });
    expect((await call(d, 'followup', 'history', { patientId: p.id })).records.length).toBe(3);
  });
});

describe('missed bookings (issue 14.6)', () => {
  it('a booking not kept is 未到 from the day after, listed to follow up, and a later visit still closes it', async () => {
    const d = s.services.dispatch;
    const p = await resident(s, { name: '未到', age: 62 });
    await call(d, 'followup', 'enrol', { patientId: p.id, disease: 'hypertension', howFound: 'clinic_visit', enrolledOn: dayFrom(s, -40) });
    const saved = await call(d, 'followup', 'save', {
      patientId: p.id,
      disease: 'hypertension',
      form: { date: dayFrom(s, -20), mode: 'clinic', sbp: 150, dbp: 96 },
    });
    const booked = saved.appointment!;
    expect(booked.date <= dayFrom(s, -6)).toBe(true); // first uncontrolled: back within 14 days, which have passed
    const missed = await call(d, 'followup', 'missedAppointments', {});
    expect(missed.find((a) => a.id === booked.id)).toMatchObject({ status: 'missed', patientName: '未到' });
    const onItsDay = await call(d, 'followup', 'calendar', { from: booked.date, to: booked.date });
    expect(onItsDay.days[0].appointments.find((a) => a.id === booked.id)?.status).toBe('missed');
    // The patient comes late: the visit closes the booking, which leaves the list.
    await call(d, 'followup', 'save', { patientId: p.id, disease: 'hypertension', form: { date: dayFrom(s, 0), mode: 'clinic', sbp: 132, dbp: 82 } });
    expect((await call(d, 'followup', 'missedAppointments', {})).some((a) => a.id === booked.id)).toBe(false);
  });
});
