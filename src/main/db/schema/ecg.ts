import { index, integer, sqliteTable, text, blob } from 'drizzle-orm/sqlite-core';

/**
 * One ECG recording. Samples are stored as little-endian Float32 µV, lead after lead (lead i occupies
 * [i·n, (i+1)·n)), in the encrypted database like everything else. `patientId` is null for recordings a cart's
 * export folder brought in until someone assigns them.
 */
export const ecgRecords = sqliteTable(
  'ecg_records',
  {
    id: text('id').primaryKey(),
    patientId: text('patient_id'),
    recordedAt: text('recorded_at').notNull(),
    source: text('source', { enum: ['file', 'device', 'folder'] }).notNull(),
    sourceName: text('source_name').notNull(),
    format: text('format').notNull(),
    sampleRateHz: integer('sample_rate_hz').notNull(),
    sampleCount: integer('sample_count').notNull(),
    leadNames: text('lead_names').notNull(),
    samples: blob('samples', { mode: 'buffer' }).notNull(),
    annotationCount: integer('annotation_count').notNull().default(0),
    measurements: text('measurements').notNull(),
    metadata: text('metadata').notNull().default('{}'),
    interpretation: text('interpretation'),
    interpretedBy: text('interpreted_by'),
    signedAt: text('signed_at'),
    /** The outpatient (visit) number the ECG was taken under, printed in the report header (migration 0025). */
    outpatientNumber: text('outpatient_number'),
    createdAt: text('created_at').notNull(),
  },
  (t) => [index('ecg_patient_idx').on(t.patientId, t.recordedAt)],
);
