/**
 * A county peer in its own process, seeded straight through its repository with one or more centers' records
 * (center-records.ts), so a bench can measure a station's first sync without the peer's work landing on the
 * station's main thread. Input: env PEER_TLS = JSON {ca, cert, key} (PEM) and argv[2] = JSON CenterSeed[].
 * Prints one JSON line {url, resources: {<institution code>: count}} when ready; SIGTERM stops it.
 */
import { seedCenter, type CenterSeed } from './center-records';
import { startFhirPeer } from './peer';

async function main(): Promise<void> {
  const tls = JSON.parse(process.env.PEER_TLS ?? '{}') as { ca: string; cert: string; key: string };
  const seeds = JSON.parse(process.argv[2] ?? '[]') as CenterSeed[];
  const peer = await startFhirPeer({ ca: tls.ca, serverCert: tls.cert, serverKey: tls.key });
  const resources: Record<string, number> = {};
  for (const seed of seeds) resources[seed.institutionCode] = (resources[seed.institutionCode] ?? 0) + (await seedCenter(peer.repo, seed));
  process.stdout.write(`${JSON.stringify({ url: peer.url, resources })}\n`);
  const stop = () => void peer.stop().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
