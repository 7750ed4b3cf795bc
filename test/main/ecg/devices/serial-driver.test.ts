import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SerialDriver } from '../../../../src/main/ecg/devices/serial-driver';
import type { EcgStreamStatus } from '../../../../src/shared/ecg-stream';
import { waitFor } from '../../../support/device-sim/wait';

// The serial driver without a device (runs everywhere; the pty tests cover streaming).
let dir: string;
beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'ecg-serial-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('SerialDriver with no device plugged in', () => {
  it('reports disconnected with the reason, keeps retrying with backoff, and stops cleanly', async () => {
    const missing = path.join(dir, 'ttyUSB0');
    const driver = new SerialDriver({ path: missing, reconnectInitialMs: 10, reconnectMaxMs: 40 });
    const statuses: EcgStreamStatus[] = [];
    driver.onStatus((status) => statuses.push(status));
    await driver.start();
    expect(driver.status.state).toBe('disconnected');
    expect(driver.status.message).toContain(`cannot open ${missing}`);
    await waitFor('four attempts', () => statuses.some((s) => s.message?.includes('(attempt 4)')));
    // Backoff doubles from 10 ms and is capped at 40 ms.
    expect(statuses.filter((s) => s.state === 'disconnected').map((s) => /retrying in (\d+) ms/.exec(s.message!)![1])).toEqual(
      expect.arrayContaining(['10', '20', '40']),
    );
    expect(statuses.some((s) => s.message?.includes('retrying in 80 ms'))).toBe(false);
    await driver.stop();
    expect(driver.status).toMatchObject({ state: 'disconnected', message: 'stopped', reconnects: 0 });
    const after = statuses.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(statuses.length).toBe(after);
  });

  it('names itself after its path unless told otherwise, and refuses a baud rate that is not one', () => {
    expect(new SerialDriver({ path: '/dev/ttyUSB0' })).toMatchObject({ id: 'serial:/dev/ttyUSB0', label: 'Serial /dev/ttyUSB0', kind: 'serial' });
    expect(new SerialDriver({ path: 'COM3', id: 'cart', label: 'Cart' })).toMatchObject({ id: 'cart', label: 'Cart' });
    expect(() => new SerialDriver({ path: 'COM3', baudRate: 0 })).toThrow(RangeError);
  });
});
