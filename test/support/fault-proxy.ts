import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { closeServer, listenOn } from './listen';

/**
 * A TCP proxy on 127.0.0.1 with switchable faults, for sync tests and the bench.
 *
 * It sits below TLS, so it sees only encrypted bytes and the mutual-TLS session stays end to end. Byte
 * counts for `cut` include the TLS handshake (a few hundred bytes to ~2 KB with a client certificate).
 * A fault applies from the moment it is set, to new and open connections alike.
 */
export type Fault =
  | { kind: 'pass' }
  /** Nothing listens: connecting fails with ECONNREFUSED. Open connections are dropped. */
  | { kind: 'down' }
  /** Adds latency to every chunk, both ways. */
  | { kind: 'delay'; ms: number }
  /** Throttles each direction to this rate. */
  | { kind: 'slow'; bytesPerSecond: number }
  /** Closes a connection once this many bytes have gone the given way on it (the rest is not forwarded). */
  | { kind: 'cut'; direction: 'request' | 'response'; afterBytes: number }
  /** Accepts, then answers every connection with a TCP RST. */
  | { kind: 'reset' }
  /** Accepts and reads, never forwards, never answers. */
  | { kind: 'blackhole' }
  /**
   * Coarse loss for machines without network namespaces: each new connection is, with this probability,
   * cut at a random byte (up to `maxOffset`) in a random direction.
   */
  | { kind: 'random-cut'; probability: number; maxOffset: number; random: () => number };

export interface FaultProxyStats {
  connections: number;
  bytesToServer: number;
  bytesToClient: number;
  cuts: number;
  resets: number;
}

export interface FaultProxy {
  readonly host: string;
  readonly port: number;
  /** `https://127.0.0.1:<port><path>`: the target's base URL as seen through the proxy. */
  urlFor(path: string): string;
  readonly fault: Fault;
  readonly stats: FaultProxyStats;
  setFault(fault: Fault): Promise<void>;
  /** Sends a TCP RST on every open connection, both sides, now. */
  resetConnections(): void;
  close(): Promise<void>;
}

export interface FaultProxyOptions {
  target: { host: string; port: number };
  host?: string;
  port?: number;
}

interface Link {
  client: Socket;
  upstream: Socket | undefined;
  toServer: number;
  toClient: number;
  /** random-cut: the direction and byte at which this connection dies. */
  doom: { direction: 'request' | 'response'; atByte: number } | undefined;
  /** Being cut: the other side is ended (flushing what was allowed through) rather than destroyed. */
  cutting: boolean;
  /** Chunks still on their way (delayed or throttled), per direction. */
  inFlight: { request: Promise<void>; response: Promise<void> };
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const host = options.host ?? '127.0.0.1';
  const links = new Set<Link>();
  const stats: FaultProxyStats = { connections: 0, bytesToServer: 0, bytesToClient: 0, cuts: 0, resets: 0 };
  let fault: Fault = { kind: 'pass' };
  let port = options.port ?? 0;
  let server: Server | undefined;

  function kill(link: Link, how: 'drop' | 'reset'): void {
    if (link.cutting) return;
    if (how === 'reset') {
      stats.resets++;
      resetSocket(link.client);
      if (link.upstream) resetSocket(link.upstream);
    } else {
      link.client.destroy();
      link.upstream?.destroy();
    }
    links.delete(link);
  }

  /** How many bytes of this chunk may pass before the connection must die, or undefined for all of them. */
  function allowance(link: Link, direction: 'request' | 'response', size: number): number | undefined {
    const sent = direction === 'request' ? link.toServer : link.toClient;
    let limit: number | undefined;
    if (fault.kind === 'cut' && fault.direction === direction) limit = fault.afterBytes;
    if (fault.kind === 'random-cut' && link.doom?.direction === direction) limit = link.doom.atByte;
    if (limit === undefined || sent + size <= limit) return undefined;
    return Math.max(0, limit - sent);
  }

  async function forward(link: Link, from: Socket, to: Socket, direction: 'request' | 'response', chunk: Buffer) {
    if (fault.kind === 'blackhole') return;
    const allowed = allowance(link, direction, chunk.length);
    const payload = allowed === undefined ? chunk : chunk.subarray(0, allowed);
    if (fault.kind === 'delay') await sleep(fault.ms);
    if (fault.kind === 'slow') {
      await writeThrottled(to, payload, fault.bytesPerSecond);
    } else if (payload.length > 0 && !to.destroyed) {
      to.write(payload);
    }
    if (direction === 'request') {
      link.toServer += payload.length;
      stats.bytesToServer += payload.length;
    } else {
      link.toClient += payload.length;
      stats.bytesToClient += payload.length;
    }
    if (allowed !== undefined) cutAfterFlush(link, from, to);
  }

  function cutAfterFlush(link: Link, from: Socket, to: Socket): void {
    stats.cuts++;
    link.cutting = true;
    links.delete(link);
    from.destroy();
    // end() lets the allowed bytes leave before the FIN; a peer that never closes is dropped anyway.
    to.end();
    setTimeout(() => to.destroy(), 1_000).unref();
  }

  /** One chunk at a time per direction, so delays and throttling keep the byte order (and the FIN last). */
  function pump(link: Link, from: Socket, to: Socket, direction: 'request' | 'response'): void {
    from.on('data', (chunk: Buffer) => {
      from.pause();
      link.inFlight[direction] = link.inFlight[direction]
        .then(() => forward(link, from, to, direction, chunk))
        .catch(() => kill(link, 'drop'))
        .finally(() => {
          if (!from.destroyed) from.resume();
        });
    });
    from.on('end', () => {
      link.inFlight[direction] = link.inFlight[direction].then(() => {
        if (fault.kind !== 'blackhole' && !to.destroyed) to.end();
      });
    });
  }

  /** One side closed: the other follows once the bytes still in flight towards it have gone. */
  function follow(link: Link, towards: 'request' | 'response', other: Socket): void {
    if (link.cutting) return;
    void link.inFlight[towards].then(() => {
      other.end();
      setTimeout(() => other.destroy(), 1_000).unref();
    });
  }

  function accept(client: Socket): void {
    stats.connections++;
    const link: Link = {
      client,
      upstream: undefined,
      toServer: 0,
      toClient: 0,
      doom: undefined,
      cutting: false,
      inFlight: { request: Promise.resolve(), response: Promise.resolve() },
    };
    links.add(link);
    client.on('error', () => kill(link, 'drop'));
    client.on('close', () => {
      if (link.upstream) follow(link, 'request', link.upstream);
      links.delete(link);
    });
    if (fault.kind === 'reset') {
      kill(link, 'reset');
      return;
    }
    if (fault.kind === 'blackhole') {
      client.on('data', () => undefined);
      return;
    }
    if (fault.kind === 'random-cut' && fault.random() < fault.probability) {
      link.doom = {
        direction: fault.random() < 0.5 ? 'request' : 'response',
        atByte: Math.floor(fault.random() * fault.maxOffset),
      };
    }
    client.pause();
    const upstream = createConnection({ host: options.target.host, port: options.target.port });
    link.upstream = upstream;
    upstream.on('error', () => kill(link, 'drop'));
    upstream.on('close', () => {
      follow(link, 'response', client);
      links.delete(link);
    });
    upstream.once('connect', () => {
      pump(link, client, upstream, 'request');
      pump(link, upstream, client, 'response');
      client.resume();
    });
  }

  async function listen(): Promise<void> {
    const created = createServer(accept);
    port = await listenOn(created, port, host);
    server = created;
  }

  async function unlisten(): Promise<void> {
    const current = server;
    server = undefined;
    await closeServer(current);
  }

  function resetConnections(): void {
    for (const link of [...links]) kill(link, 'reset');
  }

  await listen();
  return {
    host,
    get port() {
      return port;
    },
    urlFor(path: string) {
      return `https://${host}:${port}${path}`;
    },
    get fault() {
      return fault;
    },
    stats,
    async setFault(next: Fault) {
      fault = next;
      if (next.kind === 'down') {
        const closing = unlisten();
        resetConnections();
        await closing;
      } else if (!server) {
        await listen();
      }
      if (next.kind === 'reset') resetConnections();
    },
    resetConnections,
    async close() {
      const closing = unlisten();
      resetConnections();
      await closing;
    },
  };
}

function resetSocket(socket: Socket): void {
  if (socket.destroyed) return;
  // resetAndDestroy sends a real RST (SO_LINGER 0); it throws on a socket that is not connected yet.
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}

async function writeThrottled(to: Socket, payload: Buffer, bytesPerSecond: number): Promise<void> {
  // 20 slices a second keeps the rate smooth without a timer per byte.
  const slice = Math.max(1, Math.floor(bytesPerSecond / 20));
  for (let offset = 0; offset < payload.length && !to.destroyed; offset += slice) {
    const part = payload.subarray(offset, offset + slice);
    to.write(part);
    await sleep((part.length / bytesPerSecond) * 1000);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
