import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { startFhirPeer } from './peer';

/**
 * A peer in its own process, for runs where the server must live elsewhere (inside a network namespace,
 * behind a lossy veth). Configured by environment; speaks JSON lines on stdout, takes commands on stdin:
 *   → {"event":"listening","url":...,"port":...}
 *   ← census            → {"event":"census","resources":[...current resources...]}
 *   ← stop              → exits
 */
async function main(): Promise<void> {
  const env = (name: string) => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set`);
    return value;
  };
  const peer = await startFhirPeer({
    name: process.env.PEER_NAME ?? 'peer',
    host: env('PEER_HOST'),
    port: Number(process.env.PEER_PORT ?? 0),
    ca: readFileSync(env('PEER_CA'), 'utf8'),
    serverCert: readFileSync(env('PEER_CERT'), 'utf8'),
    serverKey: readFileSync(env('PEER_KEY'), 'utf8'),
  });
  const say = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`);
  say({ event: 'listening', url: peer.url, port: peer.port });
  for await (const line of createInterface({ input: process.stdin })) {
    const command = line.trim();
    if (command === 'census') {
      const types = [...new Set(peer.repo.changes.map((change) => change.resourceType))];
      const resources = (await Promise.all(types.map((type) => peer.repo.all(type as 'Patient')))).flat();
      say({ event: 'census', resources, versions: peer.repo.changes.length });
    } else if (command === 'stop') {
      break;
    }
  }
  await peer.stop();
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
