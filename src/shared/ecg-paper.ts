/**
 * ECG paper geometry, the one source for the screen (canvas, in px via a px-per-mm calibration) and the printed
 * report (SVG in mm): paper speed and gain, the 1 mm / 5 mm grid, the calibration pulse, the lead layouts and the
 * conversions between paper millimetres, time, samples and microvolts. Pure: no DOM.
 *
 * Conventions: x grows to the right (time), y grows downwards (as on canvas and in SVG), so a positive voltage
 * is drawn at baseline − height. Standard paper is 25 mm/s and 10 mm/mV (IEC 60601-2-25; AHA 2007 Part I).
 */

import { STANDARD_LEADS } from './ecg';

export const PAPER_SPEEDS_MM_PER_S = [25, 50] as const;
export type PaperSpeed = (typeof PAPER_SPEEDS_MM_PER_S)[number];
export const PAPER_GAINS_MM_PER_MV = [5, 10, 20] as const;
export type PaperGain = (typeof PAPER_GAINS_MM_PER_MV)[number];

export interface PaperScale {
  speedMmPerS: number;
  gainMmPerMv: number;
}

export const STANDARD_SCALE: PaperScale = { speedMmPerS: 25, gainMmPerMv: 10 };

/** One small square: 1 mm = 40 ms and 0.1 mV at standard scale. */
export const SMALL_SQUARE_MM = 1;
/** One large square: 5 mm = 200 ms and 0.5 mV at standard scale. */
export const LARGE_SQUARE_MM = 5;

/** The standardisation pulse every cart prints: 1 mV for 200 ms, so a reader can check gain and speed at a glance. */
export const CALIBRATION_PULSE = { millivolts: 1, durationMs: 200 } as const;

/** A CSS pixel is 1/96 inch (CSS Values 4), so an uncalibrated screen is taken to show 96 / 25.4 px per mm. */
export const DEFAULT_PX_PER_MM = 96 / 25.4;

/** The length of the bar the user measures with a ruler to calibrate the screen. */
export const CALIBRATION_BAR_MM = 100;

// Conversions

export function secondsToMm(seconds: number, scale: PaperScale): number {
  return seconds * scale.speedMmPerS;
}

export function mmToSeconds(mm: number, scale: PaperScale): number {
  return mm / scale.speedMmPerS;
}

export function mmToMs(mm: number, scale: PaperScale): number {
  return (mm * 1000) / scale.speedMmPerS;
}

export function microvoltsToMm(microvolts: number, scale: PaperScale): number {
  return (microvolts / 1000) * scale.gainMmPerMv;
}

export function mmToMicrovolts(mm: number, scale: PaperScale): number {
  return (mm / scale.gainMmPerMv) * 1000;
}

/** Paper length of one sample interval. */
export function mmPerSample(scale: PaperScale, sampleRateHz: number): number {
  return scale.speedMmPerS / sampleRateHz;
}

export function sampleToMm(sampleIndex: number, scale: PaperScale, sampleRateHz: number): number {
  return sampleIndex * mmPerSample(scale, sampleRateHz);
}

/** Fractional sample index at a paper distance; round or floor it as the caller needs. */
export function mmToSample(mm: number, scale: PaperScale, sampleRateHz: number): number {
  return (mm * sampleRateHz) / scale.speedMmPerS;
}

/**
 * Screen calibration: the bar was drawn `drawnPx` CSS px long and the user's ruler read `measuredMm` on it.
 * Returns the true px per mm, or undefined when the reading cannot be right (a ruler reading outside half to
 * twice the nominal length is a typo, not a screen).
 */
export function pxPerMmFromRuler(drawnPx: number, measuredMm: number, nominalMm = CALIBRATION_BAR_MM): number | undefined {
  if (!(drawnPx > 0) || !(measuredMm > 0) || !Number.isFinite(measuredMm)) return undefined;
  if (measuredMm < nominalMm / 2 || measuredMm > nominalMm * 2) return undefined;
  return drawnPx / measuredMm;
}

// Calipers

export interface CaliperReading {
  /** Time between the two points, ms (always ≥ 0). */
  deltaMs: number;
  /** Voltage from the first point to the second, µV (positive when the second is higher on the paper). */
  deltaMicrovolts: number;
  /** Vertical distance in mm, signed like deltaMicrovolts. */
  deltaMm: number;
  /** 60 000 / Δt: the rate if Δt is one RR interval; undefined when Δt is zero. */
  rateBpm?: number;
}

export function caliperReading(from: { xMm: number; yMm: number }, to: { xMm: number; yMm: number }, scale: PaperScale): CaliperReading {
  const deltaMs = Math.abs(mmToMs(to.xMm - from.xMm, scale));
  // y grows downwards on paper: moving up is a positive voltage change.
  const deltaMm = from.yMm - to.yMm;
  const reading: CaliperReading = { deltaMs, deltaMicrovolts: mmToMicrovolts(deltaMm, scale), deltaMm };
  if (deltaMs > 0) reading.rateBpm = 60_000 / deltaMs;
  return reading;
}

// Calibration pulse

export interface PaperPoint {
  xMm: number;
  yMm: number;
}

/**
 * The calibration zone at the start of each row: a whole number of large squares, so the traces begin on a large
 * grid line, with the pulse centred in it.
 */
export function calibrationZoneMm(scale: PaperScale): number {
  const baselineEitherSideMm = 2 * SMALL_SQUARE_MM;
  return Math.ceil((pulseWidthMm(scale) + 2 * baselineEitherSideMm) / LARGE_SQUARE_MM) * LARGE_SQUARE_MM;
}

export function pulseWidthMm(scale: PaperScale): number {
  return secondsToMm(CALIBRATION_PULSE.durationMs / 1000, scale);
}

export function pulseHeightMm(scale: PaperScale): number {
  return CALIBRATION_PULSE.millivolts * scale.gainMmPerMv;
}

/** The pulse as a polyline from the zone's left edge on the baseline (xMm, baselineMm) to its right edge. */
export function calibrationPulsePath(xMm: number, baselineMm: number, scale: PaperScale): PaperPoint[] {
  const zone = calibrationZoneMm(scale);
  const width = pulseWidthMm(scale);
  const height = pulseHeightMm(scale);
  const rise = xMm + (zone - width) / 2;
  return [
    { xMm, yMm: baselineMm },
    { xMm: rise, yMm: baselineMm },
    { xMm: rise, yMm: baselineMm - height },
    { xMm: rise + width, yMm: baselineMm - height },
    { xMm: rise + width, yMm: baselineMm },
    { xMm: xMm + zone, yMm: baselineMm },
  ];
}

// Grid

/** Positions of grid lines from 0 to lengthMm inclusive, every stepMm; integer steps avoid drift over 300 lines. */
export function gridLinePositions(lengthMm: number, stepMm: number): number[] {
  const count = Math.floor(lengthMm / stepMm + 1e-9);
  return Array.from({ length: count + 1 }, (_, i) => i * stepMm);
}

/** True for a line that belongs to the large (5 mm) grid; the small-grid drawer skips these. */
export function isLargeGridLine(positionMm: number): boolean {
  const k = positionMm / LARGE_SQUARE_MM;
  return Math.abs(k - Math.round(k)) < 1e-9;
}

// Layouts

export const ECG_LAYOUTS = ['3x4+rhythm', '6x2', '12x1'] as const;
export type EcgLayout = (typeof ECG_LAYOUTS)[number];

/**
 * Leads per row, in column order. 3×4: the standard columns I–III, aVR–aVF, V1–V3, V4–V6, each a quarter of the
 * recording in time order. 6×2: limb leads left, chest leads right, each half the recording in time order (the
 * columns follow one another in time, like the 3×4's, so the whole 10 s is on the page). 12×1: every lead the
 * whole recording.
 */
const LAYOUT_ROWS: Record<EcgLayout, readonly (readonly string[])[]> = {
  '3x4+rhythm': [
    ['I', 'aVR', 'V1', 'V4'],
    ['II', 'aVL', 'V2', 'V5'],
    ['III', 'aVF', 'V3', 'V6'],
  ],
  '6x2': [
    ['I', 'V1'],
    ['II', 'V2'],
    ['III', 'V3'],
    ['aVR', 'V4'],
    ['aVL', 'V5'],
    ['aVF', 'V6'],
  ],
  '12x1': STANDARD_LEADS.map((lead) => [lead]),
};

/** A trace cell in time: which lead, where in the grid of rows and columns, which seconds of the recording. */
export interface LayoutCell {
  lead: string;
  row: number;
  column: number;
  startS: number;
  durationS: number;
  /** The full-length rhythm strip under a 3×4. */
  rhythm: boolean;
}

export interface LayoutOptions {
  /** Seconds shown across a full row; 10 s is the standard resting ECG. */
  durationS?: number;
  /** Lead of the rhythm strip under a 3×4 (II by default: the P waves are clearest there). */
  rhythmLead?: string;
  /**
   * Lead names of a recording that is not a standard 12-lead (e.g. MIT-BIH MLII + V5): each gets a full-length
   * row, whatever layout was asked for.
   */
  otherLeads?: readonly string[];
}

export function layoutCells(layout: EcgLayout, options: LayoutOptions = {}): LayoutCell[] {
  const durationS = options.durationS ?? 10;
  if (options.otherLeads && options.otherLeads.length > 0) {
    return options.otherLeads.map((lead, row) => ({ lead, row, column: 0, startS: 0, durationS, rhythm: false }));
  }
  const rows = LAYOUT_ROWS[layout];
  const cells: LayoutCell[] = rows.flatMap((leads, row) =>
    leads.map((lead, column) => ({ lead, row, column, startS: (column * durationS) / leads.length, durationS: durationS / leads.length, rhythm: false })),
  );
  if (layout === '3x4+rhythm') cells.push({ lead: options.rhythmLead ?? 'II', row: rows.length, column: 0, startS: 0, durationS, rhythm: true });
  return cells;
}

export function layoutRowCount(cells: readonly LayoutCell[]): number {
  return cells.reduce((max, c) => Math.max(max, c.row + 1), 0);
}

/** Row height in millivolts of signal room: enough for a tall R and a deep S at the chosen gain. */
export function defaultRowHeightMm(layout: EcgLayout, scale: PaperScale): number {
  const millivolts = layout === '12x1' ? 2 : 3;
  return Math.max(LARGE_SQUARE_MM * 2, millivolts * scale.gainMmPerMv);
}

/** A cell placed on the paper, in mm from the paper area's top-left corner. */
export interface PlacedCell extends LayoutCell {
  /** Where the trace (its startS) begins. */
  xMm: number;
  widthMm: number;
  topMm: number;
  heightMm: number;
  baselineMm: number;
}

export interface PlacedLayout {
  scale: PaperScale;
  widthMm: number;
  heightMm: number;
  rowHeightMm: number;
  /** Width of the calibration zone at the left of every row. */
  calibrationZoneMm: number;
  /** Baselines of the rows, top to bottom (a calibration pulse sits on each). */
  rowBaselinesMm: number[];
  cells: PlacedCell[];
}

export interface PlaceOptions extends LayoutOptions {
  rowHeightMm?: number;
}

/**
 * The baseline sits 60 % down the row, rounded to a grid line: ECG deflections are mostly positive (R waves), so
 * they get the larger share of the row.
 */
function baselineOffsetMm(rowHeightMm: number): number {
  const raw = rowHeightMm * 0.6;
  return rowHeightMm >= 2 * LARGE_SQUARE_MM ? Math.round(raw / SMALL_SQUARE_MM) * SMALL_SQUARE_MM : raw;
}

export function placeLayout(layout: EcgLayout, scale: PaperScale, options: PlaceOptions = {}): PlacedLayout {
  const durationS = options.durationS ?? 10;
  const cells = layoutCells(layout, { ...options, durationS });
  const rows = layoutRowCount(cells);
  const rowHeightMm = options.rowHeightMm ?? defaultRowHeightMm(layout, scale);
  const zone = calibrationZoneMm(scale);
  const rowBaselinesMm = Array.from({ length: rows }, (_, row) => row * rowHeightMm + baselineOffsetMm(rowHeightMm));
  return {
    scale,
    widthMm: zone + secondsToMm(durationS, scale),
    heightMm: rows * rowHeightMm,
    rowHeightMm,
    calibrationZoneMm: zone,
    rowBaselinesMm,
    cells: cells.map((cell) => ({
      ...cell,
      xMm: zone + secondsToMm(cell.startS, scale),
      widthMm: secondsToMm(cell.durationS, scale),
      topMm: cell.row * rowHeightMm,
      heightMm: rowHeightMm,
      baselineMm: rowBaselinesMm[cell.row],
    })),
  };
}

/** Samples [from, to) of the recording a cell shows, clipped to the recording. */
export function cellSampleRange(cell: Pick<LayoutCell, 'startS' | 'durationS'>, sampleRateHz: number, sampleCount: number): { from: number; to: number } {
  const from = Math.min(sampleCount, Math.max(0, Math.round(cell.startS * sampleRateHz)));
  const to = Math.min(sampleCount, Math.max(from, Math.round((cell.startS + cell.durationS) * sampleRateHz)));
  return { from, to };
}

/** Paper position of sample `index` (of the whole recording) at `microvolts` within a placed cell. */
export function cellPoint(cell: PlacedCell, index: number, microvolts: number, scale: PaperScale, sampleRateHz: number): PaperPoint {
  return {
    xMm: cell.xMm + sampleToMm(index - cell.startS * sampleRateHz, scale, sampleRateHz),
    yMm: cell.baselineMm - microvoltsToMm(microvolts, scale),
  };
}

/** The cell under a paper point, if any (calipers and hover). */
export function cellAt(placed: PlacedLayout, point: PaperPoint): PlacedCell | undefined {
  return placed.cells.find((c) => point.xMm >= c.xMm && point.xMm < c.xMm + c.widthMm && point.yMm >= c.topMm && point.yMm < c.topMm + c.heightMm);
}
