/**
 * The follow-up feature's data interface: every read and write of its tables, typed from the drizzle schema
 * ($inferSelect / $inferInsert), functions taking the database first. Use cases (enrol.ts, record-visit.ts, …)
 * hold the rules and call these; nothing else in the feature writes SQL, except the set-based statement that
 * recomputes the kept due state (due-state.ts). Patients and settings are not read here: they belong to their
 * features (patients/population.ts, patient-service, settings-service).
 */

import { and, asc, count, desc, eq, gt, gte, inArray, isNull, lte, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Disease, DueFacts, IndicatorFollowUp, IndicatorPatient } from '../../shared/followup';
import type { YearPeriod } from '../../shared/dates';
import type { ReadDb } from '../db/handles';
import type { SQLiteColumn, SQLiteTable, SQLiteUpdateSetSource } from 'drizzle-orm/sqlite-core';
import type { Db } from '../db/open';
import {
  followupAppointments,
  followupDayCapacity,
  followupDueState,
  followupEnrolments,
  followupHealthChecks,
  followupIndicatorYears,
  followupListChanges,
  followupRecords,
  followupReferralChecks,
  followupReferrals,
} from '../db/schema/followup';
import type { RecordRow } from './record-mapping';

export type EnrolmentRow = typeof followupEnrolments.$inferSelect;
export type NewEnrolmentRow = typeof followupEnrolments.$inferInsert;
export type HealthCheckRow = typeof followupHealthChecks.$inferSelect;
export type NewHealthCheckRow = typeof followupHealthChecks.$inferInsert;
export type ReferralRow = typeof followupReferrals.$inferSelect;
export type NewReferralRow = typeof followupReferrals.$inferInsert;
export type ReferralCheckRow = typeof followupReferralChecks.$inferSelect;
export type NewReferralCheckRow = typeof followupReferralChecks.$inferInsert;
export type AppointmentRow = typeof followupAppointments.$inferSelect;
export type NewAppointmentRow = typeof followupAppointments.$inferInsert;

/** Insertion order breaks ties between same-day rows, as the engine's history order does (date, then written). */
const rowid = sql`rowid`;

/**
 * Every follow-up table is keyed by a text `id`, and its read by id, insert and upsert are the same statements;
 * one piece writes them for each table. The upsert applies a row pulled from another station as it is (its
 * decision was made there): every column but the key is overwritten.
 */
type IdTable = SQLiteTable & { id: SQLiteColumn };

function keyedRows<T extends IdTable>(table: T) {
  return {
    byId: (db: Db, id: string): T['$inferSelect'] | undefined => db.select().from(table).where(eq(table.id, id)).get(),
    insert: (db: Db, row: T['$inferInsert']): void => {
      db.insert(table).values(row).run();
    },
    upsert: (db: Db, row: T['$inferInsert']): void => {
      const { id: _id, ...changes } = row as { id: unknown } & Record<string, unknown>;
      // drizzle cannot name the update shape of a generic table; `changes` is the insert row minus its key.
      db.insert(table)
        .values(row)
        .onConflictDoUpdate({ target: table.id, set: changes as SQLiteUpdateSetSource<T> })
        .run();
    },
  };
}

/** The rows a condition selects, in the given order (a date, then insertion order for same-day rows). */
function rowsInOrder<T extends IdTable>(db: Db, table: T, where: SQL, ...order: SQL[]): T['$inferSelect'][] {
  return db
    .select()
    .from(table)
    .where(where)
    .orderBy(...order)
    .all();
}

// ---------------------------------------------------------------------------------------------------------------
// Enrolments

export function enrolmentsOfPatient(db: Db, patientId: string): EnrolmentRow[] {
  return rowsInOrder(db, followupEnrolments, eq(followupEnrolments.patientId, patientId), desc(followupEnrolments.enrolledOn), desc(rowid));
}

export function openEnrolment(db: Db, patientId: string, disease: Disease): EnrolmentRow | undefined {
  return db
    .select()
    .from(followupEnrolments)
    .where(and(eq(followupEnrolments.patientId, patientId), eq(followupEnrolments.disease, disease), isNull(followupEnrolments.endedOn)))
    .get();
}

export const { byId: enrolmentById, insert: insertEnrolment, upsert: upsertEnrolment } = keyedRows(followupEnrolments);

export function endEnrolmentRow(
  db: Db,
  p: { id: string; endedOn: string; endReason: NonNullable<EnrolmentRow['endReason']>; endNote: string | null; endedBy: number; now: string },
): void {
  db.update(followupEnrolments)
    .set({ endedOn: p.endedOn, endReason: p.endReason, endNote: p.endNote, endedBy: p.endedBy, updatedAt: p.now })
    .where(eq(followupEnrolments.id, p.id))
    .run();
}

// ---------------------------------------------------------------------------------------------------------------
// Follow-up records

export function recordsOfEnrolment(db: Db, enrolmentId: string): RecordRow[] {
  return rowsInOrder(db, followupRecords, eq(followupRecords.enrolmentId, enrolmentId), asc(followupRecords.visitDate), asc(rowid));
}

export function recordsOfPatient(db: Db, patientId: string): RecordRow[] {
  return rowsInOrder(db, followupRecords, eq(followupRecords.patientId, patientId), desc(followupRecords.visitDate), desc(rowid));
}

export const { byId: recordById, insert: insertRecord, upsert: upsertRecord } = keyedRows(followupRecords);

/** A record the platform marked entered-in-error (a correction made on another station or by the county). */
export function deleteRecord(db: Db, id: string): void {
  db.delete(followupRecords).where(eq(followupRecords.id, id)).run();
}

export function hasLaterFaceToFace(db: Db, enrolmentId: string, date: string): boolean {
  const row = db
    .select({ id: followupRecords.id })
    .from(followupRecords)
    .where(and(eq(followupRecords.enrolmentId, enrolmentId), eq(followupRecords.faceToFace, true), gt(followupRecords.visitDate, date)))
    .limit(1)
    .get();
  return row !== undefined;
}

/** The patient's follow-ups on one day (a second one the same day is asked about first, issue 14.6). */
export function recordsOnDay(db: Db, patientId: string, disease: Disease, date: string): RecordRow[] {
  return db
    .select()
    .from(followupRecords)
    .where(and(eq(followupRecords.patientId, patientId), eq(followupRecords.disease, disease), eq(followupRecords.visitDate, date)))
    .all();
}

// ---------------------------------------------------------------------------------------------------------------
// Health checks

/**
 * Latest first. Same-day checks are ordered by id, not by insertion: a station that pulled them inserted them in the
 * platform's order, and both stations must show one chart.
 */
export function healthChecksOfPatient(db: Db, patientId: string): HealthCheckRow[] {
  return rowsInOrder(
    db,
    followupHealthChecks,
    eq(followupHealthChecks.patientId, patientId),
    desc(followupHealthChecks.checkDate),
    desc(followupHealthChecks.id),
  );
}

export const { byId: healthCheckById, insert: insertHealthCheck, upsert: upsertHealthCheck } = keyedRows(followupHealthChecks);

// ---------------------------------------------------------------------------------------------------------------
// Referrals and their checks

export function referralsOfPatient(db: Db, patientId: string): ReferralRow[] {
  return rowsInOrder(db, followupReferrals, eq(followupReferrals.patientId, patientId), desc(followupReferrals.referredOn), desc(rowid));
}

/** Referrals the patient has not come back from (or every referral with `all`). */
export function referralsNotReturned(db: Db, all: boolean): ReferralRow[] {
  const query = db.select().from(followupReferrals);
  return (all ? query : query.where(isNull(followupReferrals.returnedOn))).orderBy(desc(followupReferrals.referredOn), desc(rowid)).all();
}

/**
 * The referrals whose Task the county may still answer (not yet back, not completed there), newest first: the
 * station asks the platform for exactly their Tasks.
 */
export function referralsAwaitingCounty(db: Db, limit: number): string[] {
  return db
    .select({ id: followupReferrals.id })
    .from(followupReferrals)
    .where(and(isNull(followupReferrals.returnedOn), or(isNull(followupReferrals.countyStatus), ne(followupReferrals.countyStatus, 'completed'))))
    .orderBy(desc(followupReferrals.referredOn))
    .limit(limit)
    .all()
    .map((row) => row.id);
}

/** Of each given enrolment, the id of its latest referral: an earlier one still unconfirmed is superseded. */
export function latestReferralIds(db: Db, enrolmentIds: readonly string[]): Set<string> {
  if (enrolmentIds.length === 0) return new Set();
  const rows = db
    .select({ id: followupReferrals.id, enrolmentId: followupReferrals.enrolmentId })
    .from(followupReferrals)
    .where(inArray(followupReferrals.enrolmentId, [...new Set(enrolmentIds)]))
    .orderBy(asc(followupReferrals.referredOn), asc(rowid))
    .all();
  const latest = new Map<string, string>();
  for (const row of rows) latest.set(row.enrolmentId, row.id);
  return new Set(latest.values());
}

export const { byId: referralById, insert: insertReferral, upsert: upsertReferral } = keyedRows(followupReferrals);

/** A referral the platform marked entered-in-error, with its checks. */
export function deleteReferral(db: Db, id: string): void {
  db.delete(followupReferralChecks).where(eq(followupReferralChecks.referralId, id)).run();
  db.delete(followupReferrals).where(eq(followupReferrals.id, id)).run();
}

export function updateReferralRow(db: Db, id: string, changes: Partial<Omit<NewReferralRow, 'id'>>): void {
  db.update(followupReferrals).set(changes).where(eq(followupReferrals.id, id)).run();
}

export function checksOfReferral(db: Db, referralId: string): ReferralCheckRow[] {
  return rowsInOrder(db, followupReferralChecks, eq(followupReferralChecks.referralId, referralId), asc(followupReferralChecks.checkDate), asc(rowid));
}

export function checksOfEnrolment(db: Db, enrolmentId: string): ReferralCheckRow[] {
  return rowsInOrder(db, followupReferralChecks, eq(followupReferralChecks.enrolmentId, enrolmentId), asc(followupReferralChecks.checkDate), asc(rowid));
}

export const { insert: insertReferralCheck, upsert: upsertReferralCheck } = keyedRows(followupReferralChecks);

// ---------------------------------------------------------------------------------------------------------------
// Appointments and day capacity

export function appointmentsOfPatient(db: Db, patientId: string): AppointmentRow[] {
  return rowsInOrder(db, followupAppointments, eq(followupAppointments.patientId, patientId), desc(followupAppointments.apptDate), desc(rowid));
}

export function appointmentsInRange(db: Db, from: string, to: string): AppointmentRow[] {
  return db
    .select()
    .from(followupAppointments)
    .where(and(gte(followupAppointments.apptDate, from), lte(followupAppointments.apptDate, to), ne(followupAppointments.status, 'cancelled')))
    .orderBy(asc(followupAppointments.apptDate), asc(rowid))
    .all();
}

export const { byId: appointmentById, insert: insertAppointment, upsert: upsertAppointment } = keyedRows(followupAppointments);

export function moveAppointment(db: Db, p: { id: string; date: string; from: string; now: string }): void {
  db.update(followupAppointments)
    .set({ apptDate: p.date, rescheduledFrom: sql`coalesce(${followupAppointments.rescheduledFrom}, ${p.from})`, updatedAt: p.now })
    .where(eq(followupAppointments.id, p.id))
    .run();
}

/** The enrolment's booked appointments closed (done by a record, or cancelled); returns the ids closed. */
export function closeScheduledAppointments(db: Db, p: { enrolmentId: string; status: 'done' | 'cancelled'; doneRecordId?: string; now: string }): string[] {
  const where = and(eq(followupAppointments.enrolmentId, p.enrolmentId), eq(followupAppointments.status, 'scheduled'));
  const ids = db
    .select({ id: followupAppointments.id })
    .from(followupAppointments)
    .where(where)
    .all()
    .map((r) => r.id);
  if (ids.length > 0) {
    db.update(followupAppointments)
      .set({ status: p.status, doneRecordId: p.doneRecordId ?? null, updatedAt: p.now })
      .where(inArray(followupAppointments.id, ids))
      .run();
  }
  return ids;
}

export function dayCapacities(db: Db, from: string, to: string): Map<string, number> {
  const rows = db
    .select()
    .from(followupDayCapacity)
    .where(and(gte(followupDayCapacity.day, from), lte(followupDayCapacity.day, to)))
    .all();
  return new Map(rows.map((r) => [r.day, r.capacity]));
}

export function setDayCapacity(db: Db, p: { day: string; capacity: number | null; now: string }): void {
  if (p.capacity === null) {
    db.delete(followupDayCapacity).where(eq(followupDayCapacity.day, p.day)).run();
    return;
  }
  db.insert(followupDayCapacity)
    .values({ day: p.day, capacity: p.capacity, updatedAt: p.now })
    .onConflictDoUpdate({ target: followupDayCapacity.day, set: { capacity: p.capacity, updatedAt: p.now } })
    .run();
}

export function bookedCounts(db: Db, p: { from: string; to: string; except?: string }): Map<string, number> {
  const rows = db
    .select({ day: followupAppointments.apptDate, n: count() })
    .from(followupAppointments)
    .where(
      and(
        gte(followupAppointments.apptDate, p.from),
        lte(followupAppointments.apptDate, p.to),
        eq(followupAppointments.status, 'scheduled'),
        ne(followupAppointments.id, p.except ?? ''),
      ),
    )
    .groupBy(followupAppointments.apptDate)
    .all();
  return new Map(rows.map((r) => [r.day, r.n]));
}

/** Appointments still booked for a day before `today`: the patient did not come (未到, issue 14.6). */
export function scheduledBefore(db: Db, today: string): AppointmentRow[] {
  return db
    .select()
    .from(followupAppointments)
    .where(and(eq(followupAppointments.status, 'scheduled'), sql`${followupAppointments.apptDate} < ${today}`))
    .orderBy(asc(followupAppointments.apptDate), asc(rowid))
    .all();
}

// ---------------------------------------------------------------------------------------------------------------
// Population reads: the reminder sweep and the indicators

/*
 * A township-wide read hands its rows over as one text (group_concat) that is split here: at 50,000 patients the
 * driver's per-value conversion cost five times the reading itself (docs/followup-rules.md, "Reading at scale").
 * Fields and rows are separated by the ASCII unit and record separators, which no stored value holds.
 */
const FIELD = '\x1f';
const ROW = '\x1e';

function lines(text: string | null | undefined): string[] {
  return text ? text.split(ROW) : [];
}

function numberOrNull(field: string): number | null {
  return field === '' ? null : Number(field);
}

function textOrNull(field: string): string | null {
  return field === '' ? null : field;
}

function diseaseOf(field: string): Disease {
  if (field === 'hypertension' || field === 't2dm') return field;
  throw new Error(`followup_due_state holds an unknown disease: ${field}`);
}

const f = followupDueState;
// One JSON array of arrays: SQLite builds it in half the time of a concatenated text and V8's JSON.parse splits it
// in less than String.split does (50,000-patient bench station, docs/followup-rules.md "Where the time goes").
const DUE_ROWS = sql<string | null>`json_group_array(json_array(${f.patientId}, ${f.disease}, ${f.enrolledOn}, ${f.dueOn}, ${f.referralCheckDueOn},
  ${f.lastVisitOn}, ${f.phoneSinceVisit}, ${f.sbp}, ${f.dbp}, ${f.fbg}, ${f.yearStart}, ${f.yearVisits}))`;

function jsonText(value: unknown): string {
  if (typeof value !== 'string') throw new Error(`followup_due_state holds a non-text value where text belongs: ${String(value)}`);
  return value;
}

function jsonTextOrNull(value: unknown): string | null {
  return value === null ? null : jsonText(value);
}

function jsonNumberOrNull(value: unknown): number | null {
  if (value === null || typeof value === 'number') return value;
  throw new Error(`followup_due_state holds a non-number value where a number belongs: ${String(value)}`);
}

/** Patient ids given as one JSON array bound once: a village is thousands of ids, more than SQL variables allow. */
function amongPatients(column: typeof f.patientId | typeof followupHealthChecks.patientId, ids: readonly string[]) {
  return sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`;
}

/** The kept due state of every open enrolment (or of the given patients'), by patient. */
export function dueFactsByPatient(db: ReadDb, patientIds?: readonly string[]): Map<string, DueFacts[]> {
  const query = db.select({ text: DUE_ROWS }).from(followupDueState);
  const text = (patientIds ? query.where(amongPatients(f.patientId, patientIds)) : query).get()?.text;
  const rows: unknown = text ? JSON.parse(text) : [];
  if (!Array.isArray(rows)) throw new Error('the due state did not come back as a JSON array');
  const byPatient = new Map<string, DueFacts[]>();
  for (const row of rows) {
    if (!Array.isArray(row) || row.length !== 12) throw new Error('a due-state row did not come back as 12 values');
    const patientId = jsonText(row[0]);
    const facts: DueFacts = {
      disease: diseaseOf(jsonText(row[1])),
      enrolledOn: jsonText(row[2]),
      endedOn: null,
      dueOn: jsonTextOrNull(row[3]),
      referralCheckDueOn: jsonTextOrNull(row[4]),
      lastVisitOn: jsonTextOrNull(row[5]),
      phoneSinceVisit: row[6] === 1,
      sbp: jsonNumberOrNull(row[7]),
      dbp: jsonNumberOrNull(row[8]),
      fbg: jsonNumberOrNull(row[9]),
      yearStart: jsonTextOrNull(row[10]),
      yearVisits: jsonNumberOrNull(row[11]) ?? 0,
    };
    const list = byPatient.get(patientId);
    if (list) list.push(facts);
    else byPatient.set(patientId, [facts]);
  }
  return byPatient;
}

/** One enrolment's kept due state (tests and the rebuild check compare it with the history). */
export function dueStateRow(db: ReadDb, enrolmentId: string): typeof followupDueState.$inferSelect | undefined {
  return db.select().from(followupDueState).where(eq(followupDueState.enrolmentId, enrolmentId)).get();
}

export function allDueStateRows(db: ReadDb): (typeof followupDueState.$inferSelect)[] {
  return db.select().from(followupDueState).orderBy(asc(followupDueState.enrolmentId)).all();
}

/** Every kept indicator row (tests and the rebuild check compare them with the history). */
export function allIndicatorYearRows(db: ReadDb): (typeof followupIndicatorYears.$inferSelect)[] {
  const y = followupIndicatorYears;
  return db.select().from(y).orderBy(asc(y.residentId), asc(y.disease), asc(y.yearStart)).all();
}

/** (patient, check date) of every health check within [from, to], read as one aggregated text row. */
function healthCheckPairs(db: ReadDb, from: string, to: string): [patientId: string, date: string][] {
  const h = followupHealthChecks;
  const row = db
    .select({ text: sql<string | null>`group_concat(${h.patientId} || char(31) || ${h.checkDate}, char(30))` })
    .from(h)
    .where(and(gte(h.checkDate, from), lte(h.checkDate, to)))
    .get();
  return lines(row?.text).map((line) => {
    const [patientId, date] = line.split(FIELD);
    return [patientId, date];
  });
}

/** Each patient's latest health check within [from, to] (a range of followup_health_checks_date_idx). */
export function latestHealthChecksBetween(db: ReadDb, from: string, to: string): Map<string, string> {
  const latest = new Map<string, string>();
  for (const [patientId, date] of healthCheckPairs(db, from, to)) {
    const known = latest.get(patientId);
    if (known === undefined || date > known) latest.set(patientId, date);
  }
  return latest;
}

/** The given patients' latest health check within [from, to] (the patient index, one short range each). */
export function latestHealthChecksOf(db: ReadDb, patientIds: readonly string[], from: string, to: string): Map<string, string> {
  const h = followupHealthChecks;
  const rows = db
    .select({ patientId: h.patientId, latest: sql<string>`max(${h.checkDate})` })
    .from(h)
    .where(and(amongPatients(h.patientId, patientIds), gte(h.checkDate, from), lte(h.checkDate, to)))
    .groupBy(h.patientId)
    .all();
  return new Map(rows.map((r) => [r.patientId, r.latest]));
}

/** The change log's counter now (0 before any change): followup_list_changes, written by triggers (0031). */
export function listChangeCounter(db: ReadDb): number {
  return (
    db
      .select({ seq: sql<number>`ifnull(max(${followupListChanges.seq}), 0)` })
      .from(followupListChanges)
      .get()?.seq ?? 0
  );
}

/** Residents whose due state or health checks changed after counter `since`, at most `limit` + 1 of them. */
export function patientsChangedSince(db: ReadDb, since: number, limit: number): string[] {
  const c = followupListChanges;
  return db
    .select({ residentId: c.residentId })
    .from(c)
    .where(gt(c.seq, since))
    .limit(limit + 1)
    .all()
    .map((r) => r.residentId);
}

/**
 * Every enrolment that overlaps the period (with the patient), the period's face-to-face follow-ups and health
 * checks: what the indicators (indicators.ts) are computed from. Birth dates come from the patients feature; a
 * patient without one (merged away) is left out, the kept record carries the enrolment now.
 *
 * The follow-ups are a range of the covering followup_records_year_idx handed over as one text, in date order;
 * same-day entries of a patient are put in written order here, which costs less than SQLite sorting 200,000 lines.
 */
export function indicatorPopulation(db: ReadDb, period: YearPeriod, birthDates: ReadonlyMap<string, string>): IndicatorPatient[] {
  const e = followupEnrolments;
  const enrolments = db
    .select({
      text: sql<
        string | null
      >`group_concat(${e.patientId} || char(31) || ${e.disease} || char(31) || ${e.enrolledOn} || char(31) || ifnull(${e.endedOn}, ''), char(30))`,
    })
    .from(e)
    .where(and(lte(e.enrolledOn, period.end), sql`(${e.endedOn} IS NULL OR ${e.endedOn} >= ${period.start})`))
    .get();
  const byPatient = new Map<string, IndicatorPatient>();
  for (const line of lines(enrolments?.text)) {
    const [patientId, disease, enrolledOn, endedOn] = line.split(FIELD);
    const birthDate = birthDates.get(patientId);
    if (birthDate === undefined) continue;
    let patient = byPatient.get(patientId);
    if (!patient) byPatient.set(patientId, (patient = { patientId, birthDate, enrolments: [], followups: [], healthCheckDates: [] }));
    patient.enrolments.push({ disease: diseaseOf(disease), enrolledOn, endedOn: textOrNull(endedOn) });
  }
  const r = followupRecords;
  // Home-read BP is the patient's own reading, not a measurement by staff (spec A3): it never shows control.
  const staffSbp = sql<number | null>`CASE WHEN ${r.selfReportedHomeBp} = 1 THEN NULL ELSE ${r.sbp} END`;
  const staffDbp = sql<number | null>`CASE WHEN ${r.selfReportedHomeBp} = 1 THEN NULL ELSE ${r.dbp} END`;
  const visits = db
    .select({
      text: sql<string | null>`group_concat(${r.patientId} || char(31) || ${r.disease} || char(31) || ${r.visitDate} || char(31) || ${r.mode} || char(31) ||
        ifnull(${staffSbp}, '') || char(31) || ifnull(${staffDbp}, '') || char(31) || ifnull(${r.fbg}, '') || char(31) || ${rowid}, char(30))`,
    })
    .from(r)
    .where(and(eq(r.faceToFace, true), gte(r.visitDate, period.start), lte(r.visitDate, period.end)))
    .get();
  // Rows arrive in index order, by date; a same-day pair of one patient is put in written order (insertion sort
  // over that day only, so the usual case is a push).
  const writtenOrder = new Map<string, number[]>();
  for (const line of lines(visits?.text)) {
    const [patientId, disease, date, mode, sbp, dbp, fbg, order] = line.split(FIELD);
    const patient = byPatient.get(patientId);
    if (!patient) continue;
    const visit: IndicatorFollowUp = {
      disease: diseaseOf(disease),
      date,
      mode: modeOf(mode),
      sbp: numberOrNull(sbp),
      dbp: numberOrNull(dbp),
      fbg: numberOrNull(fbg),
    };
    const written = Number(order);
    const list = patient.followups;
    let orders = writtenOrder.get(patientId);
    if (!orders) writtenOrder.set(patientId, (orders = []));
    let at = list.length;
    while (at > 0 && list[at - 1].date === date && orders[at - 1] > written) at -= 1;
    if (at === list.length) {
      list.push(visit);
      orders.push(written);
    } else {
      list.splice(at, 0, visit);
      orders.splice(at, 0, written);
    }
  }
  for (const [patientId, dates] of healthCheckDatesBetween(db, period.start, period.end)) {
    const patient = byPatient.get(patientId);
    if (patient) patient.healthCheckDates = dates;
  }
  return [...byPatient.values()];
}

function modeOf(field: string): IndicatorFollowUp['mode'] {
  if (field === 'clinic' || field === 'home' || field === 'phone') return field;
  throw new Error(`followup_records holds an unknown mode: ${field}`);
}

function healthCheckDatesBetween(db: ReadDb, from: string, to: string): Map<string, string[]> {
  const byPatient = new Map<string, string[]>();
  for (const [patientId, date] of healthCheckPairs(db, from, to)) {
    const list = byPatient.get(patientId);
    if (list) list.push(date);
    else byPatient.set(patientId, [date]);
  }
  return byPatient;
}
