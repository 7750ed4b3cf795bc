import type { EcgAnnotation, EcgLead, EcgPatientInfo, EcgRecord } from '../../../shared/ecg';
import { STANDARD_LEADS } from '../../../shared/ecg';
import { EcgFormatError } from './errors';
import { assertSampleBudget } from './limits';
import { GapRecorder, markRangeProven, rangeProven, withGaps } from './sample-check';
import type { EcgReader, ReaderInput } from './reader';
import { decodeMitAnnotationFile } from './wfdb-annotations';

/**
 * PhysioNet WFDB records (`header(5)`, `signal(5)`): a text header (.hea) that names one or more signal files and
 * how each signal is stored, calibrated and checksummed. Single-segment records with one sample per signal per
 * frame are read; multi-segment and multi-frequency records are refused as UNSUPPORTED_VARIANT.
 */

/** WFDB's defaults when a header leaves a field out (`header(5)`). */
const DEFAULT_SAMPLING_HZ = 250;
const DEFAULT_GAIN_ADU_PER_UNIT = 200;
const DEFAULT_UNITS = 'mV';
const MAX_SIGNALS = 1024;

export const SUPPORTED_WFDB_FORMATS = [8, 16, 24, 32, 61, 80, 160, 212, 310, 311] as const;
export type WfdbFormat = (typeof SUPPORTED_WFDB_FORMATS)[number];

export interface WfdbSignalSpec {
  fileName: string;
  format: number;
  samplesPerFrame: number;
  skew: number;
  byteOffset: number;
  /** ADC units per physical unit; WFDB treats 0 as "uncalibrated" and uses 200. */
  gain: number;
  baseline: number;
  units: string;
  adcResolution?: number;
  adcZero: number;
  initialValue?: number;
  checksum?: number;
  description: string;
}

export interface WfdbHeader {
  recordName: string;
  segmentCount?: number;
  signalCount: number;
  samplingHz: number;
  counterHz?: number;
  sampleCount?: number;
  baseTime?: string;
  baseDate?: string;
  signals: WfdbSignalSpec[];
  comments: string[];
}

const NUMBER = '[-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?';
const RECORD_NAME = /^([A-Za-z0-9_.-]+)(?:\/(\d+))?$/;
const FREQUENCY_SPEC = new RegExp(`^(${NUMBER})(?:/(${NUMBER}))?(?:\\((${NUMBER})\\))?$`);
const FORMAT_SPEC = /^(\d+)(?:x(\d+))?(?::(-?\d+))?(?:\+(\d+))?$/;
const GAIN_SPEC = new RegExp(`^(${NUMBER})(?:\\((-?\\d+)\\))?(?:/(\\S+))?$`);
const INTEGER = /^[-+]?\d+$/;

/** Header lines without comments and blank lines, plus the comments (text after `#`). */
function splitHeaderLines(text: string): { lines: string[]; comments: string[] } {
  const lines: string[] = [];
  const comments: string[] = [];
  for (const rawLine of text.replace(/^\uFEFF/, '').split(/\r?\n|\r/)) {
    const line = rawLine.trim();
    if (line === '') continue;
    if (line.startsWith('#')) comments.push(line.slice(1).trim());
    else lines.push(line);
  }
  return { lines, comments };
}

export function parseWfdbHeader(text: string): WfdbHeader {
  const { lines, comments } = splitHeaderLines(text);
  if (lines.length === 0) throw new EcgFormatError('NO_SIGNAL', 'WFDB header has no record line');
  const header = parseRecordLine(lines[0]);
  if (header.segmentCount !== undefined) {
    throw new EcgFormatError('UNSUPPORTED_VARIANT', `WFDB multi-segment record (${header.segmentCount} segments)`);
  }
  if (lines.length - 1 < header.signalCount) {
    throw new EcgFormatError('TRUNCATED', `WFDB header declares ${header.signalCount} signals but describes ${lines.length - 1}`);
  }
  for (let i = 0; i < header.signalCount; i++) header.signals.push(parseSignalLine(lines[i + 1], i));
  header.comments = comments;
  return header;
}

function parseRecordLine(line: string): WfdbHeader {
  const fields = line.split(/\s+/);
  const name = RECORD_NAME.exec(fields[0]);
  if (!name || fields.length < 2 || !INTEGER.test(fields[1])) {
    throw new EcgFormatError('CORRUPT', `WFDB record line is malformed: "${line.slice(0, 80)}"`);
  }
  const signalCount = Number(fields[1]);
  if (signalCount < 0) throw new EcgFormatError('CORRUPT', 'WFDB record line has a negative signal count');
  if (signalCount > MAX_SIGNALS) throw new EcgFormatError('TOO_LARGE', `WFDB record has ${signalCount} signals`);
  const header: WfdbHeader = {
    recordName: name[1],
    signalCount,
    samplingHz: DEFAULT_SAMPLING_HZ,
    signals: [],
    comments: [],
  };
  if (name[2] !== undefined) header.segmentCount = Number(name[2]);
  if (fields[2] !== undefined) {
    const frequency = FREQUENCY_SPEC.exec(fields[2]);
    if (!frequency || !(Number(frequency[1]) > 0)) {
      throw new EcgFormatError('CORRUPT', `WFDB sampling frequency "${fields[2]}" is not a positive number`);
    }
    header.samplingHz = Number(frequency[1]);
    // The counter frequency (`500/250`) only relabels time for display; samples stay at the sampling frequency.
    if (frequency[2] !== undefined) header.counterHz = Number(frequency[2]);
  }
  if (fields[3] !== undefined) {
    if (!INTEGER.test(fields[3]) || Number(fields[3]) < 0) {
      throw new EcgFormatError('CORRUPT', `WFDB sample count "${fields[3]}" is not a count`);
    }
    // 0 means "unknown": the length then comes from the signal file's size.
    if (Number(fields[3]) > 0) header.sampleCount = Number(fields[3]);
  }
  if (fields[4] !== undefined) header.baseTime = fields[4];
  if (fields[5] !== undefined) header.baseDate = fields[5];
  return header;
}

function parseSignalLine(line: string, index: number): WfdbSignalSpec {
  // The description is the rest of the line after the ninth field and may contain spaces.
  const fields = line.split(/\s+/);
  const formatSpec = FORMAT_SPEC.exec(fields[1] ?? '');
  if (!formatSpec) throw new EcgFormatError('CORRUPT', `WFDB signal ${index} has no valid format field: "${line.slice(0, 80)}"`);
  const spec: WfdbSignalSpec = {
    fileName: fields[0],
    format: Number(formatSpec[1]),
    samplesPerFrame: formatSpec[2] === undefined ? 1 : Number(formatSpec[2]),
    skew: formatSpec[3] === undefined ? 0 : Number(formatSpec[3]),
    byteOffset: formatSpec[4] === undefined ? 0 : Number(formatSpec[4]),
    gain: DEFAULT_GAIN_ADU_PER_UNIT,
    baseline: 0,
    units: DEFAULT_UNITS,
    adcZero: 0,
    description: fields.slice(8).join(' '),
  };
  let explicitBaseline: number | undefined;
  if (fields[2] !== undefined) {
    const gain = GAIN_SPEC.exec(fields[2]);
    if (!gain) throw new EcgFormatError('CORRUPT', `WFDB signal ${index} gain "${fields[2]}" is malformed`);
    if (Number(gain[1]) !== 0) spec.gain = Number(gain[1]);
    if (gain[2] !== undefined) explicitBaseline = Number(gain[2]);
    if (gain[3] !== undefined) spec.units = gain[3];
  }
  const integerField = (position: number, name: string): number | undefined => {
    const value = fields[position];
    if (value === undefined) return undefined;
    if (!INTEGER.test(value)) throw new EcgFormatError('CORRUPT', `WFDB signal ${index} ${name} "${value}" is not an integer`);
    return Number(value);
  };
  spec.adcResolution = integerField(3, 'ADC resolution');
  spec.adcZero = integerField(4, 'ADC zero') ?? 0;
  spec.initialValue = integerField(5, 'initial value');
  spec.checksum = integerField(6, 'checksum');
  integerField(7, 'block size');
  // `header(5)`: without an explicit baseline, the baseline is the ADC zero.
  spec.baseline = explicitBaseline ?? spec.adcZero;
  return spec;
}

/** Bits per stored sample, for sizing; format 8 is a difference per sample, 212 packs two in three bytes. */
const BITS_PER_SAMPLE: Record<WfdbFormat, number> = {
  8: 8,
  16: 16,
  24: 24,
  32: 32,
  61: 16,
  80: 8,
  160: 16,
  212: 12,
  310: 32 / 3,
  311: 32 / 3,
};

/** The value each format reserves for "no sample here" (WFDB_INVALID_SAMPLE after decoding). */
const INVALID_SAMPLE: Partial<Record<WfdbFormat, number>> = {
  16: -32768,
  24: -8388608,
  32: -2147483648,
  61: -32768,
  80: -128,
  160: -32768,
  212: -2048,
  310: -512,
  311: -512,
};

export function isSupportedFormat(format: number): format is WfdbFormat {
  return (SUPPORTED_WFDB_FORMATS as readonly number[]).includes(format);
}

/** How many whole samples a byte string of this format holds (a packed group may end part-way). */
export function samplesInBytes(format: WfdbFormat, byteLength: number): number {
  switch (format) {
    case 212:
      return Math.floor(byteLength / 3) * 2 + (byteLength % 3 >= 2 ? 1 : 0);
    case 310:
      return Math.floor(byteLength / 4) * 3 + (byteLength % 4 >= 2 ? 1 : 0);
    case 311:
      return Math.floor(byteLength / 4) * 3 + Math.max(0, (byteLength % 4) - 1);
    default:
      return Math.floor((byteLength * 8) / BITS_PER_SAMPLE[format]);
  }
}

const signExtend = (value: number, bits: number): number => (value << (32 - bits)) >> (32 - bits);

/**
 * Decodes `count` interleaved digital samples. For format 8 (first differences) `initialValues[k]` starts the
 * running sum of the k-th signal in the frame, so `framesize` must be the number of signals in the file.
 */
export function decodeWfdbSamples(format: WfdbFormat, bytes: Uint8Array, count: number, frameSize = 1, initialValues: readonly number[] = []): Int32Array {
  const out = new Int32Array(count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (format) {
    case 8: {
      const running = Array.from({ length: frameSize }, (_, k) => initialValues[k] ?? 0);
      for (let i = 0; i < count; i++) {
        const k = i % frameSize;
        running[k] += view.getInt8(i);
        out[i] = running[k];
      }
      break;
    }
    case 16:
      for (let i = 0; i < count; i++) out[i] = view.getInt16(2 * i, true);
      break;
    case 61:
      for (let i = 0; i < count; i++) out[i] = view.getInt16(2 * i, false);
      break;
    case 80:
      for (let i = 0; i < count; i++) out[i] = bytes[i] - 128;
      break;
    case 160:
      for (let i = 0; i < count; i++) out[i] = view.getUint16(2 * i, true) - 32768;
      break;
    case 24:
      for (let i = 0; i < count; i++) {
        const at = 3 * i;
        out[i] = signExtend(bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16), 24);
      }
      break;
    case 32:
      for (let i = 0; i < count; i++) out[i] = view.getInt32(4 * i, true);
      break;
    case 212: {
      // Each pair: byte0 = low 8 bits of s0, byte1 = high nibbles (s0 low nibble, s1 high nibble), byte2 = low 8 of s1.
      // Pairwise, with the sign extension inlined: this loop is most of a MIT-BIH record's decoding time.
      const pairs = count >> 1;
      for (let p = 0, at = 0, i = 0; p < pairs; p++, at += 3, i += 2) {
        const middle = bytes[at + 1];
        out[i] = ((bytes[at] | ((middle & 0x0f) << 8)) << 20) >> 20;
        out[i + 1] = ((bytes[at + 2] | ((middle & 0xf0) << 4)) << 20) >> 20;
      }
      if (count & 1) {
        const at = 3 * pairs;
        out[count - 1] = signExtend(bytes[at] | ((bytes[at + 1] & 0x0f) << 8), 12);
      }
      break;
    }
    case 310:
      // Two LE words hold three samples: bits 1–10 of each word, the third split over both words' bits 11–15.
      for (let i = 0; i < count; i++) {
        const at = 4 * Math.floor(i / 3);
        const word0 = bytes[at] | (bytes[at + 1] << 8);
        const word1 = bytes[at + 2] | (bytes[at + 3] << 8);
        const position = i % 3;
        const raw = position === 0 ? (word0 >> 1) & 0x3ff : position === 1 ? (word1 >> 1) & 0x3ff : ((word0 >> 11) & 0x1f) | (((word1 >> 11) & 0x1f) << 5);
        out[i] = signExtend(raw, 10);
      }
      break;
    case 311:
      // One LE 32-bit word holds three samples in bits 0–9, 10–19 and 20–29.
      for (let i = 0; i < count; i++) {
        const at = 4 * Math.floor(i / 3);
        const word = (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | ((bytes[at + 3] ?? 0) << 24)) >>> 0;
        out[i] = signExtend((word >>> (10 * (i % 3))) & 0x3ff, 10);
      }
      break;
  }
  return out;
}

/** Microvolts per physical unit; signals in other units (mmHg, %, ...) are not ECG and are left out. */
const MICROVOLTS_PER_UNIT = new Map<string, number>([
  ['v', 1e6],
  ['volt', 1e6],
  ['volts', 1e6],
  ['mv', 1e3],
  ['millivolt', 1e3],
  ['millivolts', 1e3],
  ['uv', 1],
  ['µv', 1],
  ['μv', 1],
  ['microvolt', 1],
  ['microvolts', 1],
  ['nv', 1e-3],
  ['nanovolt', 1e-3],
  ['nanovolts', 1e-3],
]);

export function microvoltsPerUnit(units: string): number | undefined {
  return MICROVOLTS_PER_UNIT.get(units.trim().toLowerCase());
}

const STANDARD_BY_UPPER = new Map<string, string>(STANDARD_LEADS.map((lead) => [lead.toUpperCase(), lead]));

/** PTB-XL writes AVR/AVL/AVF; the model uses the standard spelling. Other labels (MLII, V5 of Holter) stay. */
export function standardLeadName(description: string, index: number): string {
  const trimmed = description.trim();
  if (trimmed === '') return `signal ${index}`;
  return STANDARD_BY_UPPER.get(trimmed.toUpperCase()) ?? trimmed;
}

/** MIT-BIH header comment convention: "<age> <sex> ..." (age −1 when unknown); PTB: "<age>: 63" and "<sex>: M". */
export function patientFromComments(comments: readonly string[]): EcgPatientInfo | undefined {
  const patient: EcgPatientInfo = {};
  for (const comment of comments) {
    const mit = /^(-?\d+)\s+([MF])\b/.exec(comment);
    if (mit) {
      if (Number(mit[1]) >= 0) patient.ageYears = Number(mit[1]);
      patient.sex = mit[2] as 'M' | 'F';
    }
    const age = /^<?age>?:\s*(\d+)/i.exec(comment);
    if (age) patient.ageYears = Number(age[1]);
    const sex = /^<?sex>?:\s*(male|female|m|f)\b/i.exec(comment);
    if (sex) patient.sex = sex[1][0].toUpperCase() as 'M' | 'F';
  }
  return Object.keys(patient).length > 0 ? patient : undefined;
}

/** WFDB base time `HH:MM:SS[.sss]` and date `DD/MM/YYYY` → ISO 8601 (only when the date is known). */
export function recordingStart(baseTime?: string, baseDate?: string): string | undefined {
  const date = baseDate ? /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(baseDate) : null;
  const time = baseTime ? /^(\d{1,2}):(\d{1,2})(?::(\d{1,2})(\.\d+)?)?$/.exec(baseTime) : null;
  if (!date || !time) return undefined;
  const two = (value: string | undefined) => (value ?? '0').padStart(2, '0');
  return `${date[3]}-${two(date[2])}-${two(date[1])}T${two(time[1])}:${two(time[2])}:${two(time[3])}${time[4] ?? ''}`;
}

/**
 * One signal's digital samples, left where they are in its file's interleaved frames (sample i at
 * `interleaved[offset + i × stride]`): copying them out per signal was a whole extra pass over the record.
 */
interface DecodedSignal {
  spec: WfdbSignalSpec;
  /** Set when the fused decoder already produced the lead and its checksum straight from the file's bytes. */
  ready?: { lead: EcgLead; checksum: number };
  interleaved: Int32Array;
  offset: number;
  stride: number;
  frames: number;
}

/** Signals that share a file are interleaved frame by frame in header order. */
function groupByFile(signals: readonly WfdbSignalSpec[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  signals.forEach((signal, index) => {
    const members = groups.get(signal.fileName) ?? [];
    members.push(index);
    groups.set(signal.fileName, members);
  });
  return groups;
}

interface FusedGroup {
  microvolts: Float32Array[];
  gaps: GapRecorder[];
  sums: Int32Array;
}

/**
 * Formats 212 (MIT-BIH) and 16 (PTB-XL and most others), unskewed and all in volts: one pass from the file's bytes
 * to each lead's Float32Array, with the invalid-sample gaps and the 16-bit checksums in the same loop, instead of an
 * Int32Array of the whole file and a second pass per signal. The arithmetic is the general path's, so the values are
 * the same bits.
 */
function decodeFused(format: 16 | 212, bytes: Uint8Array, frames: number, specs: readonly WfdbSignalSpec[], scales: readonly number[]): FusedGroup {
  const stride = specs.length;
  const microvolts: Float32Array[] = [];
  const gaps: GapRecorder[] = [];
  const sums = new Int32Array(stride);
  const [low, high] = DIGITAL_RANGE[format]!;
  // Signal by signal, striding through the frames: each loop then has one output array and its own constants in
  // locals, which V8 keeps in registers (indexing an array of outputs per sample was slower than two passes).
  if (format === 212 && stride === 2) return fill212Pair(bytes, frames, specs, scales);
  for (let k = 0; k < stride; k++) {
    const out = new Float32Array(frames);
    const recorder = new GapRecorder();
    const baseline = specs[k].baseline;
    const factor = scales[k] / specs[k].gain;
    const sum =
      format === 212 ? fill212(bytes, k, stride, frames, baseline, factor, out, recorder) : fill16(bytes, k, stride, frames, baseline, factor, out, recorder);
    sums[k] = sum;
    if (rangeProven(low, high, baseline, factor)) markRangeProven(out);
    microvolts.push(out);
    gaps.push(recorder);
  }
  return { microvolts, gaps, sums };
}

/**
 * Two signals in format 212 (every MIT-BIH record): each three-byte group is one frame, so one loop reads each byte
 * once and fills both leads.
 */
function fill212Pair(bytes: Uint8Array, frames: number, specs: readonly WfdbSignalSpec[], scales: readonly number[]): FusedGroup {
  const out0 = new Float32Array(frames);
  const out1 = new Float32Array(frames);
  const gaps0 = new GapRecorder();
  const gaps1 = new GapRecorder();
  const baseline0 = specs[0].baseline;
  const baseline1 = specs[1].baseline;
  const factor0 = scales[0] / specs[0].gain;
  const factor1 = scales[1] / specs[1].gain;
  let sum0 = 0;
  let sum1 = 0;
  for (let f = 0, at = 0; f < frames; f++, at += 3) {
    const middle = bytes[at + 1];
    const v0 = ((bytes[at] | ((middle & 0x0f) << 8)) << 20) >> 20;
    const v1 = ((bytes[at + 2] | ((middle & 0xf0) << 4)) << 20) >> 20;
    sum0 = (sum0 + v0) & 0xffff;
    sum1 = (sum1 + v1) & 0xffff;
    if (v0 === -2048) {
      out0[f] = NaN;
      gaps0.add(f);
    } else out0[f] = (v0 - baseline0) * factor0;
    if (v1 === -2048) {
      out1[f] = NaN;
      gaps1.add(f);
    } else out1[f] = (v1 - baseline1) * factor1;
  }
  if (rangeProven(-2048, 2047, baseline0, factor0)) markRangeProven(out0);
  if (rangeProven(-2048, 2047, baseline1, factor1)) markRangeProven(out1);
  return { microvolts: [out0, out1], gaps: [gaps0, gaps1], sums: Int32Array.of(sum0, sum1) };
}

/** Format 212 samples k, k+stride, … into `out`; returns their 16-bit sum. -2048 marks an invalid sample (a gap). */
function fill212(bytes: Uint8Array, k: number, stride: number, frames: number, baseline: number, factor: number, out: Float32Array, gaps: GapRecorder): number {
  let sum = 0;
  for (let f = 0, j = k; f < frames; f++, j += stride) {
    // Sample j is the low (even j) or high (odd j) half of the three-byte pair j >> 1.
    const at = (j >> 1) * 3;
    const value = (j & 1) === 0 ? ((bytes[at] | ((bytes[at + 1] & 0x0f) << 8)) << 20) >> 20 : ((bytes[at + 2] | ((bytes[at + 1] & 0xf0) << 4)) << 20) >> 20;
    sum = (sum + value) & 0xffff;
    if (value === -2048) {
      out[f] = NaN;
      gaps.add(f);
    } else out[f] = (value - baseline) * factor;
  }
  return sum;
}

/** Format 16 (little-endian 16-bit) samples k, k+stride, … into `out`; returns their 16-bit sum. -32768 is a gap. */
function fill16(bytes: Uint8Array, k: number, stride: number, frames: number, baseline: number, factor: number, out: Float32Array, gaps: GapRecorder): number {
  let sum = 0;
  const step = 2 * stride;
  for (let f = 0, at = 2 * k; f < frames; f++, at += step) {
    const value = ((bytes[at] | (bytes[at + 1] << 8)) << 16) >> 16;
    sum = (sum + value) & 0xffff;
    if (value === -32768) {
      out[f] = NaN;
      gaps.add(f);
    } else out[f] = (value - baseline) * factor;
  }
  return sum;
}

async function decodeSignals(header: WfdbHeader, input: ReaderInput): Promise<{ signals: DecodedSignal[]; frames: number }> {
  const groups = groupByFile(header.signals);
  const perGroup: { members: number[]; interleaved: Int32Array; frames: number; format: WfdbFormat; fused?: FusedGroup }[] = [];
  for (const [fileName, members] of groups) {
    const specs = members.map((index) => header.signals[index]);
    const format = specs[0].format;
    if (specs.some((spec) => spec.format !== format)) {
      throw new EcgFormatError('CORRUPT', `WFDB signals in ${fileName} declare different storage formats`);
    }
    if (!isSupportedFormat(format)) {
      throw new EcgFormatError('UNSUPPORTED_VARIANT', `WFDB storage format ${format} (${fileName}) is not supported`);
    }
    if (specs.some((spec) => spec.samplesPerFrame !== 1)) {
      throw new EcgFormatError('UNSUPPORTED_VARIANT', `WFDB multi-frequency record (${fileName} has several samples per frame)`);
    }
    const fileBytes = await input.readCompanion(fileName);
    if (!fileBytes) throw new EcgFormatError('MISSING_FILE', `WFDB signal file ${fileName} is missing`);
    const byteOffset = specs[0].byteOffset;
    if (byteOffset > fileBytes.length) {
      throw new EcgFormatError('TRUNCATED', `WFDB signal file ${fileName} is shorter than its ${byteOffset}-byte prolog`);
    }
    const payload = fileBytes.subarray(byteOffset);
    const framesInFile = Math.floor(samplesInBytes(format, payload.length) / members.length);
    const frames = header.sampleCount ?? framesInFile;
    if (frames > framesInFile) {
      throw new EcgFormatError('TRUNCATED', `WFDB signal file ${fileName} holds ${framesInFile} samples per signal, header says ${frames}`);
    }
    assertSampleBudget(header.signalCount, frames, 'WFDB');
    // Without a declared length a later file may be shorter and cut this one, so only then the slower path.
    const scales = specs.map((spec) => microvoltsPerUnit(spec.units));
    if (
      (format === 212 || format === 16) &&
      (header.sampleCount !== undefined || groups.size === 1) &&
      specs.every((spec, i) => spec.skew === 0 && scales[i] !== undefined)
    ) {
      const fused = decodeFused(format, payload, frames, specs, scales as number[]);
      perGroup.push({ members, interleaved: new Int32Array(0), frames, format, fused });
      continue;
    }
    const initialValues = specs.map((spec) => spec.initialValue ?? 0);
    const interleaved = decodeWfdbSamples(format, payload, frames * members.length, members.length, initialValues);
    perGroup.push({ members, interleaved, frames, format });
  }
  // Without a declared length, the shortest file bounds the record.
  const frames = Math.min(...perGroup.map((group) => group.frames));
  const signals: DecodedSignal[] = new Array(header.signalCount);
  for (const group of perGroup) {
    const stride = group.members.length;
    group.members.forEach((signalIndex, position) => {
      const spec = header.signals[signalIndex];
      const signal: DecodedSignal = { spec, interleaved: group.interleaved, offset: position, stride, frames };
      if (group.fused) {
        const microvolts = group.fused.microvolts[position];
        const lead = withGaps({ name: standardLeadName(spec.description, signalIndex), microvolts }, group.fused.gaps[position].list());
        signal.ready = { lead, checksum: group.fused.sums[position] };
      }
      signals[signalIndex] = signal;
    });
  }
  return { signals, frames };
}

/** WFDB checksums are the 16-bit sum of the digital samples; MIT-BIH prints them signed, PTB-XL unsigned. */
export function checksum16(digital: Int32Array): number {
  let sum = 0;
  for (let i = 0; i < digital.length; i++) sum = (sum + digital[i]) & 0xffff;
  return sum;
}

function verifyChecksums(header: WfdbHeader, signals: readonly DecodedSignal[], sums: Int32Array): void {
  // A checksum covers the whole signal, so it can only be checked when the header states the length.
  if (header.sampleCount === undefined) return;
  signals.forEach(({ spec }, index) => {
    if (spec.checksum === undefined) return;
    const computed = sums[index];
    if (computed !== (spec.checksum & 0xffff)) {
      throw new EcgFormatError(
        'CORRUPT',
        `WFDB checksum mismatch on signal ${index} (${spec.description || spec.fileName}): header ${spec.checksum}, data ${computed}`,
      );
    }
  });
}

/** Digital values each format can hold; format 8 (running sums of differences) has no bound of its own. */
const DIGITAL_RANGE: Partial<Record<WfdbFormat, readonly [number, number]>> = {
  16: [-32768, 32767],
  61: [-32768, 32767],
  160: [-32768, 32767],
  80: [-128, 127],
  212: [-2048, 2047],
  24: [-8388608, 8388607],
  32: [-2147483648, 2147483647],
  310: [-512, 511],
  311: [-512, 511],
};

/** The 16-bit sum of one signal's first `frames` samples, for signals that are not turned into leads (or are skewed). */
function signalChecksum({ interleaved, offset, stride, frames }: DecodedSignal): number {
  let sum = 0;
  for (let i = 0, at = offset; i < frames; i++, at += stride) sum = (sum + interleaved[at]) & 0xffff;
  return sum;
}

/**
 * One pass over a signal's samples: physical value, invalid-sample gaps and, for an unskewed signal, the checksum
 * (`sums[index]`) in the same loop. The range check is proven for the whole format instead of run per sample when
 * the calibration allows (rangeProven); otherwise index.ts's final check still runs on the lead.
 */
function toLead(signal: DecodedSignal, index: number, sums: Int32Array): EcgLead | undefined {
  if (signal.ready) {
    sums[index] = signal.ready.checksum;
    return signal.ready.lead;
  }
  const scale = microvoltsPerUnit(signal.spec.units);
  if (scale === undefined) {
    sums[index] = signalChecksum(signal);
    return undefined;
  }
  const { gain, baseline, skew, format } = signal.spec;
  const supported = isSupportedFormat(format);
  const invalid = supported ? INVALID_SAMPLE[format] : undefined;
  const { interleaved, offset, stride, frames } = signal;
  const microvolts = new Float32Array(frames);
  const factor = scale / gain;
  const gaps = new GapRecorder();
  // A numeric sentinel keeps the loop on one type: an Int32 sample never equals 2^40.
  const marker = invalid ?? 2 ** 40;
  // Skew: this signal's sample i was stored `skew` frames later in the file; outside the file it is missing.
  const first = Math.max(0, -skew);
  const end = Math.min(frames, frames - skew);
  gaps.addRange(0, Math.min(first, frames));
  let sum = 0;
  if (skew === 0) {
    for (let i = 0, at = offset; i < frames; i++, at += stride) {
      const value = interleaved[at];
      sum = (sum + value) & 0xffff;
      if (value === marker) {
        microvolts[i] = NaN;
        gaps.add(i);
      } else microvolts[i] = (value - baseline) * factor;
    }
  } else {
    sum = signalChecksum(signal);
    for (let i = first, at = offset + (first + skew) * stride; i < end; i++, at += stride) {
      const value = interleaved[at];
      if (value === marker) {
        microvolts[i] = NaN;
        gaps.add(i);
      } else microvolts[i] = (value - baseline) * factor;
    }
  }
  sums[index] = sum;
  if (end < frames) gaps.addRange(Math.max(end, first), frames);
  for (const gap of gaps.list()) microvolts.fill(Number.NaN, gap.start, gap.end);
  const range = supported ? DIGITAL_RANGE[format] : undefined;
  if (range && rangeProven(range[0], range[1], baseline, factor)) markRangeProven(microvolts);
  return withGaps({ name: standardLeadName(signal.spec.description, index), microvolts }, gaps.list());
}

async function readAnnotations(header: WfdbHeader, input: ReaderInput): Promise<EcgAnnotation[] | undefined> {
  for (const extension of ['atr', 'qrs']) {
    const fileName = `${header.recordName}.${extension}`;
    const bytes = await input.readCompanion(fileName);
    if (!bytes) continue;
    try {
      const file = decodeMitAnnotationFile(bytes);
      const ratio = file.timeResolutionHz ? header.samplingHz / file.timeResolutionHz : 1;
      return file.annotations.map(({ sample, symbol }) => ({ sample: Math.round(sample * ratio), symbol }));
    } catch (error) {
      if (error instanceof EcgFormatError) throw new EcgFormatError(error.code, `${fileName}: ${error.message}`);
      throw error;
    }
  }
  return undefined;
}

export async function readWfdb(input: ReaderInput): Promise<EcgRecord> {
  const header = parseWfdbHeader(new TextDecoder('latin1').decode(input.bytes));
  if (header.signalCount === 0) throw new EcgFormatError('NO_SIGNAL', `WFDB record ${header.recordName} has no signals`);
  const { signals, frames } = await decodeSignals(header, input);
  if (frames === 0) throw new EcgFormatError('NO_SIGNAL', `WFDB record ${header.recordName} has no samples`);
  const sums = new Int32Array(signals.length);
  const converted = signals.map((signal, index) => toLead(signal, index, sums));
  verifyChecksums(header, signals, sums);
  const leads = converted.filter((lead): lead is EcgLead => lead !== undefined);
  if (leads.length === 0) throw new EcgFormatError('NO_SIGNAL', `WFDB record ${header.recordName} has no signal in volts`);
  const record: EcgRecord = { format: 'wfdb', sampleRateHz: header.samplingHz, leads };
  const recordedAt = recordingStart(header.baseTime, header.baseDate);
  if (recordedAt) record.recordedAt = recordedAt;
  const patient = patientFromComments(header.comments);
  if (patient) record.patient = patient;
  const annotations = await readAnnotations(header, input);
  if (annotations) record.annotations = annotations;
  return record;
}

const SNIFF_RECORD_LINE = new RegExp(
  `^[A-Za-z0-9_.-]+(?:/\\d+)?[ \\t]+\\d+(?:[ \\t]+${NUMBER}(?:/${NUMBER})?(?:\\(${NUMBER}\\))?(?:[ \\t]+\\d+(?:[ \\t]+\\S+){0,2})?)?[ \\t]*$`,
);
const SNIFF_SIGNAL_LINE = /^\S+[ \t]+\d+(?:x\d+)?(?::-?\d+)?(?:\+\d+)?(?:[ \t]|$)/;

/**
 * A header is text whose first non-comment line is a complete record line ending in a newline, followed (when it
 * declares signals and the head reaches that far) by a signal line. EDF's space-padded ASCII header has no
 * newlines, and XML starts with `<`, so neither passes.
 */
export function looksLikeWfdbHeader(head: Uint8Array): boolean {
  try {
    if (head.length === 0 || head.includes(0)) return false;
    const text = new TextDecoder('latin1').decode(head).replace(/^\uFEFF/, '');
    const rawLines = text.split('\n');
    const completeLines = rawLines.slice(0, -1).map((line) => line.replace(/\r$/, '').trim());
    const meaningful = completeLines.filter((line) => line !== '' && !line.startsWith('#'));
    const recordLine = meaningful[0];
    if (recordLine === undefined || !SNIFF_RECORD_LINE.test(recordLine)) return false;
    const declaredSignals = Number(recordLine.split(/\s+/)[1]);
    const signalLine = meaningful[1];
    if (declaredSignals > 0 && signalLine !== undefined) return SNIFF_SIGNAL_LINE.test(signalLine);
    return true;
  } catch {
    return false;
  }
}

export const wfdbReader: EcgReader = {
  format: 'wfdb',
  sniff: looksLikeWfdbHeader,
  read: readWfdb,
};
