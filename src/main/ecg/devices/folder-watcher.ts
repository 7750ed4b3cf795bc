/**
 * Imports ECGs from a folder a cart exports into (a USB stick, a shared folder). Each new complete file is read once
 * and handed to `onRecord`, then moved into `imported/`; a file that cannot be decoded is reported with its
 * EcgFormatError code and left where it is, and not tried again unless it changes.
 *
 * Decisions:
 * - Polling, not fs.watch: inotify does not see changes made on SMB/CIFS shares or by another machine, and a cart
 *   export folder is often exactly that. A scan per second of one folder costs nothing.
 * - "Complete" = size and mtime unchanged for `stableForMs` (carts write in bursts and do not lock the file), and
 *   non-empty. Temporary names (.tmp, .part, .crdownload, ~…, hidden files) are never read, nor what carts export
 *   beside an ECG (PDF report, images, logs): those are neither records nor failures.
 * - WFDB records are groups: the `.hea` is read (readEcgFile finds its companions) and only when every file of the
 *   same stem is stable; companions (.dat, .atr, .qrs, .ann) are never read alone and move with their header.
 * - Failures are remembered by file fingerprint (name, size, mtime) in memory: after an app restart a failed file is
 *   tried (and reported) once more, which is the cheapest way to notice that a new reader version now handles it.
 */
import { mkdir, readdir, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import type { EcgRecord } from '../../../shared/ecg';
import { EcgFormatError, type EcgFormatErrorCode } from '../formats/errors';
import { readEcgFile } from '../formats/index';

export type FolderImportErrorCode = EcgFormatErrorCode | 'IO_ERROR' | 'IMPORT_FAILED' | 'MOVE_FAILED' | 'FOLDER_UNAVAILABLE';

export interface FolderImportError {
  code: FolderImportErrorCode;
  message: string;
  /** False while the watcher will try again (transient I/O, a failing onRecord); true once it has given up. */
  final: boolean;
}

export interface FolderWatcherOptions {
  folder: string;
  /** Receives each decoded record once; the file is moved only after this resolves. */
  onRecord: (path: string, record: EcgRecord) => Promise<void> | void;
  onError?: (path: string, error: FolderImportError) => void;
  onImported?: (from: string, to: string) => void;
  /** Default readEcgFile (format detected by content). */
  reader?: (path: string) => Promise<EcgRecord>;
  pollIntervalMs?: number;
  stableForMs?: number;
  /** Attempts for transient failures (I/O errors, onRecord throwing) before giving up. */
  maxAttempts?: number;
  /** Subfolder imported files are moved into. */
  importedFolderName?: string;
  now?: () => number;
}

const TEMPORARY_NAME = /(^\.)|(^~)|(~$)|\.(tmp|temp|part|partial|crdownload|download|filepart|swp|lock)$/i;
/** WFDB signal and annotation files: read through their .hea, never alone. */
const COMPANION_EXTENSIONS = new Set(['.dat', '.atr', '.qrs', '.ann']);
/** What carts export beside the ECG (the printed report, a screenshot, a log): not ECG files, not failures. */
const NOT_ECG_EXTENSIONS = new Set(['.pdf', '.jpg', '.jpeg', '.png', '.bmp', '.gif', '.txt', '.log', '.ini', '.html', '.htm']);

interface Observation {
  size: number;
  mtimeMs: number;
  stableSinceMs: number;
}

interface FileOutcome {
  fingerprint: string;
  attempts: number;
  settled: boolean;
}

export interface ScanResult {
  imported: string[];
  failed: string[];
  waiting: string[];
}

const stemOf = (name: string) => name.slice(0, name.length - path.extname(name).length);
const isCompanion = (name: string) => COMPANION_EXTENSIONS.has(path.extname(name).toLowerCase());

function errnoCode(error: unknown): string | undefined {
  for (let e: unknown = error; typeof e === 'object' && e !== null; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
  }
  return undefined;
}

/** Errors that say "not now" rather than "never": the file is still held by the cart, or the share blinked. */
const TRANSIENT_ERRNO = new Set(['EBUSY', 'EACCES', 'EPERM', 'EAGAIN', 'EIO', 'ETIMEDOUT', 'EHOSTDOWN', 'ENOENT']);

export class EcgFolderWatcher {
  private readonly options: Required<Omit<FolderWatcherOptions, 'onError' | 'onImported'>> & Pick<FolderWatcherOptions, 'onError' | 'onImported'>;
  private readonly observations = new Map<string, Observation>();
  private readonly outcomes = new Map<string, FileOutcome>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  private scanning: Promise<ScanResult> | undefined;
  private folderReported = false;

  constructor(options: FolderWatcherOptions) {
    this.options = {
      reader: readEcgFile,
      pollIntervalMs: 1000,
      stableForMs: 2000,
      maxAttempts: 3,
      importedFolderName: 'imported',
      now: Date.now,
      ...options,
    };
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.scanOnce();
    this.scheduleNext();
  }

  /** Stops polling and waits for a scan in progress (so no file is half-moved when the app quits). */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.scanning;
  }

  /** One pass over the folder; scans never overlap (a call during a scan waits for it). */
  scanOnce(): Promise<ScanResult> {
    this.scanning ??= this.scan().finally(() => (this.scanning = undefined));
    return this.scanning;
  }

  private scheduleNext(): void {
    if (!this.running) return;
    this.timer = setTimeout(async () => {
      await this.scanOnce();
      this.scheduleNext();
    }, this.options.pollIntervalMs);
  }

  private async scan(): Promise<ScanResult> {
    const result: ScanResult = { imported: [], failed: [], waiting: [] };
    const files = await this.listFiles();
    if (!files) return result;
    const now = this.options.now();
    for (const [name, info] of files) this.observe(name, info, now);
    for (const name of this.observations.keys()) if (!files.has(name)) this.observations.delete(name);

    for (const name of files.keys()) {
      if (isCompanion(name) || NOT_ECG_EXTENSIONS.has(path.extname(name).toLowerCase())) continue;
      const group = [name, ...[...files.keys()].filter((other) => isCompanion(other) && stemOf(other) === stemOf(name)).sort()];
      const outcome = this.outcomes.get(name);
      // The whole group: a WFDB header that failed for want of its .dat is tried again when the .dat arrives.
      const fingerprint = group
        .map((member) => {
          const o = this.observations.get(member)!;
          return `${member}|${o.size}|${o.mtimeMs}`;
        })
        .join('/');
      if (outcome?.fingerprint === fingerprint && outcome.settled) continue;
      const complete = group.every((member) => {
        const o = this.observations.get(member)!;
        return o.size > 0 && now - o.stableSinceMs >= this.options.stableForMs;
      });
      if (!complete) {
        result.waiting.push(name);
        continue;
      }
      const imported = await this.importGroup(name, group, fingerprint, outcome);
      (imported ? result.imported : result.failed).push(name);
    }
    return result;
  }

  private async listFiles(): Promise<Map<string, { size: number; mtimeMs: number }> | undefined> {
    let names: string[];
    try {
      names = (await readdir(this.options.folder, { withFileTypes: true }))
        .filter((entry) => entry.isFile() && !TEMPORARY_NAME.test(entry.name))
        .map((entry) => entry.name);
    } catch (error) {
      if (!this.folderReported) {
        this.folderReported = true;
        this.report(this.options.folder, 'FOLDER_UNAVAILABLE', (error as Error).message, false);
      }
      return undefined;
    }
    this.folderReported = false;
    const files = new Map<string, { size: number; mtimeMs: number }>();
    for (const name of names) {
      try {
        const info = await stat(path.join(this.options.folder, name));
        files.set(name, { size: info.size, mtimeMs: info.mtimeMs });
      } catch {
        // deleted between readdir and stat: not there
      }
    }
    return files;
  }

  private observe(name: string, info: { size: number; mtimeMs: number }, now: number): void {
    const previous = this.observations.get(name);
    if (previous && previous.size === info.size && previous.mtimeMs === info.mtimeMs) return;
    this.observations.set(name, { ...info, stableSinceMs: now });
  }

  /** Reads, delivers and moves one primary file with its companions; false when it failed (reported). */
  private async importGroup(name: string, group: string[], fingerprint: string, previous: FileOutcome | undefined): Promise<boolean> {
    const filePath = path.join(this.options.folder, name);
    const outcome: FileOutcome = previous?.fingerprint === fingerprint ? previous : { fingerprint, attempts: 0, settled: false };
    this.outcomes.set(name, outcome);
    outcome.attempts++;
    const lastChance = outcome.attempts >= this.options.maxAttempts;

    let record: EcgRecord;
    try {
      record = await this.options.reader(filePath);
    } catch (error) {
      const errno = errnoCode(error);
      if (errno !== undefined && TRANSIENT_ERRNO.has(errno)) {
        outcome.settled = lastChance;
        this.report(filePath, 'IO_ERROR', `${errno}: ${(error as Error).message}`, lastChance);
      } else {
        outcome.settled = true;
        const code = error instanceof EcgFormatError ? error.code : 'CORRUPT';
        this.report(filePath, code, (error as Error).message, true);
      }
      return false;
    }
    try {
      await this.options.onRecord(filePath, record);
    } catch (error) {
      outcome.settled = lastChance;
      this.report(filePath, 'IMPORT_FAILED', (error as Error).message, lastChance);
      return false;
    }
    outcome.settled = true;
    await this.moveToImported(group);
    return true;
  }

  /** Moves the group into imported/, or imported/<stem>-<n>/ when a name is taken (WFDB names must not change). */
  private async moveToImported(group: string[]): Promise<void> {
    const importedRoot = path.join(this.options.folder, this.options.importedFolderName);
    try {
      let target = importedRoot;
      await mkdir(target, { recursive: true });
      for (let n = 2; await this.anyExists(target, group); n++) {
        target = path.join(importedRoot, `${stemOf(group[0])}-${n}`);
      }
      await mkdir(target, { recursive: true });
      for (const member of group) {
        const from = path.join(this.options.folder, member);
        const to = path.join(target, member);
        await rename(from, to);
        this.observations.delete(member);
        this.outcomes.delete(member);
        this.options.onImported?.(from, to);
      }
    } catch (error) {
      // The record is in; the folder is read-only or the file vanished. Remembered (settled) so it is not imported twice.
      this.report(path.join(this.options.folder, group[0]), 'MOVE_FAILED', (error as Error).message, true);
    }
  }

  private async anyExists(folder: string, names: string[]): Promise<boolean> {
    for (const name of names) {
      try {
        await stat(path.join(folder, name));
        return true;
      } catch {
        // free
      }
    }
    return false;
  }

  private report(filePath: string, code: FolderImportErrorCode, message: string, final: boolean): void {
    try {
      this.options.onError?.(filePath, { code, message, final });
    } catch (error) {
      console.error('ECG folder watcher: error listener failed', error);
    }
  }
}
