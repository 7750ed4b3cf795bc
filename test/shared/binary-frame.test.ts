import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame, FrameError, FrameStreamReader, hasTypedArrays, streamFrame } from '../../src/shared/api/binary';

describe('binary frames (samples as Float32Array across the harness transport)', () => {
  it('round-trips JSON values with Float32Arrays anywhere in them, NaN kept as NaN', () => {
    const leads = [Float32Array.from([1.5, Number.NaN, -2000.25]), new Float32Array(0), new Float32Array(new ArrayBuffer(64), 4, 3).fill(7)];
    const value = { ok: true, value: { summary: { id: 'x', names: ['I', 'II'] }, leads: leads.map((microvolts, i) => ({ name: `L${i}`, microvolts })) } };
    const back = decodeFrame(encodeFrame(value)) as typeof value;
    expect(back.value.summary).toEqual(value.value.summary);
    back.value.leads.forEach((lead, i) => {
      expect(lead.microvolts).toBeInstanceOf(Float32Array);
      expect(Array.from(lead.microvolts)).toEqual(Array.from(leads[i]));
    });
  });

  it('round-trips any float32 values exactly (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.float({ noDefaultInfinity: false }), { maxLength: 50 }), { maxLength: 5 }), fc.string(), (arrays, text) => {
        const typed = arrays.map((a) => Float32Array.from(a));
        const back = decodeFrame(encodeFrame({ text, typed })) as { text: string; typed: Float32Array[] };
        expect(back.text).toBe(text);
        back.typed.forEach((a, i) => expect(Array.from(a)).toEqual(Array.from(typed[i])));
      }),
    );
  });

  it('refuses a truncated frame instead of inventing samples', () => {
    const frame = encodeFrame({ a: Float32Array.from([1, 2, 3]) });
    expect(() => decodeFrame(frame.subarray(0, frame.length - 2))).toThrow(FrameError);
    expect(() => decodeFrame(frame.subarray(0, 3))).toThrow(FrameError);
  });

  it('finds typed arrays only where they are', () => {
    expect(hasTypedArrays({ a: [1, 2, { b: 'x' }] })).toBe(false);
    expect(hasTypedArrays({ a: [1, { b: new Float32Array(1) }] })).toBe(true);
  });

  it('splits a stream of frames however the chunks fall', () => {
    const frames = [encodeFrame({ n: 1, s: Float32Array.from([1]) }), encodeFrame({ n: 2 }), encodeFrame({ n: 3, s: new Float32Array(100) })];
    const stream = new Uint8Array(frames.reduce((n, f) => n + f.length + 4, 0));
    let at = 0;
    for (const f of frames) {
      stream.set(streamFrame(f), at);
      at += f.length + 4;
    }
    for (const chunk of [1, 3, 7, 1000]) {
      const reader = new FrameStreamReader();
      const got: unknown[] = [];
      for (let i = 0; i < stream.length; i += chunk) for (const f of reader.push(stream.subarray(i, i + chunk))) got.push((decodeFrame(f) as { n: number }).n);
      expect(got).toEqual([1, 2, 3]);
    }
  });
});
