/**
 * Main's side of the back-fill worker (backfill-worker.ts): one worker per back-fill run, started with the open
 * store's file and key, relaying its progress. Stopping it (the store closed or was replaced, the app quits)
 * terminates the thread; a slice it was in rolls back with its connection, and the pending mark main keeps makes
 * the back-fill run again at the next open.
 *
 * From the sources (tsx, vitest) the worker runs the TypeScript entry through tsx's require hook; the packaged app
 * runs the entry Vite built beside main.js (forge.config.ts).
 */

import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { SyncTargetId } from '../../shared/sync';
import type { BackfillProgress } from './backfill';

export interface BackfillWorkerData {
  dbFile: string;
  key: Uint8Array;
  target: SyncTargetId;
}

export type BackfillWorkerMessage =
  | ({ type: 'progress' } & BackfillProgress)
  | ({ type: 'finished' } & BackfillProgress)
  | { type: 'failed'; message: string };

function spawn(data: BackfillWorkerData): Worker {
  const built = path.join(__dirname, 'backfill-worker.js');
  if (existsSync(built)) return new Worker(built, { workerData: data });
  const source = path.join(__dirname, 'backfill-worker.ts');
  if (!existsSync(source)) throw new Error(`back-fill worker not found beside ${__dirname}`);
  const hook = require.resolve('tsx/cjs/api');
  return new Worker(`require(${JSON.stringify(hook)}).register(); require(${JSON.stringify(source)});`, { eval: true, workerData: data });
}

function isMessage(value: unknown): value is BackfillWorkerMessage {
  return typeof value === 'object' && value !== null && 'type' in value && (value.type === 'progress' || value.type === 'finished' || value.type === 'failed');
}

export interface BackfillRun {
  /** Resolves with the final counts, or with null when stopped; rejects when the worker failed. */
  done: Promise<BackfillProgress | null>;
  stop(): void;
}

/**
 * Runs one back-fill in a worker. `onProgress` is called for every slice; returning false stops the run there
 * (the store went away underneath).
 */
export function runBackfillInWorker(data: BackfillWorkerData, onProgress: (progress: BackfillProgress) => boolean): BackfillRun {
  const worker = spawn(data);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    void worker.terminate();
  };
  const done = new Promise<BackfillProgress | null>((resolve, reject) => {
    worker.on('message', (message: unknown) => {
      if (stopped || !isMessage(message)) return;
      if (message.type === 'failed') {
        stop();
        reject(new Error(`back-fill worker: ${message.message}`));
      } else if (message.type === 'finished') {
        stopped = true;
        resolve({ done: message.done, total: message.total, queued: message.queued });
      } else if (!onProgress({ done: message.done, total: message.total, queued: message.queued })) {
        stop();
        resolve(null);
      }
    });
    worker.on('error', (error) => {
      stop();
      reject(error);
    });
    worker.on('exit', () => {
      if (!stopped) reject(new Error('the back-fill worker stopped'));
      resolve(null);
    });
  });
  return { done, stop };
}
