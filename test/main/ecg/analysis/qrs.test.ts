import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { grossScore, referenceBeatSamples, scoreQrs, type QrsScore } from '../../../../src/main/ecg/analysis/ec57';
import { detectRecordBeats, measureEcg } from '../../../../src/main/ecg/analysis/measure';
import { removePacingSpikes } from '../../../../src/main/ecg/analysis/pacing';
import { detectQrs, removeUnconfirmedOffRhythm } from '../../../../src/main/ecg/analysis/qrs';
import { edfReader } from '../../../../src/main/ecg/formats/edf';
import { wfdbReader } from '../../../../src/main/ecg/formats/wfdb';
import { decodeMitAnnotations } from '../../../../src/main/ecg/formats/wfdb-annotations';
import { corpusNote, diskInput, hasSharedSamples, samplePath } from '../../../support/shared-samples';
import { normalBeat, random, regularBeats, syntheticEcg, type BeatShape } from './synthetic-ecg';

const wholeRecord = (sampleRateHz: number) => ({ sampleRateHz, scoreFromSeconds: 0 });

function scoreSynthetic(ecg: ReturnType<typeof syntheticEcg>, lead = 0): QrsScore {
  return scoreQrs(ecg.beats, detectQrs(ecg.leads[lead].microvolts, ecg.sampleRateHz), wholeRecord(ecg.sampleRateHz));
}

/** A wide, tall, opposite-polarity complex with a discordant T: a premature ventricular beat. */
function ventricularBeat(): BeatShape {
  return {
    q: { at: -0.05, sigma: 0.012, amplitude: 200, angleDeg: 60 },
    r: { at: 0, sigma: 0.03, amplitude: -1600, angleDeg: 60 },
    s: { at: 0.05, sigma: 0.015, amplitude: 300, angleDeg: 60 },
    t: { at: 0.3, sigma: 0.06, amplitude: 500, angleDeg: 60 },
  };
}

describe('QRS detection on synthetic ECG (runs without the shared corpus)', () => {
  it.each([100, 250, 360, 500, 1000])('finds every beat at %i Hz, on the R peak', (sampleRateHz) => {
    const ecg = syntheticEcg({ sampleRateHz, seconds: 30, heartRateBpm: 75, noiseMicrovolts: 15, mainsMicrovolts: 60, wanderMicrovolts: 300 });
    const detected = detectQrs(ecg.leads[0].microvolts, sampleRateHz);
    expect(detected.length).toBe(ecg.beats.length);
    detected.forEach((d, i) => expect(Math.abs(d - ecg.beats[i]) / sampleRateHz).toBeLessThanOrEqual(0.012));
  });

  it('holds across heart rates, amplitudes, noise and sampling rates (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(100, 250, 360, 500, 1000),
        fc.integer({ min: 35, max: 190 }),
        fc.double({ min: 0.3, max: 3, noNaN: true }),
        fc.double({ min: 0, max: 25, noNaN: true }),
        fc.integer({ min: 1, max: 1_000_000 }),
        (sampleRateHz, heartRateBpm, scale, noiseMicrovolts, seed) => {
          const base = normalBeat();
          const shape = Object.fromEntries(Object.entries(base).map(([k, w]) => [k, { ...w, amplitude: w.amplitude * scale }])) as unknown as BeatShape;
          const ecg = syntheticEcg({ sampleRateHz, seconds: 20, heartRateBpm, shape, noiseMicrovolts, mainsMicrovolts: 50, wanderMicrovolts: 200, seed });
          const score = scoreSynthetic(ecg);
          expect(score.falseNegatives).toBe(0);
          expect(score.falsePositives).toBe(0);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('does not count tall, peaked T waves as beats (T-wave discrimination)', () => {
    const shape = normalBeat();
    shape.t = { at: 0.24, sigma: 0.028, amplitude: 1000, angleDeg: 60 };
    const score = scoreSynthetic(syntheticEcg({ sampleRateHz: 360, seconds: 60, heartRateBpm: 90, shape, noiseMicrovolts: 10 }));
    expect(score.falsePositives).toBe(0);
    expect(score.falseNegatives).toBe(0);
  });

  it('finds a small beat among tall ones (below the threshold, recovered by search-back)', () => {
    const small = normalBeat();
    for (const key of ['q', 'r', 's', 't'] as const) small[key] = { ...small[key], amplitude: small[key].amplitude * 0.4 };
    const ecg = syntheticEcg({ sampleRateHz: 360, seconds: 60, heartRateBpm: 70, shapeOf: (i) => (i % 10 === 9 ? small : normalBeat()), noiseMicrovolts: 10 });
    const score = scoreSynthetic(ecg);
    expect(score.falseNegatives).toBe(0);
    expect(score.falsePositives).toBe(0);
  });

  it.each([360, 500, 1000])('counts paced beats and never the pacemaker spikes, captured or not (%i Hz)', (fs) => {
    // A ventricular-paced rhythm at 70/min: a 0.5 ms, 4 mV stimulus 20 ms before each wide paced complex, and a
    // stimulus that fails to capture in the middle of every third interval.
    const beatTimes: number[] = [];
    for (let t = 0.6; t < 59; t += 60 / 70) beatTimes.push(t);
    const ecg = syntheticEcg({ sampleRateHz: fs, seconds: 60, beatTimes, shape: ventricularBeat(), noiseMicrovolts: 10 });
    const lead = ecg.leads[0].microvolts;
    const spike = (t: number) => {
      const at = Math.round(t * fs);
      const width = Math.max(1, Math.round(0.0005 * fs));
      for (let k = 0; k < width; k++) lead[at + k] += 4000;
    };
    const uncaptured: number[] = [];
    beatTimes.forEach((t, i) => {
      spike(t - 0.02 - 0.05);
      if (i % 3 === 1 && i + 1 < beatTimes.length) {
        const mid = (t + beatTimes[i + 1]) / 2;
        spike(mid);
        uncaptured.push(Math.round(mid * fs));
      }
    });
    const detected = detectRecordBeats({ format: 'wfdb', sampleRateHz: fs, leads: [{ name: 'II', microvolts: lead }] });
    const score = scoreQrs(ecg.beats, detected, { sampleRateHz: fs, scoreFromSeconds: 0 });
    expect(score.falseNegatives).toBe(0);
    expect(score.falsePositives).toBe(0);
    for (const at of uncaptured) expect(Array.from(detected).some((d) => Math.abs(d - at) < 0.15 * fs)).toBe(false);
    expect(removePacingSpikes(lead, fs).spikes.length).toBe(beatTimes.length + uncaptured.length);
  });

  it('measures a paced complex from its own onset, not from the stimulus before it', () => {
    const fs = 500;
    const beatTimes: number[] = [];
    for (let t = 0.6; t < 19; t += 60 / 70) beatTimes.push(t);
    const clean = syntheticEcg({
      sampleRateHz: fs,
      seconds: 20,
      beatTimes,
      shape: ventricularBeat(),
      leads: ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'],
      noiseMicrovolts: 5,
    });
    const paced = clean.leads.map((lead) => {
      const out = Float32Array.from(lead.microvolts);
      for (const t of beatTimes) out[Math.round((t - 0.09) * fs)] += 4000;
      return { name: lead.name, microvolts: out };
    });
    const withSpikes = measureEcg({ format: 'wfdb', sampleRateHz: fs, leads: paced });
    const without = measureEcg({ format: 'wfdb', sampleRateHz: fs, leads: clean.leads });
    expect(withSpikes.beatCount).toBe(beatTimes.length);
    expect(Math.abs(withSpikes.qrsMs! - without.qrsMs!)).toBeLessThanOrEqual(4);
  });

  it('leaves a signal without stimuli exactly as it was (no QRS is mistaken for a spike)', () => {
    for (const fs of [100, 250, 360, 500, 1000]) {
      const ecg = syntheticEcg({
        sampleRateHz: fs,
        seconds: 20,
        heartRateBpm: 80,
        noiseMicrovolts: 20,
        shapeOf: (i) => (i % 4 ? normalBeat() : ventricularBeat()),
      });
      for (const lead of ecg.leads) expect(removePacingSpikes(lead.microvolts, fs).spikes).toEqual([]);
    }
  });

  it('finds premature ventricular beats in bigeminy', () => {
    const times: number[] = [];
    for (let t = 0.5; t < 59; t += 1.6) times.push(t, t + 0.55); // normal, then early PVC, then compensatory pause
    const ecg = syntheticEcg({
      sampleRateHz: 360,
      seconds: 60,
      beatTimes: times,
      shapeOf: (i) => (i % 2 ? ventricularBeat() : normalBeat()),
      noiseMicrovolts: 10,
    });
    const score = scoreSynthetic(ecg);
    expect(score.falseNegatives).toBe(0);
    expect(score.falsePositives).toBe(0);
  });

  it('drops an artefact that splits a regular RR interval, where a real premature beat would be followed by a pause', () => {
    const ecg = syntheticEcg({ sampleRateHz: 360, seconds: 60, heartRateBpm: 60, noiseMicrovolts: 10 });
    const signal = ecg.leads[0].microvolts;
    const artefactAt = [10.45, 20.5, 30.55, 40.4, 50.5].map((t) => Math.round(t * 360));
    for (const centre of artefactAt) {
      // a sharp biphasic electrode-motion spike as tall as the R wave
      for (let k = -12; k <= 12; k++) signal[centre + k] += 1200 * (k / 6) * Math.exp(-0.5 * (k / 6) ** 2);
    }
    const score = scoreSynthetic(ecg);
    expect(score.falsePositives).toBe(0);
    expect(score.falseNegatives).toBe(0);
  });

  it('keeps every beat of an irregularly irregular rhythm (atrial fibrillation is not "split")', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), (seed) => {
        const next = random(seed);
        const times: number[] = [];
        for (let t = 0.5; t < 59; t += 0.35 + 0.7 * next()) times.push(t);
        const noP = normalBeat();
        delete noP.p;
        const score = scoreSynthetic(syntheticEcg({ sampleRateHz: 250, seconds: 60, beatTimes: times, shape: noP, noiseMicrovolts: 15, seed }));
        expect(score.falseNegatives).toBe(0);
        expect(score.falsePositives).toBe(0);
      }),
      { numRuns: 10 },
    );
  });

  describe("a lone detector's off-rhythm pick is dropped; the second detector or the rhythm keeps a real beat", () => {
    const fs = 360;
    const cycle = Math.round(0.8 * fs);
    const keep = (ecg: ReturnType<typeof syntheticEcg>, beats: number[], leads = [ecg.leads[0].microvolts]) =>
      Array.from(removeUnconfirmedOffRhythm(Int32Array.from(beats).sort(), leads, fs));

    it('drops a detection on flat signal that cuts a regular interval in two', () => {
      const ecg = syntheticEcg({ sampleRateHz: fs, seconds: 30, heartRateBpm: 75, noiseMicrovolts: 10 });
      const artefact = ecg.beats[15] + Math.round(0.55 * cycle);
      expect(keep(ecg, [...ecg.beats, artefact])).toEqual(ecg.beats);
    });

    it('keeps one the second detector did not find when a pause follows it (a premature beat)', () => {
      const ecg = syntheticEcg({ sampleRateHz: fs, seconds: 30, heartRateBpm: 75, noiseMicrovolts: 10 });
      const premature = ecg.beats[15] + Math.round(0.6 * cycle);
      const beats = [...ecg.beats.filter((_, i) => i !== 16), premature].sort((a, b) => a - b);
      expect(keep(ecg, beats)).toEqual(beats);
    });

    it('keeps an interpolated ventricular beat (no pause) because the second detector finds it too', () => {
      const times = regularBeats(30, 75);
      times.push(times[15] + 0.4);
      times.sort((a, b) => a - b);
      const ecg = syntheticEcg({
        sampleRateHz: fs,
        seconds: 30,
        beatTimes: times,
        shapeOf: (i) => (i === 16 ? ventricularBeat() : normalBeat()),
        noiseMicrovolts: 10,
      });
      expect(keep(ecg, ecg.beats)).toEqual(ecg.beats);
    });

    it('leaves an irregular rhythm alone', () => {
      const next = random(7);
      const times: number[] = [];
      for (let t = 0.5; t < 29.5; t += 0.45 + 0.6 * next()) times.push(t);
      const ecg = syntheticEcg({ sampleRateHz: fs, seconds: 30, beatTimes: times, noiseMicrovolts: 10 });
      const extra = Math.round((times[15] + 0.3) * fs);
      const beats = [...ecg.beats, extra].sort((a, b) => a - b);
      expect(keep(ecg, beats)).toEqual(beats);
    });

    it('with several leads, needs the second detector on more than half of them', () => {
      const ecg = syntheticEcg({ sampleRateHz: fs, seconds: 30, heartRateBpm: 75, noiseMicrovolts: 10, leads: ['I', 'II', 'III'] });
      const at = ecg.beats[15] + Math.round(0.55 * cycle);
      const withComplex = (lead: Float32Array) => {
        const copy = lead.slice();
        for (let k = -20; k <= 20; k++) copy[at + k] += 1200 * Math.exp(-0.5 * (k / 4) ** 2);
        return copy;
      };
      const [I, II, III] = ecg.leads.map((lead) => lead.microvolts);
      const beats = [...ecg.beats, at].sort((a, b) => a - b);
      expect(keep(ecg, beats, [withComplex(I), withComplex(II), III])).toEqual(beats);
      expect(keep(ecg, beats, [withComplex(I), II, III])).toEqual(ecg.beats);
    });
  });

  it('detects nothing in a pause and resumes after it', () => {
    const times = [...regularBeats(10, 70), ...regularBeats(30, 70, 14).filter((t) => t > 14)];
    const ecg = syntheticEcg({ sampleRateHz: 500, seconds: 30, beatTimes: times, noiseMicrovolts: 10, wanderMicrovolts: 100 });
    const score = scoreSynthetic(ecg);
    expect(score.falsePositives).toBe(0);
    expect(score.falseNegatives).toBe(0);
  });

  it('survives invalid samples and inputs too short to judge', () => {
    const ecg = syntheticEcg({ sampleRateHz: 250, seconds: 20, heartRateBpm: 60 });
    const signal = ecg.leads[0].microvolts;
    signal.fill(NaN, 2500, 3000);
    const detected = Array.from(detectQrs(signal, 250));
    expect(detected.every((d) => d < 2500 || d >= 3000)).toBe(true);
    expect(detected.length).toBeGreaterThanOrEqual(ecg.beats.length - 3);
    expect(detectQrs(new Float32Array(100), 250).length).toBe(0);
    expect(detectQrs(new Float32Array(5000), 250).length).toBe(0);
  });
});

const formatScore = (label: string, s: QrsScore) =>
  `${label}: TP ${s.truePositives} FN ${s.falseNegatives} FP ${s.falsePositives} Se ${s.sensitivityPercent.toFixed(2)} % +P ${s.positivePredictivityPercent.toFixed(2)} %`;

describe.skipIf(!hasSharedSamples)(`QRS detection scored EC57-style on the shared records${corpusNote}`, () => {
  it('reaches gross Se and +P ≥ 99.7 % on MIT-BIH 100, 103, 105, 208 (lead MLII, from minute 5, 150 ms window)', async () => {
    const scores: QrsScore[] = [];
    for (const name of ['100', '103', '105', '208']) {
      const record = await wfdbReader.read(diskInput(samplePath('wfdb/mitdb', `${name}.hea`)));
      const score = scoreQrs(referenceBeatSamples(record.annotations ?? []), detectQrs(record.leads[0].microvolts, record.sampleRateHz), {
        sampleRateHz: record.sampleRateHz,
      });
      console.log(formatScore(`MIT-BIH ${name}`, score));
      scores.push(score);
    }
    const gross = grossScore(scores);
    console.log(formatScore('MIT-BIH gross', gross));
    // Issue 11's goal, 99.7 % each. Measured 99.76 / 99.77 (20 missed, 19 false; gqrs in reference.json: 99.74 /
    // 99.41): a margin of about five beats each. Without the second detector's confirmation +P was 99.68.
    expect(gross.sensitivityPercent).toBeGreaterThanOrEqual(99.7);
    expect(gross.positivePredictivityPercent).toBeGreaterThanOrEqual(99.7);
    // the clean records must be essentially perfect
    for (const score of scores.slice(0, 2)) expect(score.falseNegatives + score.falsePositives).toBeLessThanOrEqual(2);
  });

  it('agrees with the twa01 .qrs annotations on every lead (500 Hz)', async () => {
    const record = await wfdbReader.read(diskInput(samplePath('wfdb/twadb/twa01.hea')));
    const reference = referenceBeatSamples(record.annotations ?? []);
    for (const lead of record.leads) {
      const score = scoreQrs(reference, detectQrs(lead.microvolts, record.sampleRateHz), wholeRecord(record.sampleRateHz));
      expect(score.falseNegatives, lead.name).toBe(0);
      // The .qrs file skips two real complexes (at 12.67 s and 108.77 s): detector-grade, not audited.
      expect(score.falsePositives, lead.name).toBeLessThanOrEqual(2);
    }
  });

  it('finds the fetal QRS complexes of r01 (direct scalp lead, 1000 Hz) given in r01.edf.qrs', async () => {
    const record = await edfReader.read(diskInput(samplePath('edf/r01.edf')));
    const direct = record.leads.find((lead) => lead.name === 'Direct_1');
    expect(direct).toBeDefined();
    const reference = referenceBeatSamples(decodeMitAnnotations(readFileSync(samplePath('edf/r01.edf.qrs'))));
    const score = scoreQrs(reference, detectQrs(direct!.microvolts, record.sampleRateHz), wholeRecord(record.sampleRateHz));
    console.log(formatScore('r01 Direct_1 (fetal)', score));
    expect(score.sensitivityPercent).toBeGreaterThanOrEqual(99.5);
    expect(score.positivePredictivityPercent).toBeGreaterThanOrEqual(99.5);
  });

  it('works on MIT-BIH 100 resampled to 100, 250, 500 and 1000 Hz', async () => {
    const record = await wfdbReader.read(diskInput(samplePath('wfdb/mitdb/100.hea')));
    const source = record.leads[0].microvolts;
    const reference = referenceBeatSamples(record.annotations ?? []);
    for (const rate of [100, 250, 500, 1000]) {
      const ratio = record.sampleRateHz / rate;
      const resampled = Float32Array.from({ length: Math.floor(source.length / ratio) - 1 }, (_, i) => {
        const at = i * ratio;
        const k = Math.floor(at);
        return source[k] + (source[k + 1] - source[k]) * (at - k);
      });
      const scaledReference = Array.from(reference, (r) => Math.round(r / ratio));
      const score = scoreQrs(scaledReference, detectQrs(resampled, rate), { sampleRateHz: rate });
      expect(score.falseNegatives + score.falsePositives, `${rate} Hz`).toBeLessThanOrEqual(2);
    }
  });
});
