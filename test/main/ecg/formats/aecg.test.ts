import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { EcgRecord } from '../../../../src/shared/ecg';
import { EcgFormatError } from '../../../../src/main/ecg/formats/errors';
import { aecgReader, rateFromInterval, readAecg } from '../../../../src/main/ecg/formats/aecg';
import { writeAecg } from '../../../../src/main/ecg/formats/aecg-writer';
import { hasSharedSamples, loadReference, samplePath, SKIP_REASON } from '../../../support/shared-samples';
import { assertWellFormedRecord } from '../../../support/ecg-record-checks';
import { checkReaderOutput } from '../../../../src/main/ecg/formats/index';
import { codeOf, mutateXml, utf8, xmlMutationArb } from '../../../support/ecg-format-helpers';

interface SequenceSpec {
  code: string;
  digits: string;
  origin?: string;
  scale?: string;
}

/** A minimal aECG document around the given sequences (test-only builder; the real writer is aecg-writer.ts). */
function aecgDocument(options: {
  sequences: SequenceSpec[];
  seriesCode?: string;
  increment?: string;
  timeCode?: string;
  declaration?: boolean;
  extraSeries?: string;
  person?: string;
}): string {
  const time = options.timeCode ?? 'TIME_ABSOLUTE';
  const head = time === 'TIME_ABSOLUTE' ? '<head value="20240301083000"/>' : '<head value="0" unit="s"/>';
  const sequences = options.sequences
    .map(
      (s) =>
        `<component><sequence><code code="${s.code}"/><value xsi:type="SLIST_PQ">${s.origin ?? '<origin value="0" unit="uV"/>'}` +
        `${s.scale ?? '<scale value="1" unit="uV"/>'}<digits>${s.digits}</digits></value></sequence></component>`,
    )
    .join('');
  return (
    (options.declaration === false ? '' : '<?xml version="1.0" encoding="UTF-8"?>') +
    '<AnnotatedECG xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    (options.person ?? '') +
    (options.extraSeries ?? '') +
    `<component><series><code code="${options.seriesCode ?? 'RHYTHM'}"/><component><sequenceSet>` +
    `<component><sequence><code code="${time}"/><value xsi:type="GLIST">${head}` +
    `${options.increment ?? '<increment value="0.002" unit="s"/>'}</value></sequence></component>` +
    `${sequences}</sequenceSet></component></series></component></AnnotatedECG>`
  );
}

describe.skipIf(!hasSharedSamples)(`aecgReader on the HL7 example matches reference.json (${SKIP_REASON})`, () => {
  interface LeadReference {
    lead_code: string;
    n_samples: number;
    first10_physical: number[];
  }
  interface SeriesReference {
    series_code: string;
    fs_hz: number;
    leads: LeadReference[];
  }
  const reference = () => (loadReference().records as Record<string, { series: SeriesReference[] }>)['hl7-aecg/Example_aECG.xml'].series;
  const record = () => readAecg(readFileSync(samplePath('hl7-aecg', 'Example_aECG.xml')));

  it('reads the RHYTHM series, not the representative beat: rate, count, lead names in file order, first values', () => {
    const rhythm = reference().find((series) => series.series_code === 'RHYTHM') as SeriesReference;
    const result = record();
    expect(result.format).toBe('hl7-aecg');
    expect(result.sampleRateHz).toBe(rhythm.fs_hz);
    const names = rhythm.leads.map((lead) => lead.lead_code.replace('MDC_ECG_LEAD_', '').replace(/^AV(.)$/, 'aV$1'));
    expect(result.leads.map((lead) => lead.name)).toEqual(names);
    rhythm.leads.forEach((leadReference, index) => {
      const lead = result.leads[index];
      expect(lead.microvolts.length).toBe(leadReference.n_samples);
      expect(Array.from(lead.microvolts.subarray(0, 10))).toEqual(leadReference.first10_physical);
    });
  });

  it('reads the recording time, subject, device and the 12 machine-annotated beats', () => {
    const result = record();
    expect(result.recordedAt).toBe('2002-11-22T09:10:00.000');
    expect(result.patient).toEqual({ id: 'SBJ-123', name: 'Clark', sex: 'M', birthDate: '1953-05-08', ageYears: 46 });
    expect(result.device).toEqual({ manufacturer: 'Mortara Instrument, Inc.', model: 'ELI250', serial: '0' });
    // Beat annotations sit at their QRS onset: the first QRS wave starts at 09:10:00.270, sample 135 at 500 Hz.
    expect(result.annotations?.length).toBe(12);
    expect(result.annotations?.[0]).toEqual({ sample: 135, symbol: 'N' });
    expect(result.annotations?.every((annotation) => annotation.symbol === 'N')).toBe(true);
  });

  it('is recognised by content', () => {
    expect(aecgReader.sniff(readFileSync(samplePath('hl7-aecg', 'Example_aECG.xml')).subarray(0, 4096))).toBe(true);
    expect(aecgReader.sniff(readFileSync(samplePath('ge-muse-xml', 'example1.xml')).subarray(0, 4096))).toBe(false);
  });
});

describe('aecgReader on built documents', () => {
  it('applies origin and scale with their units: value = origin + scale × digit, in µV', () => {
    const record = readAecg(
      utf8(
        aecgDocument({
          sequences: [
            { code: 'MDC_ECG_LEAD_II', digits: '1 -2 3', origin: '<origin value="0.1" unit="mV"/>', scale: '<scale value="0.005" unit="mV"/>' },
            { code: 'MDC_ECG_LEAD_AVF', digits: '0 10 -10', scale: '<scale value="2.5" unit="uV"/>' },
          ],
        }),
      ),
    );
    expect(record.leads.map((lead) => lead.name)).toEqual(['II', 'aVF']);
    expect(Array.from(record.leads[0].microvolts)).toEqual([105, 90, 115]);
    expect(Array.from(record.leads[1].microvolts)).toEqual([0, 25, -25]);
    expect(record.recordedAt).toBe('2024-03-01T08:30:00');
  });

  it('prefers the RHYTHM series even when a derived series comes first in the file', () => {
    const beatFirst = aecgDocument({
      extraSeries:
        '<component><series><code code="REPRESENTATIVE_BEAT"/><component><sequenceSet><component><sequence>' +
        '<code code="TIME_RELATIVE"/><value><head value="0" unit="s"/><increment value="0.001" unit="s"/></value></sequence></component>' +
        '<component><sequence><code code="MDC_ECG_LEAD_I"/><value><scale value="1" unit="uV"/><digits>9 9</digits></value></sequence></component>' +
        '</sequenceSet></component></series></component>',
      sequences: [{ code: 'MDC_ECG_LEAD_I', digits: '1 2 3' }],
    });
    const record = readAecg(utf8(beatFirst));
    expect(record.sampleRateHz).toBe(500);
    expect(Array.from(record.leads[0].microvolts)).toEqual([1, 2, 3]);
  });

  it('falls back to a representative beat when the file has nothing else', () => {
    const record = readAecg(
      utf8(aecgDocument({ seriesCode: 'REPRESENTATIVE_BEAT', timeCode: 'TIME_RELATIVE', sequences: [{ code: 'MDC_ECG_LEAD_V1', digits: '4 5' }] })),
    );
    expect(record.leads[0].name).toBe('V1');
    expect(record.recordedAt).toBeUndefined();
  });

  it('reads a file without an XML declaration, an interval in ms, and a structured Chinese name', () => {
    const person =
      '<componentOf><timepointEvent><componentOf><subjectAssignment><subject><trialSubject><id extension="P-9"/>' +
      '<subjectDemographicPerson><name><family>张</family><given>三</given></name><administrativeGenderCode code="F"/>' +
      '</subjectDemographicPerson></trialSubject></subject></subjectAssignment></componentOf></timepointEvent></componentOf>';
    const record = readAecg(
      utf8(aecgDocument({ declaration: false, increment: '<increment value="4" unit="ms"/>', person, sequences: [{ code: 'X1', digits: '1' }] })),
    );
    expect(record.sampleRateHz).toBe(250);
    expect(record.leads[0].name).toBe('X1');
    expect(record.patient).toEqual({ id: 'P-9', name: '张三', sex: 'F' });
  });

  it.each([
    ['digits that are not integers', { sequences: [{ code: 'MDC_ECG_LEAD_I', digits: '1 2.5 3' }] }, 'CORRUPT'],
    [
      'leads of different lengths',
      {
        sequences: [
          { code: 'MDC_ECG_LEAD_I', digits: '1 2 3' },
          { code: 'MDC_ECG_LEAD_II', digits: '1 2' },
        ],
      },
      'CORRUPT',
    ],
    ['no sample interval', { increment: '', sequences: [{ code: 'MDC_ECG_LEAD_I', digits: '1' }] }, 'CORRUPT'],
    ['a zero sample interval', { increment: '<increment value="0" unit="s"/>', sequences: [{ code: 'MDC_ECG_LEAD_I', digits: '1' }] }, 'CORRUPT'],
    [
      'a scale that is not a voltage',
      { sequences: [{ code: 'MDC_ECG_LEAD_I', digits: '1', scale: '<scale value="1" unit="mm[Hg]"/>' }] },
      'UNSUPPORTED_VARIANT',
    ],
    [
      'an interval in an unknown unit',
      { increment: '<increment value="2" unit="fortnight"/>', sequences: [{ code: 'MDC_ECG_LEAD_I', digits: '1' }] },
      'UNSUPPORTED_VARIANT',
    ],
    ['empty digits', { sequences: [{ code: 'MDC_ECG_LEAD_I', digits: ' ' }] }, 'NO_SIGNAL'],
    ['no lead sequences', { sequences: [] }, 'NO_SIGNAL'],
  ])('refuses %s', (_label, options, code) => {
    expect(codeOf(() => readAecg(utf8(aecgDocument(options))))).toBe(code);
  });

  it('refuses a document whose root is not AnnotatedECG', () => {
    expect(codeOf(() => readAecg(utf8('<RestingECG/>')))).toBe('UNKNOWN_FORMAT');
  });

  it('recovers the rate from a rounded interval (1/360 s), not 359.99999999999994', () => {
    expect(rateFromInterval(Number(String(1 / 360)))).toBe(360);
    expect(rateFromInterval(0.002)).toBe(500);
    expect(rateFromInterval(Number(String(1 / 257.3)))).toBe(257.3);
  });

  it('sniffs its root element and nothing else', () => {
    expect(aecgReader.sniff(utf8('<?xml version="1.0"?><!-- x --><AnnotatedECG xmlns="urn:hl7-org:v3">'))).toBe(true);
    expect(aecgReader.sniff(utf8('<restingecgdata>'))).toBe(false);
    expect(aecgReader.sniff(Uint8Array.from([0x44, 0x49, 0x43, 0x4d]))).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Property test: hostile and broken aECG documents

/** What every reader promises: a record the rest of the program can use without checks. */
function expectWellFormed(record: EcgRecord): void {
  assertWellFormedRecord(record, { format: 'hl7-aecg', namedLeads: true });
}

const smallRecordArb: fc.Arbitrary<EcgRecord> = fc
  .record({
    sampleRateHz: fc.constantFrom(250, 360, 500, 1000),
    names: fc.uniqueArray(fc.constantFrom('I', 'II', 'III', 'aVR', 'V1', 'V4R', 'MLII'), { minLength: 1, maxLength: 3 }),
    length: fc.integer({ min: 1, max: 16 }),
    resolution: fc.constantFrom(1, 2.5, 4.88, 0.1),
    seed: fc.array(fc.integer({ min: -3000, max: 3000 }), { minLength: 48, maxLength: 48 }),
    beats: fc.array(fc.nat(15), { maxLength: 3 }),
    withTime: fc.boolean(),
  })
  .map(({ sampleRateHz, names, length, resolution, seed, beats, withTime }) => ({
    format: 'hl7-aecg' as const,
    sampleRateHz,
    leads: names.map((name, l) => ({
      name,
      microvolts: Float32Array.from({ length }, (_, i) => seed[(l * 16 + i) % seed.length] * resolution),
    })),
    ...(withTime ? { recordedAt: '2024-03-01T08:30:00' } : {}),
    annotations: [...new Set(beats.filter((beat) => beat < length))].sort((a, b) => a - b).map((sample) => ({ sample, symbol: 'N' })),
  }));

const aecgMutationArb = xmlMutationArb({
  patterns: [/-?\d+(?= )/, /value="0\.\d+"/, /unit="uV"/, /<\/digits>/, /<digits>/, /MDC_ECG_LEAD_\w+/, /<sequenceSet>/],
  replacements: ['', '1.5', 'x', '--3', '99999999999999999999', 'value="0"', 'value="-1"', 'value="1e400"', 'unit="mmHg"', '<digits>', '&bogus;', '<!-- -->'],
  inserts: [
    '<!DOCTYPE AnnotatedECG [<!ENTITY a "&a;&a;">]>',
    '<component>'.repeat(400),
    '&lol;',
    '<![CDATA[',
    '<component><series><code code="RHYTHM"/></series></component>',
  ],
});

describe('aecgReader properties', () => {
  it('returns a well-formed record or throws EcgFormatError for truncated, corrupted and hostile documents (10,000 mutants)', () => {
    fc.assert(
      fc.property(smallRecordArb, fc.array(aecgMutationArb, { minLength: 1, maxLength: 3 }), (record, mutations) => {
        const bytes = mutateXml(utf8(writeAecg(record, { documentId: 'd', seriesId: 's' })), mutations, 'utf8');
        try {
          expectWellFormed(checkReaderOutput(readAecg(bytes), aecgReader));
        } catch (error) {
          if (!(error instanceof EcgFormatError)) throw error;
        }
      }),
      { numRuns: 10_000 },
    );
  });
});
