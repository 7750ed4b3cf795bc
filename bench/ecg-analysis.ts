/**
 * ECG analysis figures:
 * - `ecg.qrs.se`, `ecg.qrs.ppv`: gross QRS sensitivity and positive predictivity (percent) of the screen's own
 *   beat detection (detectRecordBeats on the record after normaliseLeads: the pipeline the viewer's measurements
 *   use, on the whole record) on the shared MIT-BIH records 100, 103, 105, 208, scored the EC57 way (150 ms
 *   window, from minute 5). Omitted when ../shared/ecg-samples is not beside the clone.
 * - `ecg.measure.<name>.meanDiffMs` / `.sdMs` (intervals), `.meanDiffBpm` / `.sdBpm` (rate), `.meanDiffDeg` /
 *   `.sdDeg` (axes): ours − the cart's own value, over every shared file that carries the cart's measurements (GE
 *   MUSE example1.xml, Philips 129DYPRG.XML, HL7 aECG Example_aECG.xml), mean and sample SD; `ecg.measure.files`
 *   counts them, `.missing` counts files where ours or the cart's value is absent. Omitted without the samples.
 * - `ecg.qrs.noise.se.<snr>dB`, `ecg.qrs.noise.ppv.<snr>dB` for SNR 24, 18, 12, 6, 0, −6 dB: the EC57 noise stress
 *   test on the same MIT-BIH records (both leads noised, from minute 5 in alternating 2-minute segments, as in
 *   NSTDB) with noise generated to NSTDB's character (test/support/ecg-noise.ts: baseline wander, muscle artifact,
 *   electrode motion), scored from minute 5 with the same detector and pipeline. Omitted without the samples.
 * - `ecg.qrs.se.<record>`, `ecg.qrs.ppv.<record>`: the same per MIT-BIH record, so a gross figure cannot hide a
 *   record that got worse.
 * - `ecg.qrs.twa01.se`, `ecg.qrs.twa01.ppv`: the same pipeline on twadb twa01 (12 leads, 500 Hz) against its shipped
 *   .qrs annotations, scored whole (a 2-minute record has no learning period to skip): a record the detector was not
 *   developed on.
 * - `ecg.qrs.baseline.<gqrs|wqrs|sqrs>.se` / `.ppv`: WFDB's own detectors on the same MIT-BIH records, gross, from
 *   the bxb counts in ../shared/ecg-samples/reference.json (computed there with WFDB 10.7.0), printed beside ours.
 * - Signal-quality gate (src/main/ecg/analysis/sqi.ts, 10 s windows): `ecg.qrs.se` / `.ppv` above are the EC57
 *   figures (every detection against every reference beat; the gate only marks). `ecg.qrs.gated.se` / `.ppv` (and
 *   per record `ecg.qrs.gated.se.<record>` / `.ppv.<record>`): detections in every marked window removed (the
 *   reference beats there count as missed, as EC57 would score it). `ecg.qrs.unreadableS.<record>`: seconds marked
 *   (any reason); `ecg.qrs.gatedS.<record>`: of those, seconds whose beats the screen does not count (flat,
 *   saturated, invalid). Agreement with the annotators: `ecg.qrs.sqi.annotatedNoiseS.<record>` (seconds MIT-BIH
 *   marks noisy or unreadable in the first signal with `~`), `ecg.qrs.sqi.overlapS.<record>` (of those, seconds
 *   the SQI marked). The noise stress test prints `ecg.qrs.noise.gated.se.<snr>dB` / `.ppv.<snr>dB` and
 *   `ecg.qrs.noise.unreadableS.<snr>dB` the same way.
 * - `ecg.sqi.realtimeFactor`: the same for the signal-quality windows (both detectors' agreement, the indices), given
 *   the detections.
 * - `ecg.qrs.realtimeFactor`: seconds of signal detected per second of wall time (median of three passes) — on
 *   those same records when present, else on 30 minutes of synthetic ECG at 360 Hz.
 */

import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { grossScore, referenceBeatSamples, scoreFromCounts, scoreQrs, type QrsScore } from '../src/main/ecg/analysis/ec57';
import { readCartReport } from '../src/main/ecg/analysis/cart-report';
import { detectRecordBeats, measureEcg, recordQualityOf } from '../src/main/ecg/analysis/measure';
import { GATED_REASONS, readableBeats, unreadableStretches, type SampleStretch } from '../src/main/ecg/analysis/sqi';
import { decodeMitAnnotationFile } from '../src/main/ecg/formats/wfdb-annotations';
import { readEcgFile } from '../src/main/ecg/formats/index';
import { normaliseLeads } from '../src/main/ecg/analysis/record';
import type { EcgRecord } from '../src/shared/ecg';
import { wfdbReader } from '../src/main/ecg/formats/wfdb';
import { diskInput, hasSharedSamples, samplePath } from '../test/support/shared-samples';
import { syntheticEcg } from '../test/main/ecg/analysis/synthetic-ecg';
import { addNoiseAtSnr, nstNoise, qrsSignalPower } from '../test/support/ecg-noise';
import { median } from '../src/main/ecg/analysis/stats';
import { round } from './stats';

const MIT_RECORDS = ['100', '103', '105', '208'];
const PASSES = 3;

interface Signal {
  record: EcgRecord;
  referenceBeats?: Int32Array;
  /** The annotators' noisy or unreadable episodes of the first signal (`~` annotations), MIT-BIH only. */
  annotatedNoise?: SampleStretch[];
}

/**
 * `~` episodes from the annotation file: one with a non-zero subtype opens an episode, the next `~` ends it. The
 * subtype's bit 0 says signal 0 is noisy, bit 4 that it is unreadable (WFDB's annotation conventions).
 */
function noiseEpisodes(atrPath: string, length: number): SampleStretch[] {
  const episodes: SampleStretch[] = [];
  let open: { sample: number; subtype: number } | undefined;
  for (const a of decodeMitAnnotationFile(readFileSync(atrPath)).annotations) {
    if (a.symbol !== '~') continue;
    if (open && open.subtype & 0x11) episodes.push({ startSample: open.sample, endSample: a.sample });
    open = a.subtype !== 0 ? a : undefined;
  }
  if (open && open.subtype & 0x11) episodes.push({ startSample: open.sample, endSample: length });
  return episodes;
}

function overlapSamples(a: readonly SampleStretch[], b: readonly SampleStretch[]): number {
  let total = 0;
  for (const x of a) for (const y of b) total += Math.max(0, Math.min(x.endSample, y.endSample) - Math.max(x.startSample, y.startSample));
  return total;
}

const stretchSamples = (stretches: readonly SampleStretch[]) => stretches.reduce((t, s) => t + s.endSample - s.startSample, 0);

async function mitSignals(): Promise<Signal[]> {
  const signals: Signal[] = [];
  for (const name of MIT_RECORDS) {
    const record = await wfdbReader.read(diskInput(samplePath('wfdb/mitdb', `${name}.hea`)));
    const n = record.leads[0]?.microvolts.length ?? 0;
    signals.push({
      record: normaliseLeads(record),
      referenceBeats: referenceBeatSamples(record.annotations ?? []),
      annotatedNoise: noiseEpisodes(samplePath('wfdb/mitdb', `${name}.atr`), n),
    });
  }
  return signals;
}

function syntheticSignals(): Signal[] {
  const ecg = syntheticEcg({ sampleRateHz: 360, seconds: 1800, heartRateBpm: 75, noiseMicrovolts: 20, mainsMicrovolts: 50, wanderMicrovolts: 200 });
  return [{ record: normaliseLeads({ format: 'device', sampleRateHz: 360, leads: ecg.leads }) }];
}

const NOISE_SNRS_DB = [24, 18, 12, 6, 0, -6];

async function noiseStress(signals: readonly Signal[]): Promise<Record<string, number>> {
  const figures: Record<string, number> = {};
  for (const snr of NOISE_SNRS_DB) {
    let unreadable = 0;
    const scores = signals.map((s, r) => {
      const fs = s.record.sampleRateHz;
      const leads = s.record.leads.map((lead, l) => {
        const power = qrsSignalPower(lead.microvolts, s.referenceBeats!, fs);
        // One noise realisation per record and lead, the same at every SNR (only its scale changes), as in NSTDB.
        return { ...lead, microvolts: addNoiseAtSnr(lead.microvolts, nstNoise(lead.microvolts.length, fs, 1000 * (r + 1) + l), power, snr, fs) };
      });
      const noisy = { ...s.record, leads };
      const detected = detectRecordBeats(noisy);
      const marked = unreadableStretches(recordQualityOf(noisy, detected).windows);
      unreadable += stretchSamples(marked) / fs;
      return {
        all: scoreQrs(s.referenceBeats!, detected, { sampleRateHz: fs }),
        gated: scoreQrs(s.referenceBeats!, readableBeats(detected, marked), { sampleRateHz: fs }),
      };
    });
    const gross = grossScore(scores.map((s) => s.all));
    const gated = grossScore(scores.map((s) => s.gated));
    const key = `${snr}dB`;
    figures[`ecg.qrs.noise.se.${key}`] = round(gross.sensitivityPercent, 2);
    figures[`ecg.qrs.noise.ppv.${key}`] = round(gross.positivePredictivityPercent, 2);
    figures[`ecg.qrs.noise.gated.se.${key}`] = round(gated.sensitivityPercent, 2);
    figures[`ecg.qrs.noise.gated.ppv.${key}`] = round(gated.positivePredictivityPercent, 2);
    figures[`ecg.qrs.noise.unreadableS.${key}`] = round(unreadable, 0);
  }
  return figures;
}

/** twadb twa01 against its .qrs annotations: 12 leads at 500 Hz, nothing like the Holter records above. */
async function unseenRecord(): Promise<Record<string, number>> {
  const record = await wfdbReader.read(diskInput(samplePath('wfdb/twadb', 'twa01.hea')));
  const reference = referenceBeatSamples(record.annotations ?? []);
  const normalised = normaliseLeads(record);
  const detected = detectRecordBeats(normalised);
  const score = scoreQrs(reference, detected, { sampleRateHz: record.sampleRateHz, scoreFromSeconds: 0 });
  const marked = unreadableStretches(recordQualityOf(normalised, detected).windows);
  return {
    'ecg.qrs.twa01.se': round(score.sensitivityPercent, 2),
    'ecg.qrs.twa01.ppv': round(score.positivePredictivityPercent, 2),
    'ecg.qrs.unreadableS.twa01': round(stretchSamples(marked) / record.sampleRateHz, 1),
  };
}

const baselineCounts = z.record(z.string(), z.number());
const baselineFile = z.object({
  qrs_detector_baselines: z.object({
    records: z.record(z.string(), z.record(z.string(), z.object({ bxb_line_counts: baselineCounts }))),
  }),
});

/**
 * WFDB's detectors scored by bxb on the same records (reference.json). bxb's table rows are reference × algorithm
 * classes: N/V/F against n/v is a match, against o a missed beat; O (no reference beat) against n/v a false one.
 */
function wfdbBaselines(): Record<string, number> {
  const file = baselineFile.parse(JSON.parse(readFileSync(samplePath('reference.json'), 'utf8')));
  const figures: Record<string, number> = {};
  for (const detector of ['gqrs', 'wqrs', 'sqrs']) {
    const scores = MIT_RECORDS.map((name) => {
      const counts = file.qrs_detector_baselines.records[`wfdb/mitdb/${name}`]?.[detector]?.bxb_line_counts;
      if (!counts) throw new Error(`reference.json has no ${detector} baseline for MIT-BIH ${name}`);
      const sum = (test: (reference: string, algorithm: string) => boolean) =>
        Object.entries(counts).reduce((total, [key, n]) => total + (test(key[0], key[1]) ? n : 0), 0);
      const beat = (c: string) => 'NVF'.includes(c);
      return scoreFromCounts(
        sum((r, a) => beat(r) && 'nv'.includes(a)),
        sum((r, a) => beat(r) && a === 'o'),
        sum((r, a) => r === 'O' && 'nv'.includes(a)),
      );
    });
    const gross = grossScore(scores);
    figures[`ecg.qrs.baseline.${detector}.se`] = round(gross.sensitivityPercent, 2);
    figures[`ecg.qrs.baseline.${detector}.ppv`] = round(gross.positivePredictivityPercent, 2);
  }
  return figures;
}

/**
 * Every shared file that carries a cart's measurements, each recording once: Example.scp carries the same analysis
 * of the same recording as Example_aECG.xml (it was converted from it), so only the aECG file counts.
 */
const CART_FILES = [
  ['ge-muse-xml', 'example1.xml'],
  ['philips-xml', '129DYPRG.XML'],
  ['hl7-aecg', 'Example_aECG.xml'],
] as const;

/** Ours against the cart's own measurements, per measurement, over the shared files that carry them. */
async function cartAgreement(): Promise<Record<string, number>> {
  const pairs: { name: string; unit: 'Ms' | 'Bpm' | 'Deg'; ours?: number; cart?: number }[] = [];
  for (const [folder, name] of CART_FILES) {
    const file = samplePath(folder, name);
    const cart = readCartReport(readFileSync(file));
    if (!cart) throw new Error(`${folder}/${name}: the cart's measurements could not be read`);
    const ours = measureEcg(normaliseLeads(await readEcgFile(file)));
    const c = cart.measurements;
    pairs.push(
      { name: 'hr', unit: 'Bpm', ours: ours.heartRateBpm, cart: c.heartRateBpm },
      { name: 'pr', unit: 'Ms', ours: ours.prMs, cart: c.prMs },
      { name: 'pDuration', unit: 'Ms', ours: ours.pDurationMs, cart: c.pDurationMs },
      { name: 'qrs', unit: 'Ms', ours: ours.qrsMs, cart: c.qrsMs },
      { name: 'qt', unit: 'Ms', ours: ours.qtMs, cart: c.qtMs },
      { name: 'qtc', unit: 'Ms', ours: ours.qtcBazettMs, cart: c.qtcMs },
      { name: 'pAxis', unit: 'Deg', ours: ours.pAxisDeg, cart: c.pAxisDeg },
      { name: 'qrsAxis', unit: 'Deg', ours: ours.qrsAxisDeg, cart: c.qrsAxisDeg },
      { name: 'tAxis', unit: 'Deg', ours: ours.tAxisDeg, cart: c.tAxisDeg },
    );
  }
  const figures: Record<string, number> = { 'ecg.measure.files': CART_FILES.length };
  for (const name of new Set(pairs.map((p) => p.name))) {
    const rows = pairs.filter((p) => p.name === name);
    const unit = rows[0].unit;
    const diffs = rows
      .filter((p) => p.ours !== undefined && p.cart !== undefined)
      .map((p) => (unit === 'Deg' ? ((p.ours! - p.cart! + 540) % 360) - 180 : p.ours! - p.cart!));
    // A measurement we could not take on some file is counted, not hidden.
    figures[`ecg.measure.${name}.missing`] = rows.length - diffs.length;
    if (diffs.length === 0) continue;
    const mean = diffs.reduce((a, b) => a + b, 0) / diffs.length;
    const sd = diffs.length > 1 ? Math.sqrt(diffs.reduce((a, d) => a + (d - mean) ** 2, 0) / (diffs.length - 1)) : 0;
    figures[`ecg.measure.${name}.meanDiff${unit}`] = round(mean, 1);
    figures[`ecg.measure.${name}.sd${unit}`] = round(sd, 1);
  }
  return figures;
}

export async function benchEcgAnalysis(): Promise<Record<string, number>> {
  const signals = hasSharedSamples ? await mitSignals() : syntheticSignals();
  const signalSeconds = signals.reduce((total, s) => total + (s.record.leads[0]?.microvolts.length ?? 0) / s.record.sampleRateHz, 0);
  const passSeconds: number[] = [];
  let detections: Int32Array[] = [];
  for (let pass = 0; pass < PASSES; pass++) {
    const started = performance.now();
    detections = signals.map((s) => detectRecordBeats(s.record));
    passSeconds.push((performance.now() - started) / 1000);
  }
  const figures: Record<string, number> = {};
  if (hasSharedSamples) {
    const scores: QrsScore[] = signals.map((s, i) => scoreQrs(s.referenceBeats!, detections[i], { sampleRateHz: s.record.sampleRateHz }));
    const gross = grossScore(scores);
    figures['ecg.qrs.se'] = round(gross.sensitivityPercent, 2);
    figures['ecg.qrs.ppv'] = round(gross.positivePredictivityPercent, 2);
    scores.forEach((score, i) => {
      figures[`ecg.qrs.se.${MIT_RECORDS[i]}`] = round(score.sensitivityPercent, 2);
      figures[`ecg.qrs.ppv.${MIT_RECORDS[i]}`] = round(score.positivePredictivityPercent, 2);
    });
    const gatedScores = signals.map((s, i) => {
      const fs = s.record.sampleRateHz;
      const windows = recordQualityOf(s.record, detections[i]).windows;
      const marked = unreadableStretches(windows);
      const name = MIT_RECORDS[i];
      figures[`ecg.qrs.unreadableS.${name}`] = round(stretchSamples(marked) / fs, 1);
      figures[`ecg.qrs.gatedS.${name}`] = round(stretchSamples(unreadableStretches(windows, GATED_REASONS)) / fs, 1);
      figures[`ecg.qrs.sqi.annotatedNoiseS.${name}`] = round(stretchSamples(s.annotatedNoise ?? []) / fs, 1);
      figures[`ecg.qrs.sqi.overlapS.${name}`] = round(overlapSamples(marked, s.annotatedNoise ?? []) / fs, 1);
      const gated = scoreQrs(s.referenceBeats!, readableBeats(detections[i], marked), { sampleRateHz: fs });
      figures[`ecg.qrs.gated.se.${name}`] = round(gated.sensitivityPercent, 2);
      figures[`ecg.qrs.gated.ppv.${name}`] = round(gated.positivePredictivityPercent, 2);
      return gated;
    });
    const gatedGross = grossScore(gatedScores);
    figures['ecg.qrs.gated.se'] = round(gatedGross.sensitivityPercent, 2);
    figures['ecg.qrs.gated.ppv'] = round(gatedGross.positivePredictivityPercent, 2);
    Object.assign(figures, await unseenRecord(), wfdbBaselines());
  }
  figures['ecg.qrs.realtimeFactor'] = Math.round(signalSeconds / median(passSeconds));
  const qualitySeconds: number[] = [];
  for (let pass = 0; pass < PASSES; pass++) {
    const started = performance.now();
    signals.forEach((s, i) => recordQualityOf(s.record, detections[i]));
    qualitySeconds.push((performance.now() - started) / 1000);
  }
  figures['ecg.sqi.realtimeFactor'] = Math.round(signalSeconds / median(qualitySeconds));
  if (hasSharedSamples) Object.assign(figures, await cartAgreement(), await noiseStress(signals));
  return figures;
}
