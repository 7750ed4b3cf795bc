import { text } from 'drizzle-orm/sqlite-core';

/** ISO 8601 UTC timestamps as text: sortable, readable with the sqlcipher CLI, no time-zone guessing. */
export const timestamps = {
  createdAt: text('created_at').notNull(),
  updatedAt: text('updated_at').notNull(),
};
