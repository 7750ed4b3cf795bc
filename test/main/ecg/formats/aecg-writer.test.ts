import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { EcgPatientInfo, EcgRecord } from '../../../../src/shared/ecg';
import { readAecg } from '../../../../src/main/ecg/formats/aecg';
import { quantizeLead, writeAecg } from '../../../../src/main/ecg/formats/aecg-writer';
import { readEcgFile } from '../../../../src/main/ecg/formats/index';
import { childElements, descendants, parseXmlText, xmlSafe } from '../../../../src/main/ecg/formats/xml';
import { hasSharedSamples, loadReference, samplePath, SKIP_REASON } from '../../../support/shared-samples';

/** A record with every sample as its Float32 bit pattern, so that "equal" means bit-identical (and -0 ≠ 0). */
/** The aECG export carries the rhythm; the median beat and the reader's deviation notes stay with the source file. */
function comparable(record: EcgRecord): unknown {
  const { format: _format, leads, medianBeat: _medianBeat, deviations: _deviations, ...rest } = record;
  return {
    ...rest,
    leads: leads.map((lead) => ({
      name: lead.name,
      bits: Array.from(new Uint32Array(lead.microvolts.buffer, lead.microvolts.byteOffset, lead.microvolts.length)),
    })),
  };
}

function roundTrip(record: EcgRecord): EcgRecord {
  return readAecg(new TextEncoder().encode(writeAecg(record)));
}

const consultRecord: EcgRecord = {
  format: 'scp-ecg',
  sampleRateHz: 500,
  leads: [
    { name: 'I', microvolts: Float32Array.from([-97.6, 0, 4.88, 1234.5]) },
    { name: 'aVR', microvolts: Float32Array.from([2.44, -2.44, 0.001, -32768 * 5]) },
    { name: '导联Ⅱ', microvolts: Float32Array.from([1, 2, 3, 4]) },
  ],
  recordedAt: '2024-03-01T08:30:15.250+08:00',
  patient: { id: '330102195305081234', name: '欧阳娜娜', sex: 'F', birthDate: '1953-05-08', ageYears: 70 },
  device: { manufacturer: '深圳某医疗', model: 'ECG-1200', serial: 'SN<01>&"02"' },
  annotations: [
    { sample: 1, symbol: 'N' },
    { sample: 3, symbol: 'V' },
  ],
};

describe('writeAecg', () => {
  it('writes a UTF-8 AnnotatedECG document that reads back identically, Chinese names included', () => {
    const text = writeAecg(consultRecord, { documentId: 'doc-1', seriesId: 'series-1', organizationName: '某某乡镇卫生院' });
    expect(text.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(text).toContain('<name>欧阳娜娜</name>');
    const back = readAecg(new TextEncoder().encode(text));
    expect(back.format).toBe('hl7-aecg');
    expect(comparable(back)).toEqual(comparable(consultRecord));
  });

  it('follows the aECG structure: one RHYTHM series, an absolute time sequence, MDC lead codes, origin and scale in uV', () => {
    const root = parseXmlText(writeAecg(consultRecord, { documentId: 'doc-1', seriesId: 'series-1' }));
    expect(root.localName).toBe('AnnotatedECG');
    expect(root.attributes.get('xmlns')).toBe('urn:hl7-org:v3');
    const text = writeAecg(consultRecord);
    expect(text).toContain('<code code="RHYTHM"');
    expect(text).toContain('<code code="TIME_ABSOLUTE"');
    expect(text).toContain('<head value="20240301083015.250+0800"/>');
    expect(text).toContain('<increment value="0.002" unit="s"/>');
    expect(text).toContain('<code code="MDC_ECG_LEAD_AVR" codeSystem="2.16.840.1.113883.6.24"');
    expect(text).toContain('<origin value="0" unit="uV"/>');
  });

  it('puts elements in PORT_MT020001 schema order, required ones included', () => {
    // Sequences from the HL7 2003-12 aECG schema (PORT_MT020001.xsd); required elements marked with "!".
    const schema: Record<string, string[]> = {
      AnnotatedECG: [
        '!id',
        '!code',
        'text',
        '!effectiveTime',
        'confidentialityCode',
        'reasonCode',
        '!componentOf',
        'definition',
        'location',
        'controlVariable',
        'pertainsTo',
        'component',
      ],
      series: ['id', '!code', '!effectiveTime', 'author', 'secondaryPerformer', 'support', 'controlVariable', '!component', 'subjectOf', 'derivation'],
      trialSubject: ['!id', 'code', 'subjectDemographicPerson'],
      subjectDemographicPerson: ['name', 'administrativeGenderCode', 'birthTime', 'raceCode'],
      manufacturedSeriesDevice: ['id', 'code', 'manufacturerModelName', 'softwareName'],
      annotation: ['!code', 'text', 'value', 'support', 'component'],
      sequence: ['!code', '!value', 'controlVariable'],
    };
    for (const record of [consultRecord, { ...consultRecord, recordedAt: undefined, patient: undefined, device: undefined }]) {
      const root = parseXmlText(writeAecg(record, { organizationName: '某某乡镇卫生院', softwareName: 'workstation 0.1' }));
      for (const [element, order] of Object.entries(schema)) {
        const instances = element === root.localName ? [root] : descendants(root, element);
        for (const instance of instances) {
          const names = childElements(instance).map((child) => child.localName);
          const positions = names.map((name) => order.findIndex((entry) => entry.replace('!', '') === name));
          expect(
            positions.every((position) => position >= 0),
            `${element} children ${names.join(',')}`,
          ).toBe(true);
          expect(positions, `${element} children in schema order`).toEqual([...positions].sort((a, b) => a - b));
          for (const required of order.filter((entry) => entry.startsWith('!'))) expect(names).toContain(required.slice(1));
        }
      }
    }
  });

  it('uses a relative time axis when the record has no start time', () => {
    const { recordedAt: _unused, ...untimed } = consultRecord;
    const text = writeAecg(untimed);
    expect(text).toContain('<code code="TIME_RELATIVE"');
    // PORT_MT020001 requires effectiveTime on the document and on the series, so both say "unknown".
    expect(text.match(/<effectiveTime nullFlavor="UNK"\/>/g)).toHaveLength(2);
    expect(comparable(roundTrip(untimed))).toEqual(comparable(untimed));
  });

  it('chooses the fewest decimals that reproduce every sample: 1.25 µV steps need 2, whole µV need none', () => {
    expect(quantizeLead({ name: 'I', microvolts: Float32Array.from([100, 81.25, -68.75]) }).scale).toBe('0.01');
    expect(quantizeLead({ name: 'I', microvolts: Float32Array.from([100, -3, 0]) }).scale).toBe('1');
  });

  it.each([
    ['NaN samples', { ...consultRecord, leads: [{ name: 'I', microvolts: Float32Array.from([1, NaN]) }] }],
    ['no leads', { ...consultRecord, leads: [] }],
    ['leads of different lengths', { ...consultRecord, leads: [consultRecord.leads[0], { name: 'II', microvolts: new Float32Array(2) }] }],
    ['a start time that is not ISO 8601', { ...consultRecord, recordedAt: '1/3/2024 8:30' }],
    ['a zero sample rate', { ...consultRecord, sampleRateHz: 0 }],
    ['an empty lead name', { ...consultRecord, leads: [{ name: '', microvolts: new Float32Array(4) }] }],
  ])('refuses a record with %s', (_label, record) => {
    expect(() => writeAecg(record as EcgRecord)).toThrow(RangeError);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Every shared sample: read by its own reader, written as aECG, read back

describe.skipIf(!hasSharedSamples)(`aECG round trip of every shared sample, whatever its format (${SKIP_REASON})`, () => {
  // Every recording in reference.json; WFDB records are opened through their header.
  const recordings = () => Object.keys(loadReference().records as Record<string, unknown>).map((key) => (key.startsWith('wfdb/') ? `${key}.hea` : key));

  it('covers all twelve shared recordings', () => {
    expect(recordings()).toHaveLength(12);
  });

  it.each(hasSharedSamples ? recordings() : [])('%s survives read → write aECG → read unchanged', async (file) => {
    const record = await readEcgFile(samplePath(...file.split('/')));
    expect(comparable(roundTrip(record))).toEqual(comparable(record));
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Property: any record a reader can produce survives the round trip

const wordArb = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 12 })
  .filter((text) => text === text.trim() && text.length > 0 && xmlSafe(text) === text);
const nameArb = fc.oneof(wordArb, fc.constantFrom('张三', '欧阳娜娜', '李小龙', 'Zhang San', "O'Brien & <Sons>"));

const two = (n: number) => String(n).padStart(2, '0');
const recordedAtArb = fc
  .record({
    date: fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2040-12-31T23:59:59Z'), noInvalidDate: true }),
    precision: fc.constantFrom('date', 'minute', 'second', 'fraction'),
    fraction: fc.stringMatching(/^\.\d{1,6}$/),
    zone: fc.constantFrom('', 'Z', '+08:00', '-05:30'),
  })
  .map(({ date, precision, fraction, zone }) => {
    const day = `${date.getUTCFullYear()}-${two(date.getUTCMonth() + 1)}-${two(date.getUTCDate())}`;
    if (precision === 'date') return day;
    const minute = `${day}T${two(date.getUTCHours())}:${two(date.getUTCMinutes())}`;
    if (precision === 'minute') return minute + zone;
    const second = `${minute}:${two(date.getUTCSeconds())}`;
    return (precision === 'second' ? second : second + fraction) + zone;
  });

const patientArb: fc.Arbitrary<EcgPatientInfo | undefined> = fc
  .record(
    {
      id: wordArb,
      name: nameArb,
      sex: fc.constantFrom('M' as const, 'F' as const, 'U' as const),
      birthDate: fc
        .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true })
        .map((date) => date.toISOString().slice(0, 10)),
      ageYears: fc.integer({ min: 0, max: 120 }),
    },
    { requiredKeys: [] },
  )
  .map((patient) => (Object.keys(patient).length > 0 ? patient : undefined));

const deviceArb = fc
  .record({ manufacturer: nameArb, model: wordArb, serial: wordArb }, { requiredKeys: [] })
  .map((device) => (Object.keys(device).length > 0 ? device : undefined));

/** Samples as readers make them: integers times a resolution, or arbitrary Float32 values of ECG size. */
const leadValuesArb = (length: number) =>
  fc.oneof(
    fc
      .tuple(
        fc.constantFrom(1, 2.5, 1.25, 4.88, 2.44, 5, 0.1, 0.5, 3276.8 / 32767.5),
        fc.array(fc.integer({ min: -32768, max: 32767 }), { minLength: length, maxLength: length }),
      )
      .map(([resolution, digits]) => Float32Array.from(digits, (digit) => digit * resolution + 0)),
    fc
      .array(
        fc.float({ min: -5000, max: 5000, noNaN: true }).filter((value) => (value === 0 ? !Object.is(value, -0) : Math.abs(value) >= 1e-3)),
        { minLength: length, maxLength: length },
      )
      .map((values) => Float32Array.from(values)),
  );

const recordArb: fc.Arbitrary<EcgRecord> = fc
  .record({
    sampleRateHz: fc.oneof(fc.constantFrom(100, 128, 250, 257.3, 360, 500, 1000, 2000), fc.integer({ min: 1, max: 20_000 })),
    names: fc.uniqueArray(
      fc.oneof(fc.constantFrom('I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V6', 'MLII', 'V4R', 'AVR', 'avr', 'Abdomen_1', 'Lead 7', '导联Ⅰ'), wordArb),
      { minLength: 1, maxLength: 4 },
    ),
    length: fc.integer({ min: 1, max: 48 }),
  })
  .chain(({ sampleRateHz, names, length }) =>
    fc.record({
      sampleRateHz: fc.constant(sampleRateHz),
      leads: fc.tuple(...names.map((name) => leadValuesArb(length).map((microvolts) => ({ name, microvolts })))),
      annotations: fc
        .array(fc.record({ sample: fc.nat(length - 1), symbol: fc.constantFrom('N', 'V', 'A', 'Q', '|', 'MDC_ECG_BEAT_ABNORMAL') }), { maxLength: 5 })
        .map((annotations) => [...annotations].sort((a, b) => a.sample - b.sample)),
      recordedAt: fc.option(recordedAtArb, { nil: undefined }),
      patient: patientArb,
      device: deviceArb,
    }),
  )
  .map(({ annotations, recordedAt, patient, device, ...signal }) => ({
    format: 'edf' as const,
    ...signal,
    ...(annotations.length > 0 ? { annotations } : {}),
    ...(recordedAt !== undefined ? { recordedAt } : {}),
    ...(patient !== undefined ? { patient } : {}),
    ...(device !== undefined ? { device } : {}),
  }));

describe('writeAecg properties', () => {
  it('every generated record reads back identically (3,000 records)', () => {
    fc.assert(
      fc.property(recordArb, (record) => {
        expect(comparable(roundTrip(record))).toEqual(comparable(record));
      }),
      { numRuns: 3_000 },
    );
  });
});
