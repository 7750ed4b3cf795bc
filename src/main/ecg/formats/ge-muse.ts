import {
  MAX_ABS_MICROVOLTS,
  STANDARD_LEADS,
  type EcgAnnotation,
  type EcgDeviceInfo,
  type EcgLead,
  type EcgPatientInfo,
  type EcgRecord,
} from '../../../shared/ecg';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { EcgFormatError } from './errors';
import { withDetails, type EcgReader } from './reader';
import { assertSamplesValid, markRangeProven, rangeProven } from './sample-check';
import { childElements, firstChild, ownText, parseXml, sniffRootElement, textValue, type XmlElement } from './xml';

/**
 * GE MUSE RestingECG XML (MUSE 7–9 export). Waveforms are base64 little-endian int16 per lead, scaled by
 * LeadAmplitudeUnitsPerBit; each lead carries a CRC-32 of its bytes. A resting ECG has a Median block (one
 * averaged beat) and a Rhythm block (the 10 s strip); only the rhythm is a recording. MUSE stores 8 leads
 * (I, II, V1–V6): the other limb leads follow from Einthoven's and Goldberger's relations.
 */

const corrupt = (message: string) => new EcgFormatError('CORRUPT', `GE MUSE: ${message}`);

function requiredNumber(element: XmlElement | undefined, what: string): number {
  const text = textValue(element);
  if (text === undefined) throw corrupt(`${what} is missing`);
  if (!/^[+-]?(?:\d+\.?\d*|\.\d+)$/.test(text)) throw corrupt(`${what} is not a number ("${text}")`);
  return Number(text);
}

function optionalNumber(element: XmlElement | undefined, what: string): number | undefined {
  return textValue(element) === undefined ? undefined : requiredNumber(element, what);
}

// ---------------------------------------------------------------------------------------------------------------
// CRC-32 (IEEE 802.3, reflected, as zlib computes it): MUSE's LeadDataCRC32 covers the decoded lead bytes. zlib's
// own (native) CRC-32: the table loop in JavaScript cost about as much as decoding the lead.

export function crc32(bytes: Uint8Array): number {
  return zlibCrc32(bytes) >>> 0;
}

/**
 * Strict base64 (RFC 4648 alphabet, padding only at the end); white space between characters is allowed. The shape
 * is checked by one regular expression (compiled to native code, several times faster than a char-code loop), the
 * count of symbols by counting the white space (the only other characters the shape lets through), then the text is
 * decoded once by Buffer, which skips the same white space, into a view of Buffer's memory.
 */
const BASE64_SHAPE = /^[A-Za-z0-9+/ \t\r\n]*(?:=[ \t\r\n]*){0,2}$/;

function occurrences(text: string, character: string): number {
  let count = 0;
  for (let at = text.indexOf(character); at !== -1; at = text.indexOf(character, at + 1)) count++;
  return count;
}

export function decodeBase64(text: string, what: string): Uint8Array {
  if (!BASE64_SHAPE.test(text)) throw corrupt(`${what} is not valid base64`);
  // Native indexOf per white-space character: a char-code loop over the text (a slice of the document) cost more
  // than decoding it.
  const whiteSpace = occurrences(text, '\n') + occurrences(text, '\r') + occurrences(text, ' ') + occurrences(text, '\t');
  if ((text.length - whiteSpace) % 4 !== 0) throw corrupt(`${what} is not valid base64`);
  const decoded = Buffer.from(text, 'base64');
  return new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.length);
}

// ---------------------------------------------------------------------------------------------------------------
// Leads

const MICROVOLTS_PER_UNIT: Readonly<Record<string, number>> = { MICROVOLTS: 1, MILLIVOLTS: 1000 };

const LEAD_NAME_FIXES: Readonly<Record<string, string>> = { AVR: 'aVR', AVL: 'aVL', AVF: 'aVF' };

interface StoredLead {
  name: string;
  /** µV: doubles while they still feed a derived lead or need their range checked, else the lead's final samples. */
  microvolts: Float64Array | Float32Array;
  /** Every value, stored as Float32, is within range for any bytes the lead could hold (rangeProven). */
  rangeProven?: boolean;
}

/** The leads the derived limb leads are computed from, in double precision. */
const LIMB_SOURCES: ReadonlySet<string> = new Set(['I', 'II']);

function readLeadData(leadData: XmlElement, index: number): StoredLead {
  const id = textValue(firstChild(leadData, 'LeadID')) ?? `Lead ${index + 1}`;
  const name = LEAD_NAME_FIXES[id.toUpperCase()] ?? id;
  const sampleSize = optionalNumber(firstChild(leadData, 'LeadSampleSize'), `lead ${name} sample size`) ?? 2;
  if (sampleSize !== 2) throw new EcgFormatError('UNSUPPORTED_VARIANT', `GE MUSE: lead ${name} has ${sampleSize}-byte samples`);
  const unit = textValue(firstChild(leadData, 'LeadAmplitudeUnits')) ?? 'MICROVOLTS';
  const unitFactor = MICROVOLTS_PER_UNIT[unit.toUpperCase()];
  if (unitFactor === undefined) throw new EcgFormatError('UNSUPPORTED_VARIANT', `GE MUSE: lead ${name} amplitude unit ${unit}`);
  const unitsPerBit = requiredNumber(firstChild(leadData, 'LeadAmplitudeUnitsPerBit'), `lead ${name} amplitude per bit`);
  if (!(unitsPerBit > 0)) throw corrupt(`lead ${name} amplitude per bit is ${unitsPerBit}`);

  const bytes = decodeBase64(ownText(firstChild(leadData, 'WaveFormData')), `lead ${name} waveform data`);
  const sampleCount = optionalNumber(firstChild(leadData, 'LeadSampleCountTotal'), `lead ${name} sample count`) ?? bytes.length / 2;
  const byteCount = optionalNumber(firstChild(leadData, 'LeadByteCountTotal'), `lead ${name} byte count`) ?? sampleCount * 2;
  if (byteCount !== sampleCount * 2) throw corrupt(`lead ${name} declares ${sampleCount} samples in ${byteCount} bytes`);
  if (bytes.length < byteCount) throw new EcgFormatError('TRUNCATED', `GE MUSE: lead ${name} has ${bytes.length} of ${byteCount} bytes`);
  if (bytes.length > byteCount || !Number.isInteger(sampleCount)) throw corrupt(`lead ${name} has ${bytes.length} bytes, ${byteCount} declared`);
  const declaredCrc = optionalNumber(firstChild(leadData, 'LeadDataCRC32'), `lead ${name} CRC`);
  if (declaredCrc !== undefined && declaredCrc !== crc32(bytes)) throw corrupt(`lead ${name} fails its CRC-32 check`);

  const scale = unitsPerBit * unitFactor;
  const proven = rangeProven(-32768, 32767, 0, scale);
  // A proven lead that feeds no derived lead goes straight to its Float32 samples: the same single rounding of the
  // same product, without a Float64 copy and a second pass.
  const microvolts = proven && !LIMB_SOURCES.has(name) ? new Float32Array(sampleCount) : new Float64Array(sampleCount);
  for (let i = 0, at = 0; i < sampleCount; i++, at += 2) microvolts[i] = (((bytes[at] | (bytes[at + 1] << 8)) << 16) >> 16) * scale;
  return { name, microvolts, rangeProven: proven };
}

/** Einthoven (III = II − I) and Goldberger (aVR = −(I+II)/2, aVL = I − II/2, aVF = II − I/2) for the leads MUSE omits. */
const DERIVED_LIMB_LEADS = ['III', 'aVR', 'aVL', 'aVF'] as const;

function deriveLimbLead(name: (typeof DERIVED_LIMB_LEADS)[number], leadI: Float64Array, leadII: Float64Array): StoredLead {
  const microvolts = new Float64Array(leadI.length);
  // One plain loop per formula: a formula passed as a function was a call per sample.
  switch (name) {
    case 'III':
      for (let k = 0; k < microvolts.length; k++) microvolts[k] = leadII[k] - leadI[k];
      break;
    case 'aVR':
      for (let k = 0; k < microvolts.length; k++) microvolts[k] = -(leadI[k] + leadII[k]) / 2;
      break;
    case 'aVL':
      for (let k = 0; k < microvolts.length; k++) microvolts[k] = leadI[k] - leadII[k] / 2;
      break;
    case 'aVF':
      for (let k = 0; k < microvolts.length; k++) microvolts[k] = leadII[k] - leadI[k] / 2;
      break;
  }
  return { name, microvolts };
}

function deriveLimbLeads(stored: StoredLead[]): StoredLead[] {
  const leadI = stored.find((lead) => lead.name === 'I')?.microvolts;
  const leadII = stored.find((lead) => lead.name === 'II')?.microvolts;
  // I and II are always read as doubles (LIMB_SOURCES); the type test only tells the compiler so.
  if (!(leadI instanceof Float64Array) || !(leadII instanceof Float64Array)) return stored;
  const derived = DERIVED_LIMB_LEADS.filter((name) => !stored.some((existing) => existing.name === name)).map((name) => deriveLimbLead(name, leadI, leadII));
  return [...stored, ...derived];
}

function displayOrder(name: string): number {
  const index = (STANDARD_LEADS as readonly string[]).indexOf(name);
  return index === -1 ? STANDARD_LEADS.length : index;
}

function toEcgLead(lead: StoredLead): EcgLead {
  if (lead.microvolts instanceof Float32Array) return { name: lead.name, microvolts: markRangeProven(lead.microvolts) };
  // "+ 0" turns −0 (from −(0 + 0)/2) into 0, so that equal signals compare equal.
  const microvolts = new Float32Array(lead.microvolts.length);
  const source = lead.microvolts;
  // The range check of index.ts folded into the copy: when every value passes here, the final pass is skipped.
  // A stored lead's values were proven in range from its scale alone: the copy needs no compare.
  if (lead.rangeProven) {
    for (let i = 0; i < microvolts.length; i++) microvolts[i] = source[i] + 0;
    return { name: lead.name, microvolts: markRangeProven(microvolts) };
  }
  const max = MAX_ABS_MICROVOLTS;
  let inRange = true;
  for (let i = 0; i < microvolts.length; i++) {
    const value = source[i] + 0;
    microvolts[i] = value;
    if (!(value <= max && value >= -max)) inRange = false;
  }
  const checked = { name: lead.name, microvolts };
  // Refused here, not only by index.ts's final check: the reader is called directly too (its property test found a
  // one-byte flip of the amplitude per bit, 4.88 → 4088, that gave 15.8 V samples).
  if (inRange) markRangeProven(microvolts);
  else assertSamplesValid(checked, 'GE MUSE');
  return checked;
}

function readRhythm(root: XmlElement): { sampleRateHz: number; leads: EcgLead[] } {
  const waveforms = childElements(root, 'Waveform');
  const rhythm = waveforms.find((waveform) => textValue(firstChild(waveform, 'WaveformType'))?.toLowerCase() === 'rhythm');
  if (!rhythm) {
    const what = waveforms.length > 0 ? 'only a median beat, no rhythm waveform' : 'no waveform';
    throw new EcgFormatError('NO_SIGNAL', `GE MUSE: the file has ${what}`);
  }
  const base = requiredNumber(firstChild(rhythm, 'SampleBase'), 'sample base');
  const exponent = optionalNumber(firstChild(rhythm, 'SampleExponent'), 'sample exponent') ?? 0;
  const sampleRateHz = base * 10 ** exponent;
  if (!(sampleRateHz > 0 && sampleRateHz <= 1_000_000)) throw corrupt(`sample rate ${sampleRateHz} Hz is impossible`);
  const stored = childElements(rhythm, 'LeadData').map(readLeadData);
  if (stored.length === 0) throw new EcgFormatError('NO_SIGNAL', 'GE MUSE: the rhythm waveform has no leads');
  const count = stored[0].microvolts.length;
  const uneven = stored.find((lead) => lead.microvolts.length !== count);
  if (uneven) throw corrupt(`lead ${uneven.name} has ${uneven.microvolts.length} samples, lead ${stored[0].name} has ${count}`);
  if (count === 0) throw new EcgFormatError('NO_SIGNAL', 'GE MUSE: the rhythm leads hold no samples');
  const leads = deriveLimbLeads(stored)
    .map((lead, index) => ({ lead, index }))
    .sort((a, b) => displayOrder(a.lead.name) - displayOrder(b.lead.name) || a.index - b.index)
    .map(({ lead }) => toEcgLead(lead));
  return { sampleRateHz, leads };
}

// ---------------------------------------------------------------------------------------------------------------
// Demographics, acquisition, beats

/** MUSE writes dates as MM-DD-YYYY (and sometimes MM/DD/YYYY). */
function museDate(text: string | undefined): string | undefined {
  const match = text === undefined ? null : /^(\d{1,2})[-/](\d{1,2})[-/](\d{4})$/.exec(text);
  if (!match) return undefined;
  const [month, day] = [Number(match[1]), Number(match[2])];
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  return `${match[3]}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function museTime(text: string | undefined): string | undefined {
  const match = text === undefined ? null : /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  if (!match || Number(match[1]) > 23) return undefined;
  return `${match[1].padStart(2, '0')}:${match[2]}:${match[3] ?? '00'}`;
}

const SEX_CODES: Readonly<Record<string, 'M' | 'F' | 'U'>> = { MALE: 'M', FEMALE: 'F', UNKNOWN: 'U' };

function readPatient(root: XmlElement): EcgPatientInfo | undefined {
  const demographics = firstChild(root, 'PatientDemographics');
  if (!demographics) return undefined;
  const value = (name: string) => textValue(firstChild(demographics, name));
  const patient: EcgPatientInfo = {};
  const id = value('PatientID');
  if (id) patient.id = id;
  const name = [value('PatientLastName'), value('PatientFirstName')].filter(Boolean).join(' ');
  if (name) patient.name = name;
  const sex = SEX_CODES[value('Gender')?.toUpperCase() ?? ''];
  if (sex) patient.sex = sex;
  const birthDate = museDate(value('DateofBirth'));
  if (birthDate) patient.birthDate = birthDate;
  const age = value('PatientAge');
  const ageUnits = value('AgeUnits')?.toUpperCase() ?? 'YEARS';
  if (age !== undefined && /^\d{1,3}$/.test(age) && ageUnits === 'YEARS') patient.ageYears = Number(age);
  return Object.keys(patient).length > 0 ? patient : undefined;
}

function readRecordedAt(root: XmlElement): string | undefined {
  const test = firstChild(root, 'TestDemographics');
  const date = museDate(textValue(firstChild(test, 'AcquisitionDate')));
  if (!date) return undefined;
  const time = museTime(textValue(firstChild(test, 'AcquisitionTime')));
  return time ? `${date}T${time}` : date;
}

function readDevice(root: XmlElement): EcgDeviceInfo | undefined {
  const model = textValue(firstChild(firstChild(root, 'TestDemographics'), 'AcquisitionDevice'));
  return model ? { model } : undefined;
}

/** QRSTimesTypes/QRS: Time in ms from the start of the strip; Type is GE's beat class (0 = the dominant class). */
function readBeats(root: XmlElement, sampleRateHz: number, sampleCount: number): EcgAnnotation[] {
  const beats: EcgAnnotation[] = [];
  const list = firstChild(root, 'QRSTimesTypes');
  for (const qrs of list ? childElements(list, 'QRS') : []) {
    const time = textValue(firstChild(qrs, 'Time'));
    if (time === undefined || !/^\d+(\.\d+)?$/.test(time)) continue;
    const sample = Math.round((Number(time) * sampleRateHz) / 1000);
    if (sample >= sampleCount) continue;
    beats.push({ sample, symbol: textValue(firstChild(qrs, 'Type')) ?? '0' });
  }
  return beats.sort((a, b) => a.sample - b.sample);
}

/** Decodes a MUSE RestingECG document; throws EcgFormatError. */
export function readMuse(bytes: Uint8Array): EcgRecord {
  const root = parseXml(bytes);
  if (root.localName !== 'RestingECG') throw new EcgFormatError('UNKNOWN_FORMAT', `GE MUSE: root element is <${root.name}>`);
  const { sampleRateHz, leads } = readRhythm(root);
  return withDetails(
    { format: 'ge-muse-xml', sampleRateHz, leads },
    {
      recordedAt: readRecordedAt(root),
      patient: readPatient(root),
      device: readDevice(root),
      annotations: readBeats(root, sampleRateHz, leads[0].microvolts.length),
    },
  );
}

export const museReader: EcgReader = {
  format: 'ge-muse-xml',
  sniff: (head) => sniffRootElement(head) === 'RestingECG',
  read: async (input) => readMuse(input.bytes),
};
