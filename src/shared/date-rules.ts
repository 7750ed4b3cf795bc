/**
 * What a clinician may type into a date field, and which dates each kind of field accepts. Both the renderer's
 * date input and the services in main check with these functions, so a date the screen refuses is refused by
 * main too, for the same reason.
 */
import { daysInMonth, formatIsoDate, type IsoDate } from './dates';

/** Closed list of refusals; each has a zh-CN and an English text under `dates.reasons.<REASON>` in common.json. */
export const DATE_REASONS = [
  'DATE_INVALID',
  'DATE_REQUIRED',
  'DATE_TOO_EARLY',
  'DATE_IN_FUTURE',
  'DATE_IN_PAST',
  'DATE_BEFORE_BIRTH',
  'DATE_BEFORE_ENROLMENT',
] as const;
export type DateReason = (typeof DATE_REASONS)[number];

/** The earliest date any clinical field accepts (birth dates of the oldest residents included). */
export const EARLIEST_DATE: IsoDate = '1900-01-01';

const SEPARATED = /^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?$/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})$/;

/** Full-width digits and punctuation from a Chinese IME become their ASCII forms before parsing. */
function toHalfWidth(text: string): string {
  return text.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

/**
 * yyyy-MM-dd, yyyyMMdd, yyyy.M.d, yyyy/M/d and 2020年5月1日 → an ISO date; null when the text is not a real
 * calendar date. A two-digit or three-digit year is refused rather than guessed (browsers turn "20200501" into
 * year 0501 by reading the first digits as the year).
 */
export function parseDateInput(text: string): IsoDate | null {
  const clean = toHalfWidth(text).trim();
  const match = SEPARATED.exec(clean) ?? COMPACT.exec(clean);
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (year < 1000 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return formatIsoDate({ year, month, day });
}

/**
 * The kinds of date field. `past`: an event that has happened (not after today); `future`: a booking (not before
 * today); `any`: neither. Each kind also says which other dates of the same record bound it.
 */
export const DATE_FIELD_KINDS = {
  birthDate: { when: 'past', afterBirth: false, afterEnrolment: false },
  /** A diagnosis, a signed contract, a measurement, a clinic visit: happened, and not before the patient was born. */
  pastEvent: { when: 'past', afterBirth: true, afterEnrolment: false },
  /** A follow-up visit or an ending of management: happened, after birth and not before enrolment. */
  followUpEvent: { when: 'past', afterBirth: true, afterEnrolment: true },
  /** A booking or a next follow-up date. */
  booking: { when: 'future', afterBirth: true, afterEnrolment: true },
  /** Search ranges and other dates with no clinical bound. */
  any: { when: 'any', afterBirth: false, afterEnrolment: false },
} as const;
export type DateFieldKind = keyof typeof DATE_FIELD_KINDS;

export interface DateContext {
  today: IsoDate;
  birthDate?: IsoDate | null;
  enrolledOn?: IsoDate | null;
}

export type DateCheck = { ok: true; date: IsoDate } | { ok: false; reason: DateReason; limit?: IsoDate };

/** Checks an already-parsed ISO date against its field kind. */
export function checkDate(date: IsoDate, kind: DateFieldKind, context: DateContext): DateCheck {
  if (parseDateInput(date) !== date) return { ok: false, reason: 'DATE_INVALID' };
  const rule = DATE_FIELD_KINDS[kind];
  if (date < EARLIEST_DATE) return { ok: false, reason: 'DATE_TOO_EARLY', limit: EARLIEST_DATE };
  if (rule.when === 'past' && date > context.today) return { ok: false, reason: 'DATE_IN_FUTURE', limit: context.today };
  if (rule.when === 'future' && date < context.today) return { ok: false, reason: 'DATE_IN_PAST', limit: context.today };
  if (rule.afterBirth && context.birthDate && date < context.birthDate) return { ok: false, reason: 'DATE_BEFORE_BIRTH', limit: context.birthDate };
  if (rule.afterEnrolment && context.enrolledOn && date < context.enrolledOn) return { ok: false, reason: 'DATE_BEFORE_ENROLMENT', limit: context.enrolledOn };
  return { ok: true, date };
}

/** Parses what was typed and checks it: the one call a date field makes on every change. */
export function checkDateInput(text: string, kind: DateFieldKind, context: DateContext, required = false): DateCheck | null {
  if (text.trim() === '') return required ? { ok: false, reason: 'DATE_REQUIRED' } : null;
  const date = parseDateInput(text);
  if (!date) return { ok: false, reason: 'DATE_INVALID' };
  return checkDate(date, kind, context);
}
