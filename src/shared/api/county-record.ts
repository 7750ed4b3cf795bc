import { z } from 'zod';
import { SYNC_ERROR_CODES } from '../sync';
import { method } from './define';
import { id } from './fields';

/**
 * 调阅县域档案: a patient's records on the county platform written by OTHER institutions, fetched on demand by
 * resident ID and shown read-only in the chart. Each item names its source institution and date; none of it is
 * ours, so none of it is ever pushed or counted in the center's indicators.
 */

const clinicians = ['admin', 'doctor'] as const;

export const COUNTY_RECORD_KINDS = ['encounter', 'diagnosis', 'lab', 'ecg', 'report', 'document', 'medication'] as const;
export type CountyRecordKind = (typeof COUNTY_RECORD_KINDS)[number];

export const countyRecordItemSchema = z.object({
  resourceType: z.string(),
  resourceId: z.string(),
  kind: z.enum(COUNTY_RECORD_KINDS),
  /** Clinical text as the source institution wrote it (not translated). */
  title: z.string(),
  detail: z.string().nullable(),
  /** FHIR date or dateTime of the record, as the platform gave it. */
  effectiveAt: z.string().nullable(),
  /** null: the platform did not say who wrote it (the screen says so rather than guessing). */
  sourceInstitution: z.string().nullable(),
  sourceInstitutionCode: z.string().nullable(),
});
export type CountyRecordItem = z.infer<typeof countyRecordItemSchema>;

export const countyRecordViewSchema = z.object({
  patientId: id,
  /** ISO instant of the fetch the items come from; null when the record was never fetched. */
  fetchedAt: z.string().nullable(),
  fetchedByName: z.string().nullable(),
  items: z.array(countyRecordItemSchema),
  /**
   * Set when a refresh was asked for and could not reach the platform: the items are the cache of `fetchedAt`.
   * `code` is the sync error (wording and action come from the sync catalog).
   */
  refreshError: z.object({ code: z.enum(SYNC_ERROR_CODES) }).nullable(),
});
export type CountyRecordView = z.infer<typeof countyRecordViewSchema>;

export const countyRecordContract = {
  /** The cached record (no network). */
  cached: method({ input: z.object({ patientId: id }), output: countyRecordViewSchema, access: clinicians, audit: 'read' }),
  /** Fetches from the county platform over the sync target's mutual-TLS link, replaces the cache, returns it. */
  fetch: method({ input: z.object({ patientId: id }), output: countyRecordViewSchema, access: clinicians, audit: 'read' }),
};
