/**
 * Test-only EDF/EDF+ writer: builds files byte by byte from the spec (Kemp 1992, EDF+ 2003) so reader tests need no
 * shared corpus and property tests can start from valid files before mutating them. Fields can be overridden to
 * write files that lie about their own structure.
 */

export interface EdfSignalSpec {
  label: string;
  physicalDimension: string;
  physicalMin: number;
  physicalMax: number;
  digitalMin: number;
  digitalMax: number;
  samplesPerRecord: number;
  /** All digital samples of this signal, record after record (samplesPerRecord × recordCount values). */
  digital: ArrayLike<number>;
  transducer?: string;
  prefiltering?: string;
}

export interface TalSpec {
  onsetS: number;
  durationS?: number;
  texts: string[];
}

export interface EdfAnnotationSpec {
  samplesPerRecord: number;
  /** Annotations per data record (after the time-keeping TAL the writer adds). */
  perRecord: TalSpec[][];
}

export interface EdfSpec {
  variant: 'EDF' | 'EDF+C' | 'EDF+D';
  patient?: string;
  recording?: string;
  startDate?: string;
  startTime?: string;
  recordDurationS: number;
  recordCount: number;
  signals: EdfSignalSpec[];
  annotations?: EdfAnnotationSpec;
  /** Start of each record in seconds (time-keeping TAL); defaults to record × duration. */
  recordStartsS?: number[];
  /** Overrides to write inconsistent headers. */
  headerBytesField?: string;
  recordCountField?: string;
}

const encoder = new TextEncoder();

function field(text: string, width: number): string {
  if (text.length > width) throw new Error(`EDF writer: "${text}" does not fit ${width} characters`);
  return text.padEnd(width, ' ');
}

/** Shortest decimal that fits the 8-character numeric fields. */
function numberField(value: number): string {
  let text = String(value);
  if (text.length > 8) text = value.toPrecision(6);
  return field(text, 8);
}

function formatOnset(seconds: number): string {
  const text = String(seconds);
  return seconds < 0 ? text : `+${text}`;
}

function talBytes(tal: TalSpec): string {
  const duration = tal.durationS === undefined ? '' : `\x15${tal.durationS}`;
  return `${formatOnset(tal.onsetS)}${duration}\x14${tal.texts.map((text) => `${text}\x14`).join('')}\x00`;
}

function annotationRecordBytes(startS: number, tals: TalSpec[], byteCount: number): Uint8Array {
  const timekeeping = `${formatOnset(startS)}\x14\x14\x00`;
  const encoded = encoder.encode(timekeeping + tals.map(talBytes).join(''));
  if (encoded.length > byteCount) throw new Error(`EDF writer: annotations need ${encoded.length} bytes, record has ${byteCount}`);
  const bytes = new Uint8Array(byteCount);
  bytes.set(encoded);
  return bytes;
}

interface WrittenSignal {
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

function headerText(spec: EdfSpec, signals: WrittenSignal[]): string {
  const reserved = spec.variant === 'EDF' ? '' : spec.variant;
  const headerBytes = 256 * (signals.length + 1);
  let text =
    field('0', 8) +
    field(spec.patient ?? (spec.variant === 'EDF' ? 'test patient' : 'X X X X'), 80) +
    field(spec.recording ?? (spec.variant === 'EDF' ? 'test recording' : 'Startdate X X X X'), 80) +
    field(spec.startDate ?? '01.02.24', 8) +
    field(spec.startTime ?? '10.20.30', 8) +
    field(spec.headerBytesField ?? String(headerBytes), 8) +
    field(reserved, 44) +
    field(spec.recordCountField ?? String(spec.recordCount), 8) +
    numberField(spec.recordDurationS) +
    field(String(signals.length), 4);
  const columns: [keyof WrittenSignal, number][] = [
    ['label', 16],
    ['transducer', 80],
    ['physicalDimension', 8],
    ['physicalMin', 8],
    ['physicalMax', 8],
    ['digitalMin', 8],
    ['digitalMax', 8],
    ['prefiltering', 80],
    ['samplesPerRecord', 8],
  ];
  for (const [name, width] of columns) {
    for (const signal of signals) {
      const value = signal[name];
      text += typeof value === 'number' ? (width === 8 ? numberField(value) : field(String(value), width)) : field(value, width);
    }
  }
  for (let i = 0; i < signals.length; i++) text += field('', 32);
  return text;
}

function asciiBytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
  return bytes;
}

export function writeEdf(spec: EdfSpec): Uint8Array {
  const written: WrittenSignal[] = spec.signals.map((signal) => ({
    label: signal.label,
    transducer: signal.transducer ?? '',
    physicalDimension: signal.physicalDimension,
    physicalMin: signal.physicalMin,
    physicalMax: signal.physicalMax,
    digitalMin: signal.digitalMin,
    digitalMax: signal.digitalMax,
    prefiltering: signal.prefiltering ?? '',
    samplesPerRecord: signal.samplesPerRecord,
  }));
  if (spec.annotations) {
    written.push({
      label: 'EDF Annotations',
      transducer: '',
      physicalDimension: '',
      physicalMin: -1,
      physicalMax: 1,
      digitalMin: -32768,
      digitalMax: 32767,
      prefiltering: '',
      samplesPerRecord: spec.annotations.samplesPerRecord,
    });
  }
  const header = asciiBytes(headerText(spec, written));
  const bytesPerRecord = written.reduce((sum, signal) => sum + signal.samplesPerRecord * 2, 0);
  const out = new Uint8Array(header.length + bytesPerRecord * spec.recordCount);
  out.set(header);
  const view = new DataView(out.buffer);
  for (let record = 0; record < spec.recordCount; record++) {
    let offset = header.length + record * bytesPerRecord;
    for (const signal of spec.signals) {
      for (let i = 0; i < signal.samplesPerRecord; i++) {
        view.setInt16(offset, signal.digital[record * signal.samplesPerRecord + i], true);
        offset += 2;
      }
    }
    if (spec.annotations) {
      const startS = spec.recordStartsS?.[record] ?? record * spec.recordDurationS;
      const tals = spec.annotations.perRecord[record] ?? [];
      out.set(annotationRecordBytes(startS, tals, spec.annotations.samplesPerRecord * 2), offset);
    }
  }
  return out;
}
