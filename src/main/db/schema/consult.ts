import { sql } from 'drizzle-orm';
import { blob, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { CONSULT_SPECIALTIES } from '../../../shared/api/consult';
import { timestamps } from './columns';

/**
 * Remote consult (远程会诊) with the county: a request goes out as FHIR ServiceRequest + Task (+ DocumentReferences
 * for attached ECGs); the county moves the Task along and answers with a signed DiagnosticReport. `*_at` columns are
 * UTC instants (ISO 8601 text), as everywhere in this store.
 */

export const CONSULT_URGENCIES = ['routine', 'urgent', 'stat'] as const;
export const CONSULT_STATUSES = ['requested', 'accepted', 'in-progress', 'completed', 'rejected', 'cancelled'] as const;

export const consultRequests = sqliteTable(
  'consult_requests',
  {
    /** Also the FHIR ServiceRequest id (client-assigned, so a resend never duplicates). */
    id: text('id').primaryKey(),
    /** FHIR Task id: the county changes the Task, never our ServiceRequest. */
    taskId: text('task_id').notNull(),
    patientId: text('patient_id').notNull(),
    question: text('question').notNull(),
    urgency: text('urgency', { enum: CONSULT_URGENCIES }).notNull(),
    targetInstitution: text('target_institution').notNull(),
    // The contract's closed list; SQLite keeps it as text (the enum types the rows, no CHECK needed).
    specialty: text('specialty', { enum: CONSULT_SPECIALTIES }).notNull(),
    includeVitals: integer('include_vitals', { mode: 'boolean' }).notNull(),
    includeDiagnoses: integer('include_diagnoses', { mode: 'boolean' }).notNull(),
    status: text('status', { enum: CONSULT_STATUSES }).notNull(),
    /** The county's note on the Task (a reason for rejecting, say). */
    statusNote: text('status_note'),
    requestedAt: text('requested_at').notNull(),
    acceptedAt: text('accepted_at'),
    startedAt: text('started_at'),
    completedAt: text('completed_at'),
    rejectedAt: text('rejected_at'),
    cancelledAt: text('cancelled_at'),
    requesterId: integer('requester_id').notNull(),
    requesterName: text('requester_name').notNull(),
    ...timestamps,
  },
  (t) => [
    index('consult_patient_idx').on(t.patientId, t.requestedAt),
    index('consult_status_idx').on(t.status, t.requestedAt),
    uniqueIndex('consult_task_uq').on(t.taskId),
  ],
);

/** What went with a request: one row per FHIR DocumentReference (an ECG's aECG, or its report PDF). */
export const consultAttachments = sqliteTable(
  'consult_attachments',
  {
    /** The DocumentReference id. */
    id: text('id').primaryKey(),
    consultId: text('consult_id').notNull(),
    kind: text('kind', { enum: ['aecg', 'ecg-report-pdf'] }).notNull(),
    ecgId: text('ecg_id').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [index('consult_attachments_consult_idx').on(t.consultId), index('consult_attachments_ecg_idx').on(t.ecgId)],
);

/** The county's signed answer; one row per DiagnosticReport, overwritten by later versions of the same report. */
export const consultReplies = sqliteTable(
  'consult_replies',
  {
    /** The DiagnosticReport id. */
    id: text('id').primaryKey(),
    consultId: text('consult_id').notNull(),
    conclusion: text('conclusion').notNull(),
    signer: text('signer').notNull(),
    signedAt: text('signed_at').notNull(),
    pdf: blob('pdf', { mode: 'buffer' }),
    critical: integer('critical', { mode: 'boolean' }).notNull(),
    criticalText: text('critical_text'),
    /** Server versionId of the report this row holds (pull applies versions oldest first; a repeat is skipped). */
    reportVersion: text('report_version'),
    receivedAt: text('received_at').notNull(),
  },
  (t) => [index('consult_replies_consult_idx').on(t.consultId, t.signedAt)],
);

/** 危急值: raised once per report, stays open until a clinician acknowledges it (who and when are kept). */
export const criticalAlerts = sqliteTable(
  'critical_alerts',
  {
    id: text('id').primaryKey(),
    replyId: text('reply_id').notNull(),
    consultId: text('consult_id').notNull(),
    patientId: text('patient_id').notNull(),
    text: text('text').notNull(),
    raisedAt: text('raised_at').notNull(),
    acknowledgedBy: integer('acknowledged_by'),
    acknowledgedByName: text('acknowledged_by_name'),
    acknowledgedAt: text('acknowledged_at'),
  },
  (t) => [
    uniqueIndex('critical_alerts_reply_uq').on(t.replyId),
    index('critical_alerts_open_idx')
      .on(t.raisedAt)
      .where(sql`acknowledged_at IS NULL`),
  ],
);
