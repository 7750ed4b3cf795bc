import { chinaLocalDate, completedYears } from '../../../shared/dates';

/** Clinic times read in China Standard Time whatever the PC's own zone (the recordings are stored in UTC). */
const CLINIC_TIME_ZONE = 'Asia/Shanghai';

export function formatEcgDateTime(iso: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { timeZone: CLINIC_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }).format(new Date(iso));
}

/**
 * First 6 (the region) and last 4 digits shown: enough to tell two people apart on a printout that leaves the
 * clinic, without the full resident ID (GB/T 35273 de-identification practice; same rule as the chart header).
 */
/** One masking rule for resident IDs on every screen and printout. */
export { maskIdNumber } from '../patients/patient-format';

/** Completed years on the day of the recording (the age the ECG normal ranges need), in China's calendar. */
export function ageAtRecording(birthDate: string, recordedAtIso: string): number {
  return completedYears(birthDate, chinaLocalDate(new Date(recordedAtIso)));
}

/** Adult ranges (AHA 2007; 诊断学) apply from 18; children's normal values depend on age and are not flagged. */
export const ADULT_FROM_YEARS = 18;
