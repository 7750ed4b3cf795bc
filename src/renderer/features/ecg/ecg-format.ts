import { chinaLocalDate, completedYears } from '../../../shared/dates';
import { formatDateTimeSeconds } from '../../components/dates';

/** yyyy-MM-dd HH:mm:ss in the clinic's zone, as every screen writes times (the recordings are stored in UTC). */
export function formatEcgDateTime(iso: string, _locale?: string): string {
  return formatDateTimeSeconds(iso);
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
