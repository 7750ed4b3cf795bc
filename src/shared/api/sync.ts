import { z } from 'zod';
import { RECORD_SYNC_STATES, SYNC_ACTIONS, SYNC_ERROR_CODES, SYNC_TARGET_IDS, SYNC_TARGET_KINDS, SYNC_TARGET_STATES, syncRoutingSchema } from '../sync';
import { method } from './define';
import { fileHandleSchema } from './files';

/**
 * 同步: platform targets, their status, conflicts and per-record state. Certificates and the client key are
 * imported from files by main and never come back: a target view says only whether they are present.
 */

const target = z.enum(SYNC_TARGET_IDS);
const admin = ['admin'] as const;
const staff = ['admin', 'doctor', 'nurse'] as const;

export const syncErrorSchema = z.object({
  code: z.enum(SYNC_ERROR_CODES),
  action: z.enum(SYNC_ACTIONS),
  message: z.string(),
  status: z.number().int().optional(),
});

export const syncTargetViewSchema = z.object({
  id: target,
  configured: z.boolean(),
  /** FHIR R4, or the national shared documents (WS/T 483 / WS/T 500 via a WS/T 790-style call). */
  kind: z.enum(SYNC_TARGET_KINDS),
  enabled: z.boolean(),
  baseUrl: z.string().nullable(),
  serverName: z.string().nullable(),
  /** Subject of the first CA certificate, to show which platform CA is trusted. */
  caSubject: z.string().nullable(),
  hasClientCertificate: z.boolean(),
  state: z.enum(SYNC_TARGET_STATES),
  queued: z.number().int(),
  /** ISO time of the last cycle that pushed and pulled without error. */
  lastSyncAt: z.string().nullable(),
  lastError: syncErrorSchema.nullable(),
  nextAttemptAt: z.string().nullable(),
  consecutiveFailures: z.number().int(),
  openConflicts: z.number().int(),
  /** Entries held after a refusal (a document the platform refused, a record that failed validation). */
  held: z.number().int(),
  /** The newest held entry's error: what the 同步 screen words for them. */
  lastHeldError: syncErrorSchema.nullable(),
});
export type SyncTargetView = z.infer<typeof syncTargetViewSchema>;

const pem = z.string().max(200_000);
export const syncTargetInputSchema = z.object({
  id: target,
  baseUrl: z.url({ protocol: /^https$/ }),
  serverName: z.string().trim().min(1).max(253).optional(),
  enabled: z.boolean().default(true),
  /** PEM text, or a file path main reads (the 设置 form uses a file picker). Required the first time. */
  caCertificatePem: pem.optional(),
  caCertificatePath: z.string().min(1).max(4096).optional(),
  /** The station's PKCS#12 (.p12/.pfx) issued by the platform: a file path main reads. Required the first time. */
  clientPkcs12Path: z.string().min(1).max(4096).optional(),
  /** What the 同步 screen sends: the certificates chosen in main's file dialog, as handles (files.open), no paths. */
  caCertificateFile: fileHandleSchema.optional(),
  clientPkcs12File: fileHandleSchema.optional(),
  clientPassphrase: z.string().max(1024).optional(),
  kind: z.enum(SYNC_TARGET_KINDS).optional(),
  /** Folder holding the HL7 CDA R2 schema, for checking documents before sending (station-wide; '' clears it). */
  cdaSchemaDir: z.string().max(4096).optional(),
});
export type SyncTargetInput = z.input<typeof syncTargetInputSchema>;

export const syncConflictSchema = z.object({
  id: z.number().int(),
  target,
  resourceType: z.string(),
  resourceId: z.string(),
  /** The station's version and the platform's, as FHIR JSON; theirs is null when the platform deleted it. */
  ours: z.record(z.string(), z.unknown()),
  theirs: z.record(z.string(), z.unknown()).nullable(),
  detectedAt: z.string(),
});
export type SyncConflictView = z.infer<typeof syncConflictSchema>;

export const recordSyncStateSchema = z.object({
  resourceType: z.string(),
  resourceId: z.string(),
  target,
  state: z.enum(RECORD_SYNC_STATES),
  lastError: syncErrorSchema.nullable(),
});
export type RecordSyncStateView = z.infer<typeof recordSyncStateSchema>;

/** The 同步 screen's lists per target (src/main/sync/record-lists.ts). */
export const SYNC_RECORD_LISTS = ['waiting', 'failed', 'conflict'] as const;
export type SyncRecordListName = (typeof SYNC_RECORD_LISTS)[number];

export const syncRecordSchema = z.object({
  resourceType: z.string(),
  resourceId: z.string(),
  /** The chart the record belongs to; null for records that name no patient. */
  patientId: z.string().nullable(),
  patientName: z.string().nullable(),
  lastError: syncErrorSchema.nullable(),
  attempts: z.number().int(),
  /** When the change was queued (a conflict: when it was found). ISO instant. */
  queuedAt: z.string(),
  nextAttemptAt: z.string().nullable(),
  conflictId: z.number().int().nullable(),
});
export type SyncRecordView = z.infer<typeof syncRecordSchema>;
export const syncRecordListSchema = z.object({ total: z.number().int(), records: z.array(syncRecordSchema) });
export type SyncRecordList = z.infer<typeof syncRecordListSchema>;

export const syncContract = {
  /** Which record families go to which platform (src/shared/sync.ts DEFAULT_SYNC_ROUTING when never set). */
  routing: method({ input: z.object({}), output: syncRoutingSchema, access: 'signedIn', audit: 'none' }),
  /** Changes the routing (admin); families newly routed to a configured target are back-filled to it. */
  setRouting: method({ input: syncRoutingSchema, output: syncRoutingSchema, access: admin, audit: 'admin' }),
  targets: method({ input: z.object({}), output: z.array(syncTargetViewSchema), access: 'signedIn', audit: 'none' }),
  /** Saves a target's settings (admin): certificate files are read and validated, then stored encrypted. */
  configure: method({ input: syncTargetInputSchema, output: syncTargetViewSchema, access: admin, audit: 'admin' }),
  setEnabled: method({ input: z.object({ id: target, enabled: z.boolean() }), output: syncTargetViewSchema, access: admin, audit: 'admin' }),
  /** "立即同步": cuts any retry wait short. */
  syncNow: method({ input: z.object({ id: target.optional() }), output: z.array(syncTargetViewSchema), access: 'signedIn', audit: 'none' }),
  /** Puts records held after a refusal back in the queue, then syncs. */
  retry: method({ input: z.object({ id: target }), output: syncTargetViewSchema, access: staff, audit: 'write' }),
  conflicts: method({ input: z.object({ id: target.optional() }), output: z.array(syncConflictSchema), access: staff, audit: 'read' }),
  resolve: method({
    input: z.object({ conflictId: z.number().int(), keep: z.enum(['ours', 'theirs']) }),
    output: z.object({ resolved: z.boolean() }),
    access: staff,
    audit: 'write',
  }),
  /** One of a target's lists (waiting / failed / conflict), oldest first, with the patient each record belongs to. */
  records: method({
    input: z.object({ id: target, list: z.enum(SYNC_RECORD_LISTS), limit: z.number().int().min(0).max(500).default(100) }),
    output: syncRecordListSchema,
    access: staff,
    audit: 'read',
  }),
  /** Every FHIR resource of one patient the station queued, with its state per target. */
  recordStates: method({ input: z.object({ patientId: z.string().min(1).max(64) }), output: z.array(recordSyncStateSchema), access: staff, audit: 'read' }),
};
