/**
 * A virtual serial cable: socat joins two pseudo-terminals and gives them stable names (symlinks), so a device
 * simulator writes into one end and the serial driver reads the other exactly as from /dev/ttyUSB0. Stopping socat
 * is an unplug; starting a new one on the same names is a replug.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, unlinkSync } from 'node:fs';

export const SOCAT_SKIP_REASON = 'skipped: socat is not installed (apt-get install socat)';

export const hasSocat: boolean = (() => {
  const probe = spawnSync('socat', ['-V'], { stdio: 'ignore' });
  return probe.error === undefined && probe.status === 0;
})();

export interface PtyPair {
  /** Link to the end the device simulator writes to. */
  readonly a: string;
  /** Link to the end the driver reads. */
  readonly b: string;
  readonly pid: number;
  /** Unplug: ends socat (SIGTERM, or SIGKILL for an abrupt loss that leaves dangling links) and waits for its exit. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
}

function removeLink(path: string): void {
  try {
    if (lstatSync(path).isSymbolicLink()) unlinkSync(path);
  } catch {
    // already gone
  }
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts socat with raw, echo-free ptys linked at `a` and `b` (stale links from a killed socat are replaced) and
 * resolves once socat reports its transfer loop and both links resolve to a device.
 */
export async function startPtyPair(a: string, b: string, timeoutMs = 5000): Promise<PtyPair> {
  removeLink(a);
  removeLink(b);
  const child = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (text: string) => (log += text));
  const deadline = Date.now() + timeoutMs;
  while (!(log.includes('starting data transfer loop') && existsSync(a) && existsSync(b))) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`socat did not start the pty pair ${a} ↔ ${b}:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return {
    a,
    b,
    pid: child.pid!,
    async stop(signal = 'SIGTERM') {
      child.kill(signal);
      await waitForExit(child);
      if (signal === 'SIGTERM') {
        removeLink(a);
        removeLink(b);
      }
    },
  };
}
