import { describe, expect, it } from 'vitest';
import { synthesizeEcg } from '../../../../src/main/ecg/devices/synthetic-ecg';
import { STANDARD_LEADS } from '../../../../src/shared/ecg';

const ecg = synthesizeEcg({ seed: 7, durationS: 30, sampleRateHz: 500 });
const lead = (name: string) => ecg.leads.find((l) => l.name === name)!.microvolts;
const msToSamples = (ms: number) => Math.round((ms * ecg.sampleRateHz) / 1000);

function window(values: Float32Array, center: number, fromMs: number, toMs: number): Float32Array {
  return values.subarray(center + msToSamples(fromMs), center + msToSamples(toMs));
}

/** Beats away from the record ends, so every window stays inside the arrays. */
const innerBeats = ecg.annotations.slice(1, -1).map((a) => a.sample);

describe('synthesizeEcg', () => {
  it('gives the 12 standard leads in order, all the same length', () => {
    expect(ecg.leads.map((l) => l.name)).toEqual([...STANDARD_LEADS]);
    expect(new Set(ecg.leads.map((l) => l.microvolts.length)).size).toBe(1);
    expect(lead('I').length).toBeGreaterThan(25 * 500);
  });

  it("obeys Einthoven's law and the Goldberger identities sample by sample", () => {
    const [I, II, III, aVR, aVL, aVF] = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF'].map(lead);
    let worst = 0;
    for (let n = 0; n < I.length; n++) {
      worst = Math.max(worst, Math.abs(III[n] - (II[n] - I[n])), Math.abs(aVR[n] + aVL[n] + aVF[n]), Math.abs(aVF[n] - (II[n] - I[n] / 2)));
    }
    // float32 rounding of values near 1 mV is ~1e-4 µV; anything model-made would be whole µV.
    expect(worst).toBeLessThan(0.01);
  });

  it('beats at about 72 per minute with physiological variability', () => {
    const rrMs = ecg.annotations.slice(1).map((a, i) => ((a.sample - ecg.annotations[i].sample) * 1000) / ecg.sampleRateHz);
    const mean = rrMs.reduce((s, v) => s + v, 0) / rrMs.length;
    const sd = Math.sqrt(rrMs.reduce((s, v) => s + (v - mean) ** 2, 0) / rrMs.length);
    expect(60_000 / mean).toBeGreaterThan(70);
    expect(60_000 / mean).toBeLessThan(74);
    expect(sd).toBeGreaterThan(5);
    expect(sd).toBeLessThan(60);
  });

  it('marks each beat at the R peak of lead II, with an R amplitude of a normal adult', () => {
    const II = lead('II');
    for (const r of innerBeats) {
      const around = window(II, r, -40, 40);
      const peakAt = r - msToSamples(40) + around.indexOf(Math.max(...around));
      // Within 4 ms: white noise may lift the neighbouring sample above the model's peak.
      expect(Math.abs(peakAt - r)).toBeLessThanOrEqual(msToSamples(4));
      expect(II[r]).toBeGreaterThan(800);
      expect(II[r]).toBeLessThan(2000);
    }
  });

  it('has an upright P wave 120–220 ms before R and an upright T wave after it in lead II', () => {
    const II = lead('II');
    for (const r of innerBeats) {
      const pWindow = window(II, r, -220, -120);
      const beforeP = Math.min(...window(II, r, -320, -250));
      expect(Math.max(...pWindow) - beforeP).toBeGreaterThan(60);
      const tPeak = Math.max(...window(II, r, 150, 350));
      expect(tPeak).toBeGreaterThan(150);
      expect(tPeak).toBeLessThan(II[r] / 2);
    }
  });

  it('shows normal R-wave progression: rS in V1, dominant R in V6, negative QRS in aVR', () => {
    for (const r of innerBeats) {
      const qrs = (name: string) => window(lead(name), r, -60, 60);
      const [v1, v6, aVR] = [qrs('V1'), qrs('V6'), qrs('aVR')];
      expect(-Math.min(...v1)).toBeGreaterThan(2 * Math.max(...v1));
      expect(Math.max(...v6)).toBeGreaterThan(2 * -Math.min(...v6));
      expect(-Math.min(...aVR)).toBeGreaterThan(2 * Math.max(...aVR));
      expect(Math.max(...qrs('V5'))).toBeGreaterThan(Math.max(...qrs('V2')));
    }
  });

  it('loops without a seam: the step from the last sample to the first is like any other step', () => {
    const clean = synthesizeEcg({ seed: 3, durationS: 10, noiseMicrovoltsRms: 0 });
    for (const { microvolts } of clean.leads) {
      let largestStep = 0;
      for (let n = 1; n < microvolts.length; n++) largestStep = Math.max(largestStep, Math.abs(microvolts[n] - microvolts[n - 1]));
      expect(Math.abs(microvolts[0] - microvolts[microvolts.length - 1])).toBeLessThanOrEqual(largestStep);
    }
  });

  it('is a pure function of its seed', () => {
    const again = synthesizeEcg({ seed: 7, durationS: 30, sampleRateHz: 500 });
    const bytes = (values: Float32Array) => Buffer.from(values.buffer, values.byteOffset, values.byteLength);
    again.leads.forEach((l, i) => expect(bytes(l.microvolts).equals(bytes(ecg.leads[i].microvolts))).toBe(true));
    const other = synthesizeEcg({ seed: 8, durationS: 30, sampleRateHz: 500 });
    expect(bytes(other.leads[1].microvolts).equals(bytes(ecg.leads[1].microvolts))).toBe(false);
  });

  it('honours the sample rate and adds 50 Hz mains when asked', () => {
    const fast = synthesizeEcg({ seed: 7, durationS: 5, sampleRateHz: 1000, noiseMicrovoltsRms: 0 });
    const slow = synthesizeEcg({ seed: 7, durationS: 5, sampleRateHz: 500, noiseMicrovoltsRms: 0 });
    expect(fast.sampleRateHz).toBe(1000);
    expect(fast.leads[0].microvolts.length).toBe(2 * slow.leads[0].microvolts.length);
    const hum = synthesizeEcg({ seed: 7, durationS: 5, sampleRateHz: 1000, noiseMicrovoltsRms: 0, mainsMicrovolts: 40 });
    // Over exactly one 50 Hz period (20 samples at 1 kHz) the hum is the only difference between the two records.
    const diff = Array.from({ length: 20 }, (_, n) => hum.leads[1].microvolts[n + 100] - fast.leads[1].microvolts[n + 100]);
    expect(Math.max(...diff)).toBeCloseTo(40, 0);
  });
});
