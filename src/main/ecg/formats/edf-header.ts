import { ByteReader } from './byte-reader';
import { EcgFormatError } from './errors';

/**
 * EDF header (Kemp et al. 1992) and its EDF+ reading (Kemp & Olivan 2003): a 256-byte fixed part followed by
 * 256 bytes per signal, every field fixed-width ASCII, and the per-signal fields stored field by field
 * (all labels, then all transducers, ...), not signal by signal.
 */

export type EdfVariant = 'EDF' | 'EDF+C' | 'EDF+D';

export interface EdfSignalHeader {
  label: string;
  transducer: string;
  physicalDimension: string;
  physicalMin: number;
  physicalMax: number;
  digitalMin: number;
  digitalMax: number;
  prefiltering: string;
  samplesPerRecord: number;
}

export interface EdfHeader {
  variant: EdfVariant;
  patientField: string;
  recordingField: string;
  /** dd.mm.yy as written. */
  startDate: string;
  /** hh.mm.ss as written. */
  startTime: string;
  headerBytes: number;
  /** -1 while a recording was still in progress (the header was never completed). */
  recordCount: number;
  recordDurationS: number;
  signals: EdfSignalHeader[];
}

export const EDF_ANNOTATIONS_LABEL = 'EDF Annotations';
const FIXED_HEADER_BYTES = 256;
const BYTES_PER_SIGNAL_HEADER = 256;
/** A sane ceiling: real recordings carry tens of signals; the field itself allows 9999. */
const MAX_SIGNALS = 512;

/** Field widths of the per-signal block, in file order. */
const SIGNAL_FIELD_WIDTHS = {
  label: 16,
  transducer: 80,
  physicalDimension: 8,
  physicalMin: 8,
  physicalMax: 8,
  digitalMin: 8,
  digitalMax: 8,
  prefiltering: 80,
  samplesPerRecord: 8,
  reserved: 32,
} as const;
type SignalField = keyof typeof SIGNAL_FIELD_WIDTHS;

function parseNumber(text: string, what: string): number {
  const trimmed = text.trim();
  // EDF numbers are plain ASCII decimals; Number('') is 0 and Number('0x10') is 16, so check the shape first.
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) {
    throw new EcgFormatError('CORRUPT', `EDF header: ${what} is not a number ("${trimmed}")`);
  }
  return Number(trimmed);
}

function parseInteger(text: string, what: string): number {
  const value = parseNumber(text, what);
  if (!Number.isSafeInteger(value)) throw new EcgFormatError('CORRUPT', `EDF header: ${what} is not an integer ("${text.trim()}")`);
  return value;
}

function variantOf(reserved: string): EdfVariant {
  if (reserved.startsWith('EDF+C')) return 'EDF+C';
  if (reserved.startsWith('EDF+D')) return 'EDF+D';
  return 'EDF';
}

/** Byte offset of one field of signal `index`, given the signal count. */
function signalFieldOffset(field: SignalField, index: number, signalCount: number): number {
  let offset = FIXED_HEADER_BYTES;
  for (const [name, width] of Object.entries(SIGNAL_FIELD_WIDTHS)) {
    if (name === field) return offset + index * width;
    offset += width * signalCount;
  }
  throw new Error(`unknown EDF signal field ${field}`);
}

function parseSignalHeader(reader: ByteReader, index: number, signalCount: number): EdfSignalHeader {
  const field = (name: SignalField) => reader.ascii(signalFieldOffset(name, index, signalCount), SIGNAL_FIELD_WIDTHS[name], `EDF signal ${index + 1} ${name}`);
  const signal: EdfSignalHeader = {
    label: field('label').trim(),
    transducer: field('transducer').trim(),
    physicalDimension: field('physicalDimension').trim(),
    physicalMin: parseNumber(field('physicalMin'), `signal ${index + 1} physical minimum`),
    physicalMax: parseNumber(field('physicalMax'), `signal ${index + 1} physical maximum`),
    digitalMin: parseInteger(field('digitalMin'), `signal ${index + 1} digital minimum`),
    digitalMax: parseInteger(field('digitalMax'), `signal ${index + 1} digital maximum`),
    prefiltering: field('prefiltering').trim(),
    samplesPerRecord: parseInteger(field('samplesPerRecord'), `signal ${index + 1} samples per record`),
  };
  if (signal.samplesPerRecord < 0) {
    throw new EcgFormatError('CORRUPT', `EDF signal "${signal.label}": negative samples per record`);
  }
  return signal;
}

export function parseEdfHeader(bytes: Uint8Array): EdfHeader {
  const reader = new ByteReader(bytes);
  const text = (offset: number, width: number, what: string) => reader.ascii(offset, width, `EDF header ${what}`);
  const signalCount = parseInteger(text(252, 4, 'signal count'), 'number of signals');
  if (signalCount < 1) throw new EcgFormatError('NO_SIGNAL', 'EDF header declares no signals');
  if (signalCount > MAX_SIGNALS) {
    throw new EcgFormatError('TOO_LARGE', `EDF header declares ${signalCount} signals (limit ${MAX_SIGNALS})`);
  }
  const headerBytes = parseInteger(text(184, 8, 'header size'), 'number of header bytes');
  const expectedHeaderBytes = FIXED_HEADER_BYTES + BYTES_PER_SIGNAL_HEADER * signalCount;
  if (headerBytes !== expectedHeaderBytes) {
    throw new EcgFormatError('CORRUPT', `EDF header size field says ${headerBytes} bytes, but ${signalCount} signals need ${expectedHeaderBytes}`);
  }
  reader.require(0, headerBytes, 'EDF signal headers');
  const recordCount = parseInteger(text(236, 8, 'record count'), 'number of data records');
  if (recordCount < -1) throw new EcgFormatError('CORRUPT', `EDF header: number of data records is ${recordCount}`);
  const recordDurationS = parseNumber(text(244, 8, 'record duration'), 'data record duration');
  if (recordDurationS < 0) throw new EcgFormatError('CORRUPT', `EDF header: negative data record duration`);
  const signals = Array.from({ length: signalCount }, (_, index) => parseSignalHeader(reader, index, signalCount));
  return {
    variant: variantOf(text(192, 44, 'reserved')),
    patientField: text(8, 80, 'patient').trim(),
    recordingField: text(88, 80, 'recording').trim(),
    startDate: text(168, 8, 'start date').trim(),
    startTime: text(176, 8, 'start time').trim(),
    headerBytes,
    recordCount,
    recordDurationS,
    signals,
  };
}

export function isAnnotationSignal(signal: EdfSignalHeader): boolean {
  return signal.label === EDF_ANNOTATIONS_LABEL;
}
