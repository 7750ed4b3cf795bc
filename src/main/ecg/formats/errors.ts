/**
 * Every reader failure is an EcgFormatError with a code from this closed set, so the UI can show a translated
 * message (i18n key `ecg.formatError.<code>`) and tests can assert the reason, never a stack trace.
 */
export const ECG_FORMAT_ERROR_CODES = [
  'UNKNOWN_FORMAT', // content matches no supported format
  'UNSUPPORTED_VARIANT', // recognised format, but a variant we do not decode (e.g. WFDB format 310 when absent, compressed DICOM)
  'TRUNCATED', // file ends before the structure it declares
  'CORRUPT', // structure contradicts itself (bad checksum, impossible length, invalid code)
  'MISSING_FILE', // a companion file (e.g. WFDB .dat) is missing
  'NO_SIGNAL', // parsed, but holds no usable waveform
  'NON_COMPLIANT', // claims a standard it does not follow (e.g. SCP with interleaved raw samples)
  'TOO_LARGE', // beyond the limits we accept (protects memory)
  'BAD_SAMPLE', // a decoded sample is NaN, infinite or beyond any ECG's range outside a declared gap (details: lead, sample)
] as const;
export type EcgFormatErrorCode = (typeof ECG_FORMAT_ERROR_CODES)[number];

/** What a refusal points at, passed on to the UI's message (`{{lead}}`, `{{sample}}`). */
export interface EcgFormatErrorDetails {
  lead?: string;
  /** 1-based sample number, as a reader of the tracing counts. */
  sample?: number;
}

export class EcgFormatError extends Error {
  override readonly name = 'EcgFormatError';
  constructor(
    readonly code: EcgFormatErrorCode,
    message: string,
    readonly details: EcgFormatErrorDetails = {},
  ) {
    super(message);
  }
}
