/**
 * The audit log's data interface: rows typed from the schema (auditLog), read through read-sql.ts. The chain
 * walks (verify, the seal digest) iterate row by row; the search builds its WHERE from the filter with a fixed
 * shape. The chain's bookkeeping (key id, head, chain id) lives in settings rows, read and written here too.
 */

import type { Reader, WriteClient } from '../db/handles';
import { getTableColumns } from 'drizzle-orm';
import { columnsExcept, columnsOf, iterateRows, readQuery, readRow, readRows, selectList } from '../db/read-sql';
import { auditLog } from '../db/schema/audit';
import { settings } from '../db/schema/settings';
import { syncTargets } from '../db/schema/sync';

export type AuditRow = typeof auditLog.$inferSelect;

const ROW_SHAPE = getTableColumns(auditLog);
const ROW_COLUMNS = selectList(ROW_SHAPE);

const allRows = readQuery(`SELECT ${ROW_COLUMNS} FROM audit_log ORDER BY id`, ROW_SHAPE);
const rowsThrough = readQuery(`SELECT ${ROW_COLUMNS} FROM audit_log WHERE id <= ? ORDER BY id`, ROW_SHAPE);
const lastRow = readQuery(`SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1`, { id: auditLog.id, hash: auditLog.hash });

/** Every row in chain order, or those up to `through`. */
export function auditRowsInOrder(db: Reader, through?: number): Iterable<AuditRow> {
  return through === undefined ? iterateRows(db, allRows) : iterateRows(db, rowsThrough, through);
}

export function lastAuditRow(db: Reader): { id: number; hash: string } | undefined {
  return readRow(db, lastRow);
}

export function insertAuditRow(sqlite: WriteClient, row: AuditRow): void {
  sqlite
    .prepare(
      `INSERT INTO audit_log (id, at, user_id, username, action, kind, patient_id, outcome, details, prev_hash, hash)
       VALUES (@id, @at, @userId, @username, @action, @kind, @patientId, @outcome, @details, @prevHash, @hash)`,
    )
    .run(row);
}

// What the audit screen lists: a row without its chain links.
const ENTRY_SHAPE = columnsExcept(auditLog, 'prevHash', 'hash');

/** Newest first under the given conditions (SQL over audit_log's columns with @-named parameters). */
export function auditEntriesWhere(db: Reader, where: readonly string[], params: Record<string, string | number> & { limit: number }) {
  const q = readQuery(
    `SELECT ${selectList(ENTRY_SHAPE)} FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT @limit`,
    ENTRY_SHAPE,
  );
  return readRows(db, q, params);
}

const settingByKey = readQuery(`SELECT value FROM settings WHERE key = ?`, { value: settings.value });

export function auditSetting(db: Reader, key: string): string | undefined {
  return readRow(db, settingByKey, key)?.value;
}

export function putAuditSetting(sqlite: WriteClient, key: string, value: string, at: string): void {
  sqlite
    .prepare(`INSERT INTO settings (key, value, updated_at) VALUES (@key, @value, @at) ON CONFLICT(key) DO UPDATE SET value = @value, updated_at = @at`)
    .run({ key, value, at });
}

const LAST_ROW_OF_ACTION = columnsOf(auditLog, 'id', 'at', 'details');
const lastOfAction = readQuery(`SELECT ${selectList(LAST_ROW_OF_ACTION)} FROM audit_log WHERE action = ? ORDER BY id DESC LIMIT 1`, LAST_ROW_OF_ACTION);

/** The newest row of an action (the last anchor, say). */
export function lastAuditRowOf(db: Reader, action: string) {
  return readRow(db, lastOfAction, action);
}

const HEAD = columnsOf(auditLog, 'id', 'hash', 'action');
const head = readQuery(`SELECT ${selectList(HEAD)} FROM audit_log ORDER BY id DESC LIMIT 1`, HEAD);

/** The chain head with its action (an anchor is not anchored again). */
export function auditHead(db: Reader) {
  return readRow(db, head);
}

const targetKind = readQuery(`SELECT kind FROM sync_targets WHERE id = ?`, { kind: syncTargets.kind });

/** What kind of platform a sync target is ('fhir', 'documents'), or undefined when it is not configured. */
export function syncTargetKind(db: Reader, target: string) {
  return readRow(db, targetKind, target)?.kind;
}
