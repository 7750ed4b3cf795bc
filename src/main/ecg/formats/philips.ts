import { MAX_ABS_MICROVOLTS, type EcgDeviceInfo, type EcgLead, type EcgPatientInfo, type EcgRecord } from '../../../shared/ecg';
import { EcgFormatError } from './errors';
import { assertSampleBudget } from './limits';
import { decodeBase64 } from './ge-muse';
import { withDetails, type EcgReader } from './reader';
import { markRangeProven } from './sample-check';
import { decodeXli } from './philips-xli';
import { attribute, childPath, descendants, firstChild, ownText, parseXml, sniffRootElement, textValue, type XmlElement } from './xml';

/**
 * Philips Sierra ECG XML (PageWriter, HeartStart; schema 1.03 "SierraECG" and 1.04/1.04.01 "PhilipsECG").
 * 1.04 files are UTF-16 LE with a BOM; the XML layer handles that. The rhythm is in `parsedwaveforms`: base64,
 * usually XLI-compressed (see philips-xli.ts), one chunk per lead. Values are in units of `resolution` µV.
 *
 * Lead reconstruction: in XLI data the leads after I and II are not III, aVR, aVL, aVF but residuals, which
 * the Sierra ECG tools (sierraecg 0.4.0, the reference for the shared sample) turn back into leads with integer
 * arithmetic, in this order (III first, since aVL and aVF use the rebuilt III):
 *   III = II − I − r3,  aVR = −r4 − ⌊(I + II)/2⌋,  aVL = ⌊(I − III)/2⌋ − r5,  aVF = ⌊(II + III)/2⌋ − r6.
 */

const corrupt = (message: string) => new EcgFormatError('CORRUPT', `Philips: ${message}`);
const unsupported = (message: string) => new EcgFormatError('UNSUPPORTED_VARIANT', `Philips: ${message}`);

const SUPPORTED_VERSION_RE = /^1\.0[34](\.\d+)?$/;
const TWELVE_LEADS = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];
const LIMB_RESIDUAL_ORDER = TWELVE_LEADS.slice(0, 6);

function numberFrom(text: string | undefined, what: string): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const trimmed = text.trim();
  if (!/^[+-]?(?:\d+\.?\d*|\.\d+)$/.test(trimmed)) throw corrupt(`${what} is not a number ("${trimmed}")`);
  return Number(trimmed);
}

interface WaveformLayout {
  sampleRateHz: number;
  microvoltsPerUnit: number;
  offset: number;
  samplesPerLead: number;
  labels: string[];
}

function leadLabels(parsed: XmlElement, signal: XmlElement | undefined): string[] {
  const declared = attribute(parsed, 'leadlabels');
  const count =
    numberFrom(attribute(parsed, 'numberofleads'), 'number of leads') ?? numberFrom(textValue(firstChild(signal, 'numberchannelsallocated')), 'channel count');
  if (declared !== undefined && declared.trim() !== '') {
    const labels = declared.trim().split(/\s+/);
    if (count !== undefined && !(Number.isInteger(count) && count >= 1)) throw corrupt(`number of leads ${count} is impossible`);
    return count === undefined ? labels : labels.slice(0, count);
  }
  if (count === undefined || !Number.isInteger(count) || count < 1 || count > 64) throw corrupt('the number of leads is missing or impossible');
  const leadSet = textValue(firstChild(signal, 'acquisitiontype')) ?? '';
  const standard = leadSet === 'STD-12' || leadSet === '10-WIRE';
  return Array.from({ length: count }, (_, index) => (standard && index < 12 ? TWELVE_LEADS[index] : `Channel ${index + 1}`));
}

function readLayout(root: XmlElement, parsed: XmlElement): WaveformLayout {
  const signal = childPath(root, 'dataacquisition', 'signalcharacteristics');
  const sampleRateHz =
    numberFrom(attribute(parsed, 'samplespersecond'), 'samples per second') ?? numberFrom(textValue(firstChild(signal, 'samplingrate')), 'sampling rate');
  if (sampleRateHz === undefined || !(sampleRateHz > 0 && sampleRateHz <= 100_000)) throw corrupt('the sampling rate is missing or impossible');
  const microvoltsPerUnit =
    numberFrom(attribute(parsed, 'resolution'), 'resolution') ??
    numberFrom(textValue(firstChild(signal, 'resolution')), 'resolution') ??
    numberFrom(textValue(firstChild(signal, 'signalresolution')), 'signal resolution');
  if (microvoltsPerUnit === undefined || !(microvoltsPerUnit > 0)) throw corrupt('the signal resolution is missing or impossible');
  // Schema: "value of any offset which must be subtracted from the data".
  const offset =
    numberFrom(attribute(parsed, 'signaloffset'), 'signal offset') ?? numberFrom(textValue(firstChild(signal, 'signaloffset')), 'signal offset') ?? 0;
  const durationMs = numberFrom(attribute(parsed, 'durationperchannel'), 'duration per channel');
  if (durationMs === undefined) throw corrupt('the duration per channel is missing');
  const samplesPerLead = Math.round((durationMs * sampleRateHz) / 1000);
  if (!(samplesPerLead > 0)) throw corrupt(`${durationMs} ms per channel is impossible`);
  const labels = leadLabels(parsed, signal);
  // Before any decoding: the lead count and duration are the file's word, and XLI's LZW output is sized from them.
  assertSampleBudget(labels.length, samplesPerLead, 'Philips');
  return { sampleRateHz, microvoltsPerUnit, offset, samplesPerLead, labels };
}

function compressionOf(parsed: XmlElement): string | undefined {
  const flag = attribute(parsed, 'compressflag');
  if (flag !== undefined && flag.toLowerCase() === 'false') return undefined;
  const method = attribute(parsed, 'compressmethod') ?? attribute(parsed, 'compression');
  return method === undefined || method.trim() === '' ? undefined : method.trim();
}

function uncompressedBase64(data: Uint8Array, layout: WaveformLayout): Int32Array[] {
  const { labels, samplesPerLead } = layout;
  const needed = labels.length * samplesPerLead * 2;
  if (data.length < needed) throw new EcgFormatError('TRUNCATED', `Philips: ${data.length} of ${needed} waveform bytes`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return labels.map((_, lead) => {
    const samples = new Int32Array(samplesPerLead);
    for (let i = 0, at = lead * samplesPerLead * 2; i < samplesPerLead; i++, at += 2) samples[i] = view.getInt16(at, true);
    return samples;
  });
}

function plainIntegers(text: string, layout: WaveformLayout): Int32Array[] {
  const tokens = text.trim() === '' ? [] : text.trim().split(/\s+/);
  const { labels, samplesPerLead } = layout;
  if (tokens.length < labels.length * samplesPerLead) {
    throw new EcgFormatError('TRUNCATED', `Philips: ${tokens.length} of ${labels.length * samplesPerLead} plain samples`);
  }
  return labels.map((_, lead) =>
    Int32Array.from({ length: samplesPerLead }, (_unused, i) => {
      const token = tokens[lead * samplesPerLead + i];
      if (!/^[+-]?\d{1,10}$/.test(token)) throw corrupt(`plain sample "${token}" is not an integer`);
      return Number(token);
    }),
  );
}

/** Rebuilds III, aVR, aVL and aVF from XLI residuals, as the Sierra ECG tools do (see the module comment). */
export function reconstructLimbLeads(leads: Int32Array[]): void {
  const [leadI, leadII, leadIII, aVR, aVL, aVF] = leads;
  for (let i = 0; i < leadI.length; i++) {
    leadIII[i] = leadII[i] - leadI[i] - leadIII[i];
    aVR[i] = -aVR[i] - Math.floor((leadI[i] + leadII[i]) / 2);
    aVL[i] = Math.floor((leadI[i] - leadIII[i]) / 2) - aVL[i];
    aVF[i] = Math.floor((leadII[i] + leadIII[i]) / 2) - aVF[i];
  }
}

function readSamples(parsed: XmlElement, layout: WaveformLayout): Int32Array[] {
  const encoding = attribute(parsed, 'dataencoding') ?? 'Base64';
  const compression = compressionOf(parsed);
  if (encoding === 'Plain') {
    if (compression) throw unsupported(`plain-text waveforms compressed with ${compression}`);
    return plainIntegers(ownText(parsed), layout);
  }
  if (encoding !== 'Base64') throw unsupported(`waveform encoding ${encoding}`);
  const data = decodeBase64(ownText(parsed), 'waveform data');
  if (compression === undefined) return uncompressedBase64(data, layout);
  if (compression.toUpperCase() !== 'XLI') throw unsupported(`waveform compression ${compression}`);
  const leads = decodeXli(data, layout.labels.length, layout.samplesPerLead);
  if (LIMB_RESIDUAL_ORDER.every((name, index) => layout.labels[index] === name)) reconstructLimbLeads(leads);
  return leads;
}

/** Raw units → µV in one typed loop ("+ 0" turns −0 into 0). */
function toMicrovolts(values: Int32Array, layout: WaveformLayout): Float32Array {
  const out = new Float32Array(values.length);
  const { offset, microvoltsPerUnit } = layout;
  // The range check of index.ts folded into this loop: when every value passes, the final pass is skipped.
  const max = MAX_ABS_MICROVOLTS;
  let inRange = true;
  for (let i = 0; i < values.length; i++) {
    const value = (values[i] - offset) * microvoltsPerUnit + 0;
    out[i] = value;
    if (!(value <= max && value >= -max)) inRange = false;
  }
  return inRange ? markRangeProven(out) : out;
}

// ---------------------------------------------------------------------------------------------------------------
// Demographics and device

const SEX_CODES: Readonly<Record<string, 'M' | 'F' | 'U'>> = { male: 'M', female: 'F', unknown: 'U' };

function isoDate(text: string | undefined): string | undefined {
  const match = text === undefined ? null : /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  return match && Number(match[2]) >= 1 && Number(match[2]) <= 12 && Number(match[3]) >= 1 && Number(match[3]) <= 31 ? match[0] : undefined;
}

function readPatient(root: XmlElement): EcgPatientInfo | undefined {
  const general = childPath(root, 'patient', 'generalpatientdata');
  if (!general) return undefined;
  const patient: EcgPatientInfo = {};
  const id = textValue(firstChild(general, 'patientid'));
  if (id) patient.id = id;
  const name = firstChild(general, 'name');
  const parts = ['lastname', 'firstname', 'middlename'].map((part) => textValue(firstChild(name, part))).filter((part): part is string => !!part);
  if (parts.length > 0) patient.name = parts.join(parts.some((part) => /[\u3400-\u9fff\uf900-\ufaff]/.test(part)) ? '' : ' ');
  const sex = SEX_CODES[textValue(firstChild(general, 'sex'))?.toLowerCase() ?? ''];
  if (sex) patient.sex = sex;
  const age = firstChild(general, 'age');
  const years = textValue(firstChild(age, 'years'));
  if (years !== undefined && /^\d{1,3}$/.test(years)) patient.ageYears = Number(years);
  const birthDate = isoDate(textValue(firstChild(age, 'dateofbirth')));
  if (birthDate) patient.birthDate = birthDate;
  return Object.keys(patient).length > 0 ? patient : undefined;
}

function readRecordedAt(root: XmlElement): string | undefined {
  const acquisition = firstChild(root, 'dataacquisition');
  const date = isoDate(attribute(acquisition, 'date'));
  if (!date) return undefined;
  const time = attribute(acquisition, 'time');
  return time !== undefined && /^\d{2}:\d{2}:\d{2}$/.test(time) ? `${date}T${time}` : date;
}

function readDevice(root: XmlElement): EcgDeviceInfo | undefined {
  const machine = childPath(root, 'dataacquisition', 'machine');
  if (!machine) return undefined;
  const device: EcgDeviceInfo = {};
  // detaildescription is "MFG:MODEL:SW_REV" by the schema's convention.
  const manufacturer = attribute(machine, 'detaildescription')?.split(':')[0].trim();
  if (manufacturer) device.manufacturer = manufacturer;
  const model = textValue(machine);
  if (model) device.model = model;
  const serial = attribute(machine, 'machineid')?.trim();
  if (serial) device.serial = serial;
  return Object.keys(device).length > 0 ? device : undefined;
}

/** Decodes a Philips Sierra ECG XML document; throws EcgFormatError. */
export function readPhilips(bytes: Uint8Array): EcgRecord {
  const root = parseXml(bytes);
  if (root.localName !== 'restingecgdata') throw new EcgFormatError('UNKNOWN_FORMAT', `Philips: root element is <${root.name}>`);
  const version = textValue(childPath(root, 'documentinfo', 'documentversion'));
  if (version !== undefined && !SUPPORTED_VERSION_RE.test(version)) throw unsupported(`schema version ${version}`);
  const parsed = descendants(root, 'parsedwaveforms')[0];
  if (!parsed) {
    if (descendants(root, 'unparsedwaveforms').length > 0) throw unsupported('waveforms kept in a separate file');
    throw new EcgFormatError('NO_SIGNAL', 'Philips: the file has no parsedwaveforms');
  }
  const layout = readLayout(root, parsed);
  const samples = readSamples(parsed, layout);
  const leads: EcgLead[] = samples.map((values, index) => ({
    name: layout.labels[index],
    microvolts: toMicrovolts(values, layout),
  }));
  return withDetails(
    { format: 'philips-xml', sampleRateHz: layout.sampleRateHz, leads },
    { recordedAt: readRecordedAt(root), patient: readPatient(root), device: readDevice(root) },
  );
}

export const philipsReader: EcgReader = {
  format: 'philips-xml',
  sniff: (head) => sniffRootElement(head) === 'restingecgdata',
  read: async (input) => readPhilips(input.bytes),
};
