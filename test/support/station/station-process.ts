/**
 * One station PC as its own process: the loopback harness (same services and dispatcher as Electron main) over
 * its own encrypted store. Prints one JSON line {url, token} when ready; the parent drives it over the harness
 * API as the renderer would. Usage: station-process.ts <dataDir> [institutionCode]
 */
import { readFeatureSetting, writeFeatureSetting } from '../../../src/main/settings/settings-service';
import { startHarness } from '../harness/server';
import { TEST_PASSPHRASE } from '../test-services';

async function main(): Promise<void> {
  const [dataDir, institutionCode] = process.argv.slice(2);
  if (!dataDir) throw new Error('usage: station-process.ts <dataDir> [institutionCode]');
  const harness = await startHarness({ dataDir, passphrase: TEST_PASSPHRASE, port: 0 });
  // Until the station settings carry it (first-run setup), the institution code is the feature setting the sync reads.
  if (institutionCode)
    writeFeatureSetting(
      harness.services.store.current.db,
      'station',
      { ...(readFeatureSetting(harness.services.store.current.db, 'station') ?? {}), institutionCode: institutionCode },
      harness.clock,
    );
  process.stdout.write(`${JSON.stringify({ url: harness.url, token: harness.token, pid: process.pid })}\n`);
  // First-sync progress as the event channel carries it, one line each, for a parent that watches the pull.
  harness.services.events.subscribe((name, payload) => {
    const pull = name === 'syncProgress' ? (payload as { pull?: { received: number; total: number } }).pull : undefined;
    if (pull) process.stdout.write(`progress ${pull.received} ${pull.total}\n`);
  });
  const stop = () => void harness.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
