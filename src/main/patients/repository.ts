/**
 * The patients' data interface: every read and write of the patients table, rows typed from the drizzle schema.
 * Reads go through read-sql.ts (the service and the seed tool hold the raw client; the search's ranked UNION is
 * raw SQL anyway); writes are prepared statements whose parameters are the schema's insert type. Reads take a
 * Reader, writes the full client. The list reads of the follow-up sweep are in population.ts, the search in
 * patient-search.ts.
 */

import { getTableColumns } from 'drizzle-orm';
import type { Reader, WriteClient } from '../db/handles';
import { columnsExcept, columnsOf, readQuery, readRow, readRows, selectList, value } from '../db/read-sql';
import { patients } from '../db/schema/patients';

export type PatientRow = typeof patients.$inferSelect;
export type NewPatientRow = typeof patients.$inferInsert;

/** What a list or a duplicate warning shows of a resident (the contract's PatientSummary). */
export const SUMMARY_SHAPE = columnsOf(patients, 'id', 'name', 'idNumber', 'sex', 'birthDate', 'phone', 'village');
export const SUMMARY_COLUMNS = selectList(SUMMARY_SHAPE);

// The search keys are the store's business; everything else is the contract's Patient.
const RECORD_SHAPE = columnsExcept(patients, 'givenName', 'pinyinFull', 'pinyinInitials', 'pinyinAltFull', 'pinyinAltInitials', 'idSuffix');
const patientById = readQuery(`SELECT ${selectList(RECORD_SHAPE)} FROM patients WHERE id = ?`, RECORD_SHAPE);

/** A resident as the contract's Patient has it (every column but the search keys). */
export function patientRecord(db: Reader, id: string) {
  return readRow(db, patientById, id);
}

const duplicates = readQuery(
  `SELECT ${SUMMARY_COLUMNS} FROM patients
   WHERE merged_into IS NULL AND ((birth_date = @birthDate AND name = @name) OR (@phone IS NOT NULL AND phone = @phone)) LIMIT 10`,
  SUMMARY_SHAPE,
);

/** Live residents with the same name and birth date, or the same mobile number. */
export function possibleDuplicates(db: Reader, p: { name: string; birthDate: string; phone: string | null }) {
  return readRows(db, duplicates, p);
}

const byIdNumber = readQuery(`SELECT id FROM patients WHERE id_number = @idNumber AND id <> @exceptId`, { id: patients.id });

/** The resident holding this ID number, other than `exceptId` (the one being edited). */
export function patientIdWithIdNumber(db: Reader, idNumber: string, exceptId = ''): string | undefined {
  return readRow(db, byIdNumber, { idNumber, exceptId })?.id;
}

// Every table with a patient_id column; sqlite_master and pragma_table_info are the catalogue, not the schema.
const patientTables = readQuery(
  `SELECT m.name AS name FROM sqlite_master m JOIN pragma_table_info(m.name) c
   WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND c.name = 'patient_id' ORDER BY m.rowid`,
  { name: value.text },
);

/** Tables that refer to a patient (a merge re-points them); read from the catalogue so a new table is never missed. */
export function tablesReferringToPatients(db: Reader): string[] {
  return readRows(db, patientTables).map((t) => t.name);
}

const columnName = Object.fromEntries(Object.entries(getTableColumns(patients)).map(([key, column]) => [key, column.name])) as Record<keyof PatientRow, string>;

export type PatientChanges = Partial<Omit<NewPatientRow, 'id' | 'version' | 'createdAt' | 'updatedAt' | 'mergedInto'>>;

/** Writes the changed fields if the row is still at `version`; returns whether it was (optimistic locking). */
export function updatePatientAtVersion(sqlite: WriteClient, p: { id: string; version: number; now: string; changes: PatientChanges }): boolean {
  const keys = Object.keys(p.changes) as (keyof PatientChanges)[];
  const assignments = keys.map((k) => `${columnName[k]} = @${k}`);
  const params = Object.fromEntries(keys.map((k) => [k, toDriver(p.changes[k])]));
  const r = sqlite
    .prepare(`UPDATE patients SET ${[...assignments, 'version = @next', 'updated_at = @now'].join(', ')} WHERE id = @id AND version = @version`)
    .run({ ...params, next: p.version + 1, now: p.now, id: p.id, version: p.version });
  return r.changes === 1;
}

function toDriver(v: unknown): unknown {
  return typeof v === 'boolean' ? Number(v) : (v ?? null);
}

/** Re-points one table's rows from one patient to another; the table name comes from tablesReferringToPatients. */
export function repointPatientRows(sqlite: WriteClient, table: string, keepId: string, mergeId: string): number {
  return sqlite.prepare(`UPDATE "${table.replace(/"/g, '""')}" SET patient_id = ? WHERE patient_id = ?`).run(keepId, mergeId).changes;
}

/** Marks `mergeId` merged into `keepId`; its ID number moves to the kept record if that has none. */
export function markMerged(sqlite: WriteClient, p: { keepId: string; mergeId: string; movedIdNumber: string | null; now: string }): void {
  // The merged record's resident ID is released first, so the kept one can hold it alone (the unique index).
  sqlite
    .prepare('UPDATE patients SET merged_into = ?, id_number = NULL, id_suffix = NULL, duplicate_of = NULL, version = version + 1, updated_at = ? WHERE id = ?')
    .run(p.keepId, p.now, p.mergeId);
  // A pulled duplicate waiting for the merged record now waits for the kept one (and the kept one waits for none).
  sqlite.prepare('UPDATE patients SET duplicate_of = CASE WHEN id = ? THEN NULL ELSE ? END WHERE duplicate_of = ?').run(p.keepId, p.keepId, p.mergeId);
  if (p.movedIdNumber) {
    sqlite
      .prepare('UPDATE patients SET id_number = ?, id_suffix = ?, no_id_reason = NULL WHERE id = ?')
      .run(p.movedIdNumber, p.movedIdNumber.slice(-6), p.keepId);
  }
  sqlite.prepare('UPDATE patients SET version = version + 1, updated_at = ? WHERE id = ?').run(p.now, p.keepId);
}

/** What registration, the seed tool and sync's pulled residents insert: a new row at version 1. */
export type PatientRowInput = Omit<NewPatientRow, 'version' | 'updatedAt' | 'mergedInto' | 'createdAt'> & { createdAt: string };

const INSERT_SQL = `INSERT INTO patients (id, name, given_name, pinyin_full, pinyin_initials, pinyin_alt_full, pinyin_alt_initials,
  id_number, id_suffix, no_id_reason, sex, birth_date, phone, health_card_number, village, address, household, contract_doctor,
  contract_date, hypertension, diabetes, allergies, ethnic_code, marital_code, education_code, occupation_code, id_doc_type_code,
  duplicate_of, version, created_at, updated_at)
  VALUES (@id, @name, @givenName, @pinyinFull, @pinyinInitials, @pinyinAltFull, @pinyinAltInitials, @idNumber, @idSuffix,
  @noIdReason, @sex, @birthDate, @phone, @healthCardNumber, @village, @address, @household, @contractDoctor, @contractDate,
  @hypertension, @diabetes, @allergies, @ethnicCode, @maritalCode, @educationCode, @occupationCode, @idDocTypeCode, @duplicateOf, 1, @createdAt, @createdAt)`;

const OPTIONAL_COLUMNS = [
  'pinyinAltFull',
  'pinyinAltInitials',
  'idNumber',
  'idSuffix',
  'noIdReason',
  'phone',
  'healthCardNumber',
  'village',
  'address',
  'household',
  'contractDoctor',
  'contractDate',
  'allergies',
  'ethnicCode',
  'maritalCode',
  'educationCode',
  'occupationCode',
  'duplicateOf',
] as const satisfies readonly (keyof PatientRowInput)[];

// Prepared once per connection: the seed tool and a first sync insert tens of thousands of rows.
const inserts = new WeakMap<WriteClient, ReturnType<WriteClient['prepare']>>();

/** One insert statement shared by registration, the seed tool and sync (same schema, same keys). */
export function insertPatientRow(sqlite: WriteClient, row: PatientRowInput): void {
  const params: Record<string, unknown> = { ...row };
  for (const k of OPTIONAL_COLUMNS) params[k] = row[k] ?? null;
  // An explicit null stays null (a pulled record without the code); only an absent code is inferred.
  params.idDocTypeCode = row.idDocTypeCode !== undefined ? row.idDocTypeCode : row.idNumber ? '01' : null;
  params.hypertension = Number(row.hypertension ?? false);
  params.diabetes = Number(row.diabetes ?? false);
  let insert = inserts.get(sqlite);
  if (!insert) {
    insert = sqlite.prepare(INSERT_SQL);
    inserts.set(sqlite, insert);
  }
  insert.run(params);
}

const DUPLICATE_PAIR_SHAPE = columnsOf(patients, 'id', 'duplicateOf');
const duplicatePairs = readQuery(
  `SELECT ${selectList(DUPLICATE_PAIR_SHAPE)} FROM patients WHERE duplicate_of IS NOT NULL AND merged_into IS NULL ORDER BY created_at, id`,
  DUPLICATE_PAIR_SHAPE,
);

/** Pulled records waiting as duplicates of a local one (same resident ID), oldest first. */
export function pulledDuplicatePairs(db: Reader): { id: string; duplicateOf: string }[] {
  return readRows(db, duplicatePairs).flatMap((r) => (r.duplicateOf === null ? [] : [{ id: r.id, duplicateOf: r.duplicateOf }]));
}

const countsOfPatient = readQuery(
  `SELECT
    (SELECT count(*) FROM visits WHERE patient_id = @id AND status = 'closed') AS visits,
    (SELECT count(*) FROM vitals WHERE patient_id = @id) AS vitals,
    (SELECT count(*) FROM ecg_records WHERE patient_id = @id) AS ecgs,
    (SELECT count(*) FROM followup_enrolments WHERE patient_id = @id) AS enrolments,
    (SELECT count(*) FROM followup_records WHERE patient_id = @id) AS followups`,
  { visits: value.integer, vitals: value.integer, ecgs: value.integer, enrolments: value.integer, followups: value.integer },
);

/** What a resident's record holds, shown beside a duplicate so the user sees what each side would bring. */
export function recordCountsOf(db: Reader, id: string): { visits: number; vitals: number; ecgs: number; enrolments: number; followups: number } {
  return readRow(db, countsOfPatient, { id }) ?? { visits: 0, vitals: 0, ecgs: 0, enrolments: 0, followups: 0 };
}

const liveHolderOfIdNumber = readQuery(
  `SELECT id FROM patients WHERE id_number = @idNumber AND id <> @patientId AND duplicate_of IS NULL AND merged_into IS NULL`,
  columnsOf(patients, 'id'),
);

/**
 * The local record that a pulled Patient with this resident ID duplicates: another live record holding the ID
 * that is not itself a pulled duplicate. Null when the ID is free (or held by the same record).
 */
export function pulledDuplicateOf(db: Reader, patientId: string, idNumber: string | null): string | null {
  if (!idNumber) return null;
  return readRow(db, liveHolderOfIdNumber, { idNumber, patientId })?.id ?? null;
}
