import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EcgRecord } from '../../../../src/shared/ecg';
import { crcCcitt } from '../../../../src/main/ecg/formats/crc';
import type { EcgFormatErrorCode } from '../../../../src/main/ecg/formats/errors';
import { scpReader } from '../../../../src/main/ecg/formats/scp';
import { differences, fixScpCrcs, scpTags, writeScp, type ScpCoding, type ScpSpec } from '../../../support/ecg-writers/scp';
import { hasSharedSamples, loadReference, samplePath, SKIP_REASON } from '../../../support/shared-samples';
import { expectFormatError } from '../../../support/ecg-format-helpers';

const sharedTitle = (title: string) => (hasSharedSamples ? title : `${title} (${SKIP_REASON})`);

function read(bytes: Uint8Array): Promise<EcgRecord> {
  return scpReader.read({ path: '/data/test.scp', bytes, readCompanion: async () => undefined });
}

/**
 * Values that exercise every default-table code once differenced: 0, ±1..±8, 8-bit and 16-bit originals.
 * Second differences of this ramp-and-jump stay within 16 bits.
 */
const leadI = [0, 1, 3, 6, 10, 15, 21, 28, 36, 45, 45, 30, 20, 200, 180, -900, -880, 4000, 3900, 0, -5, -5, -5];
const leadII = leadI.map((value, i) => Math.round(value / 2) - i);
const leadV1 = leadI.map((value) => 0 - value); // 0 − 0 is +0; unary minus would give −0

const baseSpec = (coding: ScpCoding = 'default-huffman', differenceOrder: 0 | 1 | 2 = 2): ScpSpec => ({
  nanovoltsPerUnit: 2500,
  sampleIntervalUs: 2000,
  differenceOrder,
  coding,
  leads: [
    { code: 1, values: leadI },
    { code: 2, values: leadII },
    { code: 3, values: leadV1 },
  ],
});

const microvolts = (values: number[], nanovoltsPerUnit: number) => values.map((value) => Math.fround((value * nanovoltsPerUnit) / 1000));

/** CRC-16/CCITT-FALSE bit by bit, straight from its definition: the reference for the table-driven crcCcitt. */
function crcBitwise(bytes: Uint8Array, start: number, end: number): number {
  let crc = 0xffff;
  for (let i = start; i < end; i++) {
    crc ^= bytes[i] << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

describe('SCP CRC-CCITT', () => {
  it('gives the CCITT-FALSE check value and the bitwise CRC over odd and even ranges', () => {
    expect(crcCcitt(new TextEncoder().encode('123456789'))).toBe(0x29b1);
    const bytes = Uint8Array.from({ length: 37 }, (_, i) => (i * 151 + 7) & 0xff);
    for (let start = 0; start <= 5; start++) {
      for (let end = start; end <= bytes.length; end += 3) expect(crcCcitt(bytes, start, end)).toBe(crcBitwise(bytes, start, end));
    }
  });
});

describe('SCP-ECG reader on files written in the test', () => {
  it.each<[ScpCoding, 0 | 1 | 2]>([
    ['default-huffman', 0],
    ['default-huffman', 1],
    ['default-huffman', 2],
    ['custom-huffman', 2],
    ['raw-no-section-2', 1],
    ['raw-zero-tables', 2],
  ])('decodes %s data with difference order %d to the exact microvolts', async (coding, order) => {
    const record = await read(writeScp(baseSpec(coding, order)));
    expect(record.format).toBe('scp-ecg');
    expect(record.sampleRateHz).toBe(500);
    expect(record.leads.map((lead) => lead.name)).toEqual(['I', 'II', 'V1']);
    expect(Array.from(record.leads[0].microvolts)).toEqual(microvolts(leadI, 2500));
    expect(Array.from(record.leads[1].microvolts)).toEqual(microvolts(leadII, 2500));
    expect(Array.from(record.leads[2].microvolts)).toEqual(microvolts(leadV1, 2500));
  });

  it('the writer really uses the 8- and 16-bit escape codes of the default table', () => {
    const stored = differences(leadI, 2);
    expect(stored.some((value) => Math.abs(value) > 8 && Math.abs(value) <= 127)).toBe(true);
    expect(stored.some((value) => Math.abs(value) > 127)).toBe(true);
  });

  it('adds the reference beat back inside type-0 subtraction zones, each section scaled by its own AVM', async () => {
    const length = 40;
    const residual = Array.from({ length }, (_, i) => (i % 7) - 3);
    // Reference beat: 10 samples at 500 Hz = 20 ms, fiducial at its 4th sample, AVM 1000 nV vs rhythm 2500 nV.
    const reference = [5, 10, 40, 100, 40, 10, 5, 0, -5, -2];
    const beats = [
      { type: 0, zoneStart: 3, fiducial: 6, zoneEnd: 12 },
      { type: 1, zoneStart: 15, fiducial: 18, zoneEnd: 24 },
      { type: 0, zoneStart: 28, fiducial: 31, zoneEnd: 40 },
    ];
    const spec: ScpSpec = {
      ...baseSpec('default-huffman', 2),
      leads: [{ code: 61, values: residual }],
      referenceBeat: { nanovoltsPerUnit: 1000, differenceOrder: 1, referenceBeatMs: 20, fiducial: 4, values: [reference], beats },
    };
    const record = await read(writeScp(spec));
    // Expected, worked directly from EN 1064: sample s (1-based) of a type-0 zone gets reference[fiducialRef − fiducial + s − 1].
    const expected = residual.map((value) => value * 2.5);
    for (const beat of beats.filter((b) => b.type === 0)) {
      for (let s = beat.zoneStart; s <= beat.zoneEnd; s++) {
        const m = 4 - beat.fiducial + s - 1;
        if (m >= 0 && m < reference.length) expected[s - 1] += reference[m] * 1;
      }
    }
    expect(record.leads[0].name).toBe('III');
    expect(Array.from(record.leads[0].microvolts)).toEqual(expected.map(Math.fround));
    // The type-1 beat's zone is untouched: residual only.
    expect(record.leads[0].microvolts[17]).toBe(Math.fround(residual[17] * 2.5));
  });

  it('ignores a stored reference beat when section 3 does not flag subtraction', async () => {
    const spec: ScpSpec = {
      ...baseSpec(),
      leads: [{ code: 1, values: leadI }],
      referenceBeat: {
        nanovoltsPerUnit: 1000,
        differenceOrder: 0,
        referenceBeatMs: 4,
        fiducial: 1,
        values: [[100, 100]],
        beats: [{ type: 0, zoneStart: 1, fiducial: 1, zoneEnd: 2 }],
        subtracted: false,
      },
    };
    const record = await read(writeScp(spec));
    expect(Array.from(record.leads[0].microvolts)).toEqual(microvolts(leadI, 2500));
  });

  it('puts leads recorded at different times on one time axis, NaN where a lead was not recorded', async () => {
    const spec: ScpSpec = {
      ...baseSpec(),
      leads: [
        { code: 1, values: [1, 2, 3, 4] },
        { code: 7, values: [5, 6, 7, 8], firstSample: 5 },
      ],
    };
    const record = await read(writeScp(spec));
    const [first, second] = record.leads.map((lead) => Array.from(lead.microvolts));
    expect(first.slice(0, 4)).toEqual([2.5, 5, 7.5, 10]);
    expect(first.slice(4).every(Number.isNaN)).toBe(true);
    expect(second.slice(0, 4).every(Number.isNaN)).toBe(true);
    expect(second.slice(4)).toEqual([12.5, 15, 17.5, 20]);
    expect(record.leads[1].name).toBe('V5');
  });

  it('reads section 1: patient, device, acquisition time with time zone', async () => {
    const spec: ScpSpec = {
      ...baseSpec(),
      tags: [
        scpTags.ascii(0, 'Kent'),
        scpTags.ascii(1, 'Clark'),
        scpTags.ascii(2, 'ID-77'),
        scpTags.age(71),
        scpTags.date(5, 1953, 5, 8),
        scpTags.byte(8, 2),
        scpTags.device({ model: 'CART1', manufacturer: 'Acme Medical', serial: 'SN-9' }),
        scpTags.date(25, 2024, 2, 29),
        scpTags.time(8, 5, 9),
        scpTags.timeZone(480),
      ],
    };
    const record = await read(writeScp(spec));
    expect(record.patient).toEqual({ id: 'ID-77', name: 'Kent Clark', sex: 'F', birthDate: '1953-05-08', ageYears: 71 });
    expect(record.device).toEqual({ manufacturer: 'Acme Medical', model: 'CART1', serial: 'SN-9' });
    expect(record.recordedAt).toBe('2024-02-29T08:05:09+08:00');
  });

  it('decodes Chinese names as GB2312 when declared, and when a cart declares ASCII but writes GBK', async () => {
    const zhang = Uint8Array.from([0xd5, 0xc5]);
    const san = Uint8Array.from([0xc8, 0xfd]);
    const tagsWith = (languageSupport: number) => [
      scpTags.text(0, zhang),
      scpTags.text(1, san),
      scpTags.device({ model: 'X', manufacturer: '', serial: '', languageSupport, manufacturerCode: 9 }),
    ];
    const declared = await read(writeScp({ ...baseSpec(), tags: tagsWith(0x27) }));
    expect(declared.patient?.name).toBe('张三');
    expect(declared.device?.manufacturer).toBe('Nihon Kohden');
    const undeclared = await read(writeScp({ ...baseSpec(), tags: tagsWith(0x00) }));
    expect(undeclared.patient?.name).toBe('张三');
  });

  it.each<[string, () => Uint8Array, EcgFormatErrorCode]>([
    ['a byte changed after the CRC was written', () => flipByte(writeScp(baseSpec()), 200), 'CORRUPT'],
    ['a section CRC that does not match (record CRC recomputed)', () => withRecordCrc(flipByte(writeScp(baseSpec()), 150)), 'CORRUPT'],
    ['a file cut short', () => writeScp(baseSpec()).subarray(0, 100), 'TRUNCATED'],
    ['all leads interleaved raw in one stream (vendor deviation)', () => writeScp({ ...baseSpec(), quirk: 'interleaved-rhythm' }), 'NON_COMPLIANT'],
    ['a 16-bit record length at the wrong place (vendor deviation)', () => writeScp({ ...baseSpec(), quirk: 'short-record-length' }), 'NON_COMPLIANT'],
    ['bimodal compression without a reference beat (no full rate to rebuild)', () => writeScp({ ...baseSpec(), bimodal: true }), 'CORRUPT'],
    ['protocol version 3.0', () => writeScp({ ...baseSpec(), protocolVersion: 30 }), 'UNSUPPORTED_VARIANT'],
    ['no rhythm section', () => writeScp({ ...baseSpec(), omitSections: [6] }), 'NO_SIGNAL'],
    ['rhythm without lead definitions', () => writeScp({ ...baseSpec(), omitSections: [3] }), 'CORRUPT'],
    ['subtraction flagged but sections 4 and 5 missing', () => writeScp({ ...withReferenceBeat(), omitSections: [4, 5] }), 'CORRUPT'],
    [
      'a rhythm at half the reference beat rate whose stream holds every sample (not decimated as section 4 says)',
      () => writeScp(withReferenceBeat(1000)),
      'CORRUPT',
    ],
    ['a lead that claims more samples than its stream holds (CRCs valid)', () => fixScpCrcs(withLastSample(writeScp(baseSpec()), 400)), 'CORRUPT'],
  ])('refuses %s', async (_name, build, code) => {
    await expectFormatError(read(build()), code);
  });

  it('sniffs SCP by its section 0 header, not by name', () => {
    expect(scpReader.sniff(writeScp(baseSpec()).subarray(0, 64))).toBe(true);
    expect(scpReader.sniff(new TextEncoder().encode('0       patient'))).toBe(false);
    expect(scpReader.sniff(new Uint8Array(10))).toBe(false);
  });
});

function flipByte(bytes: Uint8Array, offset: number): Uint8Array {
  const copy = bytes.slice();
  copy[offset] ^= 0x5a;
  return copy;
}

function withRecordCrc(bytes: Uint8Array): Uint8Array {
  const copy = bytes.slice();
  new DataView(copy.buffer).setUint16(0, crcCcitt(copy, 2), true);
  return copy;
}

function withReferenceBeat(referenceIntervalUs?: number): ScpSpec {
  return {
    ...baseSpec(),
    leads: [{ code: 1, values: leadI }],
    referenceBeat: {
      nanovoltsPerUnit: 1000,
      sampleIntervalUs: referenceIntervalUs,
      differenceOrder: 0,
      referenceBeatMs: 4,
      fiducial: 1,
      values: [[1, 2]],
      beats: [{ type: 0, zoneStart: 1, fiducial: 1, zoneEnd: 2 }],
    },
  };
}

/** Rewrites section 3's last-sample field of lead 1 (a length that lies). */
function withLastSample(bytes: Uint8Array, lastSample: number): Uint8Array {
  const copy = bytes.slice();
  const view = new DataView(copy.buffer);
  for (let pointer = 6 + 16; pointer < 6 + 16 + 120; pointer += 10) {
    if (view.getUint16(pointer, true) === 3) {
      const sectionStart = view.getUint32(pointer + 6, true) - 1;
      view.setUint32(sectionStart + 16 + 2 + 4, lastSample, true);
    }
  }
  return copy;
}

interface ScpReference {
  tools: { 'biosig_2.5.0': { n_channels: number; n_samples: number; fs_hz: number; labels: string[]; first10_uV: Record<string, number[]> } };
}

describe.skipIf(!hasSharedSamples)(sharedTitle('SCP-ECG reader on the shared Example.scp'), () => {
  it('matches BioSig exactly: 12 leads, 500 Hz, 5000 samples, first values in 2.5 µV steps', async () => {
    const reference = (loadReference().records as Record<string, ScpReference>)['scp-ecg/Example.scp'].tools['biosig_2.5.0'];
    const record = await read(new Uint8Array(readFileSync(samplePath('scp-ecg', 'Example.scp'))));
    expect(record.sampleRateHz).toBe(reference.fs_hz);
    expect(record.leads.map((lead) => lead.name)).toEqual(reference.labels);
    for (const lead of record.leads) {
      expect(lead.microvolts.length).toBe(reference.n_samples);
      expect(Array.from(lead.microvolts.subarray(0, 10))).toEqual(reference.first10_uV[lead.name]);
    }
  });

  it('reads the demographics of section 1', async () => {
    const record = await read(new Uint8Array(readFileSync(samplePath('scp-ecg', 'Example.scp'))));
    expect(record.patient).toEqual({ id: 'SBJ-123', name: 'Clark', sex: 'M', birthDate: '1953-05-08' });
    expect(record.device).toEqual({ manufacturer: 'ECGConversion', model: 'ELI250' });
    expect(record.recordedAt).toBe('2002-11-22T09:10:00');
  });
});
