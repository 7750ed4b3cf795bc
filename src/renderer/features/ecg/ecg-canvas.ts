/**
 * Canvas drawing of ECG paper at true size. Geometry comes from src/shared/ecg-paper.ts (mm); this module only
 * turns mm into device pixels: px = mm × pxPerMm (CSS px, from the screen calibration) × devicePixelRatio.
 *
 * Speed: one path per trace, vertices written into a buffer kept between frames (VertexScratch), the paper on its
 * own layer drawn once (drawPaperLayer) under the trace layer (TraceLayer). A trace is drawn sample by sample while a sample interval
 * is at least one device pixel wide; only when more than one sample falls on a device pixel column are the samples
 * of each column reduced to their minimum and maximum in time order, which keeps every peak (a QRS is never
 * thinned away) and bounds the work by the canvas width, not by the sample rate.
 */

import type { EcgLead } from '../../../shared/ecg';
import {
  calibrationPulsePath,
  gridLinePositions,
  isLargeGridLine,
  microvoltsToMm,
  mmPerSample,
  type PaperScale,
  type PlacedCell,
  type PlacedLayout,
  SMALL_SQUARE_MM,
  LARGE_SQUARE_MM,
} from '../../../shared/ecg-paper';

/** Pink paper of a thermal cart: light small squares, stronger large squares, black trace. */
export const PAPER_COLOURS = {
  background: '#fffafa',
  smallGrid: '#f3c4c4',
  largeGrid: '#e08a8a',
  trace: '#111111',
  calibration: '#111111',
  label: '#1c2430',
  separator: '#111111',
} as const;

export interface CanvasScale {
  /** CSS px per mm on this screen (the user's ruler calibration). */
  pxPerMm: number;
  /** Device px per CSS px (window.devicePixelRatio). */
  devicePixelRatio: number;
}

export function devicePxPerMm(scale: CanvasScale): number {
  return scale.pxPerMm * scale.devicePixelRatio;
}

/** Thermal carts print a trace about 0.25 mm wide (our SVG report too). */
export const TRACE_WIDTH_MM = 0.25;

/**
 * The trace's line width in device px: 0.25 mm, never thinner than one pixel. On a 96 dpi screen that is exactly
 * one pixel, which Skia strokes on its hairline path; any wider line of a dense trace costs several times more
 * to rasterise (measured by bench/ecg-render.ts), so nothing wider than the paper's trace is drawn.
 */
export function traceLineWidth(scale: CanvasScale): number {
  return Math.max(1, Math.round(TRACE_WIDTH_MM * devicePxPerMm(scale)));
}

/** Backing-store size of a canvas that shows `widthMm` × `heightMm` of paper, and its CSS size. */
export function canvasSize(widthMm: number, heightMm: number, scale: CanvasScale): { cssWidth: number; cssHeight: number; width: number; height: number } {
  const cssWidth = widthMm * scale.pxPerMm;
  const cssHeight = heightMm * scale.pxPerMm;
  return { cssWidth, cssHeight, width: Math.ceil(cssWidth * scale.devicePixelRatio), height: Math.ceil(cssHeight * scale.devicePixelRatio) };
}

/** What a trace is drawn from: the layout's leads by name. */
export interface DisplayRecording {
  sampleRateHz: number;
  leads: readonly Pick<EcgLead, 'name' | 'microvolts'>[];
}

/**
 * Where a run of samples lands in device pixels: sample `from` at (x0, baseline) and `dx` px per sample; `dy` px
 * per µV upwards.
 */
export interface TraceMapping {
  x0: number;
  dx: number;
  baseline: number;
  dy: number;
}

/**
 * Vertices of a trace as a flat [x0, y0, x1, y1, …] list; a NaN pair ends a stroke (a lost sample breaks the
 * line instead of drawing a false straight segment across the gap). Allocates its answer: for tests and one-off
 * drawing; frames use writeTraceVertices into a buffer they keep.
 */
export function traceVertices(samples: ArrayLike<number>, from: number, to: number, map: TraceMapping): Float32Array {
  const count = Math.max(0, to - from);
  if (count === 0) return new Float32Array(0);
  const out = new Float32Array(traceVertexCapacity(from, to, map));
  return out.slice(0, writeTraceVertices(out, samples, from, to, map));
}

/** Floats writeTraceVertices may write for this run of samples. */
export function traceVertexCapacity(from: number, to: number, map: TraceMapping): number {
  const count = Math.max(0, to - from);
  return map.dx >= 1 ? count * 2 : (Math.ceil(count * map.dx) + 1) * 6;
}

/**
 * Writes the vertices of samples [from, to) into `out` (at least traceVertexCapacity floats) and returns how many
 * floats it wrote. Every sample while a sample is at least one device pixel wide; otherwise each device-pixel
 * column's min and max in time order, so no peak is thinned away and the work is bounded by the width.
 */
export function writeTraceVertices(out: Float32Array, samples: ArrayLike<number>, from: number, to: number, map: TraceMapping): number {
  if (to <= from) return 0;
  return map.dx >= 1 ? everySample(out, samples, from, to, map) : columnExtremes(out, samples, from, to, map);
}

function everySample(out: Float32Array, samples: ArrayLike<number>, from: number, to: number, map: TraceMapping): number {
  let k = 0;
  for (let i = from; i < to; i++, k += 2) {
    const v = samples[i];
    out[k] = Number.isNaN(v) ? NaN : map.x0 + (i - from) * map.dx;
    out[k + 1] = Number.isNaN(v) ? NaN : map.baseline - v * map.dy;
  }
  return k;
}

/** Appends (x, y) unless it repeats the vertex just written (a zero-length segment the stroker would still join). */
function pushVertex(out: Float32Array, k: number, x: number, y: number): number {
  if (k >= 2 && out[k - 2] === x && out[k - 1] === y) return k;
  out[k] = x;
  out[k + 1] = y;
  return k + 2;
}

function breakStroke(out: Float32Array, k: number): number {
  if (k >= 2 && Number.isNaN(out[k - 2])) return k;
  out[k] = NaN;
  out[k + 1] = NaN;
  return k + 2;
}

/** Per device-pixel column: min and max in time order (at most two vertices), NaN where a gap falls. */
function columnExtremes(out: Float32Array, samples: ArrayLike<number>, from: number, to: number, map: TraceMapping): number {
  const { baseline, dy, dx } = map;
  let k = 0;
  let i = from;
  while (i < to) {
    const column = Math.floor((i - from) * dx);
    const x = map.x0 + column;
    let seen = false;
    let min = Infinity;
    let max = -Infinity;
    let minAt = -1;
    let maxAt = -1;
    let gap = false;
    for (; i < to && Math.floor((i - from) * dx) === column; i++) {
      const v = samples[i];
      if (Number.isNaN(v)) {
        gap = true;
        continue;
      }
      seen = true;
      if (v < min) {
        min = v;
        minAt = i;
      }
      if (v > max) {
        max = v;
        maxAt = i;
      }
    }
    if (!seen) {
      k = breakStroke(out, k);
      continue;
    }
    // The column's span in time order; the segment from the previous column lands on its first extreme, which
    // within one device pixel is indistinguishable from its first sample.
    if (minAt <= maxAt) {
      k = pushVertex(out, k, x, baseline - min * dy);
      k = pushVertex(out, k, x, baseline - max * dy);
    } else {
      k = pushVertex(out, k, x, baseline - max * dy);
      k = pushVertex(out, k, x, baseline - min * dy);
    }
    if (gap) k = breakStroke(out, k);
  }
  return k;
}

/** Adds a vertex list to a path (Path2D or a context), starting a new stroke after each NaN pair. */
export function appendVertices(path: Pick<Path2D, 'moveTo' | 'lineTo'>, vertices: Float32Array, count = vertices.length): void {
  let penDown = false;
  for (let k = 0; k < count; k += 2) {
    const x = vertices[k];
    if (Number.isNaN(x)) {
      penDown = false;
      continue;
    }
    if (penDown) path.lineTo(x, vertices[k + 1]);
    else path.moveTo(x, vertices[k + 1]);
    penDown = true;
  }
}

/** The device-pixel mapping of a placed cell's samples, with `from` the first sample of the cell. */
export function cellMapping(
  cell: PlacedCell,
  paper: PaperScale,
  sampleRateHz: number,
  from: number,
  scale: CanvasScale,
  origin = { xMm: 0, yMm: 0 },
): TraceMapping {
  const pxPerMm = devicePxPerMm(scale);
  const startMm = cell.xMm + (from / sampleRateHz - cell.startS) * paper.speedMmPerS;
  return {
    x0: (origin.xMm + startMm) * pxPerMm,
    dx: mmPerSample(paper, sampleRateHz) * pxPerMm,
    baseline: (origin.yMm + cell.baselineMm) * pxPerMm,
    dy: microvoltsToMm(1, paper) * pxPerMm,
  };
}

/** A line position snapped to the centre of a device pixel, so a 1 px line is one crisp pixel wide. */
function crisp(px: number): number {
  return Math.round(px) + 0.5;
}

export function drawGrid(ctx: CanvasRenderingContext2D, widthMm: number, heightMm: number, scale: CanvasScale): void {
  const pxPerMm = devicePxPerMm(scale);
  const width = widthMm * pxPerMm;
  const height = heightMm * pxPerMm;
  ctx.fillStyle = PAPER_COLOURS.background;
  ctx.fillRect(0, 0, width, height);
  const small = new Path2D();
  const large = new Path2D();
  for (const x of gridLinePositions(widthMm, SMALL_SQUARE_MM)) {
    const target = isLargeGridLine(x) ? large : small;
    target.moveTo(crisp(x * pxPerMm), 0);
    target.lineTo(crisp(x * pxPerMm), height);
  }
  for (const y of gridLinePositions(heightMm, SMALL_SQUARE_MM)) {
    const target = isLargeGridLine(y) ? large : small;
    target.moveTo(0, crisp(y * pxPerMm));
    target.lineTo(width, crisp(y * pxPerMm));
  }
  // Small squares only where they are at least 2 device px apart; below that they turn the paper into a blur.
  ctx.lineWidth = 1;
  if (pxPerMm >= 2) {
    ctx.strokeStyle = PAPER_COLOURS.smallGrid;
    ctx.stroke(small);
  }
  ctx.strokeStyle = PAPER_COLOURS.largeGrid;
  ctx.lineWidth = Math.max(1, Math.round(scale.devicePixelRatio));
  ctx.stroke(large);
}

/** Calibration pulses at the start of each row, lead labels and the short ticks that mark a change of column. */
export function drawFurniture(ctx: CanvasRenderingContext2D, placed: PlacedLayout, scale: CanvasScale): void {
  const pxPerMm = devicePxPerMm(scale);
  const traceWidth = traceLineWidth(scale);
  const pulses = new Path2D();
  for (const baseline of placed.rowBaselinesMm) {
    const points = calibrationPulsePath(0, baseline, placed.scale);
    points.forEach((p, i) => (i === 0 ? pulses.moveTo(p.xMm * pxPerMm, p.yMm * pxPerMm) : pulses.lineTo(p.xMm * pxPerMm, p.yMm * pxPerMm)));
  }
  const ticks = new Path2D();
  for (const cell of placed.cells) {
    if (cell.column === 0) continue;
    const x = crisp(cell.xMm * pxPerMm);
    ticks.moveTo(x, (cell.baselineMm - LARGE_SQUARE_MM / 2) * pxPerMm);
    ticks.lineTo(x, (cell.baselineMm + LARGE_SQUARE_MM / 2) * pxPerMm);
  }
  ctx.lineWidth = traceWidth;
  ctx.lineJoin = 'round';
  ctx.strokeStyle = PAPER_COLOURS.calibration;
  ctx.stroke(pulses);
  ctx.strokeStyle = PAPER_COLOURS.separator;
  ctx.stroke(ticks);
  ctx.fillStyle = PAPER_COLOURS.label;
  ctx.font = `${Math.round(3.2 * pxPerMm)}px sans-serif`;
  ctx.textBaseline = 'top';
  for (const cell of placed.cells) ctx.fillText(cell.lead, (cell.xMm + 1) * pxPerMm, (cell.topMm + 1) * pxPerMm);
}

/** A vertex buffer kept between frames, grown only when a wider layout needs more: frames allocate nothing. */
export class VertexScratch {
  private buffer = new Float32Array(0);

  /** Writes the vertices of samples [from, to) and adds them to the context's current path. */
  append(ctx: Pick<Path2D, 'moveTo' | 'lineTo'>, samples: ArrayLike<number>, from: number, to: number, map: TraceMapping): void {
    const needed = traceVertexCapacity(from, to, map);
    if (this.buffer.length < needed) this.buffer = new Float32Array(needed);
    appendVertices(ctx, this.buffer, writeTraceVertices(this.buffer, samples, from, to, map));
  }
}

/**
 * Draws the traces of a layout on their own (transparent) layer above the paper layer; what a frame redraws when
 * the page, filter or gain changes. One path per lead (the context's own path: no Path2D per frame) and one
 * vertex buffer kept between frames, grown only when a wider layout needs more.
 */
export class TraceLayer {
  private readonly scratch = new VertexScratch();

  /** `clear`: false when the traces share a canvas with the paper (one-off images). */
  draw(ctx: CanvasRenderingContext2D, placed: PlacedLayout, recording: DisplayRecording, scale: CanvasScale, startSample = 0, clear = true): void {
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    if (clear) ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
    ctx.lineWidth = traceLineWidth(scale);
    ctx.lineJoin = 'round';
    ctx.strokeStyle = PAPER_COLOURS.trace;
    const total = recording.leads[0]?.microvolts.length ?? 0;
    const fs = recording.sampleRateHz;
    const offsetS = startSample / fs;
    const pxPerMm = devicePxPerMm(scale);
    const dx = mmPerSample(placed.scale, fs) * pxPerMm;
    const dy = microvoltsToMm(1, placed.scale) * pxPerMm;
    for (const cell of placed.cells) {
      const samples = leadSamples(recording, cell.lead);
      if (!samples) continue;
      // Paging moves every cell's time window, not its place on the paper.
      const startS = cell.startS + offsetS;
      const from = Math.min(total, Math.max(0, Math.round(startS * fs)));
      const to = Math.min(total, Math.max(from, Math.round((startS + cell.durationS) * fs)));
      const map = { x0: (cell.xMm + (from / fs - startS) * placed.scale.speedMmPerS) * pxPerMm, dx, baseline: cell.baselineMm * pxPerMm, dy };
      ctx.beginPath();
      this.scratch.append(ctx, samples, from, to, map);
      ctx.stroke();
    }
  }
}

function leadSamples(recording: DisplayRecording, name: string): Float32Array | undefined {
  for (const lead of recording.leads) if (lead.name === name) return lead.microvolts;
  return undefined;
}

/** The paper layer: grid, calibration pulses and labels. Drawn once per layout and scale, under the trace layer. */
export function drawPaperLayer(ctx: CanvasRenderingContext2D, placed: PlacedLayout, scale: CanvasScale): void {
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  drawGrid(ctx, placed.widthMm, placed.heightMm, scale);
  drawFurniture(ctx, placed, scale);
}

/** A full static ECG on one canvas (paper and traces together): for one-off images, not for frames. */
export function drawEcgPaper(ctx: CanvasRenderingContext2D, placed: PlacedLayout, recording: DisplayRecording, scale: CanvasScale, startSample = 0): void {
  drawPaperLayer(ctx, placed, scale);
  new TraceLayer().draw(ctx, placed, recording, scale, startSample, false);
}
