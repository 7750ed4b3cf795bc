import { describe, expect, it } from 'vitest';
import { DEFAULT_PX_PER_MM } from '../../../src/shared/ecg-paper';
import { cssPxPerMm, DEVICE_PX_PER_MM_STORAGE_KEY, loadPxPerMm, parseStoredDevicePxPerMm } from '../../../src/renderer/features/ecg/screen-calibration';

const storageWith = (value: string | null) => ({ getItem: (key: string) => (key === DEVICE_PX_PER_MM_STORAGE_KEY ? value : null) });

describe('screen calibration', () => {
  it.each([
    ['4', 4],
    ['7.5591', 7.5591],
    [null, undefined],
    ['', undefined],
    ['abc', undefined],
    ['0.5', undefined], // 13 dpi: not a screen
    ['120', undefined],
    ['Infinity', undefined],
  ])('reads stored %s as %s device px/mm', (stored, expected) => expect(parseStoredDevicePxPerMm(stored)).toBe(expected));

  it('keeps the paper the same size on the glass when the app is zoomed', () => {
    // Measured 4 CSS px/mm at 100 %: 4 device px/mm. At 125 % zoom a CSS px is 1.25 device px.
    expect(cssPxPerMm(4, 1)).toBe(4);
    expect(cssPxPerMm(4, 1.25)).toBeCloseTo(3.2, 9);
    expect(cssPxPerMm(8, 2)).toBe(4);
  });

  it('uses the CSS 96 dpi until a measurement is stored', () => {
    expect(loadPxPerMm(1, storageWith(null))).toBe(DEFAULT_PX_PER_MM);
    expect(loadPxPerMm(2, storageWith(null))).toBe(DEFAULT_PX_PER_MM);
    expect(loadPxPerMm(1, storageWith('garbage'))).toBe(DEFAULT_PX_PER_MM);
    expect(loadPxPerMm(2, storageWith('9'))).toBe(4.5);
  });
});
