/**
 * The reminder worker: a worker thread with its own read-only connection to the station's database, where the
 * township-wide reminder sweep runs so the main process (IPC, the window) is never blocked by it (ARCHITECTURE §10).
 * Main sends `{ id, op, params }` (reminder-worker-client.ts); the answer is `{ id, ok, value }` or
 * `{ id, ok: false, error }`. Each request reads in its own read transaction, so it sees every write committed
 * before it (WAL readers do not block the writer).
 */

import Database from 'better-sqlite3-multiple-ciphers';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { ApiError } from '../../shared/api/errors';
import type { ReadDb } from '../db/handles';
import { applyKey, proveKey } from '../db/open';
import * as schema from '../db/schema';
import { runReminderRequest, type ReminderRequest, type ReminderWorkerData } from './reminder-requests';

function openReadOnly(data: ReminderWorkerData): ReadDb {
  const sqlite = new Database(data.dbFile, { readonly: true, fileMustExist: true });
  applyKey(sqlite, Buffer.from(data.key));
  proveKey(sqlite);
  sqlite.pragma('busy_timeout = 5000');
  // The sweep reads the due state, the residents' list index and this year's checks, the indicators a year's range
  // of the follow-up index: tens of MB at 50,000 patients that stay decrypted in this connection's cache.
  sqlite.pragma('cache_size = -65536');
  // Read-only at run time (SQLite refuses writes on this connection) and in its type.
  return drizzle(sqlite, { schema });
}

function errorData(err: unknown) {
  if (err instanceof ApiError) return err.toData();
  return { code: 'INTERNAL' as const, message: err instanceof Error ? err.message : String(err) };
}

if (parentPort) {
  const port = parentPort;
  let db: ReadDb | undefined;
  port.on('message', (request: ReminderRequest & { id: number }) => {
    try {
      db ??= openReadOnly(workerData as ReminderWorkerData);
      port.postMessage({ id: request.id, ok: true, value: runReminderRequest(db, request) });
    } catch (err) {
      port.postMessage({ id: request.id, ok: false, error: errorData(err) });
    }
  });
}
