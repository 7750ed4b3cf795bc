import { describe, expect, it } from 'vitest';
import { addNoiseAtSnr, baselineWander, electrodeMotion, muscleArtifact, nstNoise, qrsSignalPower } from '../../../support/ecg-noise';
import { mulberry32 } from '../../../../src/shared/mulberry32';
import { butterworthHighPass, butterworthLowPass, filterZeroPhase } from '../../../../src/shared/ecg-filters';

const FS = 360;
const N = 60 * FS;
const power = (x: Float32Array) => x.reduce((a, v) => a + v * v, 0) / x.length;
const share = (x: Float32Array, chain: Parameters<typeof filterZeroPhase>[0]) => power(filterZeroPhase(chain, x)) / power(x);

describe('NSTDB-like noise for the EC57 noise stress test', () => {
  it('has the published character: wander below 1 Hz, muscle artifact above 5 Hz, electrode motion largely in the 0.5–15 Hz band the QRS shares', () => {
    const random = mulberry32(1);
    expect(share(baselineWander(N, FS, random), butterworthLowPass(4, 1, FS))).toBeGreaterThan(0.9);
    expect(share(muscleArtifact(N, FS, random), butterworthHighPass(4, 5, FS))).toBeGreaterThan(0.8);
    const em = electrodeMotion(N, FS, random);
    expect(share(em, [...butterworthHighPass(2, 0.5, FS), ...butterworthLowPass(2, 15, FS)])).toBeGreaterThan(0.45);
  });

  it('adds noise at exactly the requested SNR (nst: S = mean pp² / 8), only in the on-segments from minute 5', () => {
    const signal = new Float32Array(12 * 60 * FS);
    const beats: number[] = [];
    for (let i = FS / 2; i < signal.length; i += FS) {
      signal[i] = 1000; // 1 mV spikes: pp = 1000 µV
      beats.push(i);
    }
    const S = qrsSignalPower(signal, beats, FS);
    expect(S).toBeCloseTo(1000 ** 2 / 8, 3);
    const noise = nstNoise(signal.length, FS, 7);
    for (const snr of [12, 0, -6]) {
      const noisy = addNoiseAtSnr(signal, noise, S, snr, FS);
      const added = noisy.map((v, i) => v - signal[i]);
      const on = added.subarray(300 * FS, 420 * FS);
      expect(10 * Math.log10(S / power(on))).toBeCloseTo(snr, 0);
      expect(added.subarray(0, 300 * FS).every((v) => v === 0)).toBe(true);
      expect(added.subarray(420 * FS, 540 * FS).every((v) => v === 0)).toBe(true);
    }
  });

  it('is the same for the same seed', () => {
    expect(Array.from(nstNoise(1000, FS, 3))).toEqual(Array.from(nstNoise(1000, FS, 3)));
  });
});
