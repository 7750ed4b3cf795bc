import type { PlatformPki } from '../fhir-peer/certs';
import { countyTargetInput } from '../fhir-peer/county-peer';
import type { FhirPeer } from '../fhir-peer/peer';
import { ADMIN } from '../test-services';
import type { StationProcess } from './station-client';
import { until as pollUntil } from '../until';

/** First run as an administrator; then, unless `offline`, the county target pointing at the peer. */
export async function setUpStation(station: StationProcess, peer: FhirPeer, pki: PlatformPki, options: { offline?: boolean } = {}): Promise<void> {
  await station.call('auth.setupAdmin', ADMIN);
  if (!options.offline) await configureCounty(station, peer, pki);
}

/** The county target over mutual TLS, as the 同步 settings form sets it. */
export async function configureCounty(station: StationProcess, peer: FhirPeer, pki: PlatformPki): Promise<void> {
  await station.call('sync.configure', countyTargetInput(pki, peer.url));
}

/** Polls a station process until `done` (it converges through the live poll; no timing is asserted). */
export function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 60_000): Promise<T> {
  return pollUntil(read, done, what, timeoutMs, 200);
}
