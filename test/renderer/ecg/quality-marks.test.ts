import { describe, expect, it } from 'vitest';
import { placeLayout, secondsToMm, STANDARD_SCALE } from '../../../src/shared/ecg-paper';
import { qualityKind, qualityMarks } from '../../../src/renderer/features/ecg/quality-marks';

describe('unreadable and noisy stretches on the paper', () => {
  it('nothing to mark without stretches, or with stretches on other pages', () => {
    const placed = placeLayout('12x1', STANDARD_SCALE);
    expect(qualityMarks(placed, undefined, 0)).toEqual([]);
    expect(qualityMarks(placed, [{ startS: 30, endS: 40, reason: 'flat' }], 0)).toEqual([]);
    expect(qualityMarks(placed, [{ startS: 30, endS: 40, reason: 'flat' }], 40)).toEqual([]);
  });

  it('a rhythm view page: every row marked over the stretch, clipped to the page', () => {
    const placed = placeLayout('12x1', STANDARD_SCALE, { durationS: 10, otherLeads: ['II', 'V1'] });
    const marks = qualityMarks(placed, [{ startS: 15, endS: 40, reason: 'beats-disagree' }], 10);
    expect(marks).toHaveLength(2);
    for (const [row, mark] of marks.entries()) {
      expect(mark.kind).toBe('noisy');
      expect(mark.xMm).toBeCloseTo(placed.calibrationZoneMm + secondsToMm(5, STANDARD_SCALE), 6);
      expect(mark.widthMm).toBeCloseTo(secondsToMm(5, STANDARD_SCALE), 6);
      expect(mark.yMm).toBe(row * placed.rowHeightMm);
      expect(mark.heightMm).toBe(placed.rowHeightMm);
    }
  });

  it('3×4 with rhythm strip: a stretch over the second quarter marks that column and the strip', () => {
    const placed = placeLayout('3x4+rhythm', STANDARD_SCALE);
    const marks = qualityMarks(placed, [{ startS: 2.5, endS: 5, reason: 'saturated' }], 0);
    // Three leads in the aVR–aVF column, plus the rhythm strip's stretch of the same seconds.
    expect(marks).toHaveLength(4);
    expect(new Set(marks.map((m) => m.kind))).toEqual(new Set(['unreadable']));
    const column = placed.cells.filter((c) => c.column === 1 && !c.rhythm);
    for (const cell of column)
      expect(marks.some((m) => m.yMm === cell.topMm && Math.abs(m.xMm - cell.xMm) < 1e-9 && Math.abs(m.widthMm - cell.widthMm) < 1e-9)).toBe(true);
    const strip = placed.cells.find((c) => c.rhythm)!;
    const onStrip = marks.find((m) => m.yMm === strip.topMm)!;
    expect(onStrip.xMm).toBeCloseTo(strip.xMm + secondsToMm(2.5, STANDARD_SCALE), 6);
  });

  it.each([
    ['flat', 'unreadable'],
    ['saturated', 'unreadable'],
    ['invalid', 'unreadable'],
    ['beats-disagree', 'noisy'],
    ['calibration', 'unreadable'],
  ] as const)('%s is shown as %s', (reason, kind) => {
    expect(qualityKind(reason)).toBe(kind);
  });
});
