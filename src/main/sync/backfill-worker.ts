/**
 * The back-fill's worker thread (ARCHITECTURE §10: long jobs off the main thread): its own read-only connection to
 * the station's database, where the costly part of a back-fill runs — reading each record, mapping it to FHIR,
 * stamping the institution and validating — slice by slice (backfill.ts prepareBackfill). Each slice's prepared
 * outbox entries go to main, which writes them in one short transaction on its own connection: a second writing
 * connection would make main's ordinary (deferred) transactions fail with SQLITE_BUSY_SNAPSHOT whenever the
 * worker committed between their first read and their first write (docs/decisions.md, issue 10).
 * It also checkpoints the write-ahead log while the back-fill runs, on a second connection of its own: main turns
 * its automatic checkpoints off meanwhile, because each one copied ~4 MB of log into the database file and synced it
 * inside a slice's commit on main (bench under load: 50 slices of 40–260 ms, 3.5 s in all, at 2,000 patients; 5 of
 * them with the automatic checkpoint off). A checkpoint is not a transaction: it changes no row and never makes
 * main's transactions fail, and a PASSIVE one waits for no one.
 * In: workerData {dbFile, key, target}. Out: `{type: 'slice', entries, done, total}` per slice, then
 * `{type: 'finished'}` or `{type: 'failed', message}`.
 */

import Database from 'better-sqlite3-multiple-ciphers';
import { parentPort, workerData } from 'node:worker_threads';
import { SYNC_TARGET_IDS } from '../../shared/sync';
import { applyKey, proveKey } from '../db/open';
import { prepareBackfill } from './backfill';
import type { BackfillWorkerData, BackfillWorkerMessage } from './backfill-worker-client';

/** How often the log is checkpointed while main writes the slices (SQLite's own default is every ~4 MB of log). */
const CHECKPOINT_EVERY_MS = 250;

async function main(port: NonNullable<typeof parentPort>, data: BackfillWorkerData): Promise<void> {
  const sqlite = new Database(data.dbFile, { readonly: true, fileMustExist: true });
  // Checkpoints only (a read-only connection cannot copy the log into the database file); it never opens a transaction.
  const checkpointer = new Database(data.dbFile, { fileMustExist: true });
  try {
    applyKey(sqlite, Buffer.from(data.key));
    proveKey(sqlite);
    applyKey(checkpointer, Buffer.from(data.key));
    checkpointer.pragma('busy_timeout = 5000');
    sqlite.pragma('busy_timeout = 5000');
    // Mapping a record reads its patient, visit and vitals: keep them decrypted across slices.
    sqlite.pragma('cache_size = -32768');
    const post = (message: BackfillWorkerMessage) => port.postMessage(message);
    let lastCheckpoint = performance.now();
    await prepareBackfill(sqlite, data.target, async (slice) => {
      post({ type: 'slice', ...slice });
      if (performance.now() - lastCheckpoint >= CHECKPOINT_EVERY_MS) {
        checkpointer.pragma('wal_checkpoint(PASSIVE)');
        lastCheckpoint = performance.now();
      }
      // A turn of this thread's loop between slices (nothing else runs here; it keeps the walk interruptible).
      await new Promise((resolve) => setImmediate(resolve));
      return true;
    });
    post({ type: 'finished' });
  } finally {
    sqlite.close();
    checkpointer.close();
  }
}

function isWorkerData(value: unknown): value is BackfillWorkerData {
  return (
    typeof value === 'object' &&
    value !== null &&
    'dbFile' in value &&
    typeof value.dbFile === 'string' &&
    'key' in value &&
    value.key instanceof Uint8Array &&
    'target' in value &&
    SYNC_TARGET_IDS.some((id) => id === value.target)
  );
}

if (parentPort) {
  const port = parentPort;
  const data: unknown = workerData;
  (isWorkerData(data) ? main(port, data) : Promise.reject(new Error('the back-fill worker was started without its store and target'))).catch(
    (error: unknown) => {
      port.postMessage({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies BackfillWorkerMessage);
    },
  );
}
