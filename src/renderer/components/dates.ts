import { completedYears, toEpochDay } from '../../shared/dates';
import {
  DEFAULT_CLINIC_TIME_ZONE,
  clinicDateOf,
  formatClinicDate,
  formatClinicDateTime,
  formatClinicDateTimeSeconds,
  formatClinicTime,
} from '../../shared/date-format';

/**
 * Clinic times are shown in the clinic's zone (settings → clinicTimeZone) whatever the PC's own setting is. The
 * zone is read once after sign-in (see useClinicTimeZoneSetting) and kept here, so formatting stays a plain call.
 */
let clinicTimeZone = DEFAULT_CLINIC_TIME_ZONE;

export function setClinicTimeZone(zone: string): void {
  clinicTimeZone = zone;
}

export function getClinicTimeZone(): string {
  return clinicTimeZone;
}

/** Today in the clinic's zone (yyyy-MM-dd). The name is kept from when the zone was fixed. */
export function todayInChina(now: Date = new Date()): string {
  return clinicDateOf(now, clinicTimeZone);
}

export const clinicToday = todayInChina;

/** yyyy-MM-dd HH:mm in every language (the second argument is kept for call sites; the format does not vary). */
export function formatDateTime(iso: string | null | undefined, _locale?: string): string {
  return formatClinicDateTime(iso, clinicTimeZone);
}

export function formatDateTimeSeconds(iso: string | null | undefined): string {
  return formatClinicDateTimeSeconds(iso, clinicTimeZone);
}

export function formatTime(iso: string | null | undefined, _locale?: string): string {
  return formatClinicTime(iso, clinicTimeZone);
}

/** yyyy-MM-dd for a civil date or an instant. */
export function formatDate(value: string | null | undefined): string {
  return formatClinicDate(value, clinicTimeZone);
}

/** The calendar day of an instant in the clinic's zone (yyyy-mm-dd). */
export function clinicDayOf(iso: string): string {
  return clinicDateOf(iso, clinicTimeZone);
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
