/**
 * Runs device-sim.ts as its own process (as a real device is independent of the app), with its summary as a promise.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import type { DeviceSimSummary } from './device-sim';
import type { DeviceSimOptions } from './sim-plan';

const REPO_ROOT = path.resolve(__dirname, '../../..');
const SIM_SCRIPT = path.join(__dirname, 'device-sim.ts');

export interface RunningDeviceSim {
  process: ChildProcess;
  /** UTC µs of the simulated acquisition start, once the process has begun sending. */
  started: Promise<number>;
  /** Resolves when the simulator exits after printing its summary; rejects if it fails. */
  summary: Promise<DeviceSimSummary>;
  /** Ends the simulator early (it still prints a summary). */
  stop(): void;
}

const FLAGS: Record<Exclude<keyof DeviceSimOptions, 'tty'>, string> = {
  durationS: 'duration',
  sampleRateHz: 'rate',
  leadCount: 'leads',
  frameMs: 'frame-ms',
  encoding: 'encoding',
  microvoltsPerLsb: 'lsb',
  dropEvery: 'drop-every',
  corruptEvery: 'corrupt-every',
  garbageEvery: 'garbage-every',
  pauseAtS: 'pause-at',
  pauseForS: 'pause-for',
  startSequence: 'start-seq',
  seed: 'seed',
};

export function simArgs(options: Partial<DeviceSimOptions> & { tty: string }): string[] {
  const args = ['--tty', options.tty];
  for (const [key, flag] of Object.entries(FLAGS) as [keyof typeof FLAGS, string][]) {
    if (options[key] !== undefined) args.push(`--${flag}`, String(options[key]));
  }
  return args;
}

export function spawnDeviceSim(options: Partial<DeviceSimOptions> & { tty: string }): RunningDeviceSim {
  const child = spawn(process.execPath, ['--import', 'tsx', SIM_SCRIPT, ...simArgs(options)], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (text: string) => (stderr += text));
  const started = new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (text: string) => {
      stdout += text;
      const match = /DEVICE_SIM_STARTED (\d+)/.exec(stdout);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', () => reject(new Error(`device simulator exited before starting:\n${stderr}`)));
  });
  started.catch(() => {});
  const summary = new Promise<DeviceSimSummary>((resolve, reject) => {
    child.once('exit', (code) => {
      const match = /DEVICE_SIM_SUMMARY (.+)/.exec(stdout);
      if (match) resolve(JSON.parse(match[1]) as DeviceSimSummary);
      else reject(new Error(`device simulator exited with ${code} and no summary:\n${stderr}`));
    });
  });
  return { process: child, started, summary, stop: () => child.kill('SIGTERM') };
}
