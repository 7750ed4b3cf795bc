/**
 * Live ECG stream figures from a 15 s run of the device simulator process (12 leads, 1 kHz, 40 ms frames) writing
 * into a socat pty pair that the serial driver reads:
 * - `ecg.stream.lostSamples`: samples per lead lost between device and driver (a count; 0 expected).
 * - `ecg.stream.latencyMsP50`, `ecg.stream.latencyMsP95`: from the acquisition of a frame's last sample (device
 *   UTC timestamp) to its block being delivered in main, ms; both clocks are this host's.
 * socat missing: installed with apt-get when running as root; otherwise the bench fails saying how to install it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SerialDriver } from '../src/main/ecg/devices/serial-driver';
import { percentile } from '../src/shared/ecg-stream';
import { hasSocat, startPtyPair } from '../test/support/device-sim/pty-pair';
import { DEFAULT_SIM_OPTIONS, simSignal } from '../test/support/device-sim/sim-plan';
import { spawnDeviceSim } from '../test/support/device-sim/spawn-sim';
import { StreamCheck } from '../test/support/device-sim/stream-check';
import { waitFor } from '../test/support/device-sim/wait';
import { ensureTool, missingFigures, runs } from './ensure-tool';

const DURATION_S = 15;

/** Every key this section prints (issue 11.8: never fewer, never null). */
export const STREAM_KEYS = ['ecg.stream.lostSamples', 'ecg.stream.latencyMsP50', 'ecg.stream.latencyMsP95'];

export async function benchEcgStream(): Promise<Record<string, number>> {
  ensureTool('socat', 'socat', () => hasSocat || runs('socat', ['-V']), 'ecg.stream.lostSamples, ecg.stream.latencyMsP50 and ecg.stream.latencyMsP95');
  const dir = mkdtempSync(path.join(tmpdir(), 'ecg-bench-'));
  const pair = await startPtyPair(path.join(dir, 'device'), path.join(dir, 'host'));
  const driver = new SerialDriver({ path: pair.b });
  try {
    const options = { ...DEFAULT_SIM_OPTIONS, durationS: DURATION_S };
    const check = new StreamCheck(simSignal(options), options.microvoltsPerLsb);
    driver.onBlock(check.onBlock);
    await driver.start();
    const summary = await spawnDeviceSim({ tty: pair.a, durationS: DURATION_S }).summary;
    const samplesPerFrame = Math.round((options.sampleRateHz * options.frameMs) / 1000);
    // The last frame may be lost too; then the wait ends at its deadline and the loss is in the count below.
    await waitFor('the last frame', () => check.result.samples >= summary.framesPlanned * samplesPerFrame, 3000).catch(() => {});
    const neverArrived = summary.framesPlanned * samplesPerFrame - check.result.samples;
    const figures = {
      'ecg.stream.lostSamples': driver.status.lostSamples + neverArrived,
      'ecg.stream.latencyMsP50': round2(percentile(check.result.latenciesMs, 50) ?? NaN),
      'ecg.stream.latencyMsP95': round2(percentile(check.result.latenciesMs, 95) ?? NaN),
    };
    // No block arrived: the latencies are NaN (null in JSON); fail naming them rather than print a hollow figure.
    const missing = missingFigures(figures, STREAM_KEYS);
    if (missing.length > 0) throw new Error(`ECG stream figures not measured (no frame reached the driver?): ${missing.join(', ')}`);
    return figures;
  } finally {
    await driver.stop();
    await pair.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const round2 = (value: number) => Math.round(value * 100) / 100;

if (require.main === module) {
  benchEcgStream().then((figures) => console.log(JSON.stringify(figures, null, 2)));
}
