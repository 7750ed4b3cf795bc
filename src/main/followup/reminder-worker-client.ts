/**
 * Main's side of the reminder worker (reminder-worker.ts): started on first use with the open store's file and key,
 * restarted when the store is reopened or replaced (restore), stopped when it closes. Requests are answered in
 * order; a worker that dies fails what it was asked and the next request starts a new one.
 *
 * From the sources (tsx, vitest) the worker runs the TypeScript entry through tsx's require hook; the packaged app
 * runs the entry Vite built beside main.js (forge.config.ts).
 */

import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ApiError, isApiErrorData } from '../../shared/api/errors';
import type { OpenedStore } from '../db/open';
import type { Store } from '../db/store';
import type { ReminderAnswers, ReminderRequest, ReminderWorkerData } from './reminder-requests';

type Pending = { resolve: (value: unknown) => void; reject: (err: Error) => void };

function spawn(data: ReminderWorkerData): Worker {
  const built = path.join(__dirname, 'reminder-worker.js');
  if (existsSync(built)) return new Worker(built, { workerData: data });
  const source = path.join(__dirname, 'reminder-worker.ts');
  if (!existsSync(source)) throw new Error(`reminder worker not found beside ${__dirname}`);
  const hook = require.resolve('tsx/cjs/api');
  return new Worker(`require(${JSON.stringify(hook)}).register(); require(${JSON.stringify(source)});`, { eval: true, workerData: data });
}

export class ReminderWorkerClient {
  private worker: Worker | undefined;
  private forStore: OpenedStore | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly store: Store) {
    store.onClose(() => this.stop());
  }

  ask<K extends ReminderRequest['op']>(request: Extract<ReminderRequest, { op: K }>): Promise<ReminderAnswers[K]> {
    const worker = this.running();
    const id = this.nextId++;
    return new Promise<ReminderAnswers[K]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      // Held while something waits for it (else a process with nothing else to do would exit mid-request).
      worker.ref();
      worker.postMessage({ ...request, id });
    });
  }

  /** Stops the worker (the store closed, or the app quits); what it was asked fails with DB_LOCKED. */
  stop(): void {
    const worker = this.worker;
    this.worker = undefined;
    this.forStore = undefined;
    this.failAll(new ApiError('DB_LOCKED', 'the database was closed'));
    if (worker) void worker.terminate();
  }

  private running(): Worker {
    const opened = this.store.current; // DB_LOCKED when closed
    if (this.worker && this.forStore === opened) return this.worker;
    this.stop();
    const worker = spawn({ dbFile: this.store.dbFile, key: new Uint8Array(opened.key) });
    worker.on('message', (answer: { id: number; ok: boolean; value?: unknown; error?: unknown }) => {
      const waiting = this.pending.get(answer.id);
      if (!waiting) return;
      this.pending.delete(answer.id);
      if (this.pending.size === 0) worker.unref();
      if (answer.ok) waiting.resolve(answer.value);
      else
        waiting.reject(
          isApiErrorData(answer.error) ? new ApiError(answer.error.code, answer.error.message, answer.error.details) : new Error(String(answer.error)),
        );
    });
    worker.on('error', (err) => {
      if (this.worker === worker) this.stop();
      this.failAll(err);
    });
    worker.on('exit', () => {
      if (this.worker === worker) {
        this.worker = undefined;
        this.forStore = undefined;
        this.failAll(new Error('the reminder worker stopped'));
      }
    });
    // An idle worker must not keep a finished process (a CLI command, a test run) alive.
    worker.unref();
    this.worker = worker;
    this.forStore = opened;
    return worker;
  }

  private failAll(err: Error): void {
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const p of waiting) p.reject(err);
  }
}
