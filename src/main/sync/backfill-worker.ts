/**
 * The back-fill's worker thread (ARCHITECTURE §10: long jobs off the main thread): its own read-write connection
 * to the station's database, where the mapping, stamping and validation of everything a new target should
 * receive run and the outbox rows are written, slice by slice in their own transactions (backfill.ts). Main only
 * relays progress to the 同步 screen and keeps the resumable mark (backfill-worker-client.ts).
 * In: workerData {dbFile, key, target}. Out: `{type: 'progress', done, total, queued}` after every slice, then
 * `{type: 'finished', …}` or `{type: 'failed', message}`.
 */

import Database from 'better-sqlite3-multiple-ciphers';
import { parentPort, workerData } from 'node:worker_threads';
import { applyKey, proveKey } from '../db/open';
import { BACKFILL_PAUSE_MS, walkBackfill } from './backfill';
import type { BackfillWorkerData, BackfillWorkerMessage } from './backfill-worker-client';

async function main(port: NonNullable<typeof parentPort>, data: BackfillWorkerData): Promise<void> {
  const sqlite = new Database(data.dbFile, { fileMustExist: true });
  try {
    applyKey(sqlite, Buffer.from(data.key));
    proveKey(sqlite);
    // The main thread may be writing too (a save, the sync engine): wait for its short transactions.
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('foreign_keys = ON');
    // Mapping a record reads its patient, its visit, its vitals: keep them decrypted across slices.
    sqlite.pragma('cache_size = -32768');
    const post = (message: BackfillWorkerMessage) => port.postMessage(message);
    const result = await walkBackfill(sqlite, data.target, async (progress) => {
      post({ type: 'progress', ...progress });
      await new Promise((resolve) => setTimeout(resolve, BACKFILL_PAUSE_MS));
      return true;
    });
    post({ type: 'finished', done: result.done, total: result.total, queued: result.queued });
  } finally {
    sqlite.close();
  }
}

if (parentPort) {
  const port = parentPort;
  main(port, workerData as BackfillWorkerData).catch((error: unknown) => {
    port.postMessage({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies BackfillWorkerMessage);
  });
}
