import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EcgFormatError } from '../../../../src/main/ecg/formats/errors';
import type { ReaderInput } from '../../../../src/main/ecg/formats/reader';
import { checksum16, decodeWfdbSamples, parseWfdbHeader, samplesInBytes, wfdbReader, type WfdbFormat } from '../../../../src/main/ecg/formats/wfdb';
import { hasSharedSamples, loadReference, samplePath, SKIP_REASON } from '../../../support/shared-samples';

const text = (s: string) => new TextEncoder().encode(s);

function memoryInput(headerName: string, files: Record<string, Uint8Array | string>): ReaderInput {
  const asBytes = (v: Uint8Array | string) => (typeof v === 'string' ? text(v) : v);
  return {
    path: `/records/${headerName}`,
    bytes: asBytes(files[headerName]),
    readCompanion: async (name) => (files[name] === undefined ? undefined : asBytes(files[name])),
  };
}

function diskInput(headerPath: string, override: Record<string, Uint8Array> = {}): ReaderInput {
  const folder = path.dirname(headerPath);
  return {
    path: headerPath,
    bytes: readFileSync(headerPath),
    readCompanion: async (name) => {
      if (override[name]) return override[name];
      const file = path.join(folder, name);
      return existsSync(file) ? readFileSync(file) : undefined;
    },
  };
}

async function expectFormatError(promise: Promise<unknown>, code: string): Promise<EcgFormatError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(EcgFormatError);
    expect((error as EcgFormatError).code).toBe(code);
    return error as EcgFormatError;
  }
  throw new Error(`expected EcgFormatError ${code}`);
}

/** Spec-driven encoders (signal(5)), written independently of the decoder, for round-trip checks. */
const ENCODE: Record<WfdbFormat, (values: number[], frameSize: number, initial: number[]) => Uint8Array> = {
  8: (values, frameSize, initial) => {
    const previous = [...initial];
    return Uint8Array.from(values, (v, i) => {
      const diff = v - previous[i % frameSize];
      previous[i % frameSize] = v;
      return diff & 0xff;
    });
  },
  16: (values) => new Uint8Array(Int16Array.from(values).buffer),
  24: (values) => Uint8Array.from(values.flatMap((v) => [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff])),
  32: (values) => new Uint8Array(Int32Array.from(values).buffer),
  61: (values) => Uint8Array.from(values.flatMap((v) => [(v >> 8) & 0xff, v & 0xff])),
  80: (values) => Uint8Array.from(values, (v) => v + 128),
  160: (values) => new Uint8Array(Uint16Array.from(values, (v) => v + 32768).buffer),
  212: (values) => {
    const out = new Uint8Array(Math.ceil(values.length / 2) * 3);
    for (let i = 0; i < values.length; i += 2) {
      const a = values[i] & 0xfff;
      const b = (values[i + 1] ?? 0) & 0xfff;
      out.set([a & 0xff, ((a >> 8) & 0x0f) | ((b >> 4) & 0xf0), b & 0xff], (i / 2) * 3);
    }
    return out;
  },
  310: (values) => {
    const out = new Uint8Array(Math.ceil(values.length / 3) * 4);
    for (let i = 0; i < values.length; i += 3) {
      const [a, b, c] = [0, 1, 2].map((k) => (values[i + k] ?? 0) & 0x3ff);
      const word0 = (a << 1) | ((c & 0x1f) << 11);
      const word1 = (b << 1) | ((c >> 5) << 11);
      out.set([word0 & 0xff, word0 >> 8, word1 & 0xff, word1 >> 8], (i / 3) * 4);
    }
    return out;
  },
  311: (values) => {
    const out = new Uint8Array(Math.ceil(values.length / 3) * 4);
    const view = new DataView(out.buffer);
    for (let i = 0; i < values.length; i += 3) {
      const [a, b, c] = [0, 1, 2].map((k) => (values[i + k] ?? 0) & 0x3ff);
      view.setUint32((i / 3) * 4, (a | (b << 10) | (c << 20)) >>> 0, true);
    }
    return out;
  },
};

const RANGE: Record<WfdbFormat, [number, number]> = {
  8: [-2000, 2000],
  16: [-32767, 32767],
  24: [-8388607, 8388607],
  32: [-2147483647, 2147483647],
  61: [-32767, 32767],
  80: [-127, 127],
  160: [-32767, 32767],
  212: [-2047, 2047],
  310: [-511, 511],
  311: [-511, 511],
};

describe('WFDB sample formats (synthetic)', () => {
  const formats = Object.keys(ENCODE).map(Number) as WfdbFormat[];
  it.each(formats)('format %i round-trips interleaved samples (property)', (format) => {
    const [min, max] = RANGE[format];
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 40 }), fc.integer(), (frameSize, frames, seed) => {
        const random = fc.sample(fc.integer({ min, max }), { numRuns: frameSize * frames, seed });
        // Format 8 stores differences of at most ±127 between successive samples of a signal.
        const values = format === 8 ? random.map((v, i) => (i < frameSize ? v : 0)) : random;
        if (format === 8) for (let i = frameSize; i < values.length; i++) values[i] = values[i - frameSize] + (random[i] % 128);
        const initial = values.slice(0, frameSize);
        const bytes = ENCODE[format](values, frameSize, initial);
        expect(samplesInBytes(format, bytes.length)).toBeGreaterThanOrEqual(values.length);
        expect(Array.from(decodeWfdbSamples(format, bytes, values.length, frameSize, initial))).toEqual(values);
      }),
      { numRuns: 60 },
    );
  });

  it('decodes the 212 packing of the WFDB documentation example by hand', () => {
    // Two samples 0x123 and 0x456 (positive) and -1, -2048: bytes written by the layout in signal(5).
    expect(Array.from(decodeWfdbSamples(212, Uint8Array.from([0x23, 0x41, 0x56, 0xff, 0x8f, 0x00]), 4))).toEqual([0x123, 0x456, -1, -2048]);
  });
});

describe('WFDB header parsing', () => {
  it('reads counter frequency, base counter, byte offset, skew, baseline, units and a spaced description', () => {
    const header = parseWfdbHeader(
      [
        '# leading comment',
        'rec 2 500/250(3) 1000 12:30:05 24/11/2026',
        'rec.dat 16+512 400(12)/uV 16 0 5 -1234 0 chest lead one',
        'rec.xyz 212:2 0 12 1024',
        '# 63 F',
      ].join('\r\n'),
    );
    expect(header).toMatchObject({ recordName: 'rec', signalCount: 2, samplingHz: 500, counterHz: 250, sampleCount: 1000 });
    expect(header.signals[0]).toMatchObject({
      fileName: 'rec.dat',
      format: 16,
      byteOffset: 512,
      gain: 400,
      baseline: 12,
      units: 'uV',
      initialValue: 5,
      checksum: -1234,
      description: 'chest lead one',
    });
    // gain 0 means uncalibrated → WFDB's default 200; baseline defaults to ADC zero
    expect(header.signals[1]).toMatchObject({ fileName: 'rec.xyz', format: 212, skew: 2, gain: 200, baseline: 1024, adcZero: 1024, units: 'mV' });
    expect(header.comments).toEqual(['leading comment', '63 F']);
  });

  it.each([
    ['multi-segment', 'rec/3 2 360 1000\n', 'UNSUPPORTED_VARIANT'],
    ['missing signal lines', 'rec 2 360 1000\nrec.dat 16\n', 'TRUNCATED'],
    ['bad frequency', 'rec 1 abc\nrec.dat 16\n', 'CORRUPT'],
    ['bad format', 'rec 1 360\nrec.dat sixteen\n', 'CORRUPT'],
    ['empty', '# only a comment\n', 'NO_SIGNAL'],
  ])('rejects a header with %s', (_, header, code) => {
    try {
      parseWfdbHeader(header);
      expect.unreachable();
    } catch (error) {
      expect((error as EcgFormatError).code).toBe(code);
    }
  });
});

function synthRecord(options: { checksum?: number; format?: number } = {}) {
  const lead1 = [0, 100, -100, 2047, -2048, 5];
  const lead2 = [10, 20, 30, 40, 50, 60];
  const dat = ENCODE[212](
    lead1.flatMap((v, i) => [v, lead2[i]]),
    2,
    [],
  );
  const hea = [
    'syn 3 500/250 6 08:00:00 02/01/2025',
    `syn.dat 212 200(0)/mV 12 0 0 ${options.checksum ?? checksum16(Int32Array.from(lead1))} 0 II`,
    `syn.dat 212 100/uV 12 0 10 ${checksum16(Int32Array.from(lead2))} 0 AVF`,
    `syn.xyz ${options.format ?? 16}+4 1000 16 0 0 ${checksum16(Int32Array.from([1000, -1000, 500, -500, 0, -32768]))} 0 V1`,
  ].join('\n');
  const xyz = new Uint8Array(4 + 12);
  new DataView(xyz.buffer).setUint32(0, 0xdeadbeef); // a 4-byte prolog the offset must skip
  new Int16Array(xyz.buffer, 4, 6).set([1000, -1000, 500, -500, 0, -32768]);
  return { 'syn.hea': hea, 'syn.dat': dat, 'syn.xyz': xyz };
}

describe('WFDB reader (synthetic records)', () => {
  it('reads several signal files, byte offsets, units and invalid samples into µV', async () => {
    const record = await wfdbReader.read(memoryInput('syn.hea', synthRecord()));
    expect(record.format).toBe('wfdb');
    expect(record.sampleRateHz).toBe(500);
    expect(record.recordedAt).toBe('2025-01-02T08:00:00');
    expect(record.leads.map((l) => l.name)).toEqual(['II', 'aVF', 'V1']);
    // 200 adu/mV → 5 µV per unit; the 212 invalid marker -2048 becomes NaN
    expect(Array.from(record.leads[0].microvolts)).toEqual([0, 500, -500, 10235, NaN, 25]);
    // 100 adu/uV → 0.01 µV per unit (close to float32)
    Array.from(record.leads[1].microvolts).forEach((v, i) => expect(v).toBeCloseTo((10 * (i + 1)) / 100, 5));
    expect(Array.from(record.leads[2].microvolts)).toEqual([1000, -1000, 500, -500, 0, NaN]);
  });

  it('refuses a checksum mismatch as CORRUPT, compared modulo 65536 (signed or unsigned in the header)', async () => {
    const good = checksum16(Int32Array.from([0, 100, -100, 2047, -2048, 5]));
    await expect(wfdbReader.read(memoryInput('syn.hea', synthRecord({ checksum: good - 65536 })))).resolves.toBeDefined();
    await expect(wfdbReader.read(memoryInput('syn.hea', synthRecord({ checksum: good + 65536 })))).resolves.toBeDefined();
    await expectFormatError(wfdbReader.read(memoryInput('syn.hea', synthRecord({ checksum: good + 1 }))), 'CORRUPT');
  });

  it('names the problem for missing, short and unsupported files', async () => {
    const files = synthRecord();
    await expectFormatError(wfdbReader.read(memoryInput('syn.hea', { ...files, 'syn.xyz': undefined as never })), 'MISSING_FILE');
    await expectFormatError(wfdbReader.read(memoryInput('syn.hea', { ...files, 'syn.dat': files['syn.dat'].subarray(0, 10) })), 'TRUNCATED');
    await expectFormatError(wfdbReader.read(memoryInput('syn.hea', synthRecord({ format: 508 }))), 'UNSUPPORTED_VARIANT');
  });

  it('takes the length from the file when the header omits it, and reads .qrs annotations beside it', async () => {
    const qrs = Uint8Array.from([0x02, 0x04, 0x03, 0x14, 0, 0]); // N at 2, V at 5
    const record = await wfdbReader.read(
      memoryInput('x.hea', { 'x.hea': 'x 1 100\nx.dat 16 1000/mV 16 0 0\n', 'x.dat': ENCODE[16]([1, 2, 3, 4, 5, 6, 7], 1, []), 'x.qrs': qrs }),
    );
    expect(record.leads[0].microvolts.length).toBe(7);
    expect(record.leads[0].microvolts[6]).toBe(7);
    expect(record.annotations).toEqual([
      { sample: 2, symbol: 'N' },
      { sample: 5, symbol: 'V' },
    ]);
  });

  it('skips signals that are not voltages and reads MIT-style age and sex', async () => {
    const record = await wfdbReader.read(
      memoryInput('y.hea', {
        'y.hea': 'y 2 100 2\ny.dat 16 1000/mV 16 0 0 4 0 ECG\ny.dat 16 10/mmHg 16 0 0 6 0 ABP\n# 69 M 1085 1629 x1\n',
        'y.dat': ENCODE[16]([1, 2, 3, 4], 2, []),
      }),
    );
    expect(record.leads.map((l) => l.name)).toEqual(['ECG']);
    expect(record.patient).toEqual({ ageYears: 69, sex: 'M' });
  });

  it('throws only EcgFormatError on random signal bytes and random headers (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 64 }), fc.constantFrom('8', '16', '212', '310', '311', '80'), async (dat, format) => {
        try {
          await wfdbReader.read(memoryInput('z.hea', { 'z.hea': `z 2 250 8\nz.dat ${format} 200 12 0 0 77\nz.dat ${format}\n`, 'z.dat': dat }));
        } catch (error) {
          expect(error).toBeInstanceOf(EcgFormatError);
        }
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 120 }), async (header) => {
        try {
          await wfdbReader.read(memoryInput('h.hea', { 'h.hea': header }));
        } catch (error) {
          expect(error).toBeInstanceOf(EcgFormatError);
        }
      }),
    );
  });
});

describe('WFDB sniffing', () => {
  it.each([
    ['MIT-BIH', '100 2 360 650000\n100.dat 212 200 11 1024 995 -22131 0 MLII\n'],
    ['PTB-XL', '00001_lr 12 100 1000\n00001_lr.dat 16 1000.0(0)/mV 16 0 -119 1508 0 I\n'],
    ['counter frequency, comment first, CRLF', '# made by a cart\r\nr 1 500/250(0) 10 10:00:00 01/01/2020\r\nr.dat 16\r\n'],
    ['record line only in the head', 'rec 12 500 5000\n'],
  ])('recognises a %s header', (_, header) => expect(wfdbReader.sniff(text(header))).toBe(true));

  it.each([
    ['EDF', '0       X X X X                                                                         Startdate 01-JAN-2020'],
    ['EDF with numeric patient id', '0       123 456 X 01-JAN-1970 X'.padEnd(256, ' ')],
    ['XML', '<?xml version="1.0"?>\n<AnnotatedECG>\n'],
    ['DICOM preamble', '\0'.repeat(128) + 'DICM'],
    ['SCP', '\x12\x34\0\0\x88\x13\0\0'],
    ['prose', 'hello world\nthis is not a header\n'],
    ['record line without a newline', '100 2 360 650000'],
    ['a bad signal line', '100 2 360 650000\nnot-a-format-line\n'],
  ])('rejects %s', (_, head) => expect(wfdbReader.sniff(text(head))).toBe(false));

  it('never throws (property)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), (head) => typeof wfdbReader.sniff(head) === 'boolean'));
  });
});

interface WfdbFacts {
  fs_hz: number;
  n_sig: number;
  sig_len: number;
  sig_name: string[];
  units: string[];
  first10_physical: Record<string, number[]>;
  annotations: Record<string, { total_annotations: number }>;
}

const sharedRecords = ['wfdb/mitdb/100', 'wfdb/mitdb/103', 'wfdb/mitdb/105', 'wfdb/mitdb/208', 'wfdb/ptb-xl/00001_lr', 'wfdb/twadb/twa01'];

/** The suite name says why it was skipped, and nothing when it runs. */
const corpusNote = hasSharedSamples ? '' : ` (${SKIP_REASON})`;

describe.skipIf(!hasSharedSamples)(`WFDB reader on the shared corpus${corpusNote}`, () => {
  const reference = hasSharedSamples ? (loadReference().records as Record<string, WfdbFacts>) : {};

  it.each(sharedRecords)('%s matches wfdb-python (length, names, first values in µV, checksums, annotations)', async (record) => {
    const facts = reference[record];
    const headerPath = samplePath(`${record}.hea`);
    expect(wfdbReader.sniff(readFileSync(headerPath).subarray(0, 256))).toBe(true);
    const ecg = await wfdbReader.read(diskInput(headerPath));
    expect(ecg.sampleRateHz).toBe(facts.fs_hz);
    expect(ecg.leads.length).toBe(facts.n_sig);
    ecg.leads.forEach((lead, i) => {
      const sourceName = facts.sig_name[i];
      expect(lead.name.toUpperCase()).toBe(sourceName.toUpperCase());
      expect(lead.microvolts.length).toBe(facts.sig_len);
      expect(facts.units[i]).toBe('mV');
      const expected = facts.first10_physical[sourceName].map((mv) => mv * 1000);
      Array.from(lead.microvolts.subarray(0, 10)).forEach((uv, k) => expect(uv).toBeCloseTo(expected[k], 2));
      expect(lead.microvolts.every(Number.isFinite)).toBe(true);
    });
    const annotationFacts = Object.values(facts.annotations)[0];
    expect(ecg.annotations?.length).toBe(annotationFacts?.total_annotations);
  });

  it('uses standard lead names for PTB-XL (AVR → aVR)', async () => {
    const ecg = await wfdbReader.read(diskInput(samplePath('wfdb/ptb-xl/00001_lr.hea')));
    expect(ecg.leads.map((l) => l.name)).toEqual(['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6']);
  });

  it('reports one flipped bit in a real MIT-BIH signal file as CORRUPT (checksum)', async () => {
    const dat = new Uint8Array(readFileSync(samplePath('wfdb/mitdb/100.dat')));
    dat[300_000] ^= 0x01;
    const error = await expectFormatError(wfdbReader.read(diskInput(samplePath('wfdb/mitdb/100.hea'), { '100.dat': dat })), 'CORRUPT');
    expect(error.message).toMatch(/checksum/);
  });
});
