import { MAX_ABS_MICROVOLTS, type EcgGap, type EcgLead, type EcgRecord } from '../../../shared/ecg';
import { EcgFormatError } from './errors';
import { assertSampleBudget } from './limits';
import type { EcgReader, ReaderInput } from './reader';
import { markRangeProven, withGaps } from './sample-check';
import { readTags, scpDevice, scpPatient, scpRecordedAt, textDecoderFor } from './scp-header';
import { huffmanDecoderFor, parseHuffmanTables, type HuffmanDecoder } from './scp-huffman';
import { scpLeadName } from './scp-leads';
import { looksLikeScp, parseScpRecord, type ScpSection } from './scp-sections';
import { assertZonesUsable, decimatedSampleCount, interpolateDecimated, smoothOutsideProtected, type SampleZone } from './scp-reconstruct';
import {
  decodeLeadStream,
  parseEncodedHeader,
  parseEncodedLeads,
  parseLeadDefinitions,
  parseQrsLocations,
  type EncodedLeads,
  type EncodedLeadsHeader,
  type LeadDefinition,
  type LeadDefinitions,
  type QrsLocations,
} from './scp-waveform';

/**
 * SCP-ECG reader (EN 1064:2005, ISO/IEEE 11073-91064; protocol versions 1.x and 2.x).
 *
 * Decoded: CRC-checked framing, section 1 demographics, default and custom Huffman tables (or raw 16-bit data),
 * first/second differences, bimodal compression and decimated residuals (rebuilt as the standard's decoder does,
 * scp-reconstruct.ts), and reference-beat subtraction: where section 3 says the reference beat was subtracted,
 * the section 5 beat is added back inside each type-0 beat's subtraction zone from section 4, aligned on the
 * fiducial, each section scaled by its own AVM. The reference beat is kept as the record's median beat.
 * Section 6 byte counts that overflowed 16 bits on long recordings are rebuilt from the section length where that
 * is unambiguous (deviation SCP_LEAD_LENGTH_OVERFLOW on the record).
 * Refused with UNSUPPORTED_VARIANT: protocol version 3, whose field widths differ. Refused with NON_COMPLIANT:
 * files that only claim SCP (see scp-sections.ts and scp-waveform.ts for the vendor deviations recognised).
 * Leads whose sample ranges differ (non-simultaneous acquisition) share one time axis, with declared gaps (NaN)
 * where a lead was not recorded.
 */

const FIRST_UNSUPPORTED_PROTOCOL = 30;
const NANOVOLTS_PER_MICROVOLT = 1000;

function requireSection(section: ScpSection | undefined, id: number, code: 'CORRUPT' | 'NO_SIGNAL', why: string): ScpSection {
  if (!section) throw new EcgFormatError(code, `SCP record has no section ${id} (${why})`);
  return section;
}

function huffmanDecoder(section: ScpSection | undefined): HuffmanDecoder | undefined {
  const tables = section ? parseHuffmanTables(section.body) : undefined;
  return tables ? huffmanDecoderFor(tables) : undefined;
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
  assertSampleBudget(definitions.leads.length, length, 'SCP-ECG');
  return { firstSample, length };
}

function sampleCountOf(lead: LeadDefinition): number {
  return lead.lastSample - lead.firstSample + 1;
}

/**
 * How the rhythm was stored. With bimodal compression or a subtracted reference beat, a rhythm sampled more slowly
 * than the reference beat (section 5) was decimated outside the protected zones by the ratio of the two intervals,
 * and is rebuilt at the reference beat's rate (scp-reconstruct.ts).
 */
interface RhythmPlan {
  decimation: number;
  sampleIntervalUs: number;
  qrs?: QrsLocations;
  zones: SampleZone[];
}

function planRhythm(rhythm: EncodedLeadsHeader, definitions: LeadDefinitions, sections: Map<number, ScpSection>): RhythmPlan {
  const reference = sections.get(5);
  const decimatedBy = rhythm.bimodal || definitions.referenceBeatSubtracted;
  if (!decimatedBy) return { decimation: 1, sampleIntervalUs: rhythm.sampleIntervalUs, zones: [] };
  if (!reference) {
    if (rhythm.bimodal) throw new EcgFormatError('CORRUPT', 'SCP bimodal compression without section 5 gives no full sample rate to rebuild');
    throw new EcgFormatError('CORRUPT', 'SCP record has no section 5 (section 3 says the reference beat was subtracted)');
  }
  const referenceInterval = parseEncodedHeader(reference.body, 5).sampleIntervalUs;
  const ratio = rhythm.sampleIntervalUs / referenceInterval;
  const section4 = sections.get(4);
  const qrs = section4 ? parseQrsLocations(section4.body) : undefined;
  if (ratio === 1) return { decimation: 1, sampleIntervalUs: rhythm.sampleIntervalUs, qrs, zones: [] };
  if (!Number.isInteger(ratio) || ratio < 1) {
    throw new EcgFormatError(
      'CORRUPT',
      `SCP rhythm interval ${rhythm.sampleIntervalUs} µs is not a whole multiple of the reference beat's ${referenceInterval} µs`,
    );
  }
  if (!qrs) throw new EcgFormatError('CORRUPT', 'SCP decimated rhythm without section 4 (the protected zones)');
  const zones = qrs.protectedZones ?? (qrs.beats.length === 0 ? [] : undefined);
  if (!zones) throw new EcgFormatError('CORRUPT', 'SCP section 4 lists no protected zones for a decimated rhythm');
  for (const lead of definitions.leads) assertZonesUsable(zones, lead.firstSample, lead.lastSample);
  return { decimation: ratio, sampleIntervalUs: referenceInterval, qrs, zones };
}

/** Each lead's rhythm in nV, rebuilt to one value per sample where it was decimated. */
function decodeRhythm(rhythm: EncodedLeads, definitions: LeadDefinitions, plan: RhythmPlan, huffman: HuffmanDecoder | undefined): Float64Array[] {
  return definitions.leads.map((lead, index) => {
    const where = `SCP rhythm lead ${index + 1}`;
    if (plan.decimation === 1) {
      return decodeLeadStream(rhythm.streams[index], sampleCountOf(lead), rhythm.differenceOrder, huffman, where, false, rhythm.nanovoltsPerUnit);
    }
    const stored = decodeLeadStream(
      rhythm.streams[index],
      decimatedSampleCount(lead.firstSample, lead.lastSample, plan.zones, plan.decimation),
      rhythm.differenceOrder,
      huffman,
      where,
      true,
    );
    const full = interpolateDecimated(stored, lead.firstSample, lead.lastSample, plan.zones, plan.decimation);
    const smoothed = smoothOutsideProtected(full, lead.firstSample, lead.lastSample, plan.zones, plan.qrs?.beats ?? []);
    scaleInPlace(smoothed, rhythm.nanovoltsPerUnit);
    return smoothed;
  });
}

function streamSampleCounts(definitions: LeadDefinitions, plan: RhythmPlan): number[] {
  return definitions.leads.map((lead) =>
    plan.decimation === 1 ? sampleCountOf(lead) : decimatedSampleCount(lead.firstSample, lead.lastSample, plan.zones, plan.decimation),
  );
}

/** Adds the reference beat (nV) into one lead's rhythm (nV) over every type-0 beat's subtraction zone. */
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

interface ReferenceBeat {
  sampleRateHz: number;
  /** Per lead, nV. */
  leads: Float64Array[];
}

function decodeReferenceBeat(
  sections: Map<number, ScpSection>,
  definitions: LeadDefinitions,
  qrs: QrsLocations,
  huffman: HuffmanDecoder | undefined,
): ReferenceBeat {
  const median = parseEncodedLeads(requireSection(sections.get(5), 5, 'CORRUPT', 'reference beat').body, definitions.leads.length, 5);
  const referenceLength = Math.round((qrs.referenceBeatMs * 1000) / median.sampleIntervalUs);
  if (referenceLength === 0) throw new EcgFormatError('CORRUPT', 'SCP section 4 gives the reference beat a length of 0');
  assertSampleBudget(definitions.leads.length, referenceLength, 'SCP-ECG reference beat');
  const leads = definitions.leads.map((_, index) => {
    return decodeLeadStream(
      median.streams[index],
      referenceLength,
      median.differenceOrder,
      huffman,
      `SCP reference beat lead ${index + 1}`,
      false,
      median.nanovoltsPerUnit,
    );
  });
  return { sampleRateHz: 1e6 / median.sampleIntervalUs, leads };
}

/**
 * The reference beat is needed where it was subtracted; otherwise it is only the median beat shown beside the
 * rhythm, and a broken one leaves the rhythm readable.
 */
function referenceBeat(
  sections: Map<number, ScpSection>,
  definitions: LeadDefinitions,
  qrs: QrsLocations,
  huffman: HuffmanDecoder | undefined,
): ReferenceBeat | undefined {
  if (definitions.referenceBeatSubtracted) return decodeReferenceBeat(sections, definitions, qrs, huffman);
  try {
    return decodeReferenceBeat(sections, definitions, qrs, huffman);
  } catch (error) {
    if (error instanceof EcgFormatError && error.code !== 'TOO_LARGE') return undefined;
    throw error;
  }
}

function restoreReferenceBeats(
  rhythmNanovolts: Float64Array[],
  definitions: LeadDefinitions,
  plan: RhythmPlan,
  reference: ReferenceBeat,
  timeline: Timeline,
): void {
  const qrs = plan.qrs!;
  const zones = qrs.beats.filter((beat) => beat.type === 0);
  if (zones.length === 0) return;
  const zoneSamples = zones.reduce((sum, zone) => sum + Math.max(0, zone.zoneEnd - zone.zoneStart + 1), 0);
  if (zoneSamples > timeline.length) {
    throw new EcgFormatError('CORRUPT', `SCP subtraction zones cover ${zoneSamples} samples of a ${timeline.length}-sample record`);
  }
  definitions.leads.forEach((lead, index) => addReferenceBeat(rhythmNanovolts[index], lead, reference.leads[index], qrs.referenceFiducial, zones));
}

/** A lead recorded over only part of the shared time axis has a declared gap before and/or after it. */
function toLead(nanovolts: Float64Array, lead: LeadDefinition, index: number, timeline: Timeline): EcgLead {
  const microvolts = new Float32Array(timeline.length);
  const offset = lead.firstSample - timeline.firstSample;
  const gaps: EcgGap[] = [];
  if (offset > 0) gaps.push({ start: 0, end: offset });
  if (offset + nanovolts.length < timeline.length) gaps.push({ start: offset + nanovolts.length, end: timeline.length });
  for (const gap of gaps) microvolts.fill(Number.NaN, gap.start, gap.end);
  // "+ 0": a truncated −0 from the reconstruction reads as 0, so equal signals compare equal.
  if (storeMicrovolts(nanovolts, microvolts, offset)) markRangeProven(microvolts);
  return withGaps({ name: leadName(lead, index), microvolts }, gaps);
}

/** Kept out of the async reader so the loop is optimised on its own (typed arrays, no per-sample closure). */
function scaleInPlace(values: Float64Array, factor: number): void {
  for (let i = 0; i < values.length; i++) values[i] *= factor;
}

/**
 * nV → µV into `out` from `at`, with index.ts's range check folded in: true when every value is finite and in range,
 * so the caller can mark the lead and spare the final pass.
 */
function storeMicrovolts(nanovolts: Float64Array, out: Float32Array, at: number): boolean {
  const divisor = NANOVOLTS_PER_MICROVOLT;
  const max = MAX_ABS_MICROVOLTS;
  let inRange = true;
  for (let i = 0; i < nanovolts.length; i++) {
    const value = nanovolts[i] / divisor + 0;
    out[at + i] = value;
    if (!(value <= max && value >= -max)) inRange = false;
  }
  return inRange;
}

function toMicrovolts(nanovolts: Float64Array): Float32Array {
  const out = new Float32Array(nanovolts.length);
  return storeMicrovolts(nanovolts, out, 0) ? markRangeProven(out) : out;
}

function leadName(lead: LeadDefinition, index: number): string {
  return lead.code === 0 ? `Lead ${index + 1}` : scpLeadName(lead.code);
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
  const timeline = sharedTimeline(definitions);
  const plan = planRhythm(parseEncodedHeader(rhythmSection.body, 6), definitions, sections);
  const huffman = huffmanDecoder(sections.get(2));
  const rhythm = parseEncodedLeads(rhythmSection.body, definitions.leads.length, 6, {
    samplesPerLead: streamSampleCounts(definitions, plan),
    huffman: huffman !== undefined,
  });
  const nanovolts = decodeRhythm(rhythm, definitions, plan, huffman);
  const section4 = sections.get(4);
  const qrs = plan.qrs ?? (section4 && sections.has(5) ? parseQrsLocations(section4.body) : undefined);
  const reference = qrs && sections.has(5) ? referenceBeat(sections, definitions, qrs, huffman) : undefined;
  if (definitions.referenceBeatSubtracted) {
    if (!qrs) throw new EcgFormatError('CORRUPT', 'SCP record has no section 4 (section 3 says the reference beat was subtracted)');
    restoreReferenceBeats(nanovolts, definitions, { ...plan, qrs }, reference!, timeline);
  }
  const record: EcgRecord = {
    format: 'scp-ecg',
    sampleRateHz: 1e6 / plan.sampleIntervalUs,
    leads: definitions.leads.map((lead, index) => toLead(nanovolts[index], lead, index, timeline)),
  };
  if (reference) {
    record.medianBeat = {
      sampleRateHz: reference.sampleRateHz,
      leads: reference.leads.map((values, index) => ({
        name: leadName(definitions.leads[index], index),
        microvolts: toMicrovolts(values),
      })),
    };
  }
  if (rhythm.lengthsDerived) {
    record.deviations = [
      {
        code: 'SCP_LEAD_LENGTH_OVERFLOW',
        detail: `section 6 per-lead byte counts overflow 16 bits; taken from the section length (${rhythm.streams.map((stream) => stream.length).join(', ')})`,
      },
    ];
  }
  return withDemographics(record, sections.get(1));
}

export const scpReader: EcgReader = {
  format: 'scp-ecg',
  sniff: looksLikeScp,
  read: readScp,
};
