import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BackupService, RESTORE_STEPS } from '../../../src/main/backup/backup-service';
import { systemClock } from '../../../src/main/clock';
import { defaultMigrationsFolder } from '../../../src/main/db/open';
import { keyFileOf, Store } from '../../../src/main/db/store';
import { ApiError } from '../../../src/shared/api/errors';

const CHILD = path.resolve(__dirname, '../../support/crash/restore-child.ts');
const PASS = 'station-passphrase-1';
const BACKUP_PASS = 'backup-passphrase-1';

function marker(store: Store): string {
  const row = store.current.sqlite.prepare(`SELECT value FROM settings WHERE key = 'test.marker'`).get() as { value: string } | undefined;
  return row ? (JSON.parse(row.value) as string) : 'none';
}
function setMarker(store: Store, value: string): void {
  store.current.sqlite
    .prepare(`INSERT INTO settings (key, value, updated_at) VALUES ('test.marker', ?, 'x') ON CONFLICT(key) DO UPDATE SET value = excluded.value`)
    .run(JSON.stringify(value));
}

function runChild(args: string[]): Promise<{ signal: NodeJS.Signals | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('exit', (_code, signal) => resolve({ signal, out, err }));
  });
}

describe('restore survives kill -9 at every step (issue 15 point 5)', () => {
  it.each(RESTORE_STEPS)('killed at %s: the next start opens the data (old or restored, never neither)', async (step) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tws-restore-crash-'));
    try {
      const dbFile = path.join(dir, 'workstation.db');
      const migrationsFolder = defaultMigrationsFolder();
      const store = new Store({ dbFile, migrationsFolder });
      await store.openWithPassphrase(PASS);
      setMarker(store, 'in-backup');
      const backup = await new BackupService(store, path.join(dir, 'backups'), systemClock).create(BACKUP_PASS);
      setMarker(store, 'after-backup');
      store.close();

      const result = await runChild([dbFile, PASS, backup.path, BACKUP_PASS, step]);
      expect(result.signal, result.err).toBe('SIGKILL');

      const next = new Store({ dbFile, migrationsFolder });
      expect(next.state()).toBe('needsPassphrase');
      await next.openWithPassphrase(PASS);
      try {
        expect(next.current.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
        const restoredAlready = RESTORE_STEPS.indexOf(step) >= RESTORE_STEPS.indexOf('swapped');
        expect(marker(next)).toBe(restoredAlready ? 'in-backup' : 'after-backup');
        expect(readdirSync(dir).filter((f) => f.includes('.restore-') || f.includes('.before-restore'))).toEqual([]);
        if (restoredAlready) expect(readdirSync(path.join(dir, 'archive')).some((f) => f.startsWith('workstation.db.replaced-'))).toBe(true);
      } finally {
        next.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a missing database file never gets a new key over its old one', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tws-missing-db-'));
    try {
      const dbFile = path.join(dir, 'workstation.db');
      const store = new Store({ dbFile, migrationsFolder: defaultMigrationsFolder() });
      await store.openWithPassphrase(PASS);
      store.close();
      const keyBefore = readdirSync(dir);
      rmSync(dbFile); // antivirus quarantine, a user's mistake
      const again = new Store({ dbFile, migrationsFolder: defaultMigrationsFolder() });
      expect(again.state()).toBe('needsPassphrase');
      const err = await again.openWithPassphrase(PASS).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).details?.reason).toBe('SECURITY_DB_FILE_MISSING');
      expect(existsSync(dbFile)).toBe(false);
      expect(existsSync(keyFileOf(dbFile))).toBe(true);
      expect(keyBefore).toContain('workstation.db.key.json');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
