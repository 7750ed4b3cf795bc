import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { EcgAnnotation, EcgRecord } from '../../../shared/ecg';
import { aecgReader } from './aecg';
import { dicomReader } from './dicom';
import { edfReader } from './edf';
import { EcgFormatError } from './errors';
export { MAX_TOTAL_SAMPLES } from './limits';
import { museReader } from './ge-muse';
import { philipsReader } from './philips';
import type { EcgReader } from './reader';
import { assertSamplesValid } from './sample-check';
import { scpReader } from './scp';
import { wfdbReader } from './wfdb';

/**
 * The public entry point for ECG files: detects the format by content (each reader's sniff, in turn), reads it, and
 * guarantees the caller either a well-formed EcgRecord or an EcgFormatError — never a raw RangeError or a hang on a
 * huge file. WFDB records are opened through their `.hea` header; companions (.dat, .atr, .qrs) are found beside it.
 */

/** Largest ECG file (and companion) read into memory: a 24 h 3-lead Holter EDF at 250 Hz is about 130 MB. */
export const MAX_ECG_FILE_BYTES = 256 * 1024 * 1024;
/** Bytes each sniff sees: enough for an XML prolog with comments before the root element. */
export const SNIFF_HEAD_BYTES = 64 * 1024;

/**
 * Sniff order: formats with binary signatures first (unambiguous and cheap), then the XML dialects, then WFDB,
 * whose text header is the loosest test.
 */
export const ECG_READERS: readonly EcgReader[] = [edfReader, scpReader, dicomReader, aecgReader, museReader, philipsReader, wfdbReader];

export type CompanionReader = (fileName: string) => Promise<Uint8Array | undefined>;

export function asEcgFormatError(error: unknown): EcgFormatError {
  if (error instanceof EcgFormatError) return error;
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const wrapped = new EcgFormatError('CORRUPT', `the file could not be decoded (${detail})`);
  wrapped.cause = error;
  return wrapped;
}

function sniffs(reader: EcgReader, head: Uint8Array): boolean {
  try {
    return reader.sniff(head);
  } catch {
    return false;
  }
}

function detectReader(bytes: Uint8Array): EcgReader {
  if (bytes.length === 0) throw new EcgFormatError('UNKNOWN_FORMAT', 'the file is empty');
  const head = bytes.subarray(0, SNIFF_HEAD_BYTES);
  const reader = ECG_READERS.find((candidate) => sniffs(candidate, head));
  if (!reader) throw new EcgFormatError('UNKNOWN_FORMAT', 'the content matches no supported ECG format');
  return reader;
}

function inRange(annotation: EcgAnnotation, length: number): boolean {
  return Number.isInteger(annotation.sample) && annotation.sample >= 0 && annotation.sample < length;
}

/**
 * The invariants every caller relies on, checked once here for all readers: at least one lead, all leads the same
 * non-zero length, a positive finite sample rate, and never a wrong number: every sample finite and within an ECG's
 * range outside the lead's declared gaps, NaN inside them (sample-check.ts), else BAD_SAMPLE naming lead and sample. Annotations outside the signal (WFDB annotation files may run past
 * the record) are dropped rather than failing the whole recording.
 */
export function checkReaderOutput(record: EcgRecord, reader: Pick<EcgReader, 'format'>): EcgRecord {
  if (record.leads.length === 0) throw new EcgFormatError('NO_SIGNAL', `${reader.format} file holds no leads`);
  const length = record.leads[0].microvolts.length;
  if (length === 0) throw new EcgFormatError('NO_SIGNAL', `${reader.format} file holds no samples`);
  if (record.leads.some((lead) => !(lead.microvolts instanceof Float32Array) || lead.microvolts.length !== length)) {
    throw new EcgFormatError('CORRUPT', `${reader.format} leads do not all have ${length} samples`);
  }
  if (!Number.isFinite(record.sampleRateHz) || record.sampleRateHz <= 0) {
    throw new EcgFormatError('CORRUPT', `${reader.format} sample rate ${record.sampleRateHz} Hz is not usable`);
  }
  for (const lead of record.leads) assertSamplesValid(lead, reader.format);
  if (record.medianBeat) {
    const median = record.medianBeat;
    if (!(Number.isFinite(median.sampleRateHz) && median.sampleRateHz > 0) || median.leads.length === 0) {
      throw new EcgFormatError('CORRUPT', `${reader.format} median beat has no usable rate or leads`);
    }
    for (const lead of median.leads) assertSamplesValid(lead, `${reader.format} median beat`);
  }
  if (!record.annotations) return record;
  const checked: EcgRecord = { ...record, annotations: record.annotations.filter((annotation) => inRange(annotation, length)) };
  if (checked.annotations!.length === 0) delete checked.annotations;
  return checked;
}

/** Decodes an ECG file already in memory; `filePath` names it for readers that look for companions beside it. */
export async function readEcgBytes(bytes: Uint8Array, filePath: string, readCompanion: CompanionReader): Promise<EcgRecord> {
  try {
    if (bytes.length > MAX_ECG_FILE_BYTES) {
      throw new EcgFormatError('TOO_LARGE', `${bytes.length} bytes is over the ${MAX_ECG_FILE_BYTES}-byte limit`);
    }
    const reader = detectReader(bytes);
    const record = await reader.read({ path: filePath, bytes, readCompanion });
    return checkReaderOutput(record, reader);
  } catch (error) {
    throw asEcgFormatError(error);
  }
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}

/**
 * Reads a whole file after checking its size, so an oversized file is refused before it is loaded. One open handle
 * for the check and the read (the size checked is the size of the file read), read straight into one buffer of that
 * size: no second stat, no chunked reads into a growing buffer, no copy. A file still being written is read as far
 * as its size when it was opened.
 */
async function readLimited(filePath: string): Promise<Uint8Array> {
  let handle: FileHandle;
  try {
    handle = await open(filePath, 'r');
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new EcgFormatError('MISSING_FILE', `${filePath} does not exist`);
    if (code === 'EISDIR') throw new EcgFormatError('UNKNOWN_FORMAT', `${filePath} is not a file`);
    throw error;
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new EcgFormatError('UNKNOWN_FORMAT', `${filePath} is not a file`);
    const size = info.size;
    if (size > MAX_ECG_FILE_BYTES) {
      throw new EcgFormatError('TOO_LARGE', `${path.basename(filePath)} is ${size} bytes, over the ${MAX_ECG_FILE_BYTES}-byte limit`);
    }
    // Unzeroed: every byte handed on is one the read wrote (a file that shrank meanwhile is cut to what was read).
    const buffer = Buffer.allocUnsafe(size);
    let filled = 0;
    while (filled < size) {
      const { bytesRead } = await handle.read(buffer, filled, size - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return new Uint8Array(buffer.buffer, buffer.byteOffset, filled);
  } finally {
    await handle.close();
  }
}

/**
 * Companions come from names written inside the file (a WFDB header names its .dat), so a name that is not a plain
 * file name would let a crafted header read anywhere on disk: refused.
 */
export function companionReaderFor(filePath: string): CompanionReader {
  const folder = path.dirname(filePath);
  return async (fileName) => {
    if (fileName.length === 0 || fileName === '.' || fileName === '..' || fileName.includes('\0') || path.basename(fileName) !== fileName) {
      throw new EcgFormatError('CORRUPT', `companion file name "${fileName}" points outside the record's folder`);
    }
    try {
      return await readLimited(path.join(folder, fileName));
    } catch (error) {
      if (error instanceof EcgFormatError && error.code === 'MISSING_FILE') return undefined;
      throw error;
    }
  };
}

/** Reads and decodes an ECG file of any supported format (WFDB: pass the `.hea`). */
export async function readEcgFile(filePath: string): Promise<EcgRecord> {
  try {
    const bytes = await readLimited(filePath);
    return await readEcgBytes(bytes, filePath, companionReaderFor(filePath));
  } catch (error) {
    throw asEcgFormatError(error);
  }
}
