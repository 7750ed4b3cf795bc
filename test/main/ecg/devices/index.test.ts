import { describe, expect, it } from 'vitest';
import { createEcgDriver, listSerialPorts, SerialDriver, SimulatorDriver } from '../../../../src/main/ecg/devices/index';
import { EcgFormatError } from '../../../../src/main/ecg/formats/errors';
import type { EcgRecord } from '../../../../src/shared/ecg';

const tiny: EcgRecord = { format: 'edf', sampleRateHz: 250, leads: [{ name: 'II', microvolts: new Float32Array(250) }] };

describe('createEcgDriver', () => {
  it('builds the demo device, a replay of a file, and a serial device from their settings', async () => {
    const demo = await createEcgDriver({ kind: 'simulator' });
    expect(demo).toBeInstanceOf(SimulatorDriver);
    expect(demo).toMatchObject({ id: 'demo', kind: 'simulator' });

    const replay = await createEcgDriver({ kind: 'simulator', id: 'replay', file: '/exports/a.edf' }, async () => tiny);
    expect(replay).toMatchObject({ id: 'replay', label: 'Replay a.edf' });

    const serial = await createEcgDriver({ kind: 'serial', path: '/dev/ttyUSB0', baudRate: 460800 });
    expect(serial).toBeInstanceOf(SerialDriver);
    expect(serial.status.state).toBe('disconnected');
  });

  it('fails with the format error when the replay file cannot be read', async () => {
    const bad = createEcgDriver({ kind: 'simulator', file: '/exports/b.xml' }, async () => {
      throw new EcgFormatError('UNKNOWN_FORMAT', 'not an ECG');
    });
    await expect(bad).rejects.toBeInstanceOf(EcgFormatError);
  });
});

describe('listSerialPorts', () => {
  it('returns what the OS enumerates, each with a path', async () => {
    const ports = await listSerialPorts();
    expect(Array.isArray(ports)).toBe(true);
    for (const port of ports) expect(port.path).toMatch(/\S/);
  });
});
