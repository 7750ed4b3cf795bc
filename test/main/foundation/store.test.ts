import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/shared/api/errors';
import { openEncryptedDatabase } from '../../../src/main/db/open';
import { keyFileOf, Store } from '../../../src/main/db/store';
import { defaultMigrationsFolder } from '../../../src/main/db/open';
import { memoryKeystore, openTestStation, TEST_PASSPHRASE, type TestStation } from '../../support/test-services';

let station: TestStation | undefined;
afterEach(() => {
  station?.dispose();
  station = undefined;
});

const migrationsFolder = defaultMigrationsFolder();

describe('encrypted store', () => {
  it('writes SQLCipher files: no SQLite header, no plaintext, WAL and synchronous=FULL', async () => {
    station = await openTestStation({ withAdmin: true });
    const { sqlite } = station.services.store.current;
    expect(sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(sqlite.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    sqlite.prepare(`INSERT INTO settings (key, value, updated_at) VALUES ('probe', '张三丰 110101199003077777', 'x')`).run();
    const file = station.services.store.dbFile;
    for (const f of [file, `${file}-wal`]) {
      const bytes = readFileSync(f);
      expect(bytes.subarray(0, 16).toString('latin1')).not.toContain('SQLite format 3');
      expect(bytes.includes(Buffer.from('张三丰'))).toBe(false);
      expect(bytes.includes(Buffer.from('110101199003077777'))).toBe(false);
    }
  });

  it('a wrong passphrase fails with DB_KEY_INVALID and leaves the file byte for byte unchanged', async () => {
    station = await openTestStation({ withAdmin: true });
    station.services.store.close();
    const file = station.services.store.dbFile;
    const before = readFileSync(file);
    const store = new Store({ dbFile: file, migrationsFolder });
    await expect(store.openWithPassphrase('not the passphrase')).rejects.toMatchObject({ code: 'DB_KEY_INVALID' });
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('a wrong raw key fails with DB_KEY_INVALID and leaves the file unchanged', async () => {
    station = await openTestStation({ withAdmin: true });
    station.services.store.close();
    const file = station.services.store.dbFile;
    const before = readFileSync(file);
    expect(() => openEncryptedDatabase(file, Buffer.alloc(32, 7), { migrationsFolder, create: false })).toThrow(ApiError);
    try {
      openEncryptedDatabase(file, Buffer.alloc(32, 7), { migrationsFolder, create: false });
    } catch (err) {
      expect((err as ApiError).code).toBe('DB_KEY_INVALID');
    }
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses a database written by a newer app version', async () => {
    station = await openTestStation();
    const { sqlite } = station.services.store.current;
    sqlite.prepare('INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)').run('future', Date.now() + 10 ** 11);
    station.services.store.close();
    const store = new Store({ dbFile: station.services.store.dbFile, migrationsFolder });
    await expect(store.openWithPassphrase(TEST_PASSPHRASE)).rejects.toMatchObject({ code: 'DB_TOO_NEW' });
  });

  it('opens silently with a strong OS keystore; a changed backend or a weak one needs the passphrase, never a new key', async () => {
    const keystore = memoryKeystore('gnome_libsecret');
    station = await openTestStation({ keystore, withAdmin: true });
    const file = station.services.store.dbFile;
    station.services.store.close();
    const keyFileBefore = readFileSync(keyFileOf(file), 'utf8');

    const again = new Store({ dbFile: file, migrationsFolder, keystore });
    expect(await again.tryOpenWithKeystore()).toBe(true);
    again.close();

    keystore.backend = 'kwallet5';
    const changed = new Store({ dbFile: file, migrationsFolder, keystore });
    expect(await changed.tryOpenWithKeystore()).toBe(false);
    expect(changed.state()).toBe('needsPassphrase');
    await changed.openWithPassphrase(TEST_PASSPHRASE);
    // Same key, re-wrapped for the new backend; the passphrase wrapping is kept.
    const after = JSON.parse(readFileSync(keyFileOf(file), 'utf8'));
    expect(after.wrappings.map((w: { kind: string }) => w.kind).sort()).toEqual(['passphrase', 'safeStorage']);
    expect(after.wrappings.find((w: { kind: string }) => w.kind === 'passphrase')).toEqual(
      JSON.parse(keyFileBefore).wrappings.find((w: { kind: string }) => w.kind === 'passphrase'),
    );
    changed.close();

    const weak = memoryKeystore('basic_text');
    const weakStore = new Store({ dbFile: file, migrationsFolder, keystore: weak });
    expect(await weakStore.tryOpenWithKeystore()).toBe(false);
    expect(weakStore.state()).toBe('needsPassphrase');
  });

  it('refuses to open when the key file is missing instead of making a new key', async () => {
    station = await openTestStation({ withAdmin: true });
    const file = station.services.store.dbFile;
    station.services.store.close();
    copyFileSync(keyFileOf(file), `${keyFileOf(file)}.bak`);
    writeFileSync(keyFileOf(file), '{"version":1,"wrappings":[]}');
    const store = new Store({ dbFile: file, migrationsFolder });
    await expect(store.openWithPassphrase(TEST_PASSPHRASE)).rejects.toMatchObject({ code: 'DB_KEY_INVALID' });
    expect(path.basename(file)).toBe('workstation.db');
  });
});
