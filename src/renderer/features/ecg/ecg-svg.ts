/**
 * SVG path data for printed ECG paper, in millimetres (the report's viewBox is the A4 sheet in mm, so a user unit
 * is one true millimetre on paper). Coordinates are written to 0.01 mm: finer than any printer's dot (600 dpi is
 * 0.042 mm), and a 12-lead page stays a few hundred kB.
 */

import {
  calibrationPulsePath,
  cellSampleRange,
  cellPoint,
  gridLinePositions,
  isLargeGridLine,
  type PaperPoint,
  type PaperScale,
  type PlacedCell,
} from '../../../shared/ecg-paper';

export function mm(value: number): string {
  const fixed = value.toFixed(2);
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') || '0' : fixed;
}

export function polylineData(points: readonly PaperPoint[]): string {
  return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${mm(p.xMm)} ${mm(p.yMm)}`).join('');
}

/**
 * Grid lines over a rectangle whose top-left corner is (x0, y0), one path per kind: `small` are the 1 mm lines that
 * are not also 5 mm lines, `large` the 5 mm lines.
 */
export function gridPathData(x0: number, y0: number, widthMm: number, heightMm: number): { small: string; large: string } {
  const small: string[] = [];
  const large: string[] = [];
  for (const x of gridLinePositions(widthMm, 1)) (isLargeGridLine(x) ? large : small).push(`M${mm(x0 + x)} ${mm(y0)}V${mm(y0 + heightMm)}`);
  for (const y of gridLinePositions(heightMm, 1)) (isLargeGridLine(y) ? large : small).push(`M${mm(x0)} ${mm(y0 + y)}H${mm(x0 + widthMm)}`);
  return { small: small.join(''), large: large.join('') };
}

/** The trace of one cell; a lost sample (NaN) lifts the pen. */
export function tracePathData(samples: Float32Array, cell: PlacedCell, scale: PaperScale, sampleRateHz: number, origin: PaperPoint): string {
  const { from, to } = cellSampleRange(cell, sampleRateHz, samples.length);
  const parts: string[] = [];
  let penDown = false;
  for (let i = from; i < to; i++) {
    const v = samples[i];
    if (Number.isNaN(v)) {
      penDown = false;
      continue;
    }
    const p = cellPoint(cell, i, v, scale, sampleRateHz);
    parts.push(`${penDown ? 'L' : 'M'}${mm(origin.xMm + p.xMm)} ${mm(origin.yMm + p.yMm)}`);
    penDown = true;
  }
  return parts.join('');
}

export function pulsePathData(origin: PaperPoint, baselineMm: number, scale: PaperScale): string {
  return polylineData(calibrationPulsePath(origin.xMm, origin.yMm + baselineMm, scale));
}
