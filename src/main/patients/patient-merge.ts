import type { Sqlite } from '../db/open';

/**
 * Tables whose rows belong to one patient (a patient_id column), read from the schema so a table added later is
 * re-pointed too. The audit log is history: it keeps the id that was used.
 */
function patientTables(sqlite: Sqlite): string[] {
  const tables = sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).pluck().all() as string[];
  return tables.filter((table) => table !== 'audit_log' && (sqlite.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(table) as string[]).includes('patient_id'));
}

/**
 * The merge itself, shared by a local duplicate resolution and one pulled from another station: every row of
 * `goneId` moves to `keepId`, the gone record is marked merged and gives up its resident ID (moved to the kept
 * record when that has none), and a pending pulled-duplicate mark between the two is cleared. Runs inside the
 * caller's transaction; queues nothing (the local path queues, the pulled one must not echo).
 */
export function repointPatient(sqlite: Sqlite, keepId: string, goneId: string, now: string): Record<string, number> {
  const ids = sqlite.prepare('SELECT id_number FROM patients WHERE id = ?').pluck();
  const keepIdNumber = ids.get(keepId) as string | null;
  const goneIdNumber = ids.get(goneId) as string | null;
  const repointed: Record<string, number> = {};
  for (const table of patientTables(sqlite)) {
    repointed[table] = sqlite.prepare(`UPDATE "${table}" SET patient_id = ? WHERE patient_id = ?`).run(keepId, goneId).changes;
  }
  // The gone record's resident ID is released first, so the kept one can hold it alone (the unique index).
  sqlite
    .prepare('UPDATE patients SET merged_into = ?, id_number = NULL, id_suffix = NULL, duplicate_of = NULL, version = version + 1, updated_at = ? WHERE id = ?')
    .run(keepId, now, goneId);
  // A third record waiting as a duplicate of the gone one now waits for the kept one.
  sqlite.prepare('UPDATE patients SET duplicate_of = CASE WHEN id = ? THEN NULL ELSE ? END WHERE duplicate_of = ?').run(keepId, keepId, goneId);
  const moved = !keepIdNumber && goneIdNumber ? goneIdNumber : null;
  if (moved) sqlite.prepare('UPDATE patients SET id_number = ?, id_suffix = ?, no_id_reason = NULL WHERE id = ?').run(moved, moved.slice(-6), keepId);
  sqlite.prepare('UPDATE patients SET version = version + 1, updated_at = ? WHERE id = ?').run(now, keepId);
  return repointed;
}

/**
 * The local record that a pulled Patient with this resident ID duplicates: another live record holding the ID
 * that is not itself a pulled duplicate. Null when the ID is free (or held by the same record).
 */
export function pulledDuplicateOf(sqlite: Sqlite, patientId: string, idNumber: string | null): string | null {
  if (!idNumber) return null;
  const other = sqlite
    .prepare('SELECT id FROM patients WHERE id_number = ? AND id <> ? AND duplicate_of IS NULL AND merged_into IS NULL')
    .pluck()
    .get(idNumber, patientId) as string | undefined;
  return other ?? null;
}
