/**
 * The clinic's data interface: queue entries and clinic visits, read and written through drizzle with rows typed
 * from the schema. Reads take a ReadDb, writes a WriteDb; the service holds the rules and the transactions.
 */

import { and, asc, desc, eq, inArray, ne, sql, type SQL } from 'drizzle-orm';
import type { ReadDb, WriteDb } from '../db/handles';
import { users } from '../db/schema/auth';
import { queueEntries, visits, vitals } from '../db/schema/clinic';
import { patients } from '../db/schema/patients';
import { columnsExcept } from '../db/read-sql';
import { SUMMARY_SHAPE } from '../patients/repository';

type NewQueueEntryRow = typeof queueEntries.$inferInsert;
export type VisitRow = typeof visits.$inferSelect;
type NewVisitRow = typeof visits.$inferInsert;

const queueColumns = { ...columnsExcept(queueEntries, 'patientId'), patient: SUMMARY_SHAPE };

function queueSelect(db: ReadDb, where: SQL | undefined) {
  return db.select(queueColumns).from(queueEntries).innerJoin(patients, eq(patients.id, queueEntries.patientId)).where(where);
}

export type QueueEntryWithPatient = ReturnType<typeof queueOfDay>[number];

/** A day's queue: in consultation first, then waiting (priority first), then finished, each in check-in order. */
export function queueOfDay(db: ReadDb, p: { clinicDate: string; clinicianId?: number; includeFinished: boolean }) {
  return queueSelect(
    db,
    and(
      eq(queueEntries.clinicDate, p.clinicDate),
      p.clinicianId !== undefined ? eq(queueEntries.clinicianId, p.clinicianId) : undefined,
      p.includeFinished ? undefined : inArray(queueEntries.status, ['waiting', 'inConsultation']),
    ),
  )
    .orderBy(
      sql`CASE ${queueEntries.status} WHEN 'inConsultation' THEN 0 WHEN 'waiting' THEN 1 ELSE 2 END`,
      desc(queueEntries.priority),
      asc(queueEntries.checkedInAt),
    )
    .all();
}

export function queueEntryById(db: ReadDb, id: string): QueueEntryWithPatient | undefined {
  return queueSelect(db, eq(queueEntries.id, id)).get();
}

export function openQueueEntryOf(db: ReadDb, patientId: string, clinicDate: string): { id: string } | undefined {
  return db
    .select({ id: queueEntries.id })
    .from(queueEntries)
    .where(and(eq(queueEntries.patientId, patientId), eq(queueEntries.clinicDate, clinicDate), inArray(queueEntries.status, ['waiting', 'inConsultation'])))
    .get();
}

export function insertQueueEntry(db: WriteDb, row: NewQueueEntryRow): void {
  db.insert(queueEntries).values(row).run();
}

export function updateQueueEntry(db: WriteDb, id: string, set: Partial<Omit<NewQueueEntryRow, 'id'>>): void {
  db.update(queueEntries).set(set).where(eq(queueEntries.id, id)).run();
}

/** Who can take a queue entry: active doctors and administrators, by name. */
export function activeClinicians(db: ReadDb): { id: number; displayName: string }[] {
  return db
    .select({ id: users.id, displayName: users.displayName })
    .from(users)
    .where(and(eq(users.active, true), inArray(users.role, ['doctor', 'admin'])))
    .orderBy(asc(users.displayName))
    .all();
}

export function visitById(db: ReadDb, id: string): VisitRow | undefined {
  return db.select().from(visits).where(eq(visits.id, id)).get();
}

export function openVisitOf(db: ReadDb, patientId: string): { id: string } | undefined {
  return db
    .select({ id: visits.id })
    .from(visits)
    .where(and(eq(visits.patientId, patientId), eq(visits.status, 'open')))
    .orderBy(desc(visits.openedAt))
    .limit(1)
    .get();
}

export function visitsOfPatient(db: ReadDb, patientId: string, includeSuperseded: boolean): VisitRow[] {
  return db
    .select()
    .from(visits)
    .where(and(eq(visits.patientId, patientId), includeSuperseded ? undefined : ne(visits.status, 'superseded')))
    .orderBy(desc(visits.openedAt), desc(visits.version))
    .all();
}

export function insertVisit(db: WriteDb, row: NewVisitRow): void {
  db.insert(visits).values(row).run();
}

/** Changes a visit only while it is in the given status; returns whether it did. */
export function updateVisit(db: WriteDb, id: string, whileStatus: VisitRow['status'] | null, set: Partial<Omit<NewVisitRow, 'id'>>): boolean {
  return (
    db
      .update(visits)
      .set(set)
      .where(and(eq(visits.id, id), whileStatus ? eq(visits.status, whileStatus) : undefined))
      .run().changes > 0
  );
}

export function insertVitals(db: WriteDb, row: typeof vitals.$inferInsert): void {
  db.insert(vitals).values(row).run();
}

/** Newest first; insertion order breaks ties between measurements of the same instant. */
export function vitalsOfPatient(db: ReadDb, patientId: string, limit: number): (typeof vitals.$inferSelect)[] {
  return db
    .select()
    .from(vitals)
    .where(eq(vitals.patientId, patientId))
    .orderBy(desc(vitals.measuredAt), desc(sql`rowid`))
    .limit(limit)
    .all();
}
