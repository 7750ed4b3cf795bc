/**
 * Booking the next follow-up. The engine's next date is a deadline ("within 2 weeks", "+3 months"), not a wish:
 * a visit on any day up to it is on time (spec A7). So when the due day is full the booking moves earlier, never
 * later — to the nearest day with a free slot within the week before — and only if the whole week is full does it
 * stay on the due day, over capacity, where the calendar shows it.
 */

import { addDays, laterOf, type IsoDate } from '../../shared/dates';

/** Follow-up slots per day until a clinic sets its own (a township GP sees ~20 chronic patients in a session). */
export const DEFAULT_DAILY_CAPACITY = 20;
/** How far before the due day a full day pushes a booking. */
export const BOOKING_LOOKBACK_DAYS = 6;
/** A day and a week view need at most six weeks of rows. */
export const MAX_CALENDAR_DAYS = 42;

export function bookingDay(due: IsoDate, earliest: IsoDate, freeSlots: (day: IsoDate) => number): IsoDate {
  const first = laterOf(addDays(due, -BOOKING_LOOKBACK_DAYS), earliest);
  for (let day = due; day >= first; day = addDays(day, -1)) {
    if (freeSlots(day) > 0) return day;
  }
  return due;
}
