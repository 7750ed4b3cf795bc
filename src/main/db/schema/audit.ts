import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Append-only (triggers in the migration refuse UPDATE and DELETE) and hash-chained: hash = SHA-256 over the
 * previous row's hash and this row's canonical fields, so an edited, deleted or forged row breaks the chain.
 */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey(),
    at: text('at').notNull(),
    userId: integer('user_id'),
    username: text('username'),
    action: text('action').notNull(),
    kind: text('kind').notNull(),
    patientId: text('patient_id'),
    outcome: text('outcome', { enum: ['ok', 'error', 'denied'] }).notNull(),
    details: text('details'),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [index('audit_at_idx').on(t.at), index('audit_patient_idx').on(t.patientId), index('audit_user_idx').on(t.username)],
);
