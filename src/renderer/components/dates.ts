import { chinaLocalDate, completedYears, toEpochDay } from '../../shared/dates';

/** Clinic times are shown in China Standard Time whatever the PC's own time-zone setting is. */
const CLINIC_TIME_ZONE = 'Asia/Shanghai';

export function todayInChina(now: Date = new Date()): string {
  return chinaLocalDate(now);
}

export function formatDateTime(iso: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, {
    timeZone: CLINIC_TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(new Date(iso));
}

export function formatTime(iso: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { timeZone: CLINIC_TIME_ZONE, hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(iso));
}

/** The calendar day of an instant in China (yyyy-mm-dd). */
export function clinicDayOf(iso: string): string {
  return chinaLocalDate(new Date(iso));
}

export type Age = { unit: 'years'; value: number } | { unit: 'months'; value: number } | { unit: 'days'; value: number };

/**
 * Age as clinicians state it: completed years from one year on, completed months under one, days under a month
 * (a newborn's age in days is what the infant schedule needs).
 */
export function ageOn(birthDate: string, onDate: string): Age {
  const years = completedYears(birthDate, onDate);
  if (years >= 1) return { unit: 'years', value: years };
  const [by, bm, bd] = birthDate.split('-').map(Number);
  const [oy, om, od] = onDate.split('-').map(Number);
  const months = (oy - by) * 12 + (om - bm) - (od < bd ? 1 : 0);
  if (months >= 1) return { unit: 'months', value: months };
  return { unit: 'days', value: Math.max(0, toEpochDay(onDate) - toEpochDay(birthDate)) };
}

/** Whole minutes from `fromIso` to `to`, never negative (a PC clock a little behind the station's). */
export function minutesBetween(fromIso: string, to: Date): number {
  return Math.max(0, Math.floor((to.getTime() - new Date(fromIso).getTime()) / 60_000));
}
