import type { EcgMeasurements } from './ecg';

/**
 * Automatic ECG statements as carts print them, each from one published criterion applied to our measurements.
 * They are suggestions for the clinician ("机器自动分析，需医师确认"): shown beside the tracing, copied into the
 * editable interpretation only when the clinician chooses, never signed by themselves.
 *
 * Criteria (adults):
 * - rhythm: sinus when a P wave precedes the QRS at a regular rate (AHA/ACC/HRS 2009 recommendations, part II);
 *   sinus bradycardia < 60/min, sinus tachycardia > 100/min;
 * - possible atrial fibrillation: no P wave found and an irregularly irregular RR series, normalised RMSSD > 0.1
 *   (Dash et al. 2009, Ann Biomed Eng 37:1701);
 * - first-degree AV block: PR > 200 ms in sinus rhythm (AHA/ACC/HRS 2009, part V);
 * - wide QRS: QRS ≥ 120 ms (AHA/ACC/HRS 2009, part III: complete bundle branch block / IVCD);
 * - prolonged QTc: Bazett QTc ≥ 450 ms in men, ≥ 460 ms in women (AHA/ACC/HRS 2009, part IV); 460 when the sex
 *   is unknown, so a man is never called prolonged on a woman's limit nor a woman on a man's;
 * - left / right axis deviation: QRS axis −30° to −90° / +90° to +180° (AHA/ACC/HRS 2009, part II);
 * - low voltage: QRS amplitude (R + S) < 500 µV in every limb lead or < 1000 µV in every precordial lead
 *   (AHA/ACC/HRS 2009, part V);
 * - left ventricular high voltage: Sokolow–Lyon SV1 + RV5/RV6 ≥ 3.5 mV (Sokolow & Lyon 1949), or Cornell
 *   RaVL + SV3 > 2.8 mV in men, > 2.0 mV in women (Casale et al. 1985).
 */

export const ECG_STATEMENTS = [
  'sinusRhythm',
  'sinusBradycardia',
  'sinusTachycardia',
  'possibleAtrialFibrillation',
  'firstDegreeAvBlock',
  'wideQrs',
  'prolongedQtc',
  'leftAxisDeviation',
  'rightAxisDeviation',
  'lowVoltage',
  'leftVentricularHighVoltage',
] as const;
export type EcgStatementCode = (typeof ECG_STATEMENTS)[number];

/** Which published criterion produced a statement, with the values it compared (for the criterion text). */
export type EcgCriterion =
  | { rule: 'sinusRate'; heartRateBpm: number }
  | { rule: 'bradycardia'; heartRateBpm: number; limit: 60 }
  | { rule: 'tachycardia'; heartRateBpm: number; limit: 100 }
  | { rule: 'afNoPIrregularRr'; rrIrregularity: number; limit: number }
  | { rule: 'prOver200'; prMs: number; limit: 200 }
  | { rule: 'qrsAtLeast120'; qrsMs: number; limit: 120 }
  | { rule: 'qtcBazett'; qtcMs: number; limit: number }
  | { rule: 'axisBelowMinus30'; axisDeg: number }
  | { rule: 'axisAbove90'; axisDeg: number }
  | { rule: 'lowVoltageLimb'; maxMv: number }
  | { rule: 'lowVoltagePrecordial'; maxMv: number }
  | { rule: 'sokolowLyon'; mv: number; limit: 3.5 }
  | { rule: 'cornell'; mv: number; limit: number };

export interface EcgStatement {
  code: EcgStatementCode;
  criterion: EcgCriterion;
}

export interface StatementInput {
  measurements: EcgMeasurements;
  sex?: 'M' | 'F' | 'U' | null;
  /** Voltage and interval limits here are adults'; children get rhythm and rate statements only. */
  adult: boolean;
}

export const AF_RR_IRREGULARITY = 0.1;
const LIMB = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF'] as const;
const PRECORDIAL = ['V1', 'V2', 'V3', 'V4', 'V5', 'V6'] as const;

const mv = (uv: number) => Math.round(uv / 10) / 100;

/** Largest R + S over the leads named, in mV; undefined unless every one of them was measured. */
function maxQrsAmplitude(m: EcgMeasurements, leads: readonly (keyof NonNullable<EcgMeasurements['qrsAmplitudes']>)[]): number | undefined {
  let max = 0;
  for (const lead of leads) {
    const a = m.qrsAmplitudes?.[lead];
    if (!a) return undefined;
    max = Math.max(max, a.rUv + a.sUv);
  }
  return mv(max);
}

export function rhythmStatements(m: EcgMeasurements): EcgStatement[] {
  const rate = m.heartRateBpm;
  if (rate === undefined) return [];
  const irregular = m.rrIrregularity !== undefined && m.rrIrregularity > AF_RR_IRREGULARITY;
  if (m.prMs === undefined) {
    return irregular
      ? [{ code: 'possibleAtrialFibrillation', criterion: { rule: 'afNoPIrregularRr', rrIrregularity: m.rrIrregularity!, limit: AF_RR_IRREGULARITY } }]
      : [];
  }
  if (irregular) return [];
  if (rate < 60) return [{ code: 'sinusBradycardia', criterion: { rule: 'bradycardia', heartRateBpm: rate, limit: 60 } }];
  if (rate > 100) return [{ code: 'sinusTachycardia', criterion: { rule: 'tachycardia', heartRateBpm: rate, limit: 100 } }];
  return [{ code: 'sinusRhythm', criterion: { rule: 'sinusRate', heartRateBpm: rate } }];
}

export function conductionStatements(m: EcgMeasurements, sinus: boolean, sex: StatementInput['sex']): EcgStatement[] {
  const out: EcgStatement[] = [];
  if (sinus && m.prMs !== undefined && m.prMs > 200) out.push({ code: 'firstDegreeAvBlock', criterion: { rule: 'prOver200', prMs: m.prMs, limit: 200 } });
  if (m.qrsMs !== undefined && m.qrsMs >= 120) out.push({ code: 'wideQrs', criterion: { rule: 'qrsAtLeast120', qrsMs: m.qrsMs, limit: 120 } });
  const qtcLimit = sex === 'M' ? 450 : 460;
  if (m.qtcBazettMs !== undefined && m.qtcBazettMs >= qtcLimit)
    out.push({ code: 'prolongedQtc', criterion: { rule: 'qtcBazett', qtcMs: m.qtcBazettMs, limit: qtcLimit } });
  return out;
}

export function axisStatements(m: EcgMeasurements): EcgStatement[] {
  const axis = m.qrsAxisDeg;
  if (axis === undefined) return [];
  if (axis < -30 && axis >= -90) return [{ code: 'leftAxisDeviation', criterion: { rule: 'axisBelowMinus30', axisDeg: axis } }];
  if (axis > 90 && axis <= 180) return [{ code: 'rightAxisDeviation', criterion: { rule: 'axisAbove90', axisDeg: axis } }];
  return [];
}

export function voltageStatements(m: EcgMeasurements, sex: StatementInput['sex']): EcgStatement[] {
  const out: EcgStatement[] = [];
  const limb = maxQrsAmplitude(m, LIMB);
  const precordial = maxQrsAmplitude(m, PRECORDIAL);
  if (limb !== undefined && limb < 0.5) out.push({ code: 'lowVoltage', criterion: { rule: 'lowVoltageLimb', maxMv: limb } });
  else if (precordial !== undefined && precordial < 1) out.push({ code: 'lowVoltage', criterion: { rule: 'lowVoltagePrecordial', maxMv: precordial } });
  if (m.sokolowLyonUv !== undefined && m.sokolowLyonUv >= 3500) {
    out.push({ code: 'leftVentricularHighVoltage', criterion: { rule: 'sokolowLyon', mv: mv(m.sokolowLyonUv), limit: 3.5 } });
  } else {
    const ravl = m.qrsAmplitudes?.aVL?.rUv;
    const sv3 = m.qrsAmplitudes?.V3?.sUv;
    const limit = sex === 'F' ? 2.0 : sex === 'M' ? 2.8 : undefined;
    if (ravl !== undefined && sv3 !== undefined && limit !== undefined && mv(ravl + sv3) > limit) {
      out.push({ code: 'leftVentricularHighVoltage', criterion: { rule: 'cornell', mv: mv(ravl + sv3), limit } });
    }
  }
  return out;
}

/** Every statement our measurements support, in the order carts print them: rhythm, conduction, axis, voltage. */
export function ecgStatements({ measurements: m, sex, adult }: StatementInput): EcgStatement[] {
  const rhythm = rhythmStatements(m);
  if (!adult) return rhythm;
  const sinus = rhythm.some((s) => s.code === 'sinusRhythm' || s.code === 'sinusBradycardia' || s.code === 'sinusTachycardia');
  return [...rhythm, ...conductionStatements(m, sinus, sex), ...axisStatements(m), ...voltageStatements(m, sex)];
}
