import { describe, expect, it } from 'vitest';
import { placeLayout, STANDARD_SCALE } from '../../../src/shared/ecg-paper';
import { gridPathData, mm, pulsePathData, tracePathData } from '../../../src/renderer/features/ecg/ecg-svg';

describe('printed paper path data (mm)', () => {
  it.each([
    [0, '0'],
    [12.5, '12.5'],
    [12.3456, '12.35'],
    [-3.1, '-3.1'],
    [210, '210'],
    [0.004, '0'],
  ])('writes %f as %s', (value, text) => expect(mm(value)).toBe(text));

  it('draws a 1 mm line every mm and a 5 mm line every fifth, in page coordinates', () => {
    const { small, large } = gridPathData(18, 40, 10, 5);
    expect(large).toBe('M18 40V45M23 40V45M28 40V45M18 40H28M18 45H28');
    expect(small.match(/M[\d.]+ 40V45/g)).toEqual(['M19 40V45', 'M20 40V45', 'M21 40V45', 'M22 40V45', 'M24 40V45', 'M25 40V45', 'M26 40V45', 'M27 40V45']);
    expect(small.match(/H28/g)).toHaveLength(4);
  });

  it('places a trace sample by sample: 0.05 mm apart at 500 Hz and 25 mm/s, 10 mm per mV', () => {
    const placed = placeLayout('3x4+rhythm', STANDARD_SCALE, { rowHeightMm: 35 });
    const aVR = placed.cells.find((c) => c.lead === 'aVR')!; // 2.5–5 s
    const samples = new Float32Array(5000);
    samples[1250] = 1000;
    samples[1251] = NaN;
    const d = tracePathData(samples, aVR, STANDARD_SCALE, 500, { xMm: 18, yMm: 40 });
    const x0 = 18 + 10 + 62.5;
    const base = 40 + 21;
    expect(d.startsWith(`M${x0} ${base - 10}M${mm(x0 + 0.1)} ${base}L${mm(x0 + 0.15)} ${base}`)).toBe(true);
    expect(d.match(/[ML]/g)).toHaveLength(1249);
  });

  it('draws the 1 mV, 200 ms pulse as 10 mm up and 5 mm across', () => {
    expect(pulsePathData({ xMm: 18, yMm: 40 }, 21, STANDARD_SCALE)).toBe('M18 61L20.5 61L20.5 51L25.5 51L25.5 61L28 61');
  });
});
