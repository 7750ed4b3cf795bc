import type { EcgMeasurements } from '../../../shared/ecg';
import {
  ADULT_ECG_NORMALS,
  classifyMeasurement,
  type ClassifiedMeasurement,
  type EcgNormalRange,
  type LowerLimit,
  type MeasurementClass,
  type UpperLimit,
} from '../../../shared/ecg-normals';

export type MeasurementKey = Exclude<keyof EcgMeasurements, 'beatCount' | 'medianBeatCount' | 'qrsAmplitudes' | 'rrIrregularity' | 'qualityStretches'>;

/** Report order: rate and rhythm first, then the intervals in the order they occur in a beat, then the axis. */
export const MEASUREMENT_ORDER: readonly MeasurementKey[] = [
  'heartRateBpm',
  'rrMeanMs',
  'pDurationMs',
  'prMs',
  'qrsMs',
  'qtMs',
  'qtcBazettMs',
  'qtcFridericiaMs',
  'pAxisDeg',
  'qrsAxisDeg',
  'tAxisDeg',
  'sokolowLyonUv',
];

const UNITS: Record<MeasurementKey, MeasurementUnit> = {
  heartRateBpm: 'bpm',
  rrMeanMs: 'ms',
  prMs: 'ms',
  pDurationMs: 'ms',
  qrsMs: 'ms',
  qtMs: 'ms',
  qtcBazettMs: 'ms',
  qtcFridericiaMs: 'ms',
  qrsAxisDeg: 'deg',
  pAxisDeg: 'deg',
  tAxisDeg: 'deg',
  sokolowLyonUv: 'mv',
};

export type MeasurementUnit = 'bpm' | 'ms' | 'deg' | 'mv';

export interface MeasurementRow {
  key: MeasurementKey;
  /** Rounded to the unit (ms, bpm, degree); undefined when not measurable. */
  value?: number;
  unit: MeasurementUnit;
  /** The normal range as printed beside the value ('' where none applies). */
  range: string;
  /** Flag against the adult range; undefined for a child, an unmeasured value or a value without a range. */
  flag?: MeasurementClass;
  /** ecg-normals finding code for a flagged value (bradycardia, longQtc, …). */
  finding?: string;
}

function isClassified(key: MeasurementKey): key is ClassifiedMeasurement {
  return key in ADULT_ECG_NORMALS;
}

function upperFor(range: EcgNormalRange, sex: 'M' | 'F' | 'U' | undefined): UpperLimit | undefined {
  const high = range.high;
  if (high === undefined || 'above' in high || 'atOrAbove' in high) return high;
  // Unknown sex: the lower (male) QTc limit, as classifyMeasurement does.
  return sex === 'F' ? high.F : high.M;
}

const lowValue = (l: LowerLimit) => ('below' in l ? l.below : l.atOrBelow);
const highValue = (h: UpperLimit) => ('above' in h ? h.above : h.atOrAbove);
const signed = (v: number) => (v < 0 ? `−${-v}` : `${v}`);

/** "60–100", "< 120", "−30–90": the normal values, with the comparator the configured bound implies. */
export function normalRangeText(range: EcgNormalRange, sex?: 'M' | 'F' | 'U'): string {
  const upper = upperFor(range, sex);
  if (range.low && upper) return `${signed(lowValue(range.low))}–${signed(highValue(upper))}`;
  if (upper) return 'above' in upper ? `≤ ${signed(upper.above)}` : `< ${signed(upper.atOrAbove)}`;
  if (range.low) return 'below' in range.low ? `≥ ${signed(range.low.below)}` : `> ${signed(range.low.atOrBelow)}`;
  return '';
}

export function measurementRows(measurements: EcgMeasurements, sex: 'M' | 'F' | 'U' | undefined, adult: boolean): MeasurementRow[] {
  return MEASUREMENT_ORDER.map((key) => {
    const raw = measurements[key];
    const row: MeasurementRow = { key, unit: UNITS[key], range: '' };
    // Voltages are held in µV and shown in mV to two decimals, as carts print them.
    if (raw !== undefined && Number.isFinite(raw)) row.value = row.unit === 'mv' ? Math.round(raw / 10) / 100 : Math.round(raw);
    if (!isClassified(key)) return row;
    const range = ADULT_ECG_NORMALS[key];
    if (!adult) return row;
    row.range = normalRangeText(range, sex);
    const flag = classifyMeasurement(key, raw, sex);
    if (flag) row.flag = flag;
    if (flag === 'low' && range.lowFinding) row.finding = range.lowFinding;
    if (flag === 'high' && range.highFinding) row.finding = range.highFinding;
    return row;
  });
}
