/**
 * The consults' data interface: requests, their attachments, the county's replies and the critical alerts they
 * raise, rows typed from the drizzle schema. The consult list reads aggregate over attachments and replies
 * (json_group_array, EXISTS, the latest reply as json_object) in one statement, so reads go through read-sql.ts
 * with their shapes declared from the schema; writes take the full client inside the service's transactions.
 */

import type { ConsultStatus } from '../../shared/api/consult';
import { OPEN_CONSULT_STATUSES } from '../../shared/api/consult';
import type { Reader, WriteClient } from '../db/handles';
import { columnsExcept, columnsOf, readQuery, readRow, readRows, selectList, value, type RowOf } from '../db/read-sql';
import { consultAttachments, consultReplies, consultRequests, criticalAlerts } from '../db/schema/consult';
import { patients } from '../db/schema/patients';

export type NewConsultRequestRow = typeof consultRequests.$inferInsert;
export type NewConsultAttachmentRow = typeof consultAttachments.$inferInsert;

const CONSULT_SHAPE = {
  ...columnsExcept(consultRequests, 'requesterId', 'createdAt'),
  patientName: patients.name,
  /** JSON array of the aECG attachments' ECG ids. */
  ecgIds: value.textOrNull,
  reportPdfs: value.integer,
  hasReply: value.flag,
  critical: value.flag,
  /** The latest reply as json_object (critical as 0/1), or null. */
  answer: value.textOrNull,
};
export type ConsultListRow = RowOf<typeof CONSULT_SHAPE>;

const CONSULT_SQL = `SELECT ${selectList(columnsExcept(consultRequests, 'requesterId', 'createdAt'), 'c')}, p.name AS patientName,
  (SELECT json_group_array(a.ecg_id) FROM consult_attachments a WHERE a.consult_id = c.id AND a.kind = 'aecg') AS ecgIds,
  (SELECT count(*) FROM consult_attachments a WHERE a.consult_id = c.id AND a.kind = 'ecg-report-pdf') AS reportPdfs,
  EXISTS (SELECT 1 FROM consult_replies r WHERE r.consult_id = c.id) AS hasReply,
  EXISTS (SELECT 1 FROM consult_replies r WHERE r.consult_id = c.id AND r.critical = 1) AS critical,
  (SELECT json_object('conclusion', r.conclusion, 'signer', r.signer, 'signedAt', r.signed_at, 'critical', r.critical)
    FROM consult_replies r WHERE r.consult_id = c.id ORDER BY r.signed_at DESC LIMIT 1) AS answer
  FROM consult_requests c JOIN patients p ON p.id = c.patient_id`;

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

const consultById = readQuery(`${CONSULT_SQL} WHERE c.id = ?`, CONSULT_SHAPE);
const consultsOfPatient = readQuery(`${CONSULT_SQL} WHERE c.patient_id = ? ORDER BY c.requested_at DESC`, CONSULT_SHAPE);
const openConsults = readQuery(`${CONSULT_SQL} WHERE c.status IN (${placeholders(OPEN_CONSULT_STATUSES.length)}) ORDER BY c.requested_at`, CONSULT_SHAPE);

export function consultRow(db: Reader, id: string): ConsultListRow | undefined {
  return readRow(db, consultById, id);
}

export function consultRowsOfPatient(db: Reader, patientId: string): ConsultListRow[] {
  return readRows(db, consultsOfPatient, patientId);
}

export function openConsultRows(db: Reader): ConsultListRow[] {
  return readRows(db, openConsults, ...OPEN_CONSULT_STATUSES);
}

/** Newest first, in the given statuses. */
export function consultRowsInStatus(db: Reader, statuses: readonly ConsultStatus[], limit: number): ConsultListRow[] {
  const q = readQuery(`${CONSULT_SQL} WHERE c.status IN (${placeholders(statuses.length)}) ORDER BY c.requested_at DESC LIMIT ?`, CONSULT_SHAPE);
  return readRows(db, q, ...statuses, limit);
}

const awaiting = readQuery(
  `SELECT EXISTS (SELECT 1 FROM consult_requests c WHERE c.status IN (${placeholders(OPEN_CONSULT_STATUSES.length)})
     OR (c.status = 'completed' AND c.completed_at >= ? AND NOT EXISTS (SELECT 1 FROM consult_replies r WHERE r.consult_id = c.id))) AS waiting`,
  { waiting: value.flag },
);

/** Whether a consult is open, or completed since `since` with no reply stored yet. */
export function someConsultAwaitsReply(db: Reader, since: string): boolean {
  return readRow(db, awaiting, ...OPEN_CONSULT_STATUSES, since)?.waiting ?? false;
}

const REPLY_COLUMNS = columnsExcept(consultReplies, 'pdf', 'reportVersion');
const REPLY_SHAPE = { ...REPLY_COLUMNS, hasPdf: value.flag };
export type ReplyListRow = RowOf<typeof REPLY_SHAPE>;
const REPLY_SQL = `SELECT ${selectList(REPLY_COLUMNS, 'r')}, r.pdf IS NOT NULL AS hasPdf FROM consult_replies r`;

const repliesOfConsult = readQuery(`${REPLY_SQL} WHERE r.consult_id = ? ORDER BY r.signed_at DESC`, REPLY_SHAPE);
const replyForEcg = readQuery(
  `${REPLY_SQL} JOIN consult_requests c ON c.id = r.consult_id
   WHERE c.patient_id = ? AND EXISTS (SELECT 1 FROM consult_attachments a WHERE a.consult_id = c.id AND a.ecg_id = ?)
   ORDER BY r.signed_at DESC LIMIT 1`,
  REPLY_SHAPE,
);

export function replyRowsOfConsult(db: Reader, consultId: string): ReplyListRow[] {
  return readRows(db, repliesOfConsult, consultId);
}

/** The newest reply to any of the patient's consults that carried this ECG. */
export function latestReplyRowForEcg(db: Reader, patientId: string, ecgId: string): ReplyListRow | undefined {
  return readRow(db, replyForEcg, patientId, ecgId);
}

const replyPdf = readQuery(
  `SELECT r.pdf AS pdf, c.patient_id AS patientId FROM consult_replies r JOIN consult_requests c ON c.id = r.consult_id WHERE r.id = ?`,
  {
    pdf: consultReplies.pdf,
    patientId: consultRequests.patientId,
  },
);

export function replyPdfRow(db: Reader, replyId: string) {
  return readRow(db, replyPdf, replyId);
}

const ALERT_COLUMNS = columnsExcept(criticalAlerts, 'acknowledgedBy');
const ALERT_SHAPE = { ...ALERT_COLUMNS, patientName: patients.name };
const ALERT_SQL = `SELECT ${selectList(ALERT_COLUMNS, 'a')}, p.name AS patientName FROM critical_alerts a JOIN patients p ON p.id = a.patient_id`;

const unacknowledged = readQuery(`${ALERT_SQL} WHERE a.acknowledged_at IS NULL ORDER BY a.raised_at`, ALERT_SHAPE);
const alertById = readQuery(`${ALERT_SQL} WHERE a.id = ?`, ALERT_SHAPE);

export function unacknowledgedAlertRows(db: Reader) {
  return readRows(db, unacknowledged);
}

export function alertRow(db: Reader, id: string) {
  return readRow(db, alertById, id);
}

const STATUS_SHAPE = columnsOf(consultRequests, 'id', 'status', 'statusNote');
const byTask = readQuery(`SELECT ${selectList(STATUS_SHAPE)} FROM consult_requests WHERE task_id = ?`, STATUS_SHAPE);

/** Our consult behind a county Task, if it is ours. */
export function consultStatusByTask(db: Reader, taskId: string) {
  return readRow(db, byTask, taskId);
}

const PATIENT_SHAPE = columnsOf(consultRequests, 'id', 'patientId');
const patientOfConsult = readQuery(`SELECT ${selectList(PATIENT_SHAPE)} FROM consult_requests WHERE id = ?`, PATIENT_SHAPE);

export function consultPatient(db: Reader, consultId: string) {
  return readRow(db, patientOfConsult, consultId);
}

const replyVersion = readQuery(`SELECT report_version AS version, consult_id AS consultId FROM consult_replies WHERE id = ?`, {
  version: consultReplies.reportVersion,
  consultId: consultReplies.consultId,
});

/** The stored version of a county report and the consult it answers. */
export function storedReplyVersion(db: Reader, reportId: string) {
  return readRow(db, replyVersion, reportId);
}

// ---- writes --------------------------------------------------------------------------------------------

export function insertConsultRequest(
  sqlite: WriteClient,
  row: Pick<
    NewConsultRequestRow,
    | 'id'
    | 'taskId'
    | 'patientId'
    | 'question'
    | 'urgency'
    | 'targetInstitution'
    | 'specialty'
    | 'includeVitals'
    | 'includeDiagnoses'
    | 'requestedAt'
    | 'requesterId'
    | 'requesterName'
    | 'createdAt'
    | 'updatedAt'
  >,
): void {
  sqlite
    .prepare(
      `INSERT INTO consult_requests (id, task_id, patient_id, question, urgency, target_institution, specialty, include_vitals,
       include_diagnoses, status, requested_at, requester_id, requester_name, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'requested', ?, ?, ?, ?, ?)`,
    )
    .run(
      row.id,
      row.taskId,
      row.patientId,
      row.question,
      row.urgency,
      row.targetInstitution,
      row.specialty,
      row.includeVitals ? 1 : 0,
      row.includeDiagnoses ? 1 : 0,
      row.requestedAt,
      row.requesterId,
      row.requesterName,
      row.createdAt,
      row.updatedAt,
    );
}

export function insertConsultAttachments(sqlite: WriteClient, rows: readonly NewConsultAttachmentRow[]): void {
  const attach = sqlite.prepare('INSERT INTO consult_attachments (id, consult_id, kind, ecg_id, created_at) VALUES (?, ?, ?, ?, ?)');
  for (const r of rows) attach.run(r.id, r.consultId, r.kind, r.ecgId, r.createdAt);
}

export function markConsultCancelled(sqlite: WriteClient, id: string, now: string): void {
  sqlite.prepare(`UPDATE consult_requests SET status = 'cancelled', cancelled_at = ?, updated_at = ? WHERE id = ?`).run(now, now, id);
}

/** The column that records when a consult reached a status (kept from the first time it did). */
const STATUS_COLUMN: Partial<Record<ConsultStatus, string>> = {
  accepted: 'accepted_at',
  'in-progress': 'started_at',
  completed: 'completed_at',
  rejected: 'rejected_at',
  cancelled: 'cancelled_at',
};

/** Sets status and note; a status reached for the first time gets its time (`reachedAt`). */
export function updateConsultStatus(
  sqlite: WriteClient,
  p: { id: string; status: ConsultStatus; statusNote: string | null; now: string; statusChanged: boolean; reachedAt: string },
): void {
  const column = p.statusChanged ? STATUS_COLUMN[p.status] : undefined;
  sqlite
    .prepare(`UPDATE consult_requests SET status = ?, status_note = ?, updated_at = ?${column ? `, ${column} = COALESCE(${column}, ?)` : ''} WHERE id = ?`)
    .run(...[p.status, p.statusNote, p.now, ...(column ? [p.reachedAt] : []), p.id]);
}

/** Stores a county report as the reply; a later version of the same report replaces it. */
export function upsertReply(
  sqlite: WriteClient,
  r: {
    id: string;
    consultId: string;
    conclusion: string;
    signer: string;
    signedAt: string;
    pdf: Buffer | null;
    critical: boolean;
    criticalText: string | null;
    version: string | null;
    now: string;
  },
): void {
  sqlite
    .prepare(
      `INSERT INTO consult_replies (id, consult_id, conclusion, signer, signed_at, pdf, critical, critical_text, report_version, received_at)
       VALUES (@id, @consultId, @conclusion, @signer, @signedAt, @pdf, @critical, @criticalText, @version, @now)
       ON CONFLICT (id) DO UPDATE SET conclusion = excluded.conclusion, signer = excluded.signer, signed_at = excluded.signed_at,
         pdf = excluded.pdf, critical = excluded.critical, critical_text = excluded.critical_text,
         report_version = excluded.report_version, received_at = excluded.received_at`,
    )
    .run({ ...r, critical: r.critical ? 1 : 0 });
}

/** Raises the alert of a critical reply once: returns false when that reply already has one. */
export function insertCriticalAlert(
  sqlite: WriteClient,
  a: { id: string; replyId: string; consultId: string; patientId: string; text: string; raisedAt: string },
): boolean {
  return (
    sqlite
      .prepare(
        `INSERT INTO critical_alerts (id, reply_id, consult_id, patient_id, text, raised_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (reply_id) DO NOTHING`,
      )
      .run(a.id, a.replyId, a.consultId, a.patientId, a.text, a.raisedAt).changes === 1
  );
}

/** The first acknowledgement stands. */
export function acknowledgeAlertRow(sqlite: WriteClient, id: string, p: { userId: number; name: string; at: string }): void {
  sqlite
    .prepare('UPDATE critical_alerts SET acknowledged_by = ?, acknowledged_by_name = ?, acknowledged_at = ? WHERE id = ? AND acknowledged_at IS NULL')
    .run(p.userId, p.name, p.at, id);
}
