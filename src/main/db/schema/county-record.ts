import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { COUNTY_RECORD_KINDS } from '../../../shared/api/county-record';

/**
 * 调阅县域档案: what the county platform holds about a patient that OTHER institutions wrote (the county hospital's
 * encounters, diagnoses, lab and ECG reports, discharge summaries, medications). A read-only cache: replaced whole by
 * each fetch, never edited (triggers refuse UPDATE), never queued for sync, never read by indicators. The store is
 * SQLCipher, so the cache is encrypted like everything else.
 */

/** One row per patient: when the record was last fetched, by whom, from where. */
export const countyRecordFetches = sqliteTable('county_record_fetches', {
  patientId: text('patient_id').primaryKey(),
  residentId: text('resident_id').notNull(),
  /** The platform's base URL at the time of the fetch. */
  sourceUrl: text('source_url').notNull(),
  fetchedAt: text('fetched_at').notNull(),
  fetchedBy: integer('fetched_by').notNull(),
  fetchedByName: text('fetched_by_name').notNull(),
  itemCount: integer('item_count').notNull(),
});

export const countyRecordItems = sqliteTable(
  'county_record_items',
  {
    patientId: text('patient_id').notNull(),
    resourceType: text('resource_type').notNull(),
    resourceId: text('resource_id').notNull(),
    kind: text('kind', { enum: COUNTY_RECORD_KINDS }).notNull(),
    title: text('title').notNull(),
    detail: text('detail'),
    /** The clinical date of the record as the platform gave it (FHIR date or dateTime), null when it has none. */
    effectiveAt: text('effective_at'),
    /** Name of the institution that wrote the record; null when the platform does not say. */
    sourceInstitution: text('source_institution'),
    sourceInstitutionCode: text('source_institution_code'),
    /** The FHIR resource as fetched (JSON), kept for the detail view and for audit questions later. */
    resource: text('resource').notNull(),
    fetchedAt: text('fetched_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.patientId, t.resourceType, t.resourceId] }), index('county_record_items_patient_idx').on(t.patientId, t.effectiveAt)],
);

export type CountyRecordFetchRow = typeof countyRecordFetches.$inferSelect;
export type CountyRecordItemRow = typeof countyRecordItems.$inferSelect;
export type NewCountyRecordItemRow = typeof countyRecordItems.$inferInsert;
