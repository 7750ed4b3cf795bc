import { describe, expect, it } from 'vitest';
import { ADULT_ECG_NORMALS, classifyMeasurement, classifyMeasurements, type ClassifiedMeasurement } from '../../../../src/shared/ecg-normals';

describe('adult ECG normal ranges', () => {
  it.each<[ClassifiedMeasurement, number, 'M' | 'F' | 'U' | undefined, string]>([
    ['heartRateBpm', 59, undefined, 'low'],
    ['heartRateBpm', 60, undefined, 'normal'],
    ['heartRateBpm', 100, undefined, 'normal'],
    ['heartRateBpm', 101, undefined, 'high'],
    ['prMs', 119, undefined, 'low'],
    ['prMs', 120, undefined, 'normal'],
    ['prMs', 200, undefined, 'normal'],
    ['prMs', 201, undefined, 'high'],
    ['qrsMs', 118, undefined, 'normal'],
    ['qrsMs', 120, undefined, 'high'],
    ['qtcBazettMs', 449, 'M', 'normal'],
    ['qtcBazettMs', 450, 'M', 'high'],
    ['qtcBazettMs', 455, 'F', 'normal'],
    ['qtcBazettMs', 460, 'F', 'high'],
    ['qtcBazettMs', 455, 'U', 'high'], // unknown sex: the stricter limit
    ['qtcFridericiaMs', 455, undefined, 'high'],
    ['qrsAxisDeg', -30, undefined, 'normal'],
    ['qrsAxisDeg', -31, undefined, 'low'],
    ['qrsAxisDeg', -89, undefined, 'low'],
    ['qrsAxisDeg', -90, undefined, 'high'], // northwest: extreme deviation
    ['qrsAxisDeg', -150, undefined, 'high'],
    ['qrsAxisDeg', 90, undefined, 'normal'],
    ['qrsAxisDeg', 120, undefined, 'high'],
    ['qrsAxisDeg', 180, undefined, 'high'],
  ])('%s = %d (sex %s) is %s', (key, value, sex, expected) => {
    expect(classifyMeasurement(key, value, sex)).toBe(expected);
  });

  it('says nothing about a value that was not measured', () => {
    expect(classifyMeasurement('prMs', undefined)).toBeUndefined();
    expect(classifyMeasurement('prMs', NaN)).toBeUndefined();
  });

  it('classifies a whole result, leaving out what is missing', () => {
    expect(classifyMeasurements({ heartRateBpm: 48, qrsMs: 96, qtcBazettMs: 452, beatCount: 9, medianBeatCount: 8 }, 'F')).toEqual({
      heartRateBpm: 'low',
      qrsMs: 'normal',
      qtcBazettMs: 'normal',
    });
  });

  it('keeps the ranges as data the UI can show', () => {
    expect(ADULT_ECG_NORMALS.prMs).toMatchObject({ unit: 'ms', low: { below: 120 }, high: { above: 200 } });
    expect(ADULT_ECG_NORMALS.qtcBazettMs.high).toEqual({ M: { atOrAbove: 450 }, F: { atOrAbove: 460 } });
  });
});
