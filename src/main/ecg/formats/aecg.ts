import { MAX_ABS_MICROVOLTS, type EcgAnnotation, type EcgDeviceInfo, type EcgLead, type EcgPatientInfo, type EcgRecord } from '../../../shared/ecg';
import { EcgFormatError } from './errors';
import { withDetails, type EcgReader } from './reader';
import { markRangeProven } from './sample-check';
import {
  BEAT_CODE,
  LOINC_REPORTED_AGE,
  QRS_WAVE_CODE,
  REPRESENTATIVE_BEAT_SERIES,
  RHYTHM_SERIES,
  TIME_ABSOLUTE,
  TIME_RELATIVE,
  aecgSampleValue,
  beatSymbolFromCode,
  leadNameFromCode,
  microvoltsPerUnit,
  secondsPerUnit,
} from './aecg-vocabulary';
import { hl7TimestampSeconds, hl7TimestampToIso, parseHl7Timestamp, type Hl7Timestamp } from './aecg-time';
import { attribute, childElements, childPath, descendants, firstChild, ownText, parseXml, sniffRootElement, textValue, type XmlElement } from './xml';

/**
 * HL7 v3 Annotated ECG (ANSI/HL7 V3 ECG R1-2004, the FDA's exchange format).
 *
 * Structure used: AnnotatedECG / component / series (code RHYTHM) / component / sequenceSet / component /
 * sequence. One sequence carries time (GLIST_TS or GLIST_PQ: head + increment), the others one lead each
 * (SLIST_PQ: value = origin + scale × digit, each with its own unit). A series may hold derived series
 * (REPRESENTATIVE_BEAT, a median beat) under `derivation`; the rhythm is preferred, a derived series is read only
 * when the file has nothing else.
 */

const corrupt = (message: string) => new EcgFormatError('CORRUPT', `aECG: ${message}`);

/** Strict decimal (HL7 REAL / PQ value): no hex, no Infinity, no empty string. */
const DECIMAL_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function parseDecimal(text: string | undefined, what: string): number {
  const trimmed = text?.trim();
  if (trimmed === undefined || !DECIMAL_RE.test(trimmed)) throw corrupt(`${what} is not a number ("${text ?? ''}")`);
  return Number(trimmed);
}

interface Series {
  element: XmlElement;
  code: string | undefined;
  /** Rhythm first, then other primary series, then derived ones. */
  rank: number;
}

function seriesCandidates(root: XmlElement): Series[] {
  const primary = descendants(root, 'series').map((element) => {
    const code = attribute(firstChild(element, 'code'), 'code');
    return { element, code, rank: code === RHYTHM_SERIES ? 0 : code === REPRESENTATIVE_BEAT_SERIES ? 2 : 1 };
  });
  const derived = descendants(root, 'derivedSeries').map((element) => ({
    element,
    code: attribute(firstChild(element, 'code'), 'code'),
    rank: 2,
  }));
  return [...primary, ...derived].sort((a, b) => a.rank - b.rank);
}

/** Direct sequence sets of a series (not those of its derived series). */
function sequenceSets(series: XmlElement): XmlElement[] {
  return childElements(series, 'component').flatMap((component) => childElements(component, 'sequenceSet'));
}

function sequencesOf(sequenceSet: XmlElement): XmlElement[] {
  return childElements(sequenceSet, 'component').flatMap((component) => childElements(component, 'sequence'));
}

const codeOf = (element: XmlElement | undefined) => attribute(firstChild(element, 'code'), 'code');

// ---------------------------------------------------------------------------------------------------------------
// Time axis

interface TimeAxis {
  sampleRateHz: number;
  /** Absolute start when the time sequence is TIME_ABSOLUTE. */
  absoluteStart?: Hl7Timestamp;
  /** Start of a relative time sequence, in seconds. */
  relativeStartSeconds: number;
}

function physicalSeconds(element: XmlElement | undefined, what: string): number {
  const unit = attribute(element, 'unit') ?? 's';
  const factor = secondsPerUnit(unit);
  if (factor === undefined) throw new EcgFormatError('UNSUPPORTED_VARIANT', `aECG: ${what} in unit "${unit}"`);
  return parseDecimal(attribute(element, 'value'), what) * factor;
}

/**
 * The interval is a decimal (1/360 s is written 0.002777777777777778), so 1/interval is not quite the rate.
 * The rate is the shortest decimal whose reciprocal is that interval: 360, not 359.99999999999994.
 */
export function rateFromInterval(intervalSeconds: number): number {
  const raw = 1 / intervalSeconds;
  for (let digits = 1; digits <= 17; digits++) {
    const candidate = Number(raw.toPrecision(digits));
    if (1 / candidate === intervalSeconds) return candidate;
  }
  return raw;
}

function readTimeAxis(sequence: XmlElement): TimeAxis {
  const value = firstChild(sequence, 'value');
  const increment = firstChild(value, 'increment');
  if (!increment) throw corrupt('time sequence has no increment (sample interval)');
  const intervalSeconds = physicalSeconds(increment, 'sample interval');
  if (!(intervalSeconds >= 1e-6 && intervalSeconds <= 10)) throw corrupt(`sample interval ${intervalSeconds} s is impossible`);
  const sampleRateHz = rateFromInterval(intervalSeconds);
  const head = firstChild(value, 'head');
  if (codeOf(sequence) === TIME_ABSOLUTE) {
    return { sampleRateHz, absoluteStart: parseHl7Timestamp(attribute(head, 'value')), relativeStartSeconds: 0 };
  }
  return { sampleRateHz, relativeStartSeconds: head && attribute(head, 'value') !== undefined ? physicalSeconds(head, 'time head') : 0 };
}

// ---------------------------------------------------------------------------------------------------------------
// Leads

function amplitudeMicrovolts(element: XmlElement | undefined, what: string, fallback: number): number {
  if (!element || attribute(element, 'value') === undefined) return fallback;
  const value = parseDecimal(attribute(element, 'value'), what);
  const unit = attribute(element, 'unit');
  if (unit === undefined && value === 0) return 0;
  const factor = unit === undefined ? undefined : microvoltsPerUnit(unit);
  if (factor === undefined) throw new EcgFormatError('UNSUPPORTED_VARIANT', `aECG: ${what} in unit "${unit ?? '(none)'}" is not a voltage`);
  return value * factor;
}

/**
 * Parses a `digits` list (whitespace-separated integers) straight into physical microvolts. The loop runs over the
 * text's UTF-8 bytes (one native copy): a byte loop is several times faster than charCodeAt on the slice of the
 * document the text is. ASCII text has the same positions either way; any other character is a byte ≥ 0x80, never a
 * digit or a separator, so a text the byte loop refuses goes to the character loop, which names the bad token.
 */
function parseDigits(text: string, originMicrovolts: number, scaleMicrovolts: number, lead: string): Float32Array {
  return parseDigitBytes(utf8WithSentinel(text), originMicrovolts, scaleMicrovolts) ?? parseDigitText(text, originMicrovolts, scaleMicrovolts, lead);
}

const UTF8_ENCODER = new TextEncoder();
/** Reused by every lead of every file (one lead's text at a time); one larger than this is encoded into its own. */
const SCRATCH_KEEP_BYTES = 1 << 20;
let scratch = new Uint8Array(0);

/**
 * The text's UTF-8 bytes and one space after them, which ends the last token, so the inner loops need no
 * end-of-input test per character. Encoded into a buffer kept between calls: a new Buffer per lead (and the
 * string concatenation for the space) cost five times the encoding itself.
 */
function utf8WithSentinel(text: string): Uint8Array {
  const needed = text.length * 3 + 1;
  let buffer = scratch;
  if (buffer.length < needed) {
    buffer = new Uint8Array(needed);
    if (needed <= SCRATCH_KEEP_BYTES) scratch = buffer;
  }
  const { written } = UTF8_ENCODER.encodeInto(text, buffer);
  buffer[written] = 0x20;
  return buffer.subarray(0, written + 1);
}

/** The byte loop of parseDigits over the text's bytes and one trailing space; undefined when a token is not an integer. */
function parseDigitBytes(bytes: Uint8Array, originMicrovolts: number, scaleMicrovolts: number): Float32Array | undefined {
  const length = bytes.length - 1;
  const values = new Float32Array((length >> 1) + 1);
  let count = 0;
  const sampleValue = aecgSampleValue;
  const max = MAX_ABS_MICROVOLTS;
  let inRange = true;
  let i = 0;
  while (i < length) {
    let ch = bytes[i];
    if (ch === 0x20 || ch === 0x0a || ch === 0x09 || ch === 0x0d) {
      i++;
      continue;
    }
    const negative = ch === 0x2d;
    if (negative || ch === 0x2b) ch = bytes[++i];
    const digitsStart = i;
    let digit = 0;
    while (ch >= 0x30 && ch <= 0x39) {
      digit = digit * 10 + (ch - 0x30);
      ch = bytes[++i];
    }
    const digitCount = i - digitsStart;
    // The sentinel space stops the loops at the end, and is whitespace: a token ends at it like at any other.
    const endsToken = ch === 0x20 || ch === 0x0a || ch === 0x09 || ch === 0x0d;
    if (digitCount === 0 || !endsToken || digitCount > 15) return undefined;
    const value = sampleValue(originMicrovolts, scaleMicrovolts, negative ? -digit : digit);
    values[count++] = value;
    if (!(value <= max && value >= -max)) inRange = false;
  }
  const trimmed = values.slice(0, count);
  return inRange ? markRangeProven(trimmed) : trimmed;
}

/** The character loop: the same parse over the text itself, for the error message naming the bad token. */
function parseDigitText(text: string, originMicrovolts: number, scaleMicrovolts: number, lead: string): Float32Array {
  // A digit and its separator take at least two characters: sized once, filled in place, trimmed at the end.
  const values = new Float32Array((text.length >> 1) + 1);
  let count = 0;
  // A local copy: an imported function can compile to a property getter (CommonJS output), once per sample.
  const sampleValue = aecgSampleValue;
  const max = MAX_ABS_MICROVOLTS;
  let inRange = true;
  const length = text.length;
  let i = 0;
  while (i < length) {
    let ch = text.charCodeAt(i);
    if (ch === 0x20 || ch === 0x0a || ch === 0x09 || ch === 0x0d) {
      i++;
      continue;
    }
    const start = i;
    const negative = ch === 0x2d;
    if (negative || ch === 0x2b) ch = text.charCodeAt(++i);
    let digit = 0;
    let digitCount = 0;
    while (ch >= 0x30 && ch <= 0x39) {
      digit = digit * 10 + (ch - 0x30);
      digitCount++;
      ch = text.charCodeAt(++i);
    }
    const endsToken = i >= length || ch === 0x20 || ch === 0x0a || ch === 0x09 || ch === 0x0d;
    if (digitCount === 0 || !endsToken || digitCount > 15) {
      throw corrupt(`lead ${lead}: "${text.slice(start, Math.min(i + 1, start + 20))}" is not an integer digit`);
    }
    const value = sampleValue(originMicrovolts, scaleMicrovolts, negative ? -digit : digit);
    values[count++] = value;
    // index.ts's range check, folded into this loop (the value is Float32 already).
    if (!(value <= max && value >= -max)) inRange = false;
  }
  const trimmed = values.slice(0, count);
  return inRange ? markRangeProven(trimmed) : trimmed;
}

function readLead(sequence: XmlElement, index: number): EcgLead | undefined {
  const value = firstChild(sequence, 'value');
  const digits = firstChild(value, 'digits');
  if (!digits) return undefined;
  const code = codeOf(sequence);
  const name = code ? leadNameFromCode(code) : `Lead ${index + 1}`;
  const origin = amplitudeMicrovolts(firstChild(value, 'origin'), `lead ${name} origin`, 0);
  const scaleElement = firstChild(value, 'scale');
  if (!scaleElement) throw corrupt(`lead ${name} has digits but no scale`);
  const scale = amplitudeMicrovolts(scaleElement, `lead ${name} scale`, 1);
  return { name: name === '' ? `Lead ${index + 1}` : name, microvolts: parseDigits(ownText(digits), origin, scale, name) };
}

interface SignalSet {
  axis: TimeAxis;
  leads: EcgLead[];
}

function readSequenceSet(sequenceSet: XmlElement): SignalSet | undefined {
  const sequences = sequencesOf(sequenceSet);
  const timeSequence = sequences.find((sequence) => {
    const code = codeOf(sequence);
    return code === TIME_ABSOLUTE || code === TIME_RELATIVE;
  });
  const leads = sequences
    .filter((sequence) => sequence !== timeSequence)
    .map((sequence, index) => readLead(sequence, index))
    .filter((lead): lead is EcgLead => lead !== undefined);
  if (leads.length === 0) return undefined;
  if (!timeSequence) throw corrupt('lead sequences without a time sequence (no sample rate)');
  const count = leads[0].microvolts.length;
  const uneven = leads.find((lead) => lead.microvolts.length !== count);
  if (uneven) {
    throw corrupt(`lead ${uneven.name} has ${uneven.microvolts.length} samples, lead ${leads[0].name} has ${count}`);
  }
  if (count === 0) throw new EcgFormatError('NO_SIGNAL', 'aECG: the lead sequences hold no samples');
  return { axis: readTimeAxis(timeSequence), leads };
}

function chooseSignal(root: XmlElement): { series: XmlElement; signal: SignalSet } {
  for (const candidate of seriesCandidates(root)) {
    for (const sequenceSet of sequenceSets(candidate.element)) {
      const signal = readSequenceSet(sequenceSet);
      if (signal) return { series: candidate.element, signal };
    }
  }
  throw new EcgFormatError('NO_SIGNAL', 'aECG: no series holds lead sequences');
}

// ---------------------------------------------------------------------------------------------------------------
// Beat annotations: MDC_ECG_BEAT annotations, placed at the onset of their QRS wave annotation

function boundaryTimeSeconds(boundary: XmlElement, axis: TimeAxis): number | undefined {
  const value = firstChild(boundary, 'value');
  const point = firstChild(value, 'low') ?? firstChild(value, 'center') ?? (attribute(value, 'value') ? value : undefined);
  if (!point) return undefined;
  if (codeOf(boundary) === TIME_ABSOLUTE) {
    const at = parseHl7Timestamp(attribute(point, 'value'));
    if (!at || !axis.absoluteStart) return undefined;
    return hl7TimestampSeconds(at) - hl7TimestampSeconds(axis.absoluteStart);
  }
  if (codeOf(boundary) === TIME_RELATIVE) return physicalSeconds(point, 'annotation time') - axis.relativeStartSeconds;
  return undefined;
}

function qrsOnsetSeconds(beat: XmlElement, axis: TimeAxis): number | undefined {
  for (const component of childElements(beat, 'component')) {
    const wave = firstChild(component, 'annotation');
    if (!wave || attribute(firstChild(wave, 'value'), 'code') !== QRS_WAVE_CODE) continue;
    for (const roi of descendants(wave, 'supportingROI')) {
      for (const roiComponent of childElements(roi, 'component')) {
        const boundary = firstChild(roiComponent, 'boundary');
        const seconds = boundary ? boundaryTimeSeconds(boundary, axis) : undefined;
        if (seconds !== undefined) return seconds;
      }
    }
  }
  return undefined;
}

function readBeatAnnotations(series: XmlElement, axis: TimeAxis, sampleCount: number): EcgAnnotation[] {
  const annotations: EcgAnnotation[] = [];
  const sets = childElements(series, 'subjectOf').flatMap((subjectOf) => childElements(subjectOf, 'annotationSet'));
  for (const set of sets) {
    for (const beat of descendants(set, 'annotation')) {
      if (codeOf(beat) !== BEAT_CODE) continue;
      const seconds = qrsOnsetSeconds(beat, axis);
      if (seconds === undefined || !Number.isFinite(seconds)) continue;
      const sample = Math.round(seconds * axis.sampleRateHz);
      if (sample < 0 || sample >= sampleCount) continue;
      annotations.push({ sample, symbol: beatSymbolFromCode(attribute(firstChild(beat, 'value'), 'code')) });
    }
  }
  return annotations.sort((a, b) => a.sample - b.sample);
}

// ---------------------------------------------------------------------------------------------------------------
// Demographics and device

/** HL7 PN: plain text, or family/given parts (family first, no space between Chinese characters). */
function personName(name: XmlElement | undefined): string | undefined {
  if (!name) return undefined;
  const family = childElements(name, 'family')
    .map((part) => ownText(part).trim())
    .filter(Boolean);
  const given = childElements(name, 'given')
    .map((part) => ownText(part).trim())
    .filter(Boolean);
  if (family.length === 0 && given.length === 0) return textValue(name);
  const parts = [...family, ...given];
  const separator = parts.some((part) => /[\u3400-\u9fff\uf900-\ufaff]/.test(part)) ? '' : ' ';
  return parts.join(separator);
}

function isoDate(text: string | undefined): string | undefined {
  const ts = parseHl7Timestamp(text);
  return ts?.month !== undefined && ts.day !== undefined ? hl7TimestampToIso({ year: ts.year, month: ts.month, day: ts.day }) : undefined;
}

function readAgeYears(root: XmlElement): number | undefined {
  for (const variable of childElements(root, 'controlVariable')) {
    const observation = firstChild(variable, 'relatedObservation');
    if (codeOf(observation) !== LOINC_REPORTED_AGE) continue;
    const value = firstChild(observation, 'value');
    const text = attribute(value, 'value');
    if (attribute(value, 'unit') !== 'a' || text === undefined || !DECIMAL_RE.test(text)) continue;
    const years = Number(text);
    if (years >= 0 && years < 200) return years;
  }
  return undefined;
}

function readPatient(root: XmlElement): EcgPatientInfo | undefined {
  const subject = descendants(root, 'trialSubject')[0];
  const person = firstChild(subject, 'subjectDemographicPerson');
  const patient: EcgPatientInfo = {};
  const id = attribute(firstChild(subject, 'id'), 'extension');
  if (id) patient.id = id;
  const name = personName(firstChild(person, 'name'));
  if (name) patient.name = name;
  const gender = attribute(firstChild(person, 'administrativeGenderCode'), 'code');
  if (gender === 'M' || gender === 'F') patient.sex = gender;
  else if (gender !== undefined) patient.sex = 'U';
  const birthDate = isoDate(attribute(firstChild(person, 'birthTime'), 'value'));
  if (birthDate) patient.birthDate = birthDate;
  const ageYears = readAgeYears(root);
  if (ageYears !== undefined) patient.ageYears = ageYears;
  return Object.keys(patient).length > 0 ? patient : undefined;
}

function readDevice(series: XmlElement): EcgDeviceInfo | undefined {
  const author = childPath(series, 'author', 'seriesAuthor');
  const device = firstChild(author, 'manufacturedSeriesDevice');
  const info: EcgDeviceInfo = {};
  const manufacturer = textValue(childPath(author, 'manufacturerOrganization', 'name'));
  if (manufacturer) info.manufacturer = manufacturer;
  const model = textValue(firstChild(device, 'manufacturerModelName'));
  if (model) info.model = model;
  const serial = attribute(firstChild(device, 'id'), 'extension') ?? attribute(firstChild(author, 'id'), 'extension');
  if (serial) info.serial = serial;
  return Object.keys(info).length > 0 ? info : undefined;
}

function effectiveStart(element: XmlElement | undefined): Hl7Timestamp | undefined {
  const time = firstChild(element, 'effectiveTime');
  return parseHl7Timestamp(attribute(firstChild(time, 'low') ?? firstChild(time, 'center'), 'value'));
}

// ---------------------------------------------------------------------------------------------------------------

/** Decodes an aECG document; throws EcgFormatError. */
export function readAecg(bytes: Uint8Array): EcgRecord {
  const root = parseXml(bytes);
  if (root.localName !== 'AnnotatedECG') throw new EcgFormatError('UNKNOWN_FORMAT', `aECG: root element is <${root.name}>`);
  const { series, signal } = chooseSignal(root);
  const { axis, leads } = signal;
  const start = axis.absoluteStart ?? effectiveStart(series) ?? effectiveStart(root);
  return withDetails(
    { format: 'hl7-aecg', sampleRateHz: axis.sampleRateHz, leads },
    {
      recordedAt: start ? hl7TimestampToIso(start) : undefined,
      patient: readPatient(root),
      device: readDevice(series),
      annotations: readBeatAnnotations(series, axis, leads[0].microvolts.length),
    },
  );
}

export const aecgReader: EcgReader = {
  format: 'hl7-aecg',
  sniff: (head) => sniffRootElement(head) === 'AnnotatedECG',
  read: async (input) => readAecg(input.bytes),
};
