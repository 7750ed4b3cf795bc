import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { EcgRecord } from '../../../../src/shared/ecg';
import { EcgFormatError } from '../../../../src/main/ecg/formats/errors';
import { readEcgBytes } from '../../../../src/main/ecg/formats/index';
import { smoothOutsideProtected } from '../../../../src/main/ecg/formats/scp-reconstruct';
import { writeScp, type ScpBeatSpec, type ScpCoding, type ScpSpec } from '../../../support/ecg-writers/scp';

/**
 * Issue 11.3, the SCP-ECG cases the shared corpus lacks, written by the test writer: a long recording whose 16-bit
 * byte counts overflow (Contec ECG90A: 47 s, 800 Hz, 12 leads), a rhythm decimated outside its protected zones
 * with the reference beat subtracted (Burdick), bimodal compression, default and custom Huffman tables.
 *
 * The expected values come from `standardDecoder` below: the reference decoder's procedure transcribed in its own
 * shape (two copies of the first value, d interpolated values per pair, two copies of the last, the rest copied;
 * then a three-point mean cut at zone edges), not from the reader's code.
 */

const read = (bytes: Uint8Array): Promise<EcgRecord> => readEcgBytes(bytes, '/data/test.scp', async () => undefined);

interface Zone {
  start: number;
  end: number;
}

/** The reference decoder's Interpolate for one lead, samples 1..length, decimation 4. */
function referenceInterpolate(stored: number[], length: number, zones: Zone[], factor: number): number[] {
  const out: number[] = [];
  let p = 0;
  const bounds: [number, number, Zone | undefined][] = [];
  let a = 1;
  for (const zone of zones) {
    bounds.push([a, zone.start - 1, zone]);
    a = zone.end + 1;
  }
  bounds.push([a, length, undefined]);
  for (const [from, to, zone] of bounds) {
    const num = to - from + 1;
    if (num > 0) {
      const inserted = Math.floor(num / factor);
      const copied = num % factor;
      if (inserted) out.push(stored[p], stored[p]);
      for (let left = inserted; left > 1; left--) {
        const v = Math.fround((stored[p + 1] - stored[p]) / factor);
        for (let j = 0; j < factor; j++) out.push(Math.trunc(Math.fround(stored[p] + Math.fround(j * v))));
        p++;
      }
      if (inserted) {
        out.push(stored[p], stored[p]);
        p++;
      }
      for (let r = 0; r < copied; r++) out.push(stored[p++]);
    }
    if (zone) for (let s = zone.start; s <= zone.end; s++) out.push(stored[p++]);
  }
  return out;
}

/** The reference decoder's DoFilter: which samples keep their value, then the three-point mean elsewhere. */
function referenceFilter(input: number[], zones: Zone[], beats: ScpBeatSpec[]): number[] {
  const kept = new Set<number>([1, input.length]);
  zones.forEach((zone, i) => {
    for (let s = zone.start; s <= zone.end; s++) kept.add(s);
    if (beats[i].type === 0) [beats[i].zoneStart - 1, beats[i].zoneStart, beats[i].zoneEnd, beats[i].zoneEnd + 1].forEach((s) => kept.add(s));
  });
  return input.map((value, index) => {
    const s = index + 1;
    if (kept.has(s)) return value;
    const sum = input[index - 1] + value + input[index + 1];
    return Math.trunc((sum + (sum >= 0 ? 1 : -1)) / 3);
  });
}

/** How many values the writer must store for a lead decimated by `factor` outside `zones`. */
function decimate(full: number[], zones: Zone[], factor: number): number[] {
  const stored: number[] = [];
  let a = 1;
  const stretch = (from: number, to: number) => {
    const num = to - from + 1;
    if (num <= 0) return;
    const inserted = Math.floor(num / factor);
    for (let k = 0; k < inserted; k++) stored.push(full[from - 1 + k * factor + Math.floor(factor / 2)]);
    for (let r = 0; r < num % factor; r++) stored.push(full[from - 1 + inserted * factor + r]);
  };
  for (const zone of zones) {
    stretch(a, zone.start - 1);
    for (let s = zone.start; s <= zone.end; s++) stored.push(full[s - 1]);
    a = zone.end + 1;
  }
  stretch(a, full.length);
  return stored;
}

function standardDecoder(stored: number[], length: number, zones: Zone[], beats: ScpBeatSpec[], factor: number): number[] {
  return referenceFilter(referenceInterpolate(stored, length, zones, factor), zones, beats);
}

describe('SCP-ECG reconstruction of decimated rhythms (issue 11.3)', () => {
  it("smooths as the standard decoder does: our unsmoothed −60 −60 −60 −80 −100 µV become parsescp's −60 −60 −70 −80 −90", () => {
    // 10 µV units; a stretch with no zones, first and last samples kept.
    const smoothed = smoothOutsideProtected(Float64Array.from([-6, -6, -6, -8, -10, -9]), 1, 6, [], []);
    expect(Array.from(smoothed, (v) => v * 10)).toEqual([-60, -60, -70, -80, -90, -90]);
  });

  const LENGTH = 500;
  const beats: ScpBeatSpec[] = [
    { type: 0, zoneStart: 80, fiducial: 120, zoneEnd: 180 },
    { type: 1, zoneStart: 230, fiducial: 250, zoneEnd: 270 },
    { type: 0, zoneStart: 330, fiducial: 370, zoneEnd: 430 },
  ];
  const zones: Zone[] = [
    { start: 105, end: 140 },
    { start: 240, end: 262 },
    { start: 355, end: 390 },
  ];
  const reference = (lead: number) => Array.from({ length: 110 }, (_, i) => Math.round(300 * Math.exp(-(((i - 40) / 6) ** 2)) * (lead + 1)) - 5);
  const residual = (lead: number) => Array.from({ length: LENGTH }, (_, i) => Math.round(20 * Math.sin(i / 15 + lead) + (i % 7) - 3));

  function burdickSpec(coding: ScpCoding, bimodal: boolean): ScpSpec {
    const leads = [0, 1].map((lead) => ({ code: lead + 1, values: decimate(residual(lead), zones, 4), sampleCount: LENGTH }));
    return {
      nanovoltsPerUnit: 10_000,
      sampleIntervalUs: 8000,
      differenceOrder: 2,
      coding,
      bimodal,
      leads,
      referenceBeat: {
        nanovoltsPerUnit: 5000,
        sampleIntervalUs: 2000,
        differenceOrder: 1,
        referenceBeatMs: 220,
        fiducial: 41,
        values: [reference(0), reference(1)],
        beats,
        protectedZones: zones,
        subtracted: !bimodal,
      },
    };
  }

  function expectedMicrovolts(lead: number, withReference: boolean): number[] {
    const rebuilt = standardDecoder(decimate(residual(lead), zones, 4), LENGTH, zones, beats, 4).map((v) => v * 10_000);
    if (withReference) {
      for (const beat of beats.filter((b) => b.type === 0)) {
        for (let s = beat.zoneStart; s <= beat.zoneEnd; s++) rebuilt[s - 1] += reference(lead)[41 - 1 - beat.fiducial + s] * 5000;
      }
    }
    return rebuilt.map((nv) => Math.fround(nv / 1000) + 0);
  }

  it.each<ScpCoding>(['default-huffman', 'custom-huffman', 'raw-no-section-2'])(
    'rebuilds a 125 Hz residual to 500 Hz and adds the reference beat back (%s)',
    async (coding) => {
      const record = await read(writeScp(burdickSpec(coding, false)));
      expect(record.sampleRateHz).toBe(500);
      expect(record.leads.map((lead) => lead.microvolts.length)).toEqual([LENGTH, LENGTH]);
      [0, 1].forEach((lead) => expect(Array.from(record.leads[lead].microvolts)).toEqual(expectedMicrovolts(lead, true)));
      expect(record.medianBeat?.sampleRateHz).toBe(500);
      expect(Array.from(record.medianBeat!.leads[1].microvolts)).toEqual(reference(1).map((v) => v * 5));
    },
  );

  it.each<ScpCoding>(['default-huffman', 'custom-huffman'])(
    'reads bimodal compression (decimated outside protected zones, nothing subtracted) (%s)',
    async (coding) => {
      const record = await read(writeScp(burdickSpec(coding, true)));
      expect(record.sampleRateHz).toBe(500);
      [0, 1].forEach((lead) => expect(Array.from(record.leads[lead].microvolts)).toEqual(expectedMicrovolts(lead, false)));
    },
  );

  it('refuses bimodal compression without a reference beat to give the full rate', async () => {
    const spec = burdickSpec('default-huffman', true);
    await expect(read(writeScp({ ...spec, omitSections: [4, 5] }))).rejects.toMatchObject({ code: 'CORRUPT' });
  });

  it('refuses a decimated stream holding more samples than its protected zones allow (it would misplace every value)', async () => {
    const spec = burdickSpec('default-huffman', false);
    const full = { ...spec, leads: spec.leads.map((lead, index) => ({ ...lead, values: residual(index) })) };
    await expect(read(writeScp(full))).rejects.toMatchObject({ code: 'CORRUPT' });
  });

  it('matches the standard decoder on random zones, beats and values', async () => {
    const scenario = fc
      .record({
        length: fc.integer({ min: 40, max: 300 }),
        zoneCount: fc.integer({ min: 0, max: 4 }),
        seed: fc.integer({ min: 0, max: 1_000_000 }),
        coding: fc.constantFrom<ScpCoding>('default-huffman', 'raw-no-section-2'),
      })
      .map(({ length, zoneCount, seed, coding }) => {
        // Zones spread evenly, each with its subtraction zone around it and a random beat type.
        const span = Math.floor(length / (zoneCount + 1));
        const zonesHere: Zone[] = [];
        const beatsHere: ScpBeatSpec[] = [];
        for (let z = 0; z < zoneCount; z++) {
          const centre = span * (z + 1);
          const half = 2 + ((seed >> z) % 5);
          zonesHere.push({ start: centre - half, end: centre + half });
          beatsHere.push({ type: (seed >> (z + 3)) % 2, zoneStart: centre - half - 3, fiducial: centre, zoneEnd: centre + half + 3 });
        }
        const full = Array.from({ length }, (_, i) => Math.round(100 * Math.sin((i + seed) / 9)) + ((i * seed) % 13) - 6);
        return { length, zones: zonesHere, beats: beatsHere, full, coding };
      })
      .filter(({ zones: z, beats: b, length }) =>
        // Subtraction zones apart from each other, as carts write them (the decoder's cuts assume that order).
        z.every(
          (zone, i) =>
            zone.start > 4 && zone.end < length - 4 && b[i].zoneStart > 1 && b[i].zoneEnd < length && (i === 0 || b[i - 1].zoneEnd + 1 < b[i].zoneStart),
        ),
      );
    await fc.assert(
      fc.asyncProperty(scenario, async ({ length, zones: z, beats: b, full, coding }) => {
        const stored = decimate(full, z, 4);
        const bytes = writeScp({
          nanovoltsPerUnit: 5000,
          sampleIntervalUs: 8000,
          differenceOrder: 1,
          coding,
          bimodal: true,
          leads: [{ code: 1, values: stored, sampleCount: length }],
          referenceBeat: {
            nanovoltsPerUnit: 5000,
            sampleIntervalUs: 2000,
            differenceOrder: 0,
            referenceBeatMs: 20,
            fiducial: 5,
            values: [Array(10).fill(0)],
            beats: b,
            protectedZones: z,
            subtracted: false,
          },
        });
        const record = await read(bytes);
        const expected = standardDecoder(stored, length, z, b, 4).map((v) => Math.fround((v * 5000) / 1000) + 0);
        expect(Array.from(record.leads[0].microvolts)).toEqual(expected);
      }),
      { numRuns: 120 },
    );
  });
});

describe('SCP-ECG long recordings: section 6 byte counts beyond 16 bits (issue 11.3)', () => {
  const SAMPLES = 37_855; // the Contec file: 47 s at 800 Hz
  const wave = (lead: number) => Array.from({ length: SAMPLES }, (_, i) => Math.round(400 * Math.sin((i * (lead + 1)) / 100)) - lead);

  it('reads a 47 s, 800 Hz, 12-lead raw file whose counts saturate at 65534, noting the deviation', async () => {
    const leads = Array.from({ length: 12 }, (_, lead) => ({ code: [1, 2, 61, 62, 63, 64, 3, 4, 5, 6, 7, 8][lead], values: wave(lead) }));
    const record = await read(
      writeScp({ nanovoltsPerUnit: 5000, sampleIntervalUs: 1250, differenceOrder: 0, coding: 'raw-no-section-2', leads, longLengths: 'saturate' }),
    );
    expect(record.sampleRateHz).toBe(800);
    expect(record.leads).toHaveLength(12);
    record.leads.forEach((lead, index) => {
      expect(lead.microvolts.length).toBe(SAMPLES);
      const expected = wave(index).map((v) => v * 5 + 0);
      expect(Array.from(lead.microvolts.subarray(SAMPLES - 5))).toEqual(expected.slice(SAMPLES - 5));
      expect(Array.from(lead.microvolts)).toEqual(expected);
    });
    expect(record.deviations?.map((deviation) => deviation.code)).toEqual(['SCP_LEAD_LENGTH_OVERFLOW']);
  });

  it('reads Huffman streams of equal length whose counts wrapped to 16 bits', async () => {
    // 50 is coded in 18 bits by the default table: 37 855 × 18 bits overflows 65 535 bytes.
    const values = Array.from({ length: SAMPLES }, (_, i) => (i % 2 === 0 ? 50 : -50));
    const leads = [1, 2].map((code) => ({ code, values }));
    const record = await read(
      writeScp({ nanovoltsPerUnit: 1000, sampleIntervalUs: 1250, differenceOrder: 0, coding: 'default-huffman', leads, longLengths: 'wrap' }),
    );
    expect(Array.from(record.leads[1].microvolts)).toEqual(values);
    expect(record.deviations?.[0].code).toBe('SCP_LEAD_LENGTH_OVERFLOW');
  });

  it('refuses Huffman streams of different lengths whose counts overflowed: no way to tell where each starts', async () => {
    const long = Array.from({ length: SAMPLES }, (_, i) => (i % 2 === 0 ? 50 : -50));
    const leads = [
      { code: 1, values: long },
      { code: 2, values: long.map((v, i) => (i % 3 === 0 ? 0 : v)) },
    ];
    const error = await read(
      writeScp({ nanovoltsPerUnit: 1000, sampleIntervalUs: 1250, differenceOrder: 0, coding: 'default-huffman', leads, longLengths: 'wrap' }),
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EcgFormatError);
    expect((error as EcgFormatError).code).toBe('CORRUPT');
  });
});
