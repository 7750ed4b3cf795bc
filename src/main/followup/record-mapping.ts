/**
 * The one mapping of the 50-column follow-up record (随访服务记录表) between its three shapes: the database row
 * (typed from the drizzle schema), the contract's form and record (src/shared/api/followup.ts), and the engine's
 * history entry. Adding a field to the form means: the schema column, the contract field, and one line in
 * `formColumns` and one in `formOf` below.
 */

import type { FollowUpForm, FollowUpRecord, OutcomeData } from '../../shared/api/followup';
import type { Disease } from '../../shared/followup';
import { followupRecords } from '../db/schema/followup';
import type { StoredFollowUp } from './followup-form';

export type RecordRow = typeof followupRecords.$inferSelect;
export type NewRecordRow = typeof followupRecords.$inferInsert;

/** The form's own fields as columns (absent optional values become NULL, never zeros or empty strings). */
function formColumns(form: FollowUpForm) {
  return {
    visitDate: form.date,
    mode: form.mode,
    faceToFace: form.mode !== 'phone',
    symptoms: JSON.stringify(form.symptoms),
    symptomsOther: form.symptomsOther ?? null,
    sbp: form.sbp ?? null,
    dbp: form.dbp ?? null,
    heartRate: form.heartRate ?? null,
    heartRatePersistent: form.heartRatePersistent ?? null,
    weightKg: form.weightKg ?? null,
    weightTargetKg: form.weightTargetKg ?? null,
    heightCm: form.heightCm ?? null,
    bmiTarget: form.bmiTarget ?? null,
    temperatureC: form.temperatureC ?? null,
    dorsalisPedis: form.dorsalisPedis ?? null,
    signsOther: form.signsOther ?? null,
    fbg: form.fbg ?? null,
    randomGlucose: form.randomGlucose ?? null,
    hba1c: form.hba1c ?? null,
    hba1cDate: form.hba1cDate ?? null,
    testsOther: form.testsOther ?? null,
    lifestyle: JSON.stringify(form.lifestyle),
    adherence: form.adherence ?? null,
    adr: form.adr,
    adrDesc: form.adrDesc ?? null,
    hypoglycemiaReaction: form.hypoglycemiaReaction ?? null,
    newComplication: form.newComplication,
    complicationDesc: form.complicationDesc ?? null,
    pregnant: form.pregnant,
    lactating: form.lactating,
    selfReportedHomeBp: form.selfReportedHomeBp,
    withHealthCheck: form.withHealthCheck,
    medications: JSON.stringify(form.medications),
    insulin: form.insulin ? JSON.stringify(form.insulin) : null,
    medicationAdvice: form.medicationAdvice ?? null,
    notes: form.notes ?? null,
  } satisfies Partial<NewRecordRow>;
}

/** The form as stored; absent values stay absent (undefined, which the wire drops), never zeros or empty strings. */
export function formOf(r: RecordRow): FollowUpForm {
  return {
    date: r.visitDate,
    mode: r.mode,
    symptoms: JSON.parse(r.symptoms) as string[],
    lifestyle: JSON.parse(r.lifestyle) as FollowUpForm['lifestyle'],
    adr: r.adr,
    newComplication: r.newComplication,
    pregnant: r.pregnant,
    lactating: r.lactating,
    selfReportedHomeBp: r.selfReportedHomeBp,
    withHealthCheck: r.withHealthCheck,
    medications: JSON.parse(r.medications) as FollowUpForm['medications'],
    symptomsOther: r.symptomsOther ?? undefined,
    sbp: r.sbp ?? undefined,
    dbp: r.dbp ?? undefined,
    heartRate: r.heartRate ?? undefined,
    heartRatePersistent: r.heartRatePersistent ?? undefined,
    weightKg: r.weightKg ?? undefined,
    weightTargetKg: r.weightTargetKg ?? undefined,
    heightCm: r.heightCm ?? undefined,
    bmiTarget: r.bmiTarget ?? undefined,
    temperatureC: r.temperatureC ?? undefined,
    dorsalisPedis: r.dorsalisPedis ?? undefined,
    signsOther: r.signsOther ?? undefined,
    fbg: r.fbg ?? undefined,
    randomGlucose: r.randomGlucose ?? undefined,
    hba1c: r.hba1c ?? undefined,
    hba1cDate: r.hba1cDate ?? undefined,
    testsOther: r.testsOther ?? undefined,
    adherence: r.adherence ?? undefined,
    adrDesc: r.adrDesc ?? undefined,
    hypoglycemiaReaction: r.hypoglycemiaReaction ?? undefined,
    complicationDesc: r.complicationDesc ?? undefined,
    insulin: r.insulin === null ? undefined : (JSON.parse(r.insulin) as FollowUpForm['insulin']),
    medicationAdvice: r.medicationAdvice ?? undefined,
    notes: r.notes ?? undefined,
  };
}

export interface RecordWrite {
  id: string;
  patientId: string;
  enrolmentId: string;
  disease: Disease;
  form: FollowUpForm;
  bmi: number | null;
  outcome: OutcomeData;
  /** What applies: the engine's date, or the clinician's with `overrideReason`. */
  nextDueDate: string | null;
  overrideReason: string | null;
  /** Why the applied date is later than the engine's: the engine's fell on a closed day (null when it did not). */
  shift?: { reason: 'holiday' | 'rest_day'; name: string | null } | null;
  doctor: { id: number; displayName: string };
  createdAt: string;
}

export function recordRowOf(w: RecordWrite): NewRecordRow {
  return {
    id: w.id,
    patientId: w.patientId,
    enrolmentId: w.enrolmentId,
    disease: w.disease,
    ...formColumns(w.form),
    bmi: w.bmi,
    classification: w.outcome.classification,
    action: w.outcome.action,
    engineNextDate: w.outcome.nextDueDate,
    nextDueDate: w.nextDueDate,
    overrideReason: w.overrideReason,
    nextDateShiftReason: w.shift?.reason ?? null,
    nextDateShiftName: w.shift?.name ?? null,
    referralReason: w.outcome.referralReason,
    reasons: JSON.stringify({ reason: w.outcome.reason, reminders: w.outcome.reminders, advisories: w.outcome.advisories }),
    ruleSet: `${w.outcome.ruleSet.id}@${w.outcome.ruleSet.version}`,
    doctorId: w.doctor.id,
    doctorName: w.doctor.displayName,
    createdAt: w.createdAt,
  };
}

export function recordOf(r: RecordRow): FollowUpRecord {
  const reasons = JSON.parse(r.reasons) as Pick<FollowUpRecord, 'reason' | 'reminders' | 'advisories'>;
  return {
    id: r.id,
    patientId: r.patientId,
    enrolmentId: r.enrolmentId,
    disease: r.disease,
    form: formOf(r),
    bmi: r.bmi,
    classification: r.classification,
    action: r.action,
    engineNextDate: r.engineNextDate,
    nextDueDate: r.nextDueDate,
    overrideReason: r.overrideReason,
    nextDateShift: r.nextDateShiftReason && r.engineNextDate ? { from: r.engineNextDate, reason: r.nextDateShiftReason, name: r.nextDateShiftName } : null,
    referralReason: r.referralReason,
    reason: reasons.reason,
    reminders: reasons.reminders,
    advisories: reasons.advisories,
    ruleSet: r.ruleSet,
    doctorName: r.doctorName,
    createdAt: r.createdAt,
  };
}

/** What the engine's history needs of a stored record (followup-form.ts turns it into a HistoryEntry). */
export function storedOf(r: RecordRow): StoredFollowUp {
  return {
    visitDate: r.visitDate,
    mode: r.mode,
    sbp: r.sbp,
    dbp: r.dbp,
    fbg: r.fbg,
    hba1c: r.hba1c,
    adr: Number(r.adr),
    adrDesc: r.adrDesc,
    pregnant: Number(r.pregnant),
    lactating: Number(r.lactating),
    selfReportedHomeBp: Number(r.selfReportedHomeBp),
    classification: r.classification,
    action: r.action,
    nextDueDate: r.nextDueDate,
    referralReason: r.referralReason,
  };
}
