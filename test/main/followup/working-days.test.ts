import { afterEach, describe, expect, it } from 'vitest';
import { call } from '../../../src/main/api/dispatcher';
import { refusal } from '../../support/api-refusal';
import { addDays, addMonthsClamped } from '../../../src/shared/dates';
import { DEFAULT_WORKING_CALENDAR, isoWeekday, type IsoWeekday } from '../../../src/shared/working-calendar';
import { openTestStation, type TestStation } from '../../support/test-services';
import { clinicVisit, dayFrom, resident } from './service-fixtures';

let station: TestStation | undefined;
afterEach(() => {
  station?.dispose();
  station = undefined;
});

const EVERY_WEEKDAY: IsoWeekday[] = [1, 2, 3, 4, 5, 6, 7];

/** A station with an enrolled hypertension patient and the date a controlled visit 10 days ago sets (+3 months). */
async function setUp(calendar: 'default' | 'every-day' = 'every-day') {
  station = await openTestStation({ withAdmin: true, clinicCalendar: calendar });
  const s = station;
  const d = s.services.dispatch;
  const patient = await resident(s, { name: '王建国', age: 60, village: '东湾村' });
  await call(d, 'followup', 'enrol', { patientId: patient.id, disease: 'hypertension', howFound: 'clinic_visit', enrolledOn: dayFrom(s, -200) });
  const visitDate = dayFrom(s, -10);
  return { s, d, patient, visitDate, engineDate: addMonthsClamped(visitDate, 3) };
}

describe('the clinic working calendar (settings)', () => {
  it('is Monday to Friday with no holidays until an administrator sets it', async () => {
    const { d } = await setUp('default');
    expect(await call(d, 'settings', 'workingCalendar', {})).toEqual(DEFAULT_WORKING_CALENDAR);
  });

  it('stores holidays and 调休 days one a date, sorted, and refuses impossible dates and month-long closures', async () => {
    const { d } = await setUp('default');
    const saved = await call(d, 'settings', 'setWorkingCalendar', {
      workingWeekdays: [6, 1, 2, 3, 4, 5],
      days: [
        { date: '2026-10-02', kind: 'holiday', name: '国庆节' },
        { date: '2026-10-01', kind: 'holiday', name: '国庆节' },
        { date: '2026-09-27', kind: 'workday', name: '国庆节调休' },
      ],
    });
    expect(saved.workingWeekdays).toEqual([1, 2, 3, 4, 5, 6]);
    expect(saved.days.map((day) => day.date)).toEqual(['2026-09-27', '2026-10-01', '2026-10-02']);
    expect(await call(d, 'settings', 'workingCalendar', {})).toEqual(saved);

    const impossible = await refusal(
      call(d, 'settings', 'setWorkingCalendar', { workingWeekdays: [1], days: [{ date: '2026-02-30', kind: 'holiday', name: 'x' }] }),
    );
    expect(impossible.details).toMatchObject({ reason: 'CALENDAR_DATE_INVALID', date: '2026-02-30' });
    const month = Array.from({ length: 40 }, (_, i) => ({ date: addDays('2027-01-01', i), kind: 'holiday' as const, name: '停诊' }));
    const closed = await refusal(call(d, 'settings', 'setWorkingCalendar', { workingWeekdays: EVERY_WEEKDAY, days: month }));
    expect(closed.details).toMatchObject({ reason: 'CALENDAR_CLOSED_TOO_LONG', days: 40, from: '2027-01-01' });
    // Nothing of a refused calendar was kept.
    expect(await call(d, 'settings', 'workingCalendar', {})).toEqual(saved);
  });
});

describe('next dates and bookings on the working calendar', () => {
  it('moves a next date that falls in a holiday run to the day after it, keeps the engine’s date and says why', async () => {
    const { s, d, patient, visitDate, engineDate } = await setUp();
    const run = [0, 1, 2].map((n) => ({ date: addDays(engineDate, n), kind: 'holiday' as const, name: '国庆节' }));
    await call(d, 'settings', 'setWorkingCalendar', { workingWeekdays: EVERY_WEEKDAY, days: run });
    const saved = await call(d, 'followup', 'save', { patientId: patient.id, disease: 'hypertension', form: clinicVisit(visitDate, { sbp: 128, dbp: 80 }) });
    const moved = addDays(engineDate, 3);
    expect(saved.outcome.nextDueDate).toBe(engineDate);
    expect(saved.record).toMatchObject({ engineNextDate: engineDate, nextDueDate: moved, overrideReason: null });
    expect(saved.record.nextDateShift).toEqual({ from: engineDate, reason: 'holiday', name: '国庆节' });
    expect(saved.appointment?.date).toBe(moved);
    expect(saved.appointment?.dueDate).toBe(moved);
    // The history (what the page and the printed form read) says the same.
    const [record] = (await call(d, 'followup', 'history', { patientId: patient.id })).records;
    expect(record.nextDateShift).toEqual({ from: engineDate, reason: 'holiday', name: '国庆节' });
    // The reminders count from the applied date: not overdue on the engine's.
    expect(s.services.followup.historyOf(record.enrolmentId, patient.id).at(-1)).toMatchObject({ nextDueDate: moved });
  });

  it('moves a next date off a rest day, and leaves a working day alone', async () => {
    const { d, patient, visitDate, engineDate } = await setUp();
    const closedThatWeekday = EVERY_WEEKDAY.filter((w) => w !== isoWeekday(engineDate));
    await call(d, 'settings', 'setWorkingCalendar', { workingWeekdays: closedThatWeekday, days: [] });
    const saved = await call(d, 'followup', 'save', { patientId: patient.id, disease: 'hypertension', form: clinicVisit(visitDate, { sbp: 126, dbp: 78 }) });
    expect(saved.record.nextDueDate).toBe(addDays(engineDate, 1));
    expect(saved.record.nextDateShift).toEqual({ from: engineDate, reason: 'rest_day', name: null });

    await call(d, 'settings', 'setWorkingCalendar', { workingWeekdays: EVERY_WEEKDAY, days: [] });
    const later = addDays(visitDate, 1);
    const plain = await call(d, 'followup', 'save', { patientId: patient.id, disease: 'hypertension', form: clinicVisit(later, { sbp: 126, dbp: 78 }) });
    expect(plain.record.nextDueDate).toBe(plain.record.engineNextDate);
    expect(plain.record.nextDateShift).toBeNull();
  });

  it('a 调休 working weekend day is a working day', async () => {
    const { d, patient, visitDate, engineDate } = await setUp();
    await call(d, 'settings', 'setWorkingCalendar', {
      workingWeekdays: EVERY_WEEKDAY.filter((w) => w !== isoWeekday(engineDate)),
      days: [{ date: engineDate, kind: 'workday', name: '调休上班' }],
    });
    const saved = await call(d, 'followup', 'save', { patientId: patient.id, disease: 'hypertension', form: clinicVisit(visitDate, { sbp: 126, dbp: 78 }) });
    expect(saved.record.nextDueDate).toBe(engineDate);
    expect(saved.record.nextDateShift).toBeNull();
  });

  it('refuses a chosen next date or a moved booking on a closed day, saving nothing', async () => {
    const { s, d, patient, visitDate, engineDate } = await setUp();
    const holiday = addDays(engineDate, -5);
    await call(d, 'settings', 'setWorkingCalendar', { workingWeekdays: EVERY_WEEKDAY, days: [{ date: holiday, kind: 'holiday', name: '中秋节' }] });
    const chosen = await refusal(
      call(d, 'followup', 'save', {
        patientId: patient.id,
        disease: 'hypertension',
        form: clinicVisit(visitDate, { sbp: 126, dbp: 78 }),
        overrideNextDate: holiday,
        overrideReason: '患者外出',
      }),
    );
    expect(chosen.details).toMatchObject({ reason: 'FOLLOWUP_HOLIDAY', date: holiday, name: '中秋节', field: 'overrideNextDate' });
    expect((await call(d, 'followup', 'history', { patientId: patient.id })).records).toEqual([]);

    const saved = await call(d, 'followup', 'save', { patientId: patient.id, disease: 'hypertension', form: clinicVisit(visitDate, { sbp: 126, dbp: 78 }) });
    const booking = saved.appointment!;
    const onHoliday = await refusal(call(d, 'followup', 'reschedule', { patientId: patient.id, appointmentId: booking.id, date: holiday, acceptLate: false }));
    expect(onHoliday.details).toMatchObject({ reason: 'FOLLOWUP_HOLIDAY', date: holiday, name: '中秋节' });
    const restDay = addDays(s.services.followup.today(), 3);
    await call(d, 'settings', 'setWorkingCalendar', {
      workingWeekdays: EVERY_WEEKDAY.filter((w) => w !== isoWeekday(restDay)),
      days: [{ date: holiday, kind: 'holiday', name: '中秋节' }],
    });
    const onRestDay = await refusal(call(d, 'followup', 'reschedule', { patientId: patient.id, appointmentId: booking.id, date: restDay, acceptLate: false }));
    expect(onRestDay.details).toMatchObject({ reason: 'FOLLOWUP_REST_DAY', date: restDay });
    const [still] = (await call(d, 'followup', 'history', { patientId: patient.id })).appointments;
    expect(still.date).toBe(booking.date);
  });

  it('books earlier than a full due day only on working days', async () => {
    const { d, patient, visitDate, engineDate } = await setUp();
    // The due day is full and the day before it is a holiday: the booking goes two days earlier.
    await call(d, 'followup', 'setCapacity', { date: engineDate, capacity: 0 });
    await call(d, 'settings', 'setWorkingCalendar', {
      workingWeekdays: EVERY_WEEKDAY,
      days: [{ date: addDays(engineDate, -1), kind: 'holiday', name: '清明节' }],
    });
    const saved = await call(d, 'followup', 'save', { patientId: patient.id, disease: 'hypertension', form: clinicVisit(visitDate, { sbp: 126, dbp: 78 }) });
    expect(saved.record.nextDueDate).toBe(engineDate);
    expect(saved.appointment?.date).toBe(addDays(engineDate, -2));
  });
});
