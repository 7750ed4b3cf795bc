/**
 * The back-fill's worker thread (ARCHITECTURE §10: long jobs off the main thread): its own read-only connection to
 * the station's database, where the costly part of a back-fill runs — reading each record, mapping it to FHIR,
 * stamping the institution and validating — slice by slice (backfill.ts prepareBackfill). Each slice's prepared
 * outbox entries go to main, which writes them in one short transaction on its own connection: a second writing
 * connection would make main's ordinary (deferred) transactions fail with SQLITE_BUSY_SNAPSHOT whenever the
 * worker committed between their first read and their first write (docs/decisions.md, issue 10).
 * In: workerData {dbFile, key, target}. Out: `{type: 'slice', entries, done, total}` per slice, then
 * `{type: 'finished'}` or `{type: 'failed', message}`.
 */

import Database from 'better-sqlite3-multiple-ciphers';
import { parentPort, workerData } from 'node:worker_threads';
import { SYNC_TARGET_IDS } from '../../shared/sync';
import { applyKey, proveKey } from '../db/open';
import { prepareBackfill } from './backfill';
import type { BackfillWorkerData, BackfillWorkerMessage } from './backfill-worker-client';

async function main(port: NonNullable<typeof parentPort>, data: BackfillWorkerData): Promise<void> {
  const sqlite = new Database(data.dbFile, { readonly: true, fileMustExist: true });
  try {
    applyKey(sqlite, Buffer.from(data.key));
    proveKey(sqlite);
    sqlite.pragma('busy_timeout = 5000');
    // Mapping a record reads its patient, visit and vitals: keep them decrypted across slices.
    sqlite.pragma('cache_size = -32768');
    const post = (message: BackfillWorkerMessage) => port.postMessage(message);
    await prepareBackfill(sqlite, data.target, async (slice) => {
      post({ type: 'slice', ...slice });
      // A turn of this thread's loop between slices (nothing else runs here; it keeps the walk interruptible).
      await new Promise((resolve) => setImmediate(resolve));
      return true;
    });
    post({ type: 'finished' });
  } finally {
    sqlite.close();
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
