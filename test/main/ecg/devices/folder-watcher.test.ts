import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EcgFolderWatcher, type FolderImportError, type FolderWatcherOptions } from '../../../../src/main/ecg/devices/folder-watcher';
import { writeAecg } from '../../../../src/main/ecg/formats/aecg-writer';
import { EcgFormatError } from '../../../../src/main/ecg/formats/errors';
import type { EcgRecord } from '../../../../src/shared/ecg';
import { synthesizeEcg } from '../../../../src/main/ecg/devices/synthetic-ecg';
import { waitFor } from '../../../support/device-sim/wait';

/**
 * A minimal test format standing in for the real readers (the watcher takes any reader): a JSON document that must
 * end with `"end":true}`, so a half-written file fails as TRUNCATED, as a real reader would.
 */
async function jsonEcgReader(filePath: string): Promise<EcgRecord> {
  const text = await readFile(filePath, 'utf8');
  if (!text.trimEnd().endsWith('"end":true}')) throw new EcgFormatError('TRUNCATED', `${path.basename(filePath)} ends early`);
  const parsed = JSON.parse(text) as { rate: number; leads: Record<string, number[]> };
  return {
    format: 'wfdb',
    sampleRateHz: parsed.rate,
    leads: Object.entries(parsed.leads).map(([name, values]) => ({ name, microvolts: Float32Array.from(values) })),
  };
}

const ecgJson = (first: number) => JSON.stringify({ rate: 500, leads: { I: [first, first + 1], II: [7, 8] }, end: true });

let dir: string;
let clock: number;
let records: { path: string; record: EcgRecord }[];
let errors: { path: string; error: FolderImportError }[];
let reads: string[];

function watcher(overrides: Partial<FolderWatcherOptions> = {}): EcgFolderWatcher {
  return new EcgFolderWatcher({
    folder: dir,
    onRecord: (filePath, record) => void records.push({ path: filePath, record }),
    onError: (filePath, error) => void errors.push({ path: filePath, error }),
    reader: async (filePath) => {
      reads.push(path.basename(filePath));
      return jsonEcgReader(filePath);
    },
    stableForMs: 2000,
    now: () => clock,
    ...overrides,
  });
}

/** Two scans with the clock moved past the stability window in between: a quiet file is then complete. */
async function scanTwice(w: EcgFolderWatcher) {
  await w.scanOnce();
  clock += 2000;
  return w.scanOnce();
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'ecg-cart-'));
  clock = 1_000_000;
  records = [];
  errors = [];
  reads = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('EcgFolderWatcher', () => {
  it('imports a complete file once, after it has been quiet for the stability window, and moves it to imported/', async () => {
    const w = watcher();
    writeFileSync(path.join(dir, 'ecg-001.json'), ecgJson(1));
    expect((await w.scanOnce()).waiting).toEqual(['ecg-001.json']);
    clock += 1999;
    expect((await w.scanOnce()).imported).toEqual([]);
    clock += 1;
    expect((await w.scanOnce()).imported).toEqual(['ecg-001.json']);
    expect(records).toHaveLength(1);
    expect(records[0].path).toBe(path.join(dir, 'ecg-001.json'));
    expect([...records[0].record.leads[0].microvolts]).toEqual([1, 2]);
    expect(existsSync(path.join(dir, 'ecg-001.json'))).toBe(false);
    expect(existsSync(path.join(dir, 'imported', 'ecg-001.json'))).toBe(true);
    await scanTwice(w);
    expect(records).toHaveLength(1);
    expect(errors).toEqual([]);
  });

  it('waits while a file is still growing and reads it whole', async () => {
    const w = watcher();
    const file = path.join(dir, 'growing.json');
    const full = ecgJson(5);
    writeFileSync(file, full.slice(0, 10));
    await w.scanOnce();
    for (let at = 10; at < full.length; at += 10) {
      clock += 1500; // each burst lands inside the stability window
      appendFileSync(file, full.slice(at, at + 10));
      expect((await w.scanOnce()).imported).toEqual([]);
    }
    await scanTwice(w);
    expect(reads).toEqual(['growing.json']);
    expect(errors).toEqual([]);
    expect([...records[0].record.leads[0].microvolts]).toEqual([5, 6]);
  });

  it('never reads temporary, hidden or partial names, nor the PDF a cart exports beside the ECG', async () => {
    const w = watcher();
    for (const name of ['a.tmp', '.hidden.json', 'b.json.part', 'c.crdownload', '~d.json', 'e.json~', 'f.JSON.PARTIAL', 'report.pdf']) {
      writeFileSync(path.join(dir, name), ecgJson(1));
    }
    writeFileSync(path.join(dir, 'empty.json'), '');
    await scanTwice(w);
    expect(reads).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('reports an undecodable file once with its format error code and leaves it in place', async () => {
    const w = watcher();
    writeFileSync(path.join(dir, 'cut.json'), ecgJson(1).slice(0, 30));
    const result = await scanTwice(w);
    expect(result.failed).toEqual(['cut.json']);
    expect(errors).toEqual([{ path: path.join(dir, 'cut.json'), error: { code: 'TRUNCATED', message: 'cut.json ends early', final: true } }]);
    for (let i = 0; i < 5; i++) await scanTwice(w);
    expect(reads).toEqual(['cut.json']);
    expect(readdirSync(dir)).toEqual(['cut.json']);
    // A corrected re-export (new size) is a new file and is tried again.
    writeFileSync(path.join(dir, 'cut.json'), ecgJson(9));
    await scanTwice(w);
    expect(records.map((r) => path.basename(r.path))).toEqual(['cut.json']);
  });

  it('retries a transient I/O error a bounded number of times, then gives up', async () => {
    const w = watcher({
      maxAttempts: 3,
      reader: async (filePath) => {
        reads.push(path.basename(filePath));
        // As readEcgFile wraps an I/O failure: a CORRUPT format error whose cause carries the errno.
        throw Object.assign(new EcgFormatError('CORRUPT', 'could not be decoded'), { cause: Object.assign(new Error('busy'), { code: 'EBUSY' }) });
      },
    });
    writeFileSync(path.join(dir, 'locked.json'), ecgJson(1));
    for (let i = 0; i < 6; i++) await scanTwice(w);
    expect(reads).toEqual(['locked.json', 'locked.json', 'locked.json']);
    expect(errors.map((e) => [e.error.code, e.error.final])).toEqual([
      ['IO_ERROR', false],
      ['IO_ERROR', false],
      ['IO_ERROR', true],
    ]);
    expect(existsSync(path.join(dir, 'locked.json'))).toBe(true);
  });

  it('keeps the file when onRecord fails and imports it on a later scan', async () => {
    let failNext = true;
    const w = watcher({
      onRecord: (filePath, record) => {
        if (failNext) {
          failNext = false;
          throw new Error('database busy');
        }
        records.push({ path: filePath, record });
      },
    });
    writeFileSync(path.join(dir, 'x.json'), ecgJson(1));
    await scanTwice(w);
    expect(errors.map((e) => [e.error.code, e.error.final])).toEqual([['IMPORT_FAILED', false]]);
    expect(existsSync(path.join(dir, 'x.json'))).toBe(true);
    await w.scanOnce();
    expect(records).toHaveLength(1);
    expect(existsSync(path.join(dir, 'imported', 'x.json'))).toBe(true);
  });

  it('reads a WFDB header only when its companions are quiet too, and moves them together', async () => {
    const w = watcher();
    writeFileSync(path.join(dir, 'rec.hea'), ecgJson(1));
    writeFileSync(path.join(dir, 'rec.dat'), 'part');
    await w.scanOnce();
    clock += 1500;
    appendFileSync(path.join(dir, 'rec.dat'), 'more'); // the signal file is still being copied
    clock += 600;
    expect((await w.scanOnce()).waiting).toEqual(['rec.hea']);
    clock += 2000;
    expect((await w.scanOnce()).imported).toEqual(['rec.hea']);
    expect(reads).toEqual(['rec.hea']);
    expect(readdirSync(path.join(dir, 'imported')).sort()).toEqual(['rec.dat', 'rec.hea']);
  });

  it('retries a header that failed for want of its signal file once the file arrives', async () => {
    const w = watcher({
      reader: async (filePath) => {
        reads.push(path.basename(filePath));
        if (!existsSync(filePath.replace(/\.hea$/, '.dat'))) throw new EcgFormatError('MISSING_FILE', 'rec.dat is missing');
        return jsonEcgReader(filePath);
      },
    });
    writeFileSync(path.join(dir, 'rec.hea'), ecgJson(1));
    await scanTwice(w);
    expect(errors.map((e) => e.error.code)).toEqual(['MISSING_FILE']);
    writeFileSync(path.join(dir, 'rec.dat'), 'signal');
    await scanTwice(w);
    expect(records).toHaveLength(1);
  });

  it('does not overwrite an earlier import of the same name', async () => {
    mkdirSync(path.join(dir, 'imported'));
    writeFileSync(path.join(dir, 'imported', 'ecg.json'), 'earlier');
    const w = watcher();
    writeFileSync(path.join(dir, 'ecg.json'), ecgJson(1));
    await scanTwice(w);
    expect(existsSync(path.join(dir, 'imported', 'ecg-2', 'ecg.json'))).toBe(true);
    expect(await readFile(path.join(dir, 'imported', 'ecg.json'), 'utf8')).toBe('earlier');
  });

  it('reports a missing folder once and picks up files when it appears (a USB stick plugged in later)', async () => {
    const stick = path.join(dir, 'stick');
    const w = watcher({ folder: stick });
    await scanTwice(w);
    await scanTwice(w);
    expect(errors.map((e) => [e.path, e.error.code])).toEqual([[stick, 'FOLDER_UNAVAILABLE']]);
    mkdirSync(stick);
    writeFileSync(path.join(stick, 'a.json'), ecgJson(1));
    await scanTwice(w);
    expect(records).toHaveLength(1);
  });

  it('polls on its own with real timers and the real readers (an HL7 aECG file dropped by a cart)', async () => {
    const synthetic = synthesizeEcg({ seed: 4, durationS: 3, sampleRateHz: 500 });
    const record: EcgRecord = { format: 'hl7-aecg', ...synthetic };
    const w = new EcgFolderWatcher({
      folder: dir,
      onRecord: (filePath, imported) => void records.push({ path: filePath, record: imported }),
      onError: (filePath, error) => void errors.push({ path: filePath, error }),
      pollIntervalMs: 50,
      stableForMs: 200,
    });
    await w.start();
    writeFileSync(path.join(dir, 'cart-export.xml'), writeAecg(record));
    writeFileSync(path.join(dir, 'garbage.xml'), '<not-an-ecg/>');
    await waitFor('the import', () => records.length === 1 && errors.length === 1);
    await w.stop();
    expect(records[0].record.format).toBe('hl7-aecg');
    expect(records[0].record.leads.map((l) => l.name)).toEqual(synthetic.leads.map((l) => l.name));
    expect(errors[0].error).toMatchObject({ code: 'UNKNOWN_FORMAT', final: true });
    expect(readdirSync(dir).sort()).toEqual(['garbage.xml', 'imported']);
  });
});
