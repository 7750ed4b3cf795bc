import { describe, expect, it } from 'vitest';
import { forwardEventsToPort, type PortLike } from '../../../src/main/api/event-port';
import { EVENT_PORT_CHANNEL, type EventName } from '../../../src/shared/api/events';
import { EventHub } from '../../../src/main/events/event-hub';

class FakePort implements PortLike {
  posted: unknown[] = [];
  closed = false;
  postMessage(message: unknown) {
    this.posted.push(message);
  }
  start() {}
  close() {
    this.closed = true;
  }
}

describe('events to the Electron window over a MessagePort', () => {
  it('hands each page load a fresh port and posts every event on the current one, typed arrays as they are', () => {
    const hub = new EventHub();
    const handed: { channel: string; transfer: FakePort[] }[] = [];
    let loaded: (() => void) | undefined;
    const contents = {
      postMessage: (channel: string, _message: unknown, transfer: FakePort[]) => void handed.push({ channel, transfer }),
      on: (_event: 'did-finish-load', listener: () => void) => void (loaded = listener),
      isDestroyed: () => false,
    };
    const ports: FakePort[] = [];
    const stop = forwardEventsToPort(
      contents,
      (l: (name: EventName, payload: unknown) => void) => hub.subscribe(l),
      () => {
        const pair = { port1: new FakePort(), port2: new FakePort() };
        ports.push(pair.port1);
        return pair;
      },
    );
    hub.publish('ecgStatus', { deviceId: 'd', state: 'streaming', lostSamples: 0, corruptFrames: 0, reconnects: 0 });
    expect(handed).toEqual([]); // no page yet: nothing to post to
    loaded!();
    expect(handed.map((h) => h.channel)).toEqual([EVENT_PORT_CHANNEL]);
    const samples = [Float32Array.from([1, Number.NaN])];
    hub.publish('ecgBlock', { deviceId: 'd', seq: 1, sampleRateHz: 500, leadNames: ['I'], firstSampleIndex: 0, samples, receivedAt: 0 });
    expect(ports[0].posted).toHaveLength(1);
    expect((ports[0].posted[0] as { payload: { samples: Float32Array[] } }).payload.samples[0]).toBe(samples[0]);
    loaded!(); // a reload: the old port is closed, the new one carries what follows
    expect(ports[0].closed).toBe(true);
    hub.publish('ecgBlock', { deviceId: 'd', seq: 2, sampleRateHz: 500, leadNames: ['I'], firstSampleIndex: 2, samples, receivedAt: 0 });
    expect(ports[1].posted).toHaveLength(1);
    stop();
    hub.publish('ecgBlock', { deviceId: 'd', seq: 3, sampleRateHz: 500, leadNames: ['I'], firstSampleIndex: 4, samples, receivedAt: 0 });
    expect(ports[1].posted).toHaveLength(1);
    expect(ports[1].closed).toBe(true);
  });
});
