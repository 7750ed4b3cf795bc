import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeEcgFileInWorker } from '../../../../src/main/ecg/decode-in-worker';
import { EcgFormatError } from '../../../../src/main/ecg/formats/errors';
import { MAX_TOTAL_SAMPLES, readEcgBytes } from '../../../../src/main/ecg/formats/index';
import { buildDicom, leadChannel } from '../../../support/ecg-writers/dicom';
import { philipsBytes } from '../../../support/ecg-writers/philips';
import { writeEdf } from '../../../support/ecg-writers/edf';
import { fixScpCrcs, writeScp } from '../../../support/ecg-writers/scp';

/**
 * Issue 15.7: one total-sample cap (12 leads × 24 h at 1 kHz) checked from the counts a file declares, BEFORE any
 * sample array is allocated, in every reader; and file decoding (with the import's measurement) in a worker thread.
 * "Before allocating" is shown by the refusal's code (an attempted multi-gigabyte allocation would end as a
 * RangeError → CORRUPT, or exhaust memory) and by the process's ArrayBuffer memory not growing.
 */

const dir = mkdtempSync(path.join(tmpdir(), 'ecg-cap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function refusalOf(bytes: Uint8Array, name: string): Promise<{ code: string; grewBytes: number }> {
  const before = process.memoryUsage().arrayBuffers;
  const error = await readEcgBytes(bytes, `/data/${name}`, async () => undefined).catch((caught: unknown) => caught);
  const grewBytes = process.memoryUsage().arrayBuffers - before;
  if (!(error instanceof EcgFormatError)) throw new Error(`${name} was not refused: ${String(error)}`);
  return { code: error.code, grewBytes };
}

/** Rewrites section 3's last-sample field of every lead. */
function scpDeclaringSamples(samplesPerLead: number): Uint8Array {
  const leads = Array.from({ length: 12 }, (_, i) => ({ code: i + 1, values: [0, 1, 2] }));
  const bytes = writeScp({ nanovoltsPerUnit: 5000, sampleIntervalUs: 1000, differenceOrder: 0, coding: 'raw-no-section-2', leads });
  const view = new DataView(bytes.buffer);
  for (let pointer = 6 + 16; pointer < 6 + 16 + 120; pointer += 10) {
    if (view.getUint16(pointer, true) !== 3) continue;
    const body = view.getUint32(pointer + 6, true) - 1 + 16;
    for (let lead = 0; lead < 12; lead++) view.setUint32(body + 2 + lead * 9 + 4, samplesPerLead, true);
  }
  return fixScpCrcs(bytes);
}

const perLeadOverCap = Math.floor(MAX_TOTAL_SAMPLES / 12) + 1;

describe('one total-sample cap, checked before allocation (issue 15.7)', () => {
  it('is 12 leads × 24 h at 1 kHz', () => {
    expect(MAX_TOTAL_SAMPLES).toBe(12 * 24 * 3600 * 1000);
  });

  it.each([
    ['SCP-ECG: section 3 declares 12 leads just over the cap', () => scpDeclaringSamples(perLeadOverCap), 'a.scp'],
    [
      'DICOM: a multiplex group declares 12 channels × 100 M samples',
      () =>
        buildDicom({
          groups: [
            { originality: 'ORIGINAL', sampleRate: '1000', sampleCount: 100_000_000, channels: Array.from({ length: 12 }, () => leadChannel('I', [1, 2])) },
          ],
        }),
      'a.dcm',
    ],
    [
      'Philips: 200 leads of 24 h each (lead count and duration from the file, XLI never decoded)',
      () =>
        philipsBytes({ version: '1.04', leads: [[1, 2]], labels: Array.from({ length: 200 }, (_, i) => `C${i}`), sampleRateHz: 500, durationMs: 86_400_000 }),
      'a.xml',
    ],
  ])('refuses %s as TOO_LARGE without allocating', async (_name, build, name) => {
    const { code, grewBytes } = await refusalOf(build(), name);
    expect(code).toBe('TOO_LARGE');
    expect(grewBytes).toBeLessThan(64 * 1024 * 1024);
  });

  it('EDF+D: records timed to spread over more than the cap are refused before the timeline is allocated', async () => {
    const signal = {
      label: 'ECG I',
      physicalDimension: 'uV',
      physicalMin: -3276.8,
      physicalMax: 3276.7,
      digitalMin: -32768,
      digitalMax: 32767,
      samplesPerRecord: 1000,
      digital: new Array(2000).fill(0),
    };
    const bytes = writeEdf({
      variant: 'EDF+D',
      recordDurationS: 1,
      recordCount: 2,
      signals: Array.from({ length: 12 }, () => signal),
      annotations: { samplesPerRecord: 30, perRecord: [[], []] },
      recordStartsS: [0, 90_000],
    });
    const { code, grewBytes } = await refusalOf(bytes, 'a.edf');
    expect(code).toBe('TOO_LARGE');
    expect(grewBytes).toBeLessThan(64 * 1024 * 1024);
  });
});

describe('ECG files are decoded and measured in a worker thread (issue 15.7)', () => {
  it('returns the record and its measurements from another thread, samples intact', async () => {
    const leads = Array.from({ length: 3 }, (_, i) => ({
      code: i + 1,
      values: Array.from({ length: 2000 }, (_, k) => Math.round(200 * Math.sin(k / 20)) + i),
    }));
    const file = path.join(dir, 'ok.scp');
    writeFileSync(file, writeScp({ nanovoltsPerUnit: 5000, sampleIntervalUs: 2000, differenceOrder: 1, coding: 'default-huffman', leads }));
    const decoded = await decodeEcgFileInWorker(file);
    expect(decoded.threadId).not.toBe(threadId);
    expect(decoded.record.leads[2].microvolts).toBeInstanceOf(Float32Array);
    expect(Array.from(decoded.record.leads[2].microvolts.subarray(0, 3))).toEqual(leads[2].values.slice(0, 3).map((v) => v * 5));
    expect(decoded.measurements).not.toBeNull();
  });

  it('passes a refusal back as the same typed EcgFormatError (code and details)', async () => {
    const file = path.join(dir, 'big.scp');
    writeFileSync(file, scpDeclaringSamples(perLeadOverCap));
    const error = await decodeEcgFileInWorker(file).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EcgFormatError);
    expect((error as EcgFormatError).code).toBe('TOO_LARGE');
  });
});
