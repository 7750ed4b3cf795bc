import type { EcgLead, EcgRecord } from '../../../shared/ecg';
import { EcgFormatError } from './errors';
import type { EcgReader, ReaderInput } from './reader';
import { readTags, scpDevice, scpPatient, scpRecordedAt, textDecoderFor } from './scp-header';
import { HuffmanDecoder, parseHuffmanTables } from './scp-huffman';
import { scpLeadName } from './scp-leads';
import { looksLikeScp, parseScpRecord, type ScpSection } from './scp-sections';
import {
  decodeLeadStream,
  parseEncodedLeads,
  parseLeadDefinitions,
  parseQrsLocations,
  type EncodedLeads,
  type LeadDefinition,
  type LeadDefinitions,
} from './scp-waveform';

/**
 * SCP-ECG reader (EN 1064:2005, ISO/IEEE 11073-91064; protocol versions 1.x and 2.x).
 *
 * Decoded: CRC-checked framing, section 1 demographics, default and custom Huffman tables (or raw 16-bit data),
 * first/second differences, and reference-beat subtraction: where section 3 says the reference beat was subtracted,
 * the section 5 beat is added back inside each type-0 beat's subtraction zone from section 4, aligned on the
 * fiducial, each section scaled by its own AVM.
 * Refused with UNSUPPORTED_VARIANT: bimodal compression (decimated rhythm outside protected zones) and protocol
 * version 3, whose field widths differ. Refused with NON_COMPLIANT: files that only claim SCP (see scp-sections.ts
 * and scp-waveform.ts for the vendor deviations recognised).
 * Leads whose sample ranges differ (non-simultaneous acquisition) share one time axis, NaN where a lead was not
 * recorded.
 */

/** Output ceiling (all leads): 128 M samples = 512 MB of Float32. Huffman packs up to 8 samples per byte. */
const MAX_OUTPUT_SAMPLES = 128 * 1024 * 1024;
const FIRST_UNSUPPORTED_PROTOCOL = 30;
const NANOVOLTS_PER_MICROVOLT = 1000;

function requireSection(section: ScpSection | undefined, id: number, code: 'CORRUPT' | 'NO_SIGNAL', why: string): ScpSection {
  if (!section) throw new EcgFormatError(code, `SCP record has no section ${id} (${why})`);
  return section;
}

function huffmanDecoder(section: ScpSection | undefined): HuffmanDecoder | undefined {
  const tables = section ? parseHuffmanTables(section.body) : undefined;
  return tables ? new HuffmanDecoder(tables) : undefined;
}

interface Timeline {
  firstSample: number;
  length: number;
}

function sharedTimeline(definitions: LeadDefinitions): Timeline {
  const firstSample = Math.min(...definitions.leads.map((lead) => lead.firstSample));
  const lastSample = Math.max(...definitions.leads.map((lead) => lead.lastSample));
  const length = lastSample - firstSample + 1;
  // Leads recorded in turn (e.g. four groups of three) cover the span together; a span longer than all leads
  // together leaves time where nothing was recorded, which only a lying sample number produces.
  const recorded = definitions.leads.reduce((sum, lead) => sum + sampleCountOf(lead), 0);
  if (length > recorded) {
    throw new EcgFormatError('CORRUPT', `SCP leads span ${length} samples but record only ${recorded} together`);
  }
  if (length * definitions.leads.length > MAX_OUTPUT_SAMPLES) {
    throw new EcgFormatError('TOO_LARGE', `SCP leads span ${length} samples each`);
  }
  return { firstSample, length };
}

function sampleCountOf(lead: LeadDefinition): number {
  return lead.lastSample - lead.firstSample + 1;
}

function decodeRhythm(rhythm: EncodedLeads, definitions: LeadDefinitions, huffman: HuffmanDecoder | undefined): Float64Array[] {
  const microvoltsPerUnit = rhythm.nanovoltsPerUnit / NANOVOLTS_PER_MICROVOLT;
  return definitions.leads.map((lead, index) => {
    const values = decodeLeadStream(rhythm.streams[index], sampleCountOf(lead), rhythm.differenceOrder, huffman, `SCP rhythm lead ${index + 1}`);
    for (let i = 0; i < values.length; i++) values[i] *= microvoltsPerUnit;
    return values;
  });
}

/** Adds the reference beat (µV) into one lead's rhythm (µV) over every type-0 beat's subtraction zone. */
function addReferenceBeat(
  rhythm: Float64Array,
  lead: LeadDefinition,
  reference: Float64Array,
  referenceFiducial: number,
  zones: { zoneStart: number; fiducial: number; zoneEnd: number }[],
): void {
  for (const zone of zones) {
    // Sample number s (1-based, record time) meets reference index referenceFiducial − fiducial + s − 1.
    const referenceShift = referenceFiducial - zone.fiducial - 1;
    const from = Math.max(zone.zoneStart, lead.firstSample, -referenceShift);
    const to = Math.min(zone.zoneEnd, lead.lastSample, reference.length - 1 - referenceShift);
    for (let sample = from; sample <= to; sample++) rhythm[sample - lead.firstSample] += reference[sample + referenceShift];
  }
}

function restoreReferenceBeats(
  rhythmMicrovolts: Float64Array[],
  definitions: LeadDefinitions,
  rhythm: EncodedLeads,
  sections: Map<number, ScpSection>,
  huffman: HuffmanDecoder | undefined,
  timeline: Timeline,
): void {
  const why = 'section 3 says the reference beat was subtracted';
  const qrs = parseQrsLocations(requireSection(sections.get(4), 4, 'CORRUPT', why).body);
  const median = parseEncodedLeads(requireSection(sections.get(5), 5, 'CORRUPT', why).body, definitions.leads.length, 5);
  if (median.sampleIntervalUs !== rhythm.sampleIntervalUs) {
    throw new EcgFormatError(
      'UNSUPPORTED_VARIANT',
      `SCP reference beat is sampled every ${median.sampleIntervalUs} µs and the rhythm every ${rhythm.sampleIntervalUs} µs`,
    );
  }
  const referenceLength = Math.round((qrs.referenceBeatMs * 1000) / median.sampleIntervalUs);
  const zones = qrs.beats.filter((beat) => beat.type === 0);
  if (zones.length === 0) return;
  if (referenceLength === 0) throw new EcgFormatError('CORRUPT', 'SCP section 4 gives the reference beat a length of 0');
  const zoneSamples = zones.reduce((sum, zone) => sum + Math.max(0, zone.zoneEnd - zone.zoneStart + 1), 0);
  if (zoneSamples > timeline.length) {
    throw new EcgFormatError('CORRUPT', `SCP subtraction zones cover ${zoneSamples} samples of a ${timeline.length}-sample record`);
  }
  const microvoltsPerUnit = median.nanovoltsPerUnit / NANOVOLTS_PER_MICROVOLT;
  definitions.leads.forEach((lead, index) => {
    const reference = decodeLeadStream(median.streams[index], referenceLength, median.differenceOrder, huffman, `SCP reference beat lead ${index + 1}`);
    for (let i = 0; i < reference.length; i++) reference[i] *= microvoltsPerUnit;
    addReferenceBeat(rhythmMicrovolts[index], lead, reference, qrs.referenceFiducial, zones);
  });
}

function toLead(values: Float64Array, lead: LeadDefinition, index: number, timeline: Timeline): EcgLead {
  const microvolts = new Float32Array(timeline.length);
  const offset = lead.firstSample - timeline.firstSample;
  if (values.length !== timeline.length) microvolts.fill(Number.NaN);
  microvolts.set(values, offset);
  return { name: lead.code === 0 ? `Lead ${index + 1}` : scpLeadName(lead.code), microvolts };
}

function withDemographics(record: EcgRecord, section1: ScpSection | undefined): EcgRecord {
  if (!section1) return record;
  const tags = readTags(section1.body);
  const text = textDecoderFor(tags);
  const patient = scpPatient(tags, text);
  const device = scpDevice(tags, text);
  const recordedAt = scpRecordedAt(tags);
  if (patient) record.patient = patient;
  if (device) record.device = device;
  if (recordedAt) record.recordedAt = recordedAt;
  return record;
}

async function readScp(input: ReaderInput): Promise<EcgRecord> {
  const { sections } = parseScpRecord(input.bytes);
  const protocolVersion = sections.get(0)!.protocolVersion;
  if (protocolVersion >= FIRST_UNSUPPORTED_PROTOCOL) {
    throw new EcgFormatError('UNSUPPORTED_VARIANT', `SCP-ECG protocol version ${protocolVersion / 10} is not supported (only 1.x and 2.x)`);
  }
  const rhythmSection = requireSection(sections.get(6), 6, 'NO_SIGNAL', 'no rhythm data');
  const definitions = parseLeadDefinitions(requireSection(sections.get(3), 3, 'CORRUPT', 'rhythm data without lead definitions').body);
  const rhythm = parseEncodedLeads(rhythmSection.body, definitions.leads.length, 6);
  if (rhythm.bimodal) throw new EcgFormatError('UNSUPPORTED_VARIANT', 'SCP bimodal compression is not supported');
  const timeline = sharedTimeline(definitions);
  const huffman = huffmanDecoder(sections.get(2));
  const microvolts = decodeRhythm(rhythm, definitions, huffman);
  if (definitions.referenceBeatSubtracted) restoreReferenceBeats(microvolts, definitions, rhythm, sections, huffman, timeline);
  const record: EcgRecord = {
    format: 'scp-ecg',
    sampleRateHz: 1e6 / rhythm.sampleIntervalUs,
    leads: definitions.leads.map((lead, index) => toLead(microvolts[index], lead, index, timeline)),
  };
  return withDemographics(record, sections.get(1));
}

export const scpReader: EcgReader = {
  format: 'scp-ecg',
  sniff: looksLikeScp,
  read: readScp,
};
