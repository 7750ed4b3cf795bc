import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import type { CenterSeed } from './center-records';
import type { PlatformPki } from './certs';

const REPO_ROOT = path.resolve(__dirname, '../../..');

export interface SeededPeerProcess {
  url: string;
  resources: Record<string, number>;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts seeded-peer-process.ts with the platform's TLS material and waits until it has loaded its seeds. */
export async function startSeededPeer(pki: PlatformPki, seeds: readonly CenterSeed[]): Promise<SeededPeerProcess> {
  const child = spawn(
    process.execPath,
    ['--max-old-space-size=8192', '--import', 'tsx', path.join(__dirname, 'seeded-peer-process.ts'), JSON.stringify(seeds)],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, PEER_TLS: JSON.stringify({ ca: pki.ca.certPem, cert: pki.server.certPem, key: pki.server.keyPem }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (text: string) => (stderr += text));
  const ready = await new Promise<{ url: string; resources: Record<string, number> }>((resolve, reject) => {
    let buffered = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (text: string) => {
      buffered += text;
      const line = buffered.split('\n').find((each) => each.startsWith('{'));
      if (line) resolve(JSON.parse(line) as { url: string; resources: Record<string, number> });
    });
    child.once('exit', (code) => reject(new Error(`seeded peer exited (${code}): ${stderr}`)));
  });
  return {
    ...ready,
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
