/**
 * The ECG records' data interface, rows typed from the drizzle schema (ecgRecords). Reads go through read-sql.ts
 * (the service holds the raw client); the summary never reads the samples blob, which only `samplesOf` does.
 */

import type { Reader, WriteClient } from '../db/handles';
import { columnsExcept, readQuery, readRow, readRows, selectList, type RowOf } from '../db/read-sql';
import { ecgRecords } from '../db/schema/ecg';

export type NewEcgRecordRow = typeof ecgRecords.$inferInsert;

// Everything of a record but its samples (only samplesOf reads those) and its creation time.
const SUMMARY_SHAPE = columnsExcept(ecgRecords, 'samples', 'createdAt');
export type EcgSummaryRow = RowOf<typeof SUMMARY_SHAPE>;
const SUMMARY_SQL = `SELECT ${selectList(SUMMARY_SHAPE)} FROM ecg_records`;

const byId = readQuery(`${SUMMARY_SQL} WHERE id = ?`, SUMMARY_SHAPE);
const ofPatient = readQuery(`${SUMMARY_SQL} WHERE patient_id = ? ORDER BY recorded_at DESC`, SUMMARY_SHAPE);
const unassigned = readQuery(`${SUMMARY_SQL} WHERE patient_id IS NULL ORDER BY created_at DESC LIMIT 200`, SUMMARY_SHAPE);
const samples = readQuery(`SELECT samples FROM ecg_records WHERE id = ?`, { samples: ecgRecords.samples });

export function ecgSummaryRow(db: Reader, id: string): EcgSummaryRow | undefined {
  return readRow(db, byId, id);
}

/** A patient's recordings, newest first. */
export function ecgSummaryRowsOfPatient(db: Reader, patientId: string): EcgSummaryRow[] {
  return readRows(db, ofPatient, patientId);
}

/** Recordings not yet assigned to a patient (device captures, the export folder), newest 200. */
export function unassignedEcgSummaryRows(db: Reader): EcgSummaryRow[] {
  return readRows(db, unassigned);
}

/** The samples blob: leads one after the other, float32 microvolts. */
export function samplesOf(db: Reader, id: string): Buffer | undefined {
  return readRow(db, samples, id)?.samples;
}

export function insertEcgRecord(sqlite: WriteClient, row: Required<Omit<NewEcgRecordRow, 'interpretation' | 'interpretedBy' | 'signedAt'>>): void {
  sqlite
    .prepare(
      `INSERT INTO ecg_records (id, patient_id, recorded_at, source, source_name, format, sample_rate_hz, sample_count, lead_names, samples,
       annotation_count, measurements, metadata, created_at, outpatient_number) VALUES (@id, @patientId, @recordedAt, @source, @sourceName,
       @format, @sampleRateHz, @sampleCount, @leadNames, @samples, @annotationCount, @measurements, @metadata, @createdAt, @outpatientNumber)`,
    )
    .run(row);
}

/** Assigns an unassigned recording; returns whether it was still unassigned. */
export function assignEcgRecord(sqlite: WriteClient, id: string, patientId: string): boolean {
  return sqlite.prepare('UPDATE ecg_records SET patient_id = ? WHERE id = ? AND patient_id IS NULL').run(patientId, id).changes === 1;
}

export function signEcgRecord(sqlite: WriteClient, id: string, p: { interpretation: string; interpretedBy: string; signedAt: string }): void {
  sqlite
    .prepare('UPDATE ecg_records SET interpretation = ?, interpreted_by = ?, signed_at = ? WHERE id = ?')
    .run(p.interpretation, p.interpretedBy, p.signedAt, id);
}
