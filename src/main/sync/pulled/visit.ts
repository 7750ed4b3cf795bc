import type { Encounter, Resource } from '@medplum/fhirtypes';
import { and, eq, sql } from 'drizzle-orm';
import type { Sqlite } from '../../db/open';
import { queueEntries, users, visits } from '../../db/schema';
import { queueEntryFromFhir, visitFromFhir } from '../mapping/visit';
import { dbOf, param, prepared, requirePatient } from './store';

/**
 * A signed visit from another station of the center: stored as that version (same ids, same fields), the
 * version it replaces marked superseded, as the clinic service does for a local correction. Idempotent: a
 * version already here (our own coming back, or a repeat) changes nothing. The local clinician id has no
 * meaning on this station (0); the clinician's name travels.
 */
export function applyPulledEncounter(sqlite: Sqlite, resource: Resource): void {
  if (resource.resourceType !== 'Encounter') return;
  const visit = visitFromFhir(resource);
  if (!visit) {
    applyQueueEntry(sqlite, resource);
    return;
  }
  const db = dbOf(sqlite);
  requirePatient(db, visit.patientId);
  const versions = prepared(db, 'visit-versions', () =>
    db
      .select({ id: visits.id, version: visits.version })
      .from(visits)
      .where(eq(visits.recordId, sql.placeholder('recordId')))
      .prepare(),
  ).all({ recordId: visit.recordId });
  if (versions.some((each) => each.id === visit.id || each.version >= visit.version)) return;
  const now = new Date().toISOString();
  prepared(db, 'visit-supersede', () =>
    db
      .update(visits)
      .set({ status: 'superseded', updatedAt: param('now') })
      .where(and(eq(visits.recordId, sql.placeholder('recordId')), eq(visits.status, 'closed')))
      .prepare(),
  ).run({ recordId: visit.recordId, now });
  prepared(db, 'visit-insert', () =>
    db
      .insert(visits)
      .values({
        id: sql.placeholder('id'),
        recordId: sql.placeholder('recordId'),
        version: sql.placeholder('version'),
        supersedes: sql.placeholder('supersedes'),
        patientId: sql.placeholder('patientId'),
        queueEntryId: sql.placeholder('queueEntryId'),
        status: 'closed',
        chiefComplaint: sql.placeholder('chiefComplaint'),
        history: sql.placeholder('history'),
        examination: sql.placeholder('examination'),
        diagnoses: sql.placeholder('diagnoses'),
        plan: sql.placeholder('plan'),
        prescription: sql.placeholder('prescription'),
        correctionReason: sql.placeholder('correctionReason'),
        clinicianId: 0,
        clinicianName: sql.placeholder('clinicianName'),
        openedAt: sql.placeholder('openedAt'),
        closedAt: sql.placeholder('closedAt'),
        updatedAt: sql.placeholder('updatedAt'),
      })
      .prepare(),
  ).run({
    id: visit.id,
    recordId: visit.recordId,
    version: visit.version,
    supersedes: visit.supersedes,
    patientId: visit.patientId,
    queueEntryId: visit.queueEntryId,
    chiefComplaint: visit.chiefComplaint,
    history: visit.history,
    examination: visit.examination,
    diagnoses: JSON.stringify(visit.diagnoses),
    plan: visit.plan,
    prescription: visit.prescription,
    correctionReason: visit.correctionReason,
    clinicianName: visit.clinicianName,
    openedAt: visit.openedAt,
    closedAt: visit.closedAt,
    updatedAt: now,
  } satisfies Omit<typeof visits.$inferInsert, 'status' | 'clinicianId'>);
}

/**
 * A visit's diagnosis Condition: the visit row holds its diagnoses (they come whole with the Encounter), so
 * nothing is stored; pulling it keeps its known version, the If-Match of this station's own later correction.
 */
export function applyPulledCondition(): void {}

/**
 * The day's queue shared by the center's stations: the desk checks a patient in, the doctor's room sees them
 * waiting. Upserted by id (the last version wins; a change made here while this one was in flight is kept
 * local and goes out as a conflict). The clinician is matched by name among this station's users.
 */
function applyQueueEntry(sqlite: Sqlite, encounter: Encounter): void {
  const entry = queueEntryFromFhir(encounter);
  if (!entry) return;
  const db = dbOf(sqlite);
  requirePatient(db, entry.patientId);
  const clinician = entry.clinicianName
    ? prepared(db, 'user-by-name', () =>
        db
          .select({ id: users.id })
          .from(users)
          .where(eq(users.displayName, sql.placeholder('name')))
          .prepare(),
      ).get({ name: entry.clinicianName })
    : undefined;
  const row = {
    patientId: entry.patientId,
    clinicDate: entry.clinicDate,
    status: entry.status,
    priority: entry.priority,
    clinicianId: clinician?.id ?? null,
    checkedInAt: entry.checkedInAt,
    startedAt: entry.startedAt,
    finishedAt: entry.finishedAt,
  };
  // Built per call: a day's queue is a few dozen entries, and the boolean priority needs drizzle's own mapping.
  db.insert(queueEntries)
    .values({ id: entry.id, ...row })
    .onConflictDoUpdate({ target: queueEntries.id, set: row })
    .run();
}
