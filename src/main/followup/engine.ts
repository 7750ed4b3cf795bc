/**
 * The follow-up rule engine: specs/followup-rules.md §7 (decision table, assumptions A1–A12) and §8 (contract).
 * Pure: the date is always an input, thresholds come from the rule set, nothing is read or written elsewhere.
 */

import {
  addDays,
  addMonthsClamped,
  assertIsoDate,
  completedYears,
  countMonthlyStepsUntil,
  daysBetween,
  laterOf,
  toEpochDay,
  yearPeriodContaining,
  type IsoDate,
  type YearPeriod,
} from '../../shared/dates';
import {
  advisoryReasons,
  bpMeasure,
  decisionReasons,
  fbgMeasure,
  formatBp,
  formatGlucose,
  joinCriteria,
  referralCriteria,
  reminderReasons,
  type Action,
  type Advisory,
  type AdvisoryPack,
  type BpTargetBand,
  type Classification,
  type ControlMeasure,
  type Disease,
  type DueFacts,
  type FollowUpEntry,
  type FollowUpInput,
  type FollowUpOutcome,
  type FollowUpReminder,
  type HistoryEntry,
  type LastFaceToFace,
  type MeasureField,
  type ReferralCriterion,
  type Reason,
  type ReminderCheck,
  type RuleSet,
  type Visit,
} from '../../shared/followup';
import { BPHS_2017 } from './rule-packs/bphs-2017';

export type * from '../../shared/followup';

export class FollowUpInputError extends Error {
  override readonly name = 'FollowUpInputError';
  readonly code = 'FOLLOWUP_INPUT_INVALID';
}

// ---------------------------------------------------------------------------------------------------------------
// Control status

export type ControlStatus = { kind: 'controlled' } | { kind: 'uncontrolled' } | { kind: 'undetermined'; missing: MeasureField[] };

const CONTROLLED: ControlStatus = { kind: 'controlled' };
const UNCONTROLLED: ControlStatus = { kind: 'uncontrolled' };

export interface MeasuredValues {
  sbp?: number | null;
  dbp?: number | null;
  fbg?: number | null;
}

/** The band with the highest `fromAge` not above the age (bands need not be sorted). */
export function bpTargetForAge<T extends BpTargetBand>(bands: readonly T[], age: number): T {
  let chosen: T | undefined;
  for (const band of bands) {
    if (band.fromAge <= age && (!chosen || band.fromAge > chosen.fromAge)) chosen = band;
  }
  if (!chosen) throw new FollowUpInputError(`no BP target band covers age ${age}`);
  return chosen;
}

/** A8: with one value missing, "uncontrolled" is still proven when the other value is at or above its limit. */
export function bpControl(sbp: number | null | undefined, dbp: number | null | undefined, target: BpTargetBand): ControlStatus {
  const sbpHigh = sbp != null && sbp >= target.sbpBelow;
  const dbpHigh = dbp != null && dbp >= target.dbpBelow;
  if (sbpHigh || dbpHigh) return UNCONTROLLED;
  if (sbp == null || dbp == null) {
    const missing: MeasureField[] = [];
    if (sbp == null) missing.push('sbp');
    if (dbp == null) missing.push('dbp');
    return { kind: 'undetermined', missing };
  }
  return CONTROLLED;
}

export function fbgControl(fbg: number | null | undefined, fbgBelow: number): ControlStatus {
  if (fbg == null) return { kind: 'undetermined', missing: ['fbg'] };
  return fbg >= fbgBelow ? UNCONTROLLED : CONTROLLED;
}

/** Control by the 2017 standard: BP by age band for hypertension (A10), fasting glucose alone for T2DM (§2). */
export function controlStatus(disease: Disease, values: MeasuredValues, age: number, rules: RuleSet): ControlStatus {
  return disease === 'hypertension'
    ? bpControl(values.sbp, values.dbp, bpTargetForAge(rules.hypertension.targets, age))
    : fbgControl(values.fbg, rules.t2dm.fbgBelow);
}

function controlMeasure(disease: Disease, values: MeasuredValues, age: number, rules: RuleSet): ControlMeasure {
  return disease === 'hypertension'
    ? bpMeasure(values.sbp, values.dbp, bpTargetForAge(rules.hypertension.targets, age))
    : fbgMeasure(values.fbg, rules.t2dm.fbgBelow);
}

// ---------------------------------------------------------------------------------------------------------------
// Schedule helpers shared with the reminder list

/** What a reminder check needs to know about one enrolment; the reminder list's EnrolmentState has this shape. */
export interface ScheduleState {
  disease: Disease;
  /** null when unknown (the engine's input has no enrolment date). */
  enrolledOn: IsoDate | null;
  lastFaceToFace: LastFaceToFace | null;
  /** At least every face-to-face date of the reporting year containing the check date. */
  recentFaceToFaceDates: readonly IsoDate[];
  lastPhoneContactDate: IsoDate | null;
  lastReferral: { date: IsoDate; urgent: boolean } | null;
  lastReferralCheck: { date: IsoDate; outcome: 'completed' | 'not_completed' } | null;
}

function isReferral(action: Action): boolean {
  return action === 'refer' || action === 'urgent_refer';
}

/**
 * The date by which the next face-to-face follow-up is due. Phone contacts never move it (A3). After a referral,
 * a referral-check contact restarts the 14-day cadence from the check (A7) until a controlled visit books +3 months.
 * With no face-to-face visit yet, the first is due within the recheck interval of enrolment.
 */
export function pendingFaceToFaceDue(state: ScheduleState, rules: RuleSet): IsoDate | null {
  const last = state.lastFaceToFace;
  const check = state.lastReferralCheck;
  if (!last) {
    if (check) return addDays(check.date, rules.recheckDays);
    return state.enrolledOn ? addDays(state.enrolledOn, rules.recheckDays) : null;
  }
  if (check && isReferral(last.action) && check.date >= last.date) return addDays(check.date, rules.recheckDays);
  return last.nextDueDate;
}

/** The referral whose outcome still has to be checked, and by when (§1 "check the referral within 2 weeks"). */
export function pendingReferralCheckDue(state: ScheduleState, rules: RuleSet): IsoDate | null {
  const referral = state.lastReferral;
  if (!referral) return null;
  const check = state.lastReferralCheck;
  if (check && check.date >= referral.date) {
    // 不到位: the check was made but the patient has not arrived; keep checking on the same cadence.
    return check.outcome === 'completed' ? null : addDays(check.date, rules.recheckDays);
  }
  return addDays(referral.date, rules.recheckDays);
}

function countInPeriod(dates: readonly IsoDate[], start: IsoDate, end: IsoDate): number {
  let count = 0;
  for (const date of dates) if (date >= start && date <= end) count += 1;
  return count;
}

/** A11: F (face-to-face visits so far this year) + scheduled dates left in the year < the yearly quota. */
export function quotaReminder(
  disease: Disease,
  period: YearPeriod,
  faceToFaceDone: number,
  firstScheduled: IsoDate | null,
  rules: RuleSet,
  day?: SweepDay,
): FollowUpReminder | null {
  const required = rules.faceToFacePerYear;
  if (faceToFaceDone >= required || firstScheduled === null) return null;
  // A11, with each step clamped from the previous date (A7) as visits booked one by one would be.
  const projected = countMonthlyStepsUntil(firstScheduled, day?.periodEndDay ?? toEpochDay(period.end), rules.controlledIntervalMonths);
  if (faceToFaceDone + projected >= required) return null;
  const build = () => reminderReasons.quotaAtRisk(disease, period.year, faceToFaceDone, projected, required);
  return {
    code: 'quota_at_risk',
    year: period.year,
    faceToFaceDone,
    required,
    reason: day ? sharedReason(day, disease, `q${period.year}|${faceToFaceDone}|${projected}`, build) : build(),
  };
}

/** The date a reminder sweep runs for, with what every patient's check needs from it worked out once. */
export interface SweepDay {
  asOf: IsoDate;
  asOfDay: number;
  period: YearPeriod;
  periodEndDay: number;
  /**
   * Born on or before this (as strings) ⇔ at least the elderly age on `asOf`. The cutoff is `asOf` with the
   * year moved back; on Feb 29 it is itself no date, but as a string it still sorts between Feb 28 and Mar 1,
   * which is exactly A2 (a Feb-29 birthday is reached on Mar 1 in common years).
   */
  elderlyBornBy: string;
  /**
   * Reason texts by their inputs, per disease (null = per person). With one `today`, 60,000 reminders have a few
   * hundred distinct texts; building each anew kept ~10 rope-string objects per item alive, and the garbage
   * collector copying them dominated the sweep. Keys stay under 13 characters so V8 stores them flat.
   */
  reasons: Record<Disease | 'person', Map<string, Reason>>;
}

export function sweepDay(asOf: IsoDate, rules: RuleSet): SweepDay {
  const period = yearPeriodContaining(asOf, rules.yearStartMonth);
  const year = Number(asOf.slice(0, 4)) - rules.elderlyFromAge;
  return {
    asOf,
    asOfDay: toEpochDay(asOf),
    period,
    periodEndDay: toEpochDay(period.end),
    elderlyBornBy: `${String(year).padStart(4, '0')}${asOf.slice(4)}`,
    reasons: { hypertension: new Map(), t2dm: new Map(), person: new Map() },
  };
}

/** Reasons are immutable and shared between the items that have the same one. */
export function sharedReason(day: SweepDay, scope: Disease | null, key: string, build: () => Reason): Reason {
  const cache = day.reasons[scope ?? 'person'];
  let reason = cache.get(key);
  if (!reason) {
    reason = Object.freeze(build());
    cache.set(key, reason);
  }
  return reason;
}

/** Annual health check; from the elderly age on it is the elderly health management service (§3). */
export function annualCheckReminder(birthDate: IsoDate, healthCheckDone: boolean, day: SweepDay): FollowUpReminder | null {
  if (healthCheckDone) return null;
  const { year } = day.period;
  return birthDate <= day.elderlyBornBy
    ? { code: 'elderly_annual_health_management_due', year, reason: sharedReason(day, null, `e${year}`, () => reminderReasons.elderlyAnnual(year)) }
    : { code: 'annual_check_due', year, reason: sharedReason(day, null, `a${year}`, () => reminderReasons.annualCheck(year)) };
}

function missingAtLastVisit(facts: DueFacts, birthDate: IsoDate, rules: RuleSet): MeasureField[] | null {
  if (facts.lastVisitOn === null) return null;
  if (facts.disease === 'hypertension' && facts.sbp != null && facts.dbp != null) return null; // age cannot matter
  if (facts.disease === 't2dm') return facts.fbg == null ? ['fbg'] : null;
  const status = controlStatus(facts.disease, facts, completedYears(birthDate, facts.lastVisitOn), rules);
  return status.kind === 'undetermined' ? status.missing : null;
}

export interface ScheduleStatus {
  /** The pending face-to-face due date (pendingFaceToFaceDue). */
  due: IsoDate | null;
  reminders: FollowUpReminder[];
}

/**
 * The reminder sweep's first half: what an enrolment's history says, before any date is chosen to sweep on. The
 * quota position is the reporting year of the latest face-to-face date and the visits in it; on a later date in that
 * year the count still holds (no visit is dated after the sweep's date: the write refuses future dates), in a later
 * year it is 0.
 */
export function dueFactsOf(state: ScheduleState & { endedOn?: IsoDate | null }, rules: RuleSet): DueFacts {
  const last = state.lastFaceToFace;
  let latest: IsoDate | null = null;
  for (const date of state.recentFaceToFaceDates) if (latest === null || date > latest) latest = date;
  const yearStart = latest === null ? null : yearPeriodContaining(latest, rules.yearStartMonth).start;
  return {
    disease: state.disease,
    enrolledOn: state.enrolledOn,
    endedOn: state.endedOn ?? null,
    dueOn: pendingFaceToFaceDue(state, rules),
    referralCheckDueOn: pendingReferralCheckDue(state, rules),
    lastVisitOn: last?.date ?? null,
    phoneSinceVisit: last !== null && state.lastPhoneContactDate !== null && state.lastPhoneContactDate > last.date,
    sbp: last?.sbp ?? null,
    dbp: last?.dbp ?? null,
    fbg: last?.fbg ?? null,
    yearStart,
    yearVisits: yearStart === null || latest === null ? 0 : countInPeriod(state.recentFaceToFaceDates, yearStart, latest),
  };
}

/**
 * The sweep's second half: the disease-level reminders as of a date (overdue, referral check, face-to-face
 * required, data incomplete, quota at risk) from an enrolment's due facts. The engine's reminder checks and phone
 * contacts, the pure sweep and the station's kept due state all come through here.
 */
export function dueStatus(facts: DueFacts, birthDate: IsoDate, day: SweepDay, rules: RuleSet): ScheduleStatus {
  const reminders: FollowUpReminder[] = [];
  const { disease } = facts;
  const { asOf } = day;
  const due = facts.dueOn;

  if (due !== null && asOf > due) {
    const daysLate = day.asOfDay - toEpochDay(due);
    reminders.push({
      code: 'overdue',
      dueDate: due,
      daysLate,
      reason: sharedReason(day, disease, `o${due}`, () => reminderReasons.overdue(disease, due, daysLate)),
    });
  }

  const referralDue = facts.referralCheckDueOn;
  if (referralDue !== null) {
    const daysLate = Math.max(0, day.asOfDay - toEpochDay(referralDue));
    const reminder: FollowUpReminder = {
      code: 'referral_followup_due',
      dueDate: referralDue,
      reason: sharedReason(day, disease, `r${referralDue}`, () => reminderReasons.referralCheck(disease, referralDue, daysLate)),
    };
    if (daysLate > 0) reminder.daysLate = daysLate;
    reminders.push(reminder);
  }

  const neverSeen = facts.lastVisitOn === null;
  if (neverSeen || facts.phoneSinceVisit) {
    const reminder: FollowUpReminder = {
      code: 'face_to_face_required',
      reason: neverSeen
        ? sharedReason(day, disease, `n${due}`, () => reminderReasons.firstFaceToFaceRequired(disease, due))
        : sharedReason(day, disease, `f${due}`, () => reminderReasons.faceToFaceRequired(disease, due)),
    };
    if (due) reminder.dueDate = due;
    reminders.push(reminder);
  }

  const missing = missingAtLastVisit(facts, birthDate, rules);
  if (missing) {
    const visitDate = facts.lastVisitOn!;
    reminders.push({
      code: 'data_incomplete',
      fields: missing,
      reason: sharedReason(day, disease, `d${missing.join('')}${visitDate}`, () => reminderReasons.dataIncomplete(disease, missing, visitDate)),
    });
  }

  const done = facts.yearStart === day.period.start ? facts.yearVisits : 0;
  // A8: after a visit that could not be classified there is no next date and so no projection.
  const projectionStart = !neverSeen && due === null ? null : laterOf(due ?? asOf, asOf);
  const quota = quotaReminder(disease, day.period, done, projectionStart, rules, day);
  if (quota) reminders.push(quota);

  return { due, reminders };
}

/** Both halves at once, for one enrolment's state. */
export function scheduleStatus(state: ScheduleState, birthDate: IsoDate, day: SweepDay, rules: RuleSet): ScheduleStatus {
  return dueStatus(dueFactsOf(state, rules), birthDate, day, rules);
}

export function scheduleReminders(state: ScheduleState, birthDate: IsoDate, asOf: IsoDate, rules: RuleSet): FollowUpReminder[] {
  return scheduleStatus(state, birthDate, sweepDay(asOf, rules), rules).reminders;
}

// ---------------------------------------------------------------------------------------------------------------
// Input checks

function positiveOrNull(value: unknown, field: string): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new FollowUpInputError(`${field} must be a positive number, got ${JSON.stringify(value)}`);
  }
  return value;
}

function checkedDate(value: unknown, field: string): IsoDate {
  try {
    assertIsoDate(value);
  } catch {
    throw new FollowUpInputError(`${field} must be an ISO date (yyyy-mm-dd), got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Oldest first, as the contract says; a stable sort repairs a caller that did not, keeping same-day order. */
function chronological(history: readonly HistoryEntry[]): readonly HistoryEntry[] {
  for (let i = 0; i < history.length; i += 1) checkedDate(history[i].date, `history[${i}].date`);
  for (let i = 1; i < history.length; i += 1) {
    if (history[i].date < history[i - 1].date) return [...history].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  }
  return history;
}

// ---------------------------------------------------------------------------------------------------------------
// History summary

interface HistorySummary extends ScheduleState {
  healthCheckDates: IsoDate[];
  /** Control at the previous measured face-to-face visit since the last completed referral (A5). */
  previousMeasured: 'controlled' | 'uncontrolled' | null;
  /** ADR at the previous face-to-face visit since the last completed referral (A6). */
  previousAdr: boolean;
}

function entryValues(entry: FollowUpEntry, index: number): MeasuredValues {
  return {
    sbp: positiveOrNull(entry.sbp, `history[${index}].sbp`),
    dbp: positiveOrNull(entry.dbp, `history[${index}].dbp`),
    fbg: positiveOrNull(entry.fbg, `history[${index}].fbg`),
  };
}

/** Recomputed from the values; a record without values (e.g. imported) falls back to its stored classification. */
function entryControl(disease: Disease, entry: FollowUpEntry, values: MeasuredValues, birthDate: IsoDate, rules: RuleSet) {
  const status = controlStatus(disease, values, completedYears(birthDate, entry.date), rules);
  if (status.kind !== 'undetermined') return status.kind;
  if (entry.classification === '控制满意') return 'controlled';
  if (entry.classification === '控制不满意') return 'uncontrolled';
  return null;
}

/** A9: a T2DM record at or below the hypoglycaemia line is an ADR even if the form's ADR box was left empty. */
function entryHadAdr(disease: Disease, entry: FollowUpEntry, values: MeasuredValues, rules: RuleSet): boolean {
  if (entry.adr === true || entry.classification === '不良反应') return true;
  return disease === 't2dm' && values.fbg != null && values.fbg <= rules.t2dm.hypoglycaemiaAdrAtMost;
}

function summarize(disease: Disease, birthDate: IsoDate, history: readonly HistoryEntry[], upTo: IsoDate, rules: RuleSet): HistorySummary {
  const summary: HistorySummary = {
    disease,
    enrolledOn: null,
    lastFaceToFace: null,
    recentFaceToFaceDates: [],
    lastPhoneContactDate: null,
    lastReferral: null,
    lastReferralCheck: null,
    healthCheckDates: [],
    previousMeasured: null,
    previousAdr: false,
  };
  const faceToFaceDates: IsoDate[] = [];
  history.forEach((entry, index) => {
    if (entry.date > upTo) return;
    if (entry.type === 'health_check') {
      summary.healthCheckDates.push(entry.date);
    } else if (entry.type === 'referral_tracking') {
      summary.lastReferralCheck = { date: entry.date, outcome: entry.outcome };
      if (entry.outcome === 'completed') {
        // A5: a confirmed referral (到位) starts the consecutive count afresh.
        summary.previousMeasured = null;
        summary.previousAdr = false;
      }
    } else if (entry.mode === 'phone') {
      summary.lastPhoneContactDate = entry.date;
    } else {
      const values = entryValues(entry, index);
      faceToFaceDates.push(entry.date);
      summary.lastFaceToFace = { date: entry.date, action: entry.action, nextDueDate: entry.nextDueDate, ...values };
      const control = entryControl(disease, entry, values, birthDate, rules);
      if (control) summary.previousMeasured = control;
      summary.previousAdr = entryHadAdr(disease, entry, values, rules);
      if (isReferral(entry.action)) summary.lastReferral = { date: entry.date, urgent: entry.action === 'urgent_refer' };
    }
  });
  summary.recentFaceToFaceDates = faceToFaceDates;
  return summary;
}

function healthCheckDoneInYear(summary: HistorySummary, onDate: IsoDate, rules: RuleSet): boolean {
  const period = yearPeriodContaining(onDate, rules.yearStartMonth);
  return countInPeriod(summary.healthCheckDates, period.start, onDate) > 0;
}

// ---------------------------------------------------------------------------------------------------------------
// Decision table, row 1: danger signs

interface VisitValues {
  sbp: number | null;
  dbp: number | null;
  hr: number | null;
  fbg: number | null;
  randomGlucose: number | null;
  hba1c: number | null;
  temperatureC: number | null;
}

function visitValues(visit: Visit): VisitValues {
  return {
    sbp: positiveOrNull(visit.sbp, 'visit.sbp'),
    dbp: positiveOrNull(visit.dbp, 'visit.dbp'),
    hr: positiveOrNull(visit.hr, 'visit.hr'),
    fbg: positiveOrNull(visit.fbg, 'visit.fbg'),
    randomGlucose: positiveOrNull(visit.randomGlucose, 'visit.randomGlucose'),
    hba1c: positiveOrNull(visit.hba1c, 'visit.hba1c'),
    temperatureC: positiveOrNull(visit.temperatureC, 'visit.temperatureC'),
  };
}

function matchedSymptoms(symptoms: readonly string[] | undefined, dangerList: readonly string[]): string[] {
  const matched: string[] = [];
  for (const symptom of symptoms ?? []) {
    const term = symptom.trim();
    if (dangerList.includes(term) && !matched.includes(term)) matched.push(term);
  }
  return matched;
}

function bpCrisis(values: VisitValues, sbpAtLeast: number, dbpAtLeast: number): boolean {
  return (values.sbp != null && values.sbp >= sbpAtLeast) || (values.dbp != null && values.dbp >= dbpAtLeast);
}

function hypertensionDangerCriteria(visit: Visit, values: VisitValues, rules: RuleSet): ReferralCriterion[] {
  const urgent = rules.hypertension.urgent;
  const criteria: ReferralCriterion[] = [];
  if (bpCrisis(values, urgent.sbpAtLeast, urgent.dbpAtLeast)) criteria.push(referralCriteria.bpCrisis(urgent.sbpAtLeast, urgent.dbpAtLeast));
  const symptoms = matchedSymptoms(visit.symptoms, urgent.dangerSymptoms);
  if (symptoms.length > 0) criteria.push(referralCriteria.dangerSymptoms(symptoms));
  if ((visit.pregnant || visit.lactating) && bpCrisis(values, urgent.pregnancySbpAtLeast, urgent.pregnancyDbpAtLeast)) {
    criteria.push(referralCriteria.pregnancyBp());
  }
  return criteria;
}

function glucoseValues(values: VisitValues): number[] {
  const glucose: number[] = [];
  if (values.fbg != null) glucose.push(values.fbg);
  if (values.randomGlucose != null) glucose.push(values.randomGlucose); // A8: urgent lines apply to random glucose
  return glucose;
}

function diabetesDangerCriteria(visit: Visit, values: VisitValues, rules: RuleSet): ReferralCriterion[] {
  const urgent = rules.t2dm.urgent;
  const glucose = glucoseValues(values);
  const criteria: ReferralCriterion[] = [];
  if (glucose.some((g) => g >= urgent.glucoseAtLeast)) criteria.push(referralCriteria.hyperglycaemia(urgent.glucoseAtLeast));
  if (glucose.some((g) => g <= urgent.glucoseAtMost)) criteria.push(referralCriteria.hypoglycaemia(urgent.glucoseAtMost));
  if (bpCrisis(values, urgent.sbpAtLeast, urgent.dbpAtLeast)) criteria.push(referralCriteria.bpCrisis(urgent.sbpAtLeast, urgent.dbpAtLeast));
  // §2 "persistent HR >100/min": a single fast reading is not enough.
  if (values.hr != null && values.hr > urgent.hrAbove && visit.hrPersistent === true) criteria.push(referralCriteria.tachycardia(urgent.hrAbove));
  if (values.temperatureC != null && values.temperatureC > urgent.temperatureAbove) criteria.push(referralCriteria.fever(urgent.temperatureAbove));
  if ((visit.pregnant || visit.lactating) && values.fbg != null && values.fbg >= urgent.pregnancyFbgAtLeast) {
    criteria.push(referralCriteria.pregnancyGlucose());
  }
  const symptoms = matchedSymptoms(visit.symptoms, urgent.dangerSymptoms);
  const onlyRoutine = symptoms.every((s) => urgent.urgentOnlyWithOtherSigns.includes(s));
  // A12: an isolated 多饮 or 多尿 is routine; with any other acute sign they are named too.
  if (symptoms.length > 0 && (!onlyRoutine || criteria.length > 0)) criteria.push(referralCriteria.dangerSymptoms(symptoms));
  return criteria;
}

// ---------------------------------------------------------------------------------------------------------------
// Advisory targets (§5): computed beside the classification, never fed back into it

function advisory(
  pack: AdvisoryPack,
  code: Advisory['code'],
  label: { zh: string; en: string },
  met: boolean,
  measured: string,
  target: string,
  source: string,
): Advisory {
  return {
    code,
    packId: pack.id,
    met,
    measured,
    target,
    source,
    reason: advisoryReasons.build(code, met, label, measured, target, pack.title),
  };
}

function bpAdvisory(pack: AdvisoryPack, values: VisitValues, band: BpTargetBand, source: string): Advisory | null {
  const status = bpControl(values.sbp, values.dbp, band);
  if (status.kind === 'undetermined') return null;
  return advisory(
    pack,
    'advisory_bp_target',
    { zh: '血压', en: 'BP' },
    status.kind === 'controlled',
    `${formatBp(values.sbp, values.dbp)} mmHg`,
    `<${band.sbpBelow}/${band.dbpBelow} mmHg`,
    source,
  );
}

function advisories(disease: Disease, visit: Visit, values: VisitValues, age: number, pack: AdvisoryPack | null): Advisory[] {
  if (!pack) return [];
  const staffBp = visit.selfReportedHomeBP ? { ...values, sbp: null, dbp: null } : values;
  const shown: (Advisory | null)[] = [];
  if (disease === 'hypertension') {
    const band = bpTargetForAge(pack.hypertension.bpTargets, age);
    shown.push(bpAdvisory(pack, staffBp, band, band.source));
  } else {
    const { hba1cBelow, hba1cSource, fbgRange, bpTarget } = pack.t2dm;
    if (values.hba1c != null) {
      shown.push(
        advisory(
          pack,
          'advisory_hba1c_target',
          { zh: '糖化血红蛋白', en: 'HbA1c' },
          values.hba1c < hba1cBelow,
          `${values.hba1c.toFixed(1)} %`,
          `<${hba1cBelow.toFixed(1)} %`,
          hba1cSource,
        ),
      );
    }
    if (values.fbg != null) {
      const inRange = values.fbg >= fbgRange.atLeast && values.fbg <= fbgRange.atMost;
      shown.push(
        advisory(
          pack,
          'advisory_fbg_range',
          { zh: '空腹血糖', en: 'fasting glucose' },
          inRange,
          `${formatGlucose(values.fbg)} mmol/L`,
          `${formatGlucose(fbgRange.atLeast)}–${formatGlucose(fbgRange.atMost)} mmol/L`,
          fbgRange.source,
        ),
      );
    }
    shown.push(bpAdvisory(pack, staffBp, { fromAge: 0, ...bpTarget }, bpTarget.source));
  }
  return shown.filter((a): a is Advisory => a !== null);
}

// ---------------------------------------------------------------------------------------------------------------
// Evaluation

/** A9 needs "on glucose-lowering drugs": assumed unless the form says 不服药 (see docs/followup-rules.md). */
function onGlucoseLoweringDrugs(visit: Visit): boolean {
  return visit.medicationAdherence !== '不服药';
}

/** A4: one classification, 并发症 > 不良反应 > 控制不满意 > 控制满意; null when control is unknown and nothing else applies. */
function classify(complication: boolean, adr: boolean, status: ControlStatus): Classification | null {
  if (complication) return '并发症';
  if (adr) return '不良反应';
  if (status.kind === 'uncontrolled') return '控制不满意';
  if (status.kind === 'controlled') return '控制满意';
  return null;
}

interface Decision {
  action: Action;
  nextDueDate: IsoDate | null;
  referralReason: string | null;
  reason: FollowUpOutcome['reason'];
}

function decide(
  disease: Disease,
  visit: Visit,
  values: VisitValues,
  status: ControlStatus,
  adrNow: boolean,
  summary: HistorySummary,
  age: number,
  rules: RuleSet,
): Decision {
  const recheckDue = addDays(visit.date, rules.recheckDays);

  // Row 1: danger signs → urgent referral, check within 2 weeks.
  const danger = disease === 'hypertension' ? hypertensionDangerCriteria(visit, values, rules) : diabetesDangerCriteria(visit, values, rules);
  if (danger.length > 0) {
    return {
      action: 'urgent_refer',
      nextDueDate: recheckDue,
      referralReason: joinCriteria(danger).zh,
      reason: decisionReasons.dangerSign(disease, danger, recheckDue),
    };
  }

  // Rows 2–4 share the action; every criterion that holds is named, the first row met gives the reason code.
  const complication = visit.newComplication === true;
  const uncontrolledTwice = status.kind === 'uncontrolled' && summary.previousMeasured === 'uncontrolled';
  const adrTwice = adrNow && summary.previousAdr;
  if (complication || uncontrolledTwice || adrTwice) {
    const criteria: ReferralCriterion[] = [];
    if (complication) criteria.push(referralCriteria.complication());
    if (uncontrolledTwice) criteria.push(referralCriteria.uncontrolledTwice(disease));
    if (adrTwice) criteria.push(referralCriteria.adrHardToControl());
    const code = complication ? 'complication' : uncontrolledTwice ? 'uncontrolled_twice' : 'adr_twice';
    return {
      action: 'refer',
      nextDueDate: recheckDue,
      referralReason: joinCriteria(criteria).zh,
      reason: decisionReasons.referral(code, disease, criteria, recheckDue),
    };
  }

  // Row 5: control undeterminable → remeasure, no next date (A8).
  if (status.kind === 'undetermined') {
    return { action: 'remeasure', nextDueDate: null, referralReason: null, reason: decisionReasons.controlUndetermined(disease, status.missing) };
  }

  // Row 6: first uncontrolled or first ADR → adjust, follow up within 2 weeks.
  if (status.kind === 'uncontrolled') {
    return {
      action: 'adjust_medication',
      nextDueDate: recheckDue,
      referralReason: null,
      reason: decisionReasons.firstUncontrolled(disease, controlMeasure(disease, controlValues(visit, values), age, rules), recheckDue, rules.recheckDays),
    };
  }
  if (adrNow) {
    return {
      action: 'adjust_medication',
      nextDueDate: recheckDue,
      referralReason: null,
      reason: decisionReasons.firstAdr(disease, recheckDue, rules.recheckDays),
    };
  }

  // Row 7: controlled → +3 calendar months, clamped (A7).
  const nextDue = addMonthsClamped(visit.date, rules.controlledIntervalMonths);
  return {
    action: 'continue',
    nextDueDate: nextDue,
    referralReason: null,
    reason: decisionReasons.controlled(disease, controlMeasure(disease, controlValues(visit, values), age, rules), nextDue, rules.controlledIntervalMonths),
  };
}

/** The values the form needs for control (HTN: SBP and DBP; T2DM: FBG) that the visit lacks. */
export function requiredMissing(disease: Disease, values: MeasuredValues): MeasureField[] {
  const missing: MeasureField[] = [];
  if (disease === 'hypertension') {
    if (values.sbp == null) missing.push('sbp');
    if (values.dbp == null) missing.push('dbp');
  } else if (values.fbg == null) {
    missing.push('fbg');
  }
  return missing;
}

/** A3: only staff-measured BP classifies; a patient's own home readings still trigger the urgent lines. */
function controlValues(visit: Visit, values: VisitValues): MeasuredValues {
  return visit.selfReportedHomeBP ? { sbp: null, dbp: null, fbg: values.fbg } : values;
}

function evaluateFaceToFace(input: FollowUpInput, visit: Visit, summary: HistorySummary, rules: RuleSet): FollowUpOutcome {
  const { disease, patient } = input;
  const age = completedYears(patient.birthDate, visit.date);
  const values = visitValues(visit);
  const status = controlStatus(disease, controlValues(visit, values), age, rules);
  const hypoglycaemia = disease === 't2dm' && glucoseValues(values).some((g) => g <= rules.t2dm.hypoglycaemiaAdrAtMost);
  const adrNow = visit.adr === true || (hypoglycaemia && onGlucoseLoweringDrugs(visit));
  const decision = decide(disease, visit, values, status, adrNow, summary, age, rules);

  const reminders: FollowUpReminder[] = [];
  // §8: a visit after the pending due date reports its own lateness (it counts against 规范管理).
  const pendingDue = pendingFaceToFaceDue(summary, rules);
  if (pendingDue !== null && visit.date > pendingDue) {
    const daysLate = daysBetween(pendingDue, visit.date);
    reminders.push({ code: 'overdue', dueDate: pendingDue, daysLate, reason: reminderReasons.visitLate(disease, pendingDue, daysLate, visit.date) });
  }
  // §8 / A8: every required value missing from the form is reported, also when the other one decided control.
  const missing = requiredMissing(disease, controlValues(visit, values));
  if (missing.length > 0) {
    reminders.push({
      code: 'data_incomplete',
      fields: missing,
      reason:
        status.kind === 'undetermined'
          ? reminderReasons.dataIncomplete(disease, missing, visit.date)
          : reminderReasons.dataIncompleteClassified(disease, missing, visit.date),
    });
  }
  if (isReferral(decision.action) && decision.nextDueDate) {
    reminders.push({ code: 'referral_followup_due', dueDate: decision.nextDueDate, reason: reminderReasons.referralCheck(disease, decision.nextDueDate, 0) });
  } else {
    const earlierReferralDue = pendingReferralCheckDue(summary, rules);
    if (earlierReferralDue) {
      const daysLate = Math.max(0, daysBetween(earlierReferralDue, visit.date));
      reminders.push({
        code: 'referral_followup_due',
        dueDate: earlierReferralDue,
        ...(daysLate > 0 ? { daysLate } : {}),
        reason: reminderReasons.referralCheck(disease, earlierReferralDue, daysLate),
      });
    }
  }
  const annual = annualCheckReminder(
    patient.birthDate,
    visit.withHealthCheck === true || healthCheckDoneInYear(summary, visit.date, rules),
    sweepDay(visit.date, rules),
  );
  if (annual) reminders.push(annual);
  const period = yearPeriodContaining(visit.date, rules.yearStartMonth);
  const done = countInPeriod(summary.recentFaceToFaceDates, period.start, visit.date) + 1; // A11: including this visit
  const quota = quotaReminder(disease, period, done, decision.nextDueDate, rules);
  if (quota) reminders.push(quota);

  return {
    classification: classify(visit.newComplication === true, adrNow, status),
    action: decision.action,
    nextDueDate: decision.nextDueDate,
    referralReason: decision.referralReason,
    reminders,
    reason: decision.reason,
    advisories: advisories(disease, visit, values, age, rules.advisory),
  };
}

function statusAsOf(input: FollowUpInput, summary: HistorySummary, asOf: IsoDate, rules: RuleSet): FollowUpReminder[] {
  const day = sweepDay(asOf, rules);
  const { reminders } = scheduleStatus(summary, input.patient.birthDate, day, rules);
  const annual = annualCheckReminder(input.patient.birthDate, healthCheckDoneInYear(summary, asOf, rules), day);
  if (annual) reminders.push(annual);
  return reminders;
}

/** Phone row of §7: recorded, never classified, the pending face-to-face date stays (A3). */
function evaluatePhoneContact(input: FollowUpInput, visit: Visit, summary: HistorySummary, rules: RuleSet): FollowUpOutcome {
  const pendingDue = pendingFaceToFaceDue(summary, rules);
  const withThisCall: HistorySummary = { ...summary, lastPhoneContactDate: visit.date };
  return {
    classification: null,
    action: 'schedule_face_to_face',
    nextDueDate: pendingDue,
    referralReason: null,
    reminders: statusAsOf(input, withThisCall, visit.date, rules),
    reason: decisionReasons.phoneContact(input.disease, pendingDue),
    advisories: [],
  };
}

function evaluateReminderCheck(input: FollowUpInput, summary: HistorySummary, asOf: IsoDate, rules: RuleSet): FollowUpOutcome {
  const { disease } = input;
  const reminders = statusAsOf(input, summary, asOf, rules);
  const due = pendingFaceToFaceDue(summary, rules);
  const has = (code: FollowUpReminder['code']) => reminders.some((r) => r.code === code);
  const dueSoon = due !== null && daysBetween(asOf, due) < rules.dueSoonDays;
  let action: Action = 'none';
  let reason = decisionReasons.checkNothingDue(disease, due);
  if (has('overdue') || has('referral_followup_due')) {
    action = 'contact_patient';
    reason = decisionReasons.checkContactPatient(disease);
  } else if (dueSoon || has('face_to_face_required') || has('data_incomplete')) {
    action = 'schedule_face_to_face';
    reason = decisionReasons.checkScheduleFaceToFace(disease);
  }
  return { classification: null, action, nextDueDate: due, referralReason: null, reminders, reason, advisories: [] };
}

function isReminderCheck(visit: FollowUpInput['visit']): visit is ReminderCheck {
  return (visit as ReminderCheck).type === 'reminder_check';
}

/**
 * Evaluates one follow-up visit (or a reminder check) against the rule set — by default the 2017 standard with the
 * newer-guideline advisory overlay. Throws FollowUpInputError for malformed dates or values, never for clinical
 * content.
 */
export function evaluateFollowUp(input: FollowUpInput, rules: RuleSet = BPHS_2017): FollowUpOutcome {
  if (input.disease !== 'hypertension' && input.disease !== 't2dm') {
    throw new FollowUpInputError(`unknown disease ${JSON.stringify(input.disease)}`);
  }
  checkedDate(input.patient.birthDate, 'patient.birthDate');
  const history = chronological(input.history);
  const visit = input.visit;
  if (isReminderCheck(visit)) {
    const asOf = checkedDate(visit.asOf, 'visit.asOf');
    return evaluateReminderCheck(input, summarize(input.disease, input.patient.birthDate, history, asOf, rules), asOf, rules);
  }
  const date = checkedDate(visit.date, 'visit.date');
  if (visit.mode !== 'clinic' && visit.mode !== 'home' && visit.mode !== 'phone') {
    throw new FollowUpInputError(`unknown mode ${JSON.stringify(visit.mode)}`);
  }
  const summary = summarize(input.disease, input.patient.birthDate, history, date, rules);
  return visit.mode === 'phone' ? evaluatePhoneContact(input, visit, summary, rules) : evaluateFaceToFace(input, visit, summary, rules);
}
