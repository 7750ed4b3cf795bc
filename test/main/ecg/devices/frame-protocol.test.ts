import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc16CcittFalse, crc32 } from '../../../../src/main/ecg/devices/crc';
import {
  type DecodedFrame,
  type DecoderOutput,
  encodeFrame,
  type FrameInput,
  FrameDecoder,
  frameLength,
  HEADER_LENGTH,
  LEAD_CODES,
  leadMaskOf,
  microvoltsToCounts,
  parseHeader,
  SAMPLE_RANGE,
  type SampleEncoding,
} from '../../../../src/main/ecg/devices/frame-protocol';
import { STANDARD_LEADS } from '../../../../src/shared/ecg';

const ascii = (text: string) => new TextEncoder().encode(text);

function frameInput(overrides: Partial<FrameInput> = {}): FrameInput {
  const leadNames = overrides.leadNames ?? ['I', 'II'];
  const length = overrides.counts?.[0]?.length ?? 4;
  return {
    encoding: 'int16',
    leadNames,
    sampleRateHz: 500,
    sequence: 0,
    deviceTimestampUs: 1_700_000_000_000_000,
    timestampIsUtc: true,
    microvoltsPerLsb: 1,
    counts: leadNames.map((_, lead) => Array.from({ length }, (_, s) => lead * 100 + s)),
    ...overrides,
  };
}

function decodeAll(decoder: FrameDecoder, ...chunks: Uint8Array[]): DecoderOutput[] {
  return chunks.flatMap((chunk) => decoder.push(chunk));
}

const framesOf = (outputs: DecoderOutput[]) => outputs.filter((o): o is DecodedFrame => o.kind === 'frame');

describe('CRCs', () => {
  it('match the catalogue check values for "123456789"', () => {
    expect(crc16CcittFalse(ascii('123456789'))).toBe(0x29b1);
    expect(crc32(ascii('123456789'))).toBe(0xcbf43926);
  });
});

describe('encodeFrame / parseHeader', () => {
  it('lays out the header as documented and round-trips every field', () => {
    const frame = encodeFrame(frameInput({ sequence: 0xfffffffe, encoding: 'int24', microvoltsPerLsb: 0.5 }));
    expect(frame.length).toBe(frameLength(2, 4, 'int24'));
    expect(frame.length).toBe(HEADER_LENGTH + 2 * 4 * 3 + 4);
    expect([...frame.subarray(0, 3)]).toEqual([0xa5, 0x5a, 1]);
    const header = parseHeader(frame, 0);
    expect(header).toEqual({
      encoding: 'int24',
      timestampIsUtc: true,
      leadNames: ['I', 'II'],
      leadMask: 0b11,
      sampleRateHz: 500,
      samplesPerLead: 4,
      sequence: 0xfffffffe,
      deviceTimestampUs: 1_700_000_000_000_000,
      microvoltsPerLsb: 0.5,
    });
  });

  it('produces the example frame of docs/ecg-serial-protocol.md byte for byte', () => {
    const frame = encodeFrame({
      encoding: 'int16',
      leadNames: ['I', 'II'],
      sampleRateHz: 500,
      sequence: 16,
      deviceTimestampUs: 1_700_000_000_000_000,
      timestampIsUtc: true,
      microvoltsPerLsb: 2.5,
      counts: [
        [100, -100],
        [250, NaN],
      ],
    });
    const documented = 'a5 5a 01 01 01 02 03 00 f4 01 02 00 10 00 00 00 00 40 1e 18 24 0a 06 00 00 00 20 40 db ba ' + '64 00 fa 00 9c ff 00 80 7c 9c 70 ed';
    expect(Buffer.from(frame).toString('hex').match(/../g)!.join(' ')).toBe(documented);
  });

  it('rejects a header with any single byte changed', () => {
    const frame = encodeFrame(frameInput());
    for (let i = 0; i < HEADER_LENGTH; i++) {
      const damaged = frame.slice();
      damaged[i] ^= 0x10;
      expect(parseHeader(damaged, 0), `byte ${i}`).toBeUndefined();
    }
  });

  it('maps lead names to the mask in protocol order and refuses unknown or unordered leads', () => {
    expect(leadMaskOf(STANDARD_LEADS)).toBe(0x0fff);
    expect(leadMaskOf(['V4R', 'V9'])).toBe((1 << 12) | (1 << 15));
    expect(() => leadMaskOf(['II', 'I'])).toThrow(RangeError);
    expect(() => leadMaskOf(['X'])).toThrow(RangeError);
  });

  it('refuses samples outside the code range and the wrong number of arrays', () => {
    expect(() => encodeFrame(frameInput({ counts: [[40000], [0]] }))).toThrow(RangeError);
    expect(() => encodeFrame(frameInput({ counts: [[0.5], [0]] }))).toThrow(RangeError);
    expect(() => encodeFrame(frameInput({ counts: [[0]] }))).toThrow(RangeError);
    expect(() => encodeFrame(frameInput({ counts: [[], []] }))).toThrow(RangeError);
    expect(() => encodeFrame(frameInput({ sampleRateHz: 70000 }))).toThrow(RangeError);
  });

  it('quantises µV to codes with clamping, keeping NaN as the invalid sample', () => {
    const counts = microvoltsToCounts([1.26, -1e9, 1e9, NaN], 0.5, 'int16');
    expect([...counts]).toEqual([3, -32767, 32767, NaN]);
    expect(Object.is(microvoltsToCounts([-0.2], 1, 'int16')[0], 0)).toBe(true);
  });
});

describe('FrameDecoder', () => {
  it('decodes int16 and int24 samples to µV, the invalid code to NaN', () => {
    for (const encoding of ['int16', 'int24'] as SampleEncoding[]) {
      const { max } = SAMPLE_RANGE[encoding];
      const input = frameInput({
        encoding,
        microvoltsPerLsb: 0.25,
        counts: [
          [-max, max, NaN],
          [0, -1, 1],
        ],
      });
      const [frame] = framesOf(new FrameDecoder().push(encodeFrame(input)));
      expect([...frame.samples[0]]).toEqual([-max * 0.25, max * 0.25, NaN]);
      expect([...frame.samples[1]]).toEqual([0, -0.25, 0.25]);
    }
  });

  it('decodes a stream fed one byte at a time', () => {
    const bytes = Buffer.concat([encodeFrame(frameInput()), encodeFrame(frameInput({ sequence: 4 }))]);
    const decoder = new FrameDecoder();
    const outputs = [...bytes].flatMap((byte) => decoder.push(Uint8Array.of(byte)));
    expect(framesOf(outputs).map((f) => f.firstSampleIndex)).toEqual([0, 4]);
    expect(decoder.stats).toEqual({ frames: 2, corruptFrames: 0, lostSamples: 0, skippedBytes: 0, restarts: 0 });
  });

  it('skips leading garbage, counting its bytes, including a false sync', () => {
    const decoder = new FrameDecoder();
    const garbage = Uint8Array.of(0x00, 0xa5, 0x5a, 0x01, 0xa5, 0xff, 0x13);
    const outputs = decodeAll(decoder, garbage, encodeFrame(frameInput()));
    expect(framesOf(outputs)).toHaveLength(1);
    expect(decoder.stats.skippedBytes).toBe(garbage.length);
  });

  it('loses only the truncated frame when a device resets mid-frame', () => {
    const first = encodeFrame(frameInput({ sequence: 0 }));
    const truncated = encodeFrame(frameInput({ sequence: 4 })).subarray(0, HEADER_LENGTH + 5);
    const next = encodeFrame(frameInput({ sequence: 8 }));
    const after = encodeFrame(frameInput({ sequence: 12 }));
    const decoder = new FrameDecoder();
    const outputs = decodeAll(decoder, first, truncated, next, after);
    expect(outputs.map((o) => [o.kind, o.firstSampleIndex])).toEqual([
      ['frame', 0],
      ['gap', 4],
      ['frame', 8],
      ['frame', 12],
    ]);
    expect(decoder.stats.corruptFrames).toBe(1);
    expect(decoder.stats.lostSamples).toBe(4);
  });

  it('treats the sequence modulo 2^32: wrap-around is contiguous, a gap across it is counted', () => {
    const start = 2 ** 32 - 6;
    const decoder = new FrameDecoder();
    const outputs = decodeAll(
      decoder,
      encodeFrame(frameInput({ sequence: start })),
      encodeFrame(frameInput({ sequence: start + 4 })),
      encodeFrame(frameInput({ sequence: (start + 8 + 4) >>> 0 })),
    );
    expect(outputs.map((o) => [o.kind, o.firstSampleIndex])).toEqual([
      ['frame', 0],
      ['frame', 4],
      ['gap', 8],
      ['frame', 12],
    ]);
    expect(decoder.stats.lostSamples).toBe(4);
  });

  it('counts a backwards sequence or a changed lead set as a restart and keeps the timeline going', () => {
    const decoder = new FrameDecoder();
    const outputs = decodeAll(
      decoder,
      encodeFrame(frameInput({ sequence: 1000 })),
      encodeFrame(frameInput({ sequence: 0 })),
      encodeFrame(frameInput({ sequence: 4, leadNames: ['I', 'II', 'V1'] })),
    );
    expect(outputs.map((o) => [o.kind, o.firstSampleIndex])).toEqual([
      ['frame', 0],
      ['frame', 4],
      ['frame', 8],
    ]);
    expect(decoder.stats).toMatchObject({ restarts: 2, lostSamples: 0 });
  });

  it('drops a partial frame on discardBuffered but still counts the samples missed meanwhile', () => {
    const decoder = new FrameDecoder();
    decoder.push(encodeFrame(frameInput({ sequence: 0 })));
    decoder.push(encodeFrame(frameInput({ sequence: 4 })).subarray(0, 10));
    expect(decoder.discardBuffered()).toBe(10);
    const outputs = decoder.push(encodeFrame(frameInput({ sequence: 40 })));
    expect(outputs.map((o) => [o.kind, o.firstSampleIndex])).toEqual([
      ['gap', 4],
      ['frame', 40],
    ]);
    expect(decoder.stats).toMatchObject({ lostSamples: 36, skippedBytes: 10 });
  });
});

type Fate = 'ok' | 'drop' | 'corruptHeader' | 'corruptBody';

const plannedFrame = fc.record({
  samplesPerLead: fc.integer({ min: 1, max: 50 }),
  fate: fc.constantFrom<Fate>('ok', 'ok', 'ok', 'drop', 'corruptHeader', 'corruptBody'),
  hitAt: fc.double({ min: 0, max: 0.999, noNaN: true }),
  xor: fc.integer({ min: 1, max: 255 }),
  garbageBefore: fc.oneof(fc.constant(new Uint8Array(0)), fc.uint8Array({ maxLength: 40 })),
  seed: fc.integer(),
});

const streamPlan = fc.record({
  encoding: fc.constantFrom<SampleEncoding>('int16', 'int24'),
  leadMask: fc.integer({ min: 1, max: 0xffff }),
  microvoltsPerLsb: fc.constantFrom(0.25, 0.5, 1, 2.5, 0.0476837158203125),
  startSequence: fc.oneof(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 2 ** 32 - 300, max: 2 ** 32 - 1 })),
  frames: fc.array(plannedFrame, { minLength: 2, maxLength: 30 }),
  cutPoints: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 60 }),
});

/** Deterministic codes from a seed, with an occasional invalid sample (NaN). */
function countsFor(leads: number, length: number, seed: number, encoding: SampleEncoding): number[][] {
  const { max } = SAMPLE_RANGE[encoding];
  let state = seed >>> 0 || 1;
  const next = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0);
  return Array.from({ length: leads }, () => Array.from({ length }, () => (next() % 97 === 0 ? NaN : (next() % (2 * max + 1)) - max)));
}

describe('FrameDecoder properties', () => {
  it('recovers every intact frame exactly and counts loss, corruption and garbage exactly, however the bytes are chunked', () => {
    fc.assert(
      fc.property(streamPlan, (plan) => {
        const leadNames = LEAD_CODES.filter((_, bit) => (plan.leadMask >> bit) & 1);
        const frames = plan.frames.map((f, i) => (i === 0 || i === plan.frames.length - 1 ? { ...f, fate: 'ok' as Fate } : f));
        const wire: Uint8Array[] = [];
        const expectedTimeline: number[][] = leadNames.map(() => []);
        let expectedSkipped = 0;
        let expectedCorrupt = 0;
        let expectedLost = 0;
        let sequence = plan.startSequence;
        for (const planned of frames) {
          const counts = countsFor(leadNames.length, planned.samplesPerLead, planned.seed, plan.encoding);
          const bytes = encodeFrame({
            encoding: plan.encoding,
            leadNames,
            sampleRateHz: 1000,
            sequence,
            deviceTimestampUs: 0,
            timestampIsUtc: false,
            microvoltsPerLsb: plan.microvoltsPerLsb,
            counts,
          });
          sequence = (sequence + planned.samplesPerLead) >>> 0;
          wire.push(planned.garbageBefore);
          expectedSkipped += planned.garbageBefore.length;
          if (planned.fate !== 'ok') expectedLost += planned.samplesPerLead;
          if (planned.fate === 'drop') {
            counts.forEach((lead, l) => expectedTimeline[l].push(...lead.map(() => NaN)));
            continue;
          }
          if (planned.fate === 'corruptHeader') {
            bytes[Math.floor(planned.hitAt * HEADER_LENGTH)] ^= planned.xor;
            expectedSkipped += bytes.length;
          } else if (planned.fate === 'corruptBody') {
            const bodyLength = bytes.length - HEADER_LENGTH;
            bytes[HEADER_LENGTH + Math.floor(planned.hitAt * bodyLength)] ^= planned.xor;
            expectedCorrupt++;
          }
          const lsb = Math.fround(plan.microvoltsPerLsb);
          counts.forEach((lead, l) => expectedTimeline[l].push(...lead.map((code) => (planned.fate === 'ok' ? Math.fround(code * lsb) : NaN))));
          wire.push(bytes);
        }
        const stream = Buffer.concat(wire);
        const cuts = [...new Set(plan.cutPoints.map((c) => Math.floor(c * stream.length)))].sort((a, b) => a - b);
        const chunks = [0, ...cuts].map((from, i) => stream.subarray(from, [...cuts, stream.length][i]));

        const decoder = new FrameDecoder();
        const outputs = decodeAll(decoder, ...chunks);
        const timeline: number[][] = leadNames.map(() => []);
        let nextIndex = 0;
        for (const output of outputs) {
          expect(output.firstSampleIndex).toBe(nextIndex);
          if (output.kind === 'frame') {
            output.samples.forEach((lead, l) => timeline[l].push(...lead));
            nextIndex += output.header.samplesPerLead;
          } else {
            timeline.forEach((lead) => lead.push(...Array.from({ length: output.length }, () => NaN)));
            nextIndex += output.length;
          }
        }
        expect(timeline).toEqual(expectedTimeline);
        expect(decoder.stats).toEqual({
          frames: frames.filter((f) => f.fate === 'ok').length,
          corruptFrames: expectedCorrupt,
          lostSamples: expectedLost,
          skippedBytes: expectedSkipped,
          restarts: 0,
        });
      }),
      { numRuns: 300 },
    );
  });
});
