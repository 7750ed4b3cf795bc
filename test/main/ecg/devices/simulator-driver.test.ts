import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EcgDeviceRegistry } from '../../../../src/main/ecg/devices/driver';
import { SimulatorDriver } from '../../../../src/main/ecg/devices/simulator-driver';
import { EcgFormatError } from '../../../../src/main/ecg/formats/errors';
import type { EcgSampleBlock, EcgStreamStatus } from '../../../../src/shared/ecg-stream';
import { blockEndIndex, blockLatencyMs } from '../../../../src/shared/ecg-stream';
import type { EcgRecord } from '../../../../src/shared/ecg';
import { STANDARD_LEADS } from '../../../../src/shared/ecg';

/** A 250-sample ramp per lead (lead k holds k·1000 + n), so every replayed sample says where it came from. */
const ramp: EcgRecord = {
  format: 'wfdb',
  sampleRateHz: 250,
  leads: ['I', 'II'].map((name, k) => ({ name, microvolts: Float32Array.from({ length: 250 }, (_, n) => k * 1000 + n) })),
};

// Fake timers move Date.now as each timer fires, so the driver sees the time at which its timer ran.
const now = () => Date.now();
const advance = (ms: number) => vi.advanceTimersByTimeAsync(ms);

beforeEach(() => {
  vi.useFakeTimers({ now: 1_700_000_000_000 });
});
afterEach(() => vi.useRealTimers());

describe('SimulatorDriver', () => {
  it('replays the recording in 40 ms blocks at real time, looping, with contiguous sample indices', async () => {
    const driver = new SimulatorDriver({ recording: ramp, now });
    const blocks: EcgSampleBlock[] = [];
    driver.onBlock((block) => blocks.push(block));
    await driver.start();
    await advance(1500);
    // 1.5 s at 250 Hz = 375 samples = 37.5 blocks of 10: 37 are complete.
    expect(blocks).toHaveLength(37);
    blocks.forEach((block, i) => {
      expect(block.seq).toBe(i);
      expect(block.deviceId).toBe('demo');
      expect(block.leadNames).toEqual(['I', 'II']);
      expect(block.firstSampleIndex).toBe(i * 10);
      if (i > 0) expect(block.firstSampleIndex).toBe(blockEndIndex(blocks[i - 1]));
    });
    const replayed = blocks.flatMap((block) => [...block.samples[1]]);
    const expected = Array.from({ length: 370 }, (_, n) => 1000 + (n % 250));
    expect(replayed).toEqual(expected);
    await driver.stop();
  });

  it('stamps the device time of each block so latency is the timer lateness', async () => {
    const driver = new SimulatorDriver({ recording: ramp, now });
    const blocks: EcgSampleBlock[] = [];
    driver.onBlock((block) => blocks.push(block));
    await driver.start();
    await advance(400);
    // A block is due when its last sample is acquired: 36 ms after its first sample plus the 4 ms sample period.
    expect(blocks.map(blockLatencyMs)).toEqual(blocks.map(() => 4));
    expect(driver.status.latencyMs).toBe(4);
    await driver.stop();
  });

  it('skips ahead after a long stall and counts the skipped samples as lost', async () => {
    const driver = new SimulatorDriver({ recording: ramp, now });
    const blocks: EcgSampleBlock[] = [];
    driver.onBlock((block) => blocks.push(block));
    await driver.start();
    await advance(200);
    vi.setSystemTime(Date.now() + 5000); // the process was suspended: the clock jumped, no timer ran
    await advance(40);
    const last = blocks[blocks.length - 1];
    expect(blockEndIndex(last)).toBe(Math.floor((5240 * 250) / 1000));
    expect(driver.status.lostSamples).toBe(last.firstSampleIndex - blockEndIndex(blocks[blocks.length - 2]));
    expect(driver.status.lostSamples).toBeGreaterThan(1000);
    await driver.stop();
  });

  it('streams the synthetic 12-lead demo by default and reports its state', async () => {
    const driver = new SimulatorDriver({ now });
    const states: EcgStreamStatus['state'][] = [];
    driver.onStatus((status) => {
      if (states[states.length - 1] !== status.state) states.push(status.state);
    });
    const iterator = driver.blocks();
    await driver.start();
    await advance(100);
    const first = await iterator.next();
    expect(first.done).toBe(false);
    expect(first.value.leadNames).toEqual([...STANDARD_LEADS]);
    expect(first.value.sampleRateHz).toBe(500);
    await driver.stop();
    expect(states).toEqual(['streaming', 'disconnected']);
    // The iterator drains what was queued, then ends with the driver.
    let rest = 0;
    for await (const _ of iterator) rest++;
    expect(rest).toBe(1);
  });

  it('replays a file through the injected reader and passes a format error on', async () => {
    const driver = await SimulatorDriver.fromFile('/carts/ecg-001.xml', { now, reader: async () => ramp });
    expect(driver.label).toBe('Replay ecg-001.xml');
    const failing = SimulatorDriver.fromFile('/carts/bad.xml', {
      reader: async () => {
        throw new EcgFormatError('TRUNCATED', 'ends early');
      },
    });
    await expect(failing).rejects.toMatchObject({ code: 'TRUNCATED' });
  });

  it('refuses a recording it cannot replay', () => {
    expect(() => new SimulatorDriver({ recording: { sampleRateHz: 500, leads: [] } })).toThrow(RangeError);
    const uneven = {
      sampleRateHz: 500,
      leads: [
        { name: 'I', microvolts: new Float32Array(3) },
        { name: 'II', microvolts: new Float32Array(2) },
      ],
    };
    expect(() => new SimulatorDriver({ recording: uneven })).toThrow(RangeError);
  });
});

describe('EcgDriverBase (through the simulator)', () => {
  it('keeps delivering when a listener throws', async () => {
    const driver = new SimulatorDriver({ recording: ramp, now });
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    driver.onBlock(() => {
      throw new Error('renderer went away');
    });
    const received: number[] = [];
    driver.onBlock((block) => received.push(block.seq));
    await driver.start();
    await advance(200);
    expect(received).toEqual([0, 1, 2, 3, 4]);
    expect(errors).toHaveBeenCalledTimes(5);
    await driver.stop();
    errors.mockRestore();
  });

  it('bounds a slow iterator by dropping its oldest blocks, visible as a seq jump', async () => {
    const driver = new SimulatorDriver({ recording: ramp, now });
    const iterator = driver.blocks({ maxQueued: 3 });
    await driver.start();
    await advance(400); // 10 blocks while nobody reads
    const seqs: number[] = [];
    for (let i = 0; i < 3; i++) seqs.push((await iterator.next()).value.seq);
    expect(seqs).toEqual([7, 8, 9]);
    await driver.stop();
  });

  it('ends an iterator when its signal aborts', async () => {
    const driver = new SimulatorDriver({ recording: ramp, now });
    const controller = new AbortController();
    const iterator = driver.blocks({ signal: controller.signal });
    await driver.start();
    const pending = iterator.next();
    controller.abort();
    await expect(pending).resolves.toEqual({ value: undefined, done: true });
    await driver.stop();
  });
});

describe('EcgDeviceRegistry', () => {
  it('lists, finds and removes devices, stopping what it removes', async () => {
    const registry = new EcgDeviceRegistry();
    const demo = new SimulatorDriver({ recording: ramp, now });
    const other = new SimulatorDriver({ id: 'replay-1', label: 'Replay', recording: ramp, now });
    registry.add(demo);
    registry.add(other);
    expect(() => registry.add(new SimulatorDriver({ recording: ramp }))).toThrow(/already registered/);
    await demo.start();
    expect(registry.list().map(({ id, kind, status }) => [id, kind, status.state])).toEqual([
      ['demo', 'simulator', 'streaming'],
      ['replay-1', 'simulator', 'disconnected'],
    ]);
    expect(registry.get('replay-1')).toBe(other);
    expect(await registry.remove('demo')).toBe(true);
    expect(demo.status.state).toBe('disconnected');
    expect(await registry.remove('demo')).toBe(false);
    await registry.stopAll();
    expect(registry.list().map((d) => d.id)).toEqual(['replay-1']);
  });
});
