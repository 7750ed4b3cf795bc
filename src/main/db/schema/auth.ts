import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { timestamps } from './columns';

export const users = sqliteTable('users', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  username: text('username').notNull().unique(),
  displayName: text('display_name').notNull(),
  role: text('role', { enum: ['admin', 'doctor', 'nurse'] }).notNull(),
  /** scrypt$N$r$p$salt$hash (base64) */
  passwordHash: text('password_hash').notNull(),
  active: integer('active', { mode: 'boolean' }).notNull().default(true),
  failedSignIns: integer('failed_sign_ins').notNull().default(0),
  lockedUntil: text('locked_until'),
  ...timestamps,
});
