import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ChosenFile, FilePurpose } from '../../shared/api/files';
import { ApiError } from '../../shared/api/errors';

/** What main's file dialog gives back (Electron: dialog.showOpenDialog); tests and the harness have none. */
export interface FileDialogs {
  open(purpose: FilePurpose): Promise<string | null>;
}

/** The default outside Electron: no dialog to show (the harness's transport uploads instead). */
export const NO_FILE_DIALOGS: FileDialogs = {
  open: async () => {
    throw new ApiError('VALIDATION', 'no file dialog in this process', { reason: 'FILE_NO_DIALOG' });
  },
};

interface Entry {
  path: string;
  purpose: FilePurpose;
  expiresAt: number;
  /** An uploaded copy is ours to delete once used; a file the user chose in the dialog is theirs. */
  ownedDir: string | null;
}

const TTL_MS = 10 * 60_000;

/**
 * Opaque handles for files the user chose: random ids that name a path only main knows, each for one purpose and
 * one use, gone after ten minutes. A handle from the renderer can reach nothing the user did not pick.
 */
export class FileHandleStore {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly uploadsDir: string,
    private readonly now: () => number = Date.now,
  ) {}

  register(filePath: string, purpose: FilePurpose, ownedDir: string | null = null): ChosenFile {
    this.sweep();
    const handle = `fh_${randomBytes(18).toString('base64url')}`;
    this.entries.set(handle, { path: filePath, purpose, expiresAt: this.now() + TTL_MS, ownedDir });
    return { handle, name: path.basename(filePath), bytes: statSync(filePath).size };
  }

  /** Keeps uploaded bytes in a fresh private folder under their own (sanitized) names; the first non-.dat file leads. */
  registerUpload(files: { name: string; bytes: Buffer }[], purpose: FilePurpose): ChosenFile {
    mkdirSync(this.uploadsDir, { recursive: true, mode: 0o700 });
    const dir = mkdtempSync(path.join(this.uploadsDir, 'up-'));
    const written = files.map((f) => {
      const safe = path.basename(f.name).replace(/[^\p{L}\p{N}._ -]/gu, '_') || 'file';
      const target = path.join(dir, safe);
      writeFileSync(target, f.bytes, { mode: 0o600 });
      return target;
    });
    const lead = written.find((p) => !p.toLowerCase().endsWith('.dat')) ?? written[0];
    return this.register(lead, purpose, dir);
  }

  /** Takes a handle for its one use; refused when unknown, spent, expired or chosen for another purpose. */
  take(handle: string, purpose: FilePurpose): { path: string; release(): void } {
    this.sweep();
    const entry = this.entries.get(handle);
    if (!entry || entry.purpose !== purpose) throw new ApiError('VALIDATION', 'unknown or spent file handle', { reason: 'FILE_HANDLE_INVALID' });
    this.entries.delete(handle);
    return { path: entry.path, release: () => entry.ownedDir && rmSync(entry.ownedDir, { recursive: true, force: true }) };
  }

  /**
   * Runs `use` with the file's path and cleans up an uploaded copy afterwards, whatever happens — except when
   * `keepFor(error)` says the refusal waits for the user (e.g. "this file names another patient: attach anyway?"):
   * then the handle stays valid for the one retry the user confirms, until it expires.
   */
  async withFile<T>(
    handle: string,
    purpose: FilePurpose,
    use: (filePath: string) => Promise<T> | T,
    opts: { keepFor?: (error: unknown) => boolean } = {},
  ): Promise<T> {
    this.sweep();
    const entry = this.entries.get(handle);
    if (!entry || entry.purpose !== purpose) throw new ApiError('VALIDATION', 'unknown or spent file handle', { reason: 'FILE_HANDLE_INVALID' });
    this.entries.delete(handle);
    let kept = false;
    try {
      return await use(entry.path);
    } catch (error) {
      if (opts.keepFor?.(error)) {
        this.entries.set(handle, entry);
        kept = true;
      }
      throw error;
    } finally {
      if (!kept && entry.ownedDir) rmSync(entry.ownedDir, { recursive: true, force: true });
    }
  }

  private sweep(): void {
    const now = this.now();
    for (const [handle, entry] of this.entries) {
      if (entry.expiresAt > now) continue;
      this.entries.delete(handle);
      if (entry.ownedDir) rmSync(entry.ownedDir, { recursive: true, force: true });
    }
  }
}
