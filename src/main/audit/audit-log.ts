import { createHash } from 'node:crypto';
import type { AuditEntry, AuditVerifyResult } from '../../shared/api/system';
import type { Sqlite } from '../db/open';

export interface AuditEvent {
  userId: number | null;
  username: string | null;
  action: string;
  kind: string;
  patientId?: string | null;
  outcome: 'ok' | 'error' | 'denied';
  details?: string | null;
}

const GENESIS = '0'.repeat(64);

interface Row {
  id: number;
  at: string;
  user_id: number | null;
  username: string | null;
  action: string;
  kind: string;
  patient_id: string | null;
  outcome: string;
  details: string | null;
  prev_hash: string;
  hash: string;
}

/** The fields a row's hash covers, in a fixed order. */
function rowHash(r: Omit<Row, 'hash'>): string {
  const canonical = JSON.stringify([r.id, r.at, r.user_id, r.username, r.action, r.kind, r.patient_id, r.outcome, r.details, r.prev_hash]);
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * Appends one hash-chained row. The chain head (last id and hash) is also kept in `audit_head` so that cutting
 * rows off the end is detected too, not only edits in the middle.
 */
export function appendAudit(sqlite: Sqlite, event: AuditEvent, at: Date): void {
  const tx = sqlite.transaction(() => {
    const last = sqlite.prepare('SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1').get() as { id: number; hash: string } | undefined;
    const row: Omit<Row, 'hash'> = {
      id: (last?.id ?? 0) + 1,
      at: at.toISOString(),
      user_id: event.userId,
      username: event.username,
      action: event.action,
      kind: event.kind,
      patient_id: event.patientId ?? null,
      outcome: event.outcome,
      details: event.details ?? null,
      prev_hash: last?.hash ?? GENESIS,
    };
    const hash = rowHash(row);
    sqlite
      .prepare(
        `INSERT INTO audit_log (id, at, user_id, username, action, kind, patient_id, outcome, details, prev_hash, hash)
         VALUES (@id, @at, @user_id, @username, @action, @kind, @patient_id, @outcome, @details, @prev_hash, @hash)`,
      )
      .run({ ...row, hash });
    sqlite
      .prepare(`INSERT INTO settings (key, value, updated_at) VALUES ('audit.head', @value, @at) ON CONFLICT(key) DO UPDATE SET value = @value, updated_at = @at`)
      .run({ value: JSON.stringify({ id: row.id, hash }), at: row.at });
  });
  tx.immediate();
}

export function verifyAuditChain(sqlite: Sqlite): AuditVerifyResult {
  let prevHash = GENESIS;
  let expectedId = 1;
  let checked = 0;
  for (const r of sqlite.prepare('SELECT * FROM audit_log ORDER BY id').iterate() as IterableIterator<Row>) {
    if (r.id !== expectedId) return { ok: false, checked, firstBadId: expectedId, problem: 'gap' };
    if (r.prev_hash !== prevHash) return { ok: false, checked, firstBadId: r.id, problem: 'link' };
    const { hash, ...rest } = r;
    if (rowHash(rest) !== hash) return { ok: false, checked, firstBadId: r.id, problem: 'hash' };
    prevHash = hash;
    expectedId++;
    checked++;
  }
  const head = sqlite.prepare(`SELECT value FROM settings WHERE key = 'audit.head'`).get() as { value: string } | undefined;
  if (head) {
    const { id, hash } = JSON.parse(head.value) as { id: number; hash: string };
    if (id !== expectedId - 1 || hash !== prevHash) return { ok: false, checked, firstBadId: Math.min(id, expectedId), problem: 'gap' };
  } else if (checked > 0) {
    return { ok: false, checked, firstBadId: 1, problem: 'gap' };
  }
  return { ok: true, checked, firstBadId: null, problem: null };
}

export interface AuditQuery {
  from?: string;
  to?: string;
  username?: string;
  action?: string;
  patientId?: string;
  outcome?: 'ok' | 'error' | 'denied';
  limit: number;
  beforeId?: number;
}

/** Newest first; `to` is inclusive of the whole day. Uses the at/patient/user indexes. */
export function searchAudit(sqlite: Sqlite, q: AuditQuery): AuditEntry[] {
  const where: string[] = [];
  const params: Record<string, string | number> = { limit: q.limit };
  if (q.from) {
    where.push('at >= @from');
    params.from = q.from;
  }
  if (q.to) {
    where.push('at < @to');
    params.to = nextDay(q.to);
  }
  if (q.username) {
    where.push('username = @username');
    params.username = q.username;
  }
  if (q.action) {
    where.push('action LIKE @action');
    params.action = `${q.action}%`;
  }
  if (q.patientId) {
    where.push('patient_id = @patientId');
    params.patientId = q.patientId;
  }
  if (q.outcome) {
    where.push('outcome = @outcome');
    params.outcome = q.outcome;
  }
  if (q.beforeId) {
    where.push('id < @beforeId');
    params.beforeId = q.beforeId;
  }
  const sql = `SELECT id, at, user_id AS userId, username, action, kind, patient_id AS patientId, outcome, details
               FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT @limit`;
  return sqlite.prepare(sql).all(params) as AuditEntry[];
}

function nextDay(isoDate: string): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}
