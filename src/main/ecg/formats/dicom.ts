import { MAX_ABS_MICROVOLTS, type EcgDeviation, type EcgDeviceInfo, type EcgLead, type EcgPatientInfo, type EcgRecord } from '../../../shared/ecg';
import { EcgFormatError } from './errors';
import { assertSampleBudget } from './limits';
import { markRangeProven, rangeProven, withGaps } from './sample-check';
import type { EcgReader } from './reader';
import { hl7TimestampToIso, parseHl7Timestamp } from './aecg-time';
import { DicomParser, KNOWN_VRS, LONG_VRS, tag, type DicomDataset, type DicomElement } from './dicom-parser';

/**
 * DICOM waveform objects (PS3.3 A.34, C.10.9): 12-Lead ECG, General ECG, Ambulatory ECG and Hemodynamic Waveform
 * Storage, as Part 10 files (128-byte preamble + "DICM" + meta group) or bare explicit-VR data sets. Transfer syntaxes:
 * implicit and explicit VR little endian; big endian, deflate and compressed syntaxes are refused.
 *
 * The Waveform Sequence holds multiplex groups; the ORIGINAL group (the rhythm) is the record's leads, a DERIVED one
 * beside it (the median beats) is kept as `medianBeat`, and a DERIVED group alone is read as the leads. Samples are interleaved by channel; each channel's physical value is
 * raw × Channel Sensitivity × Sensitivity Correction Factor + Channel Baseline, in the units of the Channel
 * Sensitivity Units Sequence (PS3.3 C.10.9.1.4.3: the baseline is in those units, as pydicom applies it).
 * Channels in other units (mmHg on a hemodynamic study) are not ECG leads and are left out.
 */

const T = {
  specificCharacterSet: tag(0x0008, 0x0005),
  sopClassUid: tag(0x0008, 0x0016),
  studyDate: tag(0x0008, 0x0020),
  acquisitionDate: tag(0x0008, 0x0022),
  contentDate: tag(0x0008, 0x0023),
  acquisitionDateTime: tag(0x0008, 0x002a),
  studyTime: tag(0x0008, 0x0030),
  acquisitionTime: tag(0x0008, 0x0032),
  contentTime: tag(0x0008, 0x0033),
  manufacturer: tag(0x0008, 0x0070),
  codeValue: tag(0x0008, 0x0100),
  codingSchemeDesignator: tag(0x0008, 0x0102),
  codeMeaning: tag(0x0008, 0x0104),
  timezoneOffset: tag(0x0008, 0x0201),
  modelName: tag(0x0008, 0x1090),
  patientName: tag(0x0010, 0x0010),
  patientId: tag(0x0010, 0x0020),
  patientBirthDate: tag(0x0010, 0x0030),
  patientSex: tag(0x0010, 0x0040),
  patientAge: tag(0x0010, 0x1010),
  deviceSerial: tag(0x0018, 0x1000),
  transferSyntax: tag(0x0002, 0x0010),
  waveformOriginality: tag(0x003a, 0x0004),
  channelCount: tag(0x003a, 0x0005),
  sampleCount: tag(0x003a, 0x0010),
  samplingFrequency: tag(0x003a, 0x001a),
  groupLabel: tag(0x003a, 0x0020),
  channelDefinitions: tag(0x003a, 0x0200),
  channelLabel: tag(0x003a, 0x0203),
  channelSource: tag(0x003a, 0x0208),
  channelSensitivity: tag(0x003a, 0x0210),
  channelSensitivityUnits: tag(0x003a, 0x0211),
  sensitivityCorrection: tag(0x003a, 0x0212),
  channelBaseline: tag(0x003a, 0x0213),
  waveformSequence: tag(0x5400, 0x0100),
  bitsAllocated: tag(0x5400, 0x1004),
  sampleInterpretation: tag(0x5400, 0x1006),
  paddingValue: tag(0x5400, 0x100a),
  waveformData: tag(0x5400, 0x1010),
} as const;

const WAVEFORM_SOP_CLASSES: Readonly<Record<string, string>> = {
  '1.2.840.10008.5.1.4.1.1.9.1.1': '12-lead ECG Waveform Storage',
  '1.2.840.10008.5.1.4.1.1.9.1.2': 'General ECG Waveform Storage',
  '1.2.840.10008.5.1.4.1.1.9.1.3': 'Ambulatory ECG Waveform Storage',
  '1.2.840.10008.5.1.4.1.1.9.2.1': 'Hemodynamic Waveform Storage',
};

const IMPLICIT_LITTLE_ENDIAN = '1.2.840.10008.1.2';
const EXPLICIT_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
const REFUSED_SYNTAXES: Readonly<Record<string, string>> = {
  '1.2.840.10008.1.2.2': 'explicit VR big endian',
  '1.2.840.10008.1.2.1.99': 'deflated explicit VR little endian',
  '1.2.840.10008.1.2.5': 'RLE lossless',
};

const corrupt = (message: string) => new EcgFormatError('CORRUPT', `DICOM: ${message}`);
const unsupported = (message: string) => new EcgFormatError('UNSUPPORTED_VARIANT', `DICOM: ${message}`);

// ---------------------------------------------------------------------------------------------------------------
// Framing: preamble, meta group, transfer syntax

function hasPreamble(bytes: Uint8Array): boolean {
  return bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
}

/** A bare data set (no preamble) whose first element is explicit-VR group 0002 or 0008. */
function looksLikeBareDataset(bytes: Uint8Array): boolean {
  if (bytes.length < 8 || bytes[1] !== 0x00 || (bytes[0] !== 0x02 && bytes[0] !== 0x08)) return false;
  return KNOWN_VRS.has(String.fromCharCode(bytes[4], bytes[5]));
}

const groupOf = (bytes: Uint8Array, pos: number) => (pos + 2 <= bytes.length ? bytes[pos] | (bytes[pos + 1] << 8) : -1);

interface Framing {
  datasetStart: number;
  explicitVr: boolean;
}

function readFraming(bytes: Uint8Array): Framing {
  let pos = hasPreamble(bytes) ? 132 : 0;
  let transferSyntax: string | undefined;
  if (groupOf(bytes, pos) === 0x0002) {
    // The File Meta Information is always explicit VR little endian (PS3.10 §7.1).
    const meta = new DicomParser(bytes, true);
    let metaEnd = pos;
    while (groupOf(bytes, metaEnd) === 0x0002) {
      const { dataset, pos: next } = meta.parseDataset(metaEnd, elementEnd(bytes, metaEnd), 0);
      const syntax = dataset.get(T.transferSyntax);
      if (syntax) transferSyntax = asciiValue(syntax);
      metaEnd = next;
    }
    pos = metaEnd;
  }
  if (transferSyntax === undefined) {
    // No meta group: the default transfer syntax is implicit VR LE, but bare explicit data sets exist too.
    return { datasetStart: pos, explicitVr: bytes.length >= pos + 6 && KNOWN_VRS.has(String.fromCharCode(bytes[pos + 4], bytes[pos + 5])) };
  }
  if (transferSyntax === IMPLICIT_LITTLE_ENDIAN) return { datasetStart: pos, explicitVr: false };
  if (transferSyntax === EXPLICIT_LITTLE_ENDIAN) return { datasetStart: pos, explicitVr: true };
  const name =
    REFUSED_SYNTAXES[transferSyntax] ?? (transferSyntax.startsWith('1.2.840.10008.1.2.4.') ? 'JPEG-family compression' : 'an unknown transfer syntax');
  throw unsupported(`transfer syntax ${transferSyntax} (${name}) is not read; export as little endian uncompressed`);
}

/** End of one explicit-VR element starting at `pos` (for reading the meta group element by element). */
function elementEnd(bytes: Uint8Array, pos: number): number {
  if (pos + 8 > bytes.length) throw new EcgFormatError('TRUNCATED', 'DICOM: the file ends inside the meta information');
  const vr = String.fromCharCode(bytes[pos + 4], bytes[pos + 5]);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (LONG_VRS.has(vr)) {
    if (pos + 12 > bytes.length) throw new EcgFormatError('TRUNCATED', 'DICOM: the file ends inside the meta information');
    const length = view.getUint32(pos + 8, true);
    if (length === 0xffffffff) throw corrupt('undefined length in the meta information');
    return pos + 12 + length;
  }
  return pos + 8 + view.getUint16(pos + 6, true);
}

// ---------------------------------------------------------------------------------------------------------------
// Values

function asciiValue(element: DicomElement | undefined): string | undefined {
  if (!element) return undefined;
  let text = '';
  for (const byte of element.value) text += String.fromCharCode(byte);
  const trimmed = text.replace(/[\0 ]+$/, '').replace(/^ +/, '');
  return trimmed === '' ? undefined : trimmed;
}

/** PS3.3 C.12.1.1.2 defined terms → WHATWG encoding labels. ISO 2022 code extensions are handled by stripping escapes. */
const CHARACTER_SETS: Readonly<Record<string, string>> = {
  '': 'latin1',
  'ISO_IR 6': 'latin1',
  'ISO 2022 IR 6': 'latin1',
  'ISO_IR 100': 'latin1',
  'ISO 2022 IR 100': 'latin1',
  'ISO_IR 101': 'iso-8859-2',
  'ISO_IR 109': 'iso-8859-3',
  'ISO_IR 110': 'iso-8859-4',
  'ISO_IR 144': 'iso-8859-5',
  'ISO_IR 127': 'iso-8859-6',
  'ISO_IR 126': 'iso-8859-7',
  'ISO_IR 138': 'iso-8859-8',
  'ISO_IR 148': 'iso-8859-9',
  'ISO_IR 13': 'shift_jis',
  'ISO_IR 166': 'windows-874',
  'ISO_IR 192': 'utf-8',
  GB18030: 'gb18030',
  GBK: 'gbk',
  // GB 2312 and KS X 1001 through ISO 2022 escapes: once the escapes are gone the bytes are EUC-CN / EUC-KR.
  'ISO 2022 IR 58': 'gb18030',
  'ISO 2022 IR 149': 'euc-kr',
  'ISO 2022 IR 87': 'iso-2022-jp',
};

export type TextDecoderFn = (bytes: Uint8Array) => string;

export function characterSetDecoder(specificCharacterSet: string | undefined): TextDecoderFn {
  const terms = (specificCharacterSet ?? '').split('\\').map((term) => term.trim());
  const term = terms.find((candidate) => candidate !== '' && candidate !== 'ISO 2022 IR 6') ?? '';
  const label = CHARACTER_SETS[term] ?? 'latin1';
  const decoder = new TextDecoder(label);
  if (!term.startsWith('ISO 2022') || label === 'iso-2022-jp') return (bytes) => decoder.decode(bytes);
  return (bytes) => decoder.decode(stripIso2022Escapes(bytes));
}

/** Removes ISO 2022 designation escapes (ESC $ ) A, ESC ( B, …), leaving the GR-encoded multibyte text. */
function stripIso2022Escapes(bytes: Uint8Array): Uint8Array {
  if (!bytes.includes(0x1b)) return bytes;
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0x1b) {
      out.push(bytes[i]);
      continue;
    }
    i++;
    while (i < bytes.length && bytes[i] >= 0x20 && bytes[i] <= 0x2f) i++;
  }
  return Uint8Array.from(out);
}

function textValue(element: DicomElement | undefined, decode: TextDecoderFn): string | undefined {
  if (!element) return undefined;
  const trimmed = decode(element.value)
    .replace(/[\0 ]+$/, '')
    .replace(/^ +/, '');
  return trimmed === '' ? undefined : trimmed;
}

function uint(element: DicomElement | undefined, bytes: 2 | 4): number | undefined {
  if (!element || element.value.length < bytes) return undefined;
  const view = new DataView(element.value.buffer, element.value.byteOffset, element.value.byteLength);
  return bytes === 2 ? view.getUint16(0, true) : view.getUint32(0, true);
}

/** First value of a DS (decimal string). */
function decimalValue(element: DicomElement | undefined, what: string): number | undefined {
  const text = asciiValue(element)?.split('\\')[0].trim();
  if (text === undefined || text === '') return undefined;
  if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(text)) throw corrupt(`${what} "${text}" is not a decimal`);
  return Number(text);
}

// ---------------------------------------------------------------------------------------------------------------
// Channels

/** SCP-ECG lead codes (EN 1064 Table 14), used by DICOM CID 3001 as SCPECG "5.6.3-9-n" and MDC "2:n". */
const SCP_LEAD_NUMBERS: Readonly<Record<number, string>> = {
  1: 'I',
  2: 'II',
  3: 'V1',
  4: 'V2',
  5: 'V3',
  6: 'V4',
  7: 'V5',
  8: 'V6',
  61: 'III',
  62: 'aVR',
  63: 'aVL',
  64: 'aVF',
};

const LEAD_IN_TEXT_RE = /^(?:lead\s+)?(III|II|I|aVR|aVL|aVF|V[1-6])(?![A-Za-z0-9])/i;

function standardNameInText(text: string | undefined): string | undefined {
  const match = text === undefined ? null : LEAD_IN_TEXT_RE.exec(text.trim());
  if (!match) return undefined;
  const found = match[1];
  return /^av/i.test(found) ? `aV${found[2].toUpperCase()}` : found.toUpperCase();
}

export function leadName(channel: DicomDataset, index: number, decode: TextDecoderFn): string {
  const source = channel.get(T.channelSource)?.items?.[0];
  const code = asciiValue(source?.get(T.codeValue));
  const scheme = asciiValue(source?.get(T.codingSchemeDesignator));
  const meaning = textValue(source?.get(T.codeMeaning), decode);
  const label = textValue(channel.get(T.channelLabel), decode);
  const number = code && /^(SCPECG|MDC)$/i.test(scheme ?? 'SCPECG') ? /^(?:5\.6\.3-9-|2:)(\d+)$/.exec(code)?.[1] : undefined;
  return (
    (number !== undefined ? SCP_LEAD_NUMBERS[Number(number)] : undefined) ??
    standardNameInText(meaning) ??
    standardNameInText(label) ??
    label ??
    meaning ??
    `Channel ${index + 1}`
  );
}

/** UCUM voltage units → microvolts; anything else is not an ECG lead. */
const MICROVOLTS_PER_UNIT: Readonly<Record<string, number>> = { uV: 1, mV: 1000, V: 1_000_000, nV: 0.001 };

interface ChannelScale {
  name: string;
  /** raw → µV: raw × factor + offset. */
  factor: number;
  offset: number;
}

function channelScale(channel: DicomDataset, index: number, decode: TextDecoderFn): ChannelScale | undefined {
  const name = leadName(channel, index, decode);
  const unitCode = asciiValue(channel.get(T.channelSensitivityUnits)?.items?.[0]?.get(T.codeValue));
  const unitFactor = unitCode === undefined ? undefined : MICROVOLTS_PER_UNIT[unitCode];
  if (unitFactor === undefined) return undefined;
  const sensitivity = decimalValue(channel.get(T.channelSensitivity), `channel ${name} sensitivity`);
  if (sensitivity === undefined || !Number.isFinite(sensitivity) || sensitivity === 0) {
    throw unsupported(`channel ${name} is not calibrated (no channel sensitivity)`);
  }
  const correction = decimalValue(channel.get(T.sensitivityCorrection), `channel ${name} correction factor`) ?? 1;
  const baseline = decimalValue(channel.get(T.channelBaseline), `channel ${name} baseline`) ?? 0;
  if (!Number.isFinite(correction) || !Number.isFinite(baseline)) throw corrupt(`channel ${name} calibration is not finite`);
  return { name, factor: sensitivity * correction * unitFactor, offset: baseline * unitFactor };
}

// ---------------------------------------------------------------------------------------------------------------
// Multiplex groups

interface SampleType {
  bytes: 1 | 2 | 4;
  signed: boolean;
  min: number;
  max: number;
}

/** Waveform Bits Allocated + Sample Interpretation (PS3.3 C.10.9.1.5) that hold ECG; µ-law/A-law (MB/AB) are audio. */
const SAMPLE_TYPES: Readonly<Record<string, SampleType>> = {
  '8 SB': { bytes: 1, signed: true, min: -0x80, max: 0x7f },
  '8 UB': { bytes: 1, signed: false, min: 0, max: 0xff },
  '16 SS': { bytes: 2, signed: true, min: -0x8000, max: 0x7fff },
  '16 US': { bytes: 2, signed: false, min: 0, max: 0xffff },
  '32 SL': { bytes: 4, signed: true, min: -0x80000000, max: 0x7fffffff },
  '32 UL': { bytes: 4, signed: false, min: 0, max: 0xffffffff },
};

function readSample(view: DataView, offset: number, type: SampleType, littleEndian = true): number {
  if (type.bytes === 1) return type.signed ? view.getInt8(offset) : view.getUint8(offset);
  if (type.bytes === 2) return type.signed ? view.getInt16(offset, littleEndian) : view.getUint16(offset, littleEndian);
  return type.signed ? view.getInt32(offset, littleEndian) : view.getUint32(offset, littleEndian);
}

/** One multiplex group's frame: every channel, each a block of raw samples. */
interface GroupLayout {
  channelCount: number;
  sampleCount: number;
  sampleRateHz: number;
  type: SampleType;
  data: Uint8Array;
  definitions: DicomDataset[];
}

function groupLayout(group: DicomDataset): GroupLayout {
  const channelCount = uint(group.get(T.channelCount), 2);
  const sampleCount = uint(group.get(T.sampleCount), 4);
  const sampleRateHz = decimalValue(group.get(T.samplingFrequency), 'sampling frequency');
  if (!channelCount || sampleCount === undefined) throw corrupt('multiplex group without channel or sample count');
  if (sampleCount === 0) throw new EcgFormatError('NO_SIGNAL', 'DICOM: the multiplex group holds no samples');
  if (sampleRateHz === undefined || !(sampleRateHz > 0 && sampleRateHz <= 1_000_000)) throw corrupt(`sampling frequency ${sampleRateHz} Hz is impossible`);
  const bits = uint(group.get(T.bitsAllocated), 2);
  const interpretation = asciiValue(group.get(T.sampleInterpretation)) ?? (bits === 8 ? 'SB' : 'SS');
  const type = SAMPLE_TYPES[`${bits} ${interpretation}`];
  if (!type) throw unsupported(`${bits}-bit ${interpretation} waveform samples (µ-law/A-law audio and others are not ECG)`);
  assertSampleBudget(channelCount, sampleCount, 'DICOM');
  const data = group.get(T.waveformData)?.value;
  if (!data) throw new EcgFormatError('NO_SIGNAL', 'DICOM: the multiplex group has no Waveform Data');
  const needed = channelCount * sampleCount * type.bytes;
  if (data.length < needed) throw new EcgFormatError('TRUNCATED', `DICOM: ${data.length} of ${needed} waveform bytes`);
  const definitions = group.get(T.channelDefinitions)?.items ?? [];
  if (definitions.length !== channelCount) throw corrupt(`${channelCount} channels declared, ${definitions.length} defined`);
  return { channelCount, sampleCount, sampleRateHz, type, data, definitions };
}

interface Padding {
  value: number;
  /** Stored in the other byte order (see paddingValue). */
  swapped: boolean;
}

/**
 * Waveform Padding Value (5400,100A) is stored in the data set's byte order. ECG Toolkit writes it big-endian in
 * little-endian files: bytes 80 00, meant as −32768, read as +128, which is an ordinary 320 µV sample at 2.5 µV per
 * unit. When the value as written is not the type's extreme but the swapped reading is, the writer's intent (the
 * usual "no sample" code) is unambiguous: the swapped value is used and the deviation noted. Only an extreme value
 * is honoured at all: a trailing run of an ordinary value such as 0 is a flat line, not missing data.
 */
function paddingValue(group: DicomDataset, type: SampleType): Padding | undefined {
  const bytes = group.get(T.paddingValue)?.value;
  if (!bytes || bytes.length < type.bytes) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const asWritten = readSample(view, 0, type);
  const extreme = (value: number) => value === type.min || value === type.max;
  if (extreme(asWritten)) return { value: asWritten, swapped: false };
  if (type.bytes > 1) {
    const swapped = readSample(view, 0, type, false);
    if (extreme(swapped)) return { value: swapped, swapped: true };
  }
  // A padding value inside the range of real samples (0, say) cannot be told from them: ignored, as pydicom does.
  return undefined;
}

interface DecodedGroup {
  sampleRateHz: number;
  leads: EcgLead[];
  deviations: EcgDeviation[];
}

/**
 * Decodes one channel: physical = raw × sensitivity × correction + baseline, the baseline in the sensitivity's
 * units (pydicom's `multiplex_array` applies the same three attributes in the same order). Padding marks samples
 * that were not acquired only as a run at the END of a channel (a channel shorter than its group); elsewhere the
 * padding value is an ordinary sample, as pydicom reads it, and the record says so. Returns how many padding values
 * were found inside the signal.
 */
function decodeChannel(layout: GroupLayout, channel: number, scale: ChannelScale, padding: Padding | undefined): { lead: EcgLead; paddedInside: number } {
  const { sampleCount, channelCount, type, data } = layout;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const stride = channelCount * type.bytes;
  const first = channel * type.bytes;
  let recorded = sampleCount;
  if (padding !== undefined) {
    while (recorded > 0 && readSample(view, first + (recorded - 1) * stride, type) === padding.value) recorded--;
  }
  const microvolts = new Float32Array(sampleCount);
  const { factor, offset } = scale;
  let paddedInside = 0;
  // index.ts's range check, done once: raw × factor + offset is monotonic in raw, so when both ends of the sample
  // type's range land inside the limit every value does (rangeProven), and the loop stores without comparing.
  let inRange = rangeProven(type.min, type.max, 0, factor, offset);
  const checkEach = !inRange;
  const max = MAX_ABS_MICROVOLTS;
  if (type.bytes === 2 && type.signed && padding === undefined && !checkEach) {
    // The common case (16-bit signed, no padding value, range proven): one load, one multiply-add, one store.
    for (let i = 0, at = first; i < recorded; i++, at += stride) microvolts[i] = view.getInt16(at, true) * factor + offset;
  } else {
    const paddingRaw = padding?.value;
    // One loop per sample width: DataView calls inline, no per-sample closure (this loop is the DICOM parse cost).
    if (type.bytes === 2 && type.signed) {
      for (let i = 0, at = first; i < recorded; i++, at += stride) {
        const raw = view.getInt16(at, true);
        if (raw === paddingRaw) paddedInside++;
        const value = raw * factor + offset;
        microvolts[i] = value;
        if (checkEach && !(value <= max && value >= -max)) inRange = false;
      }
    } else {
      for (let i = 0, at = first; i < recorded; i++, at += stride) {
        const raw = readSample(view, at, type);
        if (raw === paddingRaw) paddedInside++;
        const value = raw * factor + offset;
        microvolts[i] = value;
        if (checkEach && !(value <= max && value >= -max)) inRange = false;
      }
    }
  }
  if (inRange) markRangeProven(microvolts);
  if (recorded < sampleCount) microvolts.fill(Number.NaN, recorded);
  const lead = withGaps({ name: scale.name, microvolts }, recorded < sampleCount ? [{ start: recorded, end: sampleCount }] : []);
  return { lead, paddedInside };
}

function readGroup(group: DicomDataset, decode: TextDecoderFn): DecodedGroup {
  const layout = groupLayout(group);
  const padding = paddingValue(group, layout.type);
  const deviations: EcgDeviation[] = [];
  if (padding?.swapped) {
    deviations.push({ code: 'DICOM_PADDING_BYTE_SWAPPED', detail: `Waveform Padding Value is stored in the other byte order; read as ${padding.value}` });
  }
  const leads: EcgLead[] = [];
  let paddedInside = 0;
  layout.definitions.forEach((definition, channel) => {
    const scale = channelScale(definition, channel, decode);
    if (!scale) return;
    const decoded = decodeChannel(layout, channel, scale, padding);
    leads.push(decoded.lead);
    paddedInside += decoded.paddedInside;
  });
  if (leads.length === 0) throw new EcgFormatError('NO_SIGNAL', 'DICOM: no channel is calibrated in volts');
  if (paddedInside > 0) {
    deviations.push({
      code: 'DICOM_PADDING_INSIDE_SIGNAL',
      detail: `the padding value ${padding!.value} occurs ${paddedInside} times inside the signal; read as ordinary samples`,
    });
  }
  return { sampleRateHz: layout.sampleRateHz, leads, deviations };
}

/** The median beats are an extra: a median group we cannot read leaves the rhythm readable rather than refusing it. */
function readMedian(group: DicomDataset, decode: TextDecoderFn): DecodedGroup | undefined {
  try {
    return readGroup(group, decode);
  } catch (error) {
    if (error instanceof EcgFormatError && error.code !== 'TOO_LARGE') return undefined;
    throw error;
  }
}

const originality = (group: DicomDataset) => asciiValue(group.get(T.waveformOriginality));

/**
 * Carts put the rhythm (ORIGINAL) and the median beats (DERIVED) in one object, in either order. The rhythm is what
 * the screen shows; a DERIVED group beside it is kept as the record's median beat. Only when nothing is ORIGINAL is
 * the first group shown (a file of median beats alone).
 */
function chooseGroups(groups: DicomDataset[]): { rhythm: DicomDataset; median?: DicomDataset } {
  const rhythm = groups.find((group) => originality(group) === 'ORIGINAL') ?? groups[0];
  const median = groups.find((group) => group !== rhythm && originality(group) === 'DERIVED');
  return { rhythm, median };
}

// ---------------------------------------------------------------------------------------------------------------
// Patient, device, time

/** PN: "Family^Given^Middle^Prefix^Suffix", with "=" separating alphabetic, ideographic and phonetic forms. */
export function personName(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const groups = value.split('=');
  const chosen = groups[1]?.replace(/\^/g, '').trim() ? groups[1] : groups[0];
  const [family = '', given = '', middle = ''] = chosen.split('^').map((part) => part.trim());
  const parts = [family, given, middle].filter(Boolean);
  if (parts.length === 0) return undefined;
  return parts.join(parts.some((part) => /[\u3400-\u9fff\uf900-\ufaff]/.test(part)) ? '' : ' ');
}

function daValue(text: string | undefined): string | undefined {
  const compact = text?.replace(/\./g, '');
  const ts = compact && /^\d{8}$/.test(compact) ? parseHl7Timestamp(compact) : undefined;
  return ts ? hl7TimestampToIso(ts) : undefined;
}

/** DICOM DT has HL7 TS's layout (YYYYMMDDHHMMSS.FFFFFF&ZZXX), so one parser serves both. */
function dateTime(dataset: DicomDataset): string | undefined {
  const zone = asciiValue(dataset.get(T.timezoneOffset));
  const withZone = (text: string) => (zone && /^[+-]\d{4}$/.test(zone) && !/[+-]\d{4}$/.test(text) ? text + zone : text);
  const dt = asciiValue(dataset.get(T.acquisitionDateTime));
  const candidates = [
    dt,
    ...[
      [T.acquisitionDate, T.acquisitionTime],
      [T.contentDate, T.contentTime],
      [T.studyDate, T.studyTime],
    ].map(([dateTag, timeTag]) => {
      const date = asciiValue(dataset.get(dateTag))?.replace(/\./g, '');
      const time = asciiValue(dataset.get(timeTag))?.replace(/:/g, '');
      return date ? date + (time ?? '') : undefined;
    }),
  ];
  for (const candidate of candidates) {
    const ts = candidate ? parseHl7Timestamp(withZone(candidate)) : undefined;
    if (ts && ts.day !== undefined) return hl7TimestampToIso(ts);
  }
  return undefined;
}

const SEX_CODES: Readonly<Record<string, 'M' | 'F' | 'U'>> = { M: 'M', F: 'F', O: 'U' };

function readPatient(dataset: DicomDataset, decode: TextDecoderFn): EcgPatientInfo | undefined {
  const patient: EcgPatientInfo = {};
  const id = textValue(dataset.get(T.patientId), decode);
  if (id) patient.id = id;
  const name = personName(textValue(dataset.get(T.patientName), decode));
  if (name) patient.name = name;
  const sex = SEX_CODES[asciiValue(dataset.get(T.patientSex)) ?? ''];
  if (sex) patient.sex = sex;
  const birthDate = daValue(asciiValue(dataset.get(T.patientBirthDate)));
  if (birthDate) patient.birthDate = birthDate;
  const age = /^(\d{3})Y$/.exec(asciiValue(dataset.get(T.patientAge)) ?? '');
  if (age) patient.ageYears = Number(age[1]);
  return Object.keys(patient).length > 0 ? patient : undefined;
}

function readDevice(dataset: DicomDataset, decode: TextDecoderFn): EcgDeviceInfo | undefined {
  const device: EcgDeviceInfo = {};
  const manufacturer = textValue(dataset.get(T.manufacturer), decode);
  if (manufacturer) device.manufacturer = manufacturer;
  const model = textValue(dataset.get(T.modelName), decode);
  if (model) device.model = model;
  const serial = textValue(dataset.get(T.deviceSerial), decode);
  if (serial) device.serial = serial;
  return Object.keys(device).length > 0 ? device : undefined;
}

// ---------------------------------------------------------------------------------------------------------------

/** Decodes a DICOM waveform object; throws EcgFormatError. */
export function readDicom(bytes: Uint8Array): EcgRecord {
  if (!hasPreamble(bytes) && !looksLikeBareDataset(bytes)) throw new EcgFormatError('UNKNOWN_FORMAT', 'DICOM: no "DICM" marker and no data set');
  const { datasetStart, explicitVr } = readFraming(bytes);
  const { dataset } = new DicomParser(bytes, explicitVr).parseDataset(datasetStart, bytes.length, 0);
  const sopClass = asciiValue(dataset.get(T.sopClassUid));
  const groups = dataset.get(T.waveformSequence)?.items ?? [];
  if (groups.length === 0) {
    if (sopClass !== undefined && !WAVEFORM_SOP_CLASSES[sopClass]) throw unsupported(`SOP class ${sopClass} is not a waveform object`);
    throw new EcgFormatError('NO_SIGNAL', 'DICOM: the object has no Waveform Sequence');
  }
  const decode = characterSetDecoder(asciiValue(dataset.get(T.specificCharacterSet)));
  const chosen = chooseGroups(groups);
  const rhythm = readGroup(chosen.rhythm, decode);
  const record: EcgRecord = { format: 'dicom', sampleRateHz: rhythm.sampleRateHz, leads: rhythm.leads };
  const deviations = [...rhythm.deviations];
  const median = chosen.median ? readMedian(chosen.median, decode) : undefined;
  if (median) {
    record.medianBeat = { sampleRateHz: median.sampleRateHz, leads: median.leads };
    deviations.push(...median.deviations.filter((deviation) => !deviations.some((known) => known.code === deviation.code)));
  }
  if (deviations.length > 0) record.deviations = deviations;
  const recordedAt = dateTime(dataset);
  if (recordedAt) record.recordedAt = recordedAt;
  const patient = readPatient(dataset, decode);
  if (patient) record.patient = patient;
  const device = readDevice(dataset, decode);
  if (device) record.device = device;
  return record;
}

export const dicomReader: EcgReader = {
  format: 'dicom',
  sniff: (head) => hasPreamble(head) || looksLikeBareDataset(head),
  read: async (input) => readDicom(input.bytes),
};
