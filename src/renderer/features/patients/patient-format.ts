import type { PatientSummary } from '../../../shared/api/patients';
import { ageOn, type Age } from '../../components/dates';

/**
 * First 6 (the region) and last 4 shown, the middle masked: enough to tell two people apart at the desk without
 * putting a whole ID number on a screen others can see (GB/T 35273 个人信息去标识化 practice).
 */
export function maskIdNumber(idNumber: string | null): string {
  if (!idNumber) return '';
  if (idNumber.length <= 10) return idNumber;
  return `${idNumber.slice(0, 6)}${'*'.repeat(idNumber.length - 10)}${idNumber.slice(-4)}`;
}

export function ageOf(patient: Pick<PatientSummary, 'birthDate'>, today: string): Age {
  return ageOn(patient.birthDate, today);
}

/** i18n key and count for an age (clinic:age.years / months / days). */
export function ageKey(age: Age): { key: string; count: number } {
  return { key: `clinic:age.${age.unit}`, count: age.value };
}

/** The stored no-ID reason is `code` or `code: note` (patient-service); the code picks the translated label. */
export function splitNoIdReason(stored: string | null): { code: string; note: string } | null {
  if (!stored) return null;
  const colon = stored.indexOf(':');
  return colon < 0 ? { code: stored, note: '' } : { code: stored.slice(0, colon), note: stored.slice(colon + 1).trim() };
}
