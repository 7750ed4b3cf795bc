import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ReaderInput } from '../../src/main/ecg/formats/reader';

/**
 * The shared ECG corpus lives beside the repository (../shared/ecg-samples) on developer machines and in CI,
 * but not in a plain clone. Tests that need it use `describeWithSamples`, which reports them as skipped
 * (with the reason in the suite name) when the folder is absent.
 */
export const SHARED_ECG_DIR = path.resolve(__dirname, '../../../shared/ecg-samples');
export const hasSharedSamples = existsSync(path.join(SHARED_ECG_DIR, 'reference.json'));
export const SKIP_REASON = 'skipped: ../shared/ecg-samples is not beside this clone';

export function samplePath(...parts: string[]): string {
  return path.join(SHARED_ECG_DIR, ...parts);
}

export function loadReference(): Record<string, unknown> {
  return JSON.parse(readFileSync(samplePath('reference.json'), 'utf8')) as Record<string, unknown>;
}

/** A reader input for a file on disk; companions (a WFDB .dat beside its .hea) come from the same folder. */
export function diskInput(file: string): ReaderInput {
  return {
    path: file,
    bytes: readFileSync(file),
    readCompanion: async (name) => {
      try {
        return readFileSync(path.join(path.dirname(file), name));
      } catch {
        return undefined;
      }
    },
  };
}

/** Appended to a corpus suite's name: it says why the suite was skipped, and nothing when it runs. */
export const corpusNote = hasSharedSamples ? '' : ` (${SKIP_REASON})`;
