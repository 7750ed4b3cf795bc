import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { edfReader } from '../../../../src/main/ecg/formats/edf';
import { writeEdf, type EdfSignalSpec, type EdfSpec, type TalSpec } from '../../../support/ecg-writers/edf';
import { checkReaderOutput } from '../../../../src/main/ecg/formats/index';
import { applyByteMutation, type ByteMutation, flipArb, fuzzReader, truncateArb, unchangedArb } from '../../../support/ecg-format-helpers';

/**
 * Property: whatever bytes arrive — a valid EDF/EDF+ file built by the test writer, then cut short, with bytes
 * flipped, or with a header field that lies — the reader returns a well-formed record or throws EcgFormatError.
 * Unmutated files with only voltage signals at one rate must decode to the exact EDF formula.
 */

const RUNS = 10_000;
const VOLTAGE_UNITS: Record<string, number> = { uV: 1, mV: 1000, V: 1e6 };

const signalArbitrary = (samplesPerRecord: fc.Arbitrary<number>) =>
  fc.record({
    label: fc.constantFrom('ECG I', 'II', 'EKG V1', 'Direct_1', 'Abdomen_2', 'SpO2', 'EEG Fpz-Cz'),
    physicalDimension: fc.constantFrom('uV', 'mV', 'V', '%', ''),
    physicalMin: fc.integer({ min: -50_000, max: 0 }).map((tenths) => tenths / 10),
    physicalSpan: fc.integer({ min: 1, max: 100_000 }).map((tenths) => tenths / 10),
    digitalMin: fc.integer({ min: -32768, max: 32000 }),
    digitalSpan: fc.integer({ min: 1, max: 65535 }),
    samplesPerRecord,
  });

const talArbitrary = fc.record({
  offsetS: fc.integer({ min: 0, max: 9 }).map((tenths) => tenths / 10),
  texts: fc.array(fc.constantFrom('N', 'QRS', 'V', 'Artifact', '心搏'), { minLength: 0, maxLength: 2 }),
});

const specArbitrary = fc
  .record({
    variant: fc.constantFrom<EdfSpec['variant']>('EDF', 'EDF+C', 'EDF+D'),
    recordCount: fc.integer({ min: 1, max: 4 }),
    recordDurationS: fc.constantFrom(0.5, 1, 2),
    sharedRate: fc.boolean(),
    signals: fc.array(signalArbitrary(fc.integer({ min: 1, max: 6 })), { minLength: 1, maxLength: 3 }),
    seed: fc.array(fc.integer({ min: -32768, max: 32767 }), { minLength: 1, maxLength: 32 }),
    gapsInRecords: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 4, maxLength: 4 }),
    tals: fc.array(fc.array(talArbitrary, { maxLength: 2 }), { minLength: 4, maxLength: 4 }),
  })
  .map((generated): EdfSpec => {
    const samplesPerRecord = generated.signals[0].samplesPerRecord;
    const signals: EdfSignalSpec[] = generated.signals.map((signal, index) => {
      const perRecord = generated.sharedRate ? samplesPerRecord : signal.samplesPerRecord;
      const digital = Array.from({ length: perRecord * generated.recordCount }, (_, i) => generated.seed[(i + index) % generated.seed.length]);
      return {
        label: signal.label,
        physicalDimension: signal.physicalDimension,
        physicalMin: signal.physicalMin,
        physicalMax: Math.round((signal.physicalMin + signal.physicalSpan) * 10) / 10,
        digitalMin: signal.digitalMin,
        digitalMax: Math.min(32767, signal.digitalMin + signal.digitalSpan),
        samplesPerRecord: perRecord,
        digital,
      };
    });
    const recordStartsS: number[] = [];
    for (let record = 0; record < generated.recordCount; record++) {
      const previous = record === 0 ? 0 : recordStartsS[record - 1] + generated.recordDurationS;
      recordStartsS.push(previous + (generated.variant === 'EDF+D' && record > 0 ? generated.gapsInRecords[record] * generated.recordDurationS : 0));
    }
    const withAnnotations = generated.variant !== 'EDF';
    const perRecord: TalSpec[][] = recordStartsS.map((startS, record) =>
      generated.tals[record].map((tal) => ({ onsetS: startS + tal.offsetS, texts: tal.texts })),
    );
    return {
      variant: generated.variant,
      recordCount: generated.recordCount,
      recordDurationS: generated.recordDurationS,
      signals,
      recordStartsS,
      ...(withAnnotations ? { annotations: { samplesPerRecord: 60, perRecord } } : {}),
    };
  });

type Mutation =
  | ByteMutation
  | { kind: 'header-field'; field: 'headerBytes' | 'recordCount' | 'duration' | 'signalCount'; text: string }
  | { kind: 'signal-field'; field: 'physicalMin' | 'physicalMax' | 'digitalMin' | 'digitalMax' | 'samplesPerRecord'; signal: number; text: string };

const lyingNumber = fc.constantFrom('-1', '0', '1', '2', '7', '255', '99999999', '-32768', '1e99', '1e-9', 'abc', '', '+0.5', '65536', '3276.8', 'NaN');

const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  unchangedArb,
  truncateArb,
  flipArb(8),
  fc.record({
    kind: fc.constant('header-field' as const),
    field: fc.constantFrom('headerBytes' as const, 'recordCount' as const, 'duration' as const, 'signalCount' as const),
    text: lyingNumber,
  }),
  fc.record({
    kind: fc.constant('signal-field' as const),
    field: fc.constantFrom('physicalMin' as const, 'physicalMax' as const, 'digitalMin' as const, 'digitalMax' as const, 'samplesPerRecord' as const),
    signal: fc.nat(),
    text: lyingNumber,
  }),
);

const HEADER_FIELDS = { headerBytes: [184, 8], recordCount: [236, 8], duration: [244, 8], signalCount: [252, 4] } as const;
/** Offset of each per-signal numeric field block, in units of the signal count, after the 256-byte fixed header. */
const SIGNAL_FIELD_BLOCK = { physicalMin: 104, physicalMax: 112, digitalMin: 120, digitalMax: 128, samplesPerRecord: 216 } as const;

function writeField(bytes: Uint8Array, offset: number, width: number, text: string): void {
  const padded = text.padEnd(width, ' ').slice(0, width);
  for (let i = 0; i < width && offset + i < bytes.length; i++) bytes[offset + i] = padded.charCodeAt(i);
}

function mutate(valid: Uint8Array, mutation: Mutation, signalCount: number): Uint8Array {
  const bytes = valid.slice();
  switch (mutation.kind) {
    case 'none':
    case 'truncate':
    case 'flip':
      return applyByteMutation(valid, mutation);
    case 'header-field': {
      const [offset, width] = HEADER_FIELDS[mutation.field];
      writeField(bytes, offset, width, mutation.text);
      return bytes;
    }
    case 'signal-field': {
      const signal = mutation.signal % signalCount;
      writeField(bytes, 256 + SIGNAL_FIELD_BLOCK[mutation.field] * signalCount + signal * 8, 8, mutation.text);
      return bytes;
    }
  }
}

/** Exact expectation for an unmutated file whose signals are all voltages at one rate (then all become leads). */
function expectedLeads(spec: EdfSpec): number[][] | undefined {
  const rate = spec.signals[0].samplesPerRecord;
  if (!spec.signals.every((signal) => signal.physicalDimension in VOLTAGE_UNITS && signal.samplesPerRecord === rate)) return undefined;
  const fs = rate / spec.recordDurationS;
  const starts = spec.variant === 'EDF+D' ? spec.recordStartsS! : Array.from({ length: spec.recordCount }, (_, r) => r * spec.recordDurationS);
  const offsets = starts.map((start) => Math.round((start - starts[0]) * fs));
  const length = offsets[offsets.length - 1] + rate;
  return spec.signals.map((signal) => {
    const values = new Array<number>(length).fill(Number.NaN);
    const unit = VOLTAGE_UNITS[signal.physicalDimension];
    for (let record = 0; record < spec.recordCount; record++) {
      for (let i = 0; i < rate; i++) {
        const digital = signal.digital[record * rate + i];
        const physical =
          ((digital - signal.digitalMin) * (signal.physicalMax - signal.physicalMin)) / (signal.digitalMax - signal.digitalMin) + signal.physicalMin;
        values[offsets[record] + i] = physical * unit;
      }
    }
    return values;
  });
}

function closeEnough(actual: number, expected: number): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  return Math.abs(actual - expected) <= 1e-6 * Math.max(1, Math.abs(expected));
}

describe('EDF reader under generated and mutated files (property)', () => {
  it(`returns a well-formed record or an EcgFormatError, never anything else (${RUNS} runs)`, async () => {
    const {
      decoded,
      refused,
      exact: checkedExactly,
    } = await fuzzReader({
      spec: specArbitrary,
      mutation: mutationArbitrary,
      runs: RUNS,
      read: async (spec, mutation) => {
        const bytes = mutate(writeEdf(spec), mutation, spec.signals.length + (spec.annotations ? 1 : 0));
        return checkReaderOutput(await edfReader.read({ path: '/fuzz/f.edf', bytes, readCompanion: async () => undefined }), edfReader);
      },
      exact: (record, spec) => {
        const expected = expectedLeads(spec);
        if (!expected) return false;
        expect(record.leads).toHaveLength(expected.length);
        record.leads.forEach((lead, index) => {
          expect(lead.microvolts.length).toBe(expected[index].length);
          lead.microvolts.forEach((value, i) => {
            if (!closeEnough(value, expected[index][i])) throw new Error(`lead ${index} sample ${i}: ${value} ≠ ${expected[index][i]}`);
          });
        });
        return true;
      },
    });
    // Both outcomes must actually occur, or the generators are not exercising the reader. (Ranges in volts of
    // thousands, which the generator also draws, are refused as BAD_SAMPLE, so fewer files decode than refuse.)
    expect(decoded).toBeGreaterThan(RUNS / 20);
    expect(refused).toBeGreaterThan(RUNS / 10);
    expect(checkedExactly).toBeGreaterThan(RUNS / 100);
  });
});
