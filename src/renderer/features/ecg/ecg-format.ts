import { chinaLocalDate, completedYears } from '../../../shared/dates';
import { formatDateTime } from '../../components/dates';

/**
 * The one date-time format (yyyy-MM-dd HH:mm, the clinic's zone) for an ECG on every screen and on paper. A cart's
 * time without a zone is shown as the cart wrote it (see src/shared/date-format.ts). The locale argument is kept
 * for the call sites; the format does not vary with the language.
 */
export function formatEcgDateTime(iso: string, _locale?: string): string {
  return formatDateTime(iso);
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
