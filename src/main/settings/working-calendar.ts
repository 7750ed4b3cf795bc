/**
 * The clinic's working calendar as a setting of its own (key `workingCalendar`): read by follow-up when it moves a
 * next date and checks a booking, edited by an administrator in 设置. Stored normalized (one entry a date, sorted).
 */

import { ApiError } from '../../shared/api/errors';
import { addDays, isIsoDate } from '../../shared/dates';
import {
  DEFAULT_WORKING_CALENDAR,
  longestClosedRun,
  MAX_SHIFT_DAYS,
  normalizeCalendar,
  workingCalendarSchema,
  type WorkingCalendar,
} from '../../shared/working-calendar';
import type { Clock } from '../clock';
import type { Db } from '../db/open';
import { readFeatureSetting, writeFeatureSetting } from './settings-service';

const KEY = 'workingCalendar';

export function readWorkingCalendar(db: Db): WorkingCalendar {
  const parsed = workingCalendarSchema.safeParse(readFeatureSetting(db, KEY));
  return parsed.success ? normalizeCalendar(parsed.data) : DEFAULT_WORKING_CALENDAR;
}

/**
 * Refuses a date that is no calendar day and a calendar that closes the clinic for longer than a next date may be
 * moved (the move would have nowhere to go); otherwise stores it whole.
 */
export function writeWorkingCalendar(db: Db, input: WorkingCalendar, clock: Clock): WorkingCalendar {
  const calendar = normalizeCalendar(workingCalendarSchema.parse(input));
  for (const day of calendar.days)
    if (!isIsoDate(day.date)) throw new ApiError('VALIDATION', `not a calendar date: ${day.date}`, { reason: 'CALENDAR_DATE_INVALID', date: day.date });
  const from = addDays(calendar.days[0]?.date ?? '2000-01-03', -7);
  const to = addDays(calendar.days.at(-1)?.date ?? '2000-01-03', MAX_SHIFT_DAYS + 7);
  const run = longestClosedRun(calendar, from, to);
  if (run.days > MAX_SHIFT_DAYS)
    throw new ApiError('VALIDATION', `closed ${run.days} days in a row from ${run.from}`, {
      reason: 'CALENDAR_CLOSED_TOO_LONG',
      days: run.days,
      from: run.from,
    });
  writeFeatureSetting(db, KEY, calendar, clock);
  return calendar;
}
