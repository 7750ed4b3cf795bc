/**
 * Calendar dates as ISO-8601 local dates (`yyyy-mm-dd`) and as epoch-day integers.
 *
 * No `Date` objects on purpose: `new Date('2025-03-01')` is UTC midnight, which `getDate()` turns into Feb 28 on
 * any machine west of Greenwich, and `setMonth(+1)` on Jan 31 silently lands on Mar 3. Clinical due dates are
 * calendar days in Asia/Shanghai, so they are computed as plain civil dates here and never touch a time zone.
 */

export type IsoDate = string;

export interface CivilDate {
  year: number;
  month: number; // 1–12
  day: number; // 1–31
}

export class InvalidDateError extends Error {
  override readonly name = 'InvalidDateError';
  readonly code = 'INVALID_DATE';
  constructor(readonly value: unknown) {
    super(`not an ISO calendar date (yyyy-mm-dd): ${JSON.stringify(value)}`);
  }
}

/** China Standard Time is UTC+8 all year (no daylight saving since 1991). */
export const CHINA_UTC_OFFSET_MINUTES = 8 * 60;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1];
}

const ZERO = 48;
const DASH = 45;

function digitAt(text: string, index: number): number {
  const digit = text.charCodeAt(index) - ZERO;
  return digit >= 0 && digit <= 9 ? digit : -1;
}

function twoDigits(text: string, index: number): number {
  const high = digitAt(text, index);
  const low = digitAt(text, index + 1);
  return high < 0 || low < 0 ? -1 : high * 10 + low;
}

/**
 * yyyy-mm-dd → year·10000 + month·100 + day, or −1. Packed into one integer so that the reminder sweep, which
 * reads a few hundred thousand dates per run, allocates nothing while parsing.
 */
function scan(text: unknown): number {
  if (typeof text !== 'string' || text.length !== 10 || text.charCodeAt(4) !== DASH || text.charCodeAt(7) !== DASH) return -1;
  const century = twoDigits(text, 0);
  const yearInCentury = twoDigits(text, 2);
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  if (century < 0 || yearInCentury < 0) return -1;
  const year = century * 100 + yearInCentury;
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return -1;
  return year * 10000 + month * 100 + day;
}

function scanOrThrow(text: unknown): number {
  const packed = scan(text);
  if (packed < 0) throw new InvalidDateError(text);
  return packed;
}

function unpack(packed: number): CivilDate {
  return { year: Math.floor(packed / 10000), month: Math.floor(packed / 100) % 100, day: packed % 100 };
}

export function isIsoDate(text: unknown): text is IsoDate {
  return scan(text) >= 0;
}

export function parseIsoDate(text: IsoDate): CivilDate {
  return unpack(scanOrThrow(text));
}

export function assertIsoDate(text: unknown): asserts text is IsoDate {
  scanOrThrow(text);
}

const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

function format(year: number, month: number, day: number): IsoDate {
  if (year < 1 || year > 9999) throw new InvalidDateError({ year, month, day });
  const yyyy = year >= 1000 ? String(year) : String(year).padStart(4, '0');
  return `${yyyy}-${TWO_DIGITS[month]}-${TWO_DIGITS[day]}`;
}

export function formatIsoDate({ year, month, day }: CivilDate): IsoDate {
  return format(year, month, day);
}

/** Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's days_from_civil). */
function epochDayOf(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

export function civilToEpochDay({ year, month, day }: CivilDate): number {
  return epochDayOf(year, month, day);
}

/** Inverse of epochDayOf (Hinnant's civil_from_days), packed like scan(). */
function packedOfEpochDay(epochDay: number): number {
  const z = epochDay + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153); // 0 = March
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return year * 10000 + month * 100 + day;
}

export function epochDayToCivil(epochDay: number): CivilDate {
  return unpack(packedOfEpochDay(epochDay));
}

function epochDayOfPacked(packed: number): number {
  return epochDayOf(Math.floor(packed / 10000), Math.floor(packed / 100) % 100, packed % 100);
}

export function toEpochDay(date: IsoDate): number {
  return epochDayOfPacked(scanOrThrow(date));
}

export function fromEpochDay(epochDay: number): IsoDate {
  const packed = packedOfEpochDay(epochDay);
  return format(Math.floor(packed / 10000), Math.floor(packed / 100) % 100, packed % 100);
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return fromEpochDay(toEpochDay(date) + days);
}

/** `to − from` in calendar days (positive when `to` is later). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return toEpochDay(to) - toEpochDay(from);
}

/**
 * Calendar months with the day clamped to the target month's end: Jan 31 + 1 → Feb 28 (Feb 29 in a leap year),
 * Nov 30 + 3 → Feb 28/29. The clamped day is not carried on (Jan 31 + 1 + 1 = Mar 28, not Mar 31).
 */
export function addMonthsClampedCivil({ year, month, day }: CivilDate, months: number): CivilDate {
  const monthIndex = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(monthIndex / 12);
  const targetMonth = monthIndex - targetYear * 12 + 1;
  return { year: targetYear, month: targetMonth, day: Math.min(day, daysInMonth(targetYear, targetMonth)) };
}

export function addMonthsClamped(date: IsoDate, months: number): IsoDate {
  return formatIsoDate(addMonthsClampedCivil(parseIsoDate(date), months));
}

/**
 * How many of the dates first, first + n months, first + 2n months, … (each step clamped from the previous date,
 * as a schedule booked visit by visit would be) fall on or before `last`.
 */
export function countMonthlySteps(first: IsoDate, last: IsoDate, months: number): number {
  return countMonthlyStepsUntil(first, toEpochDay(last), months);
}

/** countMonthlySteps with the last day as an epoch day (a sweep converts its year end once). */
export function countMonthlyStepsUntil(first: IsoDate, lastEpochDay: number, months: number): number {
  if (!(months > 0)) throw new RangeError(`month step must be positive, got ${months}`);
  const end = lastEpochDay;
  const packed = scanOrThrow(first);
  let year = Math.floor(packed / 10000);
  let month = Math.floor(packed / 100) % 100;
  let day = packed % 100;
  let count = 0;
  while (epochDayOf(year, month, day) <= end) {
    count += 1;
    const monthIndex = year * 12 + month - 1 + months;
    year = Math.floor(monthIndex / 12);
    month = monthIndex - year * 12 + 1;
    day = Math.min(day, daysInMonth(year, month));
  }
  return count;
}

/**
 * Completed years on a date (age as clinicians state it). A Feb-29 birthday is reached on Mar 1 in common years,
 * as java.time `Period` counts it (spec A2).
 */
export function completedYears(birthDate: IsoDate, onDate: IsoDate): number {
  const birth = scanOrThrow(birthDate);
  const on = scanOrThrow(onDate);
  // Packed yyyymmdd: the month-day part compares like the calendar.
  const beforeBirthday = on % 10000 < birth % 10000;
  return Math.floor(on / 10000) - Math.floor(birth / 10000) - (beforeBirthday ? 1 : 0);
}

/** ISO dates of equal length sort as strings; these exist so call sites read as dates, not strings. */
export function isBefore(a: IsoDate, b: IsoDate): boolean {
  return a < b;
}

export function laterOf(a: IsoDate, b: IsoDate): IsoDate {
  return a < b ? b : a;
}

/**
 * The calendar date of an instant at a fixed UTC offset. China has one offset all year, so shifting the instant
 * and reading its UTC fields is exact — and does not depend on the machine's own time-zone setting.
 */
export function isoDateAtOffset(instant: Date, offsetMinutes: number): IsoDate {
  const shifted = new Date(instant.getTime() + offsetMinutes * 60_000);
  if (Number.isNaN(shifted.getTime())) throw new InvalidDateError(instant);
  return formatIsoDate({
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
  });
}

export function chinaLocalDate(instant: Date): IsoDate {
  return isoDateAtOffset(instant, CHINA_UTC_OFFSET_MINUTES);
}

/**
 * A reporting year that starts on the first day of `startMonth` (1 = the calendar year, spec A1). The year is
 * labelled by the calendar year in which it starts.
 */
export interface YearPeriod {
  year: number;
  start: IsoDate;
  end: IsoDate;
}

export function yearPeriod(year: number, startMonth: number): YearPeriod {
  if (!Number.isInteger(startMonth) || startMonth < 1 || startMonth > 12) {
    throw new RangeError(`year start month must be 1–12, got ${startMonth}`);
  }
  const start: CivilDate = { year, month: startMonth, day: 1 };
  const nextStart = addMonthsClampedCivil(start, 12);
  return { year, start: formatIsoDate(start), end: fromEpochDay(civilToEpochDay(nextStart) - 1) };
}

export function yearPeriodContaining(date: IsoDate, startMonth: number): YearPeriod {
  const { year, month } = parseIsoDate(date);
  return yearPeriod(month >= startMonth ? year : year - 1, startMonth);
}
