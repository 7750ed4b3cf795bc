import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wfdbReader } from '../../../../src/main/ecg/formats/wfdb';
import { checkReaderOutput } from '../../../../src/main/ecg/formats/index';
import { fuzzReader } from '../../../support/ecg-format-helpers';

/**
 * Property: a valid WFDB record (header + signal file in format 16 or 212, written here), then cut short, with
 * bytes flipped, or with a header field that lies — the reader returns a well-formed record or throws
 * EcgFormatError, never anything else. Unmutated records decode to (digital − baseline) / gain exactly.
 */

const RUNS = 10_000;

interface Spec {
  format: 16 | 212;
  gains: number[];
  baselines: number[];
  samples: number[][]; // per signal, digital values
  rate: number;
}

function encode(spec: Spec): Uint8Array {
  const n = spec.samples[0].length;
  const interleaved: number[] = [];
  for (let i = 0; i < n; i++) for (const s of spec.samples) interleaved.push(s[i]);
  if (spec.format === 16) {
    const out = new Uint8Array(interleaved.length * 2);
    const view = new DataView(out.buffer);
    interleaved.forEach((v, i) => view.setInt16(i * 2, v, true));
    return out;
  }
  // Format 212: two 12-bit samples in three bytes (an odd count leaves a half-used last triple).
  const out = new Uint8Array(Math.ceil(interleaved.length / 2) * 3);
  for (let i = 0; i < interleaved.length; i += 2) {
    const a = interleaved[i] & 0xfff;
    const b = (interleaved[i + 1] ?? 0) & 0xfff;
    const o = (i / 2) * 3;
    out[o] = a & 0xff;
    out[o + 1] = ((a >> 8) & 0x0f) | (((b >> 8) & 0x0f) << 4);
    out[o + 2] = b & 0xff;
  }
  return out;
}

function header(spec: Spec): string {
  const n = spec.samples[0].length;
  const lines = [`rec ${spec.samples.length} ${spec.rate} ${n}`];
  spec.samples.forEach((s, i) => {
    const checksum = s.reduce((a, v) => (a + v) & 0xffff, 0);
    const signed = checksum > 0x7fff ? checksum - 0x10000 : checksum;
    lines.push(`rec.dat ${spec.format} ${spec.gains[i]}(${spec.baselines[i]})/mV 12 0 ${s[0]} ${signed} 0 ${['I', 'II', 'V1'][i]}`);
  });
  return `${lines.join('\n')}\n`;
}

const specArbitrary = fc
  .record({
    format: fc.constantFrom<16 | 212>(16, 212),
    signals: fc.integer({ min: 1, max: 3 }),
    length: fc.integer({ min: 1, max: 120 }),
    rate: fc.constantFrom(100, 250, 360, 500, 1000),
    seed: fc.array(fc.integer({ min: -2047, max: 2047 }), { minLength: 1, maxLength: 40 }),
    gains: fc.array(fc.integer({ min: 1, max: 2000 }), { minLength: 3, maxLength: 3 }),
    baselines: fc.array(fc.integer({ min: -100, max: 100 }), { minLength: 3, maxLength: 3 }),
  })
  .map((g): Spec => ({
    format: g.format,
    rate: g.rate,
    gains: g.gains.slice(0, g.signals),
    baselines: g.baselines.slice(0, g.signals),
    // Values inside both formats' ranges and never the invalid-sample markers (−2048 / −32768).
    samples: Array.from({ length: g.signals }, (_, s) => Array.from({ length: g.length }, (_, i) => g.seed[(i * 7 + s * 3) % g.seed.length])),
  }));

type Mutation =
  | { kind: 'none' }
  | { kind: 'truncateDat'; keep: number }
  | { kind: 'flipDat'; at: number; xor: number }
  | { kind: 'headerField'; line: number; field: number; value: string }
  | { kind: 'truncateHeader'; keep: number };

const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<Mutation>({ kind: 'none' }) },
  fc.record({ kind: fc.constant('truncateDat' as const), keep: fc.nat() }),
  fc.record({ kind: fc.constant('flipDat' as const), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }),
  fc.record({
    kind: fc.constant('headerField' as const),
    line: fc.nat({ max: 3 }),
    field: fc.nat({ max: 8 }),
    value: fc.constantFrom('0', '-1', '99999999', 'x', '', '1e9', '(', '500/0', '212', '16', '310', '8', 'rec.xyz', '200(0)/uV', 'NaN'),
  }),
  fc.record({ kind: fc.constant('truncateHeader' as const), keep: fc.nat() }),
);

function applyMutation(spec: Spec, m: Mutation): { hea: string; dat: Uint8Array } {
  let hea = header(spec);
  let dat = encode(spec);
  if (m.kind === 'truncateDat') dat = dat.subarray(0, m.keep % (dat.length + 1));
  if (m.kind === 'flipDat' && dat.length > 0) {
    dat = Uint8Array.from(dat);
    dat[m.at % dat.length] ^= m.xor;
  }
  if (m.kind === 'headerField') {
    const lines = hea.trimEnd().split('\n');
    const line = lines[m.line % lines.length].split(' ');
    line[m.field % line.length] = m.value;
    lines[m.line % lines.length] = line.join(' ');
    hea = `${lines.join('\n')}\n`;
  }
  if (m.kind === 'truncateHeader') hea = hea.slice(0, m.keep % (hea.length + 1));
  return { hea, dat };
}

describe('WFDB reader under generated and mutated records (property)', () => {
  it(`returns a well-formed record or an EcgFormatError, never anything else (${RUNS} runs)`, async () => {
    const { decoded, refused, exact } = await fuzzReader({
      spec: specArbitrary,
      mutation: mutationArbitrary,
      runs: RUNS,
      read: async (spec, mutation) => {
        const { hea, dat } = applyMutation(spec, mutation);
        const input = {
          path: '/fuzz/rec.hea',
          bytes: new TextEncoder().encode(hea),
          readCompanion: async (name: string) => (name === 'rec.dat' ? dat : undefined),
        };
        return checkReaderOutput(await wfdbReader.read(input), wfdbReader);
      },
      exact: (record, spec) => {
        expect(record.sampleRateHz).toBe(spec.rate);
        expect(record.leads).toHaveLength(spec.samples.length);
        record.leads.forEach((lead, s) => {
          lead.microvolts.forEach((v, i) => {
            const expected = ((spec.samples[s][i] - spec.baselines[s]) / spec.gains[s]) * 1000;
            if (Math.abs(v - expected) > Math.max(1e-3, Math.abs(expected) * 1e-6)) throw new Error(`signal ${s} sample ${i}: ${v} ≠ ${expected}`);
          });
        });
        return true;
      },
    });
    // Both outcomes must occur, or the generators are not exercising the reader.
    expect(decoded).toBeGreaterThan(RUNS / 10);
    expect(refused).toBeGreaterThan(RUNS / 20);
    expect(exact).toBeGreaterThan(RUNS / 20);
  });
});
