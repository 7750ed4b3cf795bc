import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EcgFormatError } from '../../../../src/main/ecg/formats/errors';
import { decodeMitAnnotationFile, decodeMitAnnotations, isBeatSymbol } from '../../../../src/main/ecg/formats/wfdb-annotations';
import { hasSharedSamples, loadReference, samplePath, SKIP_REASON } from '../../../support/shared-samples';

/** Writes the MIT format the way WFDB's putann does, so decoding can be checked against known input. */
function encodeMit(items: { time: number; code: number; sub?: number; chan?: number; num?: number; aux?: string }[]): Uint8Array {
  const words: number[] = [];
  const pushWord = (code: number, data: number) => words.push(((code << 10) | (data & 0x3ff)) & 0xffff);
  let time = 0;
  let chan = 0;
  let num = 0;
  for (const item of items) {
    const delta = item.time - time;
    if (item.code === 0 && delta === 0) {
      // (code 0, step 0) would read as end of file: step back one with SKIP, then forward one, as wrann does
      pushWord(59, 0);
      words.push(0xffff, 0xffff);
      pushWord(0, 1);
    } else if (delta > 1023 || delta < 0) {
      pushWord(59, 0);
      words.push((delta >>> 16) & 0xffff, delta & 0xffff);
      pushWord(item.code, 0);
    } else {
      pushWord(item.code, delta);
    }
    time = item.time;
    if (item.sub) pushWord(61, item.sub);
    if ((item.chan ?? 0) !== chan) pushWord(62, (chan = item.chan ?? 0));
    if ((item.num ?? 0) !== num) pushWord(60, (num = item.num ?? 0));
    if (item.aux !== undefined) {
      const text = Buffer.from(item.aux, 'latin1');
      pushWord(63, text.length);
      const padded = Buffer.concat([text, Buffer.alloc(text.length & 1)]);
      for (let i = 0; i < padded.length; i += 2) words.push(padded[i] | (padded[i + 1] << 8));
    }
  }
  words.push(0);
  const bytes = new Uint8Array(words.length * 2);
  words.forEach((w, i) => {
    bytes[2 * i] = w & 0xff;
    bytes[2 * i + 1] = w >> 8;
  });
  return bytes;
}

describe('MIT annotation decoder (synthetic)', () => {
  it('applies SKIP for long gaps and attaches SUB, CHN, NUM and AUX to the annotation before them', () => {
    const bytes = encodeMit([
      { time: 5, code: 28, aux: '(AFIB' },
      { time: 100_000, code: 1, sub: 3, chan: 1, num: 7 },
      { time: 100_010, code: 5, chan: 1, num: 7 }, // unchanged, so the encoder writes no CHN or NUM
    ]);
    const { annotations } = decodeMitAnnotationFile(bytes);
    expect(annotations).toEqual([
      { sample: 5, symbol: '+', code: 28, subtype: 0, channel: 0, num: 0, aux: '(AFIB' },
      { sample: 100_000, symbol: 'N', code: 1, subtype: 3, channel: 1, num: 7 },
      // channel and num persist; subtype does not
      { sample: 100_010, symbol: 'V', code: 5, subtype: 0, channel: 1, num: 7 },
    ]);
  });

  it('reads the header notes WFDB writes (time resolution, rewind to 0) and drops them', () => {
    const header = [
      { time: 0, code: 22, aux: '## time resolution: 500' },
      { time: 0, code: 0 }, // placeholder written as SKIP −1 then a step of 1
      { time: 98, code: 1 },
    ];
    const file = decodeMitAnnotationFile(encodeMit(header));
    expect(file.timeResolutionHz).toBe(500);
    expect(file.annotations.map((a) => [a.sample, a.symbol])).toEqual([[98, 'N']]);
  });

  it('uses custom label definitions for the user codes', () => {
    const bytes = encodeMit([
      { time: 0, code: 22, aux: '## annotation type definitions' },
      { time: 0, code: 22, aux: '42 Z my beat' },
      { time: 0, code: 22, aux: '## end of definitions' },
      { time: 10, code: 42 },
      { time: 20, code: 43 },
    ]);
    expect(decodeMitAnnotations(bytes)).toEqual([
      { sample: 10, symbol: 'Z' },
      { sample: 20, symbol: '[43]' },
    ]);
  });

  it('round-trips arbitrary annotation streams (property)', () => {
    const item = fc.record({
      gap: fc.oneof(fc.integer({ min: 0, max: 1023 }), fc.integer({ min: 1024, max: 50_000_000 })),
      code: fc.integer({ min: 1, max: 49 }).filter((c) => c !== 22),
      sub: fc.integer({ min: 0, max: 1023 }),
      chan: fc.integer({ min: 0, max: 255 }),
      num: fc.integer({ min: 0, max: 1023 }),
      aux: fc.option(fc.string({ unit: fc.constantFrom(...'(NAFIBVT 0123456789'.split('')), maxLength: 40 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(item, { maxLength: 60 }), (items) => {
        let time = 0;
        const timed = items.map((it) => ({ ...it, time: (time += it.gap) }));
        const decoded = decodeMitAnnotationFile(encodeMit(timed)).annotations;
        expect(decoded.map((a) => [a.sample, a.code, a.subtype, a.channel, a.num, a.aux])).toEqual(
          timed.map((t) => [t.time, t.code, t.sub, t.chan, t.num, t.aux]),
        );
      }),
    );
  });

  it('reports a cut AUX or SKIP as TRUNCATED, never a crash', () => {
    const bytes = encodeMit([{ time: 3, code: 28, aux: '(SBR rhythm' }]);
    expect(() => decodeMitAnnotations(bytes.subarray(0, 6))).toThrow(EcgFormatError);
    const skip = encodeMit([{ time: 70_000, code: 1 }]);
    try {
      decodeMitAnnotations(skip.subarray(0, 4));
      expect.unreachable();
    } catch (error) {
      expect((error as EcgFormatError).code).toBe('TRUNCATED');
    }
  });

  it('never throws anything but EcgFormatError on random bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          decodeMitAnnotationFile(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(EcgFormatError);
        }
      }),
    );
  });

  it('classifies beat symbols as reference.json counts them', () => {
    expect('NLRBAaJSVrFejnE/fQ?'.split('').every(isBeatSymbol)).toBe(true);
    expect(['+', '~', '|', 'x', '"', '[', ']', '!', 'p', 't', ' '].some(isBeatSymbol)).toBe(false);
  });
});

interface AnnotationFacts {
  total_annotations: number;
  beat_annotation_count: number;
  first10_beat_samples: number[];
  first10_beat_symbols: string[];
  last_beat_sample: number;
  first10_all_samples: number[];
  first10_all_symbols: string[];
  symbol_counts: Record<string, number>;
  first5_rhythm_changes: { sample: number; aux: string }[];
  annotation_fs_from_file: number;
}

const annotationFiles: [record: string, extension: string][] = [
  ['wfdb/mitdb/100', 'atr'],
  ['wfdb/mitdb/103', 'atr'],
  ['wfdb/mitdb/105', 'atr'],
  ['wfdb/mitdb/208', 'atr'],
  ['wfdb/twadb/twa01', 'qrs'],
  ['edf/r01', 'qrs'],
];

/** The suite name says why it was skipped, and nothing when it runs. */
const corpusNote = hasSharedSamples ? '' : ` (${SKIP_REASON})`;

describe.skipIf(!hasSharedSamples)(`MIT annotation decoder on the shared corpus${corpusNote}`, () => {
  const records = hasSharedSamples ? (loadReference().records as Record<string, { annotations: Record<string, AnnotationFacts> }>) : {};

  it.each(annotationFiles)('%s.%s matches wfdb-python', (record, extension) => {
    const facts = (records[record] ?? records[`${record}.edf`]).annotations[extension];
    const fileName = record.startsWith('edf/') ? `${record}.edf.${extension}` : `${record}.${extension}`;
    const file = decodeMitAnnotationFile(readFileSync(samplePath(fileName)));
    const all = file.annotations;
    const beats = all.filter((a) => isBeatSymbol(a.symbol));
    expect(all.length).toBe(facts.total_annotations);
    expect(beats.length).toBe(facts.beat_annotation_count);
    expect(beats.slice(0, 10).map((a) => a.sample)).toEqual(facts.first10_beat_samples);
    expect(beats.slice(0, 10).map((a) => a.symbol)).toEqual(facts.first10_beat_symbols);
    expect(beats.at(-1)?.sample).toBe(facts.last_beat_sample);
    expect(all.slice(0, 10).map((a) => a.sample)).toEqual(facts.first10_all_samples);
    expect(all.slice(0, 10).map((a) => a.symbol)).toEqual(facts.first10_all_symbols);
    const counts: Record<string, number> = {};
    for (const a of all) counts[a.symbol] = (counts[a.symbol] ?? 0) + 1;
    expect(counts).toEqual(facts.symbol_counts);
    const rhythm = all.filter((a) => a.symbol === '+').slice(0, 5);
    expect(rhythm.map((a) => ({ sample: a.sample, aux: a.aux }))).toEqual(facts.first5_rhythm_changes);
    if (file.timeResolutionHz !== undefined) expect(file.timeResolutionHz).toBe(facts.annotation_fs_from_file);
  });
});
