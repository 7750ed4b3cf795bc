/**
 * The follow-up feature's data interface: every read and write of its tables, typed from the drizzle schema
 * ($inferSelect / $inferInsert), functions taking the database first. Use cases (enrol.ts, record-visit.ts, …)
 * hold the rules and call these; nothing else in the feature writes SQL, except the two set-based statements the
 * reminder list and the kept due state need (followup-queries.ts, enrolment-state.ts).
 * Patients and settings are not read here: they belong to their features (patient-service, settings-service).
 */

import { and, asc, count, desc, eq, gt, gte, inArray, isNull, lte, ne, sql } from 'drizzle-orm';
import type { Disease } from '../../shared/followup';
import type { Db } from '../db/open';
import {
  followupAppointments,
  followupDayCapacity,
  followupEnrolments,
  followupHealthChecks,
  followupRecords,
  followupReferralChecks,
  followupReferrals,
} from '../db/schema/followup';
import type { NewRecordRow, RecordRow } from './record-mapping';

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

// ---------------------------------------------------------------------------------------------------------------
// Enrolments

export function enrolmentsOfPatient(db: Db, patientId: string): EnrolmentRow[] {
  return db.select().from(followupEnrolments).where(eq(followupEnrolments.patientId, patientId)).orderBy(desc(followupEnrolments.enrolledOn), desc(rowid)).all();
}

export function enrolmentById(db: Db, id: string): EnrolmentRow | undefined {
  return db.select().from(followupEnrolments).where(eq(followupEnrolments.id, id)).get();
}

export function openEnrolment(db: Db, patientId: string, disease: Disease): EnrolmentRow | undefined {
  return db
    .select()
    .from(followupEnrolments)
    .where(and(eq(followupEnrolments.patientId, patientId), eq(followupEnrolments.disease, disease), isNull(followupEnrolments.endedOn)))
    .get();
}

export function insertEnrolment(db: Db, row: NewEnrolmentRow): void {
  db.insert(followupEnrolments).values(row).run();
}

export function upsertEnrolment(db: Db, row: NewEnrolmentRow): void {
  const { id: _id, ...changes } = row;
  db.insert(followupEnrolments).values(row).onConflictDoUpdate({ target: followupEnrolments.id, set: changes }).run();
}

export function endEnrolmentRow(db: Db, p: { id: string; endedOn: string; endReason: NonNullable<EnrolmentRow['endReason']>; endNote: string | null; endedBy: number; now: string }): void {
  db.update(followupEnrolments).set({ endedOn: p.endedOn, endReason: p.endReason, endNote: p.endNote, endedBy: p.endedBy, updatedAt: p.now }).where(eq(followupEnrolments.id, p.id)).run();
}

// ---------------------------------------------------------------------------------------------------------------
// Follow-up records

export function recordsOfEnrolment(db: Db, enrolmentId: string): RecordRow[] {
  return db.select().from(followupRecords).where(eq(followupRecords.enrolmentId, enrolmentId)).orderBy(asc(followupRecords.visitDate), asc(rowid)).all();
}

export function recordsOfPatient(db: Db, patientId: string): RecordRow[] {
  return db.select().from(followupRecords).where(eq(followupRecords.patientId, patientId)).orderBy(desc(followupRecords.visitDate), desc(rowid)).all();
}

export function recordById(db: Db, id: string): RecordRow | undefined {
  return db.select().from(followupRecords).where(eq(followupRecords.id, id)).get();
}

export function insertRecord(db: Db, row: NewRecordRow): void {
  db.insert(followupRecords).values(row).run();
}

/** A pulled record from another station: applied as it is (its decision was made there). */
export function upsertRecord(db: Db, row: NewRecordRow): void {
  const { id: _id, ...changes } = row;
  db.insert(followupRecords).values(row).onConflictDoUpdate({ target: followupRecords.id, set: changes }).run();
}

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

export function healthChecksOfPatient(db: Db, patientId: string): HealthCheckRow[] {
  return db.select().from(followupHealthChecks).where(eq(followupHealthChecks.patientId, patientId)).orderBy(desc(followupHealthChecks.checkDate), desc(rowid)).all();
}

export function healthCheckById(db: Db, id: string): HealthCheckRow | undefined {
  return db.select().from(followupHealthChecks).where(eq(followupHealthChecks.id, id)).get();
}

export function insertHealthCheck(db: Db, row: NewHealthCheckRow): void {
  db.insert(followupHealthChecks).values(row).run();
}

export function upsertHealthCheck(db: Db, row: NewHealthCheckRow): void {
  const { id: _id, ...changes } = row;
  db.insert(followupHealthChecks).values(row).onConflictDoUpdate({ target: followupHealthChecks.id, set: changes }).run();
}

// ---------------------------------------------------------------------------------------------------------------
// Referrals and their checks

export function referralById(db: Db, id: string): ReferralRow | undefined {
  return db.select().from(followupReferrals).where(eq(followupReferrals.id, id)).get();
}

export function referralsOfPatient(db: Db, patientId: string): ReferralRow[] {
  return db.select().from(followupReferrals).where(eq(followupReferrals.patientId, patientId)).orderBy(desc(followupReferrals.referredOn), desc(rowid)).all();
}

/** Referrals the patient has not come back from (or every referral with `all`). */
export function referralsNotReturned(db: Db, all: boolean): ReferralRow[] {
  const query = db.select().from(followupReferrals);
  return (all ? query : query.where(isNull(followupReferrals.returnedOn))).orderBy(desc(followupReferrals.referredOn), desc(rowid)).all();
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

export function insertReferral(db: Db, row: NewReferralRow): void {
  db.insert(followupReferrals).values(row).run();
}

export function upsertReferral(db: Db, row: NewReferralRow): void {
  const { id: _id, ...changes } = row;
  db.insert(followupReferrals).values(row).onConflictDoUpdate({ target: followupReferrals.id, set: changes }).run();
}

/** A referral the platform marked entered-in-error, with its checks. */
export function deleteReferral(db: Db, id: string): void {
  db.delete(followupReferralChecks).where(eq(followupReferralChecks.referralId, id)).run();
  db.delete(followupReferrals).where(eq(followupReferrals.id, id)).run();
}

export function updateReferralRow(db: Db, id: string, changes: Partial<Omit<NewReferralRow, 'id'>>): void {
  db.update(followupReferrals).set(changes).where(eq(followupReferrals.id, id)).run();
}

export function checksOfReferral(db: Db, referralId: string): ReferralCheckRow[] {
  return db.select().from(followupReferralChecks).where(eq(followupReferralChecks.referralId, referralId)).orderBy(asc(followupReferralChecks.checkDate), asc(rowid)).all();
}

export function checksOfEnrolment(db: Db, enrolmentId: string): ReferralCheckRow[] {
  return db.select().from(followupReferralChecks).where(eq(followupReferralChecks.enrolmentId, enrolmentId)).orderBy(asc(followupReferralChecks.checkDate), asc(rowid)).all();
}

export function insertReferralCheck(db: Db, row: NewReferralCheckRow): void {
  db.insert(followupReferralChecks).values(row).run();
}

export function upsertReferralCheck(db: Db, row: NewReferralCheckRow): void {
  const { id: _id, ...changes } = row;
  db.insert(followupReferralChecks).values(row).onConflictDoUpdate({ target: followupReferralChecks.id, set: changes }).run();
}

// ---------------------------------------------------------------------------------------------------------------
// Appointments and day capacity

export function appointmentById(db: Db, id: string): AppointmentRow | undefined {
  return db.select().from(followupAppointments).where(eq(followupAppointments.id, id)).get();
}

export function appointmentsOfPatient(db: Db, patientId: string): AppointmentRow[] {
  return db.select().from(followupAppointments).where(eq(followupAppointments.patientId, patientId)).orderBy(desc(followupAppointments.apptDate), desc(rowid)).all();
}

export function appointmentsInRange(db: Db, from: string, to: string): AppointmentRow[] {
  return db
    .select()
    .from(followupAppointments)
    .where(and(gte(followupAppointments.apptDate, from), lte(followupAppointments.apptDate, to), ne(followupAppointments.status, 'cancelled')))
    .orderBy(asc(followupAppointments.apptDate), asc(rowid))
    .all();
}

export function insertAppointment(db: Db, row: NewAppointmentRow): void {
  db.insert(followupAppointments).values(row).run();
}

export function upsertAppointment(db: Db, row: NewAppointmentRow): void {
  const { id: _id, ...changes } = row;
  db.insert(followupAppointments).values(row).onConflictDoUpdate({ target: followupAppointments.id, set: changes }).run();
}

export function moveAppointment(db: Db, p: { id: string; date: string; from: string; now: string }): void {
  db.update(followupAppointments)
    .set({ apptDate: p.date, rescheduledFrom: sql`coalesce(${followupAppointments.rescheduledFrom}, ${p.from})`, updatedAt: p.now })
    .where(eq(followupAppointments.id, p.id))
    .run();
}

/** The enrolment's booked appointments closed (done by a record, or cancelled); returns the ids closed. */
export function closeScheduledAppointments(db: Db, p: { enrolmentId: string; status: 'done' | 'cancelled'; doneRecordId?: string; now: string }): string[] {
  const where = and(eq(followupAppointments.enrolmentId, p.enrolmentId), eq(followupAppointments.status, 'scheduled'));
  const ids = db.select({ id: followupAppointments.id }).from(followupAppointments).where(where).all().map((r) => r.id);
  if (ids.length > 0) {
    db.update(followupAppointments)
      .set({ status: p.status, doneRecordId: p.doneRecordId ?? null, updatedAt: p.now })
      .where(inArray(followupAppointments.id, ids))
      .run();
  }
  return ids;
}

export function dayCapacities(db: Db, from: string, to: string): Map<string, number> {
  const rows = db.select().from(followupDayCapacity).where(and(gte(followupDayCapacity.day, from), lte(followupDayCapacity.day, to))).all();
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
