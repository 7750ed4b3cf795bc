import type { WriteClient } from '../db/handles';
import { markMerged, patientRecord, repointPatientRows, tablesReferringToPatients } from './repository';

export { pulledDuplicateOf } from './repository';

/**
 * The merge itself, shared by a local duplicate resolution and one pulled from another station: every row of
 * `goneId` moves to `keepId` (every table with a patient_id column but the audit log, which is history and keeps
 * the id that was used), the gone record is marked merged and gives up its resident ID (moved to the kept record
 * when that has none), and a pending pulled-duplicate mark between the two is cleared. Runs inside the caller's
 * transaction; queues nothing (the local path queues, the pulled one must not echo).
 */
export function repointPatient(sqlite: WriteClient, keepId: string, goneId: string, now: string): Record<string, number> {
  const keepIdNumber = patientRecord(sqlite, keepId)?.idNumber ?? null;
  const goneIdNumber = patientRecord(sqlite, goneId)?.idNumber ?? null;
  const repointed: Record<string, number> = {};
  for (const table of tablesReferringToPatients(sqlite)) {
    if (table !== 'audit_log') repointed[table] = repointPatientRows(sqlite, table, keepId, goneId);
  }
  markMerged(sqlite, { keepId, mergeId: goneId, movedIdNumber: !keepIdNumber && goneIdNumber ? goneIdNumber : null, now });
  return repointed;
}
