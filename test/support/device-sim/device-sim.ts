/**
 * ECG device simulator: writes protocol-v1 frames to a tty at real time, like a cart's acquisition board.
 *
 *   npx tsx test/support/device-sim/device-sim.ts --tty /tmp/ecg-a [--duration 60] [--rate 1000] [--leads 12]
 *       [--frame-ms 40] [--encoding int16|int24] [--lsb 1] [--drop-every N] [--corrupt-every N] [--garbage-every N]
 *       [--pause-at S --pause-for S] [--start-seq N] [--seed N]
 *
 * Frame k is sent when its last sample is "acquired" (start + (k+1)·frame duration), stamped with the UTC time of
 * its first sample. When the tty fails (the pty pair was torn down: an unplug) the frames due meanwhile are lost and
 * the simulator re-opens the path until it works again; after a pause it always re-opens, so a replug made during
 * the pause is picked up. Prints `DEVICE_SIM_STARTED <utc µs>` on start and `DEVICE_SIM_SUMMARY <json>` at the end.
 */
import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { type DeviceSimOptions, frameBytes, frameCount, frameDueS, frameFate, parseSimArgs, simSignal } from './sim-plan';

export interface DeviceSimSummary {
  framesPlanned: number;
  framesSent: number;
  framesDropped: number;
  framesCorrupted: number;
  framesPaused: number;
  /** Due while the tty was unavailable (unplugged). */
  framesUnsent: number;
  writeErrors: number;
  reopens: number;
  startUtcUs: number;
}

const nowUs = () => (performance.timeOrigin + performance.now()) * 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

async function openTty(path: string): Promise<FileHandle | undefined> {
  try {
    // O_NOCTTY: the pty must never become this process's controlling terminal (its hangup would kill us).
    return await open(path, constants.O_WRONLY | constants.O_NOCTTY);
  } catch {
    return undefined;
  }
}

export async function runDeviceSim(options: DeviceSimOptions, shouldStop: () => boolean = () => false): Promise<DeviceSimSummary> {
  const signal = simSignal(options);
  const summary: DeviceSimSummary = {
    framesPlanned: frameCount(options),
    framesSent: 0,
    framesDropped: 0,
    framesCorrupted: 0,
    framesPaused: 0,
    framesUnsent: 0,
    writeErrors: 0,
    reopens: 0,
    startUtcUs: Math.round(nowUs()),
  };
  console.log(`DEVICE_SIM_STARTED ${summary.startUtcUs}`);
  let tty = await openTty(options.tty);
  let wasPaused = false;
  for (let k = 0; k < summary.framesPlanned && !shouldStop(); k++) {
    await sleep((summary.startUtcUs + frameDueS(k, options) * 1e6 - nowUs()) / 1000);
    const fate = frameFate(k, options);
    if (fate === 'pause') {
      summary.framesPaused++;
      wasPaused = true;
      continue;
    }
    if (fate === 'drop') {
      summary.framesDropped++;
      continue;
    }
    if (wasPaused || tty === undefined) {
      await tty?.close().catch(() => {});
      tty = await openTty(options.tty);
      if (tty) summary.reopens++;
      wasPaused = false;
    }
    const bytes = frameBytes(k, options, signal, summary.startUtcUs)!;
    if (!tty) {
      summary.framesUnsent++;
      continue;
    }
    try {
      await tty.write(bytes);
      summary.framesSent++;
      if (fate === 'corrupt') summary.framesCorrupted++;
    } catch {
      summary.writeErrors++;
      summary.framesUnsent++;
      await tty.close().catch(() => {});
      tty = undefined;
    }
  }
  await tty?.close().catch(() => {});
  return summary;
}

async function main(): Promise<void> {
  const options = parseSimArgs(process.argv.slice(2));
  let stopRequested = false;
  process.on('SIGTERM', () => (stopRequested = true));
  process.on('SIGINT', () => (stopRequested = true));
  const summary = await runDeviceSim(options, () => stopRequested);
  console.log(`DEVICE_SIM_SUMMARY ${JSON.stringify(summary)}`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
