import { call } from '../../../src/main/api/dispatcher';
import { readFeatureSetting, writeFeatureSetting } from '../../../src/main/settings/settings-service';
import type { PlatformPki } from '../fhir-peer/certs';
import { countyTargetInput } from '../fhir-peer/county-peer';
import type { FhirPeer } from '../fhir-peer/peer';
import { openTestStation, type TestStation } from '../test-services';

/** A station in this process, named by its institution code, with the county target pointing at the peer. */
export async function openSyncingStation(peer: FhirPeer, pki: PlatformPki, code: string): Promise<TestStation> {
  const opened = await openTestStation({ withAdmin: true });
  writeFeatureSetting(
    opened.services.store.current.db,
    'station',
    { ...(readFeatureSetting(opened.services.store.current.db, 'station') ?? {}), institutionCode: code },
    opened.clock,
  );
  await call(opened.services.dispatch, 'sync', 'configure', countyTargetInput(pki, peer.url));
  return opened;
}

/** One push-then-pull cycle with the county, driven by the test (no timing involved). */
export async function syncOnce(s: TestStation): Promise<void> {
  const engine = await s.services.sync.running();
  if (!engine) throw new Error('the engine did not start');
  const report = await engine.syncOnce('county');
  if (!report.ok) throw new Error(`sync failed: ${JSON.stringify(report.error)}`);
}
