import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from '../../support/fault-proxy';

/**
 * The fault proxy against a plain TCP server that records what reaches it and answers each connection with
 * a fixed 10,000-byte reply once it has read 5,000 bytes.
 */
describe('fault proxy', () => {
  const REQUEST = Buffer.alloc(5_000, 0x61);
  const REPLY = Buffer.alloc(10_000, 0x62);
  let server: Server;
  let received: number[];
  let proxy: FaultProxy;

  beforeAll(async () => {
    server = createServer((socket) => {
      const index = received.push(0) - 1;
      socket.on('data', (chunk) => {
        received[index] += chunk.length;
        if (received[index] === REQUEST.length) socket.end(REPLY);
      });
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: (server.address() as AddressInfo).port } });
  });
  afterAll(async () => {
    await proxy.close();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    received = [];
  });
  afterEach(() => proxy.setFault({ kind: 'pass' }));

  interface Exchange {
    reply: number;
    error: string | undefined;
  }

  function exchange(timeoutMs = 3_000): Promise<Exchange> {
    return new Promise((resolve) => {
      let reply = 0;
      let socket: Socket | undefined;
      const done = (error?: string) => {
        clearTimeout(timer);
        socket?.destroy();
        resolve({ reply, error });
      };
      const timer = setTimeout(() => done('no answer'), timeoutMs);
      socket = createConnection({ host: proxy.host, port: proxy.port }, () => socket?.write(REQUEST));
      socket.on('data', (chunk) => (reply += chunk.length));
      socket.on('end', () => done(reply === REPLY.length ? undefined : 'closed early'));
      socket.on('error', (error: NodeJS.ErrnoException) => done(error.code));
    });
  }

  it('passes bytes both ways untouched', async () => {
    expect(await exchange()).toEqual({ reply: 10_000, error: undefined });
    expect(received).toEqual([5_000]);
  });

  it('cuts a request after exactly N bytes', async () => {
    await proxy.setFault({ kind: 'cut', direction: 'request', afterBytes: 1_234 });
    const result = await exchange();
    expect(result.reply).toBe(0);
    expect(result.error).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received).toEqual([1_234]);
  });

  it('cuts a response after exactly N bytes', async () => {
    await proxy.setFault({ kind: 'cut', direction: 'response', afterBytes: 4_321 });
    const result = await exchange();
    expect(result.reply).toBe(4_321);
    expect(result.error).toBeDefined();
    expect(received).toEqual([5_000]);
  });

  it('refuses connections while down and listens on the same port again after', async () => {
    const port = proxy.port;
    await proxy.setFault({ kind: 'down' });
    expect((await exchange()).error).toBe('ECONNREFUSED');
    await proxy.setFault({ kind: 'pass' });
    expect(proxy.port).toBe(port);
    expect((await exchange()).error).toBeUndefined();
  });

  it('answers with a TCP reset', async () => {
    await proxy.setFault({ kind: 'reset' });
    expect((await exchange()).error).toBe('ECONNRESET');
    expect(received).toEqual([]);
  });

  it('swallows everything in blackhole mode', async () => {
    await proxy.setFault({ kind: 'blackhole' });
    expect(await exchange(300)).toEqual({ reply: 0, error: 'no answer' });
    expect(received).toEqual([]);
  });

  it('delays and throttles without changing a byte', async () => {
    await proxy.setFault({ kind: 'delay', ms: 20 });
    expect(await exchange()).toEqual({ reply: 10_000, error: undefined });
    await proxy.setFault({ kind: 'slow', bytesPerSecond: 100_000 });
    expect(await exchange()).toEqual({ reply: 10_000, error: undefined });
    expect(received).toEqual([5_000, 5_000]);
  });

  it('cuts every connection at a random byte with probability 1, none with probability 0', async () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    await proxy.setFault({ kind: 'random-cut', probability: 1, maxOffset: 4_000, random });
    for (let attempt = 0; attempt < 5; attempt++) expect((await exchange()).error).toBeDefined();
    await proxy.setFault({ kind: 'random-cut', probability: 0, maxOffset: 4_000, random });
    for (let attempt = 0; attempt < 5; attempt++) expect((await exchange()).error).toBeUndefined();
  });

  it('resets open connections on demand', async () => {
    await proxy.setFault({ kind: 'delay', ms: 500 });
    const pending = exchange();
    await new Promise((resolve) => setTimeout(resolve, 100));
    proxy.resetConnections();
    expect((await pending).error).toBe('ECONNRESET');
  });
});
