import type { EcgQualityStretch } from '../../../shared/ecg';
import { secondsToMm, type PlacedLayout } from '../../../shared/ecg-paper';

/**
 * Where the signal-quality stretches fall on the paper: one rectangle per cell and stretch overlap, in mm. A cell
 * shows [pageStartS + cell.startS, … + cell.durationS) of the recording, so in the 3×4 layout one stretch can mark
 * a column of short cells and the rhythm strip below them.
 */
export interface QualityMark {
  kind: 'unreadable' | 'noisy';
  xMm: number;
  yMm: number;
  widthMm: number;
  heightMm: number;
}

/** Flat line, rail and invalid samples leave nothing to read; disagreeing detectors mean noise, beats still counted. */
export function qualityKind(reason: EcgQualityStretch['reason']): QualityMark['kind'] {
  return reason === 'beats-disagree' ? 'noisy' : 'unreadable';
}

export function qualityMarks(placed: PlacedLayout, stretches: readonly EcgQualityStretch[] | undefined, pageStartS: number): QualityMark[] {
  if (!stretches?.length) return [];
  const marks: QualityMark[] = [];
  for (const cell of placed.cells) {
    const from = pageStartS + cell.startS;
    const to = from + cell.durationS;
    for (const s of stretches) {
      const start = Math.max(from, s.startS);
      const end = Math.min(to, s.endS);
      if (!(end > start)) continue;
      marks.push({
        kind: qualityKind(s.reason),
        xMm: cell.xMm + secondsToMm(start - from, placed.scale),
        yMm: cell.topMm,
        widthMm: secondsToMm(end - start, placed.scale),
        heightMm: cell.heightMm,
      });
    }
  }
  return marks;
}
