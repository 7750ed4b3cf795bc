/**
 * The clinic's working calendar (issue 14.6): which weekdays it works, its holidays by name, and the weekend days
 * it works instead (调休, e.g. the Sunday before 国庆节). Pure functions: main moves a next follow-up date off a
 * day the clinic is closed and refuses bookings there; the renderer uses the same answers to say why.
 */

import { z } from 'zod';
import { addDays, toEpochDay, type IsoDate } from './dates';

/** ISO weekdays: 1 Monday … 7 Sunday. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** One dated entry: a holiday (closed) or an adjusted working day (调休, open though a rest day). */
export const calendarDaySchema = z.object({
  date: isoDate,
  kind: z.enum(['holiday', 'workday']),
  name: z.string().trim().min(1).max(30),
});
export type CalendarDay = z.infer<typeof calendarDaySchema>;

/** A year of public holidays and 调休 days is ~40 entries; a few years kept is well under this. */
export const MAX_CALENDAR_DAYS = 800;

export const workingCalendarSchema = z.object({
  workingWeekdays: z.array(z.number().int().min(1).max(7)).min(1).max(7),
  days: z.array(calendarDaySchema).max(MAX_CALENDAR_DAYS),
});
export type WorkingCalendar = z.infer<typeof workingCalendarSchema>;

/**
 * Monday to Friday: the public-health (基本公共卫生) staff who run follow-up keep the national working week, and a
 * centre that also books follow-ups on Saturdays ticks it in 设置 (docs/decisions.md, issue 14.6).
 */
export const DEFAULT_WORKING_CALENDAR: WorkingCalendar = { workingWeekdays: [1, 2, 3, 4, 5], days: [] };

/** Why a day is not worked: a named holiday, or a weekday the clinic does not work (a rest day). */
export type ClosedReason = { reason: 'holiday'; name: string } | { reason: 'rest_day' };

/** 1970-01-01 was a Thursday (ISO weekday 4). */
export function isoWeekday(date: IsoDate): IsoWeekday {
  return (((((toEpochDay(date) + 3) % 7) + 7) % 7) + 1) as IsoWeekday;
}

/**
 * One entry a date, sorted by date; when the same date is entered twice the later entry wins (an administrator
 * correcting a day re-enters it).
 */
export function normalizeCalendar(calendar: WorkingCalendar): WorkingCalendar {
  const byDate = new Map<string, CalendarDay>();
  for (const day of calendar.days) byDate.set(day.date, { date: day.date, kind: day.kind, name: day.name.trim() });
  return {
    workingWeekdays: [...new Set(calendar.workingWeekdays)].sort((a, b) => a - b),
    days: [...byDate.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0)),
  };
}

/** Looks dates up without scanning the list each time (a run of holidays asks several days in a row). */
export function calendarLookup(calendar: WorkingCalendar): (date: IsoDate) => ClosedReason | null {
  const entries = new Map(calendar.days.map((day) => [day.date, day]));
  const weekdays = new Set(calendar.workingWeekdays);
  return (date) => {
    const entry = entries.get(date);
    if (entry?.kind === 'workday') return null;
    if (entry?.kind === 'holiday') return { reason: 'holiday', name: entry.name };
    return weekdays.has(isoWeekday(date)) ? null : { reason: 'rest_day' };
  };
}

/** Null on a working day; otherwise why the clinic is closed that day. */
export function closedReason(calendar: WorkingCalendar, date: IsoDate): ClosedReason | null {
  return calendarLookup(calendar)(date);
}

/** The applied date and, when it moved, from which date and why (the first closed day's reason). */
export interface WorkingDayShift {
  date: IsoDate;
  movedFrom: IsoDate | null;
  because: ClosedReason | null;
}

/** How far a date may be pushed: past any real holiday run; a calendar closed this long is refused in settings. */
export const MAX_SHIFT_DAYS = 31;

/** `date` itself when the clinic works that day, else the next day it works. */
export function nextWorkingDay(calendar: WorkingCalendar, date: IsoDate): WorkingDayShift {
  const closed = calendarLookup(calendar);
  const first = closed(date);
  if (!first) return { date, movedFrom: null, because: null };
  for (let n = 1; n <= MAX_SHIFT_DAYS; n++) {
    const day = addDays(date, n);
    if (!closed(day)) return { date: day, movedFrom: date, because: first };
  }
  throw new Error(`no working day within ${MAX_SHIFT_DAYS} days after ${date}`);
}

/** The longest run of closed days within [from, to] and where it starts (settings refuse one over a month). */
export function longestClosedRun(calendar: WorkingCalendar, from: IsoDate, to: IsoDate): { days: number; from: IsoDate | null } {
  const closed = calendarLookup(calendar);
  let longest = { days: 0, from: null as IsoDate | null };
  let run = 0;
  let start: IsoDate = from;
  for (let day = from; day <= to; day = addDays(day, 1)) {
    if (!closed(day)) {
      run = 0;
      continue;
    }
    if (run === 0) start = day;
    run++;
    if (run > longest.days) longest = { days: run, from: start };
  }
  return longest;
}
