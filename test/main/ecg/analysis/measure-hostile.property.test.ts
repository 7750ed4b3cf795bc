import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { measureEcg } from '../../../../src/main/ecg/analysis/measure';
import { STANDARD_LEADS, type EcgGap, type EcgMeasurements, type EcgRecord } from '../../../../src/shared/ecg';
import { ECG_STATEMENTS, ecgStatements } from '../../../../src/shared/ecg-statements';
import { mulberry32 } from '../../../../src/shared/mulberry32';
import { syntheticEcg } from './synthetic-ecg';

/**
 * What the screen's analysis does with any signal a reader can hand it: beats interrupted by flat stretches, a lead
 * held at the rail, declared gaps (NaN), pure noise, records shorter than a beat, one to twelve leads, 100–1000 Hz.
 * It must never throw and never report a number that is not finite or a stretch outside the record: the detector's
 * restarts and decaying threshold and the quality windows all meet these edges.
 */

type SegmentKind = 'beats' | 'flat' | 'rail' | 'gap' | 'noise';

interface Segment {
  kind: SegmentKind;
  seconds: number;
}

const segmentArb: fc.Arbitrary<Segment> = fc.record({
  kind: fc.constantFrom<SegmentKind>('beats', 'beats', 'flat', 'rail', 'gap', 'noise'),
  seconds: fc.double({ min: 0.05, max: 12, noNaN: true }),
});

function hostileRecord(sampleRateHz: number, leadCount: number, heartRateBpm: number, segments: Segment[], seed: number): EcgRecord {
  const seconds = segments.reduce((sum, segment) => sum + segment.seconds, 0);
  const names = STANDARD_LEADS.slice(0, leadCount);
  const base = syntheticEcg({ sampleRateHz, seconds, heartRateBpm, leads: [...names], noiseMicrovolts: 15, seed });
  const random = mulberry32(seed);
  const gaps: EcgGap[] = [];
  let from = 0;
  for (const segment of segments) {
    const to = Math.min(base.leads[0].microvolts.length, from + Math.round(segment.seconds * sampleRateHz));
    for (const lead of base.leads) {
      for (let i = from; i < to; i++) {
        if (segment.kind === 'flat') lead.microvolts[i] = 300;
        else if (segment.kind === 'rail') lead.microvolts[i] = 32_000;
        else if (segment.kind === 'gap') lead.microvolts[i] = Number.NaN;
        else if (segment.kind === 'noise') lead.microvolts[i] = 2_000 * (random() - 0.5);
      }
    }
    if (segment.kind === 'gap' && to > from) gaps.push({ start: from, end: to });
    from = to;
  }
  return { format: 'device', sampleRateHz, leads: base.leads.map((lead) => ({ ...lead, ...(gaps.length > 0 ? { gaps } : {}) })) };
}

function expectSane(m: EcgMeasurements, durationS: number): void {
  for (const [key, value] of Object.entries(m)) {
    if (typeof value === 'number') expect(Number.isFinite(value), `${key} = ${value}`).toBe(true);
  }
  for (const amplitudes of Object.values(m.qrsAmplitudes ?? {})) {
    expect(Number.isFinite(amplitudes.rUv) && Number.isFinite(amplitudes.sUv)).toBe(true);
  }
  expect(Number.isInteger(m.beatCount) && m.beatCount >= 0).toBe(true);
  // No more beats than 300/min allows, even in noise.
  expect(m.beatCount).toBeLessThanOrEqual(Math.ceil(durationS * 5) + 1);
  for (const stretch of m.qualityStretches ?? []) {
    expect(stretch.startS).toBeGreaterThanOrEqual(0);
    expect(stretch.endS).toBeGreaterThan(stretch.startS);
    // Stretch times are given to the millisecond: the end may round up to half a millisecond past the last sample.
    expect(stretch.endS).toBeLessThanOrEqual(durationS + 0.0005 + 1e-9);
  }
}

describe('measureEcg on hostile signals', () => {
  it('never throws, never reports a non-finite figure or a stretch outside the record, and the statements stay coherent (150 records)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(100, 250, 360, 500, 1000),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 30, max: 180 }),
        fc.array(segmentArb, { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        (sampleRateHz, leadCount, heartRateBpm, segments, seed) => {
          const record = hostileRecord(sampleRateHz, leadCount, heartRateBpm, segments, seed);
          const durationS = record.leads[0].microvolts.length / sampleRateHz;
          const measurements = measureEcg(record);
          expectSane(measurements, durationS);
          // The automatic statements read these figures: known codes, each once, no two that exclude each other,
          // every criterion's figure finite.
          for (const sex of ['M', 'F', null] as const) {
            const statements = ecgStatements({ measurements, sex, adult: true });
            const codes = statements.map((statement) => statement.code);
            expect(codes.every((code) => ECG_STATEMENTS.includes(code))).toBe(true);
            expect(new Set(codes).size).toBe(codes.length);
            expect(codes.filter((code) => code.startsWith('sinus')).length).toBeLessThanOrEqual(1);
            expect(codes.includes('leftAxisDeviation') && codes.includes('rightAxisDeviation')).toBe(false);
            for (const { criterion } of statements) {
              for (const value of Object.values(criterion)) if (typeof value === 'number') expect(Number.isFinite(value)).toBe(true);
            }
          }
        },
      ),
      {
        numRuns: 150,
        examples: [
          // Found by a 3,000-record run: a P-wave level inside a gap of the median beat made the P axis NaN.
          [
            100,
            2,
            122,
            [
              { kind: 'flat', seconds: 0.851289123780189 },
              { kind: 'gap', seconds: 0.08411828793916526 },
              { kind: 'beats', seconds: 0.7495925882806457 },
            ],
            1,
          ],
        ],
      },
    );
  });
});
