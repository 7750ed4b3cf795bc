// Tests src/shared/ecg-stream.ts (the stream model the devices produce); kept beside the device tests it serves.
import { describe, expect, it } from 'vitest';
import {
  blockDurationMs,
  blockEndIndex,
  blockLatencyMs,
  blockLength,
  type EcgSampleBlock,
  initialStreamStatus,
  isGapBlock,
  percentile,
} from '../../../../src/shared/ecg-stream';

function block(overrides: Partial<EcgSampleBlock> = {}): EcgSampleBlock {
  return {
    deviceId: 'demo',
    seq: 0,
    sampleRateHz: 500,
    leadNames: ['I', 'II'],
    firstSampleIndex: 1000,
    samples: [new Float32Array(20), new Float32Array(20)],
    receivedAt: 1_700_000_000_050,
    ...overrides,
  };
}

describe('ecg-stream helpers', () => {
  it('measure a block in samples and time', () => {
    expect(blockLength(block())).toBe(20);
    expect(blockEndIndex(block())).toBe(1020);
    expect(blockDurationMs(block())).toBe(40);
    expect(blockLength(block({ samples: [] }))).toBe(0);
  });

  it('measure latency from the last sample acquired, only with a device clock', () => {
    // First sample at t, last at t + 38 ms (19 periods of 2 ms); received 50 ms after t.
    expect(blockLatencyMs(block({ deviceTimeMs: 1_700_000_000_000 }))).toBe(12);
    expect(blockLatencyMs(block())).toBeUndefined();
  });

  it('recognise a gap filler', () => {
    expect(isGapBlock(block({ samples: [new Float32Array(3).fill(NaN), new Float32Array(3).fill(NaN)] }))).toBe(true);
    expect(isGapBlock(block({ samples: [Float32Array.of(NaN, 0), Float32Array.of(NaN, NaN)] }))).toBe(false);
  });

  it('take percentiles by nearest rank', () => {
    const values = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(values, 50)).toBe(5);
    expect(percentile(values, 95)).toBe(10);
    expect(percentile(values, 0)).toBe(1);
    expect(percentile(values, 100)).toBe(10);
    expect(percentile([], 50)).toBeUndefined();
    expect(values).toEqual([5, 1, 4, 2, 3, 10, 9, 8, 7, 6]);
  });

  it('start a status with zero counters', () => {
    expect(initialStreamStatus()).toEqual({ state: 'connecting', lostSamples: 0, corruptFrames: 0, reconnects: 0 });
  });
});
