/** Use case: the yearly indicator report (规范管理率, 血压/血糖控制率) and the patients behind each number. */

import type { IndicatorPatientRow, YearIndicatorsData } from '../../shared/api/followup';
import { yearPeriod } from '../../shared/dates';
import type { Disease, DiseaseIndicators } from '../../shared/followup';
import type { FollowupContext } from './context';
import { birthDatesOf } from '../patients/population';
import { indicatorPopulation } from './repository';
import { computeIndicators } from './indicators';

function yearIndicators(ctx: FollowupContext, year: number) {
  const period = yearPeriod(year, ctx.rules.yearStartMonth);
  const db = ctx.db();
  const patients = indicatorPopulation(db, period, (ids) => birthDatesOf(db.$client, ids));
  return { period, patients, indicators: computeIndicators(patients, year, ctx.rules) };
}

export function indicatorReport(ctx: FollowupContext, p: { year: number }): YearIndicatorsData {
  const { indicators } = yearIndicators(ctx, p.year);
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
export function indicatorPatients(ctx: FollowupContext, p: IndicatorPatientsParams): IndicatorPatientRow[] {
  const { period, patients, indicators } = yearIndicators(ctx, p.year);
  const d = indicators[p.disease];
  const chosen = d[p.indicator];
  const numerator = new Set(chosen.numeratorIds);
  const ids = p.part === 'numerator' ? chosen.numeratorIds : p.part === 'denominator' ? chosen.denominatorIds : chosen.denominatorIds.filter((i) => !numerator.has(i));
  const lost = new Set(d.lostToFollowUpIds);
  const missing = new Set(d.latestValueMissingIds);
  const byId = new Map(patients.map((patient) => [patient.patientId, patient]));
  return ids.flatMap((patientId) => {
    const facts = byId.get(patientId);
    if (!facts) return [];
    const visits = facts.followups.filter((f) => f.disease === p.disease && f.date >= period.start && f.date <= period.end);
    const latest = visits.at(-1);
    const person = ctx.patients.get(patientId);
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
        name: person.name,
        sex: person.sex,
        village: person.village,
        familyDoctor: person.contractDoctor,
        phone: person.phone,
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
