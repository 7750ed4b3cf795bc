import { drizzle } from 'drizzle-orm/better-sqlite3';
import type { Db, Sqlite } from '../db/open';
import * as schema from '../db/schema';

const drizzles = new WeakMap<Sqlite, Db>();

/**
 * A drizzle handle over the connection a transaction is running on, one per connection: code called inside
 * another feature's write (the outbox writer, the pull appliers) gets a raw connection and must not open another.
 */
export function drizzleOf(sqlite: Sqlite): Db {
  let db = drizzles.get(sqlite);
  if (!db) {
    db = Object.assign(drizzle(sqlite, { schema }), { $client: sqlite });
    drizzles.set(sqlite, db);
  }
  return db;
}
