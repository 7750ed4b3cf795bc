/**
 * One display format for every screen and print: yyyy-MM-dd and yyyy-MM-dd HH:mm (24 h), in the clinic's time
 * zone (a station setting, Asia/Shanghai by default), whatever the PC's own zone and the UI language are. Built
 * from Intl's parts rather than a locale's pattern, because zh-CN renders 2026/12/4 and en-US 12/04/2026.
 */
import type { IsoDate } from './dates';

export const DEFAULT_CLINIC_TIME_ZONE = 'Asia/Shanghai';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True when the runtime knows the IANA zone name (settings refuse any other). */
export function isTimeZone(name: string): boolean {
  try {
    formatterFor(name);
    return true;
  } catch {
    return false;
  }
}

interface WallClock {
  date: IsoDate;
  hh: string;
  mm: string;
  ss: string;
}

/** yyyy-MM-ddTHH:mm[:ss[.fff]] with no zone or offset: a wall-clock time as a device wrote it. */
const ZONELESS = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/;

function wallClock(instant: string | Date, timeZone: string): WallClock | null {
  // A time without a zone (an ECG cart's local clock) is shown as written: reading it as UTC and converting to the
  // clinic's zone would move it by the zone's offset (+8 h in China).
  const zoneless = typeof instant === 'string' ? ZONELESS.exec(instant) : null;
  if (zoneless) return { date: zoneless[1] as IsoDate, hh: zoneless[2], mm: zoneless[3], ss: zoneless[4] ?? '00' };
  const date = typeof instant === 'string' ? new Date(instant) : instant;
  if (Number.isNaN(date.getTime())) return null;
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(date)) parts[part.type] = part.value;
  const year = parts.year.padStart(4, '0');
  return { date: `${year}-${parts.month}-${parts.day}`, hh: parts.hour, mm: parts.minute, ss: parts.second };
}

/** The calendar day of an instant in the clinic's zone. */
export function clinicDateOf(instant: string | Date, timeZone = DEFAULT_CLINIC_TIME_ZONE): IsoDate {
  return wallClock(instant, timeZone)?.date ?? '';
}

/** yyyy-MM-dd HH:mm; an empty string for a missing or unreadable instant. */
export function formatClinicDateTime(instant: string | Date | null | undefined, timeZone = DEFAULT_CLINIC_TIME_ZONE): string {
  const w = instant ? wallClock(instant, timeZone) : null;
  return w ? `${w.date} ${w.hh}:${w.mm}` : '';
}

/** yyyy-MM-dd HH:mm:ss, for ECG acquisition times where seconds matter. */
export function formatClinicDateTimeSeconds(instant: string | Date | null | undefined, timeZone = DEFAULT_CLINIC_TIME_ZONE): string {
  const w = instant ? wallClock(instant, timeZone) : null;
  return w ? `${w.date} ${w.hh}:${w.mm}:${w.ss}` : '';
}

/** HH:mm. */
export function formatClinicTime(instant: string | Date | null | undefined, timeZone = DEFAULT_CLINIC_TIME_ZONE): string {
  const w = instant ? wallClock(instant, timeZone) : null;
  return w ? `${w.hh}:${w.mm}` : '';
}

/** A calendar date (already a civil date, no zone) or an instant, shown as yyyy-MM-dd. */
export function formatClinicDate(value: string | null | undefined, timeZone = DEFAULT_CLINIC_TIME_ZONE): string {
  if (!value) return '';
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  return clinicDateOf(value, timeZone);
}
