/**
 * Use case: the yearly indicator report (规范管理率, 血压/血糖控制率) and the patients behind each number. Runs in
 * the reminder worker (reminder-requests.ts) beside the reminder lists: it reads every patient managed in the year.
 */

import type { IndicatorPatientRow, YearIndicatorsData } from '../../shared/api/followup';
import { yearPeriod } from '../../shared/dates';
import type { Disease, DiseaseIndicators, RuleSet } from '../../shared/followup';
import { readTransaction, type ReadDb } from '../db/handles';
import { residentCardsById, residentKeys } from '../patients/population';
import { computeIndicators } from './indicators';
import { keptIndicators } from './indicator-years';
import { indicatorPopulation } from './repository';

/** The report computed from every follow-up of the year (the drill-down shows each patient's visits). */
export function yearIndicators(db: ReadDb, p: { year: number; rules: RuleSet }) {
  const period = yearPeriod(p.year, p.rules.yearStartMonth);
  // Every resident's birth date in one covering-index read: in a county most of them are managed in a year.
  const births = new Map(residentKeys(db.$client).map((r) => [r.patientId, r.birthDate]));
  const patients = indicatorPopulation(db, period, births);
  return { period, patients, indicators: computeIndicators(patients, p.year, p.rules) };
}

/** The report's figures, from the kept per-year facts (indicator-years.ts): one row per managed resident. */
export function indicatorReport(db: ReadDb, p: { year: number; rules: RuleSet }): YearIndicatorsData {
  const indicators = readTransaction(db, () => keptIndicators(db, p));
  const summary = (d: DiseaseIndicators) => ({
    standardManagement: { numerator: d.standardManagement.numerator, denominator: d.standardManagement.denominator, rate: d.standardManagement.rate },
    control: { numerator: d.control.numerator, denominator: d.control.denominator, rate: d.control.rate },
    lostToFollowUp: d.lostToFollowUpIds.length,
    latestValueMissing: d.latestValueMissingIds.length,
  });
  return { year: p.year, start: indicators.start, end: indicators.end, hypertension: summary(indicators.hypertension), t2dm: summary(indicators.t2dm) };
}

export interface IndicatorPatientsParams {
  year: number;
  disease: Disease;
  indicator: 'standardManagement' | 'control';
  part: 'numerator' | 'notNumerator' | 'denominator';
}

/** The patients behind one number of the report, each with why they count where they do. */
export function indicatorPatients(db: ReadDb, p: IndicatorPatientsParams & { rules: RuleSet }): IndicatorPatientRow[] {
  const { period, patients, indicators } = yearIndicators(db, p);
  const d = indicators[p.disease];
  const chosen = d[p.indicator];
  const numerator = new Set(chosen.numeratorIds);
  const ids =
    p.part === 'numerator' ? chosen.numeratorIds : p.part === 'denominator' ? chosen.denominatorIds : chosen.denominatorIds.filter((i) => !numerator.has(i));
  const lost = new Set(d.lostToFollowUpIds);
  const missing = new Set(d.latestValueMissingIds);
  const byId = new Map(patients.map((patient) => [patient.patientId, patient]));
  const cards = residentCardsById(db.$client, ids);
  return ids.flatMap((patientId) => {
    const facts = byId.get(patientId);
    const card = cards.get(patientId);
    if (!facts || !card) return [];
    const visits = facts.followups.filter((f) => f.disease === p.disease && f.date >= period.start && f.date <= period.end);
    const latest = visits.at(-1);
    const status: IndicatorPatientRow['status'] = numerator.has(patientId)
      ? 'met'
      : lost.has(patientId)
        ? 'lost'
        : p.indicator === 'standardManagement'
          ? 'tooFewVisits'
          : missing.has(patientId)
            ? 'valueMissing'
            : 'notAtTarget';
    return [
      {
        patientId,
        name: card.name,
        sex: card.sex,
        village: card.village,
        familyDoctor: card.familyDoctor,
        phone: card.phone,
        birthDate: facts.birthDate,
        faceToFaceInYear: visits.length,
        latestDate: latest?.date ?? null,
        latestSbp: latest?.sbp ?? null,
        latestDbp: latest?.dbp ?? null,
        latestFbg: latest?.fbg ?? null,
        status,
      },
    ];
  });
}
