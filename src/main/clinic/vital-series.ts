/**
 * The patient's one vital-sign history (issue 14 point 2). Blood pressure, heart rate, weight and glucose are
 * measured at the clinic's vitals page, in the ECG room (both `vitals` rows, told apart by `source`) and at a
 * follow-up visit (`followup_records`, owned by the follow-up feature). Rather than copy follow-up values into
 * `vitals` (two writers of one fact) or a SQL view (which would break the follow-up feature's table rebuilds:
 * SQLite refuses to rename a table a view names), this module is the view: it reads both tables through the
 * schema, and every screen — chart, follow-up trend, follow-up form — reads the series from here.
 */
import { and, asc, eq, gte, lte } from 'drizzle-orm';
import type { VitalKind, VitalPoint } from '../../shared/api/clinic';
import { clinicDateOf } from '../../shared/date-format';
import type { Db } from '../db/open';
import { vitals } from '../db/schema/clinic';
import { followupRecords } from '../db/schema/followup';

export interface VitalSeriesQuery {
  patientId: string;
  kinds: readonly VitalKind[];
  /** Clinic calendar days, inclusive. */
  from?: string;
  to?: string;
}

type VitalsRow = Pick<typeof vitals.$inferSelect, 'id' | 'source' | 'measuredAt' | 'systolic' | 'diastolic' | 'input'>;
type FollowupRow = Pick<
  typeof followupRecords.$inferSelect,
  'id' | 'visitDate' | 'mode' | 'sbp' | 'dbp' | 'heartRate' | 'weightKg' | 'fbg' | 'randomGlucose' | 'selfReportedHomeBp'
>;

const finite = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/** A `vitals` row as a point; the stored input is what was typed (the contract's shape, checked when written). */
export function pointOfVitals(row: VitalsRow, timeZone: string): VitalPoint {
  const input = JSON.parse(row.input) as { heartRate?: unknown; weightKg?: unknown; glucose?: { mmolPerL?: unknown; timing?: unknown } };
  const glucose = finite(input.glucose?.mmolPerL);
  const timing = input.glucose?.timing === 'random' ? 'random' : 'fasting';
  return {
    source: row.source,
    sourceId: row.id,
    date: clinicDateOf(row.measuredAt, timeZone),
    measuredAt: row.measuredAt,
    sbp: row.systolic,
    dbp: row.diastolic,
    heartRate: finite(input.heartRate),
    weightKg: finite(input.weightKg),
    glucose: glucose === null ? null : { mmolPerL: glucose, timing },
    selfReported: false,
  };
}

/** A follow-up visit as a point: fasting glucose when measured, else a random one; phone BP is a home reading. */
export function pointOfFollowup(row: FollowupRow): VitalPoint {
  const glucose =
    row.fbg !== null
      ? { mmolPerL: row.fbg, timing: 'fasting' as const }
      : row.randomGlucose !== null
        ? { mmolPerL: row.randomGlucose, timing: 'random' as const }
        : null;
  return {
    source: 'followup',
    sourceId: row.id,
    date: row.visitDate,
    measuredAt: null,
    sbp: row.sbp,
    dbp: row.dbp,
    heartRate: row.heartRate,
    weightKg: row.weightKg,
    glucose,
    selfReported: row.mode === 'phone' || row.selfReportedHomeBp,
  };
}

const KIND_FIELDS: Record<VitalKind, (p: VitalPoint) => boolean> = {
  bp: (p) => p.sbp !== null || p.dbp !== null,
  heartRate: (p) => p.heartRate !== null,
  weight: (p) => p.weightKg !== null,
  glucose: (p) => p.glucose !== null,
};

/**
 * A follow-up visit often takes over the day's clinic reading (the form offers it). The same numbers on the same
 * day are then one measurement, not two: the follow-up point drops the values a clinic or ECG-room point of that
 * day already holds, and disappears when nothing of its own is left. Two follow-ups of one day (hypertension and
 * diabetes seen together) share their readings the same way.
 */
export function mergeSameMeasurements(points: readonly VitalPoint[]): VitalPoint[] {
  const kept: VitalPoint[] = [];
  for (const point of points) {
    if (point.source !== 'followup') {
      kept.push(point);
      continue;
    }
    let p = { ...point };
    for (const other of kept) {
      if (other.date !== p.date || other.selfReported !== p.selfReported) continue;
      if (p.sbp !== null && p.dbp !== null && other.sbp === p.sbp && other.dbp === p.dbp) p = { ...p, sbp: null, dbp: null };
      if (p.heartRate !== null && other.heartRate === p.heartRate) p = { ...p, heartRate: null };
      if (p.weightKg !== null && other.weightKg === p.weightKg) p = { ...p, weightKg: null };
      if (p.glucose && other.glucose && other.glucose.mmolPerL === p.glucose.mmolPerL && other.glucose.timing === p.glucose.timing) p = { ...p, glucose: null };
    }
    if (p.sbp !== null || p.dbp !== null || p.heartRate !== null || p.weightKg !== null || p.glucose !== null) kept.push(p);
  }
  return kept;
}

/** Oldest first; within a day, timed points by their time, then the day-only follow-up points. */
export function orderPoints(points: VitalPoint[]): VitalPoint[] {
  return points.sort((a, b) => (a.date !== b.date ? (a.date < b.date ? -1 : 1) : (a.measuredAt ?? '\uffff').localeCompare(b.measuredAt ?? '\uffff')));
}

/** The series for the kinds asked: points holding at least one of them, each keeping all its values. */
export function vitalSeries(db: Db, query: VitalSeriesQuery, timeZone: string): VitalPoint[] {
  const clinicRows = db
    .select({
      id: vitals.id,
      source: vitals.source,
      measuredAt: vitals.measuredAt,
      systolic: vitals.systolic,
      diastolic: vitals.diastolic,
      input: vitals.input,
    })
    .from(vitals)
    .where(eq(vitals.patientId, query.patientId))
    .orderBy(asc(vitals.measuredAt))
    .all();
  const followupWhere = [eq(followupRecords.patientId, query.patientId)];
  if (query.from) followupWhere.push(gte(followupRecords.visitDate, query.from));
  if (query.to) followupWhere.push(lte(followupRecords.visitDate, query.to));
  const followupRows = db
    .select({
      id: followupRecords.id,
      visitDate: followupRecords.visitDate,
      mode: followupRecords.mode,
      sbp: followupRecords.sbp,
      dbp: followupRecords.dbp,
      heartRate: followupRecords.heartRate,
      weightKg: followupRecords.weightKg,
      fbg: followupRecords.fbg,
      randomGlucose: followupRecords.randomGlucose,
      selfReportedHomeBp: followupRecords.selfReportedHomeBp,
    })
    .from(followupRecords)
    .where(and(...followupWhere))
    .all();
  // Clinic days are in the clinic's zone, so the instant range is filtered after converting, not in SQL.
  const inRange = (p: VitalPoint) => (!query.from || p.date >= query.from) && (!query.to || p.date <= query.to);
  const points = orderPoints([...clinicRows.map((r) => pointOfVitals(r, timeZone)).filter(inRange), ...followupRows.map(pointOfFollowup)]);
  const wanted = query.kinds.map((k) => KIND_FIELDS[k]);
  return mergeSameMeasurements(points).filter((p) => wanted.some((has) => has(p)));
}
