import { INSTITUTION_REASONS } from '../institution';
import { IDCARD_REASONS } from './idcard';
import { SECURITY_REASONS } from './system';

/**
 * Refusals as data: every service refusal carries `details.reason` from one of these closed lists, and the
 * renderer words it from `<namespace>:reasons.<REASON>` in the user's language — never from the shape of the
 * details. A feature's list sits here beside the catalog namespace that holds its texts; test/shared checks every
 * reason thrown in src/main is listed and has a zh-CN and an English text.
 *
 * Reasons from shared clinical rules keep their own lists and catalogs: resident-ID codes (ID_*, clinic-rules:idCard),
 * vitals codes (clinic-rules:vitals) and ECG reader codes (ecg:formatError).
 */
export const CLINIC_REASONS = [
  // registration (patients/)
  'NO_ID_REASON_REQUIRED',
  'NO_ID_NOTE_REQUIRED',
  'BIRTH_DATE_REQUIRED',
  'SEX_REQUIRED',
  'NAME_INVALID',
  'PHONE_INVALID',
  'VILLAGE_UNKNOWN',
  'CONTRACT_DOCTOR_REQUIRED',
  'ID_MISMATCH',
  'DUPLICATE_ID',
  'STALE_VERSION',
  'MERGE_SELF',
  'ALREADY_MERGED',
  'MERGE_CONFLICTING_RECORDS',
  'PATIENT_MERGED',
  // the day's clinic (clinic/)
  'ALREADY_CHECKED_IN',
  'QUEUE_TRANSITION',
  'DIAGNOSIS_REQUIRED',
  'VISIT_CLOSED',
  'VISIT_NOT_CLOSED',
] as const;

export const AUTH_REASONS = ['USER_EXISTS', 'LAST_ADMIN'] as const;

export const ECG_REASONS = ['ECG_NOT_ENOUGH_SIGNAL', 'ECG_PATIENT_MISMATCH'] as const;

export const CONSULT_REASONS = ['CONSULT_TARGET_NOT_CONFIGURED', 'CONSULT_CLOSED', 'ECG_TOO_LARGE'] as const;

/** 调阅县域档案: no county link set up, or nothing to ask the platform by (no resident ID). */
export const COUNTY_RECORD_REASONS = ['COUNTY_RECORD_NOT_CONFIGURED', 'COUNTY_RECORD_NO_RESIDENT_ID', 'COUNTY_RECORD_UNREACHABLE'] as const;

export const SYNC_REASONS = [
  'SYNC_NOT_CONFIGURED',
  'FILE_UNREADABLE',
  'CA_REQUIRED',
  'CA_NOT_PEM',
  'CLIENT_CERT_REQUIRED',
  'CDA_SCHEMA_NOT_FOUND',
  'EXPORT_FOLDER_NOT_ABSOLUTE',
] as const;

/** A file handle that names no file the user chose for this purpose (unknown, spent, expired), or no dialog to show. */
export const FILE_REASONS = ['FILE_HANDLE_INVALID', 'FILE_NO_DIALOG'] as const;

/** The clinic's working calendar (settings): a date that is not a calendar date, or closing the clinic for over a month. */
export const WORKING_CALENDAR_REASONS = ['CALENDAR_DATE_INVALID', 'CALENDAR_CLOSED_TOO_LONG'] as const;

/** Catalog namespace → its closed list. A reason is listed once, under the feature that refuses with it. */
export const REFUSALS = {
  clinic: CLINIC_REASONS,
  // Sign-in and users; the store and backups refusing to put data at risk (SECURITY_REASONS, system contract);
  // the station's institution code and working calendar (settings); file handles from main's dialogs.
  errors: [...AUTH_REASONS, ...SECURITY_REASONS, ...INSTITUTION_REASONS, ...WORKING_CALENDAR_REASONS, ...FILE_REASONS],
  ecg: ECG_REASONS,
  consult: CONSULT_REASONS,
  sync: SYNC_REASONS,
  countyRecord: COUNTY_RECORD_REASONS,
  idcard: IDCARD_REASONS,
} as const;

export type RefusalReason = (typeof REFUSALS)[keyof typeof REFUSALS][number];

const namespaceOf = new Map<string, string>(Object.entries(REFUSALS).flatMap(([ns, reasons]) => reasons.map((r) => [r, ns] as const)));

/** The catalog key of a listed reason (`clinic:reasons.VISIT_CLOSED`), or null for a reason no list holds. */
export function refusalKey(reason: string): string | null {
  if (reason.startsWith('FOLLOWUP_')) return `followup:reasons.${reason}`;
  const ns = namespaceOf.get(reason);
  return ns ? `${ns}:reasons.${reason}` : null;
}
