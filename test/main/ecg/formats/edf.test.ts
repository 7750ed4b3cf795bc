import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EcgRecord } from '../../../../src/shared/ecg';
import { edfReader } from '../../../../src/main/ecg/formats/edf';
import { leadNameFromLabel, microvoltsPerUnit } from '../../../../src/main/ecg/formats/edf-labels';
import type { EcgFormatErrorCode } from '../../../../src/main/ecg/formats/errors';
import { writeEdf, type EdfSignalSpec, type EdfSpec } from '../../../support/ecg-writers/edf';
import { hasSharedSamples, loadReference, samplePath, SKIP_REASON } from '../../../support/shared-samples';
import { expectFormatError } from '../../../support/ecg-format-helpers';

function readBytes(bytes: Uint8Array, companions: Record<string, Uint8Array> = {}, path = '/data/test.edf'): Promise<EcgRecord> {
  return edfReader.read({ path, bytes, readCompanion: async (name) => companions[name] });
}

/** The EDF formula, evaluated independently of the reader, rounded to Float32 like the stored lead. */
function expectedMicrovolts(signal: EdfSignalSpec, microvoltsPerUnit: number): number[] {
  return Array.from(signal.digital, (digital) =>
    Math.fround(
      (((digital - signal.digitalMin) * (signal.physicalMax - signal.physicalMin)) / (signal.digitalMax - signal.digitalMin) + signal.physicalMin) *
        microvoltsPerUnit,
    ),
  );
}

function signal(label: string, physicalDimension: string, samplesPerRecord: number, digital: number[], range = 3276.8): EdfSignalSpec {
  return { label, physicalDimension, physicalMin: -range, physicalMax: range, digitalMin: -32768, digitalMax: 32767, samplesPerRecord, digital };
}

/** MIT annotation words (WFDB annot(5)): code in the top 6 bits, sample increment in the low 10, then a 0 word. */
function mitAnnotationBytes(samples: number[], code = 1): Uint8Array {
  const words: number[] = [];
  let previous = 0;
  for (const sample of samples) {
    words.push((code << 10) | (sample - previous));
    previous = sample;
  }
  words.push(0);
  const bytes = new Uint8Array(words.length * 2);
  const view = new DataView(bytes.buffer);
  words.forEach((word, index) => view.setUint16(index * 2, word, true));
  return bytes;
}

const twoLeadSpec = (): EdfSpec => ({
  variant: 'EDF+C',
  patient: 'P-0042 M 02-AUG-1951 Zhang_San',
  recording: 'Startdate 01-FEB-2024 ADM-7 tech Cart_100',
  startDate: '01.02.24',
  startTime: '10.20.30',
  recordDurationS: 0.5,
  recordCount: 3,
  signals: [
    signal('ECG I', 'uV', 4, [0, 1, -1, 32767, -32768, 100, -100, 5, 10, 20, 30, 40]),
    // mV with a narrow, asymmetric range: checks both the unit and the offset term of the formula.
    {
      label: 'EKG II',
      physicalDimension: 'mV',
      physicalMin: -2,
      physicalMax: 6,
      digitalMin: -2048,
      digitalMax: 2047,
      samplesPerRecord: 4,
      digital: [-2048, 2047, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    },
  ],
  annotations: {
    samplesPerRecord: 30,
    perRecord: [[{ onsetS: 0.25, texts: ['QRS'] }], [], [{ onsetS: 1.125, durationS: 0.25, texts: ['Artifact', 'Noise'] }]],
  },
});

describe('EDF+ reader on files written in the test', () => {
  it('decodes physical values exactly with the EDF formula, units and lead names', async () => {
    const spec = twoLeadSpec();
    const record = await readBytes(writeEdf(spec));
    expect(record.format).toBe('edf');
    expect(record.sampleRateHz).toBe(8);
    expect(record.leads.map((lead) => lead.name)).toEqual(['I', 'II']);
    expect(Array.from(record.leads[0].microvolts)).toEqual(expectedMicrovolts(spec.signals[0], 1));
    expect(Array.from(record.leads[1].microvolts)).toEqual(expectedMicrovolts(spec.signals[1], 1000));
    // Spot values worked by hand: dmin → pmin and dmax → pmax.
    expect(record.leads[1].microvolts[0]).toBe(-2000);
    expect(record.leads[1].microvolts[1]).toBe(6000);
  });

  it('reads TAL annotations into samples and skips the annotation channel as a signal', async () => {
    const record = await readBytes(writeEdf(twoLeadSpec()));
    expect(record.leads).toHaveLength(2);
    expect(record.annotations).toEqual([
      { sample: 2, symbol: 'QRS' },
      { sample: 9, symbol: 'Artifact' },
      { sample: 9, symbol: 'Noise' },
    ]);
  });

  it('reads EDF+ patient, equipment and start date-time', async () => {
    const record = await readBytes(writeEdf(twoLeadSpec()));
    expect(record.patient).toEqual({ id: 'P-0042', sex: 'M', birthDate: '1951-08-02', name: 'Zhang San' });
    expect(record.device).toEqual({ model: 'Cart 100' });
    expect(record.recordedAt).toBe('2024-02-01T10:20:30');
  });

  it('applies the two-digit year clipping rule of plain EDF', async () => {
    const spec: EdfSpec = { ...twoLeadSpec(), variant: 'EDF', annotations: undefined, patient: 'free text', recording: 'free text', startDate: '31.12.85' };
    const record = await readBytes(writeEdf(spec));
    expect(record.recordedAt).toBe('1985-12-31T10:20:30');
    expect(record.patient).toBeUndefined();
    expect(record.annotations).toBeUndefined();
  });

  it('places EDF+D records on the time axis and marks the gap as missing (NaN)', async () => {
    const spec: EdfSpec = {
      variant: 'EDF+D',
      recordDurationS: 1,
      recordCount: 3,
      recordStartsS: [0, 1, 3],
      signals: [signal('II', 'uV', 2, [1, 2, 3, 4, 5, 6], 32767)],
      annotations: { samplesPerRecord: 20, perRecord: [[], [], [{ onsetS: 3.5, texts: ['N'] }]] },
    };
    spec.signals[0].physicalMin = -32768;
    const record = await readBytes(writeEdf(spec));
    const values = Array.from(record.leads[0].microvolts);
    expect(values.slice(0, 4)).toEqual([1, 2, 3, 4]);
    expect(values.slice(4, 6).every(Number.isNaN)).toBe(true);
    expect(values.slice(6)).toEqual([5, 6]);
    expect(record.annotations).toEqual([{ sample: 7, symbol: 'N' }]);
  });

  it('refuses EDF+D records that overlap in time', async () => {
    const spec: EdfSpec = {
      variant: 'EDF+D',
      recordDurationS: 1,
      recordCount: 2,
      recordStartsS: [0, 0.5],
      signals: [signal('II', 'uV', 2, [1, 2, 3, 4])],
      annotations: { samplesPerRecord: 20, perRecord: [] },
    };
    await expectFormatError(readBytes(writeEdf(spec)), 'CORRUPT');
  });

  it('keeps the ECG signals when other channels run at other rates, and refuses ECG leads at mixed rates', async () => {
    const ecgWithSpo2: EdfSpec = {
      variant: 'EDF+C',
      recordDurationS: 1,
      recordCount: 1,
      signals: [
        signal('ECG I', 'uV', 4, [1, 2, 3, 4]),
        { label: 'SpO2', physicalDimension: '%', physicalMin: 0, physicalMax: 100, digitalMin: 0, digitalMax: 100, samplesPerRecord: 1, digital: [97] },
        signal('EEG Fpz-Cz', 'uV', 2, [5, 6]),
      ],
    };
    const record = await readBytes(writeEdf(ecgWithSpo2));
    expect(record.leads.map((lead) => lead.name)).toEqual(['I']);
    expect(record.sampleRateHz).toBe(4);

    const mixedEcg: EdfSpec = { ...ecgWithSpo2, signals: [signal('ECG I', 'uV', 4, [1, 2, 3, 4]), signal('ECG II', 'uV', 2, [5, 6])] };
    const error = await expectFormatError(readBytes(writeEdf(mixedEcg)), 'UNSUPPORTED_VARIANT');
    expect(error.message).toMatch(/ECG I 4 Hz, ECG II 2 Hz/);
  });

  it('merges a companion WFDB annotation file, whose mnemonics win within one sample of a TAL', async () => {
    const spec: EdfSpec = {
      variant: 'EDF+C',
      recordDurationS: 1,
      recordCount: 1,
      signals: [
        signal(
          'Direct_1',
          'uV',
          100,
          Array.from({ length: 100 }, (_, i) => i),
        ),
      ],
      annotations: {
        samplesPerRecord: 40,
        perRecord: [
          [
            { onsetS: 0.1, texts: ['QRS'] },
            { onsetS: 0.5, texts: ['QRS'] },
            { onsetS: 0.9, texts: ['Event'] },
          ],
        ],
      },
    };
    const companions = { 'r99.edf.qrs': mitAnnotationBytes([10, 49]) };
    const record = await readBytes(writeEdf(spec), companions, '/data/r99.edf');
    expect(record.leads[0].name).toBe('Direct_1');
    expect(record.annotations).toEqual([
      { sample: 10, symbol: 'N' },
      { sample: 49, symbol: 'N' },
      { sample: 90, symbol: 'Event' },
    ]);
  });

  it.each<[string, (spec: EdfSpec) => Uint8Array, EcgFormatErrorCode]>([
    ['fewer records than declared', (spec) => writeEdf(spec).subarray(0, -1), 'TRUNCATED'],
    ['a header cut short', (spec) => writeEdf(spec).subarray(0, 300), 'TRUNCATED'],
    ['a header size that contradicts the signal count', (spec) => writeEdf({ ...spec, headerBytesField: '512' }), 'CORRUPT'],
    ['a record count that is not a number', (spec) => writeEdf({ ...spec, recordCountField: 'many' }), 'CORRUPT'],
    [
      'equal digital minimum and maximum',
      (spec) => writeEdf({ ...spec, signals: [{ ...spec.signals[0], digitalMin: 5, digitalMax: 5 }, spec.signals[1]] }),
      'CORRUPT',
    ],
    ['no voltage signal', (spec) => writeEdf({ ...spec, signals: spec.signals.map((s) => ({ ...s, physicalDimension: 'degC' })) }), 'NO_SIGNAL'],
    ['no data records', (spec) => writeEdf({ ...spec, recordCount: 0 }), 'NO_SIGNAL'],
  ])('refuses a file with %s', async (_name, build, code) => {
    await expectFormatError(readBytes(build(twoLeadSpec())), code);
  });

  it('sniffs EDF and BDF by content and refuses BDF as an unsupported variant', async () => {
    const edf = writeEdf(twoLeadSpec());
    expect(edfReader.sniff(edf.subarray(0, 8))).toBe(true);
    expect(edfReader.sniff(new TextEncoder().encode('<?xml version="1.0"?>'))).toBe(false);
    expect(edfReader.sniff(new Uint8Array(0))).toBe(false);
    const bdf = edf.slice();
    bdf.set([0xff, ...new TextEncoder().encode('BIOSEMI')]);
    expect(edfReader.sniff(bdf)).toBe(true);
    await expectFormatError(readBytes(bdf), 'UNSUPPORTED_VARIANT');
  });
});

describe('EDF label and unit mapping', () => {
  it.each([
    ['ECG I', 'I'],
    ['EKG-II', 'II'],
    ['ECG_III', 'III'],
    ['Lead aVR', 'aVR'],
    ['AVF', 'aVF'],
    ['avl', 'aVL'],
    ['ECG V1', 'V1'],
    ['  v6  ', 'V6'],
    ['Direct_1', 'Direct_1'],
    ['MLII', 'MLII'],
    ['ECG', 'ECG'],
    ['ECG V7', 'ECG V7'],
    ['ECGII', 'ECGII'],
  ])('%s → %s', (label, name) => {
    expect(leadNameFromLabel(label)).toBe(name);
  });

  it.each([
    ['uV', 1],
    ['µV', 1],
    ['μV', 1],
    ['UV', 1],
    ['mV', 1000],
    ['V', 1e6],
    ['nV', 1e-3],
  ])('%s is %d µV per unit', (dimension, factor) => {
    expect(microvoltsPerUnit(dimension)).toBe(factor);
  });

  it.each(['%', 'degC', '', 'bpm'])('"%s" is not a voltage', (dimension) => {
    expect(microvoltsPerUnit(dimension)).toBeUndefined();
  });
});

/** Suite title that carries the skip reason only when the shared corpus is absent. */
const sharedTitle = (title: string) => (hasSharedSamples ? title : `${title} (${SKIP_REASON})`);

interface EdfReference {
  header: { n_data_records: number; labels: string[] };
  signals: Record<string, { fs_hz: number; n_samples: number; first10_physical: number[] }>;
  edf_plus_annotations: { count_with_text: number; first10: { onset_s: number; text: string }[] };
  annotations: { qrs: { total_annotations: number; first10_all_samples: number[]; first10_all_symbols: string[]; last_beat_sample: number } };
}

describe.skipIf(!hasSharedSamples)(sharedTitle('EDF+ reader on the shared r01.edf'), () => {
  const load = () => {
    const reference = (loadReference().records as Record<string, EdfReference>)['edf/r01.edf'];
    const bytes = new Uint8Array(readFileSync(samplePath('edf', 'r01.edf')));
    const qrs = new Uint8Array(readFileSync(samplePath('edf', 'r01.edf.qrs')));
    return { reference, bytes, qrs };
  };

  it('matches the reference values for every signal', async () => {
    const { reference, bytes } = load();
    const record = await readBytes(bytes, {}, samplePath('edf', 'r01.edf'));
    const signalNames = Object.keys(reference.signals);
    expect(record.leads.map((lead) => lead.name)).toEqual(signalNames);
    for (const lead of record.leads) {
      const expected = reference.signals[lead.name];
      expect(record.sampleRateHz).toBe(expected.fs_hz);
      expect(lead.microvolts.length).toBe(expected.n_samples);
      Array.from(lead.microvolts.subarray(0, 10)).forEach((value, i) => expect(value).toBeCloseTo(expected.first10_physical[i], 4));
    }
  });

  it('reads the 644 TAL annotations on their own, and merges them with the .qrs file into 644 beats', async () => {
    const { reference, bytes, qrs } = load();
    const talsOnly = await readBytes(bytes, {}, samplePath('edf', 'r01.edf'));
    expect(talsOnly.annotations).toHaveLength(reference.edf_plus_annotations.count_with_text);
    expect(talsOnly.annotations!.slice(0, 10)).toEqual(
      reference.edf_plus_annotations.first10.map((tal) => ({ sample: Math.round(tal.onset_s * 1000), symbol: tal.text })),
    );
    const merged = await readBytes(bytes, { 'r01.edf.qrs': qrs }, samplePath('edf', 'r01.edf'));
    const expected = reference.annotations.qrs;
    expect(merged.annotations).toHaveLength(expected.total_annotations);
    expect(merged.annotations!.slice(0, 10).map((a) => a.sample)).toEqual(expected.first10_all_samples);
    expect(merged.annotations!.slice(0, 10).map((a) => a.symbol)).toEqual(expected.first10_all_symbols);
    expect(merged.annotations!.at(-1)!.sample).toBe(expected.last_beat_sample);
  });

  it('reads the EDF+ identification fields', async () => {
    const { bytes } = load();
    const record = await readBytes(bytes, {}, samplePath('edf', 'r01.edf'));
    expect(record.patient).toEqual({ id: 'r01', sex: 'F' });
    expect(record.device).toEqual({ model: 'Komporel' });
    expect(record.recordedAt).toBe('2011-01-01T00:00:00');
  });
});
