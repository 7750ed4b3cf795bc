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
