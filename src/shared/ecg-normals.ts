/**
 * Adult normal ranges for the automatic ECG measurements, kept as data so a clinic can review them and the UI can
 * show the range beside each value. Pure: shared by the report, the screen and the tests.
 *
 * Sources: AHA/ACCF/HRS Recommendations for the Standardization and Interpretation of the Electrocardiogram
 * (Circulation 2007;115:1306 — Part I: axis −30° to +90°; 2009;119:e241 — Part IV: QTc ≥ 450 ms in men and
 * ≥ 460 ms in women is prolonged); 诊断学 (第9版): rate 60–100 /min, PR 0.12–0.20 s, QRS < 0.12 s.
 * For children these ranges do not apply (they depend on age); the caller decides who is an adult.
 */

import type { EcgMeasurements } from './ecg';

export type LowerLimit = { below: number } | { atOrBelow: number };
export type UpperLimit = { above: number } | { atOrAbove: number };

export interface EcgNormalRange {
  unit: 'bpm' | 'ms' | 'deg';
  low?: LowerLimit;
  /** One limit for everyone, or one per sex. */
  high?: UpperLimit | { M: UpperLimit; F: UpperLimit };
  /** For an angle: values at or below this wrap round past ±180° and count as high (extreme deviation). */
  highAtOrBelow?: number;
  /** Finding codes for the UI's translations (`ecg.finding.<code>`). */
  lowFinding?: string;
  highFinding?: string;
}

export type ClassifiedMeasurement = 'heartRateBpm' | 'prMs' | 'qrsMs' | 'qtcBazettMs' | 'qtcFridericiaMs' | 'qrsAxisDeg';

const QTC_LIMIT = { M: { atOrAbove: 450 }, F: { atOrAbove: 460 } } as const;

export const ADULT_ECG_NORMALS: Readonly<Record<ClassifiedMeasurement, EcgNormalRange>> = {
  heartRateBpm: { unit: 'bpm', low: { below: 60 }, high: { above: 100 }, lowFinding: 'bradycardia', highFinding: 'tachycardia' },
  prMs: { unit: 'ms', low: { below: 120 }, high: { above: 200 }, lowFinding: 'shortPr', highFinding: 'firstDegreeAvBlock' },
  qrsMs: { unit: 'ms', high: { atOrAbove: 120 }, highFinding: 'wideQrs' },
  qtcBazettMs: { unit: 'ms', high: QTC_LIMIT, highFinding: 'longQtc' },
  qtcFridericiaMs: { unit: 'ms', high: QTC_LIMIT, highFinding: 'longQtc' },
  // Axes are reported in (−180°, +180°]. Below −30° is left axis deviation; above +90° is right axis deviation,
  // and the "northwest" quadrant (−180° to −90°) counts as extreme right deviation, so it is flagged high too.
  qrsAxisDeg: { unit: 'deg', low: { below: -30 }, high: { above: 90 }, highAtOrBelow: -90, lowFinding: 'leftAxisDeviation', highFinding: 'rightAxisDeviation' },
};

export type MeasurementClass = 'normal' | 'low' | 'high';

function isBelow(value: number, limit: LowerLimit): boolean {
  return 'below' in limit ? value < limit.below : value <= limit.atOrBelow;
}

function isAbove(value: number, limit: UpperLimit): boolean {
  return 'above' in limit ? value > limit.above : value >= limit.atOrAbove;
}

function upperLimitFor(range: EcgNormalRange, sex: 'M' | 'F' | 'U' | undefined): UpperLimit | undefined {
  const high = range.high;
  if (high === undefined || 'above' in high || 'atOrAbove' in high) return high;
  // Sex unknown: the lower (male) QTc limit, so a long QTc is flagged for review rather than missed.
  return sex === 'F' ? high.F : high.M;
}

/** 'low' / 'high' / 'normal' for an adult; undefined when the value is missing (not measurable). */
export function classifyMeasurement(
  key: ClassifiedMeasurement,
  value: number | undefined,
  sex?: 'M' | 'F' | 'U',
  normals: Readonly<Record<ClassifiedMeasurement, EcgNormalRange>> = ADULT_ECG_NORMALS,
): MeasurementClass | undefined {
  if (value === undefined || !Number.isFinite(value)) return undefined;
  const range = normals[key];
  const upper = upperLimitFor(range, sex);
  if (range.highAtOrBelow !== undefined && value <= range.highAtOrBelow) return 'high';
  if (range.low && isBelow(value, range.low)) return 'low';
  if (upper && isAbove(value, upper)) return 'high';
  return 'normal';
}

/** Every classified measurement of a result at once, for the report's flags. */
export function classifyMeasurements(measurements: EcgMeasurements, sex?: 'M' | 'F' | 'U'): Partial<Record<ClassifiedMeasurement, MeasurementClass>> {
  const out: Partial<Record<ClassifiedMeasurement, MeasurementClass>> = {};
  for (const key of Object.keys(ADULT_ECG_NORMALS) as ClassifiedMeasurement[]) {
    const result = classifyMeasurement(key, measurements[key], sex);
    if (result !== undefined) out[key] = result;
  }
  return out;
}
