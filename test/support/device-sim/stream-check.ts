/**
 * Checks a driver's blocks against what the device simulator sent: every sample at its true index either equals
 * the simulator's value or is NaN (lost), indices are contiguous, and latency is collected for the report.
 */
import { blockLatencyMs, type EcgSampleBlock } from '../../../src/shared/ecg-stream';
import type { SimSignal } from './sim-plan';

export interface StreamCheckResult {
  blocks: number;
  /** Samples per lead received, lost ones (NaN) included. */
  samples: number;
  /** Samples per lead that were NaN (gap fill). */
  nanSamples: number;
  /** Samples that differ from what the simulator sent at that index (must be 0). */
  mismatches: number;
  /** The first few mismatches, for the failure message. */
  mismatchExamples: { index: number; lead: number; received: number; expected: number }[];
  /** Blocks whose firstSampleIndex did not continue the previous block (must be 0 while gaps are filled). */
  discontinuities: number;
  /** First stream indices of the NaN runs, with their lengths. */
  nanRuns: { from: number; length: number }[];
  latenciesMs: number[];
}

export class StreamCheck {
  readonly result: StreamCheckResult = {
    blocks: 0,
    samples: 0,
    nanSamples: 0,
    mismatches: 0,
    mismatchExamples: [],
    discontinuities: 0,
    nanRuns: [],
    latenciesMs: [],
  };
  private nextIndex = 0;

  constructor(
    private readonly signal: SimSignal,
    private readonly microvoltsPerLsb: number,
  ) {}

  readonly onBlock = (block: EcgSampleBlock): void => {
    const r = this.result;
    r.blocks++;
    if (block.firstSampleIndex !== this.nextIndex) r.discontinuities++;
    this.nextIndex = block.firstSampleIndex + block.samples[0].length;
    const lsb = Math.fround(this.microvoltsPerLsb);
    for (let s = 0; s < block.samples[0].length; s++) {
      const index = block.firstSampleIndex + s;
      const lost = Number.isNaN(block.samples[0][s]);
      if (lost) {
        r.nanSamples++;
        const last = r.nanRuns[r.nanRuns.length - 1];
        if (last && last.from + last.length === index) last.length++;
        else r.nanRuns.push({ from: index, length: 1 });
      }
      for (let lead = 0; lead < block.samples.length; lead++) {
        const source = this.signal.counts[lead];
        const expected = lost ? NaN : Math.fround(source[index % source.length] * lsb);
        const received = block.samples[lead][s];
        if (received === expected || (Number.isNaN(received) && Number.isNaN(expected))) continue;
        r.mismatches++;
        if (r.mismatchExamples.length < 5) r.mismatchExamples.push({ index, lead, received, expected });
      }
    }
    r.samples += block.samples[0].length;
    const latency = blockLatencyMs(block);
    if (latency !== undefined) r.latenciesMs.push(latency);
  };
}
