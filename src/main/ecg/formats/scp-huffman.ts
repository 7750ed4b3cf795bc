import { ByteReader } from './byte-reader';
import { EcgFormatError } from './errors';

/**
 * SCP-ECG section 2 Huffman tables (EN 1064 §5.5) and the bit-stream decoder for sections 5 and 6.
 *
 * A code structure is: bits in the prefix, bits in the entire code, table-mode switch (1 = a value,
 * 0 = switch to the table numbered by the base value), base value, base code. The entire code is the prefix followed
 * by (entire − prefix) original bits, a two's-complement number added to the base value. Streams are read most
 * significant bit first, but section 2 stores each base code bit-reversed (first transmitted bit in bit 0): a
 * classic trap.
 */

export interface HuffmanCode {
  prefixBits: number;
  totalBits: number;
  isSwitch: boolean;
  baseValue: number;
  /** Prefix bits in transmission order, first bit most significant. */
  prefix: number;
}

export type HuffmanTables = HuffmanCode[][];

/** Section 2 "number of tables" value that means "the default table of Annex C", with no table data following. */
export const DEFAULT_TABLE_MARKER = 19999;

/**
 * EN 1064 default table: 0 → "0"; ±n (n = 1..8) → n ones, a zero, then the sign bit (0 = +, 1 = −);
 * "1111111110" + 8-bit and "1111111111" + 16-bit original values.
 */
export const DEFAULT_HUFFMAN_TABLE: HuffmanCode[] = (() => {
  const codes: HuffmanCode[] = [{ prefixBits: 1, totalBits: 1, isSwitch: false, baseValue: 0, prefix: 0b0 }];
  for (let magnitude = 1; magnitude <= 8; magnitude++) {
    const ones = (1 << magnitude) - 1;
    const prefixBits = magnitude + 2;
    codes.push({ prefixBits, totalBits: prefixBits, isSwitch: false, baseValue: magnitude, prefix: (ones << 2) | 0b00 });
    codes.push({ prefixBits, totalBits: prefixBits, isSwitch: false, baseValue: -magnitude, prefix: (ones << 2) | 0b01 });
  }
  codes.push({ prefixBits: 10, totalBits: 18, isSwitch: false, baseValue: 0, prefix: 0b1111111110 });
  codes.push({ prefixBits: 10, totalBits: 26, isSwitch: false, baseValue: 0, prefix: 0b1111111111 });
  return codes;
})();

const MAX_CODE_BITS = 32;

function reverseBits(value: number, bitCount: number): number {
  let reversed = 0;
  for (let i = 0; i < bitCount; i++) reversed = reversed * 2 + ((value >>> i) & 1);
  return reversed;
}

/** Reads section 2's body; undefined tables mean the data are not Huffman coded (raw 16-bit values). */
export function parseHuffmanTables(body: Uint8Array): HuffmanTables | undefined {
  const reader = new ByteReader(body);
  const tableCount = reader.u16(0, 'SCP section 2 table count');
  if (tableCount === DEFAULT_TABLE_MARKER) return [DEFAULT_HUFFMAN_TABLE];
  if (tableCount === 0) return undefined;
  const tables: HuffmanTables = [];
  let offset = 2;
  for (let table = 0; table < tableCount; table++) {
    const codeCount = reader.u16(offset, `SCP section 2 table ${table + 1} size`);
    offset += 2;
    if (codeCount === 0) throw new EcgFormatError('CORRUPT', `SCP Huffman table ${table + 1} has no codes`);
    const codes: HuffmanCode[] = [];
    for (let index = 0; index < codeCount; index++, offset += 9) {
      const where = `SCP Huffman table ${table + 1} code ${index + 1}`;
      const prefixBits = reader.u8(offset, where);
      const totalBits = reader.u8(offset + 1, where);
      const mode = reader.u8(offset + 2, where);
      if (prefixBits < 1 || prefixBits > MAX_CODE_BITS || totalBits < prefixBits || totalBits - prefixBits > MAX_CODE_BITS) {
        throw new EcgFormatError('CORRUPT', `${where}: ${prefixBits}-bit prefix in a ${totalBits}-bit code`);
      }
      codes.push({
        prefixBits,
        totalBits,
        isSwitch: mode === 0,
        baseValue: reader.i16(offset + 3, where),
        prefix: reverseBits(reader.u32(offset + 5, where), prefixBits),
      });
    }
    tables.push(codes);
  }
  return tables;
}

/** Binary trie over prefixes: child arrays indexed by node, leaf = index of the code + 1 (0 = inner node). */
interface Trie {
  zero: Int32Array;
  one: Int32Array;
  leaf: Int32Array;
}

function buildTrie(codes: HuffmanCode[], tableNumber: number): Trie {
  const capacity = codes.reduce((sum, code) => sum + code.prefixBits, 1);
  const trie: Trie = { zero: new Int32Array(capacity).fill(-1), one: new Int32Array(capacity).fill(-1), leaf: new Int32Array(capacity) };
  let nodeCount = 1;
  codes.forEach((code, index) => {
    let node = 0;
    for (let bit = code.prefixBits - 1; bit >= 0; bit--) {
      if (trie.leaf[node] !== 0) break;
      const children = Math.floor(code.prefix / 2 ** bit) % 2 === 1 ? trie.one : trie.zero;
      if (children[node] < 0) children[node] = nodeCount++;
      node = children[node];
    }
    if (trie.leaf[node] !== 0 || trie.zero[node] >= 0 || trie.one[node] >= 0) {
      throw new EcgFormatError('CORRUPT', `SCP Huffman table ${tableNumber}: code ${index + 1} is not prefix-free`);
    }
    trie.leaf[node] = index + 1;
  });
  return trie;
}

/** Codes up to this many prefix bits are found with one table lookup instead of a walk down the trie. */
const LOOKUP_BITS = 12;

/** Per table: the LOOKUP_BITS-bit window starting at a code → index of that code + 1 (0 = longer code, walk). */
function buildLookup(codes: HuffmanCode[]): Int32Array {
  const lookup = new Int32Array(1 << LOOKUP_BITS);
  codes.forEach((code, index) => {
    if (code.prefixBits > LOOKUP_BITS) return;
    const free = LOOKUP_BITS - code.prefixBits;
    lookup.fill(index + 1, code.prefix << free, (code.prefix + 1) << free);
  });
  return lookup;
}

/**
 * Per table, for the common codes (no extra bits, not a table switch, at most LOOKUP_BITS long): the window → the
 * code's length (0 = not such a code) and its value, in flat typed arrays, so the hot path reads no code object.
 */
interface FastTable {
  length: Uint8Array;
  value: Float64Array;
  /**
   * When a second such code also lies wholly inside the window after the first: both codes' bits together (else 0),
   * and the second code's value. Decoding is a chain of dependent look-ups (each code's length places the next), so
   * two short codes per look-up shorten the chain (the default table's 0 and ±1 take 1 and 3 bits).
   */
  pairLength: Uint8Array;
  secondValue: Float64Array;
}

function buildFast(codes: HuffmanCode[]): FastTable {
  const size = 1 << LOOKUP_BITS;
  const fast: FastTable = {
    length: new Uint8Array(size),
    value: new Float64Array(size),
    pairLength: new Uint8Array(size),
    secondValue: new Float64Array(size),
  };
  for (const code of codes) {
    if (code.prefixBits > LOOKUP_BITS || code.prefixBits === 0 || code.isSwitch || code.totalBits !== code.prefixBits) continue;
    const free = LOOKUP_BITS - code.prefixBits;
    fast.length.fill(code.prefixBits, code.prefix << free, (code.prefix + 1) << free);
    fast.value.fill(code.baseValue, code.prefix << free, (code.prefix + 1) << free);
  }
  for (let window = 0; window < size; window++) {
    const first = fast.length[window];
    if (first === 0) continue;
    // The bits after the first code, zero-filled at the end: a code found there that is no longer than the bits that
    // are real is the code the stream holds there (the codes are prefix-free).
    const rest = (window << first) & (size - 1);
    const second = fast.length[rest];
    if (second > 0 && first + second <= LOOKUP_BITS) {
      fast.pairLength[window] = first + second;
      fast.secondValue[window] = fast.value[rest];
    }
  }
  return fast;
}

// Kept outside decode: a closure there would capture the loop's counter, which V8 then keeps in a heap context rather
// than a register.
function byteOr0(bytes: Uint8Array, index: number): number {
  return index < bytes.length ? bytes[index] : 0;
}

function runsOut(where: string, decoded: number, sampleCount: number): EcgFormatError {
  return new EcgFormatError('CORRUPT', `${where}: Huffman data end after ${decoded} of ${sampleCount} samples`);
}

export class HuffmanDecoder {
  private readonly tries: Trie[];
  private readonly lookups: Int32Array[];
  private readonly fast: FastTable[];

  constructor(private readonly tables: HuffmanTables) {
    this.tries = tables.map((codes, index) => buildTrie(codes, index + 1));
    this.lookups = tables.map(buildLookup);
    this.fast = tables.map(buildFast);
  }

  /** Decodes exactly `sampleCount` values from one lead's bytes (before undoing differences). */
  decode(bytes: Uint8Array, sampleCount: number, where: string, maxLeftoverBits = Infinity): Float64Array {
    const values = new Float64Array(sampleCount);
    // The bit position lives in a local (not a stream object): this loop is most of an SCP file's decoding time.
    const totalBits = bytes.length * 8;
    let position = 0;
    let table = 0;
    let codes = this.tables[0];
    let lookup = this.lookups[0];
    let trie = this.tries[0];
    let fastLength = this.fast[0].length;
    let fastValue = this.fast[0].value;
    let pairLength = this.fast[0].pairLength;
    let secondValue = this.fast[0].secondValue;
    let decoded = 0;
    const shift = 24 - LOOKUP_BITS;
    const mask = (1 << LOOKUP_BITS) - 1;
    // Three whole bytes from the code's first byte: at least 17 bits in view, more than any fast code needs.
    const fastEnd = bytes.length - 2;
    while (decoded < sampleCount) {
      const first = position >>> 3;
      if (first < fastEnd) {
        const window = (((bytes[first] << 16) | (bytes[first + 1] << 8) | bytes[first + 2]) >>> (shift - (position & 7))) & mask;
        const length = fastLength[window];
        if (length > 0) {
          values[decoded++] = fastValue[window];
          const pair = pairLength[window];
          if (pair > 0 && decoded < sampleCount) {
            values[decoded++] = secondValue[window];
            position += pair;
          } else position += length;
          continue;
        }
      }
      let code: HuffmanCode | undefined;
      if (position < totalBits) {
        const at = position >>> 3;
        const window =
          (((byteOr0(bytes, at) << 16) | (byteOr0(bytes, at + 1) << 8) | byteOr0(bytes, at + 2)) >>> (24 - LOOKUP_BITS - (position & 7))) &
          ((1 << LOOKUP_BITS) - 1);
        const found = lookup[window];
        if (found > 0 && totalBits - position >= codes[found - 1].prefixBits) {
          code = codes[found - 1];
          position += code.prefixBits;
        }
      }
      if (code === undefined) {
        let node = 0;
        while (trie.leaf[node] === 0) {
          if (position >= totalBits) throw runsOut(where, decoded, sampleCount);
          const bit = (bytes[position >>> 3] >>> (7 - (position & 7))) & 1;
          position++;
          node = bit === 1 ? trie.one[node] : trie.zero[node];
          if (node < 0) throw new EcgFormatError('CORRUPT', `${where}: bit pattern not in Huffman table ${table + 1}`);
        }
        code = codes[trie.leaf[node] - 1];
      }
      if (code.isSwitch) {
        // Tables are numbered from 1 in section 2.
        if (code.baseValue < 1 || code.baseValue > this.tables.length) {
          throw new EcgFormatError('CORRUPT', `${where}: switch to Huffman table ${code.baseValue}, which does not exist`);
        }
        table = code.baseValue - 1;
        codes = this.tables[table];
        lookup = this.lookups[table];
        trie = this.tries[table];
        fastLength = this.fast[table].length;
        fastValue = this.fast[table].value;
        pairLength = this.fast[table].pairLength;
        secondValue = this.fast[table].secondValue;
        continue;
      }
      const extraBits = code.totalBits - code.prefixBits;
      if (totalBits - position < extraBits) throw runsOut(where, decoded, sampleCount);
      let value = 0;
      const at = position >>> 3;
      if (extraBits <= 24 && at + 4 <= bytes.length) {
        // Up to 24 extra bits from one 32-bit window (at least 25 bits lie after the position): the same bits, most
        // significant first, as the loop below reads one at a time.
        const window = ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
        value = extraBits === 0 ? 0 : (window >>> (32 - (position & 7) - extraBits)) & ((1 << extraBits) - 1);
        position += extraBits;
      } else {
        for (let k = 0; k < extraBits; k++, position++) value = value * 2 + ((bytes[position >>> 3] >>> (7 - (position & 7))) & 1);
      }
      // Two's complement of `extraBits` bits, most significant first.
      if (extraBits > 0 && value >= 2 ** (extraBits - 1)) value -= 2 ** extraBits;
      values[decoded++] = code.baseValue + value;
    }
    if (totalBits - position > maxLeftoverBits) {
      throw new EcgFormatError('CORRUPT', `${where}: ${totalBits - position} bits left after the ${sampleCount} samples the lead should hold`);
    }
    return values;
  }
}

let defaultDecoder: HuffmanDecoder | undefined;

/**
 * The decoder for a record's tables. Most carts use the standard's default table: its decoder (trie, lookup and fast
 * tables, ~90 KB) is built once per process rather than once per file; a decoder is never changed by decoding.
 */
export function huffmanDecoderFor(tables: HuffmanTables): HuffmanDecoder {
  if (tables.length !== 1 || tables[0] !== DEFAULT_HUFFMAN_TABLE) return new HuffmanDecoder(tables);
  defaultDecoder ??= new HuffmanDecoder(tables);
  return defaultDecoder;
}

/** Sections without Huffman coding (no section 2, or 0 tables) store each value as a signed 16-bit integer. */
export function decodeRaw16(bytes: Uint8Array, sampleCount: number, where: string, maxLeftoverBytes = Infinity): Float64Array {
  if (bytes.length < sampleCount * 2) {
    throw new EcgFormatError('CORRUPT', `${where}: ${bytes.length} bytes cannot hold ${sampleCount} 16-bit samples`);
  }
  if (bytes.length - sampleCount * 2 > maxLeftoverBytes) {
    throw new EcgFormatError('CORRUPT', `${where}: ${bytes.length} bytes hold more than the ${sampleCount} samples the lead should have`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values = new Float64Array(sampleCount);
  for (let i = 0; i < sampleCount; i++) values[i] = view.getInt16(i * 2, true);
  return values;
}

/**
 * Undo first (1) or second (2) differences in place: x[n] = d[n] + x[n−1], or d[n] + 2x[n−1] − x[n−2]; each x[n]
 * is then stored times `scale` (the section's nV per unit), in the same pass. The recurrence runs on the unscaled
 * values kept in locals, so every stored value is the same double as undoing first and scaling in a second pass.
 */
export function undoDifferences(values: Float64Array, order: number, where: string, scale = 1): Float64Array {
  const length = values.length;
  if (order === 0) {
    if (scale !== 1) for (let i = 0; i < length; i++) values[i] *= scale;
  } else if (order === 1) {
    let previous = 0;
    for (let i = 0; i < length; i++) {
      const x = i === 0 ? values[0] : values[i] + previous;
      values[i] = x * scale;
      previous = x;
    }
  } else if (order === 2) {
    let older = 0;
    let previous = 0;
    for (let i = 0; i < length; i++) {
      const x = i < 2 ? values[i] : values[i] + (2 * previous - older);
      values[i] = x * scale;
      older = previous;
      previous = x;
    }
  } else {
    throw new EcgFormatError('CORRUPT', `${where}: difference order ${order} is not 0, 1 or 2`);
  }
  return values;
}
