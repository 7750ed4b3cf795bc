import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { EcgRecord } from '../../../../src/shared/ecg';
import { EcgFormatError } from '../../../../src/main/ecg/formats/errors';
import { dicomReader, personName, readDicom } from '../../../../src/main/ecg/formats/dicom';
import { checkReaderOutput, readEcgBytes } from '../../../../src/main/ecg/formats/index';
import { hasSharedSamples, loadReference, samplePath, SKIP_REASON } from '../../../support/shared-samples';
import { buildDicom, leadChannel, SOP_CLASS, TRANSFER_SYNTAX, type DicomGroupSpec, type DicomSpec } from '../../../support/ecg-writers/dicom';
import { assertWellFormedRecord } from '../../../support/ecg-record-checks';
import { codeOf, leadValues } from '../../../support/ecg-format-helpers';

const values = leadValues;

describe.skipIf(!hasSharedSamples)(`dicomReader on the pydicom ECG matches reference.json (${SKIP_REASON})`, () => {
  interface ChannelReference {
    source_code: string;
    first10_converted: number[];
  }
  interface GroupReference {
    originality: string;
    n_samples: number;
    fs_hz: number;
    channels: ChannelReference[];
  }
  interface DicomReference {
    manufacturer: string;
    multiplex_groups: GroupReference[];
  }
  const reference = () => (loadReference().records as Record<string, DicomReference>)['dicom/waveform_ecg.dcm'];
  const record = () => readDicom(readFileSync(samplePath('dicom', 'waveform_ecg.dcm')));
  const SCP_NAMES: Record<string, string> = {
    1: 'I',
    2: 'II',
    3: 'V1',
    4: 'V2',
    5: 'V3',
    6: 'V4',
    7: 'V5',
    8: 'V6',
    61: 'III',
    62: 'aVR',
    63: 'aVL',
    64: 'aVF',
  };

  it('reads the ORIGINAL rhythm group, not the DERIVED median beat: rate, count, lead names, first values', () => {
    const original = reference().multiplex_groups.find((group) => group.originality === 'ORIGINAL') as GroupReference;
    const result = record();
    expect(result.format).toBe('dicom');
    expect(result.sampleRateHz).toBe(original.fs_hz);
    expect(result.leads.map((lead) => lead.name)).toEqual(original.channels.map((channel) => SCP_NAMES[channel.source_code.split('-').pop() as string]));
    original.channels.forEach((channel, index) => {
      expect(result.leads[index].microvolts.length).toBe(original.n_samples);
      expect(Array.from(result.leads[index].microvolts.subarray(0, 10))).toEqual(channel.first10_converted);
    });
  });

  it('reads the manufacturer and is recognised by content', () => {
    expect(record().device?.manufacturer).toBe(reference().manufacturer);
    expect(dicomReader.sniff(readFileSync(samplePath('dicom', 'waveform_ecg.dcm')).subarray(0, 256))).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------------------------

const rhythm = (overrides: Partial<DicomGroupSpec> = {}): DicomGroupSpec => ({
  originality: 'ORIGINAL',
  sampleRate: '500',
  channels: [leadChannel('I', [80, -65, 0]), leadChannel('II', [90, 85, -1])],
  ...overrides,
});

describe('dicomReader on built objects', () => {
  it.each([
    ['explicit VR little endian Part 10', { transferSyntax: TRANSFER_SYNTAX.explicitLittle }],
    ['implicit VR little endian Part 10', { transferSyntax: TRANSFER_SYNTAX.implicitLittle }],
    ['undefined-length sequences and items', { undefinedLengths: true }],
    ['implicit VR with undefined lengths', { transferSyntax: TRANSFER_SYNTAX.implicitLittle, undefinedLengths: true }],
    ['a bare explicit data set without preamble', { preamble: false }],
  ] as [string, Partial<DicomSpec>][])('reads %s: physical = raw × sensitivity', (_label, spec) => {
    const record = readDicom(buildDicom({ groups: [rhythm()], ...spec }));
    expect(record.sampleRateHz).toBe(500);
    expect(record.leads.map((lead) => lead.name)).toEqual(['I', 'II']);
    expect(values(record, 'I')).toEqual([100, -81.25, 0]);
    expect(values(record, 'II')).toEqual([112.5, 106.25, -1.25]);
  });

  it('applies the correction factor, the baseline (in channel units) and mV units', () => {
    const channels = [
      leadChannel('V1', [10, -10], { sensitivity: '0.005', unit: 'mV', correction: '0.5', baseline: '0.1' }),
      leadChannel('V2', [4, 0], { sensitivity: '2.5', correction: '2', baseline: '-3' }),
    ];
    const record = readDicom(buildDicom({ groups: [rhythm({ channels })] }));
    // (10 × 0.005 × 0.5 + 0.1) mV = 0.125 mV; (4 × 2.5 × 2 − 3) µV = 17 µV.
    expect(values(record, 'V1')).toEqual([125, 75]);
    expect(values(record, 'V2')).toEqual([17, -3]);
  });

  it('names leads by SCPECG or MDC code, then by code meaning or label, then by position', () => {
    const channels = [
      leadChannel('I', [1], { code: { value: '2:62', scheme: 'MDC', meaning: 'Lead aVR' } }),
      leadChannel('I', [1], { code: { value: '99', scheme: '99LOCAL', meaning: 'Lead V3' } }),
      leadChannel('I', [1], { code: null, label: 'aVF lead' }),
      leadChannel('I', [1], { code: null, label: 'Esophageal' }),
      leadChannel('I', [1], { code: null }),
    ];
    expect(readDicom(buildDicom({ groups: [rhythm({ channels })] })).leads.map((lead) => lead.name)).toEqual(['aVR', 'V3', 'aVF', 'Esophageal', 'Channel 5']);
  });

  it('prefers the ORIGINAL group over a DERIVED one listed first, and falls back to DERIVED when alone', () => {
    const median = rhythm({ originality: 'DERIVED', sampleRate: '1000', channels: [leadChannel('I', [7, 7, 7, 7])] });
    expect(readDicom(buildDicom({ groups: [median, rhythm()] })).sampleRateHz).toBe(500);
    expect(readDicom(buildDicom({ groups: [median] })).sampleRateHz).toBe(1000);
  });

  it('reads a hemodynamic study’s ECG channels and leaves pressure channels out', () => {
    const channels = [
      leadChannel('II', [8, 16]),
      { ...leadChannel('I', [120, 80]), code: { value: 'PRESS', scheme: '99X', meaning: 'Arterial pressure' }, unit: 'mm[Hg]' },
    ];
    const record = readDicom(buildDicom({ sopClass: SOP_CLASS.hemodynamic, groups: [rhythm({ channels })] }));
    expect(record.leads.map((lead) => lead.name)).toEqual(['II']);
  });

  it('reads 8-bit signed samples; a padding value inside the signal is an ordinary sample, noted on the record', () => {
    const record = readDicom(buildDicom({ groups: [rhythm({ bits: 8, padding: -128, channels: [leadChannel('I', [4, -128, -4])] })] }));
    expect(values(record, 'I')).toEqual([5, -160, -5]);
    expect(record.leads[0].gaps).toBeUndefined();
    expect(record.deviations?.map((deviation) => deviation.code)).toEqual(['DICOM_PADDING_INSIDE_SIGNAL']);
  });

  it.each([
    ['UTF-8 (ISO_IR 192)', 'ISO_IR 192', new TextEncoder().encode('张^三')],
    ['GB18030', 'GB18030', Uint8Array.of(0xd5, 0xc5, 0x5e, 0xc8, 0xfd)],
    ['GB 2312 through ISO 2022 escapes', '\\ISO 2022 IR 58', Uint8Array.of(0x1b, 0x24, 0x29, 0x41, 0xd5, 0xc5, 0x5e, 0x1b, 0x24, 0x29, 0x41, 0xc8, 0xfd)],
    ['pinyin with an ideographic component group', 'ISO_IR 192', new TextEncoder().encode('Zhang^San=张^三')],
  ])('reads a Chinese patient name in %s', (_label, characterSet, patientName) => {
    const record = readDicom(buildDicom({ characterSet, patientName, groups: [rhythm()] }));
    expect(record.patient?.name).toBe('张三');
  });

  it('reads demographics, device and acquisition time (DT with offset, or content date and time with the time-zone offset)', () => {
    const record = readDicom(
      buildDicom({
        patientName: 'Doe^John',
        patientId: 'ID-42',
        patientSex: 'O',
        birthDate: '19530508',
        age: '070Y',
        manufacturer: 'ACME',
        model: 'Cart 9',
        serial: 'SN9',
        acquisitionDateTime: '20240301083015.25+0800',
        groups: [rhythm()],
      }),
    );
    expect(record.patient).toEqual({ id: 'ID-42', name: 'Doe John', sex: 'U', birthDate: '1953-05-08', ageYears: 70 });
    expect(record.device).toEqual({ manufacturer: 'ACME', model: 'Cart 9', serial: 'SN9' });
    expect(record.recordedAt).toBe('2024-03-01T08:30:15.25+08:00');
    const fallback = readDicom(buildDicom({ contentDate: '20240301', contentTime: '083015', timezoneOffset: '+0800', groups: [rhythm()] }));
    expect(fallback.recordedAt).toBe('2024-03-01T08:30:15+08:00');
  });

  it('joins person-name components family first', () => {
    expect(personName('Wang^Xiaoming^^Dr')).toBe('Wang Xiaoming');
    expect(personName('=王^小明')).toBe('王小明');
    expect(personName('^^')).toBeUndefined();
  });

  it.each<[string, DicomSpec, string]>([
    ['explicit VR big endian', { transferSyntax: TRANSFER_SYNTAX.explicitBig, groups: [rhythm()] }, 'UNSUPPORTED_VARIANT'],
    ['deflated transfer syntax', { transferSyntax: TRANSFER_SYNTAX.deflated, groups: [rhythm()] }, 'UNSUPPORTED_VARIANT'],
    ['JPEG transfer syntax', { transferSyntax: TRANSFER_SYNTAX.jpegBaseline, groups: [rhythm()] }, 'UNSUPPORTED_VARIANT'],
    ['µ-law audio samples', { groups: [rhythm({ bits: 8, interpretation: 'MB' })] }, 'UNSUPPORTED_VARIANT'],
    ['an uncalibrated channel', { groups: [rhythm({ channels: [leadChannel('I', [1], { sensitivity: null })] })] }, 'UNSUPPORTED_VARIANT'],
    ['an image object', { sopClass: SOP_CLASS.ctImage }, 'UNSUPPORTED_VARIANT'],
    ['a waveform object without a Waveform Sequence', {}, 'NO_SIGNAL'],
    ['no voltage channel at all', { groups: [rhythm({ channels: [leadChannel('I', [1], { unit: 'mm[Hg]' })] })] }, 'NO_SIGNAL'],
    ['fewer waveform bytes than channels × samples', { groups: [rhythm({ sampleCount: 9 })] }, 'TRUNCATED'],
    ['a channel count that contradicts the definitions', { groups: [rhythm({ channelCount: 3, data: new Uint8Array(18) })] }, 'CORRUPT'],
    ['an impossible sampling frequency', { groups: [rhythm({ sampleRate: '0' })] }, 'CORRUPT'],
    ['a sampling frequency that is not a decimal', { groups: [rhythm({ sampleRate: 'fast' })] }, 'CORRUPT'],
  ])('refuses %s', (_label, spec, code) => {
    expect(codeOf(() => readDicom(buildDicom(spec)))).toBe(code);
  });

  it('refuses files cut anywhere inside the data set as TRUNCATED or CORRUPT, never anything else', () => {
    const bytes = buildDicom({ groups: [rhythm()], undefinedLengths: true });
    for (let cut = 133; cut < bytes.length; cut += 7) {
      expect(['TRUNCATED', 'CORRUPT', 'NO_SIGNAL']).toContain(codeOf(() => readDicom(bytes.subarray(0, cut))));
    }
  });

  it('refuses what is not DICOM, and sniffs only DICOM', () => {
    expect(codeOf(() => readDicom(new TextEncoder().encode('0       patient')))).toBe('UNKNOWN_FORMAT');
    expect(dicomReader.sniff(buildDicom({ groups: [rhythm()] }).subarray(0, 200))).toBe(true);
    expect(dicomReader.sniff(buildDicom({ groups: [rhythm()], preamble: false }).subarray(0, 200))).toBe(true);
    expect(dicomReader.sniff(new TextEncoder().encode('<?xml version="1.0"?>'))).toBe(false);
    expect(dicomReader.sniff(new Uint8Array(10))).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------------------------

function expectWellFormed(record: EcgRecord): void {
  assertWellFormedRecord(record, { format: 'dicom', namedLeads: true });
}

const specArb: fc.Arbitrary<DicomSpec> = fc
  .record({
    transferSyntax: fc.constantFrom(TRANSFER_SYNTAX.explicitLittle, TRANSFER_SYNTAX.implicitLittle),
    undefinedLengths: fc.boolean(),
    preamble: fc.boolean(),
    bits: fc.constantFrom(8 as const, 16 as const),
    names: fc.uniqueArray(fc.constantFrom('I', 'II', 'III', 'aVR', 'V1', 'V6'), { minLength: 1, maxLength: 4 }),
    length: fc.integer({ min: 1, max: 24 }),
    seed: fc.array(fc.integer({ min: -128, max: 127 }), { minLength: 24, maxLength: 24 }),
    withMedian: fc.boolean(),
  })
  .map(({ transferSyntax, undefinedLengths, preamble, bits, names, length, seed, withMedian }) => {
    const group: DicomGroupSpec = {
      bits,
      channels: names.map((name, c) =>
        leadChannel(
          name,
          Array.from({ length }, (_, i) => seed[(i + c * 5) % seed.length]),
        ),
      ),
    };
    const median: DicomGroupSpec = { originality: 'DERIVED', channels: [leadChannel('I', [1, 2])] };
    // A bare data set must be explicit VR to be recognised.
    return {
      transferSyntax: preamble ? transferSyntax : TRANSFER_SYNTAX.explicitLittle,
      undefinedLengths,
      preamble,
      patientName: new TextEncoder().encode('张^三'),
      characterSet: 'ISO_IR 192',
      groups: withMedian ? [median, group] : [group],
    };
  });

type Mutation =
  | { kind: 'sample'; at: number; byte: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; at: number; byte: number }
  | { kind: 'word'; at: number; value: number }
  | { kind: 'insert'; at: number; bytes: number[] };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  // A changed sample byte near the end (where Waveform Data sits) keeps a share of mutants readable.
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('sample' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }) },
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  // Overwrites 4 bytes, which hits lengths, counts and tags: the fields a lying file lies in.
  fc.record({
    kind: fc.constant('word' as const),
    at: fc.nat(),
    value: fc.constantFrom(0, 1, 0xffffffff, 0x7fffffff, 0xfffee000, 0xfffee0dd, 0xfffee00d, 0x10000),
  }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 8 }) }),
);

function mutate(document: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let bytes = document;
  for (const m of mutations) {
    if (m.kind === 'sample') {
      const tail = Math.max(1, Math.floor(bytes.length * 0.3));
      if (bytes.length > 0) {
        bytes = bytes.slice();
        bytes[bytes.length - 1 - (m.at % tail)] = m.byte;
      }
      continue;
    }
    const at = bytes.length === 0 ? 0 : m.at % (bytes.length + 1);
    if (m.kind === 'truncate') bytes = bytes.subarray(0, at);
    else if (m.kind === 'insert') bytes = Buffer.concat([bytes.subarray(0, at), Uint8Array.from(m.bytes), bytes.subarray(at)]);
    else if (at < bytes.length) {
      bytes = bytes.slice();
      if (m.kind === 'flip') bytes[at] = m.byte;
      else if (bytes.length >= 4) new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).setUint32(Math.min(at, bytes.length - 4), m.value, true);
    }
  }
  return bytes;
}

describe('dicomReader properties', () => {
  it('reads back every generated object to its raw samples (1,000 objects)', () => {
    fc.assert(
      fc.property(specArb, (spec) => {
        const record = readDicom(buildDicom(spec));
        const original = (spec.groups ?? []).find((group) => group.originality !== 'DERIVED') as DicomGroupSpec;
        expect(record.leads.map((lead) => Array.from(lead.microvolts))).toEqual(original.channels.map((channel) => channel.raw.map((raw) => raw * 1.25 + 0)));
        expect(record.patient?.name).toBe('张三');
      }),
      { numRuns: 1_000 },
    );
  });

  it('returns a well-formed record or throws EcgFormatError for truncated, corrupted and lying objects (10,000 mutants)', () => {
    fc.assert(
      fc.property(specArb, fc.array(mutationArb, { minLength: 1, maxLength: 3 }), (spec, mutations) => {
        try {
          expectWellFormed(checkReaderOutput(readDicom(mutate(buildDicom(spec), mutations)), dicomReader));
        } catch (error) {
          if (!(error instanceof EcgFormatError)) throw error;
        }
      }),
      { numRuns: 10_000 },
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Issue 11.2: the field cases and pydicom's decoding rules.
//
// pydicom cannot be installed here (no PyPI), so its documented `multiplex_array` rules are written as the
// expectation instead: samples interleaved by channel, dtype from Waveform Bits Allocated + Sample Interpretation
// (SB/UB int8/uint8, SS/US int16/uint16), then per channel × Channel Sensitivity, × Sensitivity Correction Factor,
// + Channel Baseline, in that order, in the sensitivity's units; the padding value is not applied.

describe('dicomReader: ECG Toolkit padding, sample widths, many channels, rhythm + median (issue 11.2)', () => {
  it('reads the ECG Toolkit file shape: implicit VR, 2.5 µV, padding −32768 written big-endian, aVL raw 128 is 320 µV', async () => {
    const raw = [0, 128, 200, 128, -40, 128];
    const channels = ['I', 'II', 'aVL'].map((name) => leadChannel(name, name === 'aVL' ? raw : raw.map((v) => v - 1), { sensitivity: '2.5' }));
    const bytes = buildDicom({ transferSyntax: TRANSFER_SYNTAX.implicitLittle, groups: [rhythm({ padding: -32768, paddingByteOrder: 'big', channels })] });
    const record = await readEcgBytes(bytes, 'toolkit.dcm', async () => undefined);
    expect(values(record, 'aVL')).toEqual([0, 320, 500, 320, -100, 320]);
    expect(record.leads.every((lead) => lead.gaps === undefined)).toBe(true);
    expect(record.deviations?.map((deviation) => deviation.code)).toEqual(['DICOM_PADDING_BYTE_SWAPPED']);
  });

  it('ignores a padding value inside the range of real samples (0 here): a flat end is not missing data', () => {
    const record = readDicom(buildDicom({ groups: [rhythm({ padding: 0, channels: [leadChannel('I', [8, 0, 0])] })] }));
    expect(values(record, 'I')).toEqual([10, 0, 0]);
    expect(record.leads[0].gaps).toBeUndefined();
    expect(record.deviations).toBeUndefined();
  });

  it('takes a run of padding at the end of a channel as a declared gap (NaN only there), and passes the final check', async () => {
    const channels = [leadChannel('I', [10, 20, -32768, -32768]), leadChannel('II', [1, 2, 3, 4])];
    const record = await readEcgBytes(buildDicom({ groups: [rhythm({ padding: -32768, channels })] }), 'short.dcm', async () => undefined);
    expect(values(record, 'I')).toEqual([12.5, 25, NaN, NaN]);
    expect(record.leads[0].gaps).toEqual([{ start: 2, end: 4 }]);
    expect(record.leads[1].gaps).toBeUndefined();
    expect(record.deviations).toBeUndefined();
  });

  it.each([
    [8, 'SB', [-128, 0, 127]],
    [8, 'UB', [0, 128, 255]],
    [16, 'SS', [-32768, 0, 32767]],
    [16, 'US', [0, 32768, 65535]],
  ] as const)('reads %i-bit %s samples over their whole range', (bits, interpretation, raw) => {
    const record = readDicom(buildDicom({ groups: [rhythm({ bits, interpretation, channels: [leadChannel('I', [...raw], { sensitivity: '1' })] })] }));
    expect(values(record, 'I')).toEqual([...raw]);
  });

  it('keeps the rhythm for display and the DERIVED median beats beside it, in either order', () => {
    const median = rhythm({ originality: 'DERIVED', sampleRate: '1000', channels: [leadChannel('I', [7, 8, 9, 8]), leadChannel('II', [1, 2, 3, 2])] });
    for (const groups of [
      [median, rhythm()],
      [rhythm(), median],
    ]) {
      const record = readDicom(buildDicom({ groups }));
      expect(record.sampleRateHz).toBe(500);
      expect(values(record, 'I')).toEqual([100, -81.25, 0]);
      expect(record.medianBeat?.sampleRateHz).toBe(1000);
      expect(record.medianBeat?.leads.map((lead) => Array.from(lead.microvolts))).toEqual([
        [8.75, 10, 11.25, 10],
        [1.25, 2.5, 3.75, 2.5],
      ]);
    }
  });

  /** pydicom's rule, computed here in double precision from the spec, not from the reader. */
  function pydicomValue(raw: number, channel: { sensitivity: number; correction: number; baseline: number; unit: string }): number {
    const microvoltsPer = { uV: 1, mV: 1000 }[channel.unit as 'uV' | 'mV'];
    return (raw * channel.sensitivity * channel.correction + channel.baseline) * microvoltsPer;
  }

  it('decodes any multiplex group as pydicom does: 1–16 channels, 8/16 bits, signed/unsigned, sensitivity, correction, baseline, implicit/explicit VR', () => {
    const widths = { SB: [8, -128, 127], UB: [8, 0, 255], SS: [16, -32768, 32767], US: [16, 0, 65535] } as const;
    const decimal = (min: number, max: number) => fc.integer({ min: min * 1000, max: max * 1000 }).map((v) => v / 1000);
    const group = fc
      .record({
        interpretation: fc.constantFrom('SB', 'UB', 'SS', 'US') as fc.Arbitrary<keyof typeof widths>,
        channelCount: fc.integer({ min: 1, max: 16 }),
        sampleCount: fc.integer({ min: 1, max: 40 }),
        implicit: fc.boolean(),
      })
      .chain(({ interpretation, channelCount, sampleCount, implicit }) => {
        const [, min, max] = widths[interpretation];
        const channel = fc.record({
          sensitivity: decimal(0.001, 10).filter((v) => v !== 0),
          correction: decimal(0.5, 2).filter((v) => v !== 0),
          baseline: decimal(-50, 50),
          unit: fc.constantFrom('uV', 'mV'),
          raw: fc.array(fc.integer({ min, max }), { minLength: sampleCount, maxLength: sampleCount }),
        });
        return fc.record({
          interpretation: fc.constant(interpretation),
          implicit: fc.constant(implicit),
          channels: fc.array(channel, { minLength: channelCount, maxLength: channelCount }),
        });
      });
    fc.assert(
      fc.property(group, ({ interpretation, implicit, channels }) => {
        const bits = widths[interpretation][0];
        const names = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];
        const specs = channels.map((channel, index) =>
          leadChannel(names[index % 12], channel.raw, {
            sensitivity: String(channel.sensitivity),
            correction: String(channel.correction),
            baseline: String(channel.baseline),
            unit: channel.unit,
          }),
        );
        const bytes = buildDicom({
          transferSyntax: implicit ? TRANSFER_SYNTAX.implicitLittle : TRANSFER_SYNTAX.explicitLittle,
          groups: [rhythm({ bits, interpretation, channels: specs })],
        });
        const record = readDicom(bytes);
        expect(record.leads).toHaveLength(channels.length);
        channels.forEach((channel, c) => {
          channel.raw.forEach((raw, i) => {
            const expected = Math.fround(pydicomValue(raw, channel));
            const got = record.leads[c].microvolts[i];
            // Float32 storage: the reader folds the factors in another order, so allow one float32 step.
            expect(Math.abs(got - expected)).toBeLessThanOrEqual(Math.max(1e-6, Math.abs(expected) * 2 ** -22));
          });
        });
      }),
      { numRuns: 150 },
    );
  });
});
