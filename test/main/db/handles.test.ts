/**
 * Read and write handles typed apart. The `@ts-expect-error` lines are the test: the test-node typecheck layer
 * (npm run typecheck) fails if a write through a read handle ever compiles again. The runtime part shows that a
 * write handle is accepted wherever a read handle is asked for.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { count, eq } from 'drizzle-orm';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTransaction, type ReadClient, type ReadDb, type WriteDb } from '../../../src/main/db/handles';
import { defaultMigrationsFolder, type Db } from '../../../src/main/db/open';
import * as schema from '../../../src/main/db/schema';
import { settings } from '../../../src/main/db/schema';

function writesThroughAReadHandle(db: ReadDb): void {
  // @ts-expect-error a read handle has no insert
  db.insert(settings).values({ key: 'k', value: 'v', updatedAt: 'now' }).run();
  // @ts-expect-error a read handle has no update
  db.update(settings).set({ value: 'v' }).run();
  // @ts-expect-error a read handle has no delete
  db.delete(settings).run();
  // @ts-expect-error a read handle runs no raw SQL
  db.run('DELETE FROM settings');
  // @ts-expect-error a read handle opens no transaction
  db.transaction(() => undefined);
  // @ts-expect-error nor does it type raw rows by assertion
  db.all<{ key: string }>('SELECT key FROM settings');
  // @ts-expect-error its raw client cannot exec
  db.$client.exec('DELETE FROM settings');
  // @ts-expect-error its raw client's statements have no run
  db.$client.prepare('DELETE FROM settings').run();
  // @ts-expect-error its raw client sets no pragma
  db.$client.pragma('user_version = 9');
  // @ts-expect-error its read transaction is the deferred kind only (IMMEDIATE would take the write lock)
  db.$client.transaction(() => undefined).immediate();
}

function readerOfSettings(db: ReadDb): string[] {
  return db
    .select({ key: settings.key })
    .from(settings)
    .where(eq(settings.key, 'facilityName'))
    .all()
    .map((r) => r.key);
}

function writerOfSettings(db: WriteDb): void {
  db.insert(settings).values({ key: 'facilityName', value: '"卫生院"', updatedAt: 'now' }).run();
  // A writer may call any reader: a write handle is a read handle.
  readerOfSettings(db);
}

function writerHandedAReadHandle(db: ReadDb): void {
  // @ts-expect-error a read handle is not a write handle
  writerOfSettings(db);
  const client: ReadClient = db.$client;
  // @ts-expect-error nor is its raw client the full one
  const full: Database.Database = client;
  void full;
}

describe('read and write handles', () => {
  it('a write handle serves where a read handle is asked for', () => {
    const sqlite = new Database(':memory:');
    const db = drizzle(sqlite, { schema }) as Db;
    migrate(db, { migrationsFolder: defaultMigrationsFolder() });
    writerOfSettings(db);
    expect(readerOfSettings(db)).toEqual(['facilityName']);
    // Never called: the functions above exist for the typecheck.
    expect(typeof writesThroughAReadHandle).toBe('function');
    expect(typeof writerHandedAReadHandle).toBe('function');
    sqlite.close();
  });

  it('a read transaction on a read-only connection sees one snapshot while another connection writes', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'handles-'));
    const file = path.join(dir, 'store.db');
    const writer = new Database(file);
    writer.pragma('journal_mode = WAL');
    const wdb = drizzle(writer, { schema }) as Db;
    migrate(wdb, { migrationsFolder: defaultMigrationsFolder() });
    writerOfSettings(wdb);
    const reader = new Database(file, { readonly: true, fileMustExist: true });
    const rdb: ReadDb = drizzle(reader, { schema });
    const settingsCount = () => rdb.select({ n: count() }).from(settings).get()?.n;
    const [before, after] = readTransaction(rdb, () => {
      const first = settingsCount();
      wdb.insert(settings).values({ key: 'other', value: '1', updatedAt: 'now' }).run();
      return [first, settingsCount()];
    });
    expect(after).toBe(before);
    expect(settingsCount()).toBe((before ?? 0) + 1);
    reader.close();
    writer.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
