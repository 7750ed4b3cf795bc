import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { call } from '../../../src/main/api/dispatcher';
import { ApiError } from '../../../src/shared/api/errors';
import { openTestStation, type TestStation } from '../../support/test-services';

let station: TestStation | undefined;
afterEach(() => {
  station?.dispose();
  station = undefined;
});

/** Restore takes a file the user chose (main's dialog hands a handle, issue 15 point 8). */
const handleOf = (file: string) => station!.services.files.register(file, 'backup').handle;
const BACKUP_PASS = 'backup-passphrase-1';

function facility(s: TestStation): string {
  const row = s.services.store.current.sqlite.prepare(`SELECT value FROM settings WHERE key = 'station'`).get() as { value: string };
  return JSON.parse(row.value).facilityName;
}

describe('backup and restore', () => {
  it('a backup holds no plaintext and no SQLite header, and restores the data it was taken from', async () => {
    station = await openTestStation({ withAdmin: true });
    const d = station.services.dispatch;
    await call(d, 'settings', 'update', { facilityName: '张家镇卫生院 110101199003077777' });
    const backup = await call(d, 'backup', 'create', { passphrase: BACKUP_PASS });
    const bytes = readFileSync(backup.path);
    expect(bytes.includes(Buffer.from('SQLite format 3'))).toBe(false);
    expect(bytes.includes(Buffer.from('张家镇'))).toBe(false);
    expect(bytes.includes(Buffer.from('110101199003077777'))).toBe(false);

    await call(d, 'settings', 'update', { facilityName: '改过的名字' });
    await call(d, 'backup', 'restore', { file: handleOf(backup.path), passphrase: BACKUP_PASS });
    expect(facility(station)).toBe('张家镇卫生院 110101199003077777');
    // The store is usable after the swap.
    await call(d, 'settings', 'update', { facilityName: '恢复后可写' });
    expect(facility(station)).toBe('恢复后可写');
  });

  it('a wrong passphrase, a damaged or a truncated file is refused and the live data stays as it was', async () => {
    station = await openTestStation({ withAdmin: true });
    const d = station.services.dispatch;
    await call(d, 'settings', 'update', { facilityName: '备份时' });
    const backup = await call(d, 'backup', 'create', { passphrase: BACKUP_PASS });
    await call(d, 'settings', 'update', { facilityName: '现在的数据' });
    const codeOf = (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (e: ApiError) => e.code,
      );

    expect(await codeOf(call(d, 'backup', 'restore', { file: handleOf(backup.path), passphrase: 'wrong-passphrase' }))).toBe('BACKUP_PASSPHRASE');
    const bytes = readFileSync(backup.path);
    const damaged = Buffer.from(bytes);
    damaged[damaged.length - 100] ^= 0xff;
    writeFileSync(`${backup.path}.damaged`, damaged);
    expect(await codeOf(call(d, 'backup', 'restore', { file: handleOf(`${backup.path}.damaged`), passphrase: BACKUP_PASS }))).toBe('BACKUP_INVALID');
    writeFileSync(`${backup.path}.short`, bytes.subarray(0, bytes.length / 2));
    expect(await codeOf(call(d, 'backup', 'restore', { file: handleOf(`${backup.path}.short`), passphrase: BACKUP_PASS }))).toBe('BACKUP_INVALID');
    writeFileSync(`${backup.path}.junk`, 'not a backup');
    expect(await codeOf(call(d, 'backup', 'restore', { file: handleOf(`${backup.path}.junk`), passphrase: BACKUP_PASS }))).toBe('BACKUP_INVALID');
    expect(facility(station)).toBe('现在的数据');
    expect(station.services.store.current.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
  });
});
