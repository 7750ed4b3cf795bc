import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { EcgRecord } from '../../../../src/shared/ecg';
import { EcgFormatError } from '../../../../src/main/ecg/formats/errors';
import { philipsReader, readPhilips, reconstructLimbLeads } from '../../../../src/main/ecg/formats/philips';
import { decodeDeltas, decodeXli, lzwDecode, unpackPlanes } from '../../../../src/main/ecg/formats/philips-xli';
import { hasSharedSamples, loadReference, samplePath, SKIP_REASON } from '../../../support/shared-samples';
import { buildPhilipsXml, encodeDeltas, limbResiduals, lzwEncode, philipsBytes, xliPayload, type PhilipsSpec } from '../../../support/ecg-writers/philips';
import { assertWellFormedRecord } from '../../../support/ecg-record-checks';
import { checkReaderOutput } from '../../../../src/main/ecg/formats/index';
import { codeOf, mutateXml, type XmlMutation, xmlMutationArb } from '../../../support/ecg-format-helpers';

const rawValues = (record: EcgRecord, index: number, resolution = 5) => Array.from(record.leads[index].microvolts, (value) => value / resolution);

describe.skipIf(!hasSharedSamples)(`philipsReader on the Sierra 1.03 example matches reference.json (${SKIP_REASON})`, () => {
  interface LeadReference {
    label: string;
    fs_hz: number;
    n_samples: number;
    first10_raw: number[];
  }
  const reference = () => (loadReference().records as Record<string, { leads: LeadReference[] }>)['philips-xml/129DYPRG.XML'].leads;
  const record = () => readPhilips(readFileSync(samplePath('philips-xml', '129DYPRG.XML')));

  it('decodes XLI and rebuilds III, aVR, aVL, aVF: labels, rate, 5500 samples, first values, 5 µV per unit', () => {
    const result = record();
    expect(result.format).toBe('philips-xml');
    expect(result.leads.map((lead) => lead.name)).toEqual(reference().map((lead) => lead.label));
    reference().forEach((lead, index) => {
      expect(result.sampleRateHz).toBe(lead.fs_hz);
      expect(result.leads[index].microvolts.length).toBe(lead.n_samples);
      expect(rawValues(result, index).slice(0, 10)).toEqual(lead.first10_raw);
    });
  });

  it('matches the mid-strip values that sierraecg’s own tests pin (sample 2750)', () => {
    // pysierraecg tests/test_xml.py, expected_midpoints for 129DYPRG.XML.
    const midpoints = [-9, -17, -7, 13, -1, -12, 0, -1, -3, -4, -7, -6];
    const result = record();
    expect(result.leads.map((_lead, index) => rawValues(result, index)[2750])).toEqual(midpoints);
  });

  it('reads acquisition time, patient and device', () => {
    const result = record();
    expect(result.recordedAt).toBe('2011-12-01T07:27:34');
    expect(result.patient).toEqual({ id: '1112010721168bdc', sex: 'M', ageYears: 50 });
    expect(result.device).toEqual({ model: 'HeartstartMRx', serial: '0001' });
  });

  it('is recognised by content', () => {
    expect(philipsReader.sniff(readFileSync(samplePath('philips-xml', '129DYPRG.XML')).subarray(0, 4096))).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------------------------

const ramp = (length: number, seed: number) => Array.from({ length }, (_, i) => Math.round(300 * Math.sin((i + seed) / 7)) + ((i * seed) % 13) - 6);
const twelveLeads = (length: number) => Array.from({ length: 12 }, (_, lead) => ramp(length, lead + 1));

describe('XLI decoding', () => {
  it('decodes LZW including the code that is defined by its own use (cScSc)', () => {
    const input = new TextEncoder().encode('abababababababab' + 'x'.repeat(50));
    expect(Array.from(lzwDecode(lzwEncode(input), 10_000))).toEqual(Array.from(input));
  });

  it('decodes past a full dictionary (codes frozen at 1022)', () => {
    const input = Uint8Array.from({ length: 20_000 }, (_, i) => (i * 7919) % 251);
    expect(Array.from(lzwDecode(lzwEncode(input), 100_000))).toEqual(Array.from(input));
  });

  it('refuses a code that is not defined yet, and output beyond the bound', () => {
    // 10-bit codes 0x061 ('a') then 0x3FE (1022, undefined at that point).
    expect(codeOf(() => lzwDecode(Uint8Array.from([0x18, 0x7f, 0xe0]), 100))).toBe('CORRUPT');
    expect(codeOf(() => lzwDecode(lzwEncode(new Uint8Array(5000)), 100))).toBe('CORRUPT');
  });

  it('rebuilds 16-bit codes from high and low byte planes, and second-order deltas with bias 64', () => {
    expect(Array.from(unpackPlanes(Uint8Array.from([0x01, 0xff, 0x02, 0xfe])))).toEqual([0x0102, -2]);
    const samples = [5, 9, 14, 12, -30, -31, 0, 7];
    const { codes, firstCode } = encodeDeltas(samples);
    expect(Array.from(decodeDeltas(codes, firstCode))).toEqual(samples);
  });

  it('reports missing chunks as TRUNCATED', () => {
    const payload = xliPayload([ramp(20, 1), ramp(20, 2)], false);
    expect(decodeXli(payload, 2, 20).map((lead) => Array.from(lead))).toEqual([ramp(20, 1), ramp(20, 2)]);
    expect(codeOf(() => decodeXli(payload, 3, 20))).toBe('TRUNCATED');
    expect(codeOf(() => decodeXli(payload.subarray(0, payload.length - 3), 2, 20))).toBe('TRUNCATED');
    expect(codeOf(() => decodeXli(payload, 2, 21))).toBe('TRUNCATED');
  });

  it('reconstructs limb leads from residuals with floor division, III first', () => {
    const leads = [[3], [-4], [7], [1], [-2], [5]].map((values) => Int32Array.from(values));
    const residuals = limbResiduals(leads.map((lead) => Array.from(lead))).map((values) => Int32Array.from(values));
    reconstructLimbLeads(residuals);
    expect(residuals.map((lead) => lead[0])).toEqual([3, -4, 7, 1, -2, 5]);
  });
});

describe('philipsReader on built documents', () => {
  it('reads Sierra 1.03 (UTF-8) with XLI-compressed 12 leads', () => {
    const leads = twelveLeads(40);
    const record = readPhilips(
      philipsBytes({
        version: '1.03',
        leads,
        patient: { id: 'P-1', lastName: '张', firstName: '三', sex: 'Female', years: '63' },
        acquisition: {
          date: '2024-03-01',
          time: '08:30:15',
          machine: 'PageWriter TC',
          machineId: 'TC50-01',
          detail: 'Philips Medical Products:860315:A.07.07',
        },
      }),
    );
    expect(record.sampleRateHz).toBe(500);
    expect(record.leads.map((_lead, index) => rawValues(record, index))).toEqual(leads);
    expect(record.patient).toEqual({ id: 'P-1', name: '张三', sex: 'F', ageYears: 63 });
    expect(record.recordedAt).toBe('2024-03-01T08:30:15');
    expect(record.device).toEqual({ manufacturer: 'Philips Medical Products', model: 'PageWriter TC', serial: 'TC50-01' });
  });

  it('reads PhilipsECG 1.04 (UTF-16 LE with BOM), with lead labels, rate and resolution from parsedwaveforms', () => {
    const leads = twelveLeads(25);
    const bytes = philipsBytes({ version: '1.04', leads, sampleRateHz: 1000, resolution: 2.5 });
    expect([bytes[0], bytes[1]]).toEqual([0xff, 0xfe]);
    const record = readPhilips(bytes);
    expect(record.sampleRateHz).toBe(1000);
    expect(record.leads.map((lead) => lead.name)).toEqual(['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6']);
    expect(record.leads.map((_lead, index) => rawValues(record, index, 2.5))).toEqual(leads);
  });

  it('reads uncompressed base64 and plain-text waveforms without reconstructing limb leads', () => {
    const leads = twelveLeads(6);
    for (const spec of [{ compression: 'none' }, { encoding: 'Plain' }] as Partial<PhilipsSpec>[]) {
      const record = readPhilips(philipsBytes({ version: '1.03', leads, ...spec }));
      expect(record.leads.map((_lead, index) => rawValues(record, index))).toEqual(leads);
    }
  });

  it('does not treat non-standard lead sets as limb residuals', () => {
    const leads = [ramp(10, 1), ramp(10, 2), ramp(10, 3)];
    const record = readPhilips(philipsBytes({ version: '1.04', leads, labels: ['V1', 'II', 'V5'] }));
    expect(record.leads.map((lead) => lead.name)).toEqual(['V1', 'II', 'V5']);
    expect(record.leads.map((_lead, index) => rawValues(record, index))).toEqual(leads);
  });

  it.each<[string, PhilipsSpec, string]>([
    ['an empty waveform', { version: '1.03', leads: twelveLeads(4), waveformText: '' }, 'TRUNCATED'],
    ['waveform base64 with foreign characters', { version: '1.03', leads: twelveLeads(4), waveformText: 'AA*=' }, 'CORRUPT'],
    [
      'fewer chunks than leads',
      { version: '1.03', leads: twelveLeads(4), waveformText: Buffer.from(xliPayload(twelveLeads(4).slice(0, 5), false)).toString('base64') },
      'TRUNCATED',
    ],
    ['a compression method it does not know', { version: '1.04', leads: twelveLeads(4), compression: 'Huffman' }, 'UNSUPPORTED_VARIANT'],
    ['a plain sample that is not an integer', { version: '1.03', leads: [[1, 2]], labels: ['I'], encoding: 'Plain', waveformText: '1 2.5' }, 'CORRUPT'],
    ['a zero duration', { version: '1.03', leads: twelveLeads(4), durationMs: 0 }, 'CORRUPT'],
  ])('refuses %s', (_label, spec, code) => {
    expect(codeOf(() => readPhilips(philipsBytes(spec)))).toBe(code);
  });

  it('refuses a 1.04 document that declares zero leads (found by the mutation property)', () => {
    const text = buildPhilipsXml({ version: '1.04', leads: twelveLeads(4) }).replace('numberofleads="12"', 'numberofleads="0"');
    expect(codeOf(() => readPhilips(new TextEncoder().encode(text)))).toBe('CORRUPT');
  });

  it('refuses schema versions other than 1.03 and 1.04', () => {
    const text = new TextDecoder().decode(philipsBytes({ version: '1.03', leads: twelveLeads(2) })).replace('<documentversion>1.03', '<documentversion>1.05');
    expect(codeOf(() => readPhilips(new TextEncoder().encode(text)))).toBe('UNSUPPORTED_VARIANT');
  });
});

// ---------------------------------------------------------------------------------------------------------------

function expectWellFormed(record: EcgRecord): void {
  assertWellFormedRecord(record, { format: 'philips-xml', namedLeads: true });
}

const mutationArb = xmlMutationArb({
  patterns: [
    /[A-Za-z0-9+/]{8}(?=[^<]*<\/parsedwaveforms>)/,
    /durationperchannel="[\d.]+"/,
    /<samplingrate>\d+/,
    /leadlabels="[^"]*"/,
    /numberofleads="\d+"/,
    /compressmethod="XLI"/,
    /<\/parsedwaveforms>/,
  ],
  replacements: [
    '',
    'AAAAAAAA',
    '////////',
    '+++++++=',
    'durationperchannel="1e9"',
    'durationperchannel="-4"',
    '<samplingrate>0',
    'leadlabels=""',
    'numberofleads="99"',
    'compressmethod="LZ77"',
    '&ent;',
  ],
  inserts: ['<!DOCTYPE r [<!ENTITY a "&a;&a;">]>', '<patient>'.repeat(400), '&lol;', '<![CDATA[', '</waveforms>'],
});

/** Mutations act on the document's bytes as UTF-8; a 1.04 document is then encoded as UTF-16 LE with its BOM. */
function mutate(spec: PhilipsSpec, mutations: readonly XmlMutation[]): Uint8Array {
  const bytes = mutateXml(Buffer.from(buildPhilipsXml(spec), 'utf8'), mutations, 'latin1');
  if (spec.version === '1.03') return bytes;
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(Buffer.from(bytes).toString('latin1'), 'utf16le')]);
}

const specArb: fc.Arbitrary<PhilipsSpec> = fc
  .record({
    version: fc.constantFrom('1.03' as const, '1.04' as const),
    length: fc.integer({ min: 3, max: 30 }),
    leadCount: fc.constantFrom(3, 12),
    // Limb residuals and second differences of ±2000 stay within the int16 delta codes XLI stores.
    amplitude: fc.integer({ min: 0, max: 2000 }),
    seed: fc.integer({ min: 1, max: 1000 }),
  })
  .map(({ version, length, leadCount, amplitude, seed }) => ({
    version,
    leads: Array.from({ length: leadCount }, (_, lead) =>
      Array.from({ length }, (_unused, i) => Math.round(amplitude * Math.sin((i * seed + lead * 97) / 11)) + 0),
    ),
  }));

describe('philipsReader properties', () => {
  it('reads back every generated 1.03 and 1.04 document exactly (1,000 documents)', () => {
    fc.assert(
      fc.property(specArb, (spec) => {
        const record = readPhilips(philipsBytes(spec));
        expect(record.leads.map((_lead, index) => rawValues(record, index))).toEqual(spec.leads);
      }),
      { numRuns: 1_000 },
    );
  });

  it('returns a well-formed record or throws EcgFormatError for truncated, corrupted and hostile documents (10,000 mutants)', () => {
    fc.assert(
      fc.property(specArb, fc.array(mutationArb, { minLength: 1, maxLength: 3 }), (spec, mutations) => {
        try {
          expectWellFormed(checkReaderOutput(readPhilips(mutate(spec, mutations)), philipsReader));
        } catch (error) {
          if (!(error instanceof EcgFormatError)) throw error;
        }
      }),
      { numRuns: 10_000 },
    );
  });
});
