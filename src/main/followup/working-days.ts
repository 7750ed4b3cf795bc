/**
 * Follow-up on the clinic's working calendar (issue 14.6): the applied next date moves off a closed day to the
 * next working day (the engine's date stays in engine_next_date), and a booking on a closed day is refused. The
 * calendar is the settings feature's (src/main/settings/working-calendar.ts); the day logic is pure
 * (src/shared/working-calendar.ts).
 */

import { closedReason, nextWorkingDay, type WorkingCalendar } from '../../shared/working-calendar';
import type { Db } from '../db/open';
import { readWorkingCalendar } from '../settings/working-calendar';
import { refuse } from './context';

export type NextDateShift = { reason: 'holiday' | 'rest_day'; name: string | null };

export function workingCalendarOf(db: Db): WorkingCalendar {
  return readWorkingCalendar(db);
}

/** The next date that applies for the engine's `due`, and why it moved if it did. */
export function appliedNextDate(calendar: WorkingCalendar, due: string): { date: string; shift: NextDateShift | null } {
  const moved = nextWorkingDay(calendar, due);
  if (!moved.because) return { date: due, shift: null };
  return { date: moved.date, shift: moved.because.reason === 'holiday' ? { reason: 'holiday', name: moved.because.name } : { reason: 'rest_day', name: null } };
}

/** A booking or a chosen next date on a day the clinic is closed is refused, naming the holiday when it is one. */
export function refuseClosedDay(calendar: WorkingCalendar, date: string, field: string): void {
  const closed = closedReason(calendar, date);
  if (!closed) return;
  if (closed.reason === 'holiday') refuse('FOLLOWUP_HOLIDAY', `${date} is a holiday (${closed.name})`, { field, date, name: closed.name });
  refuse('FOLLOWUP_REST_DAY', `${date} is not a working day`, { field, date });
}
