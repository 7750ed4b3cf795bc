import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { centerPatientResources, seedCenter, type CenterSeed } from '../../support/fhir-peer/center-records';
import { generatePlatformPki, type PlatformPki } from '../../support/fhir-peer/certs';
import { startFhirPeer, type FhirPeer } from '../../support/fhir-peer/peer';
import { startStationProcess, type StationProcess } from '../../support/station/station-client';
import { ADMIN, openTestStation } from '../../support/test-services';
import { countyTargetInput } from '../../support/fhir-peer/test-peer';

/**
 * A new station's first sync, killed with SIGKILL at random moments while it pulls and started again on the same
 * store each time: at the end it holds every record of its center exactly once, complete (ECG leads included),
 * and nothing of the other center — whatever the moments were.
 */

const CENTER: CenterSeed = { institutionCode: '12130321MB0000019T', patients: 2_500, prefix: 'aa', ecgEvery: 50 };
const OTHER: CenterSeed = { institutionCode: '12130322MB00000274', patients: 40, prefix: 'bb', areaCode: '130322' };

let pki: PlatformPki;
let peer: FhirPeer;
let dataDir: string;
let expected: number;

beforeAll(async () => {
  pki = generatePlatformPki({ name: 'county' });
  peer = await startFhirPeer({ ca: pki.ca.certPem, serverCert: pki.server.certPem, serverKey: pki.server.keyPem });
  expected = await seedCenter(peer.repo, CENTER);
  await seedCenter(peer.repo, OTHER);
  dataDir = mkdtempSync(path.join(tmpdir(), 'tws-resume-'));
});
afterAll(async () => {
  await peer.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function killHard(station: StationProcess): Promise<void> {
  const exited = new Promise((resolve) => station.child.once('exit', resolve));
  station.child.kill('SIGKILL');
  await exited;
}

describe('first sync of a new station survives kill -9 at any point', () => {
  it('killed at random moments during the pull, restarted each time: everything once, complete, nothing foreign', async () => {
    let seed = 12_345;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    let station = await startStationProcess('resume', { institutionCode: CENTER.institutionCode, dataDir });
    try {
      await station.call('auth.setupAdmin', ADMIN);
      await station.call('sync.configure', countyTargetInput(pki, peer.url));
      const killedAt: { received: number; total: number }[] = [];
      for (let kill = 0; kill < 4; kill++) {
        // Once it is pulling, at a random moment within the next 0.4 s (a station that already finished reports no
        // progress: then there is nothing left to interrupt).
        const pulling = await Promise.race([station.nextProgress(), new Promise<null>((resolve) => setTimeout(() => resolve(null), 30_000))]);
        if (pulling === null) break;
        await new Promise((resolve) => setTimeout(resolve, random() * 400));
        killedAt.push(station.progress ?? { received: 0, total: 0 });
        await killHard(station);
        station = await startStationProcess('resume', { institutionCode: CENTER.institutionCode, dataDir });
      }
      // The kills fell inside the pull, not before or after it.
      expect(killedAt.filter((at) => at.received < at.total).length).toBeGreaterThanOrEqual(3);
      // Left alone, it finishes (the engine started by itself with the store): the first completed cycle pulled everything.
      await station.call('auth.signIn', { username: ADMIN.username, password: ADMIN.password });
      const deadline = Date.now() + 240_000;
      for (;;) {
        const [county] = (
          await station.call<{ id: string; lastSyncAt: string | null; lastError: unknown; state: string; queued: number }[]>('sync.targets')
        ).filter((each) => each.id === 'county');
        // Done: a successful cycle, idle with nothing queued, and the first pull's own count reached (the station
        // now also pushes its Organization and an audit anchor, so a cycle can end its push before the pull is through).
        const pull = station.progress;
        const pulledAll = pull === undefined || pull === null || pull.received >= pull.total;
        if (county.lastSyncAt !== null && county.lastError === null && county.state === 'idle' && county.queued === 0 && pulledAll) break;
        if (Date.now() > deadline) throw new Error(`the first sync did not finish: ${JSON.stringify(county)}`);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      await station.stop();
    } finally {
      // A failed run must not leave the station process behind.
      await station.stop();
    }

    const opened = await openTestStation({ dataDir });
    try {
      const sqlite = opened.services.store.current.sqlite;
      const count = (sql: string) => (sqlite.prepare(sql).get() as { n: number }).n;
      const ownIds = Array.from({ length: CENTER.patients }, (_, index) => centerPatientResources(CENTER, index)).flat();
      // What it pulled; besides that the station pushed its own Organization and the audit anchor after it.
      expect(count(`SELECT count(*) AS n FROM sync_known_versions WHERE target = 'county' AND resource_type NOT IN ('Organization', 'AuditEvent')`)).toBe(
        expected,
      );
      expect(count(`SELECT count(*) AS n FROM sync_known_versions WHERE resource_id LIKE 'bb%'`)).toBe(0);
      expect(count(`SELECT count(*) AS n FROM patients`)).toBe(CENTER.patients);
      expect(count(`SELECT count(*) AS n FROM visits`)).toBe(CENTER.patients);
      expect(count(`SELECT count(*) AS n FROM vitals`)).toBe(CENTER.patients);
      expect(count(`SELECT count(*) AS n FROM ecg_records`)).toBe(ownIds.filter((each) => each.resourceType === 'DiagnosticReport').length);
      expect(count(`SELECT count(*) AS n FROM sync_pulled_parts`)).toBe(0);
      // Every ECG's waveform is whole: no sample still waiting for its lead.
      for (const row of sqlite.prepare('SELECT samples FROM ecg_records').all() as { samples: Buffer }[]) {
        const values = new Float32Array(row.samples.buffer.slice(row.samples.byteOffset, row.samples.byteOffset + row.samples.byteLength));
        expect(values.some((value) => Number.isNaN(value))).toBe(false);
      }
      // Each vitals session merged from its two Observations, not half of it.
      const partial = count(
        `SELECT count(*) AS n FROM vitals WHERE json_extract(input, '$.glucose') IS NULL OR json_extract(input, '$.bloodPressure') IS NULL`,
      );
      expect(partial).toBe(0);
    } finally {
      opened.dispose();
    }
  }, 400_000);
});
