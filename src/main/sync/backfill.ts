import { eq, isNotNull, isNull, sql } from 'drizzle-orm';
import type { SyncTargetId } from '../../shared/sync';
import type { Sqlite } from '../db/open';
import {
  ecgRecords,
  followupAppointments,
  followupEnrolments,
  followupHealthChecks,
  followupRecords,
  followupReferrals,
  patients,
  visits,
  vitals,
} from '../db/schema';
import { warmFhirDefinitions } from './fhir-validate';
import { prepareBackfillEntries, queueSettings, type ChangeKind } from './outbox-writer';
import { SqlOutboxStore, type PreparedOutboxEntry } from './sql-outbox-store';
import { dbOf } from './pulled/store';

/** How long the preparing side works before handing what it prepared to the writer (and yielding). */
export const BACKFILL_SLICE_MS = 15;

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

/** One slice's work, handed from the preparing side (the worker) to the writer (main's connection). */
export interface BackfillSlice {
  entries: PreparedOutboxEntry[];
  /** Records walked so far, of total. */
  done: number;
  total: number;
}

/**
 * The costly half of a back-fill, needing only reads: walks the store and prepares (maps, stamps, validates) what
 * `target` should receive and does not hold yet, handing each slice of about BACKFILL_SLICE_MS to `onSlice`
 * (the first, empty, carries the total). Returning false from `onSlice` stops the walk.
 */
export async function prepareBackfill(sqlite: Sqlite, target: SyncTargetId, onSlice: (slice: BackfillSlice) => Promise<boolean> | boolean): Promise<boolean> {
  // Indexing the R4 definitions (once per thread, over half a second) happens before the slices, in slices of its own.
  await warmFhirDefinitions();
  const work = backfillWork(sqlite);
  const total = work.reduce((sum, [, ids]) => sum + ids.length, 0);
  let done = 0;
  if (!(await onSlice({ entries: [], done, total }))) return false;
  for (const [kind, ids] of work) {
    let index = 0;
    while (index < ids.length) {
      const started = performance.now();
      const settings = queueSettings(sqlite);
      const entries: PreparedOutboxEntry[] = [];
      // One read transaction per slice: the records and the outbox seen as of one moment.
      sqlite.transaction(() => {
        while (index < ids.length && performance.now() - started < BACKFILL_SLICE_MS) {
          entries.push(...prepareBackfillEntries(sqlite, target, kind, ids[index], settings));
          index++;
          done++;
        }
      })();
      if (!(await onSlice({ entries, done, total }))) return false;
    }
  }
  return true;
}

/**
 * The writing half, on the connection every other write of the station uses (main's): one short transaction per
 * slice, each entry checked again against the outbox (a save may have queued a newer version meanwhile) and
 * inserted. Returns how many were queued. Commits with synchronous=NORMAL: WAL stays consistent after an
 * application crash, and the FULL commit that clears the pending mark afterwards syncs every frame before it.
 */
export function storeBackfillSlice(sqlite: Sqlite, target: SyncTargetId, entries: readonly PreparedOutboxEntry[]): number {
  if (entries.length === 0) return 0;
  const store = new SqlOutboxStore(() => sqlite);
  const synchronous = sqlite.pragma('synchronous', { simple: true });
  sqlite.pragma('synchronous = NORMAL');
  try {
    return sqlite.transaction(() => {
      let queued = 0;
      for (const entry of entries) {
        if (store.latestQueuedIs(target, entry)) continue;
        store.insertPrepared(entry, [target]);
        queued++;
      }
      return queued;
    })();
  } finally {
    sqlite.pragma(`synchronous = ${String(synchronous)}`);
  }
}
