import { parentPort, threadId } from 'node:worker_threads';
import type { EcgMeasurements, EcgRecord } from '../../shared/ecg';
import { measureEcg } from './analysis/measure';
import { EcgFormatError } from './formats/errors';
import { readEcgFile } from './formats/index';
import { normaliseLeads } from './analysis/record';

/**
 * Worker body of decode-in-worker.ts (issue 15.7): reads and decodes one ECG file and takes its measurements off
 * the main thread, then hands the samples back by transferring their buffers (no copy). A refusal travels as its
 * code, message and details, since an Error subclass does not survive structured cloning.
 */

export interface DecodeRequest {
  filePath: string;
}

export type DecodeReply =
  | { ok: true; record: EcgRecord; measurements: EcgMeasurements | null; measureError?: string; threadId: number }
  | { ok: false; formatError?: { code: EcgFormatError['code']; message: string; details: EcgFormatError['details'] }; message: string };

function buffersOf(record: EcgRecord): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const lead of [...record.leads, ...(record.medianBeat?.leads ?? [])]) buffers.add(lead.microvolts.buffer as ArrayBuffer);
  return [...buffers];
}

async function decode({ filePath }: DecodeRequest): Promise<{ reply: DecodeReply; transfer: ArrayBuffer[] }> {
  let record: EcgRecord;
  try {
    record = await readEcgFile(filePath);
  } catch (error) {
    if (error instanceof EcgFormatError) {
      return { reply: { ok: false, formatError: { code: error.code, message: error.message, details: error.details }, message: error.message }, transfer: [] };
    }
    return { reply: { ok: false, message: error instanceof Error ? error.message : String(error) }, transfer: [] };
  }
  // A measurement failure must not lose a well-read recording: the recording is stored with no measurements.
  let measurements: EcgMeasurements | null = null;
  let measureError: string | undefined;
  try {
    // Measured as it will be stored: standard lead names (MLII → II) in standard order, so the same pipeline the
    // screen and the bench use finds lead II on a 2-lead Holter record too.
    measurements = measureEcg(normaliseLeads(record));
  } catch (error) {
    measureError = error instanceof Error ? error.message : String(error);
  }
  return { reply: { ok: true, record, measurements, measureError, threadId }, transfer: buffersOf(record) };
}

parentPort?.on('message', (request: DecodeRequest) => {
  void decode(request).then(({ reply, transfer }) => parentPort!.postMessage(reply, transfer));
});
