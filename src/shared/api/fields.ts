import { z } from 'zod';

/**
 * The field schemas every contract slice builds on, written once so that an id, a date or a free-text field is
 * checked the same way by every method.
 */

export const id = z.string().min(1).max(64);
export const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
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
