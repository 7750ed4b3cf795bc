import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { grossScore, referenceBeatSamples, scoreQrs } from '../../../../src/main/ecg/analysis/ec57';

const fs = 360;
const atMinute = (m: number) => m * 60 * fs;

describe('EC57 beat-by-beat scoring', () => {
  it('matches within 150 ms and not beyond', () => {
    const reference = [atMinute(6), atMinute(7), atMinute(8)];
    const window = Math.round(0.15 * fs);
    const score = scoreQrs(reference, [reference[0] + window, reference[1] - window - 1, reference[2]], { sampleRateHz: fs });
    expect(score).toMatchObject({ truePositives: 2, falseNegatives: 1, falsePositives: 1 });
    expect(score.sensitivityPercent).toBeCloseTo(66.667, 2);
    expect(score.positivePredictivityPercent).toBeCloseTo(66.667, 2);
  });

  it('ignores the first 5 minutes (learning period), and counts a pair by its reference beat', () => {
    const start = atMinute(5);
    const score = scoreQrs([start - 100, start - 2, start + 400], [start - 90, start + 3, start + 1000, start - 500], { sampleRateHz: fs });
    // start-2 pairs with start+3: reference before the start, so not counted; start+400 missed; start+1000 false
    expect(score).toMatchObject({ truePositives: 0, falseNegatives: 1, falsePositives: 1 });
  });

  it('gives a detection to the nearer of two reference beats (bxb rule)', () => {
    // two reference beats 100 ms apart (e.g. a fusion doublet) and one detection nearer the second
    const r1 = atMinute(6);
    const r2 = r1 + 36;
    const score = scoreQrs([r1, r2], [r2 - 5], { sampleRateHz: fs });
    expect(score).toMatchObject({ truePositives: 1, falseNegatives: 1, falsePositives: 0 });
    // and the nearer of two detections to one reference beat
    const other = scoreQrs([r1], [r1 - 40, r1 + 2], { sampleRateHz: fs });
    expect(other).toMatchObject({ truePositives: 1, falseNegatives: 0, falsePositives: 1 });
  });

  it('pools counts for gross statistics instead of averaging percentages', () => {
    const a = { truePositives: 990, falseNegatives: 10, falsePositives: 0, sensitivityPercent: 99, positivePredictivityPercent: 100 };
    const b = { truePositives: 10, falseNegatives: 0, falsePositives: 0, sensitivityPercent: 100, positivePredictivityPercent: 100 };
    // pooled: 1000 / 1010 found; the mean of the two percentages would say 99.5
    expect(grossScore([a, b]).sensitivityPercent).toBeCloseTo((100 * 1000) / 1010, 9);
  });

  it('scores a jittered copy of the reference as perfect and counts every added stray detection (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 110, max: 700 }), { minLength: 1, maxLength: 300 }),
        fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 300, maxLength: 300 }),
        fc.integer({ min: 0, max: 20 }),
        (gaps, jitter, strays) => {
          let t = atMinute(5);
          const reference = gaps.map((g) => (t += g) * 2); // beats ≥ 440 samples apart
          const detected = reference.map((r, i) => r + jitter[i]);
          const perfect = scoreQrs(reference, detected, { sampleRateHz: fs });
          expect(perfect).toMatchObject({ truePositives: reference.length, falseNegatives: 0, falsePositives: 0 });
          const far = Array.from({ length: strays }, (_, k) => reference.at(-1)! + 1000 * (k + 1));
          expect(scoreQrs(reference, [...detected, ...far], { sampleRateHz: fs }).falsePositives).toBe(strays);
          expect(scoreQrs(reference, detected.slice(1), { sampleRateHz: fs }).falseNegatives).toBe(1);
        },
      ),
    );
  });

  it('keeps only beat labels as reference beats', () => {
    const annotations = [
      { sample: 30, symbol: '+' },
      { sample: 20, symbol: 'V' },
      { sample: 10, symbol: 'N' },
      { sample: 40, symbol: '~' },
      { sample: 50, symbol: 'Q' },
    ];
    expect(Array.from(referenceBeatSamples(annotations))).toEqual([10, 20, 50]);
  });
});
