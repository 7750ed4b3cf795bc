/**
 * Chronic-disease follow-up (hypertension, type 2 diabetes) under 国家基本公共卫生服务规范 (第三版, 2017).
 * Types of the engine contract (specs/followup-rules.md §8), the rule-set shape, and the reason texts.
 *
 * Reasons: every outcome, reminder and advisory carries `reason = { code, zh, en }` — a stable machine code
 * (for filters, i18n overrides and audit) plus ready zh-CN and English sentences with the patient's values and the
 * rule's thresholds filled in. The texts come only from the builders below, so code and text never disagree.
 */

import type { IsoDate } from './dates';

// ---------------------------------------------------------------------------------------------------------------
// Engine contract (spec §8)

export type Disease = 'hypertension' | 't2dm';
/** clinic and home are face-to-face; phone is not (spec A3). */
export type Mode = 'clinic' | 'home' | 'phone';
export type Classification = '控制满意' | '控制不满意' | '不良反应' | '并发症';
export type Action = 'continue' | 'adjust_medication' | 'refer' | 'urgent_refer' | 'remeasure' | 'schedule_face_to_face' | 'contact_patient' | 'none';
export type ReminderCode =
  | 'overdue'
  | 'referral_followup_due'
  | 'face_to_face_required'
  | 'data_incomplete'
  | 'annual_check_due'
  | 'elderly_annual_health_management_due'
  | 'quota_at_risk';
export type MedicationAdherence = '规律' | '间断' | '不服药';

export interface FollowUpPatient {
  sex: 'M' | 'F';
  birthDate: IsoDate;
  idCard?: string;
  conditions?: { icd10: string; name?: string }[];
}

export interface ReminderCheck {
  type: 'reminder_check';
  asOf: IsoDate;
}

export interface FollowUpInput {
  disease: Disease;
  patient: FollowUpPatient;
  /** Oldest first; entries dated after the visit are ignored. The visit being evaluated is not part of it. */
  history: HistoryEntry[];
  /** A visit now, or "what is due as of this date". */
  visit: Visit | ReminderCheck;
}

export interface HealthCheckEntry {
  type: 'health_check';
  date: IsoDate;
}

export interface FollowUpEntry {
  type: 'followup';
  date: IsoDate;
  mode: Mode;
  sbp?: number;
  dbp?: number;
  fbg?: number;
  hba1c?: number;
  adr?: boolean;
  adrDesc?: string;
  pregnant?: boolean;
  lactating?: boolean;
  classification: Classification | null;
  action: Action;
  nextDueDate: IsoDate | null;
  referralReason?: string | null;
}

export interface ReferralTrackingEntry {
  type: 'referral_tracking';
  date: IsoDate;
  /** 到位 = completed, 不到位 = not_completed. */
  outcome: 'completed' | 'not_completed';
  detail?: string;
}

export type HistoryEntry = HealthCheckEntry | FollowUpEntry | ReferralTrackingEntry;

export interface Visit {
  date: IsoDate;
  mode: Mode;
  sbp?: number; // mmHg
  dbp?: number; // mmHg
  hr?: number; // /min
  hrPersistent?: boolean;
  fbg?: number; // mmol/L, fasting
  randomGlucose?: number; // mmol/L
  hba1c?: number; // %
  weightKg?: number;
  heightCm?: number;
  bmi?: number;
  temperatureC?: number;
  /** Chinese terms of the form, e.g. '心悸', '胸闷', '剧烈头痛或头晕'. */
  symptoms?: string[];
  adr?: boolean;
  adrDesc?: string;
  newComplication?: boolean;
  complicationDesc?: string;
  pregnant?: boolean;
  lactating?: boolean;
  /** The BP values are the patient's own home readings, not measured by staff. */
  selfReportedHomeBP?: boolean;
  /** The annual health check (elderly health management at 65+) was done together with this visit. */
  withHealthCheck?: boolean;
  lifestyle?: object;
  medicationAdherence?: MedicationAdherence;
  dorsalisPedis?: string;
  hypoglycemiaReaction?: string;
}

export interface Reason {
  code: ReasonCode;
  zh: string;
  en: string;
}

export interface FollowUpReminder {
  code: ReminderCode;
  dueDate?: IsoDate;
  daysLate?: number;
  year?: number;
  faceToFaceDone?: number;
  required?: number;
  fields?: MeasureField[];
  reason: Reason;
}

export interface FollowUpOutcome {
  classification: Classification | null;
  action: Action;
  nextDueDate: IsoDate | null;
  /** Chinese text naming the criterion (spec §8 wording); several criteria are joined by '；'. */
  referralReason: string | null;
  /** Order does not matter. */
  reminders: FollowUpReminder[];
  /** Why this action: the decision-table row (or the status of a reminder check). */
  reason: Reason;
  /** Newer-guideline targets, shown next to the result; they never change the fields above (spec §5). */
  advisories: Advisory[];
}

// ---------------------------------------------------------------------------------------------------------------
// Rule sets (the data the engine reads; packs live in src/main/followup/rule-packs)

export interface LocalizedText {
  zh: string;
  en: string;
}

/** A BP target for patients aged `fromAge` and over, until the next band. Targets are "below" (strict). */
export interface BpTargetBand {
  fromAge: number;
  sbpBelow: number;
  dbpBelow: number;
}

export interface RuleSet {
  id: string;
  version: string;
  title: LocalizedText;
  sources: string[];
  /** First month of the reporting year for the quota, indicators and annual check (spec A1: 1 = calendar year). */
  yearStartMonth: number;
  faceToFacePerYear: number;
  /** "Within 2 weeks" = visit + this many days, inclusive (spec A7). */
  recheckDays: number;
  /** 控制满意 → next visit this many calendar months later, clamped to the month end (spec A7). */
  controlledIntervalMonths: number;
  /** The "due this week" window of the reminder list: today … today + days − 1. */
  dueSoonDays: number;
  /** Elderly health management (老年人健康管理) from this age (spec §3). */
  elderlyFromAge: number;
  /** What counts as 规范管理 in the indicator (spec §1 Indicators; see docs/followup-rules.md). */
  standardManagement: { minFaceToFace: number; requireAnnualHealthCheck: boolean };
  hypertension: {
    /** Age bands; the band with the highest `fromAge` ≤ age applies (spec §1, A10). */
    targets: BpTargetBand[];
    urgent: {
      sbpAtLeast: number;
      dbpAtLeast: number;
      dangerSymptoms: string[];
      /** "Pregnant or lactating with BP above normal" = at or above these. */
      pregnancySbpAtLeast: number;
      pregnancyDbpAtLeast: number;
    };
  };
  t2dm: {
    fbgBelow: number;
    /** Hypoglycaemia at or below this while on glucose-lowering drugs is recorded as an ADR (spec A9). */
    hypoglycaemiaAdrAtMost: number;
    urgent: {
      glucoseAtLeast: number;
      glucoseAtMost: number;
      sbpAtLeast: number;
      dbpAtLeast: number;
      /** Only a persistent rate counts (spec §2). */
      hrAbove: number;
      temperatureAbove: number;
      dangerSymptoms: string[];
      /** Danger symptoms that are routine on their own (spec A12: isolated 多饮 or 多尿). */
      urgentOnlyWithOtherSigns: string[];
      /** "Pregnant or lactating with glucose above normal": fasting glucose at or above this. */
      pregnancyFbgAtLeast: number;
    };
  };
  /** Newer-guideline targets shown beside the classification; null shows none. */
  advisory: AdvisoryPack | null;
}

export interface AdvisoryBpBand extends BpTargetBand {
  source: string;
}

export interface AdvisoryPack {
  id: string;
  version: string;
  title: LocalizedText;
  hypertension: { bpTargets: AdvisoryBpBand[] };
  t2dm: {
    hba1cBelow: number;
    hba1cSource: string;
    fbgRange: { atLeast: number; atMost: number; source: string };
    bpTarget: { sbpBelow: number; dbpBelow: number; source: string };
  };
}

export type AdvisoryCode = 'advisory_bp_target' | 'advisory_hba1c_target' | 'advisory_fbg_range';

export interface Advisory {
  code: AdvisoryCode;
  packId: string;
  met: boolean;
  /** The measured value as shown, e.g. '150/85 mmHg', '8.2 %'. */
  measured: string;
  /** The target as shown, e.g. '<130/80 mmHg'. */
  target: string;
  source: string;
  reason: Reason;
}

// ---------------------------------------------------------------------------------------------------------------
// Reminder list (src/main/followup/reminders.ts)

/**
 * The minimal per-patient summary a database query produces cheaply: one row per patient with, per enrolment,
 * the last face-to-face visit, the last phone contact, the last referral and referral check, and this year's
 * face-to-face dates.
 */
export interface FollowUpPatientState {
  patientId: string;
  birthDate: IsoDate;
  village: string | null;
  familyDoctor: string | null;
  phone: string | null;
  /** Latest annual health check / elderly health management date, any year. */
  lastHealthCheckDate: IsoDate | null;
  enrolments: EnrolmentState[];
}

export interface LastFaceToFace {
  date: IsoDate;
  action: Action;
  nextDueDate: IsoDate | null;
  sbp?: number | null;
  dbp?: number | null;
  fbg?: number | null;
}

export interface EnrolmentState {
  disease: Disease;
  enrolledOn: IsoDate;
  /** Left the programme (died, moved away); no reminders from this date on. */
  endedOn?: IsoDate | null;
  lastFaceToFace: LastFaceToFace | null;
  /** Face-to-face follow-up dates, at least all of those since the start of the reporting year containing today. */
  recentFaceToFaceDates: IsoDate[];
  lastPhoneContactDate: IsoDate | null;
  /** Latest visit whose action was refer or urgent_refer. */
  lastReferral: { date: IsoDate; urgent: boolean } | null;
  lastReferralCheck: { date: IsoDate; outcome: 'completed' | 'not_completed' } | null;
}

/**
 * What the reminder sweep needs of one open enrolment, worked out from its history once and independent of the
 * sweep's date and of the patient's record (so a write to the history is the only thing that changes it). The
 * station keeps one per open enrolment in `followup_due_state`, written in the transaction of every follow-up,
 * enrolment or referral change; the pure sweep derives the same from an EnrolmentState (dueFactsOf, engine.ts).
 */
export interface DueFacts {
  disease: Disease;
  /** null only in the engine's own checks, whose input has no enrolment date. */
  enrolledOn: IsoDate | null;
  endedOn: IsoDate | null;
  /** The pending face-to-face due date (pendingFaceToFaceDue). */
  dueOn: IsoDate | null;
  /** The open referral's check date (pendingReferralCheckDue); null when no check is pending. */
  referralCheckDueOn: IsoDate | null;
  /** The latest face-to-face visit; null when the patient was never seen face to face. */
  lastVisitOn: IsoDate | null;
  /** A phone contact came after the latest face-to-face visit. */
  phoneSinceVisit: boolean;
  /** Staff-measured values of the latest face-to-face visit (data_incomplete needs the patient's age at it). */
  sbp: number | null;
  dbp: number | null;
  fbg: number | null;
  /** Quota position (A11): the reporting year of the latest face-to-face visit and the visits made in it. */
  yearStart: IsoDate | null;
  yearVisits: number;
}

/** A person as the sweep sees them: what the reminders are computed from, nothing to show. */
export interface DuePerson {
  patientId: string;
  birthDate: IsoDate;
  /** Latest annual health check / elderly health management date known to be in the sweep's year, or null. */
  lastHealthCheckDate: IsoDate | null;
  enrolments: readonly DueFacts[];
}

export type ReminderKind = ReminderCode | 'due_this_week';

/** One reminder of the sweep, pointing at the person it is about (names and villages are looked up to show it). */
export interface DueItem<P extends DuePerson = DuePerson> extends ReminderFacts {
  person: P;
}

/** What a reminder says, whether it points at the person (the sweep) or at a patient id (the list shown). */
interface ReminderFacts {
  kind: ReminderKind;
  /** null for per-person items (annual health check, elderly health management). */
  disease: Disease | null;
  dueDate: IsoDate | null;
  /** 0 when not late. */
  daysLate: number;
  year?: number;
  faceToFaceDone?: number;
  required?: number;
  fields?: MeasureField[];
  reason: Reason;
}

export interface ReminderItem extends ReminderFacts {
  patientId: string;
  village: string | null;
  familyDoctor: string | null;
  phone: string | null;
}

// ---------------------------------------------------------------------------------------------------------------
// Indicators (src/main/followup/indicators.ts)

export interface IndicatorFollowUp {
  disease: Disease;
  date: IsoDate;
  mode: Mode;
  sbp?: number | null;
  dbp?: number | null;
  fbg?: number | null;
}

export interface IndicatorPatient {
  patientId: string;
  birthDate: IsoDate;
  enrolments: { disease: Disease; enrolledOn: IsoDate; endedOn?: IsoDate | null }[];
  /** Any order; at least those of the reporting year. */
  followups: IndicatorFollowUp[];
  healthCheckDates?: IsoDate[];
}

export interface Indicator {
  numerator: number;
  denominator: number;
  /** numerator ÷ denominator as a fraction (×100 for %); null when nobody is managed. */
  rate: number | null;
  numeratorIds: string[];
  denominatorIds: string[];
}

export interface DiseaseIndicators {
  /** 规范管理率 */
  standardManagement: Indicator;
  /** 血压控制率 (hypertension) or 血糖控制率 (t2dm) */
  control: Indicator;
  /** Managed, but no face-to-face follow-up in the year: counted as not at target. */
  lostToFollowUpIds: string[];
  /** Latest face-to-face follow-up lacked a value needed to show the target: counted as not at target. */
  latestValueMissingIds: string[];
}

export interface YearIndicators {
  year: number;
  start: IsoDate;
  end: IsoDate;
  hypertension: DiseaseIndicators;
  t2dm: DiseaseIndicators;
}

// ---------------------------------------------------------------------------------------------------------------
// Reasons

export type MeasureField = 'sbp' | 'dbp' | 'fbg';

export type DecisionCode =
  | 'danger_sign' // row 1
  | 'complication' // row 2
  | 'uncontrolled_twice' // row 3
  | 'adr_twice' // row 4
  | 'control_undetermined' // row 5
  | 'first_uncontrolled' // row 6
  | 'first_adr' // row 6
  | 'controlled' // row 7
  | 'phone_contact' // phone row
  | 'check_contact_patient'
  | 'check_schedule_face_to_face'
  | 'check_nothing_due';

export type ReasonCode = DecisionCode | ReminderKind | AdvisoryCode;

export type ReferralCriterionCode =
  | 'bp_crisis'
  | 'danger_symptoms'
  | 'pregnancy_bp'
  | 'pregnancy_glucose'
  | 'tachycardia'
  | 'hyperglycaemia'
  | 'hypoglycaemia'
  | 'fever'
  | 'uncontrolled_twice'
  | 'adr_hard_to_control'
  | 'complication';

export interface ReferralCriterion extends LocalizedText {
  code: ReferralCriterionCode;
}

const DISEASE_NAME: Record<Disease, LocalizedText> = {
  hypertension: { zh: '高血压', en: 'Hypertension' },
  t2dm: { zh: '2型糖尿病', en: 'Type 2 diabetes' },
};

const FIELD_NAME: Record<MeasureField, LocalizedText> = {
  sbp: { zh: '收缩压', en: 'systolic BP' },
  dbp: { zh: '舒张压', en: 'diastolic BP' },
  fbg: { zh: '空腹血糖', en: 'fasting glucose' },
};

export function diseaseName(disease: Disease): LocalizedText {
  return DISEASE_NAME[disease];
}

/** Glucose is shown with one decimal as on the form (7 → '7.0'). */
export function formatGlucose(mmolPerL: number): string {
  return mmolPerL.toFixed(1);
}

function formatOptional(value: number | null | undefined, format: (v: number) => string = String): string {
  return value == null ? '—' : format(value);
}

export function formatBp(sbp: number | null | undefined, dbp: number | null | undefined): string {
  return `${formatOptional(sbp)}/${formatOptional(dbp)}`;
}

export const referralCriteria = {
  bpCrisis: (sbpAtLeast: number, dbpAtLeast: number): ReferralCriterion => ({
    code: 'bp_crisis',
    zh: `收缩压≥${sbpAtLeast}mmHg和（或）舒张压≥${dbpAtLeast}mmHg`,
    en: `SBP ≥${sbpAtLeast} mmHg and/or DBP ≥${dbpAtLeast} mmHg`,
  }),
  dangerSymptoms: (symptoms: string[]): ReferralCriterion => ({
    code: 'danger_symptoms',
    zh: `危急症状：${symptoms.join('、')}`,
    en: `danger symptoms: ${symptoms.join(', ')}`,
  }),
  pregnancyBp: (): ReferralCriterion => ({
    code: 'pregnancy_bp',
    zh: '妊娠期或哺乳期同时血压高于正常',
    en: 'pregnant or lactating with BP above normal',
  }),
  pregnancyGlucose: (): ReferralCriterion => ({
    code: 'pregnancy_glucose',
    zh: '妊娠期或哺乳期同时血糖高于正常',
    en: 'pregnant or lactating with glucose above normal',
  }),
  tachycardia: (hrAbove: number): ReferralCriterion => ({
    code: 'tachycardia',
    zh: `持续性心动过速（心率>${hrAbove}次/分）`,
    en: `persistent tachycardia (HR >${hrAbove}/min)`,
  }),
  hyperglycaemia: (atLeast: number): ReferralCriterion => ({
    code: 'hyperglycaemia',
    zh: `血糖≥${formatGlucose(atLeast)}mmol/L`,
    en: `glucose ≥${formatGlucose(atLeast)} mmol/L`,
  }),
  hypoglycaemia: (atMost: number): ReferralCriterion => ({
    code: 'hypoglycaemia',
    zh: `血糖≤${formatGlucose(atMost)}mmol/L`,
    en: `glucose ≤${formatGlucose(atMost)} mmol/L`,
  }),
  fever: (above: number): ReferralCriterion => ({
    code: 'fever',
    zh: `体温>${above}℃`,
    en: `temperature >${above} °C`,
  }),
  uncontrolledTwice: (disease: Disease): ReferralCriterion =>
    disease === 'hypertension'
      ? { code: 'uncontrolled_twice', zh: '连续两次出现血压控制不满意', en: 'BP uncontrolled at two consecutive visits' }
      : {
          code: 'uncontrolled_twice',
          zh: '连续两次出现空腹血糖控制不满意',
          en: 'fasting glucose uncontrolled at two consecutive visits',
        },
  adrHardToControl: (): ReferralCriterion => ({
    code: 'adr_hard_to_control',
    zh: '药物不良反应难以控制',
    en: 'adverse drug reaction hard to control',
  }),
  complication: (): ReferralCriterion => ({
    code: 'complication',
    zh: '出现新的并发症或原有并发症加重',
    en: 'new or worsening complication',
  }),
};

export function joinCriteria(criteria: ReferralCriterion[]): LocalizedText {
  return { zh: criteria.map((c) => c.zh).join('；'), en: criteria.map((c) => c.en).join('; ') };
}

function fieldList(fields: MeasureField[]): LocalizedText {
  return {
    zh: fields.map((f) => FIELD_NAME[f].zh).join('、'),
    en: fields.map((f) => FIELD_NAME[f].en).join(', '),
  };
}

/** The measured control value and its target as shown in reasons, e.g. 血压150/95mmHg（目标<140/90mmHg）. */
export interface ControlMeasure {
  zh: string;
  en: string;
}

export function bpMeasure(sbp: number | null | undefined, dbp: number | null | undefined, target: BpTargetBand): ControlMeasure {
  const bp = formatBp(sbp, dbp);
  const goal = `<${target.sbpBelow}/${target.dbpBelow}`;
  return { zh: `血压${bp}mmHg（目标${goal}mmHg）`, en: `BP ${bp} mmHg (target ${goal} mmHg)` };
}

export function fbgMeasure(fbg: number | null | undefined, fbgBelow: number): ControlMeasure {
  const value = formatOptional(fbg, formatGlucose);
  const goal = `<${formatGlucose(fbgBelow)}`;
  return { zh: `空腹血糖${value}mmol/L（目标${goal}mmol/L）`, en: `fasting glucose ${value} mmol/L (target ${goal} mmol/L)` };
}

function prefixed(disease: Disease, zh: string, en: string): LocalizedText {
  return { zh: `${DISEASE_NAME[disease].zh}：${zh}`, en: `${DISEASE_NAME[disease].en}: ${en}` };
}

function reason(code: ReasonCode, text: LocalizedText): Reason {
  return { code, zh: text.zh, en: text.en };
}

function checkBy(dueDate: IsoDate): LocalizedText {
  return { zh: `${dueDate}前随访转诊结果`, en: `check the referral outcome by ${dueDate}` };
}

/** Reasons for the decision-table rows (spec §7) and for reminder checks. */
export const decisionReasons = {
  dangerSign: (disease: Disease, criteria: ReferralCriterion[], checkDue: IsoDate): Reason => {
    const joined = joinCriteria(criteria);
    const check = checkBy(checkDue);
    return reason(
      'danger_sign',
      prefixed(disease, `存在危急情况（${joined.zh}），紧急转诊；${check.zh}`, `danger sign (${joined.en}): urgent referral; ${check.en}`),
    );
  },
  referral: (code: 'complication' | 'uncontrolled_twice' | 'adr_twice', disease: Disease, criteria: ReferralCriterion[], checkDue: IsoDate): Reason => {
    const joined = joinCriteria(criteria);
    const check = checkBy(checkDue);
    return reason(code, prefixed(disease, `${joined.zh}，转诊；${check.zh}`, `${joined.en}: refer; ${check.en}`));
  },
  controlUndetermined: (disease: Disease, missing: MeasureField[]): Reason => {
    const fields = fieldList(missing);
    return reason(
      'control_undetermined',
      prefixed(disease, `缺少${fields.zh}，无法判断控制情况，请重新测量`, `${fields.en} missing, control cannot be determined: remeasure`),
    );
  },
  firstUncontrolled: (disease: Disease, measure: ControlMeasure, due: IsoDate, recheckDays: number): Reason =>
    reason(
      'first_uncontrolled',
      prefixed(
        disease,
        `首次控制不满意，${measure.zh}；检查服药依从性、必要时调整用药，${recheckDays}天内（${due}前）随访`,
        `first uncontrolled visit, ${measure.en}; check adherence, adjust drugs if needed, follow up within ${recheckDays} days (by ${due})`,
      ),
    ),
  firstAdr: (disease: Disease, due: IsoDate, recheckDays: number): Reason =>
    reason(
      'first_adr',
      prefixed(
        disease,
        `出现药物不良反应，调整用药，${recheckDays}天内（${due}前）随访`,
        `adverse drug reaction: adjust drugs, follow up within ${recheckDays} days (by ${due})`,
      ),
    ),
  controlled: (disease: Disease, measure: ControlMeasure, due: IsoDate, months: number): Reason =>
    reason(
      'controlled',
      prefixed(disease, `控制满意，${measure.zh}；${months}个月后随访（${due}）`, `controlled, ${measure.en}; next follow-up in ${months} months (${due})`),
    ),
  phoneContact: (disease: Disease, pendingDue: IsoDate | null): Reason =>
    reason(
      'phone_contact',
      prefixed(
        disease,
        `电话随访已记录，但不算面对面随访，不作分类；${pendingDue ? `面对面随访仍应于${pendingDue}前完成` : '请安排面对面随访'}`,
        `phone contact recorded; it is not face-to-face and is not classified; ${
          pendingDue ? `the face-to-face follow-up is still due by ${pendingDue}` : 'schedule a face-to-face follow-up'
        }`,
      ),
    ),
  checkContactPatient: (disease: Disease): Reason =>
    reason(
      'check_contact_patient',
      prefixed(disease, '有逾期或待随访的转诊，请联系患者', 'something is overdue or a referral needs checking: contact the patient'),
    ),
  checkScheduleFaceToFace: (disease: Disease): Reason =>
    reason('check_schedule_face_to_face', prefixed(disease, '请安排面对面随访', 'schedule a face-to-face follow-up')),
  checkNothingDue: (disease: Disease, nextDue: IsoDate | null): Reason =>
    reason(
      'check_nothing_due',
      prefixed(disease, nextDue ? `暂无待办，下次随访${nextDue}` : '暂无待办', nextDue ? `nothing due; next follow-up ${nextDue}` : 'nothing due'),
    ),
};

/** Reasons of reminders (engine outcomes and the reminder list use the same texts). */
export const reminderReasons = {
  overdue: (disease: Disease, dueDate: IsoDate, daysLate: number): Reason =>
    reason(
      'overdue',
      prefixed(disease, `面对面随访已逾期${daysLate}天（应于${dueDate}前）`, `face-to-face follow-up ${daysLate} days overdue (due ${dueDate})`),
    ),
  dueThisWeek: (disease: Disease, dueDate: IsoDate, windowDays: number): Reason =>
    reason(
      'due_this_week',
      prefixed(disease, `${windowDays}天内应面对面随访（${dueDate}前）`, `face-to-face follow-up due within ${windowDays} days (by ${dueDate})`),
    ),
  referralCheck: (disease: Disease, dueDate: IsoDate, daysLate: number): Reason =>
    reason(
      'referral_followup_due',
      prefixed(
        disease,
        `转诊后请于${dueDate}前随访转诊结果（是否到位）${daysLate > 0 ? `，已逾期${daysLate}天` : ''}`,
        `check whether the referral was completed by ${dueDate}${daysLate > 0 ? ` (${daysLate} days overdue)` : ''}`,
      ),
    ),
  faceToFaceRequired: (disease: Disease, dueDate: IsoDate | null): Reason =>
    reason(
      'face_to_face_required',
      prefixed(
        disease,
        `电话随访不能代替面对面随访，${dueDate ? `请于${dueDate}前面对面随访` : '请安排面对面随访'}`,
        `a phone contact does not replace a face-to-face follow-up; ${dueDate ? `see the patient by ${dueDate}` : 'see the patient'}`,
      ),
    ),
  firstFaceToFaceRequired: (disease: Disease, dueDate: IsoDate | null): Reason =>
    reason(
      'face_to_face_required',
      prefixed(
        disease,
        `尚无面对面随访记录，${dueDate ? `自${dueDate}起应随访` : '请安排面对面随访'}`,
        `no face-to-face follow-up recorded yet${dueDate ? ` (due from ${dueDate})` : ''}`,
      ),
    ),
  dataIncomplete: (disease: Disease, fields: MeasureField[], visitDate: IsoDate): Reason => {
    const names = fieldList(fields);
    return reason(
      'data_incomplete',
      prefixed(
        disease,
        `${visitDate}随访缺少${names.zh}，无法判断控制情况，请重新测量`,
        `the ${visitDate} follow-up lacks ${names.en}, so control is unknown: remeasure`,
      ),
    );
  },
  /** §8: the lateness of a face-to-face visit is part of its record, although the visit fulfils the due date. */
  visitLate: (disease: Disease, dueDate: IsoDate, daysLate: number, visitDate: IsoDate): Reason =>
    reason(
      'overdue',
      prefixed(
        disease,
        `${visitDate}面对面随访晚于应随访日期${dueDate}，逾期${daysLate}天`,
        `the ${visitDate} face-to-face follow-up came ${daysLate} days after its due date ${dueDate}`,
      ),
    ),
  /** §8 / A8: a value the form requires is missing, although the other value decided the classification. */
  dataIncompleteClassified: (disease: Disease, fields: MeasureField[], visitDate: IsoDate): Reason => {
    const names = fieldList(fields);
    return reason(
      'data_incomplete',
      prefixed(
        disease,
        `${visitDate}随访缺少${names.zh}（分类已由其他测量值确定），请补测`,
        `the ${visitDate} follow-up lacks ${names.en} (the other value decided the classification): measure it`,
      ),
    );
  },
  annualCheck: (year: number): Reason =>
    reason('annual_check_due', {
      zh: `${year}年度健康体检尚未完成（可与随访结合进行）`,
      en: `annual health check for ${year} not done yet (can be combined with a follow-up)`,
    }),
  elderlyAnnual: (year: number): Reason =>
    reason('elderly_annual_health_management_due', {
      zh: `${year}年度老年人健康管理（生活自理能力评估、健康体检、辅助检查）尚未完成`,
      en: `elderly health management for ${year} (self-care assessment, physical exam, tests) not done yet`,
    }),
  quotaAtRisk: (disease: Disease, year: number, done: number, projected: number, required: number): Reason =>
    reason(
      'quota_at_risk',
      prefixed(
        disease,
        `${year}年已面对面随访${done}次，按随访计划年底前最多${done + projected}次，不足${required}次`,
        `${done} face-to-face follow-ups in ${year}; the schedule allows at most ${done + projected} by year end, fewer than ${required}`,
      ),
    ),
};

export const advisoryReasons = {
  build: (code: AdvisoryCode, met: boolean, label: LocalizedText, measured: string, target: string, packTitle: LocalizedText): Reason =>
    reason(code, {
      zh: `参考（${packTitle.zh}，不影响分类）：${label.zh}${measured}，目标${target}，${met ? '已达标' : '未达标'}`,
      en: `advisory (${packTitle.en}, does not change the classification): ${label.en} ${measured}, target ${target}, ${met ? 'met' : 'not met'}`,
    }),
};
