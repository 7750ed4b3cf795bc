/**
 * Yearly indicators of the chronic-disease programmes (specs/followup-rules.md §1 and §2, "Indicators"):
 * 规范管理率, 血压控制率, 血糖控制率, each with the patient ids behind numerator and denominator for drill-down.
 */

import { completedYears, yearPeriod, type IsoDate, type YearPeriod } from '../../shared/dates';
import type { Disease, DiseaseIndicators, Indicator, IndicatorFollowUp, IndicatorPatient, RuleSet, YearIndicators } from '../../shared/followup';
import { controlStatus } from './engine';
import { BPHS_2017 } from './rule-packs/bphs-2017';

interface Tally {
  managed: string[];
  standard: string[];
  atTarget: string[];
  lost: string[];
  latestMissing: string[];
}

type Interval = { enrolledOn: IsoDate; endedOn?: IsoDate | null };

function overlapsPeriod(enrolment: Interval, period: YearPeriod): boolean {
  return enrolment.enrolledOn <= period.end && (enrolment.endedOn == null || enrolment.endedOn >= period.start);
}

function withinEnrolment(date: IsoDate, enrolments: readonly Interval[]): boolean {
  return enrolments.some((e) => e.enrolledOn <= date && (e.endedOn == null || date <= e.endedOn));
}

/** Face-to-face follow-ups of the disease inside the year and inside an enrolment (phone never counts, A3). */
function yearFaceToFace(patient: IndicatorPatient, disease: Disease, enrolments: readonly Interval[], period: YearPeriod): IndicatorFollowUp[] {
  return patient.followups.filter(
    (f) => f.disease === disease && f.mode !== 'phone' && f.date >= period.start && f.date <= period.end && withinEnrolment(f.date, enrolments),
  );
}

/** The latest by date; among same-day records the one given last. */
function latest(followups: readonly IndicatorFollowUp[]): IndicatorFollowUp | null {
  let chosen: IndicatorFollowUp | null = null;
  for (const f of followups) if (!chosen || f.date >= chosen.date) chosen = f;
  return chosen;
}

/**
 * What the indicators need of one patient in one programme for one year: the face-to-face follow-ups counted
 * (inside the year and an enrolment), the latest of them, and whether a health check fell in the year. The pure
 * path derives it from the history (tallyPatient); the station keeps it per resident, programme and year
 * (indicator-years.ts) and both tally it here, so the two reports cannot differ in their rules.
 */
export interface IndicatorYearFacts {
  patientId: string;
  disease: Disease;
  birthDate: IsoDate;
  visits: number;
  latest: Pick<IndicatorFollowUp, 'date' | 'sbp' | 'dbp' | 'fbg'> | null;
  checkedInYear: boolean;
}

function tallyFacts(facts: IndicatorYearFacts, rules: RuleSet, tally: Tally): void {
  const id = facts.patientId;
  tally.managed.push(id);
  const { minFaceToFace, requireAnnualHealthCheck } = rules.standardManagement;
  if (facts.visits >= minFaceToFace && (!requireAnnualHealthCheck || facts.checkedInYear)) tally.standard.push(id);
  // Control: the latest face-to-face follow-up of the year decides; none at all = lost = not at target.
  const last = facts.latest;
  if (!last) {
    tally.lost.push(id);
    return;
  }
  const status = controlStatus(facts.disease, last, completedYears(facts.birthDate, last.date), rules);
  if (status.kind === 'controlled') tally.atTarget.push(id);
  else if (status.kind === 'undetermined') tally.latestMissing.push(id);
}

function tallyPatient(patient: IndicatorPatient, disease: Disease, period: YearPeriod, rules: RuleSet, tally: Tally): void {
  const enrolments = patient.enrolments.filter((e) => e.disease === disease && overlapsPeriod(e, period));
  if (enrolments.length === 0) return;
  const visits = yearFaceToFace(patient, disease, enrolments, period);
  const checkedInYear = (patient.healthCheckDates ?? []).some((d) => d >= period.start && d <= period.end);
  tallyFacts(
    { patientId: patient.patientId, disease, birthDate: patient.birthDate, visits: visits.length, latest: latest(visits), checkedInYear },
    rules,
    tally,
  );
}

function indicator(numeratorIds: string[], denominatorIds: string[]): Indicator {
  return {
    numerator: numeratorIds.length,
    denominator: denominatorIds.length,
    rate: denominatorIds.length === 0 ? null : numeratorIds.length / denominatorIds.length,
    numeratorIds,
    denominatorIds,
  };
}

function emptyTally(): Tally {
  return { managed: [], standard: [], atTarget: [], lost: [], latestMissing: [] };
}

function fromTally(tally: Tally): DiseaseIndicators {
  return {
    standardManagement: indicator(tally.standard, tally.managed),
    control: indicator(tally.atTarget, tally.managed),
    lostToFollowUpIds: tally.lost,
    latestValueMissingIds: tally.latestMissing,
  };
}

function diseaseIndicators(patients: readonly IndicatorPatient[], disease: Disease, period: YearPeriod, rules: RuleSet): DiseaseIndicators {
  const tally = emptyTally();
  for (const patient of patients) tallyPatient(patient, disease, period, rules, tally);
  return fromTally(tally);
}

/**
 * 规范管理率 = managed to the standard (≥4 face-to-face follow-ups in the year) ÷ managed in the year;
 * 血压控制率 / 血糖控制率 = latest face-to-face follow-up of the year at target ÷ managed in the year, where the
 * target is the 2017 one (<140/90, <150/90 from 65 on the date of that follow-up; FBG <7.0 mmol/L).
 * "Managed in the year" = an enrolment overlapping the year; no pro-rating for mid-year enrolment (spec A11).
 */
export function computeIndicators(patients: readonly IndicatorPatient[], year: number, rules: RuleSet = BPHS_2017): YearIndicators {
  const period = yearPeriod(year, rules.yearStartMonth);
  return {
    year,
    start: period.start,
    end: period.end,
    hypertension: diseaseIndicators(patients, 'hypertension', period, rules),
    t2dm: diseaseIndicators(patients, 't2dm', period, rules),
  };
}

/**
 * The same report from kept per-year facts (one per patient managed in the year and programme, in any order): what
 * the station computes from followup_indicator_years. Equal to computeIndicators on the history the facts came from
 * (test/main/followup/indicator-years.test.ts, `followup.indicators50kDbMinusPure` in the bench).
 */
export function indicatorsFromYearFacts(facts: readonly IndicatorYearFacts[], year: number, rules: RuleSet = BPHS_2017): YearIndicators {
  const period = yearPeriod(year, rules.yearStartMonth);
  const tallies: Record<Disease, Tally> = { hypertension: emptyTally(), t2dm: emptyTally() };
  for (const f of facts) tallyFacts(f, rules, tallies[f.disease]);
  return { year, start: period.start, end: period.end, hypertension: fromTally(tallies.hypertension), t2dm: fromTally(tallies.t2dm) };
}
