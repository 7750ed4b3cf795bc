import Database from 'better-sqlite3-multiple-ciphers';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../shared/api/errors';
import type { Clock } from '../clock';
import { applyKey, openEncryptedDatabase, proveKey, rawKeyLiteral, readJournal } from '../db/open';
import { archiveDirOf, beforeRestoreOf, type Store } from '../db/store';
import type { Reader } from '../db/handles';
import type { Sqlite } from '../db/open';
import { readQuery, readRow, value } from '../db/read-sql';

export const RESTORE_STEPS = ['stagedWritten', 'staged', 'closed', 'movedAside', 'movedAsideSideFiles', 'swapped', 'opened', 'archived'] as const;
export type RestoreStep = (typeof RESTORE_STEPS)[number];
import { openBackup, sealBackup } from './backup-file';

function removeDbFiles(file: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${file}${suffix}`, { force: true });
}

/** Re-keys an encrypted copy in place. SQLCipher re-keying needs a rollback journal, not WAL. */
function rekeyCopy(file: string, fromKey: Buffer, toKey: Buffer): void {
  const db = new Database(file, { fileMustExist: true });
  try {
    applyKey(db, fromKey);
    proveKey(db);
    db.pragma('journal_mode = DELETE');
    db.pragma(`rekey=${rawKeyLiteral(toKey)}`);
  } finally {
    db.close();
  }
}

export class BackupService {
  constructor(
    private readonly store: Store,
    private readonly backupDir: string,
    private readonly clock: Clock,
    /** Writes the restore into the restored database's own audit chain (who restored what, where the old one went). */
    private readonly onRestored?: (sqlite: Sqlite, info: { from: string; archived: string; backupCreatedAt: string }) => void,
    /** Test seam: called between the swap steps (the crash test kills the process there). */
    private readonly step: (name: RestoreStep) => void = () => {},
  ) {}

  /**
   * A consistent snapshot (VACUUM INTO, encrypted with the live key), re-keyed to a fresh backup key, sealed with
   * the passphrase. The plaintext never touches the disk.
   */
  async create(passphrase: string, outFile?: string): Promise<{ path: string; bytes: number; createdAt: string }> {
    const { sqlite, key, schemaVersion } = this.store.current;
    mkdirSync(this.backupDir, { recursive: true });
    const createdAt = this.clock.now().toISOString();
    const target = outFile ?? path.join(this.backupDir, `workstation-${createdAt.replace(/[:.]/g, '-')}.twsbak`);
    const snapshot = `${target}.snapshot-${randomBytes(4).toString('hex')}`;
    try {
      sqlite.prepare('VACUUM INTO ?').run(snapshot);
      const backupKey = randomBytes(32);
      rekeyCopy(snapshot, key, backupKey);
      const sealed = await sealBackup(readFileSync(snapshot), backupKey, passphrase, { createdAt, schemaVersion });
      writeFileSync(`${target}.tmp`, sealed, { flush: true });
      renameSync(`${target}.tmp`, target);
      return { path: target, bytes: sealed.length, createdAt };
    } finally {
      removeDbFiles(snapshot);
      rmSync(`${target}.tmp`, { force: true });
    }
  }

  list(): { path: string; bytes: number; createdAt: string }[] {
    if (!existsSync(this.backupDir)) return [];
    return readdirSync(this.backupDir)
      .filter((f) => f.endsWith('.twsbak'))
      .map((f) => {
        const p = path.join(this.backupDir, f);
        const st = statSync(p);
        return { path: p, bytes: st.size, createdAt: st.mtime.toISOString() };
      })
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  /**
   * Checks everything before replacing anything: file checksum, passphrase, SQLite integrity, schema not newer
   * than this app. Only then is the live file swapped, with the old one kept until the new one has opened; any
   * failure puts the old one back.
   */
  async restore(file: string, passphrase: string): Promise<{ restoredFrom: string; patients: number }> {
    if (!existsSync(file)) throw new ApiError('NOT_FOUND', `no backup at ${file}`);
    const { header, payload, backupKey } = await openBackup(readFileSync(file), passphrase);
    const known = readJournal(this.store.migrationsFolder).entries.length;
    if (header.schemaVersion > known)
      throw new ApiError('DB_TOO_NEW', 'the backup comes from a newer version of the workstation', { dbVersion: header.schemaVersion, appVersion: known });
    const liveFile = this.store.dbFile;
    const liveKey = this.store.current.key;
    const staged = `${liveFile}.restore-${randomBytes(4).toString('hex')}`;
    try {
      writeFileSync(staged, payload, { flush: true });
      this.step('stagedWritten');
      const check = new Database(staged, { fileMustExist: true });
      try {
        applyKey(check, backupKey);
        proveKey(check);
        const integrity = check.pragma('integrity_check', { simple: true });
        if (integrity !== 'ok') throw new ApiError('BACKUP_INVALID', `backup database fails its integrity check: ${String(integrity)}`);
      } catch (err) {
        if (err instanceof ApiError && err.code === 'DB_KEY_INVALID') throw new ApiError('BACKUP_INVALID', 'backup payload does not open with its key');
        throw err;
      } finally {
        check.close();
      }
      rekeyCopy(staged, backupKey, liveKey);
    } catch (err) {
      removeDbFiles(staged);
      throw err;
    }
    // Swap: close live, move it aside, move staged in, open (migrating an older backup forward). Undo on failure.
    // Every state a crash can leave between these steps is finished or undone at the next start
    // (recoverInterruptedRestore); the step names let the crash test kill the process at each one.
    const aside = beforeRestoreOf(liveFile);
    this.step('staged');
    this.store.close();
    this.step('closed');
    removeDbFiles(aside);
    renameSync(liveFile, aside);
    this.step('movedAside');
    for (const s of ['-wal', '-shm']) if (existsSync(`${liveFile}${s}`)) renameSync(`${liveFile}${s}`, `${aside}${s}`);
    this.step('movedAsideSideFiles');
    try {
      renameSync(staged, liveFile);
      this.step('swapped');
      const opened = openEncryptedDatabase(liveFile, liveKey, { migrationsFolder: this.store.migrationsFolder, create: false });
      this.store.adopt(opened);
      this.step('opened');
    } catch (err) {
      removeDbFiles(liveFile);
      renameSync(aside, liveFile);
      for (const s of ['-wal', '-shm']) if (existsSync(`${aside}${s}`)) renameSync(`${aside}${s}`, `${liveFile}${s}`);
      this.store.adopt(openEncryptedDatabase(liveFile, liveKey, { migrationsFolder: this.store.migrationsFolder, create: false }));
      throw err;
    }
    // The replaced database (its audit log included) is kept, still encrypted with the station key, not deleted.
    const archived = path.join(archiveDirOf(liveFile), `${path.basename(liveFile)}.replaced-${this.clock.now().toISOString().replace(/[:.]/g, '-')}`);
    mkdirSync(archiveDirOf(liveFile), { recursive: true });
    for (const s of ['', '-wal', '-shm']) if (existsSync(`${aside}${s}`)) renameSync(`${aside}${s}`, `${archived}${s}`);
    this.step('archived');
    this.onRestored?.(this.store.current.sqlite, { from: file, archived, backupCreatedAt: header.createdAt });
    const { sqlite } = this.store.current;
    return { restoredFrom: file, patients: patientCount(sqlite) };
  }
}

// A backup of a station that never registered anyone may predate the patients table.
const hasPatientsTable = readQuery(`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'patients'`, { n: value.integer });
const patientsCount = readQuery(`SELECT count(*) AS n FROM patients`, { n: value.integer });

/** How many residents a restored database holds (the restore screen says so). */
function patientCount(db: Reader): number {
  return readRow(db, hasPatientsTable)?.n ? (readRow(db, patientsCount)?.n ?? 0) : 0;
}
