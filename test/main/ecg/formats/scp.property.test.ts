import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EcgRecord } from '../../../../src/shared/ecg';
import { EcgFormatError } from '../../../../src/main/ecg/formats/errors';
import { scpReader } from '../../../../src/main/ecg/formats/scp';
import { fixScpCrcs, scpTags, writeScp, type ScpCoding, type ScpSpec, type ScpTag } from '../../../support/ecg-writers/scp';
import { assertWellFormedRecord } from '../../../support/ecg-record-checks';
import { checkReaderOutput } from '../../../../src/main/ecg/formats/index';
import { applyByteMutation, type ByteMutation, flipArb, truncateArb, unchangedArb } from '../../../support/ecg-format-helpers';

/**
 * Property: a valid SCP-ECG file from the test writer, then cut short, with bytes flipped (CRCs left stale, or
 * recomputed so the damage reaches the decoders), or with a structural field rewritten to lie (lengths, counts,
 * sample numbers, pointers; CRCs recomputed) — the reader returns a well-formed record or throws EcgFormatError.
 * Unmutated files must decode to exactly value × AVM, plus the reference beat inside type-0 zones.
 */

const RUNS = 10_000;

function assertWellFormed(record: EcgRecord): void {
  assertWellFormedRecord(record);
}

const tagArbitrary: fc.Arbitrary<ScpTag> = fc.oneof(
  fc.uint8Array({ maxLength: 12 }).map((bytes) => scpTags.text(0, bytes)),
  fc.uint8Array({ maxLength: 12 }).map((bytes) => scpTags.text(1, bytes)),
  fc.string({ maxLength: 10 }).map((text) => scpTags.ascii(2, text)),
  fc.tuple(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 })).map(([y, m, d]) => scpTags.date(5, y, m, d)),
  fc.tuple(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 })).map(([y, m, d]) => scpTags.date(25, y, m, d)),
  fc.tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 70 }), fc.integer({ min: 0, max: 70 })).map(([h, m, s]) => scpTags.time(h, m, s)),
  fc.integer({ min: 0, max: 255 }).map((sex) => scpTags.byte(8, sex)),
  fc.integer({ min: 0, max: 200 }).map((age) => scpTags.age(age)),
  fc.integer({ min: -32768, max: 32767 }).map((minutes) => scpTags.timeZone(minutes)),
  fc
    .record({
      model: fc.string({ maxLength: 6 }),
      manufacturer: fc.string({ maxLength: 8 }),
      serial: fc.string({ maxLength: 8 }),
      languageSupport: fc.constantFrom(0, 1, 3, 7, 0x27, 0x2f, 0x0f, 0xff),
    })
    .map((device) => scpTags.device(device)),
);

const specArbitrary: fc.Arbitrary<ScpSpec> = fc
  .record({
    coding: fc.constantFrom<ScpCoding>('default-huffman', 'custom-huffman', 'raw-no-section-2', 'raw-zero-tables'),
    differenceOrder: fc.constantFrom<0 | 1 | 2>(0, 1, 2),
    nanovoltsPerUnit: fc.integer({ min: 1, max: 65535 }),
    sampleIntervalUs: fc.integer({ min: 1, max: 65535 }),
    codes: fc.array(fc.constantFrom(0, 1, 2, 3, 61, 62, 63, 64, 200), { minLength: 1, maxLength: 3 }),
    length: fc.integer({ min: 1, max: 40 }),
    seed: fc.array(fc.integer({ min: -8000, max: 8000 }), { minLength: 1, maxLength: 40 }),
    reference: fc.option(
      fc.record({
        nanovoltsPerUnit: fc.integer({ min: 1, max: 65535 }),
        intervalUs: fc.constantFrom(1000, 2000, 4000),
        differenceOrder: fc.constantFrom<0 | 1 | 2>(0, 1, 2),
        samples: fc.integer({ min: 1, max: 12 }),
        fiducial: fc.integer({ min: 1, max: 12 }),
        values: fc.array(fc.integer({ min: -3000, max: 3000 }), { minLength: 12, maxLength: 12 }),
        beats: fc.array(
          fc.record({
            type: fc.constantFrom(0, 0, 1, 2),
            zoneStart: fc.integer({ min: 1, max: 40 }),
            width: fc.integer({ min: 0, max: 10 }),
            fiducialOffset: fc.integer({ min: 0, max: 10 }),
          }),
          { maxLength: 3 },
        ),
      }),
      { nil: undefined },
    ),
    tags: fc.option(fc.array(tagArbitrary, { maxLength: 6 }), { nil: undefined }),
  })
  .map((generated): ScpSpec => {
    const leads = generated.codes.map((code, lead) => ({
      code,
      values: Array.from({ length: generated.length }, (_, i) => generated.seed[(i * (lead + 1)) % generated.seed.length]),
    }));
    const spec: ScpSpec = {
      coding: generated.coding,
      differenceOrder: generated.differenceOrder,
      nanovoltsPerUnit: generated.nanovoltsPerUnit,
      sampleIntervalUs: generated.sampleIntervalUs,
      leads,
      ...(generated.tags ? { tags: generated.tags } : {}),
    };
    const reference = generated.reference;
    if (reference) {
      // Section 4 gives the reference beat length in whole ms: rates of 1, 0.5 and 0.25 kHz keep it exact.
      spec.sampleIntervalUs = reference.intervalUs;
      spec.referenceBeat = {
        nanovoltsPerUnit: reference.nanovoltsPerUnit,
        differenceOrder: reference.differenceOrder,
        referenceBeatMs: (reference.samples * reference.intervalUs) / 1000,
        fiducial: reference.fiducial,
        values: leads.map((_, lead) => reference.values.slice(0, reference.samples).map((value) => value + lead)),
        beats: reference.beats.map((beat) => ({
          type: beat.type,
          zoneStart: beat.zoneStart,
          fiducial: beat.zoneStart + beat.fiducialOffset,
          zoneEnd: Math.min(generated.length, beat.zoneStart + beat.width),
        })),
      };
    }
    return spec;
  })
  .filter((spec) => {
    const zones = (spec.referenceBeat?.beats ?? []).filter((beat) => beat.type === 0);
    return zones.reduce((sum, beat) => sum + Math.max(0, beat.zoneEnd - beat.zoneStart + 1), 0) <= spec.leads[0].values.length;
  });

/** Expected µV worked from EN 1064 directly (see scp.test.ts), for unmutated files. */
function expectedMicrovolts(spec: ScpSpec): number[][] {
  return spec.leads.map((lead, index) => {
    const values = lead.values.map((value) => (value * spec.nanovoltsPerUnit) / 1000);
    const reference = spec.referenceBeat;
    if (!reference || reference.values[index].length === 0) return values;
    for (const beat of reference.beats.filter((b) => b.type === 0)) {
      for (let s = beat.zoneStart; s <= beat.zoneEnd; s++) {
        const m = reference.fiducial - beat.fiducial + s - 1;
        if (s >= 1 && s <= values.length && m >= 0 && m < reference.values[index].length) {
          values[s - 1] += (reference.values[index][m] * reference.nanovoltsPerUnit) / 1000;
        }
      }
    }
    return values;
  });
}

type Mutation =
  | Exclude<ByteMutation, { kind: 'flip' }>
  | { kind: 'flip'; positions: number[]; values: number[]; fixCrcs: boolean }
  | { kind: 'lie'; section: number; offset: number; width: 1 | 2 | 4; value: number };

const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  unchangedArb,
  truncateArb,
  // With the section CRCs recomputed half the time, so a flip also reaches the decoders behind the CRC check.
  fc.tuple(flipArb(6), fc.boolean()).map(([flip, fixCrcs]) => ({ ...flip, fixCrcs })),
  fc.record({
    kind: fc.constant('lie' as const),
    section: fc.integer({ min: 0, max: 6 }),
    offset: fc.integer({ min: 0, max: 48 }),
    width: fc.constantFrom<1 | 2 | 4>(1, 2, 4),
    value: fc.oneof(fc.constantFrom(0, 1, 2, 0xff, 0xffff, 0x7fffffff, 0xffffffff, 19999), fc.nat()),
  }),
);

/** Start of a section in the written file, from section 0's pointer table (writer layout: 12 pointers at 22). */
function sectionStart(bytes: Uint8Array, id: number): number | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (id === 0) return 6;
  for (let pointer = 22; pointer + 10 <= 22 + 120; pointer += 10) {
    if (view.getUint16(pointer, true) === id && view.getUint32(pointer + 2, true) > 0) return view.getUint32(pointer + 6, true) - 1;
  }
  return undefined;
}

function mutate(valid: Uint8Array, mutation: Mutation): Uint8Array {
  switch (mutation.kind) {
    case 'none':
    case 'truncate':
      return applyByteMutation(valid, mutation);
    case 'flip': {
      const flipped = applyByteMutation(valid, mutation);
      return mutation.fixCrcs ? fixScpCrcs(flipped) : flipped;
    }
    case 'lie': {
      const bytes = valid.slice();
      const start = sectionStart(bytes, mutation.section);
      if (start === undefined) return bytes;
      // Section header fields (ID, length) and the first fields of the body: counts, lengths, sample numbers.
      const offset = start + 2 + mutation.offset;
      if (offset + mutation.width > bytes.length) return bytes;
      const view = new DataView(bytes.buffer);
      if (mutation.width === 1) view.setUint8(offset, mutation.value & 0xff);
      else if (mutation.width === 2) view.setUint16(offset, mutation.value & 0xffff, true);
      else view.setUint32(offset, mutation.value >>> 0, true);
      return fixScpCrcs(bytes);
    }
  }
}

describe('SCP-ECG reader under generated and mutated files (property)', () => {
  it(`returns a well-formed record or an EcgFormatError, never anything else (${RUNS} runs)`, async () => {
    let decoded = 0;
    let refused = 0;
    let checkedExactly = 0;
    let decodedAfterMutation = 0;
    await fc.assert(
      fc.asyncProperty(specArbitrary, mutationArbitrary, async (spec, mutation) => {
        const bytes = mutate(writeScp(spec), mutation);
        let record: EcgRecord;
        try {
          record = checkReaderOutput(await scpReader.read({ path: '/fuzz/f.scp', bytes, readCompanion: async () => undefined }), scpReader);
        } catch (error) {
          if (!(error instanceof EcgFormatError)) throw error;
          if (mutation.kind === 'none') throw new Error(`valid file refused: ${error.code} ${error.message}`);
          refused++;
          return;
        }
        decoded++;
        assertWellFormed(record);
        if (mutation.kind !== 'none') {
          decodedAfterMutation++;
          return;
        }
        checkedExactly++;
        const expected = expectedMicrovolts(spec);
        expect(record.leads).toHaveLength(expected.length);
        record.leads.forEach((lead, index) => {
          expect(lead.microvolts.length).toBe(expected[index].length);
          lead.microvolts.forEach((value, i) => {
            if (value !== Math.fround(expected[index][i])) throw new Error(`lead ${index} sample ${i}: ${value} ≠ ${expected[index][i]}`);
          });
        });
      }),
      { numRuns: RUNS },
    );
    expect(checkedExactly).toBeGreaterThan(RUNS / 10);
    expect(refused).toBeGreaterThan(RUNS / 10);
    // Some damage (e.g. a flipped sample bit with CRCs recomputed) still decodes: the reader must cope with it too.
    expect(decodedAfterMutation).toBeGreaterThan(0);
    expect(decoded).toBe(checkedExactly + decodedAfterMutation);
  });
});
