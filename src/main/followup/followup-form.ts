/**
 * The follow-up form as the engine sees it: plausibility (the clinic's own impossible-value rules, so a typo is
 * refused with the same reason on every screen), the form → engine Visit mapping, and stored rows → history.
 */

import { ApiError } from '../../shared/api/errors';
import type { FollowUpForm } from '../../shared/api/followup';
import { DEFAULT_CLINICAL_RANGES } from '../../shared/clinical-ranges';
import type { FollowUpEntry, HistoryEntry, Visit } from '../../shared/followup';
import { assessVitals, PLAUSIBLE_LIMITS, type VitalField, type VitalsError, type VitalsInput } from '../../shared/vitals';

/** The vitals module names fields by vital; the follow-up form by its own keys. */
const FORM_FIELD: Partial<Record<VitalField, keyof FollowUpForm>> = {
  systolic: 'sbp',
  diastolic: 'dbp',
  heartRate: 'heartRate',
  temperature: 'temperatureC',
  weight: 'weightKg',
  height: 'heightCm',
  glucose: 'fbg',
  bmi: 'heightCm',
};

/** HbA1c is not a vital: outside 3–20 % it is a typo or a mmol/mol value (IFCC units are 20–200). */
export const HBA1C_PERCENT_LIMITS = { min: 3, max: 20 };

function refuse(error: VitalsError, fieldOverride?: keyof FollowUpForm): never {
  const field = fieldOverride ?? (error.field ? FORM_FIELD[error.field] : undefined) ?? 'sbp';
  const params = Object.fromEntries(
    Object.entries(error).filter(([k, v]) => k !== 'code' && k !== 'field' && (typeof v === 'number' || typeof v === 'string')),
  ) as Record<string, string | number>;
  throw new ApiError('VALIDATION', `impossible value: ${error.code}`, { ...params, reason: error.code, field });
}

function firstError(input: VitalsInput): VitalsError | null {
  const assessment = assessVitals(input, DEFAULT_CLINICAL_RANGES);
  return assessment.ok ? null : assessment.errors[0];
}

/** A lone SBP or DBP is allowed (spec A8); the vitals rules want pairs, so a lone value is checked on its own. */
function loneBpError(value: number, which: 'systolic' | 'diastolic'): VitalsError | null {
  const { min, max } = PLAUSIBLE_LIMITS[which];
  if (value >= min && value <= max) return null;
  return { code: which === 'systolic' ? 'SBP_IMPOSSIBLE' : 'DBP_IMPOSSIBLE', field: which, value, min, max } as VitalsError;
}

/**
 * Refuses impossible values with the vitals rules' reason codes (SBP_IMPOSSIBLE, GLU_LOOKS_MG_DL, …) and returns
 * the BMI computed from weight and height when both are there (BMI is never typed).
 */
export function checkFormValues(form: FollowUpForm): { bmi: number | null } {
  const bp =
    form.sbp !== undefined && form.dbp !== undefined
      ? firstError({ bloodPressure: [{ systolic: form.sbp, diastolic: form.dbp }] })
      : form.sbp !== undefined
        ? loneBpError(form.sbp, 'systolic')
        : form.dbp !== undefined
          ? loneBpError(form.dbp, 'diastolic')
          : null;
  if (bp) refuse(bp);
  const others = firstError({
    heartRate: form.heartRate,
    temperatureC: form.temperatureC,
    weightKg: form.weightKg,
    heightCm: form.heightCm,
  });
  if (others) refuse(others);
  if (form.fbg !== undefined) {
    const error = firstError({ glucose: { mmolPerL: form.fbg, timing: 'fasting' } });
    if (error) refuse(error, 'fbg');
  }
  if (form.randomGlucose !== undefined) {
    const error = firstError({ glucose: { mmolPerL: form.randomGlucose, timing: 'random' } });
    if (error) refuse(error, 'randomGlucose');
  }
  if (form.weightTargetKg !== undefined) {
    const error = firstError({ weightKg: form.weightTargetKg });
    if (error) refuse(error, 'weightTargetKg');
  }
  if (form.hba1c !== undefined && (form.hba1c < HBA1C_PERCENT_LIMITS.min || form.hba1c > HBA1C_PERCENT_LIMITS.max)) {
    throw new ApiError('VALIDATION', 'HbA1c must be a percentage', {
      reason: 'FOLLOWUP_HBA1C_IMPOSSIBLE',
      field: 'hba1c',
      value: form.hba1c,
      ...HBA1C_PERCENT_LIMITS,
    });
  }
  if (form.weightKg !== undefined && form.heightCm !== undefined) {
    const assessment = assessVitals({ weightKg: form.weightKg, heightCm: form.heightCm }, DEFAULT_CLINICAL_RANGES);
    if (assessment.ok) return { bmi: assessment.derived.bmi ?? null };
  }
  return { bmi: null };
}

/** The engine's Visit (spec §8) from the form. */
export function formToVisit(form: FollowUpForm, bmi: number | null): Visit {
  const visit: Visit = {
    date: form.date,
    mode: form.mode,
    symptoms: form.symptoms,
    adr: form.adr,
    newComplication: form.newComplication,
    pregnant: form.pregnant,
    lactating: form.lactating,
    selfReportedHomeBP: form.selfReportedHomeBp,
    withHealthCheck: form.withHealthCheck,
    lifestyle: form.lifestyle,
  };
  if (form.sbp !== undefined) visit.sbp = form.sbp;
  if (form.dbp !== undefined) visit.dbp = form.dbp;
  if (form.heartRate !== undefined) visit.hr = form.heartRate;
  if (form.heartRatePersistent !== undefined) visit.hrPersistent = form.heartRatePersistent;
  if (form.fbg !== undefined) visit.fbg = form.fbg;
  if (form.randomGlucose !== undefined) visit.randomGlucose = form.randomGlucose;
  if (form.hba1c !== undefined) visit.hba1c = form.hba1c;
  if (form.weightKg !== undefined) visit.weightKg = form.weightKg;
  if (form.heightCm !== undefined) visit.heightCm = form.heightCm;
  if (bmi !== null) visit.bmi = bmi;
  if (form.temperatureC !== undefined) visit.temperatureC = form.temperatureC;
  if (form.adrDesc !== undefined) visit.adrDesc = form.adrDesc;
  if (form.complicationDesc !== undefined) visit.complicationDesc = form.complicationDesc;
  if (form.adherence !== undefined) visit.medicationAdherence = form.adherence;
  if (form.dorsalisPedis !== undefined) visit.dorsalisPedis = form.dorsalisPedis;
  if (form.hypoglycemiaReaction !== undefined) visit.hypoglycemiaReaction = form.hypoglycemiaReaction;
  return visit;
}

/** What the history needs of a stored follow-up (columns of followup_records). */
export interface StoredFollowUp {
  visitDate: string;
  mode: 'clinic' | 'home' | 'phone';
  sbp: number | null;
  dbp: number | null;
  fbg: number | null;
  hba1c: number | null;
  adr: number;
  adrDesc: string | null;
  pregnant: number;
  lactating: number;
  selfReportedHomeBp: number;
  classification: FollowUpEntry['classification'];
  action: FollowUpEntry['action'];
  nextDueDate: string | null;
  referralReason: string | null;
}

/**
 * A stored record as a history entry. Home-read BP is the patient's, not a staff measurement, so it is left out:
 * the engine recomputes control from stored values (A5), and home readings never classify (A3).
 */
export function storedToEntry(row: StoredFollowUp): FollowUpEntry {
  const entry: FollowUpEntry = {
    type: 'followup',
    date: row.visitDate,
    mode: row.mode,
    adr: row.adr === 1,
    pregnant: row.pregnant === 1,
    lactating: row.lactating === 1,
    classification: row.classification,
    action: row.action,
    nextDueDate: row.nextDueDate,
    referralReason: row.referralReason,
  };
  if (row.selfReportedHomeBp !== 1) {
    if (row.sbp !== null) entry.sbp = row.sbp;
    if (row.dbp !== null) entry.dbp = row.dbp;
  }
  if (row.fbg !== null) entry.fbg = row.fbg;
  if (row.hba1c !== null) entry.hba1c = row.hba1c;
  if (row.adrDesc !== null) entry.adrDesc = row.adrDesc;
  return entry;
}

/** Merges dated entries from several tables, oldest first; same-day entries in the order they were written. */
export function mergeHistory(entries: { entry: HistoryEntry; writtenAt: string }[]): HistoryEntry[] {
  return [...entries]
    .sort((a, b) => (a.entry.date < b.entry.date ? -1 : a.entry.date > b.entry.date ? 1 : a.writtenAt < b.writtenAt ? -1 : a.writtenAt > b.writtenAt ? 1 : 0))
    .map((e) => e.entry);
}
