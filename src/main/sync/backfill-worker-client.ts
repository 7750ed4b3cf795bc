/**
 * Main's side of the back-fill worker (backfill-worker.ts): one worker per back-fill run, started with the open
 * store's file and key; each slice it prepared is handed to `onSlice` (which writes it on main's connection).
 * Stopping it (the store closed or was replaced, the app quits) terminates the thread; it only reads, and the
 * pending mark main keeps makes the back-fill run again at the next open.
 *
 * From the sources (tsx, vitest) the worker runs the TypeScript entry through tsx's require hook; the packaged app
 * runs the entry Vite built beside main.js (forge.config.ts).
 */

import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { SyncTargetId } from '../../shared/sync';
import type { BackfillSlice } from './backfill';

export interface BackfillWorkerData {
  dbFile: string;
  key: Uint8Array;
  target: SyncTargetId;
}

export type BackfillWorkerMessage = ({ type: 'slice' } & BackfillSlice) | { type: 'finished' } | { type: 'failed'; message: string };

function spawn(data: BackfillWorkerData): Worker {
  const built = path.join(__dirname, 'backfill-worker.js');
  if (existsSync(built)) return new Worker(built, { workerData: data });
  const source = path.join(__dirname, 'backfill-worker.ts');
  if (!existsSync(source)) throw new Error(`back-fill worker not found beside ${__dirname}`);
  const hook = require.resolve('tsx/cjs/api');
  return new Worker(`require(${JSON.stringify(hook)}).register(); require(${JSON.stringify(source)});`, { eval: true, workerData: data });
}

function isMessage(value: unknown): value is BackfillWorkerMessage {
  return typeof value === 'object' && value !== null && 'type' in value && (value.type === 'slice' || value.type === 'finished' || value.type === 'failed');
}

export interface BackfillRun {
  /** Resolves true when every slice was handed over, false when stopped; rejects when the worker failed. */
  done: Promise<boolean>;
  stop(): void;
}

/**
 * Runs one back-fill's preparing side in a worker. `onSlice` is called for every slice, in order; returning false
 * (the store went away underneath) or throwing stops the run there.
 */
export function runBackfillInWorker(data: BackfillWorkerData, onSlice: (slice: BackfillSlice) => boolean): BackfillRun {
  const worker = spawn(data);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    void worker.terminate();
  };
  const done = new Promise<boolean>((resolve, reject) => {
    worker.on('message', (message: unknown) => {
      if (stopped || !isMessage(message)) return;
      if (message.type === 'failed') {
        stop();
        reject(new Error(`back-fill worker: ${message.message}`));
        return;
      }
      if (message.type === 'finished') {
        stopped = true;
        resolve(true);
        return;
      }
      try {
        if (onSlice({ entries: message.entries, done: message.done, total: message.total })) return;
        stop();
        resolve(false);
      } catch (error) {
        stop();
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    worker.on('error', (error) => {
      stop();
      reject(error);
    });
    worker.on('exit', () => {
      if (!stopped) reject(new Error('the back-fill worker stopped'));
      resolve(false);
    });
  });
  return { done, stop };
}
