import type { VitalPoint, VitalSource, VitalsRecord } from '../../../shared/api/clinic';
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
  source: VitalSource;
  /** An instant (clinic, ECG room) or a calendar day (a follow-up visit records the day only). */
  measuredAt: string;
  selfReported?: boolean;
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
    source: record.source,
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

const opt = (value: number | null): number | undefined => (value === null ? undefined : value);

/**
 * The chart's table rows from the one series, newest first: a clinic or ECG-room point shows its whole record
 * (temperature, SpO2, flags) when the record is at hand; a follow-up point shows what the visit measured.
 */
export function vitalsRowsOfSeries(points: readonly VitalPoint[], records: readonly VitalsRecord[]): VitalsRow[] {
  const byId = new Map(records.map((r) => [r.id, r]));
  const rows = points.map((p): VitalsRow => {
    const record = p.source !== 'followup' ? byId.get(p.sourceId) : undefined;
    if (record) return toVitalsRow(record);
    return {
      id: `${p.source}:${p.sourceId}`,
      source: p.source,
      measuredAt: p.measuredAt ?? p.date,
      selfReported: p.selfReported,
      bloodPressure: p.sbp !== null && p.dbp !== null ? `${p.sbp}/${p.dbp}` : '',
      systolic: opt(p.sbp),
      diastolic: opt(p.dbp),
      heartRate: opt(p.heartRate),
      weightKg: opt(p.weightKg),
      glucose: p.glucose ?? undefined,
      levels: {},
      flagCodes: [],
    };
  });
  return rows.reverse();
}

export interface BpPoint {
  at: number;
  systolic: number;
  diastolic: number;
  source: VitalSource;
}

/** Noon of a calendar day in China time: a day-only follow-up reading sits mid-day on a time axis. */
function dayNoon(date: string): number {
  return new Date(`${date}T12:00:00+08:00`).getTime();
}

/** Staff-measured blood pressure over time, oldest first; home readings told by phone are not plotted. */
export function bpSeries(points: readonly VitalPoint[]): BpPoint[] {
  const out: BpPoint[] = [];
  for (const p of points) {
    if (p.sbp === null || p.dbp === null || p.selfReported) continue;
    out.push({ at: p.measuredAt ? new Date(p.measuredAt).getTime() : dayNoon(p.date), systolic: p.sbp, diastolic: p.dbp, source: p.source });
  }
  return out.sort((a, b) => a.at - b.at);
}
