import { describe, expect, it } from 'vitest';
import { SerialDriver } from '../../../../src/main/ecg/devices/serial-driver';
import { hasSocat, SOCAT_SKIP_REASON, startPtyPair } from '../../../support/device-sim/pty-pair';
import { usePtyPair, watchDriver } from '../../../support/device-sim/pty-fixture';
import { DEFAULT_SIM_OPTIONS, GARBAGE_BYTES, simSignal } from '../../../support/device-sim/sim-plan';
import { spawnDeviceSim } from '../../../support/device-sim/spawn-sim';
import { StreamCheck } from '../../../support/device-sim/stream-check';
import { pause, waitFor } from '../../../support/device-sim/wait';

const title = hasSocat ? 'serial driver faults over a socat pty pair' : `serial driver faults over a socat pty pair (${SOCAT_SKIP_REASON})`;

const SAMPLES_PER_FRAME = 40; // 40 ms frames at 1 kHz

/** Frames 1…n (1-based) whose number is a multiple of `every`. */
const multiples = (n: number, every: number) => Array.from({ length: n }, (_, i) => i + 1).filter((k) => k % every === 0);

describe.skipIf(!hasSocat)(title, () => {
  const pty = usePtyPair();

  it('counts dropped and corrupted frames and garbage exactly, across a sequence wrap-around', async () => {
    const options = {
      ...DEFAULT_SIM_OPTIONS,
      durationS: 15,
      dropEvery: 50,
      corruptEvery: 37,
      garbageEvery: 23,
      // The device's sample counter passes 2^32 five seconds in.
      startSequence: 2 ** 32 - 5000,
    };
    const frames = 375;
    const dropped = multiples(frames, 50);
    const corrupted = multiples(frames, 37).filter((k) => !dropped.includes(k));
    const withGarbage = multiples(frames, 23).filter((k) => !dropped.includes(k));
    const lostFrames = [...dropped, ...corrupted].sort((a, b) => a - b);

    const driver = (pty.driver = new SerialDriver({ path: pty.pair.b }));
    const check = new StreamCheck(simSignal(options), options.microvoltsPerLsb);
    driver.onBlock(check.onBlock);
    await driver.start();
    const summary = await spawnDeviceSim({ tty: pty.pair.a, ...options }).summary;
    await waitFor('the last frame to arrive', () => check.result.samples >= frames * SAMPLES_PER_FRAME, 5000);

    expect(summary).toMatchObject({ framesPlanned: frames, framesDropped: dropped.length, framesCorrupted: corrupted.length });
    expect(driver.decoderStats).toEqual({
      frames: frames - lostFrames.length,
      corruptFrames: corrupted.length,
      lostSamples: lostFrames.length * SAMPLES_PER_FRAME,
      skippedBytes: withGarbage.length * GARBAGE_BYTES,
      restarts: 0,
    });
    expect(driver.status).toMatchObject({ corruptFrames: 10, lostSamples: 17 * SAMPLES_PER_FRAME });
    // Each lost frame is a NaN run at its true place in time; every other sample is what the device sent.
    expect(check.result.nanRuns).toEqual(lostFrames.map((k) => ({ from: (k - 1) * SAMPLES_PER_FRAME, length: SAMPLES_PER_FRAME })));
    expect(check.result).toMatchObject({ samples: frames * SAMPLES_PER_FRAME, mismatches: 0, discontinuities: 0 });
  }, 60_000);

  it('goes disconnected on unplug, reconnects on replug at the same path, and keeps time true across both', async () => {
    const options = { ...DEFAULT_SIM_OPTIONS, durationS: 14 };
    const frames = 350;
    const driver = (pty.driver = new SerialDriver({ path: pty.pair.b, reconnectInitialMs: 50, reconnectMaxMs: 400 }));
    const { check, states } = watchDriver(driver, options);
    await driver.start();
    const sim = spawnDeviceSim({ tty: pty.pair.a, ...options });
    const d = driver;

    await waitFor('streaming', () => check.result.blocks >= 50);
    // Unplug 1: abrupt (SIGKILL leaves the links dangling, like a yanked USB adapter).
    await pty.pair.stop('SIGKILL');
    await waitFor('disconnected after the abrupt unplug', () => d.status.state === 'disconnected');
    await pause(1000);
    pty.pair = await startPtyPair(pty.pair.a, pty.pair.b);
    await waitFor('streaming after replug 1', () => d.status.state === 'streaming' && d.status.reconnects === 1);

    const blocksBefore = check.result.blocks;
    await waitFor('streaming after replug 1', () => check.result.blocks >= blocksBefore + 50);
    // Unplug 2: orderly (socat removes the device links, as udev does when the adapter goes).
    await pty.pair.stop('SIGTERM');
    await waitFor('disconnected after the orderly unplug', () => d.status.state === 'disconnected');
    await pause(1000);
    pty.pair = await startPtyPair(pty.pair.a, pty.pair.b);
    await waitFor('streaming after replug 2', () => d.status.state === 'streaming' && d.status.reconnects === 2);

    const summary = await sim.summary;
    await waitFor('the last frame to arrive', () => check.result.samples >= frames * SAMPLES_PER_FRAME, 5000);

    expect(summary.framesPlanned).toBe(frames);
    expect(summary.framesUnsent).toBeGreaterThan(0);
    expect(states).toEqual(['connecting', 'streaming', 'disconnected', 'connecting', 'streaming', 'disconnected', 'connecting', 'streaming']);
    const stats = d.decoderStats;
    // Every frame the device produced is accounted for: decoded, or lost and counted.
    expect(stats.frames * SAMPLES_PER_FRAME + stats.lostSamples).toBe(frames * SAMPLES_PER_FRAME);
    expect(stats.lostSamples).toBeGreaterThanOrEqual(summary.framesUnsent * SAMPLES_PER_FRAME);
    expect(stats).toMatchObject({ corruptFrames: 0, restarts: 0 });
    expect(d.status).toMatchObject({ reconnects: 2, lostSamples: stats.lostSamples });
    // The outages are NaN runs in place; the samples after each replug sit at their true index with their true value.
    expect(check.result.nanRuns.length).toBeGreaterThanOrEqual(2);
    expect(check.result).toMatchObject({
      samples: frames * SAMPLES_PER_FRAME,
      nanSamples: stats.lostSamples,
      mismatches: 0,
      discontinuities: 0,
    });
  }, 60_000);

  it('goes stalled while the device pauses, streams again on the same port, and counts the pause as lost samples', async () => {
    // Frames due in [2 s, 4 s) are not sent: frames 50…99 (1-based), i.e. 50 frames.
    const options = { ...DEFAULT_SIM_OPTIONS, durationS: 6, pauseAtS: 2, pauseForS: 2 };
    const frames = 150;
    const driver = (pty.driver = new SerialDriver({ path: pty.pair.b, stallAfterMs: 500 }));
    const { check, states } = watchDriver(driver, options);
    await driver.start();
    const summary = await spawnDeviceSim({ tty: pty.pair.a, ...options }).summary;
    await waitFor('the last frame to arrive', () => check.result.samples >= frames * SAMPLES_PER_FRAME, 5000);

    expect(summary).toMatchObject({ framesPaused: 50, framesSent: 100, reopens: 1 });
    expect(states).toEqual(['connecting', 'streaming', 'stalled', 'streaming']);
    expect(driver.status).toMatchObject({ lostSamples: 50 * SAMPLES_PER_FRAME, corruptFrames: 0, reconnects: 0 });
    expect(check.result.nanRuns).toEqual([{ from: 49 * SAMPLES_PER_FRAME, length: 50 * SAMPLES_PER_FRAME }]);
    expect(check.result).toMatchObject({ mismatches: 0, discontinuities: 0 });
  }, 30_000);
});
