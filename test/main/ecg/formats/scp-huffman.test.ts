import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_HUFFMAN_TABLE, huffmanDecoderFor } from '../../../../src/main/ecg/formats/scp-huffman';

/** MSB-first bit stream of `values` in the standard's default table (|v| ≤ 8 as themselves, else the 8- or 16-bit escape). */
function encodeDefault(values: readonly number[]): Uint8Array {
  const bits: number[] = [];
  const put = (value: number, count: number) => {
    for (let bit = count - 1; bit >= 0; bit--) bits.push((value >>> bit) & 1);
  };
  for (const value of values) {
    const extraBits = Math.abs(value) <= 8 ? 0 : value >= -128 && value <= 127 ? 8 : 16;
    const code = DEFAULT_HUFFMAN_TABLE.find((c) => c.totalBits - c.prefixBits === extraBits && (extraBits > 0 || c.baseValue === value))!;
    put(code.prefix, code.prefixBits);
    if (extraBits > 0) put(value & ((1 << extraBits) - 1), extraBits);
  }
  const bytes = new Uint8Array(Math.ceil(bits.length / 8));
  bits.forEach((bit, i) => (bytes[i >> 3] |= bit << (7 - (i & 7))));
  return bytes;
}

describe('SCP Huffman decoding (default table)', () => {
  const decoder = huffmanDecoderFor([DEFAULT_HUFFMAN_TABLE]);

  it('decodes every value, and stops after the asked count even inside a two-code look-up', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: -2, max: 2 }), fc.integer({ min: -128, max: 127 }), fc.integer({ min: -32768, max: 32767 })), {
          minLength: 1,
          maxLength: 400,
        }),
        (values) => {
          const stream = encodeDefault(values);
          expect(Array.from(decoder.decode(stream, values.length, 'test'))).toEqual(values.map((v) => v + 0));
          for (const count of [values.length - 1, values.length >> 1, 1]) {
            expect(Array.from(decoder.decode(stream, count, 'test'))).toEqual(values.slice(0, count).map((v) => v + 0));
          }
        },
      ),
      { numRuns: 300, seed: 11 },
    );
  });

  it('is one decoder per process for the default table', () => {
    expect(huffmanDecoderFor([DEFAULT_HUFFMAN_TABLE])).toBe(decoder);
  });
});
