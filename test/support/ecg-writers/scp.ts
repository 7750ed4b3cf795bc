/**
 * Test-only SCP-ECG writer (EN 1064 layout, protocol 2.0): sections 0–6 with correct CRCs, default or custom
 * Huffman coding or raw values, first/second differences, optional reference-beat data, and section 1 tags. It writes
 * exactly the stored numbers it is given (residuals when a reference beat is used), so tests compute the expected
 * microvolts on their own. A few switches write the vendor deviations the reader must refuse.
 */
import { crcCcitt } from '../../../src/main/ecg/formats/crc';

export type ScpCoding = 'default-huffman' | 'custom-huffman' | 'raw-no-section-2' | 'raw-zero-tables';

export interface ScpLeadSpec {
  code: number;
  /** Stored rhythm values (AVM units); with a reference beat these are the residuals. */
  values: number[];
  firstSample?: number;
  /** Samples the lead spans at full rate when `values` is a decimated stream (default: values.length). */
  sampleCount?: number;
}

export interface ScpBeatSpec {
  type: number;
  zoneStart: number;
  fiducial: number;
  zoneEnd: number;
}

export interface ScpReferenceBeatSpec {
  nanovoltsPerUnit: number;
  sampleIntervalUs?: number;
  differenceOrder: 0 | 1 | 2;
  referenceBeatMs: number;
  /** 1-based sample number of the fiducial inside the reference beat. */
  fiducial: number;
  /** Reference beat values per lead (section 5 AVM units). */
  values: number[][];
  beats: ScpBeatSpec[];
  /** Set section 3's "reference beat subtracted" flag (default true). */
  subtracted?: boolean;
  /** Protected zones per beat (1-based, inclusive); default: each beat's subtraction zone. */
  protectedZones?: { start: number; end: number }[];
}

export interface ScpTag {
  tag: number;
  value: Uint8Array;
}

export interface ScpSpec {
  nanovoltsPerUnit: number;
  sampleIntervalUs: number;
  differenceOrder: 0 | 1 | 2;
  coding: ScpCoding;
  leads: ScpLeadSpec[];
  referenceBeat?: ScpReferenceBeatSpec;
  tags?: ScpTag[];
  protocolVersion?: number;
  bimodal?: boolean;
  /** Vendor deviations: all leads interleaved raw in one section 6 stream; a 16-bit record length at offset 4. */
  quirk?: 'interleaved-rhythm' | 'short-record-length';
  /** Sections to leave out (e.g. 4 and 5 while section 3 still flags reference-beat subtraction). */
  omitSections?: number[];
  /**
   * How section 6 writes a per-lead byte count beyond 16 bits: 'wrap' keeps the low 16 bits, 'saturate' writes
   * 65534 (the Contec ECG90A). Without it, counts beyond 65535 are an error in the test.
   */
  longLengths?: 'wrap' | 'saturate';
  /** Further sections by ID (7, 8, 10: the cart's measurements and statements), bodies as written by the caller. */
  extraSections?: { id: number; body: Uint8Array }[];
}

class BitWriter {
  private readonly bits: number[] = [];

  push(value: number, count: number): void {
    for (let bit = count - 1; bit >= 0; bit--) this.bits.push(Math.floor(value / 2 ** bit) % 2);
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(Math.ceil(this.bits.length / 8));
    this.bits.forEach((bit, index) => {
      if (bit) out[index >> 3] |= 0x80 >> (index & 7);
    });
    return out;
  }
}

function twosComplement(value: number, bits: number): number {
  return value < 0 ? value + 2 ** bits : value;
}

/** EN 1064 default Huffman code for one value. */
function pushDefaultCode(writer: BitWriter, value: number): void {
  const magnitude = Math.abs(value);
  if (value === 0) writer.push(0, 1);
  else if (magnitude <= 8) writer.push((((1 << magnitude) - 1) << 2) | (value < 0 ? 1 : 0), magnitude + 2);
  else if (value >= -128 && value <= 127) {
    writer.push(0b1111111110, 10);
    writer.push(twosComplement(value, 8), 8);
  } else if (value >= -32768 && value <= 32767) {
    writer.push(0b1111111111, 10);
    writer.push(twosComplement(value, 16), 16);
  } else throw new Error(`SCP writer: ${value} does not fit the default table`);
}

export function differences(values: number[], order: 0 | 1 | 2): number[] {
  return values.map((value, n) => {
    if (order === 0 || n < order) return value;
    if (order === 1) return value - values[n - 1];
    return value - 2 * values[n - 1] + values[n - 2];
  });
}

function encodeStream(values: number[], order: 0 | 1 | 2, coding: ScpCoding): Uint8Array {
  const stored = differences(values, order);
  if (coding === 'raw-no-section-2' || coding === 'raw-zero-tables') {
    const out = new Uint8Array(stored.length * 2);
    const view = new DataView(out.buffer);
    stored.forEach((value, index) => view.setInt16(index * 2, value, true));
    return out;
  }
  const writer = new BitWriter();
  for (const value of stored) pushDefaultCode(writer, value);
  return writer.bytes();
}

function reverseBits(value: number, count: number): number {
  let reversed = 0;
  for (let i = 0; i < count; i++) reversed = reversed * 2 + (Math.floor(value / 2 ** i) % 2);
  return reversed;
}

export class ByteWriter {
  private readonly parts: number[] = [];
  u8(value: number): this {
    this.parts.push(value & 0xff);
    return this;
  }
  u16(value: number): this {
    return this.u8(value).u8(value >>> 8);
  }
  i16(value: number): this {
    return this.u16(value & 0xffff);
  }
  u32(value: number): this {
    return this.u16(value & 0xffff).u16(Math.floor(value / 65536) & 0xffff);
  }
  bytes(data: Uint8Array): this {
    for (const byte of data) this.parts.push(byte);
    return this;
  }
  toBytes(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

/** Section 2 holding the default table written out as a custom table (codes bit-reversed, as EN 1064 stores them). */
function customTableSection(): Uint8Array {
  const writer = new ByteWriter().u16(1).u16(19);
  const entry = (prefixBits: number, totalBits: number, value: number, prefix: number) =>
    writer.u8(prefixBits).u8(totalBits).u8(1).i16(value).u32(reverseBits(prefix, prefixBits));
  entry(1, 1, 0, 0);
  for (let magnitude = 1; magnitude <= 8; magnitude++) {
    const ones = (1 << magnitude) - 1;
    entry(magnitude + 2, magnitude + 2, magnitude, ones << 2);
    entry(magnitude + 2, magnitude + 2, -magnitude, (ones << 2) | 1);
  }
  entry(10, 18, 0, 0b1111111110);
  entry(10, 26, 0, 0b1111111111);
  return writer.toBytes();
}

function lengthField(length: number, longLengths: ScpSpec['longLengths']): number {
  if (length <= 0xffff) return length;
  if (longLengths === 'wrap') return length & 0xffff;
  if (longLengths === 'saturate') return 0xfffe;
  throw new Error(`SCP writer: a ${length}-byte stream needs longLengths`);
}

function encodedLeadsSection(
  nanovoltsPerUnit: number,
  intervalUs: number,
  order: 0 | 1 | 2,
  flag: number,
  streams: Uint8Array[],
  longLengths?: ScpSpec['longLengths'],
): Uint8Array {
  const writer = new ByteWriter().u16(nanovoltsPerUnit).u16(intervalUs).u8(order).u8(flag);
  for (const stream of streams) writer.u16(lengthField(stream.length, longLengths));
  for (const stream of streams) writer.bytes(stream);
  return writer.toBytes();
}

function leadSection(spec: ScpSpec): Uint8Array {
  const subtracted = spec.referenceBeat && spec.referenceBeat.subtracted !== false ? 1 : 0;
  const writer = new ByteWriter().u8(spec.leads.length).u8(subtracted | 0x04 | (Math.min(spec.leads.length, 31) << 3));
  for (const lead of spec.leads) {
    const first = lead.firstSample ?? 1;
    writer
      .u32(first)
      .u32(first + (lead.sampleCount ?? lead.values.length) - 1)
      .u8(lead.code);
  }
  return writer.toBytes();
}

function qrsSection(beat: ScpReferenceBeatSpec): Uint8Array {
  const writer = new ByteWriter().u16(beat.referenceBeatMs).u16(beat.fiducial).u16(beat.beats.length);
  for (const qrs of beat.beats) writer.u16(qrs.type).u32(qrs.zoneStart).u32(qrs.fiducial).u32(qrs.zoneEnd);
  const zones = beat.protectedZones ?? beat.beats.map((qrs) => ({ start: qrs.zoneStart, end: qrs.zoneEnd }));
  for (const zone of zones) writer.u32(zone.start).u32(zone.end);
  return writer.toBytes();
}

function tagSection(tags: ScpTag[]): Uint8Array {
  const writer = new ByteWriter();
  for (const { tag, value } of tags) writer.u8(tag).u16(value.length).bytes(value);
  return writer.u8(255).u16(0).toBytes();
}

function interleavedRhythm(spec: ScpSpec): Uint8Array {
  const samples = spec.leads[0].values.length;
  const data = new ByteWriter();
  for (let i = 0; i < samples; i++) for (const lead of spec.leads) data.i16(lead.values[i]);
  const stream = data.toBytes();
  return new ByteWriter().u16(spec.nanovoltsPerUnit).u16(spec.sampleIntervalUs).u8(0).u8(0).u16(stream.length).bytes(stream).toBytes();
}

function sectionBodies(spec: ScpSpec): Map<number, Uint8Array> {
  const bodies = new Map<number, Uint8Array>();
  if (spec.tags) bodies.set(1, tagSection(spec.tags));
  if (spec.coding === 'default-huffman') bodies.set(2, new ByteWriter().u16(19999).toBytes());
  if (spec.coding === 'custom-huffman') bodies.set(2, customTableSection());
  if (spec.coding === 'raw-zero-tables') bodies.set(2, new ByteWriter().u16(0).toBytes());
  bodies.set(3, leadSection(spec));
  const beat = spec.referenceBeat;
  if (beat) {
    bodies.set(4, qrsSection(beat));
    const streams = beat.values.map((values) => encodeStream(values, beat.differenceOrder, spec.coding));
    bodies.set(5, encodedLeadsSection(beat.nanovoltsPerUnit, beat.sampleIntervalUs ?? spec.sampleIntervalUs, beat.differenceOrder, 0, streams));
  }
  if (spec.quirk === 'interleaved-rhythm') bodies.set(6, interleavedRhythm(spec));
  else {
    const streams = spec.leads.map((lead) => encodeStream(lead.values, spec.differenceOrder, spec.coding));
    bodies.set(6, encodedLeadsSection(spec.nanovoltsPerUnit, spec.sampleIntervalUs, spec.differenceOrder, spec.bimodal ? 1 : 0, streams, spec.longLengths));
  }
  for (const { id, body } of spec.extraSections ?? []) bodies.set(id, body);
  for (const id of spec.omitSections ?? []) bodies.delete(id);
  return bodies;
}

const SECTION_COUNT = 12;

function sectionBytes(id: number, body: Uint8Array, protocolVersion: number): Uint8Array {
  const padded = body.length % 2 === 0 ? body : Uint8Array.from([...body, 0]);
  const out = new Uint8Array(16 + padded.length);
  const view = new DataView(out.buffer);
  view.setUint16(2, id, true);
  view.setUint32(4, out.length, true);
  out[8] = protocolVersion;
  out[9] = protocolVersion;
  if (id === 0) out.set(new TextEncoder().encode('SCPECG'), 10);
  out.set(padded, 16);
  view.setUint16(0, crcCcitt(out, 2), true);
  return out;
}

export function writeScp(spec: ScpSpec): Uint8Array {
  const protocolVersion = spec.protocolVersion ?? 20;
  const bodies = sectionBodies(spec);
  const section0Length = 16 + SECTION_COUNT * 10;
  const sections = new Map<number, Uint8Array>();
  for (const [id, body] of bodies) sections.set(id, sectionBytes(id, body, protocolVersion));
  const pointers = new ByteWriter();
  let index = 6 + section0Length + 1;
  pointers.u16(0).u32(section0Length).u32(7);
  for (let id = 1; id < SECTION_COUNT; id++) {
    const section = sections.get(id);
    pointers
      .u16(id)
      .u32(section?.length ?? 0)
      .u32(section ? index : 0);
    if (section) index += section.length;
  }
  const parts = [sectionBytes(0, pointers.toBytes(), protocolVersion), ...[...sections.entries()].sort(([a], [b]) => a - b).map(([, bytes]) => bytes)];
  const total = 6 + parts.reduce((sum, part) => sum + part.length, 0);
  const out = new Uint8Array(total);
  let offset = 6;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  const view = new DataView(out.buffer);
  if (spec.quirk === 'short-record-length') {
    view.setUint16(2, 0x1234, true);
    view.setUint16(4, total, true);
  } else view.setUint32(2, total, true);
  view.setUint16(0, crcCcitt(out, 2), true);
  return out;
}

/** Section 1 tag builders. */
export const scpTags = {
  text(tag: number, bytes: Uint8Array): ScpTag {
    return { tag, value: Uint8Array.from([...bytes, 0]) };
  },
  ascii(tag: number, text: string): ScpTag {
    return scpTags.text(tag, new TextEncoder().encode(text));
  },
  date(tag: number, year: number, month: number, day: number): ScpTag {
    return { tag, value: Uint8Array.from([year & 0xff, year >> 8, month, day]) };
  },
  time(hour: number, minute: number, second: number): ScpTag {
    return { tag: 26, value: Uint8Array.from([hour, minute, second]) };
  },
  byte(tag: number, value: number): ScpTag {
    return { tag, value: Uint8Array.from([value]) };
  },
  age(years: number): ScpTag {
    return { tag: 4, value: Uint8Array.from([years & 0xff, years >> 8, 1]) };
  },
  timeZone(minutes: number): ScpTag {
    const value = minutes & 0xffff;
    return { tag: 34, value: Uint8Array.from([value & 0xff, value >> 8, 0, 0, 0]) };
  },
  device(options: { model: string; manufacturer: string; serial: string; languageSupport?: number; manufacturerCode?: number }): ScpTag {
    const fixed = new Uint8Array(36);
    fixed[6] = 1; // device type: system
    fixed[7] = options.manufacturerCode ?? 255;
    fixed.set(new TextEncoder().encode(options.model.slice(0, 6)), 8);
    fixed[14] = 20; // SCP protocol revision 2.0
    fixed[16] = options.languageSupport ?? 0;
    const strings = ['', options.serial, '', 'test writer', options.manufacturer].map((text) => [...new TextEncoder().encode(text), 0]);
    fixed[35] = strings[0].length;
    return { tag: 14, value: Uint8Array.from([...fixed, ...strings.flat()]) };
  },
};

/**
 * Recomputes every section CRC that section 0 points at, then the record CRC, so a test that edits a length or a
 * value reaches the decoders instead of stopping at the checksum. Never throws: it skips whatever does not fit.
 */
export function fixScpCrcs(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  if (out.length < 6 + 16) return out;
  const view = new DataView(out.buffer);
  const declared = view.getUint32(2, true);
  const end = Math.min(declared, out.length);
  const section0Length = view.getUint32(6 + 4, true);
  const fixSection = (start: number, length: number) => {
    if (length >= 16 && start >= 6 && start + length <= end) view.setUint16(start, crcCcitt(out, start + 2, start + length), true);
  };
  if (section0Length >= 16 && 6 + section0Length <= end) {
    for (let offset = 6 + 16; offset + 10 <= 6 + section0Length; offset += 10) {
      const id = view.getUint16(offset, true);
      const length = view.getUint32(offset + 2, true);
      const index = view.getUint32(offset + 6, true);
      if (id !== 0 && length > 0) fixSection(index - 1, length);
    }
    fixSection(6, section0Length);
  }
  if (end >= 2) view.setUint16(0, crcCcitt(out, 2, end), true);
  return out;
}
