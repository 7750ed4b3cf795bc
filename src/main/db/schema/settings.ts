import { sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** One JSON value per key; validated by the settings service's zod schema on every read and write. */
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: text('updated_at').notNull(),
});
