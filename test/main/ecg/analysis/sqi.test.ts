import { describe, expect, it } from 'vitest';
import { detectRecordBeats, measureEcg } from '../../../../src/main/ecg/analysis/measure';
import {
  beatAgreement,
  calibrationStretches,
  clippedFraction,
  kurtosis,
  leadQuality,
  lengthTransformBeats,
  markedStretches,
  mergeStretches,
  readableBeats,
  recordQuality,
  unreadableStretches,
  type QualityWindow,
} from '../../../../src/main/ecg/analysis/sqi';
import { scoreQrs } from '../../../../src/main/ecg/analysis/ec57';
import { STANDARD_LEADS, type EcgRecord } from '../../../../src/shared/ecg';
import { mulberry32 } from '../../../../src/shared/mulberry32';
import { electrodeMotion, muscleArtifact } from '../../../support/ecg-noise';
import { syntheticEcg } from './synthetic-ecg';

function gaussianNoise(n: number, rms: number, seed: number): Float32Array {
  const random = mulberry32(seed);
  return Float32Array.from({ length: n }, () => rms * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()));
}

const record = (sampleRateHz: number, leads: { name: string; microvolts: Float32Array }[]): EcgRecord => ({ format: 'device', sampleRateHz, leads });

function quality(leads: Float32Array[], fs: number): QualityWindow[] {
  const rec = record(
    fs,
    leads.map((microvolts, i) => ({ name: STANDARD_LEADS[i], microvolts })),
  );
  return recordQuality(leads, fs, detectRecordBeats(rec)).windows;
}

describe('signal-quality indices, one at a time', () => {
  it.each([
    { a: [100, 400, 700], b: [102, 398, 705], expected: 1 },
    { a: [100, 400, 700], b: [], expected: 0 },
    { a: [], b: [], expected: 1 },
    // Two of three matched, one extra on each side: 2·2 / (3 + 3).
    { a: [100, 400, 700], b: [100, 400, 900], expected: 4 / 6 },
    // A beat of b within the window of two beats of a matches only one of them.
    { a: [100, 130], b: [115], expected: 2 / 3 },
  ])('beat agreement of $a and $b is $expected', ({ a, b, expected }) => {
    expect(beatAgreement(a, b, 0, 1000, 50)).toBeCloseTo(expected, 6);
  });

  it('counts only the beats inside the window', () => {
    expect(beatAgreement([100, 1500], [100, 1600], 0, 1000, 50)).toBe(1);
  });

  it('kurtosis: gaussian noise near 3, a spiky ECG far above 5, a constant 0', () => {
    expect(kurtosis(gaussianNoise(36000, 100, 1), 0, 36000)).toBeGreaterThan(2.8);
    expect(kurtosis(gaussianNoise(36000, 100, 1), 0, 36000)).toBeLessThan(3.2);
    const ecg = syntheticEcg({ sampleRateHz: 360, seconds: 10, heartRateBpm: 70 });
    expect(kurtosis(ecg.leads[0].microvolts, 0, 3600)).toBeGreaterThan(5);
    expect(kurtosis(new Float32Array(100).fill(7), 0, 100)).toBe(0);
  });

  it('clipping: runs at the rail count, a single sharp apex does not', () => {
    const ecg = syntheticEcg({ sampleRateHz: 360, seconds: 10, heartRateBpm: 70 }).leads[0].microvolts;
    expect(clippedFraction(ecg, 0, ecg.length, 7)).toBe(0);
    const clipped = ecg.map((v, i) => (i >= 1000 && i < 1800 ? 5000 : v));
    expect(clippedFraction(clipped, 0, clipped.length, 7)).toBeCloseTo(800 / 3600, 2);
  });

  it('the length-transform detector finds the beats of a clean synthetic ECG at 250–1000 Hz, 50–150/min', () => {
    for (const sampleRateHz of [250, 360, 500, 1000]) {
      for (const heartRateBpm of [50, 75, 150]) {
        const ecg = syntheticEcg({ sampleRateHz, seconds: 30, heartRateBpm, noiseMicrovolts: 20, wanderMicrovolts: 200 });
        const score = scoreQrs(ecg.beats, lengthTransformBeats(ecg.leads[0].microvolts, sampleRateHz), { sampleRateHz, scoreFromSeconds: 0 });
        expect({ sampleRateHz, heartRateBpm, missed: score.falseNegatives, extra: score.falsePositives }).toEqual({
          sampleRateHz,
          heartRateBpm,
          missed: 0,
          extra: 0,
        });
      }
    }
  });
});

describe('windows judged readable or unreadable', () => {
  it('clean synthetic beats, with muscle noise and baseline wander: every window readable', () => {
    for (const sampleRateHz of [360, 500]) {
      for (const heartRateBpm of [50, 80, 140]) {
        const ecg = syntheticEcg({ sampleRateHz, seconds: 60, heartRateBpm, noiseMicrovolts: 30, mainsMicrovolts: 50, wanderMicrovolts: 300 });
        const windows = quality([ecg.leads[0].microvolts], sampleRateHz);
        expect(windows).toHaveLength(6);
        expect(
          windows.filter((w) => w.unreadable),
          `${sampleRateHz} Hz ${heartRateBpm}/min`,
        ).toEqual([]);
        for (const w of windows) expect(w.bSqi).toBeGreaterThanOrEqual(0.9);
      }
    }
  });

  it('twelve clean synthetic leads: readable', () => {
    const ecg = syntheticEcg({ sampleRateHz: 500, seconds: 10, heartRateBpm: 72, leads: [...STANDARD_LEADS], noiseMicrovolts: 15 });
    const windows = quality(
      ecg.leads.map((l) => l.microvolts),
      500,
    );
    expect(windows.map((w) => w.unreadable)).toEqual([undefined]);
  });

  it('pure noise is unreadable: the two detectors disagree', () => {
    const fs = 360;
    const n = 60 * fs;
    const motion = electrodeMotion(n, fs, mulberry32(8));
    const noise = muscleArtifact(n, fs, mulberry32(7)).map((v, i) => 300 * v + 300 * motion[i]);
    const windows = quality([noise], fs);
    expect(windows.filter((w) => w.unreadable === 'beats-disagree').length).toBeGreaterThanOrEqual(windows.length - 1);
  });

  it('a flat line is unreadable (flat), also with a few µV of amplifier noise and an offset', () => {
    const fs = 500;
    expect(quality([new Float32Array(20 * fs)], fs).map((w) => w.unreadable)).toEqual(['flat', 'flat']);
    const quiet = gaussianNoise(20 * fs, 3, 2).map((v) => v + 1500);
    expect(quality([quiet], fs).map((w) => w.unreadable)).toEqual(['flat', 'flat']);
  });

  it('a stretch held at the rail is unreadable (saturated); invalid samples are unreadable (invalid)', () => {
    const fs = 360;
    const ecg = syntheticEcg({ sampleRateHz: fs, seconds: 30, heartRateBpm: 70, noiseMicrovolts: 10 }).leads[0].microvolts;
    const railed = ecg.map((v, i) => (i >= 10 * fs && i < 20 * fs ? (Math.floor(i / fs) % 2 ? 32767 : -32768) : v));
    expect(quality([railed], fs).map((w) => w.unreadable)).toEqual([undefined, 'saturated', undefined]);
    const invalid = ecg.map((v, i) => (i >= 20 * fs ? NaN : v));
    expect(quality([invalid], fs).map((w) => w.unreadable)).toEqual([undefined, undefined, 'invalid']);
  });

  it('with twelve leads a window is unreadable only when most leads are', () => {
    const fs = 500;
    const ecg = syntheticEcg({ sampleRateHz: fs, seconds: 10, heartRateBpm: 72, leads: [...STANDARD_LEADS], noiseMicrovolts: 15 });
    const leads = ecg.leads.map((l) => l.microvolts);
    const oneOff = leads.map((lead, i) => (i === 0 ? new Float32Array(lead.length) : lead));
    expect(quality(oneOff, fs).map((w) => w.unreadable)).toEqual([undefined]);
    const mostOff = leads.map((lead, i) => (i < 7 ? new Float32Array(lead.length) : lead));
    expect(quality(mostOff, fs).map((w) => w.unreadable)).toEqual(['flat']);
  });

  it('a short last window joins the one before; stretches merge consecutive windows', () => {
    const fs = 250;
    const windows = leadQuality(new Float32Array(24 * fs), fs, []);
    expect(windows.map((w) => [w.startSample / fs, w.endSample / fs])).toEqual([
      [0, 10],
      [10, 24],
    ]);
    expect(unreadableStretches(windows)).toEqual([{ startSample: 0, endSample: 24 * fs }]);
    expect(markedStretches(windows)).toEqual([{ startSample: 0, endSample: 24 * fs, reason: 'flat' }]);
    expect(Array.from(readableBeats(Int32Array.from([10, 3000, 7000]), [{ startSample: 2500, endSample: 5000 }]))).toEqual([10, 7000]);
  });
});

describe('the screen leaves unreadable stretches out of its beats', () => {
  it('a lead-off stretch: marked, its time not counted as beats, the rate unchanged', () => {
    const fs = 360;
    const ecg = syntheticEcg({ sampleRateHz: fs, seconds: 60, heartRateBpm: 75, leads: ['II', 'V1'], noiseMicrovolts: 20 });
    const clean = measureEcg(record(fs, ecg.leads));
    expect(clean.qualityStretches).toBeUndefined();
    expect(clean.beatCount).toBe(ecg.beats.length);
    // 20 s with both electrodes off: the amplifier shows a flat line at its offset.
    const off = ecg.leads.map((lead) => ({ ...lead, microvolts: lead.microvolts.map((v, i) => (i >= 20 * fs && i < 40 * fs ? 800 : v)) }));
    const m = measureEcg(record(fs, off));
    expect(m.qualityStretches).toEqual([{ startS: 20, endS: 40, reason: 'flat' }]);
    const outside = ecg.beats.filter((b) => b < 20 * fs || b >= 40 * fs).length;
    expect(m.beatCount).toBe(outside);
    expect(m.heartRateBpm).toBe(75);
  });

  it('after ten seconds at the rail the detector starts afresh: every beat from the second after it is found', () => {
    const fs = 360;
    const ecg = syntheticEcg({ sampleRateHz: fs, seconds: 40, heartRateBpm: 70, leads: ['II', 'V1'], noiseMicrovolts: 10 });
    const railed = ecg.leads.map((lead) => ({
      ...lead,
      microvolts: lead.microvolts.map((v, i) => (i >= 10 * fs && i < 20 * fs ? (Math.floor(i / fs) % 2 ? 32767 : -32768) : v)),
    }));
    const detected = detectRecordBeats(record(fs, railed));
    // The filters still ring from the 65 mV swing for a few hundred ms after it (the beat 0.2 s after is lost).
    const after = ecg.beats.filter((b) => b >= 21 * fs);
    const score = scoreQrs(
      after,
      Array.from(detected).filter((b) => b >= 21 * fs - 0.1 * fs),
      { sampleRateHz: fs, scoreFromSeconds: 0 },
    );
    expect({ missed: score.falseNegatives, extra: score.falsePositives }).toEqual({ missed: 0, extra: 0 });
    expect(Array.from(detected).filter((b) => b >= 10 * fs && b < 20 * fs)).toEqual([]);
    expect(measureEcg(record(fs, railed)).qualityStretches).toEqual([{ startS: 10, endS: 20, reason: 'saturated' }]);
  });

  it('a noisy stretch is marked but its beats still count', () => {
    const fs = 360;
    const ecg = syntheticEcg({ sampleRateHz: fs, seconds: 60, heartRateBpm: 75, leads: ['II', 'V1'], noiseMicrovolts: 20 });
    const noisy = ecg.leads.map((lead) => ({ ...lead, microvolts: withBurst(lead.microvolts, fs, 30, 40, BURST_MICROVOLTS) }));
    const m = measureEcg(record(fs, noisy));
    expect(m.qualityStretches).toEqual([{ startS: 30, endS: 40, reason: 'beats-disagree' }]);
    expect(m.beatCount).toBe(detectRecordBeats(record(fs, noisy)).length);
  });

  it('a stretch where the detector misses most beats is marked, whatever the cause', () => {
    // A burst of 1.5 mV RMS per noise kind leaves the screen's detector with levels too high for the
    // beats after it (docs/ecg-analysis.md); the second detector recovers, so the stretch is marked for checking.
    const fs = 360;
    const ecg = syntheticEcg({ sampleRateHz: fs, seconds: 60, heartRateBpm: 75, leads: ['II', 'V1'], noiseMicrovolts: 20 });
    const noisy = ecg.leads.map((lead) => ({ ...lead, microvolts: withBurst(lead.microvolts, fs, 30, 40, 1500) }));
    const detected = detectRecordBeats(record(fs, noisy));
    const marked = measureEcg(record(fs, noisy)).qualityStretches ?? [];
    for (let from = 40; from < 60; from += 10) {
      const truth = ecg.beats.filter((b) => b >= from * fs && b < (from + 10) * fs).length;
      const found = Array.from(detected).filter((b) => b >= from * fs && b < (from + 10) * fs).length;
      const isMarked = marked.some((s) => s.startS <= from && s.endS >= from + 10);
      if (found < truth / 2) expect(isMarked, `${from}–${from + 10} s: ${found} of ${truth} beats found`).toBe(true);
    }
  });

  it('after a burst that set its levels above every beat, the detector finds the beats again within seconds', () => {
    const fs = 360;
    const ecg = syntheticEcg({ sampleRateHz: fs, seconds: 60, heartRateBpm: 75, leads: ['II', 'V1'], noiseMicrovolts: 20 });
    const noisy = ecg.leads.map((lead) => ({ ...lead, microvolts: withBurst(lead.microvolts, fs, 30, 40, 1500) }));
    const detected = detectRecordBeats(record(fs, noisy));
    // Before the threshold decayed past BLIND_CYCLES median cycles without a beat, it found none of these 25 beats.
    const after = (beats: ArrayLike<number>) => Array.from(beats).filter((b) => b >= 46 * fs);
    const score = scoreQrs(after(ecg.beats), after(detected), { sampleRateHz: fs, scoreFromSeconds: 0 });
    expect(score.truePositives).toBe(after(ecg.beats).length);
    expect(score.falsePositives).toBe(0);
  });

  it('a real pause is not filled with noise while the threshold decays', () => {
    const fs = 360;
    const ecg = syntheticEcg({ sampleRateHz: fs, seconds: 60, heartRateBpm: 75, leads: ['II', 'V1'], noiseMicrovolts: 20 });
    // 15 s of asystole: the complexes between 30 and 45 s removed, the amplifier noise left.
    const quiet = gaussianNoise(ecg.leads[0].microvolts.length, 20, 9);
    const paused = ecg.leads.map((lead) => ({ ...lead, microvolts: lead.microvolts.map((v, i) => (i >= 30 * fs && i < 45 * fs ? quiet[i] : v)) }));
    const detected = Array.from(detectRecordBeats(record(fs, paused)));
    expect(detected.filter((b) => b >= 30.3 * fs && b < 44.9 * fs)).toEqual([]);
    const afterPause = ecg.beats.filter((b) => b >= 46 * fs);
    expect(
      scoreQrs(
        afterPause,
        detected.filter((b) => b >= 46 * fs),
        { sampleRateHz: fs, scoreFromSeconds: 0 },
      ).truePositives,
    ).toBe(afterPause.length);
  });
});

const BURST_MICROVOLTS = 900;

/** Muscle artefact and electrode motion, each `microvolts` RMS, added over [fromS, toS). */
function withBurst(signal: Float32Array, fs: number, fromS: number, toS: number, microvolts: number): Float32Array {
  const n = signal.length;
  const muscle = muscleArtifact(n, fs, mulberry32(3));
  const motion = electrodeMotion(n, fs, mulberry32(4));
  return signal.map((v, i) => (i >= fromS * fs && i < toS * fs ? v + microvolts * (muscle[i] + motion[i]) : v));
}

/**
 * A Philips-style calibration trailer in every lead: `zerosS` of 0, `pulseS` at `pulseUv`, `afterS` of 0 (the
 * 129DYPRG file: 0.16 s, 0.2 s at 1000 µV, 0.1 s).
 */
function calibrationSteps(fs: number, pulseUv = 1000, zerosS = 0.16, pulseS = 0.2, afterS = 0.1): Float32Array {
  const steps = [...Array(Math.round(zerosS * fs)).fill(0), ...Array(Math.round(pulseS * fs)).fill(pulseUv), ...Array(Math.round(afterS * fs)).fill(0)];
  return Float32Array.from(steps);
}

const joined = (...parts: Float32Array[]): Float32Array => Float32Array.from(parts.flatMap((part) => Array.from(part)));

const TWELVE_LEADS = [...STANDARD_LEADS];
/** Samples quantised as carts store them (5 µV per bit): a coarse ADC holds values longer than a float signal. */
const quantised = (lead: Float32Array) => lead.map((v) => Math.round(v / 5) * 5);

describe('a calibration pulse at either end of the file (not ECG)', () => {
  const fs = 500;
  const ecg = syntheticEcg({ sampleRateHz: fs, seconds: 10, heartRateBpm: 41, leads: TWELVE_LEADS, noiseMicrovolts: 5 }).leads.map((l) =>
    quantised(l.microvolts),
  );
  const steps = calibrationSteps(fs);

  it('finds the trailer exactly, in every lead, and nothing on the ECG before it', () => {
    const leads = ecg.map((lead) => joined(lead, steps));
    expect(calibrationStretches(leads, fs)).toEqual([{ startSample: 5000, endSample: 5000 + steps.length }]);
  });

  it('finds a leading pulse the same way', () => {
    const leads = ecg.map((lead) => joined(steps, lead));
    expect(calibrationStretches(leads, fs)).toEqual([{ startSample: 0, endSample: steps.length }]);
  });

  it.each([
    ['ECG alone, quantised to 5 µV', ecg],
    ['a flat tail (one run: the flat-line rule, not a pulse)', ecg.map((lead) => joined(lead, new Float32Array(fs)))],
    ['a pulse shorter than 100 ms', ecg.map((lead) => joined(lead, calibrationSteps(fs, 1000, 0.04, 0.04, 0)))],
    ['steps of 20 ms (faster than any calibration pulse)', ecg.map((lead) => joined(lead, calibrationSteps(fs, 1000, 0.02, 0.02, 0.02)))],
  ])('finds none in %s', (_, leads) => {
    expect(calibrationStretches(leads, fs)).toEqual([]);
  });

  it('never takes an invalid sample for part of a pulse: the staircase starts after it', () => {
    const leads = ecg.map((lead, i) => joined(lead, i === 3 ? steps.map((v, k) => (k === 150 ? NaN : v)) : steps));
    expect(calibrationStretches(leads, fs)).toEqual([{ startSample: 5151, endSample: 5000 + steps.length }]);
  });

  it('finds none on MIT-BIH-like two-lead records at 360 Hz, 11-bit', () => {
    const fs360 = 360;
    const two = syntheticEcg({ sampleRateHz: fs360, seconds: 60, heartRateBpm: 60, leads: ['II', 'V1'], noiseMicrovolts: 3 }).leads.map((l) =>
      quantised(l.microvolts),
    );
    expect(calibrationStretches(two, fs360)).toEqual([]);
  });

  it('counts no beat on the pulse: rate, beat count and median beat as without it, and the pulse marked', () => {
    const named = (leads: Float32Array[]) =>
      record(
        fs,
        leads.map((microvolts, i) => ({ name: TWELVE_LEADS[i], microvolts })),
      );
    const without = measureEcg(named(ecg));
    const withPulse = measureEcg(named(ecg.map((lead) => joined(lead, steps))));
    expect(withPulse.heartRateBpm).toBe(without.heartRateBpm);
    expect(withPulse.beatCount).toBe(without.beatCount);
    expect(withPulse.rrIrregularity).toBe(without.rrIrregularity);
    expect(withPulse.qtMs).toBe(without.qtMs);
    expect(withPulse.qualityStretches).toEqual([{ startS: 10, endS: 10.46, reason: 'calibration' }]);
  });

  it('merges stretches into sorted, disjoint ones', () => {
    expect(
      mergeStretches([
        { startSample: 50, endSample: 60 },
        { startSample: 0, endSample: 10 },
        { startSample: 10, endSample: 20 },
        { startSample: 55, endSample: 70 },
      ]),
    ).toEqual([
      { startSample: 0, endSample: 20 },
      { startSample: 50, endSample: 70 },
    ]);
  });
});
