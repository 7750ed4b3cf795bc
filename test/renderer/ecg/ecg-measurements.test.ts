import { describe, expect, it } from 'vitest';
import { ADULT_ECG_NORMALS } from '../../../src/shared/ecg-normals';
import { measurementRows, normalRangeText } from '../../../src/renderer/features/ecg/ecg-measurements';
import { ageAtRecording, maskIdNumber } from '../../../src/renderer/features/ecg/ecg-format';

describe('normal range text', () => {
  // [measurement, sex, text]
  const cases: [keyof typeof ADULT_ECG_NORMALS, 'M' | 'F' | 'U' | undefined, string][] = [
    ['heartRateBpm', undefined, '60–100'],
    ['prMs', 'M', '120–200'],
    ['qrsMs', 'F', '< 120'],
    ['qtcBazettMs', 'M', '< 450'],
    ['qtcBazettMs', 'F', '< 460'],
    ['qtcBazettMs', 'U', '< 450'], // unknown sex: the stricter limit, as classifyMeasurement uses
    ['qtcFridericiaMs', 'F', '< 460'],
    ['qrsAxisDeg', undefined, '−30–90'],
  ];
  it.each(cases)('%s (%s): %s', (key, sex, text) => expect(normalRangeText(ADULT_ECG_NORMALS[key], sex)).toBe(text));

  it('writes the comparator a one-sided bound implies', () => {
    expect(normalRangeText({ unit: 'ms', high: { above: 200 } })).toBe('≤ 200');
    expect(normalRangeText({ unit: 'ms', low: { below: 120 } })).toBe('≥ 120');
    expect(normalRangeText({ unit: 'ms', low: { atOrBelow: 120 } })).toBe('> 120');
    expect(normalRangeText({ unit: 'ms' })).toBe('');
  });
});

describe('measurement rows', () => {
  const measured = {
    heartRateBpm: 48.6,
    rrMeanMs: 1234.4,
    prMs: 212,
    qrsMs: 96,
    qtMs: 470,
    qtcBazettMs: 455.2,
    qtcFridericiaMs: 459.9,
    qrsAxisDeg: -45,
    beatCount: 9,
    medianBeatCount: 8,
  };

  it('flags an adult man against the adult ranges with the finding code', () => {
    const rows = measurementRows(measured, 'M', true);
    const byKey = Object.fromEntries(rows.map((r) => [r.key, r]));
    expect(rows.map((r) => r.key)).toEqual([
      'heartRateBpm',
      'rrMeanMs',
      'pDurationMs',
      'prMs',
      'qrsMs',
      'qtMs',
      'qtcBazettMs',
      'qtcFridericiaMs',
      'pAxisDeg',
      'qrsAxisDeg',
      'tAxisDeg',
      'sokolowLyonUv',
    ]);
    expect(byKey.heartRateBpm).toEqual({ key: 'heartRateBpm', unit: 'bpm', value: 49, range: '60–100', flag: 'low', finding: 'bradycardia' });
    expect(byKey.prMs).toMatchObject({ flag: 'high', finding: 'firstDegreeAvBlock' });
    expect(byKey.qrsMs).toMatchObject({ flag: 'normal' });
    expect(byKey.qrsMs.finding).toBeUndefined();
    expect(byKey.qtcBazettMs).toMatchObject({ value: 455, flag: 'high', finding: 'longQtc', range: '< 450' });
    expect(byKey.qrsAxisDeg).toMatchObject({ flag: 'low', finding: 'leftAxisDeviation' });
    // No adult range for RR and the uncorrected QT.
    expect(byKey.rrMeanMs).toEqual({ key: 'rrMeanMs', unit: 'ms', value: 1234, range: '' });
  });

  it("uses the women's QTc limit", () => {
    const qtc = measurementRows(measured, 'F', true).find((r) => r.key === 'qtcBazettMs');
    expect(qtc).toMatchObject({ flag: 'normal', range: '< 460' });
  });

  it('flags nothing for a child and leaves unmeasured values empty', () => {
    const rows = measurementRows({ heartRateBpm: 130, beatCount: 12, medianBeatCount: 10 }, 'F', false);
    expect(rows.every((r) => r.flag === undefined && r.range === '')).toBe(true);
    expect(rows.find((r) => r.key === 'heartRateBpm')?.value).toBe(130);
    expect(rows.find((r) => r.key === 'prMs')?.value).toBeUndefined();
  });
});

describe('patient facts on the report', () => {
  it.each([
    ['110101199003074514', '110101********4514'],
    ['11010119900307451X', '110101********451X'],
    [null, ''],
    ['A1234', 'A1234'],
  ])('masks %s as %s', (id, masked) => expect(maskIdNumber(id)).toBe(masked));

  it('counts age on the recording day in China (a UTC evening is the next day in Beijing)', () => {
    expect(ageAtRecording('1960-03-08', '2026-03-07T15:59:00Z')).toBe(65);
    expect(ageAtRecording('1960-03-08', '2026-03-07T16:00:00Z')).toBe(66);
  });
});
