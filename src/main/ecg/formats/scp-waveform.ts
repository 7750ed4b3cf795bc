import { ByteReader } from './byte-reader';
import { EcgFormatError } from './errors';
import { decodeRaw16, undoDifferences, type HuffmanDecoder } from './scp-huffman';

/**
 * SCP-ECG waveform sections (EN 1064 §5.6–5.9):
 * - 3, lead definition: lead count, flags (bit 0 = reference beat subtracted from the rhythm), then per lead the
 *   first and last sample number (1-based, inclusive) and the lead code;
 * - 4, QRS locations: reference beat length (ms), the fiducial's sample number inside the reference beat, the beat
 *   count, then per beat (type, subtraction zone start, fiducial, subtraction zone end), then the protected zones;
 * - 5 and 6, reference beat and rhythm: amplitude value multiplier (AVM, nV per unit), sample interval (µs),
 *   difference order, a flag (bimodal compression in 6), byte length of each lead's stream, the streams.
 */

export interface LeadDefinition {
  code: number;
  firstSample: number;
  lastSample: number;
}

export interface LeadDefinitions {
  leads: LeadDefinition[];
  referenceBeatSubtracted: boolean;
}

export interface QrsLocation {
  type: number;
  zoneStart: number;
  fiducial: number;
  zoneEnd: number;
}

export interface QrsLocations {
  referenceBeatMs: number;
  /** 1-based sample number of the fiducial point inside the reference beat. */
  referenceFiducial: number;
  beats: QrsLocation[];
  /** Per beat, the protected zone (kept at full rate) when the section lists them; needed to undo decimation. */
  protectedZones?: { start: number; end: number }[];
}

export interface EncodedLeads {
  nanovoltsPerUnit: number;
  sampleIntervalUs: number;
  differenceOrder: number;
  bimodal: boolean;
  streams: Uint8Array[];
  /** The 16-bit byte counts had overflowed and were rebuilt from the section length (a vendor deviation). */
  lengthsDerived: boolean;
}

const LEAD_DEFINITION_BYTES = 9;
const QRS_LOCATION_BYTES = 14;
const ENCODED_HEADER_BYTES = 6;

export function parseLeadDefinitions(body: Uint8Array): LeadDefinitions {
  const reader = new ByteReader(body);
  const count = reader.u8(0, 'SCP section 3 lead count');
  if (count === 0) throw new EcgFormatError('NO_SIGNAL', 'SCP section 3 defines no leads');
  const flags = reader.u8(1, 'SCP section 3 flags');
  const leads = Array.from({ length: count }, (_, index) => {
    const offset = 2 + index * LEAD_DEFINITION_BYTES;
    const where = `SCP section 3 lead ${index + 1}`;
    const lead = { firstSample: reader.u32(offset, where), lastSample: reader.u32(offset + 4, where), code: reader.u8(offset + 8, where) };
    if (lead.firstSample < 1 || lead.lastSample < lead.firstSample) {
      throw new EcgFormatError('CORRUPT', `${where}: samples ${lead.firstSample}..${lead.lastSample} are not a range`);
    }
    return lead;
  });
  return { leads, referenceBeatSubtracted: (flags & 0x01) !== 0 };
}

export function parseQrsLocations(body: Uint8Array): QrsLocations {
  const reader = new ByteReader(body);
  const count = reader.u16(4, 'SCP section 4 QRS count');
  const beats = Array.from({ length: count }, (_, index) => {
    const offset = 6 + index * QRS_LOCATION_BYTES;
    const where = `SCP section 4 QRS ${index + 1}`;
    return {
      type: reader.u16(offset, where),
      zoneStart: reader.u32(offset + 2, where),
      fiducial: reader.u32(offset + 6, where),
      zoneEnd: reader.u32(offset + 10, where),
    };
  });
  const locations: QrsLocations = {
    referenceBeatMs: reader.u16(0, 'SCP section 4 reference beat length'),
    referenceFiducial: reader.u16(2, 'SCP section 4 fiducial'),
    beats,
  };
  // The protected zones follow the beats, 2 × 4 bytes per beat (EN 1064 §5.7.3).
  const zonesAt = 6 + count * QRS_LOCATION_BYTES;
  if (count > 0 && reader.has(zonesAt, count * 8)) {
    locations.protectedZones = Array.from({ length: count }, (_, index) => ({
      start: reader.u32(zonesAt + index * 8, `SCP section 4 protected zone ${index + 1}`),
      end: reader.u32(zonesAt + index * 8 + 4, `SCP section 4 protected zone ${index + 1}`),
    }));
  }
  return locations;
}

/**
 * Some vendors (Healforce, for one) write one rhythm stream holding all leads interleaved as raw samples, while
 * section 3 declares several leads. Read as EN 1064, the first length then covers every byte of the section.
 */
function isInterleavedSingleStream(body: Uint8Array, leadCount: number, firstLength: number): boolean {
  const rest = body.length - ENCODED_HEADER_BYTES - 2;
  return leadCount > 1 && (rest - firstLength === 0 || rest - firstLength === 1);
}

export interface EncodedLeadsHeader {
  nanovoltsPerUnit: number;
  sampleIntervalUs: number;
  differenceOrder: number;
  bimodal: boolean;
}

/** The fixed fields of section 5 or 6, read before the streams (the decimation factor comes from them). */
export function parseEncodedHeader(body: Uint8Array, sectionId: 5 | 6): EncodedLeadsHeader {
  const reader = new ByteReader(body);
  const where = `SCP section ${sectionId}`;
  const nanovoltsPerUnit = reader.u16(0, `${where} amplitude multiplier`);
  const sampleIntervalUs = reader.u16(2, `${where} sample interval`);
  if (nanovoltsPerUnit === 0) throw new EcgFormatError('CORRUPT', `${where}: amplitude value multiplier is 0`);
  if (sampleIntervalUs === 0) throw new EcgFormatError('CORRUPT', `${where}: sample interval is 0`);
  return {
    nanovoltsPerUnit,
    sampleIntervalUs,
    differenceOrder: reader.u8(4, `${where} difference flag`),
    bimodal: sectionId === 6 && reader.u8(5, `${where} bimodal flag`) === 1,
  };
}

/** How the streams will be decoded, so that byte counts that overflowed 16 bits can be rebuilt safely. */
export interface StreamExpectation {
  /** Samples each lead's stream must yield. */
  samplesPerLead: number[];
  huffman: boolean;
}

const U16_WRAP = 0x10000;
/** Writers that saturate rather than wrap the 16-bit count write one of these (Contec: 65534, an even byte count). */
const SATURATED_COUNTS = new Set([0xfffe, 0xffff]);

/**
 * Long recordings do not fit section 6's 16-bit per-lead byte counts (47 s at 800 Hz is 75 200 raw bytes a lead).
 * Writers then saturate or wrap them, and readers (BioSig among them) take the lengths from the section's length.
 * Done here only where that is unambiguous: raw 16-bit samples (each lead's length is twice its sample count), or
 * Huffman streams of equal length that every declared count is consistent with. Otherwise undefined: the caller
 * refuses rather than decode a lead from the middle of another.
 */
function derivedLengths(declared: number[], available: number, expectation: StreamExpectation | undefined): number[] | undefined {
  if (!expectation) return undefined;
  const consistent = (declaredLength: number, actual: number) =>
    actual >= U16_WRAP && (SATURATED_COUNTS.has(declaredLength) || declaredLength === actual % U16_WRAP);
  if (!expectation.huffman) {
    const lengths = expectation.samplesPerLead.map((samples) => samples * 2);
    const total = lengths.reduce((sum, length) => sum + length, 0);
    const fits = total <= available && available - total < 2 * declared.length + 2;
    const explains = lengths.every((length, lead) => length === declared[lead] || consistent(declared[lead], length));
    return fits && explains && lengths.some((length, lead) => length !== declared[lead]) ? lengths : undefined;
  }
  if (available % declared.length !== 0) return undefined;
  const each = available / declared.length;
  return declared.every((length) => length === each || consistent(length, each)) ? declared.map(() => each) : undefined;
}

export function parseEncodedLeads(body: Uint8Array, leadCount: number, sectionId: 5 | 6, expectation?: StreamExpectation): EncodedLeads {
  const reader = new ByteReader(body);
  const where = `SCP section ${sectionId}`;
  const header = parseEncodedHeader(body, sectionId);
  let lengths = Array.from({ length: leadCount }, (_, lead) => reader.u16(ENCODED_HEADER_BYTES + 2 * lead, `${where} lead ${lead + 1} length`));
  if (sectionId === 6 && isInterleavedSingleStream(body, leadCount, lengths[0])) {
    throw new EcgFormatError(
      'NON_COMPLIANT',
      `file claims SCP-ECG but section 6 holds one stream of ${leadCount} interleaved leads instead of one stream per lead (EN 1064)`,
    );
  }
  const streamsStart = ENCODED_HEADER_BYTES + 2 * leadCount;
  const available = body.length - streamsStart;
  const declaredTotal = lengths.reduce((sum, length) => sum + length, 0);
  // Declared counts that run past the section, or leave at least 64 KiB of it unaccounted for, have overflowed.
  let lengthsDerived = false;
  if (declaredTotal > available || available - declaredTotal >= U16_WRAP) {
    const derived = derivedLengths(lengths, available, expectation);
    if (!derived) {
      throw new EcgFormatError(
        'CORRUPT',
        `${where}: per-lead byte counts (${lengths.join(', ')}) do not fit the section's ${available} bytes and cannot be derived from it`,
      );
    }
    lengths = derived;
    lengthsDerived = true;
  }
  let offset = streamsStart;
  const streams = lengths.map((length, lead) => {
    if (!reader.has(offset, length)) {
      throw new EcgFormatError('CORRUPT', `${where}: lead ${lead + 1} stream (${length} bytes) runs past the section`);
    }
    const stream = body.subarray(offset, offset + length);
    offset += length;
    return stream;
  });
  return { ...header, streams, lengthsDerived };
}

/** Fewest bits one sample can take: 1 with Huffman (the code "0"), 16 raw. Bounds allocation before decoding. */
function assertStreamCanHold(stream: Uint8Array, sampleCount: number, huffman: boolean, where: string): void {
  const capacity = huffman ? stream.length * 8 : Math.floor(stream.length / 2);
  if (sampleCount > capacity) {
    throw new EcgFormatError('CORRUPT', `${where}: ${stream.length} bytes cannot hold ${sampleCount} samples`);
  }
}

/** One lead's values in units of the section's AVM, differences undone. */
export function decodeLeadStream(
  stream: Uint8Array,
  sampleCount: number,
  differenceOrder: number,
  huffman: HuffmanDecoder | undefined,
  where: string,
  exact = false,
  scale = 1,
): Float64Array {
  assertStreamCanHold(stream, sampleCount, huffman !== undefined, where);
  // A decimated stream's sample count comes from the zones; one that holds more samples than they allow was not
  // decimated the way section 4 says, and reading its beginning would place every value at the wrong time.
  const values = huffman ? huffman.decode(stream, sampleCount, where, exact ? 15 : Infinity) : decodeRaw16(stream, sampleCount, where, exact ? 1 : Infinity);
  return undoDifferences(values, differenceOrder, where, scale);
}
