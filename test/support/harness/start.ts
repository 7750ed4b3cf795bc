/**
 * `npm run harness`: the workstation in a plain browser on this machine (no Electron binary needed).
 * Data lives in $WORKSTATION_DATA or ./.harness-data; the store passphrase comes from $WORKSTATION_PASSPHRASE,
 * or the browser shows the unlock screen.
 */
import path from 'node:path';
import { startHarness } from './server';

async function main(): Promise<void> {
  const dataDir = path.resolve(process.env.WORKSTATION_DATA ?? '.harness-data');
  const harness = await startHarness({ dataDir, passphrase: process.env.WORKSTATION_PASSPHRASE, port: Number(process.env.PORT ?? 5180) });
  // The link carries a one-time code: whoever opens it first gets the session (an HttpOnly cookie).
  console.log(`workstation harness: open ${harness.launchUrl()} (data: ${dataDir})`);
  const stop = () => harness.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
