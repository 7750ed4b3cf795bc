import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../shared/api/errors';
import type { SecurityReason } from '../../shared/api/system';
import {
  type KeyFile,
  type OsKeystore,
  keystoreIsStrong,
  newDatabaseKey,
  parseKeyFile,
  passphraseWrapping,
  tryUnwrapAllWithKeystore,
  unwrapAllWithPassphrase,
  unwrapWithPassphrase,
  wrapWithKeystore,
  wrapWithPassphrase,
} from './key-protection';
import { openEncryptedDatabase, type OpenedStore } from './open';

export type StoreState = 'open' | 'needsPassphrase' | 'newNeedsPassphrase';

export interface StoreOptions {
  dbFile: string;
  migrationsFolder: string;
  /** Electron safeStorage in the app; absent in the harness and the CLI (passphrase only). */
  keystore?: OsKeystore;
}

export function keyFileOf(dbFile: string): string {
  return `${dbFile}.key.json`;
}

/** Where restore keeps the live database while the restored one is being swapped in (see recoverInterruptedRestore). */
export function beforeRestoreOf(dbFile: string): string {
  return `${dbFile}.before-restore`;
}

const SIDE_FILES = ['-wal', '-shm', '-journal'] as const;

function moveDbFiles(from: string, to: string): void {
  for (const s of ['', ...SIDE_FILES]) {
    rmSync(`${to}${s}`, { force: true });
    if (existsSync(`${from}${s}`)) renameSync(`${from}${s}`, `${to}${s}`);
  }
}

/** Where replaced databases are kept (still encrypted with the station key), e.g. the log a restore replaced. */
export function archiveDirOf(dbFile: string): string {
  return path.join(path.dirname(dbFile), 'archive');
}

/**
 * Finishes or undoes a restore that was interrupted (crash, power cut, kill -9), from what is on disk; each step
 * of BackupService.restore leaves one of these states:
 * - staged copies `<db>.restore-*` only: nothing was swapped yet, they are dropped;
 * - live file gone, `.before-restore` present: the swap had begun, the old database goes back (roll back);
 * - both present: the restored file (complete and re-keyed before the swap began) is in place; the old one is
 *   archived as restore would have done (roll forward).
 * Returns what it did, so the caller can audit it.
 */
export function recoverInterruptedRestore(dbFile: string, now: Date): 'none' | 'rolledBack' | 'rolledForward' {
  const aside = beforeRestoreOf(dbFile);
  const dir = path.dirname(dbFile);
  const base = path.basename(dbFile);
  let outcome: 'none' | 'rolledBack' | 'rolledForward' = 'none';
  if (existsSync(aside)) {
    if (!existsSync(dbFile)) {
      moveDbFiles(aside, dbFile);
      outcome = 'rolledBack';
    } else {
      mkdirSync(archiveDirOf(dbFile), { recursive: true });
      moveDbFiles(aside, path.join(archiveDirOf(dbFile), `${base}.replaced-${now.toISOString().replace(/[:.]/g, '-')}`));
      outcome = 'rolledForward';
    }
  }
  if (existsSync(dir)) {
    for (const f of readdirSync(dir)) if (f.startsWith(`${base}.restore-`)) rmSync(path.join(dir, f), { force: true });
  }
  return outcome;
}

function writeFileAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600, flush: true });
  renameSync(tmp, file);
}

/**
 * Owns the one open database of the station and its key. Never creates a new key for an existing database:
 * a missing or unreadable keystore means asking for the administrator's passphrase, not starting over.
 */
export class Store {
  private opened: OpenedStore | undefined;
  private audit: Buffer | undefined;
  private readonly closeListeners = new Set<() => void>();

  constructor(private readonly opts: StoreOptions) {}

  get isOpen(): boolean {
    return this.opened !== undefined;
  }

  get keyProtection(): 'safeStorage' | 'passphrase' | null {
    if (!existsSync(keyFileOf(this.opts.dbFile))) return null;
    const file = parseKeyFile(readFileSync(keyFileOf(this.opts.dbFile), 'utf8'));
    return file.wrappings.some((w) => w.kind === 'safeStorage') ? 'safeStorage' : 'passphrase';
  }

  /**
   * A station with a key file (or an unfinished restore) is never "new": the database file may be missing
   * (antivirus quarantine, a crash mid-restore), and making a new one would overwrite the only key to the old data.
   */
  state(): StoreState {
    if (this.opened) return 'open';
    this.recover();
    return existsSync(this.opts.dbFile) || existsSync(keyFileOf(this.opts.dbFile)) ? 'needsPassphrase' : 'newNeedsPassphrase';
  }

  /** What the last start found of an interrupted restore (the backup service audits it once the store is open). */
  recovered: 'none' | 'rolledBack' | 'rolledForward' = 'none';

  private recover(): void {
    const outcome = recoverInterruptedRestore(this.opts.dbFile, new Date());
    if (outcome !== 'none') this.recovered = outcome;
  }

  /** At start: opens silently when the OS keystore still holds the key. */
  async tryOpenWithKeystore(): Promise<boolean> {
    if (this.opened) return true;
    this.recover();
    if (!existsSync(this.opts.dbFile) || !existsSync(keyFileOf(this.opts.dbFile))) return false;
    const file = this.readKeyFile();
    const unwrapped = await tryUnwrapAllWithKeystore(file, this.opts.keystore);
    if (!unwrapped) return false;
    this.opened = openEncryptedDatabase(this.opts.dbFile, unwrapped.key, { migrationsFolder: this.opts.migrationsFolder, create: false });
    this.audit = unwrapped.auditKey;
    if (!this.audit) {
      // A key file from before the audit key existed: the keystore wrapping gets one now, the passphrase wrapping at
      // the next passphrase open (which copies this one while the keystore still answers).
      this.audit = newDatabaseKey();
      await this.writeWrappings(file, unwrapped.key, this.audit, undefined);
    }
    return true;
  }

  /**
   * The audit log's HMAC key (issue 15.4), held in the key file beside the database key but not derivable from it.
   * Known whenever the store is open.
   */
  get auditKey(): Buffer {
    if (!this.opened || !this.audit) throw new ApiError('DB_LOCKED', 'the database is not open yet');
    return this.audit;
  }

  /** Opens with the administrator passphrase; on a brand-new station this creates the database and its key. */
  async openWithPassphrase(passphrase: string): Promise<void> {
    if (this.opened) return;
    this.recover();
    const dbExists = existsSync(this.opts.dbFile);
    const keyFile = keyFileOf(this.opts.dbFile);
    if (!dbExists && (existsSync(keyFile) || existsSync(beforeRestoreOf(this.opts.dbFile)))) {
      throw new ApiError(
        'NOT_FOUND',
        `the database file ${this.opts.dbFile} is missing but its key file is here: put the file back or restore a backup (a new database would overwrite the key)`,
        {
          reason: 'SECURITY_DB_FILE_MISSING' satisfies SecurityReason,
          file: this.opts.dbFile,
        },
      );
    }
    if (dbExists) {
      if (!existsSync(keyFile)) throw new ApiError('DB_KEY_INVALID', `the key file ${keyFile} is missing; restore it from a backup`);
      const file = this.readKeyFile();
      const wrapping = passphraseWrapping(file);
      const { key, auditKey } = await unwrapAllWithPassphrase(wrapping, passphrase);
      this.opened = openEncryptedDatabase(this.opts.dbFile, key, { migrationsFolder: this.opts.migrationsFolder, create: false });
      // An older key file has no audit key in its passphrase wrapping: take the keystore's if it holds one, else a
      // new one (the audit log then starts a new sealed segment over what came before).
      this.audit = auditKey ?? (await tryUnwrapAllWithKeystore(file, this.opts.keystore))?.auditKey ?? newDatabaseKey();
      // The keystore may have changed backend: re-wrap for it, keeping the passphrase wrapping.
      await this.writeWrappings(file, key, this.audit, auditKey ? undefined : passphrase);
      return;
    }
    mkdirSync(path.dirname(this.opts.dbFile), { recursive: true });
    const key = newDatabaseKey();
    const audit = newDatabaseKey();
    const wrappings: KeyFile['wrappings'] = [await wrapWithPassphrase(key, passphrase, audit)];
    if (this.opts.keystore && (await keystoreIsStrong(this.opts.keystore))) wrappings.push(await wrapWithKeystore(key, this.opts.keystore, audit));
    // Key file first: a database must never exist without the means to open it.
    // 'wx': fails if a key file appeared meanwhile; an existing key is never replaced by a new one.
    writeFileSync(keyFile, JSON.stringify({ version: 1, wrappings } satisfies KeyFile), { mode: 0o600, flag: 'wx', flush: true });
    this.opened = openEncryptedDatabase(this.opts.dbFile, key, { migrationsFolder: this.opts.migrationsFolder, create: true });
    this.audit = audit;
  }

  /**
   * Keeps the key file's wrappings current: the keystore wrapping for today's backend (with the audit key), and —
   * when `passphrase` is given — a passphrase wrapping that also seals the audit key. The database key inside is
   * always the same one: an existing key is re-wrapped, never replaced.
   */
  private async writeWrappings(file: KeyFile, key: Buffer, auditKey: Buffer, passphrase: string | undefined): Promise<void> {
    let wrappings = file.wrappings;
    let changed = false;
    if (passphrase !== undefined) {
      wrappings = [await wrapWithPassphrase(key, passphrase, auditKey), ...wrappings.filter((w) => w.kind !== 'passphrase')];
      changed = true;
    }
    const ks = this.opts.keystore;
    if (ks && (await keystoreIsStrong(ks))) {
      const current = wrappings.find((w) => w.kind === 'safeStorage');
      const upToDate = current?.kind === 'safeStorage' && current.backend === ks.getSelectedStorageBackend() && current.auditData !== undefined;
      if (!upToDate) {
        wrappings = [...wrappings.filter((w) => w.kind !== 'safeStorage'), await wrapWithKeystore(key, ks, auditKey)];
        changed = true;
      }
    }
    if (changed) writeFileAtomic(keyFileOf(this.opts.dbFile), JSON.stringify({ version: 1, wrappings } satisfies KeyFile));
  }

  private readKeyFile(): KeyFile {
    return parseKeyFile(readFileSync(keyFileOf(this.opts.dbFile), 'utf8'));
  }

  /** The open store; DB_LOCKED until it has been opened. */
  get current(): OpenedStore {
    if (!this.opened) throw new ApiError('DB_LOCKED', 'the database is not open yet');
    return this.opened;
  }

  get dbFile(): string {
    return this.opts.dbFile;
  }

  get migrationsFolder(): string {
    return this.opts.migrationsFolder;
  }

  /** Unwraps the raw key again (backup and restore need it) from the passphrase. */
  async keyFromPassphrase(passphrase: string): Promise<Buffer> {
    return unwrapWithPassphrase(passphraseWrapping(this.readKeyFile()), passphrase);
  }

  /** Called before the database closes or its handle is replaced (e.g. a worker with its own connection stops). */
  onClose(listener: () => void): void {
    this.closeListeners.add(listener);
  }

  close(): void {
    if (!this.opened) return;
    for (const listener of this.closeListeners) listener();
    try {
      this.opened.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      /* closing anyway */
    }
    this.opened.sqlite.close();
    this.opened = undefined;
    // The audit key stays known: a restore closes the store and adopts the restored file under the same station keys.
  }

  /** Replaces the open handle (after a restore swapped the file). */
  adopt(opened: OpenedStore): void {
    for (const listener of this.closeListeners) listener();
    this.opened = opened;
  }
}
