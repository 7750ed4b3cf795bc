import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { SerialDriver } from '../../../src/main/ecg/devices/serial-driver';
import type { EcgStreamState } from '../../../src/shared/ecg-stream';
import { type PtyPair, startPtyPair } from './pty-pair';
import { type DeviceSimOptions, simSignal } from './sim-plan';
import { StreamCheck } from './stream-check';

/** What a serial-driver test over a pty pair holds: the pair (a test may replace it, as a replug does) and its driver. */
export class PtyFixture {
  /** Set by the test; stopped after it, before the pair. */
  driver?: SerialDriver;
  private current?: PtyPair;

  get pair(): PtyPair {
    if (!this.current) throw new Error('no pty pair yet: usePtyPair starts one before each test');
    return this.current;
  }

  set pair(pair: PtyPair) {
    this.current = pair;
  }
}

/**
 * A fresh socat pty pair in its own temporary folder for each test of the calling `describe`, and after each test
 * the driver stopped, then the pair, then the folder removed (in that order: a driver left reading a removed pty
 * would log errors into the next test).
 */
export function usePtyPair(): PtyFixture {
  const fixture = new PtyFixture();
  let dir = '';
  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ecg-pty-'));
    fixture.driver = undefined;
    fixture.pair = await startPtyPair(path.join(dir, 'device'), path.join(dir, 'host'));
  });
  afterEach(async () => {
    await fixture.driver?.stop();
    await fixture.pair.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  return fixture;
}

/** Checks every block against the simulator's signal and records each change of state: what the fault tests watch. */
export function watchDriver(driver: SerialDriver, options: Omit<DeviceSimOptions, 'tty'>): { check: StreamCheck; states: EcgStreamState[] } {
  const check = new StreamCheck(simSignal(options), options.microvoltsPerLsb);
  driver.onBlock(check.onBlock);
  const states: EcgStreamState[] = [];
  driver.onStatus((status) => {
    if (states[states.length - 1] !== status.state) states.push(status.state);
  });
  return { check, states };
}
