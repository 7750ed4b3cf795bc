import { describe, expect, it } from 'vitest';
import { filterCausal, designEcgFilter } from '../../../src/shared/ecg-filters';
import { SweepBuffer, toFloat32, type LiveBlock } from '../../../src/renderer/features/ecg/live-sweep';
import { QUIET_MS, shownDeviceState } from '../../../src/renderer/features/ecg/device-state';

const LEADS = ['I', 'II'];
const block = (firstSampleIndex: number, values: (number | null)[][]): LiveBlock => ({
  sampleRateHz: 500,
  leadNames: LEADS,
  firstSampleIndex,
  samples: values.map(toFloat32),
});
const ramp = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);
const NO_FILTER = {};

describe('live sweep buffer', () => {
  it('writes each sample at its stream index modulo the window', () => {
    const b = new SweepBuffer(LEADS, 500, 10, NO_FILTER);
    b.push(block(0, [ramp(0, 6), ramp(100, 6)]));
    b.push(block(6, [ramp(6, 6), ramp(106, 6)]));
    expect(b.streamIndex).toBe(12);
    expect(b.sweepPosition).toBe(2);
    expect(Array.from(b.ring(0))).toEqual([10, 11, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Array.from(b.ring(1))).toEqual([110, 111, 102, 103, 104, 105, 106, 107, 108, 109]);
  });

  it('leaves a blank of the true width where blocks never arrived, and counts it', () => {
    const b = new SweepBuffer(LEADS, 500, 20, NO_FILTER);
    b.push(block(0, [ramp(0, 4), ramp(0, 4)]));
    b.push(block(7, [ramp(7, 3), ramp(7, 3)]));
    expect(b.missedSamples).toBe(3);
    expect(b.receivedSamples).toBe(7);
    expect(Array.from(b.ring(0).subarray(0, 10)).map((v) => (Number.isNaN(v) ? null : v))).toEqual([0, 1, 2, 3, null, null, null, 7, 8, 9]);
  });

  it('shows a device-reported lost sample (null) as a blank', () => {
    const b = new SweepBuffer(LEADS, 500, 8, NO_FILTER);
    b.push(
      block(0, [
        [1, null, 3],
        [1, 2, null],
      ]),
    );
    expect(Number.isNaN(b.ring(0)[1])).toBe(true);
    expect(Number.isNaN(b.ring(1)[2])).toBe(true);
    expect(b.ring(0)[2]).toBe(3);
  });

  it('ignores a repeated block and keeps the part of an overlapping one that is new', () => {
    const b = new SweepBuffer(LEADS, 500, 10, NO_FILTER);
    b.push(block(0, [ramp(0, 4), ramp(0, 4)]));
    b.push(
      block(0, [
        [9, 9, 9, 9],
        [9, 9, 9, 9],
      ]),
    );
    b.push(block(2, [ramp(2, 4), ramp(2, 4)]));
    expect(Array.from(b.ring(0).subarray(0, 6))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(b.streamIndex).toBe(6);
  });

  it('starts over when the device restarts its sample count', () => {
    const b = new SweepBuffer(LEADS, 500, 5, NO_FILTER);
    b.push(block(0, [ramp(0, 20), ramp(0, 20)]));
    b.push(block(0, [ramp(50, 2), ramp(50, 2)]));
    expect(b.streamIndex).toBe(2);
    expect(Array.from(b.ring(0)).map((v) => (Number.isNaN(v) ? null : v))).toEqual([50, 51, null, null, null]);
  });

  it('filters each lead causally across blocks, exactly as one pass over the whole stream', () => {
    const filter = { highPassHz: 0.5, notchHz: 50, lowPassHz: 40 };
    const n = 1000;
    const signal = Array.from({ length: n }, (_, i) => 800 * Math.sin((2 * Math.PI * 1.2 * i) / 500) + 300 * Math.sin((2 * Math.PI * 50 * i) / 500) + 500);
    const b = new SweepBuffer(LEADS, 500, n, filter);
    for (let from = 0; from < n; from += 20) b.push(block(from, [signal.slice(from, from + 20), signal.slice(from, from + 20)]));
    const whole = filterCausal(designEcgFilter(filter, 500, 'causal'), toFloat32(signal));
    for (let i = 0; i < n; i += 37) expect(b.ring(0)[i]).toBeCloseTo(whole[i], 2);
  });
});

describe('device state shown on the 心电 page', () => {
  // [driver state, live, ms since the last block (null: none yet), shown]
  const cases: [Parameters<typeof shownDeviceState>[0], boolean, number | null, string][] = [
    ['streaming', true, 100, 'streaming'],
    ['streaming', true, QUIET_MS + 1, 'stalled'], // the driver still says streaming, but nothing reaches the page
    ['streaming', true, null, 'streaming'], // just started: no block yet is not a stall
    ['stalled', true, 100, 'stalled'],
    ['disconnected', false, 60_000, 'disconnected'],
    ['streaming', false, 60_000, 'streaming'], // not watching: no judgement from silence
    ['error', true, QUIET_MS + 1, 'error'],
  ];
  it.each(cases)('%s, live %s, quiet for %s ms → %s', (state, live, quietFor, shown) => {
    const now = 1_000_000;
    expect(shownDeviceState(state, live, quietFor === null ? null : now - quietFor, now)).toBe(shown);
  });
});
