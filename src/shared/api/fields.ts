import { z } from 'zod';
import { isIsoDate } from '../dates';

/**
 * The field schemas every contract slice builds on, written once so that an id, a date or a free-text field is
 * checked the same way by every method.
 */

export const id = z.string().min(1).max(64);
/**
 * yyyy-MM-dd naming a day the calendar has: 2024-02-30 is refused at the boundary rather than stored (SQLite and
 * the date arithmetic would carry it on as text, or roll it into March), as the renderer's date field refuses it.
 * The check allocates nothing: list outputs carry thousands of dates.
 */
export const isoDate = z.string().refine(isIsoDate, { message: 'not a calendar date (yyyy-MM-dd)' });
export const finite = z.number().finite();
export const text = (max: number) => z.string().trim().max(max);
/** Free text where an empty entry means "not given". */
export const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((v) => (v === '' ? undefined : v));
