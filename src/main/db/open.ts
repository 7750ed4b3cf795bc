import Database from 'better-sqlite3-multiple-ciphers';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../shared/api/errors';
import { readQuery, readRow, value } from './read-sql';
import * as schema from './schema';

export type Sqlite = Database.Database;
export type Db = BetterSQLite3Database<typeof schema> & { $client: Sqlite };

export interface OpenedStore {
  sqlite: Sqlite;
  db: Db;
  /** Number of migrations this app knows and has applied. */
  schemaVersion: number;
  /** The raw key, kept in main's memory only: backup and restore re-key copies with it. */
  key: Buffer;
}

const drizzles = new WeakMap<Sqlite, Db>();

/** The drizzle handle over a raw client (one per connection), for code that is handed the client. */
export function drizzleOf(sqlite: Sqlite): Db {
  let db = drizzles.get(sqlite);
  if (!db) {
    db = drizzle(sqlite, { schema });
    drizzles.set(sqlite, db);
  }
  return db;
}

/** SQLCipher's raw-key literal: the bytes are the page key itself, so opening costs no PBKDF2 (256,000 rounds). */
export function rawKeyLiteral(key: Buffer): string {
  if (key.length !== 32) throw new Error('raw SQLCipher keys are 32 bytes');
  return `"x'${key.toString('hex')}'"`;
}

/** Applies SQLCipher 4 settings and the raw key. Must run before anything else touches the file. */
export function applyKey(sqlite: Sqlite, key: Buffer): void {
  sqlite.pragma(`cipher='sqlcipher'`);
  sqlite.pragma('legacy=4');
  sqlite.pragma(`key=${rawKeyLiteral(key)}`);
  // SQLite3MC encrypts the main file, its journal and WAL, but not temporary files (sorts, temp tables,
  // VACUUM INTO scratch): keep them in memory so no plaintext page ever reaches the disk.
  sqlite.pragma('temp_store = MEMORY');
}

/** A read that fails unless the key is right. SQLCipher reports a wrong key as "file is not a database". */
export function proveKey(sqlite: Sqlite): void {
  try {
    sqlite.prepare('SELECT count(*) AS n FROM sqlite_master').get();
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'SQLITE_NOTADB' || /not a database/i.test(String(err))) {
      throw new ApiError('DB_KEY_INVALID', 'the key does not open this database (wrong key, or not a workstation database)');
    }
    throw err;
  }
}

interface Journal {
  entries: { idx: number; when: number; tag: string }[];
}

export function readJournal(migrationsFolder: string): Journal {
  return JSON.parse(readFileSync(path.join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as Journal;
}

// drizzle's own bookkeeping table, not part of the schema: its two figures are declared as computed values.
const migrationsTableCount = readQuery(`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'`, {
  n: value.integer,
});
const appliedMigrations = readQuery('SELECT count(*) AS n, max(created_at) AS last FROM __drizzle_migrations', {
  n: value.integer,
  last: value.numberOrNull,
});

/** Refuses a database that has migrations this app does not know: it was written by a newer version. */
function refuseNewerDatabase(sqlite: Sqlite, journal: Journal): void {
  if (!readRow(sqlite, migrationsTableCount)?.n) return;
  const row = readRow(sqlite, appliedMigrations) ?? { n: 0, last: null };
  const newestKnown = Math.max(...journal.entries.map((e) => e.when));
  if (row.n > journal.entries.length || (row.last ?? 0) > newestKnown) {
    throw new ApiError(
      'DB_TOO_NEW',
      `this database was written by a newer version of the workstation (${row.n} migrations, this app knows ${journal.entries.length}); update the app`,
      {
        dbVersion: row.n,
        appVersion: journal.entries.length,
      },
    );
  }
}

/**
 * The open sequence of ARCHITECTURE §3: key → a read that proves it (wrong key: DB_KEY_INVALID, file untouched)
 * → WAL, synchronous=FULL, foreign keys → refuse a newer schema → migrate.
 */
export function openEncryptedDatabase(file: string, key: Buffer, opts: { migrationsFolder: string; create: boolean }): OpenedStore {
  if (!opts.create && !existsSync(file)) throw new ApiError('NOT_FOUND', `no database at ${file}`);
  const sqlite = new Database(file, { fileMustExist: !opts.create });
  // Owner-only: encrypted, but nobody else on a shared clinic PC needs to copy it.
  if (opts.create) chmodSync(file, 0o600);
  try {
    applyKey(sqlite, key);
    proveKey(sqlite);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    const journal = readJournal(opts.migrationsFolder);
    refuseNewerDatabase(sqlite, journal);
    const db: Db = drizzle(sqlite, { schema });
    migrate(db, { migrationsFolder: opts.migrationsFolder });
    return { sqlite, db, schemaVersion: journal.entries.length, key };
  } catch (err) {
    sqlite.close();
    throw err;
  }
}

/** Where migrations live: next to the sources in development, in the app's resources when packaged. */
export function defaultMigrationsFolder(): string {
  const candidates = [path.resolve(__dirname, '../../../migrations'), path.resolve(__dirname, '../../migrations'), path.resolve(process.cwd(), 'migrations')];
  const resources = (process as { resourcesPath?: string }).resourcesPath;
  if (resources) candidates.unshift(path.join(resources, 'migrations'));
  const found = candidates.find((p) => existsSync(path.join(p, 'meta', '_journal.json')));
  if (!found) throw new Error('migrations folder not found');
  return found;
}
