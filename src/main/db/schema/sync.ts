import { blob, index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

const SYNC_TARGETS = ['county', 'provincial'] as const;

/**
 * Transactional outbox (the engine's OutboxStore, src/main/sync/outbox.ts): a row is written in the same
 * transaction as the clinical change it announces, so a change can never be committed without being queued for
 * the platforms (nor queued without being committed). `resource` is the full FHIR JSON as it was when saved.
 */
export const syncOutbox = sqliteTable(
  'sync_outbox',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    target: text('target', { enum: SYNC_TARGETS }).notNull(),
    resourceType: text('resource_type').notNull(),
    resourceId: text('resource_id').notNull(),
    resource: text('resource').notNull(),
    /** pending: to send (also while waiting for a retry); held: needs the record to change or the user; conflict: see sync_conflicts. */
    state: text('state', { enum: ['pending', 'sent', 'held', 'conflict'] })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    /** Epoch ms of the next automatic try; null while held. */
    nextAttemptAt: integer('next_attempt_at'),
    /** SyncErrorInfo JSON of the last failure. */
    lastError: text('last_error'),
    createdAt: text('created_at').notNull(),
    sentAt: text('sent_at'),
  },
  (t) => [index('sync_outbox_pending_idx').on(t.target, t.state, t.seq), index('sync_outbox_resource_idx').on(t.resourceType, t.resourceId, t.target)],
);

/** The server's versionId of each resource per target: the If-Match of the next update. */
export const syncKnownVersions = sqliteTable(
  'sync_known_versions',
  {
    target: text('target', { enum: SYNC_TARGETS }).notNull(),
    resourceType: text('resource_type').notNull(),
    resourceId: text('resource_id').notNull(),
    versionId: text('version_id'),
    lastUpdated: text('last_updated'),
  },
  (t) => [primaryKey({ columns: [t.target, t.resourceType, t.resourceId] })],
);

/** A stale write refused by a platform: both versions kept until the user chooses (resolution set). */
export const syncConflicts = sqliteTable(
  'sync_conflicts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    target: text('target', { enum: SYNC_TARGETS }).notNull(),
    resourceType: text('resource_type').notNull(),
    resourceId: text('resource_id').notNull(),
    /** JSON array of the outbox seqs the conflict took out of the queue. */
    entryIds: text('entry_ids').notNull(),
    ours: text('ours').notNull(),
    theirs: text('theirs'),
    baseVersion: text('base_version'),
    detectedAt: integer('detected_at').notNull(),
    resolution: text('resolution', { enum: ['ours', 'theirs'] }),
    resolvedAt: text('resolved_at'),
  },
  (t) => [index('sync_conflicts_open_idx').on(t.target, t.resourceType, t.resourceId, t.resolution)],
);

/** Opaque pull positions per target and stream (pull-cursor.ts). */
export const syncCursors = sqliteTable(
  'sync_cursors',
  {
    target: text('target', { enum: SYNC_TARGETS }).notNull(),
    stream: text('stream').notNull(),
    cursor: text('cursor').notNull(),
  },
  (t) => [primaryKey({ columns: [t.target, t.stream] })],
);

/**
 * Platform settings from 设置/同步. The client PKCS#12 and its passphrase live only here: the database is
 * SQLCipher-encrypted, and the API never returns them to the renderer.
 */
export const syncTargets = sqliteTable('sync_targets', {
  id: text('id', { enum: SYNC_TARGETS }).primaryKey(),
  enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
  baseUrl: text('base_url').notNull(),
  caCertificatePem: text('ca_certificate_pem').notNull(),
  clientPkcs12: blob('client_pkcs12', { mode: 'buffer' }).notNull(),
  clientPassphrase: text('client_passphrase').notNull(),
  serverName: text('server_name'),
  /** What the platform speaks: FHIR R4, or the national shared documents (WS/T 483 / WS/T 500 via WS/T 790). */
  kind: text('kind', { enum: ['fhir', 'documents'] })
    .notNull()
    .default('fhir'),
  updatedAt: text('updated_at').notNull(),
});

/**
 * Pulled versions that arrived before what they belong to (an ECG lead before its report, vitals before their
 * patient): kept here, already accepted as the known version, and stored as soon as that record is applied.
 */
export const syncPulledParts = sqliteTable(
  'sync_pulled_parts',
  {
    target: text('target', { enum: SYNC_TARGETS }).notNull(),
    resourceType: text('resource_type').notNull(),
    resourceId: text('resource_id').notNull(),
    waitingType: text('waiting_type').notNull(),
    waitingId: text('waiting_id').notNull(),
    resource: text('resource').notNull(),
    receivedAt: text('received_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.target, t.resourceType, t.resourceId] }), index('sync_pulled_parts_waiting_idx').on(t.waitingType, t.waitingId)],
);
