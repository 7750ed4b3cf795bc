import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLE_SYNC } from '../../../src/main/sync/coverage';
import { SYNC_FAMILIES } from '../../../src/shared/sync';
import { openTestStation, type TestStation } from '../../support/test-services';

/** ARCHITECTURE §10 / issue 10 item 0: every table has a sync mapping or a written reason to stay local. */

let station: TestStation;
beforeAll(async () => {
  station = await openTestStation();
});
afterAll(() => station?.dispose());

function tables(): string[] {
  const rows = station.services.store.current.sqlite
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '\\_\\_drizzle%' ESCAPE '\\' ORDER BY name`)
    .all() as { name: string }[];
  return rows.map((row) => row.name);
}

describe('sync coverage of the store', () => {
  it('every table after all migrations is either sent (by named families) or stays local with a reason', () => {
    const missing = tables().filter((table) => !(table in TABLE_SYNC));
    expect(missing, 'tables with neither a sync mapping nor a reason to stay local (src/main/sync/coverage.ts)').toEqual([]);
  });

  it('names no table that does not exist, and every entry is well formed', () => {
    const present = new Set(tables());
    expect(Object.keys(TABLE_SYNC).filter((table) => !present.has(table))).toEqual([]);
    for (const [table, entry] of Object.entries(TABLE_SYNC)) {
      if ('sent' in entry) {
        expect(entry.sent.length, table).toBeGreaterThan(0);
        for (const family of entry.sent) expect(SYNC_FAMILIES, table).toContain(family);
      } else {
        expect(entry.local.length, table).toBeGreaterThan(20);
      }
    }
  });
});
