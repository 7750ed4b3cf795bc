import type { EcgFormat, EcgRecord } from '../../../shared/ecg';

/** What a format reader is given: the file's bytes, and a way to open files beside it (WFDB .dat/.atr, EDF .qrs). */
export interface ReaderInput {
  path: string;
  bytes: Uint8Array;
  /** Reads a file in the same folder by name; undefined when it does not exist. */
  readCompanion(fileName: string): Promise<Uint8Array | undefined>;
}

/** One format: detected by content (never by file name alone), read into physical microvolts. */
export interface EcgReader {
  format: EcgFormat;
  /** True when the leading bytes are this format's. Must be cheap and must not throw. */
  sniff(head: Uint8Array): boolean;
  /** Decodes the file or throws EcgFormatError. */
  read(input: ReaderInput): Promise<EcgRecord>;
}

/** What a file may or may not say about itself besides the signal; each reader looks these up its own way. */
export type RecordDetails = Pick<EcgRecord, 'recordedAt' | 'patient' | 'device' | 'annotations'>;

/** The record with the details the file had: an absent one (or no annotations) leaves its key out. */
export function withDetails(record: EcgRecord, details: RecordDetails): EcgRecord {
  if (details.recordedAt) record.recordedAt = details.recordedAt;
  if (details.patient) record.patient = details.patient;
  if (details.device) record.device = details.device;
  if (details.annotations && details.annotations.length > 0) record.annotations = details.annotations;
  return record;
}
