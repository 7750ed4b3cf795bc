/**
 * Live ECG stream model shared by main (device drivers) and renderer (live display). Pure: no Node, no DOM.
 *
 * A driver delivers a stream as consecutive sample blocks. Time is carried by `firstSampleIndex`, never by arrival:
 * when samples are lost on the wire the driver emits a block of NaN in their place, so sample i of the stream is
 * always at i / sampleRateHz seconds after the stream started and the trace on screen keeps its true time scale.
 */

export interface EcgSampleBlock {
  /** The driver that produced the block (EcgDeviceDriver.id). */
  deviceId: string;
  /** Block counter of this stream, from 0, +1 per block; a jump means a block was dropped between main and renderer. */
  seq: number;
  sampleRateHz: number;
  /** One name per entry of `samples`, standard names (I, II, … V6) where the device identifies the lead. */
  leadNames: string[];
  /** Index of the block's first sample since the stream started (0-based, per lead). */
  firstSampleIndex: number;
  /** Per lead, in microvolts; all the same length. NaN marks a sample that was lost or declared invalid. */
  samples: Float32Array[];
  /** Host wall-clock time (ms since the Unix epoch) at which the block was complete in main. */
  receivedAt: number;
  /**
   * Device clock time (ms since the Unix epoch) of the block's first sample, present only when the device's clock
   * is set to UTC; lets the receiver measure end-to-end latency. Absent for gap blocks.
   */
  deviceTimeMs?: number;
}

export const ECG_STREAM_STATES = ['connecting', 'streaming', 'stalled', 'disconnected', 'error'] as const;
export type EcgStreamState = (typeof ECG_STREAM_STATES)[number];

export interface EcgStreamStatus {
  state: EcgStreamState;
  /** Samples per lead that never arrived (sequence gaps), counted since the driver started. */
  lostSamples: number;
  /** Frames that arrived with an intact header but a failed checksum, dropped. */
  corruptFrames: number;
  /** Successful re-opens after a disconnect. */
  reconnects: number;
  /** Recent end-to-end latency (median of the last blocks), when the device clock is UTC. */
  latencyMs?: number;
  /** Human-readable detail for logs (the UI shows a translated text per state). */
  message?: string;
}

export function initialStreamStatus(state: EcgStreamState = 'connecting'): EcgStreamStatus {
  return { state, lostSamples: 0, corruptFrames: 0, reconnects: 0 };
}

/** Samples per lead in a block. */
export function blockLength(block: EcgSampleBlock): number {
  return block.samples[0]?.length ?? 0;
}

/** Index one past the block's last sample: the `firstSampleIndex` the next block must have for time to be contiguous. */
export function blockEndIndex(block: EcgSampleBlock): number {
  return block.firstSampleIndex + blockLength(block);
}

export function blockDurationMs(block: EcgSampleBlock): number {
  return (blockLength(block) * 1000) / block.sampleRateHz;
}

/**
 * Time from the acquisition of the block's last sample to its arrival in main, in ms; undefined without a UTC
 * device clock. A sample cannot be sent before it is acquired, so this is the latency a clinician perceives.
 */
export function blockLatencyMs(block: EcgSampleBlock): number | undefined {
  if (block.deviceTimeMs === undefined) return undefined;
  const lastSampleTimeMs = block.deviceTimeMs + ((blockLength(block) - 1) * 1000) / block.sampleRateHz;
  return block.receivedAt - lastSampleTimeMs;
}

/** True when the block holds only lost/invalid samples (a gap filler). */
export function isGapBlock(block: EcgSampleBlock): boolean {
  return block.samples.every((lead) => lead.every((value) => Number.isNaN(value)));
}

/** p-th percentile (0–100) by nearest rank; undefined for an empty list. For latency figures. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}
