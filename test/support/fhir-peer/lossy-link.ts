import type { Resource } from '@medplum/fhirtypes';
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { PlatformPki } from './certs';

/**
 * Real packet loss for sync tests: the peer runs in its own network namespace, joined to ours by a veth
 * pair, and nftables drops a share of packets at random (`numgen random mod 100 < N`) both ways. TCP then
 * has to retransmit for real. netem is not in this kernel; nftables' numgen is.
 *
 * Needs root, iproute2 and the nft binary (Debian package nftables). `lossyLinkSupport()` says whether this
 * machine has them, synchronously, so a test can pick its name and mode at collection time.
 */

export type LossyLinkSupport = { supported: true } | { supported: false; reason: string };

let cachedSupport: LossyLinkSupport | undefined;

export function lossyLinkSupport(): LossyLinkSupport {
  cachedSupport ??= probeSupport();
  return cachedSupport;
}

function probeSupport(): LossyLinkSupport {
  if (process.env.SYNC_LOSS_WITHOUT_NETNS === '1') return { supported: false, reason: 'SYNC_LOSS_WITHOUT_NETNS=1' };
  if (process.platform !== 'linux') return { supported: false, reason: 'not Linux' };
  if (process.getuid?.() !== 0) return { supported: false, reason: 'not root' };
  for (const [binary, args] of [
    ['ip', ['-V']],
    ['nft', ['--version']],
  ] as const) {
    try {
      execFileSync(binary, args, { stdio: 'ignore' });
    } catch {
      return { supported: false, reason: `${binary} is not installed` };
    }
  }
  const probe = `sync-probe-${process.pid}`;
  try {
    execFileSync('ip', ['netns', 'add', probe], { stdio: 'ignore' });
    execFileSync('ip', ['netns', 'exec', probe, 'nft', 'add', 'table', 'inet', 'probe'], { stdio: 'ignore' });
    return { supported: true };
  } catch {
    return { supported: false, reason: 'network namespaces or nftables are not permitted here' };
  } finally {
    try {
      execFileSync('ip', ['netns', 'del', probe], { stdio: 'ignore' });
    } catch {
      // It was never created.
    }
  }
}

export interface LossyLink {
  namespace: string;
  /** Our end of the veth. */
  hostAddress: string;
  /** The namespace's end, where the peer listens. */
  peerAddress: string;
  /** Packets seen and dropped by nftables so far, both directions together. */
  packetCounts(): { seen: number; dropped: number };
  setLossPercent(percent: number): void;
  destroy(): void;
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function nft(namespace: string, ...args: string[]): string {
  return execFileSync('ip', ['netns', 'exec', namespace, 'nft', ...args], { encoding: 'utf8' });
}

export function createLossyLink(lossPercent: number): LossyLink {
  const tag = `${process.pid % 100_000}`;
  const namespace = `sync-loss-${tag}`;
  const hostSide = `vsl${tag}h`;
  const peerSide = `vsl${tag}n`;
  // A /30 per process, so parallel runs (tests and bench) do not collide.
  const block = (process.pid % 16_000) * 4;
  const subnet = `10.${200 + Math.floor(block / 65_536)}.${Math.floor(block / 256) % 256}`;
  const hostAddress = `${subnet}.${(block % 256) + 1}`;
  const peerAddress = `${subnet}.${(block % 256) + 2}`;
  ip('netns', 'add', namespace);
  try {
    ip('link', 'add', hostSide, 'type', 'veth', 'peer', 'name', peerSide);
    ip('link', 'set', peerSide, 'netns', namespace);
    ip('addr', 'add', `${hostAddress}/30`, 'dev', hostSide);
    // Without this the kernel hands nftables 64 KB GSO super-packets, and "20 % of packets" would mean a
    // few dozen giant ones: one wire-sized segment per packet makes the loss rate mean what it says.
    ip('link', 'set', hostSide, 'gso_max_size', '1500', 'gso_max_segs', '1');
    ip('link', 'set', hostSide, 'up');
    ip('netns', 'exec', namespace, 'ip', 'addr', 'add', `${peerAddress}/30`, 'dev', peerSide);
    ip('netns', 'exec', namespace, 'ip', 'link', 'set', peerSide, 'gso_max_size', '1500', 'gso_max_segs', '1');
    ip('netns', 'exec', namespace, 'ip', 'link', 'set', peerSide, 'up');
    ip('netns', 'exec', namespace, 'ip', 'link', 'set', 'lo', 'up');
    nft(namespace, 'add', 'table', 'inet', 'loss');
    for (const [chain, hook] of CHAINS) {
      nft(namespace, 'add', 'chain', 'inet', 'loss', chain, `{ type filter hook ${hook} priority 0; policy accept; }`);
    }
    addLossRules(namespace, peerSide, lossPercent);
  } catch (error) {
    destroyNamespace(namespace, hostSide);
    throw error;
  }
  return {
    namespace,
    hostAddress,
    peerAddress,
    packetCounts() {
      const listing = nft(namespace, 'list', 'table', 'inet', 'loss');
      const count = (verdict: 'seen' | 'drop') =>
        [...listing.matchAll(/counter packets (\d+) bytes \d+( drop)?/g)]
          .filter((match) => (verdict === 'drop') === (match[2] !== undefined))
          .reduce((sum, match) => sum + Number(match[1]), 0);
      return { seen: count('seen'), dropped: count('drop') };
    },
    setLossPercent(percent: number) {
      for (const [chain] of CHAINS) nft(namespace, 'flush', 'chain', 'inet', 'loss', chain);
      addLossRules(namespace, peerSide, percent);
    },
    destroy() {
      destroyNamespace(namespace, hostSide);
    },
  };
}

const CHAINS = [
  ['inbound', 'input', 'iifname'],
  ['outbound', 'output', 'oifname'],
] as const;

/** Per direction: count every packet, then drop `percent` of them at random (numgen: uniform per packet). */
function addLossRules(namespace: string, device: string, percent: number): void {
  for (const [chain, , match] of CHAINS) {
    nft(namespace, 'add', 'rule', 'inet', 'loss', chain, match, device, 'counter');
    nft(namespace, 'add', 'rule', 'inet', 'loss', chain, match, device, 'numgen', 'random', 'mod', '100', '<', String(percent), 'counter', 'drop');
  }
}

function destroyNamespace(namespace: string, hostSide: string): void {
  // Deleting the namespace takes its end of the veth, and with it ours.
  try {
    ip('netns', 'del', namespace);
  } catch {
    // Already gone.
  }
  try {
    ip('link', 'del', hostSide);
  } catch {
    // Went with the namespace.
  }
}

export interface RemotePeer {
  url: string;
  census(): Promise<Resource[]>;
  stop(): Promise<void>;
}

/** Starts test/support/fhir-peer/serve.ts inside the namespace (with tsx, as the rest of the tooling). */
export async function startPeerInNamespace(link: LossyLink, pki: PlatformPki, port = 8443): Promise<RemotePeer> {
  const repoRoot = path.resolve(__dirname, '../../..');
  const child: ChildProcessWithoutNullStreams = spawn(
    'ip',
    ['netns', 'exec', link.namespace, process.execPath, '--import', 'tsx', path.join(__dirname, 'serve.ts')],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        PEER_HOST: link.peerAddress,
        PEER_PORT: String(port),
        PEER_CA: pki.ca.certPath,
        PEER_CERT: pki.server.certPath,
        PEER_KEY: pki.server.keyPath,
      },
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const lines = createInterface({ input: child.stdout });
  const waiting: ((message: { event: string; [key: string]: unknown }) => void)[] = [];
  lines.on('line', (line) => {
    const message = JSON.parse(line) as { event: string };
    waiting.shift()?.(message);
  });
  const next = () =>
    new Promise<{ event: string; [key: string]: unknown }>((resolve, reject) => {
      waiting.push(resolve);
      child.once('exit', (code) => reject(new Error(`Peer process exited (${code}): ${stderr}`)));
    });
  const listening = await next();
  return {
    url: String(listening.url),
    async census() {
      const reply = next();
      child.stdin.write('census\n');
      return (await reply).resources as Resource[];
    },
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin.write('stop\n');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
