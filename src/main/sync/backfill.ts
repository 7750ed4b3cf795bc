import { eq, isNotNull, isNull, sql } from 'drizzle-orm';
import type { SyncTargetId } from '../../shared/sync';
import type { Sqlite } from '../db/open';
import { ecgRecords, followupAppointments, followupEnrolments, followupHealthChecks, followupRecords, followupReferrals, patients, visits, vitals } from '../db/schema';
import { indexFhirDefinitions } from './fhir-validate';
import { queueIfChanged, queueSettings, type ChangeKind } from './outbox-writer';
import { dbOf } from './pulled/store';

/** How long one back-fill transaction holds the database's write lock (the UI's writes wait at most about this). */
export const BACKFILL_SLICE_MS = 15;
/**
 * Pause between slices, with the write lock free: SQLite's busy handler on the main thread retries on a fixed
 * schedule (1, 2, 5, 10 ms…), and a writer that re-took the lock at once could make a save wait through many slices.
 */
export const BACKFILL_PAUSE_MS = 5;

/**
 * What a back-fill walks, in the order a platform needs it (the Organization and the Patients before what
 * references them). Visits: the current signed version of each (it carries its vitals); vitals taken outside a
 * visit; ECGs assigned to a patient.
 */
export function backfillWork(sqlite: Sqlite): [ChangeKind, string[]][] {
  const db = dbOf(sqlite);
  const ids = (rows: { id: string }[]) => rows.map((row) => row.id);
  // Insertion order (rowid) where a table has no creation time of its own: parents were written before children.
  const rowid = sql`rowid`;
  return [
    ['institution', ['station']],
    ['patient', ids(db.select({ id: patients.id }).from(patients).orderBy(patients.createdAt, patients.id).all())],
    ['enrolment', ids(db.select({ id: followupEnrolments.id }).from(followupEnrolments).orderBy(rowid).all())],
    ['followupVisit', ids(db.select({ id: followupRecords.id }).from(followupRecords).orderBy(rowid).all())],
    ['referral', ids(db.select({ id: followupReferrals.id }).from(followupReferrals).orderBy(rowid).all())],
    ['appointment', ids(db.select({ id: followupAppointments.id }).from(followupAppointments).orderBy(rowid).all())],
    ['healthCheck', ids(db.select({ id: followupHealthChecks.id }).from(followupHealthChecks).orderBy(rowid).all())],
    ['visit', ids(db.select({ id: visits.id }).from(visits).where(eq(visits.status, 'closed')).orderBy(rowid).all())],
    ['vitals', ids(db.select({ id: vitals.id }).from(vitals).where(isNull(vitals.visitId)).orderBy(rowid).all())],
    ['ecg', ids(db.select({ id: ecgRecords.id }).from(ecgRecords).where(isNotNull(ecgRecords.patientId)).orderBy(rowid).all())],
  ];
}

export interface BackfillProgress {
  done: number;
  total: number;
  queued: number;
}

/**
 * Walks the store and queues for `target` what its routing takes and what is not already queued with the same
 * content, in write transactions of at most BACKFILL_SLICE_MS each (BEGIN IMMEDIATE: this connection is not the
 * main thread's, so it takes the write lock up front rather than fail to upgrade). `between` runs after each
 * slice with the lock released; returning false stops the walk (the caller's pending mark makes it run again).
 * The slices commit with synchronous=NORMAL: WAL stays consistent after an application crash, and the FULL
 * commit that clears the pending mark afterwards syncs every frame before it.
 */
export async function walkBackfill(
  sqlite: Sqlite,
  target: SyncTargetId,
  between: (progress: BackfillProgress) => Promise<boolean> | boolean,
): Promise<BackfillProgress & { complete: boolean }> {
  // Indexing the R4 definitions (once per thread, 1–2 s) happens before the slices, not inside the first one.
  indexFhirDefinitions();
  const work = backfillWork(sqlite);
  const progress: BackfillProgress = { done: 0, total: work.reduce((sum, [, ids]) => sum + ids.length, 0), queued: 0 };
  if (!(await between(progress))) return { ...progress, complete: false };
  const synchronous = sqlite.pragma('synchronous', { simple: true });
  for (const [kind, ids] of work) {
    let index = 0;
    while (index < ids.length) {
      const started = performance.now();
      const settings = queueSettings(sqlite);
      sqlite.pragma('synchronous = NORMAL');
      try {
        sqlite
          .transaction(() => {
            while (index < ids.length && performance.now() - started < BACKFILL_SLICE_MS) {
              progress.queued += queueIfChanged(sqlite, target, kind, ids[index], settings);
              index++;
              progress.done++;
            }
          })
          .immediate();
      } finally {
        sqlite.pragma(`synchronous = ${String(synchronous)}`);
      }
      if (!(await between(progress))) return { ...progress, complete: false };
    }
  }
  return { ...progress, complete: true };
}
