import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EcgMeasurements, EcgRecord } from '../../shared/ecg';
import type { DecodeReply, DecodeRequest } from './decode-worker';
import { EcgFormatError } from './formats/errors';

/**
 * Decodes an ECG file and measures it in a worker_thread, so main never blocks on a big file (issue 15.7): a 24 h
 * Holter takes seconds to decode and measure, during which the UI, sync and the lock timer keep running. One worker
 * per file: it ends with the job, so a large decode returns its memory at once.
 *
 * Built app: Forge builds decode-worker.ts as its own entry beside main.js (forge.config.ts). From source (tests,
 * bench) the worker loads the TypeScript through tsx, which the project already uses to run scripts.
 */

export interface DecodedEcgFile {
  record: EcgRecord;
  /** null when the measurement failed (the recording is still kept). */
  measurements: EcgMeasurements | null;
  /** The worker thread that decoded it (never main's), for diagnostics and tests. */
  threadId: number;
}

const BUILT_WORKER = path.join(__dirname, 'decode-worker.js');
const SOURCE_WORKER = path.join(__dirname, 'decode-worker.ts');

function startWorker(): Worker {
  if (existsSync(BUILT_WORKER)) return new Worker(BUILT_WORKER);
  const tsx = require.resolve('tsx/cjs');
  return new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(SOURCE_WORKER)});`, { eval: true });
}

export function decodeEcgFileInWorker(filePath: string): Promise<DecodedEcgFile> {
  return new Promise((resolve, reject) => {
    const worker = startWorker();
    let settled = false;
    const finish = (action: () => void) => {
      if (settled) return;
      settled = true;
      action();
      void worker.terminate();
    };
    worker.once('message', (reply: DecodeReply) => {
      finish(() => {
        if (reply.ok) {
          if (reply.measureError) console.error('[ecg] measurement failed', reply.measureError);
          resolve({ record: reply.record, measurements: reply.measurements, threadId: reply.threadId });
        } else if (reply.formatError) {
          reject(new EcgFormatError(reply.formatError.code, reply.formatError.message, reply.formatError.details));
        } else reject(new Error(`ECG decoding failed: ${reply.message}`));
      });
    });
    worker.once('error', (error) => finish(() => reject(error)));
    worker.once('exit', (code) => finish(() => reject(new Error(`ECG decode worker exited with code ${code} before answering`))));
    worker.postMessage({ filePath } satisfies DecodeRequest);
  });
}
