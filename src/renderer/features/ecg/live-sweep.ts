/**
 * The live view's memory: per lead, a ring of the last window of filtered samples, written at the position its
 * time falls on (sample index mod window), the way a monitor's sweep writes over the oldest trace. Time comes from
 * the block's firstSampleIndex, never from arrival, so a gap (samples lost on the wire, or events dropped between
 * main and this page) leaves a blank of the right width instead of squeezing the trace.
 */

import { createStreamingFilter, designEcgFilter, type EcgFilterSettings, type StreamingFilter } from '../../../shared/ecg-filters';
import type { PlacedLayout } from '../../../shared/ecg-paper';
import type { EventPayload } from '../../../shared/api/events';
import { cellMapping, PAPER_COLOURS, traceLineWidth, VertexScratch, type CanvasScale } from './ecg-canvas';

export type LiveBlock = Pick<EventPayload<'ecgBlock'>, 'sampleRateHz' | 'leadNames' | 'firstSampleIndex' | 'samples'>;

/** Numbers (null for a lost sample) as the Float32Array the filters and the drawing take, NaN for null. */
export function toFloat32(values: ArrayLike<number | null>): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i] ?? NaN;
  return out;
}

const NO_SAMPLES = new Float32Array(0);

export class SweepBuffer {
  readonly leadNames: readonly string[];
  readonly sampleRateHz: number;
  readonly windowSamples: number;
  private readonly rings: Float32Array[];
  private filters: StreamingFilter[] = [];
  /** Stream index one past the newest sample held (the next block's expected firstSampleIndex). */
  private next = 0;
  private started = false;
  /** Samples this page never received although the stream had them (sequence gaps after main). */
  missedSamples = 0;
  /** Samples received and drawn since the buffer started (not counting gaps). */
  receivedSamples = 0;

  constructor(leadNames: readonly string[], sampleRateHz: number, windowSamples: number, filter: EcgFilterSettings) {
    this.leadNames = [...leadNames];
    this.sampleRateHz = sampleRateHz;
    this.windowSamples = Math.max(1, Math.round(windowSamples));
    this.rings = leadNames.map(() => new Float32Array(this.windowSamples).fill(NaN));
    this.setFilter(filter);
  }

  /** Same stream shape: otherwise the caller builds a new buffer. */
  accepts(block: LiveBlock): boolean {
    return block.sampleRateHz === this.sampleRateHz && block.leadNames.join('|') === this.leadNames.join('|');
  }

  /** A new filter setting applies from the next sample on; the state starts afresh (no blend of two designs). */
  setFilter(filter: EcgFilterSettings): void {
    const chain = designEcgFilter(filter, this.sampleRateHz, 'causal');
    this.filters = this.leadNames.map(() => createStreamingFilter(chain));
  }

  /** Where the sweep writes next: ring position of the newest sample + 1. */
  get sweepPosition(): number {
    return this.next % this.windowSamples;
  }

  get streamIndex(): number {
    return this.next;
  }

  ring(lead: number): Float32Array {
    return this.rings[lead];
  }

  push(block: LiveBlock): void {
    const length = block.samples[0]?.length ?? 0;
    if (length === 0) return;
    if (this.started && block.firstSampleIndex + length <= this.next) {
      // Far behind what is drawn: the device restarted its count; otherwise a repeat of samples already drawn.
      if (this.next - block.firstSampleIndex <= this.windowSamples) return;
      this.restart();
    }
    if (this.started && block.firstSampleIndex > this.next) this.writeGap(block.firstSampleIndex - this.next);
    const skip = this.started ? Math.max(0, this.next - block.firstSampleIndex) : 0;
    if (!this.started) this.next = block.firstSampleIndex;
    this.started = true;
    this.leadNames.forEach((_, lead) => {
      const filtered = this.filters[lead].process((block.samples[lead] ?? NO_SAMPLES).subarray(skip));
      this.write(lead, filtered, this.next);
    });
    this.next += length - skip;
    this.receivedSamples += length - skip;
  }

  private restart(): void {
    for (const ring of this.rings) ring.fill(NaN);
    for (const filter of this.filters) filter.reset();
    this.started = false;
  }

  private writeGap(samples: number): void {
    this.missedSamples += samples;
    const blank = new Float32Array(Math.min(samples, this.windowSamples)).fill(NaN);
    // Only the last window's worth can still be on screen.
    const at = this.next + samples - blank.length;
    this.leadNames.forEach((_, lead) => this.write(lead, blank, at));
    this.next += samples;
  }

  private write(lead: number, values: Float32Array, streamIndex: number): void {
    const ring = this.rings[lead];
    for (let i = 0; i < values.length; i++) ring[(streamIndex + i) % this.windowSamples] = values[i];
  }
}

/**
 * The traces of a sweep: each cell of the live layout shows its lead's ring from x = cell start, with the part
 * just ahead of the write position left blank (the erase bar) so old and new trace never touch.
 */
export function drawSweep(
  ctx: CanvasRenderingContext2D,
  placed: PlacedLayout,
  buffer: SweepBuffer,
  scale: CanvasScale,
  eraseSamples: number,
  scratch = new VertexScratch(),
): void {
  const width = buffer.windowSamples;
  const position = buffer.sweepPosition;
  const resumeAt = Math.min(width, position + eraseSamples);
  ctx.lineWidth = traceLineWidth(scale);
  ctx.lineJoin = 'round';
  ctx.strokeStyle = PAPER_COLOURS.trace;
  for (const cell of placed.cells) {
    const lead = buffer.leadNames.indexOf(cell.lead);
    if (lead < 0) continue;
    const ring = buffer.ring(lead);
    const mapping = cellMapping(cell, placed.scale, buffer.sampleRateHz, cell.startS * buffer.sampleRateHz, scale);
    ctx.beginPath();
    scratch.append(ctx, ring, 0, position, mapping);
    if (resumeAt < width) {
      const x0 = mapping.x0;
      mapping.x0 = x0 + resumeAt * mapping.dx;
      scratch.append(ctx, ring, resumeAt, width, mapping);
    }
    ctx.stroke();
  }
}
