import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Transactional outbox: a row is written in the same transaction as the clinical change it announces, so a
 * change can never be committed without being queued for the platforms (nor queued without being committed).
 */
export const outbox = sqliteTable(
  'outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    target: text('target', { enum: ['county', 'provincial'] }).notNull(),
    resourceType: text('resource_type').notNull(),
    resourceId: text('resource_id').notNull(),
    /** Local version of the record when queued; the newest pending row per resource wins. */
    localVersion: integer('local_version').notNull(),
    state: text('state', { enum: ['pending', 'sent', 'failed', 'conflict'] }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: text('next_attempt_at'),
    lastError: text('last_error'),
    serverVersion: text('server_version'),
    createdAt: text('created_at').notNull(),
    sentAt: text('sent_at'),
  },
  (t) => [index('outbox_pending_idx').on(t.target, t.state, t.id), index('outbox_resource_idx').on(t.resourceType, t.resourceId)],
);
