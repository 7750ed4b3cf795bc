import { describe, expect, it } from 'vitest';
import { MAX_ABS_MICROVOLTS } from '../../../../src/shared/ecg';
import { EcgFormatError } from '../../../../src/main/ecg/formats/errors';
import { assertSamplesValid, markRangeProven, rangeProven } from '../../../../src/main/ecg/formats/sample-check';

function codeOf(fn: () => void): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof EcgFormatError ? error.code : 'other';
  }
}

describe('rangeProven: a calibration that keeps every digital value of the format inside ±1 V', () => {
  it.each([
    // [digitalMin, digitalMax, subtract, multiply, add, proven]
    [-32768, 32767, 0, 30.5, 0, true], // 32768 × 30.5 = 999 424 µV
    [-32768, 32767, 0, 31, 0, false], // 1 015 808 µV
    [-2048, 2047, 1024, 5, 0, true], // MIT-BIH at 200/mV with a baseline
    [-2048, 2047, 0, -488, 0, true], // a negative gain: the ends swap, both still checked
    [-2048, 2047, 0, -489, 0, false], // -2048 × -489 = 1 001 472
    [-32768, 32767, 0, 1, MAX_ABS_MICROVOLTS - 32767, true], // the top end lands exactly on the limit
    [-32768, 32767, 0, 1, MAX_ABS_MICROVOLTS - 32766, false],
    [-32768, 32767, 0, Number.NaN, 0, false],
    [-32768, 32767, 0, Number.POSITIVE_INFINITY, 0, false],
    [-32768, 32767, Number.NaN, 1, 0, false],
  ])('[%d, %d] (d − %d) × %d + %d → %s', (low, high, subtract, multiply, add, proven) => {
    expect(rangeProven(low, high, subtract, multiply, add)).toBe(proven);
  });
});

describe('assertSamplesValid with range-proven leads', () => {
  it('checks an unmarked lead sample by sample', () => {
    expect(codeOf(() => assertSamplesValid({ name: 'II', microvolts: Float32Array.of(0, Number.NaN, 0) }, 'test'))).toBe('BAD_SAMPLE');
  });

  it('trusts the decoder for a marked lead outside gaps, and still checks the gaps themselves', () => {
    const proven = markRangeProven(Float32Array.of(0, 1, Number.NaN, 3));
    expect(codeOf(() => assertSamplesValid({ name: 'II', microvolts: proven, gaps: [{ start: 2, end: 3 }] }, 'test'))).toBeUndefined();
    const gapNotNaN = markRangeProven(Float32Array.of(0, 1, 2, 3));
    expect(codeOf(() => assertSamplesValid({ name: 'II', microvolts: gapNotNaN, gaps: [{ start: 2, end: 3 }] }, 'test'))).toBe('BAD_SAMPLE');
    expect(codeOf(() => assertSamplesValid({ name: 'II', microvolts: gapNotNaN, gaps: [{ start: 3, end: 9 }] }, 'test'))).toBe('CORRUPT');
  });
});
