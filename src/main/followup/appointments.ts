/** Use case: booking the next date, the calendar, day capacities, moving an appointment. */

import { randomUUID } from 'node:crypto';
import { ApiError } from '../../shared/api/errors';
import type { Appointment } from '../../shared/api/followup';
import { addDays, daysBetween } from '../../shared/dates';
import type { Disease } from '../../shared/followup';
import type { Caller } from '../api/dispatcher';
import type { Db } from '../db/open';
import { readFeatureSetting, writeFeatureSetting } from '../settings/settings-service';
import { inTransaction, nowIso, refuse, signedIn, today, type FollowupContext } from './context';
import * as repo from './repository';
import { bookingDay, DEFAULT_DAILY_CAPACITY, MAX_CALENDAR_DAYS } from './schedule';
import { queueFollowupChange } from './sync-hook';
import { refuseClosedDay, workingCalendarOf } from './working-days';
import { calendarLookup } from '../../shared/working-calendar';

const CAPACITY_KEY = 'followup.dailyCapacity';

export function appointmentOf(ctx: FollowupContext, row: repo.AppointmentRow): Appointment {
  const patient = ctx.patients.get(row.patientId);
  return {
    id: row.id,
    patientId: row.patientId,
    patientName: patient.name,
    village: patient.village,
    phone: patient.phone,
    disease: row.disease,
    date: row.apptDate,
    dueDate: row.dueDate,
    kind: row.kind,
    // 未到 from the day after: the booking is not changed, so a late visit still closes it as done.
    status: row.status === 'scheduled' && row.apptDate < today(ctx) ? 'missed' : row.status,
    rescheduledFrom: row.rescheduledFrom,
  };
}

export function appointmentFor(ctx: FollowupContext, db: Db, id: string): Appointment {
  const row = repo.appointmentById(db, id);
  if (!row) throw new ApiError('NOT_FOUND', `no appointment ${id}`);
  return appointmentOf(ctx, row);
}

export function defaultCapacity(db: Db): number {
  const value = Number(readFeatureSetting(db, CAPACITY_KEY) ?? NaN);
  return Number.isInteger(value) && value >= 0 ? value : DEFAULT_DAILY_CAPACITY;
}

/** Free follow-up slots of a day; none on a day the clinic is closed (holiday, rest day: issue 14.6). */
function freeSlots(db: Db, p: { from: string; to: string; except?: string }): (day: string) => number {
  const capacity = repo.dayCapacities(db, p.from, p.to);
  const booked = repo.bookedCounts(db, p);
  const fallback = defaultCapacity(db);
  const closed = calendarLookup(workingCalendarOf(db));
  return (day) => (closed(day) ? 0 : (capacity.get(day) ?? fallback) - (booked.get(day) ?? 0));
}

/** Books the engine's next date, moved up to a free day when that one is full (never later than the rule's). */
export function bookNext(
  ctx: FollowupContext,
  db: Db,
  p: {
    patientId: string;
    enrolmentId: string;
    disease: Disease;
    visitDate: string;
    due: string;
    kind: repo.AppointmentRow['kind'];
    recordId: string;
    now: string;
  },
): string {
  const earliest = addDays(p.visitDate, 1);
  const day = bookingDay(p.due, earliest, freeSlots(db, { from: earliest, to: p.due }));
  const id = randomUUID();
  repo.insertAppointment(db, {
    id,
    patientId: p.patientId,
    enrolmentId: p.enrolmentId,
    disease: p.disease,
    apptDate: day,
    dueDate: p.due,
    kind: p.kind,
    status: 'scheduled',
    sourceRecordId: p.recordId,
    createdAt: p.now,
    updatedAt: p.now,
  });
  queueFollowupChange(db.$client, 'appointment', id);
  return id;
}

/** SQLite's default text order (code points), which the lists used before they were sorted here. */
function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Bookings still open for a day that has passed (未到), oldest first, for the staff to call (issue 14.6). */
export function missedAppointments(ctx: FollowupContext): Appointment[] {
  return repo.scheduledBefore(ctx.db(), today(ctx)).map((row) => appointmentOf(ctx, row));
}

export function calendar(ctx: FollowupContext, p: { from: string; to: string }) {
  if (p.to < p.from || daysBetween(p.from, p.to) >= MAX_CALENDAR_DAYS)
    refuse('FOLLOWUP_CALENDAR_RANGE', `a calendar shows 1–${MAX_CALENDAR_DAYS} days`, { max: MAX_CALENDAR_DAYS });
  const db = ctx.db();
  // Within a day: by village, then name, as a village doctor works through them.
  const appointments = repo
    .appointmentsInRange(db, p.from, p.to)
    .map((row) => appointmentOf(ctx, row))
    .sort((a, b) => byCodePoint(a.date, b.date) || byCodePoint(a.village ?? '', b.village ?? '') || byCodePoint(a.patientName, b.patientName));
  const capacity = repo.dayCapacities(db, p.from, p.to);
  const fallback = defaultCapacity(db);
  const days = [];
  for (let day = p.from; day <= p.to; day = addDays(day, 1)) {
    const mine = appointments.filter((a) => a.date === day);
    days.push({
      date: day,
      capacity: capacity.get(day) ?? fallback,
      booked: mine.filter((a) => a.status === 'scheduled' || a.status === 'missed').length,
      appointments: mine,
    });
  }
  return { defaultCapacity: fallback, days };
}

export function setCapacity(ctx: FollowupContext, p: { caller: Caller | null; date?: string; capacity: number | null }): { defaultCapacity: number } {
  signedIn(p.caller);
  const db = ctx.db();
  if (p.date) repo.setDayCapacity(db, { day: p.date, capacity: p.capacity, now: nowIso(ctx) });
  else writeFeatureSetting(db, CAPACITY_KEY, p.capacity, ctx.clock);
  return { defaultCapacity: defaultCapacity(db) };
}

export function reschedule(
  ctx: FollowupContext,
  p: { caller: Caller | null; patientId: string; appointmentId: string; date: string; acceptLate: boolean },
): Appointment {
  signedIn(p.caller);
  const current = appointmentFor(ctx, ctx.db(), p.appointmentId);
  if (current.patientId !== p.patientId) throw new ApiError('NOT_FOUND', `no appointment ${p.appointmentId} for this patient`);
  // A missed booking (未到) is moved to a new day when the patient is reached.
  if (current.status !== 'scheduled' && current.status !== 'missed')
    throw new ApiError('CONFLICT', 'only a booked appointment can be moved', { reason: 'FOLLOWUP_APPOINTMENT_CLOSED' });
  if (p.date === current.date) return current;
  if (p.date < today(ctx)) refuse('FOLLOWUP_DATE_PAST', 'an appointment cannot be moved into the past', { field: 'date' });
  refuseClosedDay(workingCalendarOf(ctx.db()), p.date, 'date');
  if (p.date > current.dueDate && !p.acceptLate)
    refuse('FOLLOWUP_AFTER_DUE_DATE', 'the new date is after the date the rules set', { field: 'date', dueDate: current.dueDate });
  inTransaction(ctx, (db) => {
    if (freeSlots(db, { from: p.date, to: p.date, except: p.appointmentId })(p.date) <= 0)
      throw new ApiError('CONFLICT', 'that day is fully booked', { reason: 'FOLLOWUP_DAY_FULL', date: p.date });
    repo.moveAppointment(db, { id: p.appointmentId, date: p.date, from: current.date, now: nowIso(ctx) });
    queueFollowupChange(db.$client, 'appointment', p.appointmentId);
  });
  return appointmentFor(ctx, ctx.db(), p.appointmentId);
}
