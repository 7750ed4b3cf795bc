import { describe, expect, it } from 'vitest';
import { scoreQrs } from '../../../../src/main/ecg/analysis/ec57';
import { detectRecordBeats } from '../../../../src/main/ecg/analysis/measure';
import { detectQrs } from '../../../../src/main/ecg/analysis/qrs';
import { STANDARD_LEADS } from '../../../../src/shared/ecg';
import { mulberry32 } from '../../../../src/shared/mulberry32';
import { electrodeMotion, muscleArtifact } from '../../../support/ecg-noise';
import { normalBeat, syntheticEcg, type BeatShape, type SyntheticEcg } from './synthetic-ecg';

/**
 * Issue 11.5: the hard rhythms a resting or Holter ECG brings, on synthetic signals where every beat's position is
 * known. Each case must find every beat, on its QRS (within 50 ms of the R peak: a T or P taken for the beat would
 * sit 150+ ms away), and count nothing else. Run on one lead (detectQrs, what a monitor lead gets) and on twelve
 * through the screen's pipeline (detectRecordBeats) where the case concerns the whole recording.
 */

const ON_QRS_SECONDS = 0.05;

function expectEveryBeatOnly(ecg: SyntheticEcg, detected: Int32Array): void {
  const score = scoreQrs(ecg.beats, detected, { sampleRateHz: ecg.sampleRateHz, scoreFromSeconds: 0, matchWindowSeconds: ON_QRS_SECONDS });
  expect({ missed: score.falseNegatives, extra: score.falsePositives }).toEqual({ missed: 0, extra: 0 });
}

function addTo(ecg: SyntheticEcg, noise: (lead: number, n: number) => Float32Array): SyntheticEcg {
  return { ...ecg, leads: ecg.leads.map((lead, l) => ({ ...lead, microvolts: lead.microvolts.map((v, i) => v + noise(l, lead.microvolts.length)[i]) })) };
}

const memo = <T>(make: (l: number, n: number) => T) => {
  const cache = new Map<number, T>();
  return (l: number, n: number) => cache.get(l) ?? (cache.set(l, make(l, n)), cache.get(l)!);
};

describe('QRS detection on hard rhythms (synthetic, issue 11.5)', () => {
  it.each([
    [360, 60],
    [500, 100],
    [500, 150],
    [1000, 75],
  ])('does not count a peaked T wave taller than the R wave (%i Hz, %i/min)', (sampleRateHz, heartRateBpm) => {
    // Hyperkalaemia-like: R 700 µV, a narrow-based T of 1.2 mV (160 ms between its tangent feet, σ 40 ms). A still
    // narrower T (σ ≤ 35 ms: 1.2 mV in 140 ms) has more than half the QRS's slope and is counted: see docs.
    const shape: BeatShape = {
      ...normalBeat(),
      r: { at: 0, sigma: 0.01, amplitude: 700, angleDeg: 60 },
      t: { at: 0.24, sigma: 0.04, amplitude: 1200, angleDeg: 60 },
    };
    const ecg = syntheticEcg({ sampleRateHz, seconds: 60, heartRateBpm, shape, noiseMicrovolts: 10, wanderMicrovolts: 100 });
    expectEveryBeatOnly(ecg, detectQrs(ecg.leads[0].microvolts, sampleRateHz));
  });

  it.each([
    [360, 60, 0.16],
    [360, 60, 0.28],
    [500, 100, 0.2],
    [500, 60, 0.28],
  ])('does not count tall P waves (0.5 mV, 40 %% of R) at %i Hz, %i/min, P apex %s s before R', (sampleRateHz, heartRateBpm, before) => {
    // A long PR puts the P wave beyond the refractory period of its own QRS: the P-wave slope rule must reject it.
    const shape: BeatShape = { ...normalBeat(), p: { at: -before, sigma: 0.02, amplitude: 500, angleDeg: 60 } };
    const ecg = syntheticEcg({ sampleRateHz, seconds: 60, heartRateBpm, shape, noiseMicrovolts: 10 });
    expectEveryBeatOnly(ecg, detectQrs(ecg.leads[0].microvolts, sampleRateHz));
  });

  it.each([0.05, 0.15, 0.5])('rides out 2 mV of baseline wander at %s Hz, on one lead and through the 12-lead pipeline', (wanderHz) => {
    const sampleRateHz = 500;
    const ecg = syntheticEcg({ sampleRateHz, seconds: 60, heartRateBpm: 72, leads: [...STANDARD_LEADS], noiseMicrovolts: 10 });
    // ±2 mV at the given rate, with a breathing component (0.3 Hz, ±0.3 mV) on top.
    const wander = memo((l, n) =>
      Float32Array.from(
        { length: n },
        (_, i) => 2000 * Math.sin(2 * Math.PI * wanderHz * (i / sampleRateHz) + l) + 300 * Math.sin(2 * Math.PI * 0.3 * (i / sampleRateHz)),
      ),
    );
    const wandering = addTo(ecg, wander);
    expectEveryBeatOnly(wandering, detectQrs(wandering.leads[1].microvolts, sampleRateHz));
    expectEveryBeatOnly(wandering, detectRecordBeats({ format: 'device', sampleRateHz, leads: wandering.leads }));
  });

  it.each([360, 500])('finds every beat under muscle noise (5–100 Hz, 50 µV RMS, its level varying over seconds) at %i Hz', (sampleRateHz) => {
    const ecg = syntheticEcg({ sampleRateHz, seconds: 120, heartRateBpm: 80, leads: [...STANDARD_LEADS] });
    const random = mulberry32(7);
    const noisy = addTo(
      ecg,
      memo((_, n) => muscleArtifact(n, sampleRateHz, random).map((v) => 50 * v)),
    );
    expectEveryBeatOnly(noisy, detectQrs(noisy.leads[1].microvolts, sampleRateHz));
    expectEveryBeatOnly(noisy, detectRecordBeats({ format: 'device', sampleRateHz, leads: noisy.leads }));
  });

  it('keeps every beat and adds none through electrode-motion steps of up to 1.5 mV', () => {
    const sampleRateHz = 360;
    const ecg = syntheticEcg({ sampleRateHz, seconds: 120, heartRateBpm: 70, noiseMicrovolts: 10 });
    const random = mulberry32(11);
    // Steps that relax back (τ 0.1–0.5 s) and damped 1–8 Hz swings, about one a second, scaled to 150 µV RMS.
    const noisy = addTo(
      ecg,
      memo((_, n) => electrodeMotion(n, sampleRateHz, random).map((v) => 150 * v)),
    );
    const peak = Math.max(...noisy.leads[0].microvolts.map((v, i) => Math.abs(v - ecg.leads[0].microvolts[i])));
    expect(peak).toBeGreaterThan(800);
    expectEveryBeatOnly(noisy, detectQrs(noisy.leads[0].microvolts, sampleRateHz));
  });
});
