/**
 * ECG serial frame protocol, version 1 (the full text with rationale: docs/ecg-serial-protocol.md).
 *
 * A device sends a continuous byte stream of frames. All multi-byte fields are little-endian.
 *
 *   offset  size     field
 *    0      2        sync: 0xA5 0x5A
 *    2      1        version: 1
 *    3      1        sample encoding: 1 = int16, 2 = int24 (two's complement, little-endian)
 *    4      1        flags: bit 0 = device timestamp is UTC (µs since 1970-01-01T00:00:00Z); bits 1–7 reserved, 0
 *    5      1        lead count N (1–16)
 *    6      2        lead mask: bit i set = LEAD_CODES[i] present; leads are sent in bit order; popcount = N
 *    8      2        sample rate, Hz (1–65535)
 *   10      2        samples per lead in this frame, S (1–1000)
 *   12      4        sequence: the device's index of this frame's first sample (per lead), modulo 2^32
 *   16      8        device timestamp of the frame's first sample, µs (unsigned)
 *   24      4        µV per LSB, IEEE-754 float32 (finite, > 0)
 *   28      2        header check: CRC-16/CCITT-FALSE over bytes 0–27
 *   30      N·S·B    samples, time-major: sample 0 of every lead in mask order, then sample 1, …; B = 2 or 3
 *   30+N·S·B  4      frame check: CRC-32/ISO-HDLC over every preceding byte of the frame
 *
 * Frame length = 34 + N·S·B bytes. The most negative code (−32768 for int16, −8388608 for int24) marks an invalid
 * sample (lead off, saturated input) and decodes to NaN.
 *
 * Why these choices:
 * - The sequence counts samples, not frames, so a gap gives the exact number of lost samples even when frame sizes
 *   vary, and the receiver can keep true time by filling the gap. 2^32 samples at 1 kHz wrap after 49.7 days; the
 *   receiver compares sequences modulo 2^32, so wrap-around is ordinary.
 * - The header has its own CRC so its length field can be trusted before the body arrives, and so a sync pattern
 *   occurring inside sample data is accepted as a frame start only with probability 2^-32 (16 sync bits × 16 CRC bits).
 * - The frame CRC-32 detects every burst up to 32 bits; a frame that fails it is dropped, counted, and its samples
 *   are accounted for by the next frame's sequence number.
 *
 * Receiver rules (FrameDecoder):
 * 1. Hunt for the sync; verify the header CRC and field ranges; on failure advance one byte (counted as skipped).
 * 2. Wait for the whole frame; on a CRC-32 failure count a corrupt frame and resume the hunt at the byte after its
 *    sync (so a frame truncated by a device reset costs only itself, not the frame that follows).
 * 3. d = (sequence − expected) mod 2^32: 0 is contiguous; 1 … 2^31−1 means d samples per lead were lost (counted,
 *    reported as a gap so the receiver fills NaN); 2^31 and above (backwards) means the device restarted.
 * 4. A change of lead mask, sample rate or encoding scale starts a new session (counted as a restart).
 */
import { STANDARD_LEADS } from '../../../shared/ecg';
import { crc16CcittFalse, crc32 } from './crc';

export const FRAME_SYNC = [0xa5, 0x5a] as const;
export const FRAME_VERSION = 1;
export const HEADER_LENGTH = 30;
export const FRAME_CHECK_LENGTH = 4;
export const MAX_LEADS = 16;
export const MAX_SAMPLES_PER_FRAME = 1000;
/** Bit i of the lead mask: the 12 standard leads, then right-sided V4R and posterior V7–V9 (15/16-lead ECG). */
export const LEAD_CODES = [...STANDARD_LEADS, 'V4R', 'V7', 'V8', 'V9'] as const;

export type SampleEncoding = 'int16' | 'int24';
const ENCODING_CODES: Record<SampleEncoding, number> = { int16: 1, int24: 2 };
const FLAG_UTC_TIMESTAMP = 0x01;

export const SAMPLE_RANGE: Record<SampleEncoding, { invalidCode: number; min: number; max: number; bytes: number }> = {
  int16: { invalidCode: -0x8000, min: -0x7fff, max: 0x7fff, bytes: 2 },
  int24: { invalidCode: -0x800000, min: -0x7fffff, max: 0x7fffff, bytes: 3 },
};

export interface FrameHeader {
  encoding: SampleEncoding;
  timestampIsUtc: boolean;
  /** Lead names in transmission order (from the lead mask). */
  leadNames: string[];
  leadMask: number;
  sampleRateHz: number;
  samplesPerLead: number;
  /** Device sample index of the first sample, modulo 2^32. */
  sequence: number;
  /** Device clock, µs, of the first sample. */
  deviceTimestampUs: number;
  microvoltsPerLsb: number;
}

export interface FrameInput {
  encoding: SampleEncoding;
  leadNames: readonly string[];
  sampleRateHz: number;
  sequence: number;
  deviceTimestampUs: number;
  timestampIsUtc: boolean;
  microvoltsPerLsb: number;
  /** Integer ADC codes per lead, all the same length; NaN is sent as the invalid-sample code. */
  counts: readonly ArrayLike<number>[];
}

export function frameLength(leadCount: number, samplesPerLead: number, encoding: SampleEncoding): number {
  return HEADER_LENGTH + leadCount * samplesPerLead * SAMPLE_RANGE[encoding].bytes + FRAME_CHECK_LENGTH;
}

export function leadMaskOf(leadNames: readonly string[]): number {
  let mask = 0;
  let previousBit = -1;
  for (const name of leadNames) {
    const bit = (LEAD_CODES as readonly string[]).indexOf(name);
    if (bit < 0) throw new RangeError(`lead ${name} has no code in the frame protocol`);
    if (bit <= previousBit) throw new RangeError('leads must be listed once each, in LEAD_CODES order');
    mask |= 1 << bit;
    previousBit = bit;
  }
  return mask;
}

export function leadNamesOf(mask: number): string[] {
  return LEAD_CODES.filter((_, bit) => (mask >> bit) & 1);
}

/** Rounds µV to ADC codes, clamping to the valid range (a saturated input stays at full scale, not the invalid code). */
export function microvoltsToCounts(microvolts: ArrayLike<number>, microvoltsPerLsb: number, encoding: SampleEncoding): Float64Array {
  const { min, max } = SAMPLE_RANGE[encoding];
  const counts = new Float64Array(microvolts.length);
  for (let i = 0; i < microvolts.length; i++) {
    const value = microvolts[i];
    // `+ 0` turns Math.round's −0 into 0: a code is an integer and has no sign of zero.
    counts[i] = Number.isNaN(value) ? NaN : Math.min(max, Math.max(min, Math.round(value / microvoltsPerLsb))) + 0;
  }
  return counts;
}

export function encodeFrame(input: FrameInput): Uint8Array {
  const leadCount = input.leadNames.length;
  const samplesPerLead = input.counts[0]?.length ?? 0;
  assertEncodable(input, leadCount, samplesPerLead);
  const range = SAMPLE_RANGE[input.encoding];
  const frame = new Uint8Array(frameLength(leadCount, samplesPerLead, input.encoding));
  const view = new DataView(frame.buffer);
  frame[0] = FRAME_SYNC[0];
  frame[1] = FRAME_SYNC[1];
  frame[2] = FRAME_VERSION;
  frame[3] = ENCODING_CODES[input.encoding];
  frame[4] = input.timestampIsUtc ? FLAG_UTC_TIMESTAMP : 0;
  frame[5] = leadCount;
  view.setUint16(6, leadMaskOf(input.leadNames), true);
  view.setUint16(8, input.sampleRateHz, true);
  view.setUint16(10, samplesPerLead, true);
  view.setUint32(12, input.sequence >>> 0, true);
  view.setBigUint64(16, BigInt(Math.round(input.deviceTimestampUs)), true);
  view.setFloat32(24, input.microvoltsPerLsb, true);
  view.setUint16(28, crc16CcittFalse(frame, 0, 28), true);
  let offset = HEADER_LENGTH;
  for (let s = 0; s < samplesPerLead; s++) {
    for (let lead = 0; lead < leadCount; lead++) {
      const count = input.counts[lead][s];
      const code = Number.isNaN(count) ? range.invalidCode : count;
      if (!Number.isInteger(code) || (code !== range.invalidCode && (code < range.min || code > range.max))) {
        throw new RangeError(`sample ${s} of lead ${input.leadNames[lead]} (${count}) is not an ${input.encoding} code`);
      }
      writeSample(view, offset, code, input.encoding);
      offset += range.bytes;
    }
  }
  view.setUint32(offset, crc32(frame, 0, offset), true);
  return frame;
}

function assertEncodable(input: FrameInput, leadCount: number, samplesPerLead: number): void {
  if (leadCount < 1 || leadCount > MAX_LEADS) throw new RangeError(`lead count ${leadCount} outside 1–${MAX_LEADS}`);
  if (input.counts.length !== leadCount) throw new RangeError('one counts array per lead');
  if (input.counts.some((lead) => lead.length !== samplesPerLead)) throw new RangeError('all leads need the same length');
  if (samplesPerLead < 1 || samplesPerLead > MAX_SAMPLES_PER_FRAME) {
    throw new RangeError(`samples per lead ${samplesPerLead} outside 1–${MAX_SAMPLES_PER_FRAME}`);
  }
  if (!Number.isInteger(input.sampleRateHz) || input.sampleRateHz < 1 || input.sampleRateHz > 0xffff) {
    throw new RangeError(`sample rate ${input.sampleRateHz} Hz is not a 16-bit positive integer`);
  }
  if (!(input.microvoltsPerLsb > 0) || !Number.isFinite(Math.fround(input.microvoltsPerLsb))) {
    throw new RangeError('µV per LSB must be a finite positive float32');
  }
  if (!(input.deviceTimestampUs >= 0) || input.deviceTimestampUs > Number.MAX_SAFE_INTEGER) {
    throw new RangeError('device timestamp must be a non-negative safe integer of µs');
  }
}

function writeSample(view: DataView, offset: number, code: number, encoding: SampleEncoding): void {
  if (encoding === 'int16') {
    view.setInt16(offset, code, true);
  } else {
    view.setUint8(offset, code & 0xff);
    view.setUint8(offset + 1, (code >> 8) & 0xff);
    view.setUint8(offset + 2, (code >> 16) & 0xff);
  }
}

/**
 * Parses and checks the 30-byte header at `offset`; undefined when it is not a valid v1 header (wrong sync, CRC,
 * version or a field out of range). Never throws.
 */
export function parseHeader(bytes: Uint8Array, offset: number): FrameHeader | undefined {
  if (offset + HEADER_LENGTH > bytes.length) return undefined;
  if (bytes[offset] !== FRAME_SYNC[0] || bytes[offset + 1] !== FRAME_SYNC[1]) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, HEADER_LENGTH);
  if (view.getUint16(28, true) !== crc16CcittFalse(bytes, offset, offset + 28)) return undefined;
  const encoding = bytes[offset + 3] === 1 ? 'int16' : bytes[offset + 3] === 2 ? 'int24' : undefined;
  const flags = bytes[offset + 4];
  const leadCount = bytes[offset + 5];
  const leadMask = view.getUint16(6, true);
  const sampleRateHz = view.getUint16(8, true);
  const samplesPerLead = view.getUint16(10, true);
  const microvoltsPerLsb = view.getFloat32(24, true);
  const valid =
    bytes[offset + 2] === FRAME_VERSION &&
    encoding !== undefined &&
    (flags & ~FLAG_UTC_TIMESTAMP) === 0 &&
    leadCount >= 1 &&
    leadCount === popcount(leadMask) &&
    sampleRateHz >= 1 &&
    samplesPerLead >= 1 &&
    samplesPerLead <= MAX_SAMPLES_PER_FRAME &&
    Number.isFinite(microvoltsPerLsb) &&
    microvoltsPerLsb > 0;
  if (!valid) return undefined;
  return {
    encoding,
    timestampIsUtc: (flags & FLAG_UTC_TIMESTAMP) !== 0,
    leadNames: leadNamesOf(leadMask),
    leadMask,
    sampleRateHz,
    samplesPerLead,
    sequence: view.getUint32(12, true),
    deviceTimestampUs: Number(view.getBigUint64(16, true)),
    microvoltsPerLsb,
  };
}

function popcount(value: number): number {
  let count = 0;
  for (let v = value; v !== 0; v &= v - 1) count++;
  return count;
}

/** Sample codes → µV per lead; the invalid code → NaN. `offset` is the first sample byte. */
function decodeSamples(bytes: Uint8Array, offset: number, header: FrameHeader): Float32Array[] {
  const leadCount = header.leadNames.length;
  const { invalidCode, bytes: width } = SAMPLE_RANGE[header.encoding];
  const leads = Array.from({ length: leadCount }, () => new Float32Array(header.samplesPerLead));
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  let position = offset;
  for (let s = 0; s < header.samplesPerLead; s++) {
    for (let lead = 0; lead < leadCount; lead++) {
      const code = width === 2 ? view.getInt16(position, true) : ((bytes[position] | (bytes[position + 1] << 8) | (bytes[position + 2] << 16)) << 8) >> 8;
      leads[lead][s] = code === invalidCode ? NaN : code * header.microvoltsPerLsb;
      position += width;
    }
  }
  return leads;
}

export interface DecodedFrame {
  kind: 'frame';
  header: FrameHeader;
  /** Index of the first sample on the receiver's timeline (contiguous from 0 since the decoder was created). */
  firstSampleIndex: number;
  /** µV per lead, in header.leadNames order. */
  samples: Float32Array[];
}

/** Samples the device sent but that never arrived intact; the receiver shows them as NaN to keep time true. */
export interface DecodedGap {
  kind: 'gap';
  firstSampleIndex: number;
  length: number;
  sampleRateHz: number;
  leadNames: string[];
}

export type DecoderOutput = DecodedFrame | DecodedGap;

export interface DecoderStats {
  frames: number;
  /** Frames with an intact header whose CRC-32 failed. */
  corruptFrames: number;
  /** Samples per lead missing between accepted frames (sequence gaps). */
  lostSamples: number;
  /** Bytes discarded while hunting for a frame, outside any frame with an intact header. */
  skippedBytes: number;
  /** The sequence went backwards or the session parameters changed. */
  restarts: number;
}

const HALF_SEQUENCE_SPACE = 2 ** 31;

/**
 * Streaming decoder: push chunks of any size (split anywhere, even inside a header), get the frames and gaps they
 * complete. Holds at most one incomplete frame (≤ 48 KiB) plus the chunk being read.
 */
export class FrameDecoder {
  readonly stats: DecoderStats = { frames: 0, corruptFrames: 0, lostSamples: 0, skippedBytes: 0, restarts: 0 };
  private buffer = new Uint8Array(64 * 1024);
  private start = 0;
  private end = 0;
  /** Stream offset of buffer[0], so positions survive compaction. */
  private base = 0;
  /** Stream offset where the last CRC-failed frame ends: bytes before it belong to that frame, not to "skipped". */
  private corruptRegionEnd = 0;
  private expectedSequence: number | undefined;
  private session: { leadMask: number; sampleRateHz: number; microvoltsPerLsb: number } | undefined;
  private nextSampleIndex = 0;

  push(chunk: Uint8Array): DecoderOutput[] {
    this.append(chunk);
    const out: DecoderOutput[] = [];
    while (this.start < this.end) {
      const syncAt = this.findSync();
      if (syncAt !== this.start) {
        this.discardUntil(syncAt);
        continue;
      }
      if (this.end - this.start < HEADER_LENGTH) break;
      const header = parseHeader(this.buffer.subarray(0, this.end), this.start);
      if (!header) {
        this.discardUntil(this.start + 1);
        continue;
      }
      const length = frameLength(header.leadNames.length, header.samplesPerLead, header.encoding);
      if (this.end - this.start < length) break;
      const checkAt = this.start + length - FRAME_CHECK_LENGTH;
      const view = new DataView(this.buffer.buffer, this.buffer.byteOffset);
      if (view.getUint32(checkAt, true) !== crc32(this.buffer, this.start, checkAt)) {
        this.stats.corruptFrames++;
        this.corruptRegionEnd = this.base + this.start + length;
        this.start += 1;
        continue;
      }
      this.accept(header, this.start + HEADER_LENGTH, out);
      this.start += length;
    }
    return out;
  }

  /**
   * Drops a partial frame left by a closed connection (the bytes count as skipped) while keeping the sequence
   * expectation, so samples missed while a cable was out are counted as lost and time stays true after replug.
   */
  discardBuffered(): number {
    const discarded = this.end - this.start;
    this.discardUntil(this.end);
    return discarded;
  }

  private accept(header: FrameHeader, samplesOffset: number, out: DecoderOutput[]): void {
    const sessionChanged =
      this.session !== undefined &&
      (this.session.leadMask !== header.leadMask ||
        this.session.sampleRateHz !== header.sampleRateHz ||
        this.session.microvoltsPerLsb !== header.microvoltsPerLsb);
    if (this.expectedSequence !== undefined && !sessionChanged) {
      const ahead = (header.sequence - this.expectedSequence) >>> 0;
      if (ahead !== 0 && ahead < HALF_SEQUENCE_SPACE) {
        this.stats.lostSamples += ahead;
        out.push({
          kind: 'gap',
          firstSampleIndex: this.nextSampleIndex,
          length: ahead,
          sampleRateHz: header.sampleRateHz,
          leadNames: header.leadNames,
        });
        this.nextSampleIndex += ahead;
      } else if (ahead !== 0) {
        this.stats.restarts++;
      }
    } else if (sessionChanged) {
      this.stats.restarts++;
    }
    this.session = { leadMask: header.leadMask, sampleRateHz: header.sampleRateHz, microvoltsPerLsb: header.microvoltsPerLsb };
    out.push({
      kind: 'frame',
      header,
      firstSampleIndex: this.nextSampleIndex,
      samples: decodeSamples(this.buffer, samplesOffset, header),
    });
    this.stats.frames++;
    this.nextSampleIndex += header.samplesPerLead;
    this.expectedSequence = (header.sequence + header.samplesPerLead) >>> 0;
  }

  /** Position of the next possible frame start at or after `start` (a lone 0xA5 at the end may begin one). */
  private findSync(): number {
    const live = this.buffer.subarray(0, this.end);
    let at = live.indexOf(FRAME_SYNC[0], this.start);
    while (at !== -1) {
      if (at + 1 >= this.end || live[at + 1] === FRAME_SYNC[1]) return at;
      at = live.indexOf(FRAME_SYNC[0], at + 1);
    }
    return this.end;
  }

  private discardUntil(position: number): void {
    const from = Math.max(this.base + this.start, this.corruptRegionEnd);
    const to = this.base + position;
    if (to > from) this.stats.skippedBytes += to - from;
    this.start = position;
  }

  private append(chunk: Uint8Array): void {
    if (this.start === this.end) {
      this.base += this.end;
      this.start = this.end = 0;
    }
    if (this.end + chunk.length > this.buffer.length) {
      const live = this.end - this.start;
      const target = live + chunk.length > this.buffer.length ? new Uint8Array(2 * (live + chunk.length)) : this.buffer;
      if (target === this.buffer) this.buffer.copyWithin(0, this.start, this.end);
      else target.set(this.buffer.subarray(this.start, this.end), 0);
      this.buffer = target;
      this.base += this.start;
      this.end = live;
      this.start = 0;
    }
    this.buffer.set(chunk, this.end);
    this.end += chunk.length;
  }
}
