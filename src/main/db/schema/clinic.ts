import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** Today's queue: one row per check-in; the clinic date is China local date, so a restart keeps the day's queue. */
export const queueEntries = sqliteTable(
  'queue_entries',
  {
    id: text('id').primaryKey(),
    patientId: text('patient_id').notNull(),
    clinicDate: text('clinic_date').notNull(),
    status: text('status', { enum: ['waiting', 'inConsultation', 'done', 'left'] }).notNull(),
    priority: integer('priority', { mode: 'boolean' }).notNull().default(false),
    clinicianId: integer('clinician_id'),
    checkedInAt: text('checked_in_at').notNull(),
    startedAt: text('started_at'),
    finishedAt: text('finished_at'),
  },
  (t) => [index('queue_day_idx').on(t.clinicDate, t.status), index('queue_patient_idx').on(t.patientId)],
);

/** One measurement session. `input` is what was typed (JSON), `derived`/`flags` what the rules made of it. */
export const vitals = sqliteTable(
  'vitals',
  {
    id: text('id').primaryKey(),
    patientId: text('patient_id').notNull(),
    visitId: text('visit_id'),
    measuredAt: text('measured_at').notNull(),
    input: text('input').notNull(),
    derived: text('derived').notNull(),
    flags: text('flags').notNull(),
    systolic: integer('systolic'),
    diastolic: integer('diastolic'),
    /** Where the measurement was taken (the clinic's vitals page, the ECG room); follow-up visits keep theirs. */
    source: text('source', { enum: ['clinic', 'ecg'] })
      .notNull()
      .default('clinic'),
    recordedBy: integer('recorded_by').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [index('vitals_patient_idx').on(t.patientId, t.measuredAt)],
);

/**
 * Visits are versioned: closing signs a version, which is then read-only; a correction is a new version with the
 * same `recordId`, `supersedes` pointing at the one it corrects, and a stated reason.
 */
export const visits = sqliteTable(
  'visits',
  {
    id: text('id').primaryKey(),
    recordId: text('record_id').notNull(),
    version: integer('version').notNull(),
    supersedes: text('supersedes'),
    patientId: text('patient_id').notNull(),
    queueEntryId: text('queue_entry_id'),
    status: text('status', { enum: ['open', 'closed', 'superseded'] }).notNull(),
    chiefComplaint: text('chief_complaint').notNull().default(''),
    history: text('history').notNull().default(''),
    examination: text('examination').notNull().default(''),
    diagnoses: text('diagnoses').notNull().default('[]'),
    plan: text('plan').notNull().default(''),
    prescription: text('prescription').notNull().default(''),
    correctionReason: text('correction_reason'),
    clinicianId: integer('clinician_id').notNull(),
    clinicianName: text('clinician_name').notNull(),
    openedAt: text('opened_at').notNull(),
    closedAt: text('closed_at'),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [index('visits_patient_idx').on(t.patientId, t.openedAt), index('visits_record_idx').on(t.recordId, t.version)],
);
