import type { VitalsRecord } from '../../../shared/api/clinic';
import type { DisplayLevel, VitalField } from '../../../shared/vitals';

/** Worst first: a cell with a critical and a high flag is shown critical. */
const SEVERITY: Record<DisplayLevel, number> = { critical: 3, high: 2, low: 2, notice: 1 };

/** The flags as stored (shared rules' VitalsFlag carried as data): field → the worst level on it. */
export function levelsByField(flags: readonly Record<string, unknown>[]): Partial<Record<VitalField, DisplayLevel>> {
  const levels: Partial<Record<VitalField, DisplayLevel>> = {};
  for (const flag of flags) {
    const field = flag.field as VitalField | null;
    const level = flag.level as DisplayLevel;
    if (!field || level === 'notice' || !(level in SEVERITY)) continue;
    const previous = levels[field];
    if (!previous || SEVERITY[level] > SEVERITY[previous]) levels[field] = level;
  }
  return levels;
}

export interface VitalsRow {
  id: string;
  measuredAt: string;
  bloodPressure: string;
  systolic?: number;
  diastolic?: number;
  heartRate?: number;
  temperatureC?: number;
  spo2?: number;
  respiratoryRate?: number;
  weightKg?: number;
  heightCm?: number;
  bmi?: number;
  waistCm?: number;
  glucose?: { mmolPerL: number; timing: 'fasting' | 'random' };
  levels: Partial<Record<VitalField, DisplayLevel>>;
  flagCodes: { code: string; params: Record<string, unknown> }[];
}

const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

export function toVitalsRow(record: VitalsRecord): VitalsRow {
  const systolic = num(record.derived.systolic);
  const diastolic = num(record.derived.diastolic);
  return {
    id: record.id,
    measuredAt: record.measuredAt,
    bloodPressure: systolic !== undefined && diastolic !== undefined ? `${systolic}/${diastolic}` : '',
    systolic,
    diastolic,
    heartRate: record.input.heartRate,
    temperatureC: record.input.temperatureC,
    spo2: record.input.spo2,
    respiratoryRate: record.input.respiratoryRate,
    weightKg: record.input.weightKg,
    heightCm: record.input.heightCm,
    bmi: num(record.derived.bmi),
    waistCm: record.input.waistCm,
    glucose: record.input.glucose,
    levels: levelsByField(record.flags),
    flagCodes: record.flags.map((flag) => ({ code: String(flag.code), params: flag })),
  };
}

export interface BpPoint {
  at: number;
  systolic: number;
  diastolic: number;
}

/** Blood-pressure means over time, oldest first (the list comes newest first). */
export function bpSeries(records: readonly VitalsRecord[]): BpPoint[] {
  const points: BpPoint[] = [];
  for (const record of records) {
    const systolic = num(record.derived.systolic);
    const diastolic = num(record.derived.diastolic);
    if (systolic === undefined || diastolic === undefined) continue;
    points.push({ at: new Date(record.measuredAt).getTime(), systolic, diastolic });
  }
  return points.sort((a, b) => a.at - b.at);
}
