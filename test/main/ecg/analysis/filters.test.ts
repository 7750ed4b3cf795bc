import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  butterworthHighPass,
  butterworthLowPass,
  createStreamingFilter,
  designEcgFilter,
  filterCausal,
  filterEcg,
  filterZeroPhase,
  magnitudeResponse,
  notchBiquad,
  type EcgFilterSettings,
  type FilterMode,
} from '../../../../src/main/ecg/analysis/filters';

function sine(frequencyHz: number, sampleRateHz: number, seconds: number, amplitude = 1000, offset = 0): Float32Array {
  return Float32Array.from(
    { length: Math.round(seconds * sampleRateHz) },
    (_, i) => offset + amplitude * Math.sin((2 * Math.PI * frequencyHz * i) / sampleRateHz),
  );
}

/** Ratio of output to input RMS over the middle half, away from start-up effects. */
function gainOf(input: Float32Array, output: Float32Array): number {
  const from = Math.floor(input.length / 4);
  const to = Math.floor((3 * input.length) / 4);
  let inSum = 0;
  let outSum = 0;
  for (let i = from; i < to; i++) {
    inSum += input[i] ** 2;
    outSum += output[i] ** 2;
  }
  return Math.sqrt(outSum / inSum);
}

const decibels = (gain: number) => 20 * Math.log10(gain);

describe('filter designs', () => {
  it.each([2, 4, 6])('order-%i Butterworth is −3 dB at its cutoff and flat far from it', (order) => {
    const low = butterworthLowPass(order, 40, 500);
    expect(magnitudeResponse(low, 40, 500)).toBeCloseTo(Math.SQRT1_2, 6);
    expect(magnitudeResponse(low, 1, 500)).toBeCloseTo(1, 4);
    const high = butterworthHighPass(order, 0.5, 500);
    expect(magnitudeResponse(high, 0.5, 500)).toBeCloseTo(Math.SQRT1_2, 6);
    expect(magnitudeResponse(high, 20, 500)).toBeCloseTo(1, 4);
  });

  it('puts a deep notch at 50 Hz and leaves 45 and 55 Hz nearly untouched', () => {
    const notch = [notchBiquad(50, 500)];
    expect(magnitudeResponse(notch, 50, 500)).toBeLessThan(1e-9);
    expect(magnitudeResponse(notch, 45, 500)).toBeGreaterThan(0.95);
    expect(magnitudeResponse(notch, 55, 500)).toBeGreaterThan(0.95);
  });

  it('refuses a design at or above Nyquist, and drops such stages from an ECG setting', () => {
    expect(() => notchBiquad(50, 100)).toThrow(RangeError);
    // PTB-XL at 100 Hz: no 50 Hz content to notch, no room for a 150 Hz low-pass
    expect(designEcgFilter({ highPassHz: 0.5, notchHz: 50, lowPassHz: 150 }, 100, 'causal')).toHaveLength(1);
  });
});

describe.each<FilterMode>(['zero-phase', 'causal'])('ECG filter on synthetic sines (%s)', (mode) => {
  const fs = 500;
  const settings: EcgFilterSettings = { highPassHz: 0.5, notchHz: 50, lowPassHz: 40 };
  const passbandTolerance = mode === 'zero-phase' ? 0.03 : 0.06;

  it.each([3, 10, 20])('passes %i Hz within tolerance', (hz) => {
    const input = sine(hz, fs, 20);
    expect(Math.abs(gainOf(input, filterEcg(input, fs, settings, mode)) - 1)).toBeLessThan(passbandTolerance);
  });

  it('removes 50 Hz mains by more than 30 dB', () => {
    const input = sine(50, fs, 20);
    expect(decibels(gainOf(input, filterEcg(input, fs, settings, mode)))).toBeLessThan(-30);
  });

  it('attenuates 0.05 Hz wander and 120 Hz muscle noise', () => {
    const wander = sine(0.05, fs, 120);
    expect(decibels(gainOf(wander, filterEcg(wander, fs, settings, mode)))).toBeLessThan(mode === 'zero-phase' ? -35 : -19);
    const muscle = sine(120, fs, 20);
    expect(decibels(gainOf(muscle, filterEcg(muscle, fs, settings, mode)))).toBeLessThan(mode === 'zero-phase' ? -35 : -20);
  });

  it('keeps a 0.67 Hz component (heart rate 40) with the 0.05 Hz diagnostic high-pass', () => {
    const input = sine(0.67, fs, 60);
    expect(Math.abs(gainOf(input, filterEcg(input, fs, { highPassHz: 0.05 }, mode)) - 1)).toBeLessThan(0.02);
  });

  it('optionally notches 60 Hz', () => {
    const input = sine(60, fs, 20);
    expect(decibels(gainOf(input, filterEcg(input, fs, { notchHz: 60 }, mode)))).toBeLessThan(-30);
  });
});

describe.each<FilterMode>(['zero-phase', 'causal'])('diagnostic low-pass settings at 1000 Hz (%s)', (mode) => {
  it.each([100, 150])('%i Hz low-pass keeps 40 Hz, is −3 dB at the cutoff and cuts 2.5× the cutoff', (cutoff) => {
    const fs = 1000;
    const pass = sine(40, fs, 10);
    expect(Math.abs(gainOf(pass, filterEcg(pass, fs, { lowPassHz: cutoff }, mode)) - 1)).toBeLessThan(0.03);
    const edge = sine(cutoff, fs, 10);
    expect(gainOf(edge, filterEcg(edge, fs, { lowPassHz: cutoff }, mode))).toBeCloseTo(Math.SQRT1_2, 1);
    const stop = sine(2.5 * cutoff, fs, 10);
    expect(decibels(gainOf(stop, filterEcg(stop, fs, { lowPassHz: cutoff }, mode)))).toBeLessThan(-15);
  });

  it('0.05 Hz high-pass removes a slow electrode drift of 0.005 Hz', () => {
    const drift = sine(0.005, 250, 800);
    expect(decibels(gainOf(drift, filterEcg(drift, 250, { highPassHz: 0.05 }, mode)))).toBeLessThan(-15);
  });
});

describe('zero-phase behaviour', () => {
  it('has its −3 dB point at the stated cutoff, like the causal one', () => {
    const fs = 500;
    for (const [settings, hz] of [
      [{ lowPassHz: 40 }, 40],
      [{ highPassHz: 0.5 }, 0.5],
    ] as const) {
      const input = sine(hz, fs, 60);
      expect(gainOf(input, filterEcg(input, fs, settings, 'zero-phase'))).toBeCloseTo(Math.SQRT1_2, 1);
    }
  });

  it('does not shift a wave in time, where the causal filter does', () => {
    const fs = 500;
    const pulse = Float32Array.from({ length: 4000 }, (_, i) => 1000 * Math.exp(-(((i - 2000) / 15) ** 2)));
    const peakAt = (x: Float32Array) => x.reduce((best, v, i) => (v > x[best] ? i : best), 0);
    const chain = designEcgFilter({ highPassHz: 0.5, lowPassHz: 40 }, fs, 'zero-phase');
    expect(peakAt(filterZeroPhase(chain, pulse))).toBe(2000);
    expect(peakAt(filterCausal(chain, pulse))).toBeGreaterThan(2000);
  });

  it('removes a large electrode offset without ringing at the ends', () => {
    const offset = sine(0, 500, 10, 0, 300_000);
    const output = filterEcg(offset, 500, { highPassHz: 0.5 }, 'zero-phase');
    expect(Math.max(...Array.from(output, Math.abs))).toBeLessThan(0.5);
  });
});

describe('streaming and invalid samples', () => {
  it('gives the same output fed in arbitrary chunks as in one call (property)', () => {
    const chain = designEcgFilter({ highPassHz: 0.05, notchHz: 50, lowPassHz: 100 }, 360, 'causal');
    const input = Float32Array.from({ length: 2000 }, (_, i) => 500 * Math.sin(i / 9) + 80 * Math.sin(i * 0.87) + 300);
    const whole = filterCausal(chain, input);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 30 }), (sizes) => {
        const stream = createStreamingFilter(chain);
        const parts: number[] = [];
        let at = 0;
        for (let k = 0; at < input.length; k++) {
          const size = sizes[k % sizes.length];
          parts.push(...stream.process(input.subarray(at, at + size)));
          at += size;
        }
        parts.forEach((v, i) => expect(v).toBeCloseTo(whole[i], 2));
      }),
      { numRuns: 30 },
    );
  });

  it.each<FilterMode>(['zero-phase', 'causal'])('keeps NaN gaps in place without contaminating the rest (%s)', (mode) => {
    const input = sine(5, 250, 10);
    input.fill(NaN, 1000, 1020);
    input[0] = NaN;
    const output = filterEcg(input, 250, { highPassHz: 0.5, notchHz: 50, lowPassHz: 40 }, mode);
    output.forEach((v, i) => expect(Number.isNaN(v)).toBe(Number.isNaN(input[i])));
    const stream = createStreamingFilter(designEcgFilter({ highPassHz: 0.5 }, 250, 'causal'));
    expect(Array.from(stream.process(input.subarray(990, 1030))).filter(Number.isNaN)).toHaveLength(20);
  });
});
