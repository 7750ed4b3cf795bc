import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { EcgRecord } from '../../../../src/shared/ecg';
import { EcgFormatError } from '../../../../src/main/ecg/formats/errors';
import { crc32, decodeBase64, museReader, readMuse } from '../../../../src/main/ecg/formats/ge-muse';
import { hasSharedSamples, loadReference, samplePath, SKIP_REASON } from '../../../support/shared-samples';
import { buildMuseXml, museBytes, type MuseLeadSpec, type MuseSpec } from '../../../support/ecg-writers/muse';
import { assertWellFormedRecord } from '../../../support/ecg-record-checks';
import { codeOf, leadValues, mutateXml, xmlMutationArb } from '../../../support/ecg-format-helpers';

const values = leadValues;
const f32 = (numbers: number[]) => numbers.map((value) => Math.fround(value));

describe.skipIf(!hasSharedSamples)(`museReader on the BRAVEHEART example matches reference.json (${SKIP_REASON})`, () => {
  interface LeadReference {
    lead: string;
    n_samples_decoded: number;
    units_per_bit: number;
    first10_raw: number[];
  }
  interface MuseReference {
    waveforms: { type: string; fs_hz: number; leads: LeadReference[] }[];
    qrs_times: number[];
  }
  const reference = () => (loadReference().records as Record<string, MuseReference>)['ge-muse-xml/example1.xml'];
  const record = () => readMuse(readFileSync(samplePath('ge-muse-xml', 'example1.xml')));

  it('reads the 10 s rhythm (not the median beat): rate, count, the 8 stored leads, first values', () => {
    const rhythm = reference().waveforms.find((waveform) => waveform.type === 'Rhythm');
    if (!rhythm) throw new Error('reference.json has no rhythm waveform');
    const result = record();
    expect(result.format).toBe('ge-muse-xml');
    expect(result.sampleRateHz).toBe(rhythm.fs_hz);
    for (const lead of rhythm.leads) {
      const decoded = values(result, lead.lead);
      expect(decoded.length).toBe(lead.n_samples_decoded);
      expect(decoded.slice(0, 10)).toEqual(f32(lead.first10_raw.map((raw) => raw * lead.units_per_bit)));
    }
  });

  it('derives III, aVR, aVL and aVF from I and II and lists the 12 leads in display order', () => {
    const rhythm = reference().waveforms.find((waveform) => waveform.type === 'Rhythm') as MuseReference['waveforms'][number];
    const rawOf = (name: string) => (rhythm.leads.find((lead) => lead.lead === name) as LeadReference).first10_raw;
    const [rawI, rawII] = [rawOf('I'), rawOf('II')];
    const result = record();
    expect(result.leads.map((lead) => lead.name)).toEqual(['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6']);
    const upb = 4.88;
    expect(values(result, 'III').slice(0, 10)).toEqual(f32(rawI.map((i, k) => rawII[k] * upb - i * upb)));
    expect(values(result, 'aVR').slice(0, 10)).toEqual(f32(rawI.map((i, k) => -(i * upb + rawII[k] * upb) / 2)));
    expect(values(result, 'aVL').slice(0, 10)).toEqual(f32(rawI.map((i, k) => i * upb - (rawII[k] * upb) / 2)));
    expect(values(result, 'aVF').slice(0, 10)).toEqual(f32(rawI.map((i, k) => rawII[k] * upb - (i * upb) / 2)));
  });

  it('turns the QRS times (ms) into beat annotations at 500 Hz', () => {
    expect(record().annotations?.map((beat) => beat.sample)).toEqual(reference().qrs_times.map((ms) => Math.round(ms / 2)));
  });

  it('is recognised by content', () => {
    expect(museReader.sniff(readFileSync(samplePath('ge-muse-xml', 'example1.xml')).subarray(0, 4096))).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------------------------

const eightLeads = (length: number, seed = 1): MuseLeadSpec[] =>
  ['I', 'II', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'].map((id, lead) => ({
    id,
    raw: Array.from({ length }, (_, i) => ((i * 37 + lead * 11 + seed) % 401) - 200),
  }));

describe('museReader on built documents', () => {
  it('scales int16 samples by units per bit and derives the limb leads exactly', () => {
    const spec: MuseSpec = {
      rhythm: [
        { id: 'I', raw: [10, -4, 0] },
        { id: 'II', raw: [30, 2, 0] },
      ],
    };
    const record = readMuse(museBytes(spec));
    expect(values(record, 'I')).toEqual(f32([48.8, -19.52, 0]));
    expect(values(record, 'III')).toEqual(f32([97.6, 29.28, 0]));
    expect(values(record, 'aVR')).toEqual(f32([-97.6, 4.88, 0]));
    expect(values(record, 'aVL')).toEqual(f32([-24.4, -24.4, 0]));
    expect(values(record, 'aVF')).toEqual(f32([122, 19.52, 0]));
    // −(0 + 0)/2 is −0 in IEEE arithmetic; the reader gives +0 so that equal signals compare equal.
    expect(Object.is(values(record, 'aVR')[2], 0)).toBe(true);
  });

  it('keeps stored limb leads rather than deriving them, and honours MILLIVOLTS', () => {
    const record = readMuse(
      museBytes({
        rhythm: [
          { id: 'I', raw: [1] },
          { id: 'II', raw: [2] },
          { id: 'III', raw: [7], unitsPerBit: 0.001, units: 'MILLIVOLTS' },
        ],
      }),
    );
    expect(values(record, 'III')).toEqual([7]);
    expect(record.leads.filter((lead) => lead.name === 'III')).toHaveLength(1);
  });

  it('reads demographics, acquisition time, device and a sample rate of SampleBase × 10^SampleExponent', () => {
    const record = readMuse(
      museBytes({
        rhythm: eightLeads(4),
        sampleBase: 25,
        sampleExponent: 1,
        encoding: 'UTF-8',
        patient: { id: 'MRN-7', lastName: 'Zhang', firstName: 'San', gender: 'FEMALE', birthDate: '05-08-1953', age: '70', ageUnits: 'YEARS' },
        acquisition: { date: '03-01-2024', time: '08:30:15', device: 'MAC55' },
        qrs: [
          { time: 2, type: 0 },
          { time: 100, type: 1 },
        ],
      }),
    );
    expect(record.sampleRateHz).toBe(250);
    expect(record.patient).toEqual({ id: 'MRN-7', name: 'Zhang San', sex: 'F', birthDate: '1953-05-08', ageYears: 70 });
    expect(record.recordedAt).toBe('2024-03-01T08:30:15');
    expect(record.device).toEqual({ model: 'MAC55' });
    // 100 ms is sample 25 at 250 Hz, past the 4-sample strip: dropped.
    expect(record.annotations).toEqual([{ sample: 1, symbol: '0' }]);
  });

  it('reads a document without CRCs', () => {
    expect(readMuse(museBytes({ rhythm: [{ id: 'I', raw: [5], crc: null }] })).leads[0].microvolts[0]).toBeCloseTo(24.4, 4);
  });

  it.each<[string, MuseSpec, string]>([
    ['a lead that fails its CRC', { rhythm: [{ id: 'I', raw: [1, 2], crc: 12345 }] }, 'CORRUPT'],
    ['fewer bytes than declared', { rhythm: [{ id: 'I', raw: [1, 2], sampleCount: 3, byteCount: 6, crc: null }] }, 'TRUNCATED'],
    ['more bytes than declared', { rhythm: [{ id: 'I', raw: [1, 2, 3], sampleCount: 2, byteCount: 4, crc: null }] }, 'CORRUPT'],
    ['a byte count that contradicts the sample count', { rhythm: [{ id: 'I', raw: [1, 2], byteCount: 5 }] }, 'CORRUPT'],
    ['base64 with foreign characters', { rhythm: [{ id: 'I', raw: [1], base64: 'AQ*A' }] }, 'CORRUPT'],
    [
      'leads of different lengths',
      {
        rhythm: [
          { id: 'I', raw: [1, 2] },
          { id: 'II', raw: [1] },
        ],
      },
      'CORRUPT',
    ],
    ['only a median beat', { median: [{ id: 'I', raw: [1, 2] }] }, 'NO_SIGNAL'],
    ['a rhythm block without leads', { rhythm: [] }, 'NO_SIGNAL'],
    ['an amplitude unit it does not know', { rhythm: [{ id: 'I', raw: [1], units: 'FURLONGS' }] }, 'UNSUPPORTED_VARIANT'],
    ['a zero sample rate', { rhythm: [{ id: 'I', raw: [1] }], sampleBase: 0 }, 'CORRUPT'],
    // The property test's counterexample: one byte of "4.88" flipped to "4088" gave lead III 15.8 V.
    ['an amplitude per bit that makes volts', { rhythm: [{ id: 'III', raw: [3871, 0], unitsPerBit: 4088 }] }, 'BAD_SAMPLE'],
    [
      'the same in a lead that feeds the derived ones',
      {
        rhythm: [
          { id: 'I', raw: [3871, 0], unitsPerBit: 4088 },
          { id: 'II', raw: [0, 0] },
        ],
      },
      'BAD_SAMPLE',
    ],
  ])('refuses %s', (_label, spec, code) => {
    expect(codeOf(() => readMuse(museBytes(spec)))).toBe(code);
  });

  it.each([
    ['AQID', [1, 2, 3]],
    ['AQ\r\nID\n', [1, 2, 3]],
    [' A Q I D \t', [1, 2, 3]],
    ['AQI=', [1, 2]],
    ['AQ==', [1]],
    ['AQ=\n=\n', [1]],
    ['', []],
  ])('decodes strict base64 %j', (text, bytes) => {
    expect(Array.from(decodeBase64(text, 'test'))).toEqual(bytes);
  });

  it.each(['AQI', 'AQIDA', 'AQ=', 'AQ===', 'A=QI', 'AQ==AQID', 'AQ*D', 'AQ\u00e9D', 'AQ\fID'])('refuses base64 %j', (text) => {
    expect(codeOf(() => decodeBase64(text, 'test'))).toBe('CORRUPT');
  });

  it('computes the CRC-32 that zlib computes', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('sniffs its root element behind the DOCTYPE', () => {
    expect(museReader.sniff(museBytes({ rhythm: [] }).subarray(0, 200))).toBe(true);
    expect(museReader.sniff(new TextEncoder().encode('<restingecgdata/>'))).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------------------------

function expectWellFormed(record: EcgRecord): void {
  assertWellFormedRecord(record, { format: 'ge-muse-xml', namedLeads: true });
}

const mutationArb = xmlMutationArb({
  patterns: [
    /[A-Za-z0-9+/]{4}(?=[A-Za-z0-9+/=]*<\/WaveFormData>)/,
    /<LeadSampleCountTotal>\d+/,
    /<LeadByteCountTotal>\d+/,
    /<SampleBase>\d+/,
    /Rhythm/,
    /<LeadAmplitudeUnitsPerBit>[\d.]+/,
    /<LeadDataCRC32>\d+<\/LeadDataCRC32>/,
    /<\/LeadData>/,
  ],
  replacements: [
    '',
    '!!!!',
    '====',
    'AAAA',
    '<LeadSampleCountTotal>7',
    '<LeadByteCountTotal>1',
    '<SampleBase>-1',
    'Median',
    '<LeadAmplitudeUnitsPerBit>abc',
    '&ent;',
  ],
  inserts: ['<!DOCTYPE RestingECG [<!ENTITY a "&a;&a;">]>', '<Waveform>'.repeat(400), '&lol;', '<![CDATA[', '<LeadData></LeadData>'],
});

const museSpecArb: fc.Arbitrary<MuseSpec> = fc.record({
  rhythm: fc
    .integer({ min: 1, max: 12 })
    .chain((length) =>
      fc
        .uniqueArray(fc.constantFrom('I', 'II', 'III', 'V1', 'V5', 'aVR'), { minLength: 1, maxLength: 4 })
        .chain((ids) =>
          fc.tuple(...ids.map((id) => fc.array(fc.integer({ min: -32768, max: 32767 }), { minLength: length, maxLength: length }).map((raw) => ({ id, raw })))),
        ),
    ),
  median: fc.constant([{ id: 'I', raw: [1, 2, 3] }]),
  qrs: fc.array(fc.record({ time: fc.nat(100), type: fc.nat(3) }), { maxLength: 3 }),
});

describe('museReader properties', () => {
  it('returns a well-formed record or throws EcgFormatError for truncated, corrupted and hostile documents (10,000 mutants)', () => {
    fc.assert(
      fc.property(museSpecArb, fc.array(mutationArb, { minLength: 1, maxLength: 3 }), (spec, mutations) => {
        try {
          expectWellFormed(readMuse(mutateXml(museBytes(spec), mutations, 'latin1')));
        } catch (error) {
          if (!(error instanceof EcgFormatError)) throw error;
        }
      }),
      { numRuns: 10_000 },
    );
  });

  it('reads every unmutated generated document back to its raw samples (1,000 documents)', () => {
    fc.assert(
      fc.property(museSpecArb, (spec) => {
        const record = readMuse(museBytes(spec));
        for (const lead of spec.rhythm ?? []) expect(values(record, lead.id)).toEqual(f32(lead.raw.map((raw) => raw * 4.88 + 0)));
        expect(buildMuseXml(spec)).toContain('<WaveformType>Rhythm</WaveformType>');
      }),
      { numRuns: 1_000 },
    );
  });
});
