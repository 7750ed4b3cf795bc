/**
 * The preload is the only bridge between the page and main (checklist #20: do not expose Electron APIs to web
 * content). Importing it with electron mocked shows what it hands the page: one object, built from the contract.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { contract, contractEntries, IPC_PREFIX } from '../../../src/shared/api/contract';
import { EVENT_PORT_CHANNEL } from '../../../src/shared/api/events';

const bridge = vi.hoisted(() => ({
  exposed: [] as { key: string; value: unknown }[],
  invoked: [] as { channel: string; args: unknown[] }[],
  listeners: new Map<string, (event: unknown, payload: unknown) => void>(),
}));

vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, value: unknown) => void bridge.exposed.push({ key, value }),
  },
  ipcRenderer: {
    invoke: async (channel: string, ...args: unknown[]) => {
      bridge.invoked.push({ channel, args });
      return { ok: true, value: { echoed: channel } };
    },
    // Present so the test would notice if the preload used them: it must not.
    send: () => {
      throw new Error('preload must not use ipcRenderer.send');
    },
    on: (channel: string, handler: (event: unknown, payload: unknown) => void) => {
      if (!channel.startsWith('event:')) throw new Error('preload may only listen on contract event channels');
      bridge.listeners.set(channel, handler);
    },
    removeListener: (channel: string) => void bridge.listeners.delete(channel),
  },
}));

type ExposedApi = Record<string, Record<string, (input?: unknown) => Promise<unknown>>>;

describe('preload', () => {
  let api: ExposedApi;
  beforeAll(async () => {
    await import('../../../src/preload/preload');
    api = bridge.exposed[0]?.value as ExposedApi;
  });

  it('exposes exactly one key, `api`, through contextBridge', () => {
    expect(bridge.exposed.map((e) => e.key)).toEqual(['api']);
  });

  it('has the contract’s namespaces and methods (plus $events), nothing more and nothing less', () => {
    expect(Object.keys(api).sort()).toEqual([...Object.keys(contract), '$events'].sort());
    for (const [namespace, methods] of Object.entries(contract)) {
      expect(Object.keys(api[namespace]).sort(), namespace).toEqual(Object.keys(methods).sort());
      for (const name of Object.keys(methods)) expect(typeof api[namespace][name], `${namespace}.${name}`).toBe('function');
    }
  });

  it('holds only plain objects of functions: no ipcRenderer, no Electron object, no other way to reach main', () => {
    expect(Object.getPrototypeOf(api)).toBe(Object.prototype);
    for (const [namespace, methods] of Object.entries(api)) {
      expect(Object.getPrototypeOf(methods), namespace).toBe(Object.prototype);
      if (namespace === '$events') continue;
      for (const [name, fn] of Object.entries(methods)) {
        expect(typeof fn, `${namespace}.${name}`).toBe('function');
        expect(Object.keys(fn), `${namespace}.${name} carries properties`).toEqual([]);
      }
    }
  });

  it('invokes api:<channel> with the input for each method and returns main’s envelope unchanged', async () => {
    for (const { namespace, name, channel } of contractEntries()) {
      bridge.invoked.length = 0;
      const input = { probe: channel };
      const result = await api[namespace][name](input);
      expect(bridge.invoked, channel).toEqual([{ channel: `${IPC_PREFIX}${channel}`, args: [input] }]);
      expect(result, channel).toEqual({ ok: true, value: { echoed: `${IPC_PREFIX}${channel}` } });
    }
  });

  it('sends an empty object when a method is called without input, so main’s schema sees an object', async () => {
    bridge.invoked.length = 0;
    await api.system.status();
    expect(bridge.invoked).toEqual([{ channel: `${IPC_PREFIX}system.status`, args: [{}] }]);
  });

  it("$events delivers only the payload of a contract event from main's MessagePort, typed arrays intact, refuses unknown names, and unsubscribes", () => {
    const events = api.$events as unknown as { on(name: string, l: (p: unknown) => void): () => void };
    const got: unknown[] = [];
    const off = events.on('ecgBlock', (p) => got.push(p));
    // A real MessageChannel (Node's): what crosses it is a structured clone, as in Electron.
    const channel = new MessageChannel();
    bridge.listeners.get(EVENT_PORT_CHANNEL)!({ sender: 'secret', ports: [channel.port2] }, null);
    const samples = Float32Array.from([1, Number.NaN, -3]);
    channel.port1.postMessage({ name: 'ecgBlock', payload: { seq: 1, samples: [samples] } });
    channel.port1.postMessage({ name: 'ecgStatus', payload: { state: 'streaming' } });
    return new Promise<void>((resolve) =>
      setTimeout(() => {
        expect(got).toHaveLength(1);
        const block = got[0] as { seq: number; samples: Float32Array[] };
        expect(block.samples[0]).toBeInstanceOf(Float32Array);
        expect(Array.from(block.samples[0])).toEqual([1, Number.NaN, -3]);
        off();
        channel.port1.postMessage({ name: 'ecgBlock', payload: { seq: 2, samples: [] } });
        setTimeout(() => {
          expect(got).toHaveLength(1);
          expect(() => events.on('anything', () => {})).toThrow(/unknown event/);
          channel.port1.close();
          resolve();
        }, 20);
      }, 20),
    );
  });
});
