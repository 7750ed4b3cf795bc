/**
 * ECG import speed (issue 11.6): for each format, readEcgFile (read + detect + decode, companions included) ÷
 * fs.readFile of the same bytes (the record file and every companion readEcgFile opens, e.g. WFDB's .dat and .atr and
 * EDF's .qrs: the read side reads exactly the files the parse side reads), in one process:
 * - `ecg.parseVsReadRatio.<format>` for wfdb, scp, aecg, dicom, edf, muse, philips (goal ≤ 2 each): wall time, each
 *   side's fastest of RUNS interleaved runs; `ecg.parseVsReadRatio`: the worst of them;
 * - `ecg.parseVsReadCpuRatio.<format>` and the worst, `ecg.parseVsReadCpuRatio`: process CPU time (process.cpuUsage,
 *   user + system, all threads: the thread pool's reads count) of CPU_BATCH readEcgFile calls ÷ CPU_BATCH raw reads
 *   run just before them, the median over CPU_ROUNDS such pairs. On a shared
 *   machine the wall figure mostly measures how long the decoding thread waited for a core, the CPU figure the work
 *   done: the goal is judged on the CPU ratio (docs/ecg-formats.md);
 * - `ecg.parseCpuMs.<format>`: CPU ms of one readEcgFile (read included, median round), the absolute figure behind the ratio;
 * - `ecg.parseMBps.<format>`: the bytes readEcgFile reads (record and companions) ÷ its fastest wall time, in MB/s
 *   (10⁶ bytes): the import's speed set beside a disk's (the raw read above is of the page cache, a memory copy).
 *   Slowest of them: `ecg.parseMBps`.
 * Files: the shared corpus (../shared/ecg-samples); without it, files of the same shape written by the test writers
 * (a 12-lead 10 s recording at 500 Hz per format, WFDB format 16). Each side's figure is its fastest of the timed
 * runs: on a shared 2-core machine a single read can stall for tens of milliseconds, and the minimum is each side's
 * least-disturbed run.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { synthesizeEcg } from '../src/main/ecg/devices/synthetic-ecg';
import { writeAecg } from '../src/main/ecg/formats/aecg-writer';
import { readEcgFile } from '../src/main/ecg/formats/index';
import { buildDicom, leadChannel } from '../test/support/ecg-writers/dicom';
import { writeEdf } from '../test/support/ecg-writers/edf';
import { museBytes } from '../test/support/ecg-writers/muse';
import { philipsBytes } from '../test/support/ecg-writers/philips';
import { writeScp } from '../test/support/ecg-writers/scp';
import { hasSharedSamples, samplePath } from '../test/support/shared-samples';
import { missingFigures } from './ensure-tool';
import { median, round } from './stats';

export const PARSE_FORMATS = ['wfdb', 'scp', 'aecg', 'dicom', 'edf', 'muse', 'philips'] as const;
type ParseFormat = (typeof PARSE_FORMATS)[number];

interface ParseCase {
  /** The file readEcgFile is given. */
  file: string;
  /** Every file that read touches (the record and its companions), read raw for the baseline. */
  touched: string[];
}

const WARM_UPS = 5;
const RUNS = 40;
const CPU_ROUNDS = 10;
const CPU_BATCH = 20;

/** Every key parseFigures prints (the bench fails rather than print fewer). */
export const PARSE_KEYS = [
  'ecg.parseVsReadRatio',
  'ecg.parseVsReadCpuRatio',
  'ecg.parseMBps',
  ...PARSE_FORMATS.flatMap((format) => [
    `ecg.parseVsReadRatio.${format}`,
    `ecg.parseVsReadCpuRatio.${format}`,
    `ecg.parseCpuMs.${format}`,
    `ecg.parseMBps.${format}`,
  ]),
];

function sharedCases(): Record<ParseFormat, ParseCase> {
  const one = (...parts: string[]): ParseCase => ({ file: samplePath(...parts), touched: [samplePath(...parts)] });
  const mitdb = (name: string) => samplePath('wfdb', 'mitdb', name);
  return {
    wfdb: { file: mitdb('100.hea'), touched: [mitdb('100.hea'), mitdb('100.dat'), mitdb('100.atr')] },
    scp: one('scp-ecg', 'Example.scp'),
    aecg: one('hl7-aecg', 'Example_aECG.xml'),
    dicom: one('dicom', 'waveform_ecg.dcm'),
    edf: { file: samplePath('edf', 'r01.edf'), touched: [samplePath('edf', 'r01.edf'), samplePath('edf', 'r01.edf.qrs')] },
    muse: one('ge-muse-xml', 'example1.xml'),
    philips: one('philips-xml', '129DYPRG.XML'),
  };
}

function syntheticCases(dir: string): Record<ParseFormat, ParseCase> {
  const record = synthesizeEcg({ seed: 3, durationS: 10, sampleRateHz: 500 });
  const raw = record.leads.map((lead) => Array.from(lead.microvolts, (v) => Math.max(-32768, Math.min(32767, Math.round(v / 5)))));
  const names = record.leads.map((lead) => lead.name);
  const write = (name: string, bytes: Uint8Array | string): ParseCase => {
    const file = path.join(dir, name);
    writeFileSync(file, bytes);
    return { file, touched: [file] };
  };
  const dat = new Uint8Array(raw[0].length * raw.length * 2);
  const view = new DataView(dat.buffer);
  raw[0].forEach((_, i) => raw.forEach((lead, l) => view.setInt16((i * raw.length + l) * 2, lead[i], true)));
  writeFileSync(path.join(dir, 'rec.dat'), dat);
  const checksum = (lead: number[]) => lead.reduce((sum, v) => (sum + v) & 0xffff, 0);
  const header = [
    `rec ${raw.length} 500 ${raw[0].length}`,
    ...names.map((name, i) => `rec.dat 16 200/mV 16 0 ${raw[i][0]} ${checksum(raw[i])} 0 ${name}`),
  ].join('\n');
  const wfdb = write('rec.hea', `${header}\n`);
  return {
    wfdb: { file: wfdb.file, touched: [wfdb.file, path.join(dir, 'rec.dat')] },
    scp: write(
      'a.scp',
      writeScp({
        nanovoltsPerUnit: 5000,
        sampleIntervalUs: 2000,
        differenceOrder: 2,
        coding: 'default-huffman',
        leads: raw.map((values, i) => ({ code: [1, 2, 61, 62, 63, 64, 3, 4, 5, 6, 7, 8][i], values })),
      }),
    ),
    aecg: write('a-aecg.xml', writeAecg({ format: 'device', sampleRateHz: 500, leads: record.leads })),
    dicom: write(
      'a.dcm',
      buildDicom({
        groups: [{ originality: 'ORIGINAL', sampleRate: '500', channels: raw.map((values, i) => leadChannel(names[i], values, { sensitivity: '5' })) }],
      }),
    ),
    edf: write(
      'a.edf',
      writeEdf({
        variant: 'EDF+C',
        recordDurationS: 1,
        recordCount: 10,
        signals: raw.map((digital, i) => ({
          label: `ECG ${names[i]}`,
          physicalDimension: 'uV',
          physicalMin: -163840,
          physicalMax: 163835,
          digitalMin: -32768,
          digitalMax: 32767,
          samplesPerRecord: 500,
          digital,
        })),
      }),
    ),
    muse: write(
      'a-muse.xml',
      museBytes({ rhythm: ['I', 'II', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'].map((id) => ({ id, raw: raw[names.indexOf(id)], unitsPerBit: 5 })) }),
    ),
    philips: write('a-philips.xml', philipsBytes({ version: '1.04', leads: raw, resolution: 5, sampleRateHz: 500 })),
  };
}

async function timeMs(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

/** Fastest wall times (ms) of reading the raw bytes and of readEcgFile, each over RUNS interleaved runs. */
async function wallTimes(c: ParseCase): Promise<{ readMs: number; parseMs: number }> {
  const readAll = () => Promise.all(c.touched.map((file) => readFile(file)));
  for (let i = 0; i < WARM_UPS; i++) {
    await readAll();
    await readEcgFile(c.file);
  }
  let read = Infinity;
  let parse = Infinity;
  for (let run = 0; run < RUNS; run++) {
    read = Math.min(read, await timeMs(readAll));
    parse = Math.min(parse, await timeMs(() => readEcgFile(c.file)));
  }
  return { readMs: read, parseMs: parse };
}

/** CPU µs (user + system, every thread of the process) of `batch` sequential calls. */
async function cpuMicros(batch: number, fn: () => Promise<unknown>): Promise<number> {
  const started = process.cpuUsage();
  for (let i = 0; i < batch; i++) await fn();
  const used = process.cpuUsage(started);
  return used.user + used.system;
}

async function cpuFigures(c: ParseCase): Promise<{ ratio: number; parseMs: number }> {
  const readAll = () => Promise.all(c.touched.map((file) => readFile(file)));
  const ratios: number[] = [];
  const parses: number[] = [];
  for (let pass = 0; pass < CPU_ROUNDS; pass++) {
    const read = await cpuMicros(CPU_BATCH, readAll);
    const parse = await cpuMicros(CPU_BATCH, () => readEcgFile(c.file));
    // process.cpuUsage counts in microseconds: a read batch that rounds to 0 is not a measurement.
    if (!(read > 0)) throw new Error(`CPU time of ${CPU_BATCH} reads of ${c.file} measured as 0 µs: raise CPU_BATCH`);
    // Each round's two batches run back to back under the same load: their ratio, not the ratio of two minima
    // taken at different moments, and the median over the rounds.
    ratios.push(parse / read);
    parses.push(parse);
  }
  return { ratio: round(median(ratios), 2), parseMs: round(median(parses) / CPU_BATCH / 1000, 3) };
}

export async function parseFigures(): Promise<Record<string, number>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ecg-bench-parse-'));
  try {
    const cases = hasSharedSamples ? sharedCases() : syntheticCases(dir);
    const figures: Record<string, number> = {};
    for (const format of PARSE_FORMATS) {
      const wall = await wallTimes(cases[format]);
      figures[`ecg.parseVsReadRatio.${format}`] = round(wall.parseMs / wall.readMs, 2);
      const bytes = cases[format].touched.reduce((sum, file) => sum + statSync(file).size, 0);
      figures[`ecg.parseMBps.${format}`] = round(bytes / 1e6 / (wall.parseMs / 1000), 0);
      const cpu = await cpuFigures(cases[format]);
      figures[`ecg.parseVsReadCpuRatio.${format}`] = cpu.ratio;
      figures[`ecg.parseCpuMs.${format}`] = cpu.parseMs;
    }
    const worst = (prefix: string) => Math.max(...PARSE_FORMATS.map((format) => figures[`${prefix}.${format}`]));
    figures['ecg.parseVsReadRatio'] = worst('ecg.parseVsReadRatio');
    figures['ecg.parseVsReadCpuRatio'] = worst('ecg.parseVsReadCpuRatio');
    figures['ecg.parseMBps'] = Math.min(...PARSE_FORMATS.map((format) => figures[`ecg.parseMBps.${format}`]));
    const missing = missingFigures(figures, PARSE_KEYS);
    if (missing.length > 0) throw new Error(`ECG parse figures not measured: ${missing.join(', ')}`);
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  void parseFigures().then((figures) => process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`));
}
