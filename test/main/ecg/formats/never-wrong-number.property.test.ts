import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_ABS_MICROVOLTS, type EcgLead, type EcgRecord } from '../../../../src/shared/ecg';
import { EcgFormatError } from '../../../../src/main/ecg/formats/errors';
import { readEcgBytes } from '../../../../src/main/ecg/formats/index';
import { writeAecg } from '../../../../src/main/ecg/formats/aecg-writer';
import { assertSamplesValid } from '../../../../src/main/ecg/formats/sample-check';
import { buildDicom, leadChannel } from '../../../support/ecg-writers/dicom';
import { writeEdf } from '../../../support/ecg-writers/edf';
import { museBytes } from '../../../support/ecg-writers/muse';
import { philipsBytes } from '../../../support/ecg-writers/philips';
import { writeScp } from '../../../support/ecg-writers/scp';

/**
 * Issue 11.1: whatever the file, a reader returns either a typed EcgFormatError or leads whose every sample outside
 * a declared gap is a finite value within ±1 V, and NaN only inside a declared gap. Each format starts from files its
 * test writer builds with scales drawn from ordinary to absurd (a 10^30 µV-per-unit sensitivity must not reach the
 * screen as a number), then the bytes are mutated: flipped, cut, lengthened.
 */

/** The promise, checked here on its own terms (not with the reader's check). */
function assertNoWrongNumber(leads: EcgLead[], where: string): void {
  for (const lead of leads) {
    const inGap = new Uint8Array(lead.microvolts.length);
    for (const gap of lead.gaps ?? []) inGap.fill(1, gap.start, gap.end);
    lead.microvolts.forEach((value, i) => {
      const ok = inGap[i] ? Number.isNaN(value) : Number.isFinite(value) && Math.abs(value) <= MAX_ABS_MICROVOLTS;
      if (!ok) throw new Error(`${where} lead ${lead.name} sample ${i} is ${value} (${inGap[i] ? 'in' : 'outside'} a gap)`);
    });
  }
}

async function readOrRefuse(bytes: Uint8Array, fileName: string, companions: Record<string, Uint8Array> = {}): Promise<EcgRecord | EcgFormatError> {
  try {
    return await readEcgBytes(bytes, `/data/${fileName}`, async (name) => companions[name]);
  } catch (error) {
    if (error instanceof EcgFormatError) return error;
    throw error;
  }
}

/** Records decoded per format: a property that only ever saw refusals would prove nothing about decoded samples. */
const decoded = new Map<string, number>();

function checkOutcome(outcome: EcgRecord | EcgFormatError, where: string): void {
  if (outcome instanceof EcgFormatError) return;
  decoded.set(where, (decoded.get(where) ?? 0) + 1);
  assertNoWrongNumber(outcome.leads, where);
  if (outcome.medianBeat) assertNoWrongNumber(outcome.medianBeat.leads, `${where} median`);
}

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.array(fc.nat(), { minLength: 1, maxLength: 1 }), value: fc.constant(0) }),
  fc.record({ kind: fc.constant('none' as const), at: fc.constant([] as number[]), value: fc.constant(0) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(bytes: Uint8Array, m: Mutation): Uint8Array {
  if (m.kind === 'none') return bytes;
  if (m.kind === 'cut') return bytes.subarray(0, m.at[0] % (bytes.length + 1));
  const copy = bytes.slice();
  for (const at of m.at) copy[at % copy.length] = m.value;
  return copy;
}

/** Scales from ordinary to absurd: a reader must refuse the absurd ones rather than return them. */
const scale = fc.oneof(fc.double({ min: 0.01, max: 20, noNaN: true }), fc.constantFrom(1e6, 1e12, 1e30, 1e-30, 3.4e38));
const raw16 = (length: number) => fc.array(fc.integer({ min: -32768, max: 32767 }), { minLength: length, maxLength: length });
/**
 * Enough runs that each format's "decoded more than 10" floor holds whatever the seed: at 120 about 20 Philips
 * mutants decoded on average and a fresh-clone CI run once saw 9.
 */
const RUNS = { numRuns: 600 };

describe('no reader returns a non-finite or out-of-range sample outside a declared gap (issue 11.1)', () => {
  it('DICOM', async () => {
    const spec = fc.record({
      sensitivity: scale,
      baseline: fc.oneof(fc.constant(0), fc.double({ min: -1e9, max: 1e9, noNaN: true })),
      raw: raw16(12),
      m: mutation,
    });
    await fc.assert(
      fc.asyncProperty(spec, async ({ sensitivity, baseline, raw, m }) => {
        const channels = [
          leadChannel('I', raw, { sensitivity: sensitivity.toPrecision(10), baseline: baseline.toPrecision(10) }),
          leadChannel(
            'II',
            raw.map((v) => -v >> 1),
          ),
        ];
        const bytes = buildDicom({ groups: [{ originality: 'ORIGINAL', sampleRate: '500', padding: -32768, channels }] });
        checkOutcome(await readOrRefuse(mutate(bytes, m), 'a.dcm'), 'DICOM');
      }),
      RUNS,
    );
    expect(decoded.get('DICOM')).toBeGreaterThan(10);
  });

  it('SCP-ECG', async () => {
    const spec = fc.record({
      avm: fc.integer({ min: 1, max: 65535 }),
      raw: raw16(20),
      m: mutation,
      coding: fc.constantFrom('default-huffman', 'raw-no-section-2') as fc.Arbitrary<'default-huffman' | 'raw-no-section-2'>,
    });
    await fc.assert(
      fc.asyncProperty(spec, async ({ avm, raw, m, coding }) => {
        const bytes = writeScp({
          nanovoltsPerUnit: avm,
          sampleIntervalUs: 2000,
          differenceOrder: 0,
          coding,
          leads: [
            { code: 1, values: raw },
            { code: 2, values: raw.map((v) => v >> 2), firstSample: 5 },
          ],
        });
        checkOutcome(await readOrRefuse(mutate(bytes, m), 'a.scp'), 'SCP');
      }),
      RUNS,
    );
    expect(decoded.get('SCP')).toBeGreaterThan(10);
  });

  it('EDF / EDF+', async () => {
    const spec = fc.record({ physicalMax: scale, raw: raw16(10), m: mutation });
    await fc.assert(
      fc.asyncProperty(spec, async ({ physicalMax, raw, m }) => {
        const signal = {
          label: 'ECG I',
          physicalDimension: 'uV',
          physicalMin: -physicalMax,
          physicalMax,
          digitalMin: -32768,
          digitalMax: 32767,
          samplesPerRecord: 5,
          digital: raw,
        };
        let bytes: Uint8Array;
        try {
          bytes = writeEdf({ variant: 'EDF+C', recordDurationS: 0.01, recordCount: 2, signals: [signal] });
        } catch {
          return; // the writer's 8-character fields cannot hold this scale
        }
        checkOutcome(await readOrRefuse(mutate(bytes, m), 'a.edf'), 'EDF');
      }),
      RUNS,
    );
    expect(decoded.get('EDF')).toBeGreaterThan(10);
  });

  it('WFDB (header + format 16 .dat; −32768 is the invalid-sample code, a declared gap)', async () => {
    const spec = fc.record({ gain: scale, raw: raw16(16), m: mutation, target: fc.constantFrom('hea', 'dat') });
    await fc.assert(
      fc.asyncProperty(spec, async ({ gain, raw, m, target }) => {
        const dat = new Uint8Array(raw.length * 2);
        raw.forEach((v, i) => new DataView(dat.buffer).setInt16(i * 2, v, true));
        const checksum = raw.reduce((sum, v) => (sum + v) & 0xffff, 0);
        const header = new TextEncoder().encode(`rec 1 360 ${raw.length}\nrec.dat 16 ${gain.toPrecision(8)}/mV 16 0 ${raw[0]} ${checksum} 0 MLII\n`);
        const outcome =
          target === 'hea'
            ? await readOrRefuse(mutate(header, m), 'rec.hea', { 'rec.dat': dat })
            : await readOrRefuse(header, 'rec.hea', { 'rec.dat': mutate(dat, m) });
        checkOutcome(outcome, 'WFDB');
        if (!(outcome instanceof EcgFormatError) && m.kind === 'none') {
          expect(outcome.leads[0].gaps ?? []).toEqual(
            raw
              .flatMap((v, i) => (v === -32768 ? [i] : []))
              .reduce<{ start: number; end: number }[]>((gaps, i) => {
                const last = gaps[gaps.length - 1];
                if (last && last.end === i) last.end++;
                else gaps.push({ start: i, end: i + 1 });
                return gaps;
              }, []),
          );
        }
      }),
      RUNS,
    );
    expect(decoded.get('WFDB')).toBeGreaterThan(10);
  });

  it('GE MUSE XML', async () => {
    const spec = fc.record({ unitsPerBit: scale, raw: raw16(8), m: mutation });
    await fc.assert(
      fc.asyncProperty(spec, async ({ unitsPerBit, raw, m }) => {
        const bytes = museBytes({ rhythm: ['I', 'II', 'V1'].map((id) => ({ id, raw, unitsPerBit })) });
        checkOutcome(await readOrRefuse(mutate(bytes, m), 'a.xml'), 'MUSE');
      }),
      RUNS,
    );
    expect(decoded.get('MUSE')).toBeGreaterThan(10);
  });

  it('Philips XML (XLI and plain)', async () => {
    const spec = fc.record({
      resolution: scale,
      raw: fc.array(fc.integer({ min: -3000, max: 3000 }), { minLength: 10, maxLength: 10 }),
      m: mutation,
      compression: fc.constantFrom('XLI', 'none'),
    });
    await fc.assert(
      fc.asyncProperty(spec, async ({ resolution, raw, m, compression }) => {
        const leads = Array.from({ length: 12 }, (_, lead) => raw.map((v) => v + lead));
        const bytes = philipsBytes({ version: '1.03', leads, resolution, sampleRateHz: 500, durationMs: 20, compression });
        checkOutcome(await readOrRefuse(mutate(bytes, m), 'a.xml'), 'Philips');
      }),
      RUNS,
    );
    expect(decoded.get('Philips')).toBeGreaterThan(10);
  });

  it('HL7 aECG', async () => {
    const spec = fc.record({ values: fc.array(fc.integer({ min: -5000, max: 5000 }), { minLength: 6, maxLength: 6 }), absurdScale: fc.boolean(), m: mutation });
    await fc.assert(
      fc.asyncProperty(spec, async ({ values, absurdScale, m }) => {
        const record: EcgRecord = { format: 'hl7-aecg', sampleRateHz: 500, leads: [{ name: 'I', microvolts: Float32Array.from(values) }] };
        let text = writeAecg(record);
        if (absurdScale) text = text.replace(/(<scale[^>]*value=")[^"]*"/, '$11e300"');
        checkOutcome(await readOrRefuse(mutate(new TextEncoder().encode(text), m), 'a.xml'), 'aECG');
      }),
      RUNS,
    );
    expect(decoded.get('aECG')).toBeGreaterThan(10);
  });
});

describe('the final check itself', () => {
  const lead = (values: number[], gaps?: { start: number; end: number }[]): EcgLead => ({ name: 'aVL', microvolts: Float32Array.from(values), gaps });

  it.each([
    ['NaN outside any gap', [1, NaN, 3], undefined, 2],
    ['+Infinity', [1, 2, Infinity], undefined, 3],
    ['−Infinity', [-Infinity, 2, 3], undefined, 1],
    ['a value beyond ±1 V', [1, 2_000_000, 3], undefined, 2],
    ['a number inside a declared gap', [1, 5, NaN], [{ start: 1, end: 3 }], 2],
  ])('refuses %s as BAD_SAMPLE naming lead and 1-based sample', (_name, values, gaps, sample) => {
    try {
      assertSamplesValid(lead(values, gaps), 'test');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(EcgFormatError);
      expect((error as EcgFormatError).code).toBe('BAD_SAMPLE');
      expect((error as EcgFormatError).details).toEqual({ lead: 'aVL', sample });
    }
  });

  it('accepts NaN inside declared gaps and ±1 V exactly, and refuses gaps that overlap or leave the lead', () => {
    expect(() => assertSamplesValid(lead([1e6, NaN, NaN, -1e6], [{ start: 1, end: 3 }]), 'test')).not.toThrow();
    expect(() =>
      assertSamplesValid(
        lead(
          [NaN, NaN, 1],
          [
            { start: 0, end: 1 },
            { start: 1, end: 2 },
          ],
        ),
        'test',
      ),
    ).toThrow(EcgFormatError);
    expect(() => assertSamplesValid(lead([1, 2], [{ start: 1, end: 3 }]), 'test')).toThrow(EcgFormatError);
  });

  it('is applied to every reader: a DICOM channel with an absurd sensitivity is refused, not shown', async () => {
    const bytes = buildDicom({ groups: [{ originality: 'ORIGINAL', sampleRate: '500', channels: [leadChannel('aVL', [0, 3, 1], { sensitivity: '1e30' })] }] });
    const outcome = await readOrRefuse(bytes, 'a.dcm');
    expect(outcome).toBeInstanceOf(EcgFormatError);
    expect((outcome as EcgFormatError).code).toBe('BAD_SAMPLE');
    expect((outcome as EcgFormatError).details).toEqual({ lead: 'aVL', sample: 2 });
  });
});
