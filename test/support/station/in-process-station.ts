import { call } from '../../../src/main/api/dispatcher';
import { readFeatureSetting, writeFeatureSetting } from '../../../src/main/settings/settings-service';
import type { PlatformPki } from '../fhir-peer/certs';
import { countyTargetInput } from '../fhir-peer/county-peer';
import type { FhirPeer } from '../fhir-peer/peer';
import { openTestStation, type TestStation } from '../test-services';

/** Names the station's institution in its settings (as 设置 → 本机构 does), keeping the other station settings. */
export function setStationInstitution(station: TestStation, institution: { code: string; name?: string }): void {
  const db = station.services.store.current.db;
  const current = readFeatureSetting(db, 'station');
  const base = typeof current === 'object' && current !== null ? current : {};
  const named = institution.name === undefined ? {} : { facilityName: institution.name };
  writeFeatureSetting(db, 'station', { ...base, ...named, institutionCode: institution.code }, station.clock);
}

/** A station in this process, named by its institution code, with the county target pointing at the peer. */
export async function openSyncingStation(peer: FhirPeer, pki: PlatformPki, code: string): Promise<TestStation> {
  const opened = await openTestStation({ withAdmin: true });
  setStationInstitution(opened, { code });
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

/** Stops each station's sync engine before closing its database, so no cycle is left writing to a closed store. */
export async function closeSyncingStations(stations: readonly TestStation[]): Promise<void> {
  for (const s of stations) {
    await s.services.sync.close();
    s.dispose();
  }
}
