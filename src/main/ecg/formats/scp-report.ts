import type { CartReport } from '../../../shared/api/ecg';
import { readTags, textDecoderFor } from './scp-header';
import { looksLikeScp, parseScpRecord, type ScpSection } from './scp-sections';

/**
 * The cart's own analysis in an SCP-ECG record (EN 1064 / ISO 11073-91064):
 * - section 7, global measurements: per reference beat type the P onset/offset, QRS onset/offset and T offset (ms
 *   from the start of the reference beat) and the P, QRS and T frontal axes; from protocol 2.0 on, after the QRS
 *   types, the ventricular rate, atrial rate and QTc;
 * - section 8, the interpretation as full-text statements (with whether a physician confirmed them);
 * - section 10, per-lead measurements (P duration, PR, QRS, QT, …), used where section 7 leaves a value out.
 * Kept apart from the waveform reader so a record whose report sections are odd still opens; a value the cart marks
 * as not computed, rejected or absent is left out, never shown as a number.
 */

/** EN 1064 markers for "no value": not computed, lead rejected by the program, wave absent; 999 for an axis. */
const MISSING = new Set([29999, 29998, 19999]);
const UNDEFINED_AXIS = 999;

interface GlobalMeasurements {
  averageRrMs?: number;
  pOnset?: number;
  pOffset?: number;
  qrsOnset?: number;
  qrsOffset?: number;
  tOffset?: number;
  pAxisDeg?: number;
  qrsAxisDeg?: number;
  tAxisDeg?: number;
  ventricularRateBpm?: number;
  qtcMs?: number;
}

export interface ScpLeadMeasurement {
  leadId: number;
  pDurationMs?: number;
  prMs?: number;
  qrsMs?: number;
  qtMs?: number;
}

export interface ScpStatements {
  confirmed: boolean;
  statements: string[];
}

/** A body that ends early: reads past the end give undefined instead of throwing, so a short section yields less. */
class Cursor {
  private offset = 0;
  private readonly view: DataView;

  constructor(private readonly body: Uint8Array) {
    this.view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  }

  get remaining(): number {
    return this.body.length - this.offset;
  }

  u8(): number | undefined {
    if (this.remaining < 1) return undefined;
    return this.view.getUint8(this.offset++);
  }

  u16(): number | undefined {
    if (this.remaining < 2) return undefined;
    const value = this.view.getUint16(this.offset, true);
    this.offset += 2;
    return value;
  }

  i16(): number | undefined {
    if (this.remaining < 2) return undefined;
    const value = this.view.getInt16(this.offset, true);
    this.offset += 2;
    return value;
  }

  bytes(count: number): Uint8Array | undefined {
    if (count < 0 || this.remaining < count) return undefined;
    const out = this.body.subarray(this.offset, this.offset + count);
    this.offset += count;
    return out;
  }

  skip(count: number): boolean {
    if (count < 0 || this.remaining < count) return false;
    this.offset += count;
    return true;
  }
}

const value = (raw: number | undefined) => (raw === undefined || MISSING.has(raw) ? undefined : raw);
/** A positive count (ms, bpm); 0 is what several carts write for "none". */
const positive = (raw: number | undefined) => {
  const v = value(raw);
  return v !== undefined && v > 0 ? v : undefined;
};
/** Axes are stored as signed 16-bit degrees. */
const axis = (raw: number | undefined) => {
  if (raw === undefined) return undefined;
  const signed = raw >= 0x8000 ? raw - 0x10000 : raw;
  return signed === UNDEFINED_AXIS || MISSING.has(signed) || signed < -180 || signed > 360 ? undefined : signed;
};

/** Section 7; the first measurement block is reference beat type 0, the dominant beat the cart measured. */
export function parseGlobalMeasurements(body: Uint8Array): GlobalMeasurements | undefined {
  const c = new Cursor(body);
  const blocks = c.u8();
  const spikes = c.u8();
  const averageRr = c.u16();
  c.u16(); // average PP
  if (blocks === undefined || spikes === undefined || blocks === 0) return undefined;
  const block = [c.u16(), c.u16(), c.u16(), c.u16(), c.u16(), c.u16(), c.u16(), c.u16()];
  if (block.some((v) => v === undefined)) return undefined;
  const [pOnset, pOffset, qrsOnset, qrsOffset, tOffset, pAxis, qrsAxis, tAxis] = block;
  const out: GlobalMeasurements = {
    averageRrMs: positive(averageRr),
    pOnset: value(pOnset),
    pOffset: value(pOffset),
    qrsOnset: value(qrsOnset),
    qrsOffset: value(qrsOffset),
    tOffset: value(tOffset),
    pAxisDeg: axis(pAxis),
    qrsAxisDeg: axis(qrsAxis),
    tAxisDeg: axis(tAxis),
  };
  // The rest is optional (protocol 2.0 on): skip the other blocks, the spikes (4 + 6 bytes each), the QRS types.
  if (!c.skip((blocks - 1) * 16) || !c.skip(spikes * 10)) return out;
  const qrsCount = c.u16();
  if (qrsCount === undefined || !c.skip(qrsCount)) return out;
  const ventricularRate = c.u16();
  c.u16(); // atrial rate
  const qtc = c.u16();
  return { ...out, ventricularRateBpm: positive(ventricularRate), qtcMs: positive(qtc) };
}

/** Section 8 (and 11's full-text form): confirmed flag, date-time, then (sequence, length, text) per statement. */
export function parseStatements(body: Uint8Array, text: (bytes: Uint8Array) => string): ScpStatements | undefined {
  const c = new Cursor(body);
  const confirmed = c.u8();
  if (confirmed === undefined || !c.skip(7)) return undefined;
  const count = c.u8() ?? 0;
  const statements: string[] = [];
  for (let i = 0; i < count; i++) {
    const sequence = c.u8();
    const length = c.u16();
    if (sequence === undefined || length === undefined) break;
    const bytes = c.bytes(length);
    if (!bytes) break;
    const end = bytes.indexOf(0);
    const line = text(end >= 0 ? bytes.subarray(0, end) : bytes).trim();
    if (line !== '') statements.push(line);
  }
  // 0 = original (not overread); 1 confirmed; 2 overread, not confirmed.
  return { confirmed: confirmed === 1, statements };
}

/** Section 10: per lead, an ID, the byte length of its block, then signed 16-bit measurements in a fixed order. */
export function parseLeadMeasurements(body: Uint8Array): ScpLeadMeasurement[] {
  const c = new Cursor(body);
  const leadCount = c.u16() ?? 0;
  c.u16(); // manufacturer specific
  const leads: ScpLeadMeasurement[] = [];
  for (let i = 0; i < leadCount; i++) {
    const leadId = c.i16();
    const length = c.i16();
    if (leadId === undefined || length === undefined || length <= 0) break;
    const block = c.bytes(length);
    if (!block) break;
    const b = new Cursor(block);
    leads.push({ leadId, pDurationMs: positive(b.i16()), prMs: positive(b.i16()), qrsMs: positive(b.i16()), qtMs: positive(b.i16()) });
  }
  return leads;
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : Math.round((sorted[middle - 1] + sorted[middle]) / 2);
}

const span = (from: number | undefined, to: number | undefined) => (from !== undefined && to !== undefined && to > from ? to - from : undefined);

function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** The report of an SCP-ECG record, or undefined when the record carries none of sections 7, 8 and 10. */
export function readScpCartReport(bytes: Uint8Array): CartReport | undefined {
  if (!looksLikeScp(bytes.subarray(0, 64))) return undefined;
  let sections: Map<number, ScpSection>;
  try {
    sections = parseScpRecord(bytes).sections;
  } catch {
    return undefined;
  }
  const section = (id: number) => sections.get(id)?.body;
  const globalBody = section(7);
  const statementBody = section(8);
  const leadBody = section(10);
  if (!globalBody && !statementBody && !leadBody) return undefined;
  const header = section(1);
  const text = textDecoderFor(header ? readTags(header) : new Map());
  const global = globalBody ? parseGlobalMeasurements(globalBody) : undefined;
  const perLead = leadBody ? parseLeadMeasurements(leadBody) : [];
  // Section 10's per-lead values stand in, as their median over leads, only where section 7 gives none.
  const fromLeads = (key: 'pDurationMs' | 'prMs' | 'qrsMs' | 'qtMs') => median(perLead.map((lead) => lead[key]).filter((v): v is number => v !== undefined));
  const heartRate = global?.ventricularRateBpm ?? (global?.averageRrMs ? Math.round(60000 / global.averageRrMs) : undefined);
  const said = statementBody ? parseStatements(statementBody, text) : undefined;
  return {
    vendor: 'scp-ecg',
    measurements: compact({
      heartRateBpm: heartRate,
      prMs: span(global?.pOnset, global?.qrsOnset) ?? fromLeads('prMs'),
      qrsMs: span(global?.qrsOnset, global?.qrsOffset) ?? fromLeads('qrsMs'),
      qtMs: span(global?.qrsOnset, global?.tOffset) ?? fromLeads('qtMs'),
      qtcMs: global?.qtcMs,
      pAxisDeg: global?.pAxisDeg,
      qrsAxisDeg: global?.qrsAxisDeg,
      tAxisDeg: global?.tAxisDeg,
      pDurationMs: span(global?.pOnset, global?.pOffset) ?? fromLeads('pDurationMs'),
    }),
    statements: said?.statements ?? [],
    ...(said ? { confirmed: said.confirmed } : {}),
  };
}
