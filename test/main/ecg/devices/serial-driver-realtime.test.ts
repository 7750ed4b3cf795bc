import { describe, expect, it } from 'vitest';
import { SerialDriver } from '../../../../src/main/ecg/devices/serial-driver';
import { percentile } from '../../../../src/shared/ecg-stream';
import { hasSocat, SOCAT_SKIP_REASON } from '../../../support/device-sim/pty-pair';
import { usePtyPair } from '../../../support/device-sim/pty-fixture';
import { DEFAULT_SIM_OPTIONS, simSignal } from '../../../support/device-sim/sim-plan';
import { spawnDeviceSim } from '../../../support/device-sim/spawn-sim';
import { StreamCheck } from '../../../support/device-sim/stream-check';
import { waitFor } from '../../../support/device-sim/wait';

const title = hasSocat ? 'serial driver, real time over a socat pty pair' : `serial driver, real time over a socat pty pair (${SOCAT_SKIP_REASON})`;

describe.skipIf(!hasSocat)(title, () => {
  const pty = usePtyPair();

  it('streams 12 leads at 1 kHz for 60 s with no sample lost and every value intact', async () => {
    const options = { ...DEFAULT_SIM_OPTIONS, durationS: 60 };
    const driver = (pty.driver = new SerialDriver({ path: pty.pair.b }));
    const check = new StreamCheck(simSignal(options), options.microvoltsPerLsb);
    driver.onBlock(check.onBlock);
    await driver.start();

    const sim = spawnDeviceSim({ tty: pty.pair.a, durationS: options.durationS });
    const summary = await sim.summary;
    const expectedSamples = summary.framesPlanned * 40;
    await waitFor('the last frame to arrive', () => check.result.samples >= expectedSamples, 5000);

    expect(summary).toMatchObject({ framesPlanned: 1500, framesSent: 1500, framesUnsent: 0, writeErrors: 0 });
    expect(check.result).toMatchObject({ samples: 60_000, nanSamples: 0, mismatches: 0, discontinuities: 0 });
    expect(driver.status).toMatchObject({ state: 'streaming', lostSamples: 0, corruptFrames: 0, reconnects: 0 });
    expect(driver.decoderStats).toEqual({ frames: 1500, corruptFrames: 0, lostSamples: 0, skippedBytes: 0, restarts: 0 });

    // Reported, not asserted: the device clock is the simulator's UTC clock on the same host.
    const latencies = check.result.latenciesMs;
    expect(latencies).toHaveLength(1500);
    const figure = (p: number) => Number(percentile(latencies, p)!.toFixed(2));
    console.info(
      `ECG pty stream latency over ${latencies.length} frames (last sample acquired → block in main): ` +
        `p50 ${figure(50)} ms, p95 ${figure(95)} ms, p99 ${figure(99)} ms, max ${figure(100)} ms`,
    );
  }, 120_000);
});
