import type { IdCardRefusal } from '../../shared/api/idcard';

/** What main asks the reader process: read one card through the library at this path, on this port. */
export interface WorkerRequest {
  libraryPath: string;
  port: number;
}

/** Buffers travel as base64: both Node's IPC and Electron's structured clone carry strings the same way. */
export type WorkerReply = { kind: 'ready' } | { kind: 'card'; text: string; photo: string | null } | { kind: 'refusal'; reason: IdCardRefusal; detail: string };
