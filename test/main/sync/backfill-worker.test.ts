import { afterEach, describe, expect, it } from 'vitest';
import { call } from '../../../src/main/api/dispatcher';
import type { Sqlite } from '../../../src/main/db/open';
import { makeResidentId } from '../../../src/shared/resident-id';
import { openTestStation, type TestStation } from '../../support/test-services';

/**
 * A back-fill of a store in use runs its preparing half in a worker thread (own read-only connection) and writes on
 * main's connection: everything arrives once, a registration made while it runs is saved and queued, main's automatic
 * WAL checkpoints are off while the worker checkpoints and on again after, and a second back-fill queues nothing.
 */
let station: TestStation | undefined;
afterEach(() => {
  station?.dispose();
  station = undefined;
});

const PATIENTS = 80; // above the small-store bound: the worker path

function countyPatients(sqlite: Sqlite): { id: string; n: number }[] {
  return sqlite
    .prepare<[], { id: string; n: number }>(
      `SELECT resource_id AS id, count(*) AS n FROM sync_outbox WHERE target = 'county' AND resource_type = 'Patient' GROUP BY resource_id`,
    )
    .all();
}

describe('back-fill in a worker thread', () => {
  it('queues every patient once, keeps the UI writing meanwhile, and queues nothing the second time', async () => {
    station = await openTestStation({ withAdmin: true });
    const { services } = station;
    const d = services.dispatch;
    for (let index = 0; index < PATIENTS; index++) {
      const result = await call(d, 'patients', 'register', {
        name: `回填${'甲乙丙丁戊己庚辛壬癸'[index % 10]}${'子丑寅卯辰巳午未申酉'[Math.floor(index / 10) % 10]}`,
        idNumber: makeResidentId('130321', '1970-01-01', index),
      });
      if (result.status !== 'created') throw new Error('setup');
    }
    const sqlite = services.store.current.sqlite;
    sqlite
      .prepare(
        `INSERT INTO sync_targets (id, enabled, base_url, ca_certificate_pem, client_pkcs12, client_passphrase, updated_at) VALUES ('county', 0, 'https://127.0.0.1/fhir/R4/', '', x'00', '', '')`,
      )
      .run();
    const progress: { done: number; total: number; queued: number; finished: boolean }[] = [];
    // Main's automatic WAL checkpoint while slices arrive (the worker checkpoints instead), and after.
    const autocheckpointDuring = new Set<unknown>();
    const autocheckpointBefore = sqlite.pragma('wal_autocheckpoint', { simple: true });
    services.events.subscribe((name, payload) => {
      if (name !== 'syncBackfill') return;
      progress.push(payload as (typeof progress)[number]);
      if (!progress.at(-1)!.finished) autocheckpointDuring.add(sqlite.pragma('wal_autocheckpoint', { simple: true }));
    });

    const running = services.sync.backfill('county');
    // The desk registers someone while the back-fill runs: saved, and queued in its own transaction.
    const during = await call(d, 'patients', 'register', { name: '回填期间', idNumber: makeResidentId('130321', '1971-01-01', 1) });
    expect(during.status).toBe('created');
    await running;

    const perPatient = countyPatients(sqlite);
    expect(perPatient).toHaveLength(PATIENTS + 1);
    expect(perPatient.filter((row) => row.n !== 1)).toEqual([]);
    expect(progress.at(-1)).toMatchObject({ finished: true });
    expect([...autocheckpointDuring]).toEqual([0]);
    expect(autocheckpointBefore).toBe(1000);
    expect(sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    expect(progress.at(-1)!.done).toBe(progress.at(-1)!.total);
    expect(sqlite.prepare(`SELECT value FROM settings WHERE key = 'sync.backfillPending'`).pluck().get()).toBe('[]');

    const before = sqlite.prepare(`SELECT count(*) FROM sync_outbox`).pluck().get();
    await services.sync.backfill('county');
    expect(sqlite.prepare(`SELECT count(*) FROM sync_outbox`).pluck().get()).toBe(before);
  });
});
