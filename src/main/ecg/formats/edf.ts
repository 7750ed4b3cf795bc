import path from 'node:path';
import type { EcgAnnotation, EcgGap, EcgLead, EcgRecord } from '../../../shared/ecg';
import { parseTals } from './edf-annotations';
import { isAnnotationSignal, parseEdfHeader, type EdfHeader, type EdfSignalHeader } from './edf-header';
import { edfDevice, edfPatient, edfRecordedAt } from './edf-identification';
import { leadNameFromLabel, microvoltsPerUnit } from './edf-labels';
import { EcgFormatError } from './errors';
import { assertSampleBudget } from './limits';
import type { EcgReader, ReaderInput } from './reader';
import { markRangeProven, rangeProven, withGaps } from './sample-check';
import { decodeMitAnnotations } from './wfdb-annotations';

/**
 * EDF and EDF+ (C and D) reader.
 *
 * Which signals become leads: every signal whose physical dimension is a voltage (the "EDF Annotations" channel and
 * non-voltage channels such as SpO2 % or temperature are not ECG). When those signals do not share one sample rate,
 * the ones whose label names an ECG lead are kept if they agree on a rate; otherwise the file is refused with
 * UNSUPPORTED_VARIANT naming the rates. Nothing is resampled: interpolating a slower channel up would invent
 * samples that a clinician would then measure intervals on.
 *
 * EDF+D records are placed on the time axis by their time-keeping TALs; the gaps between records are NaN
 * ("missing"), so sample index stays proportional to time for calipers and annotations.
 */

const EDF_VERSION = '0       ';
const BDF_MAGIC = '\xffBIOSEMI';
const BYTES_PER_SAMPLE = 2;
/**
 * EDF+D gaps are filled with NaN; a lying time stamp must not make us allocate gigabytes. Real gaps (a paused
 * Holter, a sleep study between montages) stay well within 16× the recorded samples plus ten minutes.
 */
const MAX_GAP_FACTOR = 16;
const MAX_GAP_FLOOR_S = 600;
/** ECG is microvolts to millivolts; a physical range beyond a megavolt is a broken header, and would overflow Float32. */
const MAX_PHYSICAL_MICROVOLTS = 1e12;
/** WFDB annotation files PhysioNet ships beside EDF records (`r01.edf.qrs`), reference-grade first. */
const COMPANION_ANNOTATION_EXTENSIONS = ['atr', 'qrs'];

function startsWithAscii(head: Uint8Array, text: string): boolean {
  if (head.length < text.length) return false;
  for (let i = 0; i < text.length; i++) if (head[i] !== text.charCodeAt(i)) return false;
  return true;
}

interface SignalLayout {
  signal: EdfSignalHeader;
  /** Byte offset of this signal's samples inside one data record. */
  offsetInRecord: number;
}

interface DataLayout {
  signals: SignalLayout[];
  bytesPerRecord: number;
  recordCount: number;
}

function dataLayout(header: EdfHeader, fileBytes: number): DataLayout {
  let offset = 0;
  const signals = header.signals.map((signal) => {
    const layout = { signal, offsetInRecord: offset };
    offset += signal.samplesPerRecord * BYTES_PER_SAMPLE;
    return layout;
  });
  const bytesPerRecord = offset;
  if (bytesPerRecord === 0) throw new EcgFormatError('NO_SIGNAL', 'EDF data records hold no samples');
  const availableRecords = Math.floor((fileBytes - header.headerBytes) / bytesPerRecord);
  if (header.recordCount > availableRecords) {
    throw new EcgFormatError('TRUNCATED', `EDF header declares ${header.recordCount} data records, the file holds ${availableRecords}`);
  }
  const recordCount = header.recordCount === -1 ? availableRecords : header.recordCount;
  return { signals, bytesPerRecord, recordCount };
}

function looksLikeEcgLabel(label: string): boolean {
  return /^(ecg|ekg)\b/i.test(label.trim()) || leadNameFromLabel(label) !== label.trim();
}

function describeRates(signals: SignalLayout[], recordDurationS: number): string {
  return signals.map(({ signal }) => `${signal.label} ${signal.samplesPerRecord / recordDurationS} Hz`).join(', ');
}

/** The voltage signals that become leads, all at one rate (see the module comment for the rule). */
function chooseLeadSignals(layout: DataLayout, recordDurationS: number): SignalLayout[] {
  const voltage = layout.signals.filter(
    ({ signal }) => !isAnnotationSignal(signal) && signal.samplesPerRecord > 0 && microvoltsPerUnit(signal.physicalDimension) !== undefined,
  );
  if (voltage.length === 0) {
    const labels = layout.signals.map(({ signal }) => `${signal.label} [${signal.physicalDimension}]`).join(', ');
    throw new EcgFormatError('NO_SIGNAL', `EDF file has no signal in uV, mV or V (${labels})`);
  }
  if (!(recordDurationS > 0)) throw new EcgFormatError('CORRUPT', 'EDF data record duration is 0 for a file with signals');
  const sameRate = (group: SignalLayout[]) => group.every(({ signal }) => signal.samplesPerRecord === group[0].signal.samplesPerRecord);
  if (sameRate(voltage)) return voltage;
  const ecg = voltage.filter(({ signal }) => looksLikeEcgLabel(signal.label));
  if (ecg.length > 0 && sameRate(ecg)) return ecg;
  throw new EcgFormatError(
    'UNSUPPORTED_VARIANT',
    `EDF ECG signals have different sample rates (${describeRates(ecg.length > 0 ? ecg : voltage, recordDurationS)}); ` +
      'resampling would invent samples, so the file is not read',
  );
}

interface RecordTals {
  /** Onset of the time-keeping TAL: this record's start, seconds after the file's start time. */
  startS?: number;
  annotations: { onsetS: number; text: string }[];
}

function readRecordTals(bytes: Uint8Array, header: EdfHeader, layout: DataLayout, record: number): RecordTals {
  const recordStart = header.headerBytes + record * layout.bytesPerRecord;
  const result: RecordTals = { annotations: [] };
  for (const { signal, offsetInRecord } of layout.signals) {
    if (!isAnnotationSignal(signal)) continue;
    const start = recordStart + offsetInRecord;
    const tals = parseTals(bytes.subarray(start, start + signal.samplesPerRecord * BYTES_PER_SAMPLE), `data record ${record + 1}`);
    if (result.startS === undefined && tals.length > 0) result.startS = tals[0].onsetS;
    for (const tal of tals) for (const text of tal.texts) result.annotations.push({ onsetS: tal.onsetS, text });
  }
  return result;
}

interface Timeline {
  /** First sample of each data record in the output arrays. */
  recordOffsets: number[];
  length: number;
  /** Stretches between EDF+D records where nothing was recorded (NaN in every lead). */
  gaps: EcgGap[];
  /** Seconds after the file's start time that output sample 0 stands for. */
  originS: number;
}

function contiguousTimeline(recordCount: number, samplesPerRecord: number, originS: number): Timeline {
  const recordOffsets = Array.from({ length: recordCount }, (_, record) => record * samplesPerRecord);
  return { recordOffsets, length: recordCount * samplesPerRecord, gaps: [], originS };
}

function discontinuousTimeline(recordTals: RecordTals[], samplesPerRecord: number, sampleRateHz: number): Timeline {
  const starts = recordTals.map((tals, record) => {
    if (tals.startS === undefined) {
      throw new EcgFormatError('CORRUPT', `EDF+D data record ${record + 1} has no time-keeping annotation`);
    }
    return tals.startS;
  });
  const originS = starts[0] ?? 0;
  const recordOffsets: number[] = [];
  const gaps: EcgGap[] = [];
  let nextFree = 0;
  for (const [record, startS] of starts.entries()) {
    const offset = Math.round((startS - originS) * sampleRateHz);
    if (offset < nextFree) {
      throw new EcgFormatError('CORRUPT', `EDF+D data record ${record + 1} starts before the previous one ends`);
    }
    if (offset > nextFree) gaps.push({ start: nextFree, end: offset });
    recordOffsets.push(offset);
    nextFree = offset + samplesPerRecord;
  }
  return { recordOffsets, length: nextFree, gaps, originS };
}

/** One data record's run of little-endian Int16 samples, scaled, into `out` from `target` (bytes assembled by hand: no DataView per sample). */
function fillInt16(bytes: Uint8Array, source: number, count: number, gain: number, offset: number, out: Float32Array, target: number): void {
  for (let i = 0, at = source; i < count; i++, at += 2) {
    out[target + i] = (((bytes[at] | (bytes[at + 1] << 8)) << 16) >> 16) * gain + offset;
  }
}

/** The same through an Int16Array view of the file (little-endian host, file data at an even address): one load per sample. */
function fillInt16Aligned(words: Int16Array, source: number, count: number, gain: number, offset: number, out: Float32Array, target: number): void {
  for (let i = 0, at = source >> 1; i < count; i++, at++) out[target + i] = words[at] * gain + offset;
}

const LITTLE_ENDIAN_HOST = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

function decodeLead(bytes: Uint8Array, header: EdfHeader, layout: DataLayout, lead: SignalLayout, timeline: Timeline): EcgLead {
  const { signal } = lead;
  const digitalSpan = signal.digitalMax - signal.digitalMin;
  if (digitalSpan === 0) throw new EcgFormatError('CORRUPT', `EDF signal "${signal.label}": digital minimum equals maximum`);
  const unit = microvoltsPerUnit(signal.physicalDimension) ?? 1;
  if (!(Math.max(Math.abs(signal.physicalMin), Math.abs(signal.physicalMax)) * unit <= MAX_PHYSICAL_MICROVOLTS)) {
    throw new EcgFormatError(
      'CORRUPT',
      `EDF signal "${signal.label}": physical range ${signal.physicalMin}..${signal.physicalMax} ${signal.physicalDimension} is not plausible`,
    );
  }
  // physical = (digital − dmin)·(pmax − pmin)/(dmax − dmin) + pmin, folded into one gain and offset per signal.
  const gain = ((signal.physicalMax - signal.physicalMin) / digitalSpan) * unit;
  const offset = signal.physicalMin * unit - signal.digitalMin * gain;
  const microvolts = new Float32Array(timeline.length);
  for (const gap of timeline.gaps) microvolts.fill(Number.NaN, gap.start, gap.end);
  const perRecord = signal.samplesPerRecord;
  // Header and records are whole numbers of 16-bit words, so every sample is aligned when the file's bytes are.
  const words = LITTLE_ENDIAN_HOST && bytes.byteOffset % 2 === 0 ? new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 1) : undefined;
  for (let record = 0; record < layout.recordCount; record++) {
    const source = header.headerBytes + record * layout.bytesPerRecord + lead.offsetInRecord;
    if (words && source % 2 === 0) fillInt16Aligned(words, source, perRecord, gain, offset, microvolts, timeline.recordOffsets[record]);
    else fillInt16(bytes, source, perRecord, gain, offset, microvolts, timeline.recordOffsets[record]);
  }
  // Every Int16 maps inside the range (the usual case): index.ts's final pass over the samples is not needed.
  if (rangeProven(-32768, 32767, 0, gain, offset)) markRangeProven(microvolts);
  return withGaps(
    { name: leadNameFromLabel(signal.label), microvolts },
    timeline.gaps.map((gap) => ({ ...gap })),
  );
}

function talAnnotations(recordTals: RecordTals[], timeline: Timeline, sampleRateHz: number): EcgAnnotation[] {
  const annotations: EcgAnnotation[] = [];
  for (const tals of recordTals) {
    for (const { onsetS, text } of tals.annotations) {
      const sample = Math.round((onsetS - timeline.originS) * sampleRateHz);
      if (sample >= 0 && sample < timeline.length) annotations.push({ sample, symbol: text });
    }
  }
  return annotations;
}

async function companionAnnotations(input: ReaderInput): Promise<EcgAnnotation[] | undefined> {
  const fileName = path.basename(input.path);
  for (const extension of COMPANION_ANNOTATION_EXTENSIONS) {
    const bytes = await input.readCompanion(`${fileName}.${extension}`);
    if (bytes) return decodeMitAnnotations(bytes);
  }
  return undefined;
}

/**
 * The companion WFDB file and the EDF+ TALs often mark the same beats (PhysioNet's adfecgdb has both). Where both
 * mark a beat, the companion's MIT mnemonic wins because analysis and EC57 scoring speak MIT codes; TAL annotations
 * elsewhere are kept. "The same" allows one sample: the two files round onsets differently (r01's TAL says
 * +32.175 s, its .qrs says sample 32174).
 */
const SAME_EVENT_TOLERANCE_SAMPLES = 1;

function mergeAnnotations(fromTals: EcgAnnotation[], fromCompanion: EcgAnnotation[] | undefined): EcgAnnotation[] {
  if (!fromCompanion) return fromTals;
  const marked = new Set(fromCompanion.map((annotation) => annotation.sample));
  const isMarked = (sample: number) => {
    for (let delta = -SAME_EVENT_TOLERANCE_SAMPLES; delta <= SAME_EVENT_TOLERANCE_SAMPLES; delta++) {
      if (marked.has(sample + delta)) return true;
    }
    return false;
  };
  const merged = [...fromCompanion, ...fromTals.filter((annotation) => !isMarked(annotation.sample))];
  return merged.sort((a, b) => a.sample - b.sample);
}

function buildTimeline(header: EdfHeader, layout: DataLayout, recordTals: RecordTals[], samplesPerRecord: number, sampleRateHz: number): Timeline {
  const hasAnnotationSignal = header.signals.some(isAnnotationSignal);
  if (header.variant === 'EDF+D') {
    if (!hasAnnotationSignal) throw new EcgFormatError('CORRUPT', 'EDF+D file has no "EDF Annotations" signal to time its records');
    return discontinuousTimeline(recordTals, samplesPerRecord, sampleRateHz);
  }
  return contiguousTimeline(layout.recordCount, samplesPerRecord, recordTals[0]?.startS ?? 0);
}

async function readEdf(input: ReaderInput): Promise<EcgRecord> {
  const { bytes } = input;
  if (startsWithAscii(bytes, BDF_MAGIC)) {
    throw new EcgFormatError('UNSUPPORTED_VARIANT', 'BDF (BioSemi 24-bit EDF) is not supported; export as EDF+');
  }
  const header = parseEdfHeader(bytes);
  const layout = dataLayout(header, bytes.length);
  const leadSignals = chooseLeadSignals(layout, header.recordDurationS);
  if (layout.recordCount === 0) throw new EcgFormatError('NO_SIGNAL', 'EDF file has no data records');
  const samplesPerRecord = leadSignals[0].signal.samplesPerRecord;
  const sampleRateHz = samplesPerRecord / header.recordDurationS;
  const recordTals = Array.from({ length: layout.recordCount }, (_, record) => readRecordTals(bytes, header, layout, record));
  const timeline = buildTimeline(header, layout, recordTals, samplesPerRecord, sampleRateHz);
  const storedSamples = layout.recordCount * samplesPerRecord;
  const allowedLength = storedSamples * MAX_GAP_FACTOR + MAX_GAP_FLOOR_S * sampleRateHz;
  if (timeline.length > allowedLength) {
    throw new EcgFormatError('TOO_LARGE', `EDF record would decode to ${timeline.length} samples per lead (${storedSamples} stored)`);
  }
  assertSampleBudget(leadSignals.length, timeline.length, 'EDF');
  const leads = leadSignals.map((lead) => decodeLead(bytes, header, layout, lead, timeline));
  const annotations = mergeAnnotations(talAnnotations(recordTals, timeline, sampleRateHz), await companionAnnotations(input));
  const record: EcgRecord = { format: 'edf', sampleRateHz, leads };
  const recordedAt = edfRecordedAt(header);
  const patient = edfPatient(header);
  const device = edfDevice(header);
  if (recordedAt) record.recordedAt = recordedAt;
  if (patient) record.patient = patient;
  if (device) record.device = device;
  if (annotations.length > 0) record.annotations = annotations;
  return record;
}

export const edfReader: EcgReader = {
  format: 'edf',
  sniff: (head) => startsWithAscii(head, EDF_VERSION) || startsWithAscii(head, BDF_MAGIC),
  read: readEdf,
};
