import { mkdtempSync, mkdirSync, openSync, closeSync, ftruncateSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EcgFormat, EcgRecord } from '../../../../src/shared/ecg';
import type { EcgFormatErrorCode } from '../../../../src/main/ecg/formats/errors';
import { companionReaderFor, MAX_ECG_FILE_BYTES, readEcgBytes, readEcgFile } from '../../../../src/main/ecg/formats/index';
import { writeEdf } from '../../../support/ecg-writers/edf';
import { writeScp } from '../../../support/ecg-writers/scp';
import { hasSharedSamples, loadReference, samplePath, SKIP_REASON } from '../../../support/shared-samples';
import { expectFormatError } from '../../../support/ecg-format-helpers';

/**
 * Every file of the shared corpus through the public entry point, checked against reference.json (values computed
 * by independent tools). Each format's reference has its own shape, so each gets a small adapter below that turns
 * it into the same expectation: format, rate, samples, leads, first values in µV, annotation count.
 */

const sharedTitle = (title: string) => (hasSharedSamples ? title : `${title} (${SKIP_REASON})`);

interface Expectation {
  format: EcgFormat;
  sampleRateHz: number;
  sampleCount: number;
  leadCount: number;
  /** First values in µV, keyed by lead index (when names are the reader's business) or by standard name. */
  firstValues: { lead: number | string; microvolts: number[] }[];
  annotationCount?: number;
  /** Extra checks specific to a format. */
  check?: (record: EcgRecord) => void;
}

/** reference.json is free-form, and each adapter below reads the fields its format has: JSON.parse's own type. */
type Json = ReturnType<typeof JSON.parse>;

const UNIT_TO_MICROVOLTS: Record<string, number> = { uV: 1, mV: 1000, V: 1e6 };

/** Values a reference gives in a named unit (uV, mV, V), in µV. */
const scaled = (values: number[], unit: string) => values.map((value) => value * UNIT_TO_MICROVOLTS[unit]);

/** First values of leads whose names are the reader's business: keyed by position. */
function byIndex<T>(leads: T[], microvolts: (lead: T, index: number) => number[]): Expectation['firstValues'] {
  return leads.map((lead, index) => ({ lead: index, microvolts: microvolts(lead, index) }));
}

function wfdbExpectation(reference: Json): Expectation {
  const annotationFile = reference.annotations.atr ?? reference.annotations.qrs;
  return {
    format: 'wfdb',
    sampleRateHz: reference.fs_hz,
    sampleCount: reference.sig_len,
    leadCount: reference.n_sig,
    firstValues: byIndex(reference.sig_name as string[], (name, index) => scaled(reference.first10_physical[name], reference.units[index])),
    annotationCount: annotationFile?.total_annotations,
  };
}

function edfExpectation(reference: Json): Expectation {
  const signals = Object.values(reference.signals) as Json[];
  return {
    format: 'edf',
    sampleRateHz: signals[0].fs_hz,
    sampleCount: signals[0].n_samples,
    leadCount: signals.length,
    firstValues: byIndex(signals, (signal) => signal.first10_physical),
    annotationCount: reference.annotations.qrs.total_annotations,
  };
}

function scpExpectation(reference: Json): Expectation {
  const biosig = reference.tools['biosig_2.5.0'];
  return {
    format: 'scp-ecg',
    sampleRateHz: biosig.fs_hz,
    sampleCount: biosig.n_samples,
    leadCount: biosig.n_channels,
    firstValues: Object.entries(biosig.first10_uV as Record<string, number[]>).map(([lead, microvolts]) => ({ lead, microvolts })),
  };
}

function dicomExpectation(reference: Json): Expectation {
  const rhythm = (reference.multiplex_groups as Json[]).find((group) => group.originality === 'ORIGINAL')!;
  return {
    format: 'dicom',
    sampleRateHz: rhythm.fs_hz,
    sampleCount: rhythm.n_samples,
    leadCount: rhythm.n_channels,
    firstValues: byIndex(rhythm.channels as Json[], (channel) => scaled(channel.first10_converted, channel.sensitivity_unit)),
  };
}

function museExpectation(reference: Json): Expectation {
  const rhythm = (reference.waveforms as Json[]).find((waveform) => waveform.type === 'Rhythm')!;
  const stored = new Map((rhythm.leads as Json[]).map((lead) => [lead.lead as string, lead.first10_physical_uV as number[]]));
  return {
    format: 'ge-muse-xml',
    sampleRateHz: rhythm.fs_hz,
    sampleCount: rhythm.leads[0].n_samples_decoded,
    // Eight stored leads plus III, aVR, aVL, aVF derived by Einthoven/Goldberger.
    leadCount: 12,
    firstValues: [...stored].map(([lead, microvolts]) => ({ lead, microvolts })),
    check: (record) => {
      const [leadI, leadII] = [stored.get('I')!, stored.get('II')!];
      const lead = (name: string) => Array.from(record.leads.find((candidate) => candidate.name === name)!.microvolts.subarray(0, 10));
      lead('III').forEach((value, i) => expect(value).toBeCloseTo(leadII[i] - leadI[i], 2));
      lead('aVR').forEach((value, i) => expect(value).toBeCloseTo(-(leadI[i] + leadII[i]) / 2, 2));
    },
  };
}

const MDC_LEAD_NAMES: Record<string, string> = { AVR: 'aVR', AVL: 'aVL', AVF: 'aVF' };

function aecgExpectation(reference: Json): Expectation {
  const rhythm = (reference.series as Json[]).find((series) => series.series_code === 'RHYTHM')!;
  return {
    format: 'hl7-aecg',
    sampleRateHz: rhythm.fs_hz,
    sampleCount: rhythm.leads[0].n_samples,
    leadCount: rhythm.n_leads,
    firstValues: (rhythm.leads as Json[]).map((lead) => {
      const code = (lead.lead_code as string).replace('MDC_ECG_LEAD_', '');
      return { lead: MDC_LEAD_NAMES[code] ?? code, microvolts: lead.first10_physical };
    }),
  };
}

function philipsExpectation(reference: Json): Expectation {
  const microvoltsPerUnit = Number(reference.header_fields.signalresolution);
  return {
    format: 'philips-xml',
    sampleRateHz: Number(reference.header_fields.samplingrate),
    sampleCount: reference.leads[0].n_samples,
    leadCount: reference.n_leads,
    firstValues: (reference.leads as Json[]).map((lead) => ({
      lead: lead.label,
      microvolts: (lead.first10_raw as number[]).map((raw) => raw * microvoltsPerUnit),
    })),
  };
}

function expectationFor(key: string, reference: Json): Expectation {
  if (key.startsWith('wfdb/')) return wfdbExpectation(reference);
  if (key.startsWith('edf/')) return edfExpectation(reference);
  if (key.startsWith('scp-ecg/')) return scpExpectation(reference);
  if (key.startsWith('dicom/')) return dicomExpectation(reference);
  if (key.startsWith('ge-muse-xml/')) return museExpectation(reference);
  if (key.startsWith('hl7-aecg/')) return aecgExpectation(reference);
  if (key.startsWith('philips-xml/')) return philipsExpectation(reference);
  throw new Error(`no expectation adapter for ${key}`);
}

/** WFDB records are keyed without extension and opened through the header. */
function fileFor(key: string): string {
  return key.startsWith('wfdb/') ? samplePath(`${key}.hea`) : samplePath(key);
}

const recordKeys = hasSharedSamples ? Object.keys(loadReference().records as Json) : [];

describe.skipIf(!hasSharedSamples)(sharedTitle('every shared sample through readEcgFile'), () => {
  it('covers every record of reference.json', () => {
    expect(recordKeys.length).toBeGreaterThanOrEqual(12);
  });

  it.each(recordKeys)('%s', async (key) => {
    const expected = expectationFor(key, (loadReference().records as Json)[key]);
    const record = await readEcgFile(fileFor(key));
    expect(record.format).toBe(expected.format);
    expect(record.sampleRateHz).toBe(expected.sampleRateHz);
    expect(record.leads).toHaveLength(expected.leadCount);
    for (const lead of record.leads) expect(lead.microvolts.length).toBe(expected.sampleCount);
    for (const { lead, microvolts } of expected.firstValues) {
      const found = typeof lead === 'number' ? record.leads[lead] : record.leads.find((candidate) => candidate.name === lead);
      expect(found, `lead ${lead}`).toBeDefined();
      Array.from(found!.microvolts.subarray(0, microvolts.length)).forEach((value, i) =>
        expect(value, `lead ${lead} sample ${i}`).toBeCloseTo(microvolts[i], 3),
      );
    }
    if (expected.annotationCount !== undefined) expect(record.annotations ?? []).toHaveLength(expected.annotationCount);
    expected.check?.(record);
  });
});

describe('readEcgFile: detection by content, limits and error wrapping', () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'ecg-dispatch-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  const edfBytes = writeEdf({
    variant: 'EDF+C',
    recordDurationS: 1,
    recordCount: 1,
    signals: [
      {
        label: 'ECG II',
        physicalDimension: 'uV',
        physicalMin: -100,
        physicalMax: 100,
        digitalMin: -100,
        digitalMax: 100,
        samplesPerRecord: 4,
        digital: [1, 2, 3, 4],
      },
    ],
  });
  const scpBytes = writeScp({
    nanovoltsPerUnit: 1000,
    sampleIntervalUs: 1000,
    differenceOrder: 2,
    coding: 'default-huffman',
    leads: [{ code: 1, values: [1, 2, 3] }],
  });
  const file = (name: string, bytes: Uint8Array | string) => {
    const filePath = path.join(folder, name);
    writeFileSync(filePath, bytes);
    return filePath;
  };

  it('detects EDF and SCP by content whatever the file is called', async () => {
    const edf = await readEcgFile(file('recording.scp', edfBytes));
    expect(edf.format).toBe('edf');
    expect(Array.from(edf.leads[0].microvolts)).toEqual([1, 2, 3, 4]);
    const scp = await readEcgFile(file('recording.edf', scpBytes));
    expect(scp.format).toBe('scp-ecg');
    expect(Array.from(scp.leads[0].microvolts)).toEqual([1, 2, 3]);
  });

  it('finds companion annotation files beside the file', async () => {
    const words = Uint8Array.from([0x02, 0x04, 0x00, 0x00]); // one N (code 1) at sample 2, then the end word
    file('beats.edf.qrs', words);
    const record = await readEcgFile(file('beats.edf', edfBytes));
    expect(record.annotations).toEqual([{ sample: 2, symbol: 'N' }]);
  });

  it.each<[string, () => string, EcgFormatErrorCode]>([
    ['unknown content', () => file('notes.txt', 'just some text, no ECG here'), 'UNKNOWN_FORMAT'],
    ['an empty file', () => file('empty.edf', new Uint8Array(0)), 'UNKNOWN_FORMAT'],
    ['a missing file', () => path.join(folder, 'nowhere.edf'), 'MISSING_FILE'],
    [
      'a folder',
      () => {
        const sub = path.join(folder, 'a-folder');
        mkdirSync(sub, { recursive: true });
        return sub;
      },
      'UNKNOWN_FORMAT',
    ],
  ])('refuses %s', async (_name, target, code) => {
    await expectFormatError(readEcgFile(target()), code);
  });

  it('refuses a file over the size limit before reading it', async () => {
    const filePath = path.join(folder, 'huge.edf');
    const descriptor = openSync(filePath, 'w');
    // Sparse: the size is real to stat, no disk blocks are written.
    ftruncateSync(descriptor, MAX_ECG_FILE_BYTES + 1);
    closeSync(descriptor);
    const error = await expectFormatError(readEcgFile(filePath), 'TOO_LARGE');
    expect(error.message).toMatch(/huge\.edf/);
  });

  it('wraps a non-format error from below (here a companion read) into CORRUPT', async () => {
    const failing = async (): Promise<Uint8Array | undefined> => {
      throw new RangeError('Invalid typed array length: -1');
    };
    const error = await expectFormatError(readEcgBytes(edfBytes, '/x/y.edf', failing), 'CORRUPT');
    expect(error.message).toMatch(/RangeError/);
    expect(error.cause).toBeInstanceOf(RangeError);
  });

  it('reads companions only from the same folder', async () => {
    const readCompanion = companionReaderFor(path.join(folder, 'record.hea'));
    file('record.dat', Uint8Array.from([1, 2]));
    expect(await readCompanion('record.dat')).toEqual(Uint8Array.from([1, 2]));
    expect(await readCompanion('record.atr')).toBeUndefined();
    await expectFormatError(readCompanion('../../etc/passwd'), 'CORRUPT');
    await expectFormatError(readCompanion('sub/record.dat'), 'CORRUPT');
    await expectFormatError(readCompanion('..'), 'CORRUPT');
  });
});
