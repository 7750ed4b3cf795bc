import type { EcgQualityStretch } from '../../../shared/ecg';
import { butterworthHighPass, butterworthLowPass, filterZeroPhase } from './filters';
import { median } from './stats';

/**
 * Signal quality per short window, from published, record-independent indices, so stretches no one can read are
 * shown as unreadable instead of being analysed as beats.
 *
 * - bSQI (Li, Mark & Clifford 2008; qSQI in Zhao & Zhang 2018): agreement of two QRS detectors that work
 *   differently, over a 10 s window, beats matched within 150 ms. Clean ECG makes any two sound detectors agree; noise
 *   fools each in its own way. Scored as Zhao & Zhang do, 2·matched / (n₁ + n₂): below 0.60 "unqualified", above
 *   0.90 "optimal".
 * - kSQI (Li et al. 2008): kurtosis of the window; ECG, mostly baseline with sharp QRS peaks, is far from gaussian
 *   (> 5), gaussian noise is 3.
 * - pSQI (Clifford et al. 2012; Zhao & Zhang 2018): power in 5–15 Hz over power in 5–40 Hz; QRS-dominated
 *   signals sit between 0.5 and 0.8 (0.4 and 0.7 above 130/min).
 * - basSQI (Zhao & Zhang 2018): 1 − power below 1 Hz over power below 40 Hz; below 0.90 the baseline dominates.
 *
 * Two states need no index, they are physical facts about the window: a flat line (the amplifier shows nothing
 * above its own noise: lead off, or a disconnected channel) and a saturated one (the signal sits at the
 * converter's rail for a sizeable part of the window: what a cart records while an electrode is pulled).
 *
 * A window is unreadable when it is flat, saturated, mostly invalid samples, or its bSQI is unqualified (< 0.60).
 * The spectral and kurtosis indices are computed and reported beside it; docs/ecg-analysis.md gives what each does
 * on the shared records and why the gate rests on bSQI.
 */

export const SQI_WINDOW_SECONDS = 10;
/** Beats of the two detectors this close are the same beat (EC57's match window; Li et al. use the same). */
export const SQI_MATCH_SECONDS = 0.15;
/** Zhao & Zhang 2018: qSQI below this is unqualified. */
export const BSQI_UNQUALIFIED = 0.6;
/** Kurtosis above this is ECG-like (Li et al. 2008, Zhao & Zhang 2018). */
export const KSQI_ECG = 5;
/**
 * A second of signal spanning less than this (µV, peak to peak, as recorded) shows no ECG: IEC 60601-2-25 allows
 * an amplifier 30 µV peak-to-valley of its own noise, and a QRS smaller than 50 µV is not a readable complex (low
 * voltage starts at 500 µV in the limb leads).
 */
export const FLAT_PEAK_TO_PEAK_MICROVOLTS = 50;
/**
 * A window is a flat line when at most a tenth of its seconds deflect (one second of ten): a lead-off or
 * disconnected channel. Judged second by second on the signal as recorded, so the filters' ringing at the edges of
 * a lead-off stretch does not count as signal; a window with two seconds of deflection (beats around a pause)
 * stays readable.
 */
const FLAT_BLOCK_SECONDS = 1;
const FLAT_MAX_LIVE_SHARE = 0.1;
/** Runs of identical samples at the window's extreme at least this long are clipping, not a QRS apex. */
export const CLIP_RUN_SECONDS = 0.02;
/** The signal is clipped (or invalid) for at least this share of the window. */
export const SATURATED_FRACTION = 0.1;
/** More than this share of invalid (NaN) samples leaves nothing to read. */
export const INVALID_FRACTION = 0.5;

/** What a 10 s window can be marked for: every quality reason but `calibration`, which is found at the record's edges. */
export type UnreadableReason = Exclude<EcgQualityStretch['reason'], 'calibration'>;

export interface QualityWindow {
  startSample: number;
  endSample: number;
  /** 2·matched / (n₁ + n₂) of the two detectors; 1 when neither finds a beat (nothing to disagree about). */
  bSqi: number;
  kSqi: number;
  pSqi: number;
  basSqi: number;
  /** Why the window is unreadable; absent when it is readable. */
  unreadable?: UnreadableReason;
}

export interface SampleStretch {
  startSample: number;
  /** Exclusive. */
  endSample: number;
}

// ---------------------------------------------------------------------------------------------------------------
// The second detector: the curve-length transform (Zong, Moody & Jiang 2003, the transform behind WFDB's wqrs).
// It differs from ours (band-pass 5–15 Hz, |slope| integral, median levels, T/P slope rules, search-back, split
// rule) in band, transform and decision, which is what an agreement index needs, and what the detector's last
// step needs to confirm a detection that breaks the rhythm (qrs.ts, removeUnconfirmedOffRhythm).

/** Zong et al.: the signal low-passed at 16 Hz, the transform over 130 ms. */
const LENGTH_LOW_PASS_HZ = 16;
const LENGTH_WINDOW_SECONDS = 0.13;
/**
 * The knee of the transform (µV per ms): gentler slopes (P, T, wander) add little, QRS slopes count in full, as the
 * transform's constant term intends.
 */
const LENGTH_KNEE_UV_PER_MS = 10;
const LENGTH_REFRACTORY_SECONDS = 0.2;
/** Threshold at a third of the recent beats' transform peaks (Zong et al. adapt towards a third as well). */
const LENGTH_THRESHOLD_FRACTION = 1 / 3;
const LENGTH_LEVEL_BEATS = 8;
/** With no beat for this long the threshold and the remembered levels halve, every such interval, so a lost rhythm is found again. */
const LENGTH_DECAY_SECONDS = 2;

/** Curve length of the 16 Hz low-passed signal over the trailing 130 ms, less the length of a flat line. */
export function lengthTransform(signal: Float32Array, sampleRateHz: number): Float32Array {
  const n = signal.length;
  const out = new Float32Array(n);
  if (n < 2) return out;
  const y = filterZeroPhase(butterworthLowPass(2, Math.min(LENGTH_LOW_PASS_HZ, 0.45 * sampleRateHz), sampleRateHz), signal);
  const knee = (LENGTH_KNEE_UV_PER_MS * 1000) / sampleRateHz;
  const w = Math.max(1, Math.round(LENGTH_WINDOW_SECONDS * sampleRateHz));
  const step = new Float64Array(n);
  for (let i = 1; i < n; i++) {
    const d = Number.isFinite(y[i]) && Number.isFinite(y[i - 1]) ? y[i] - y[i - 1] : 0;
    step[i] = Math.sqrt(knee * knee + d * d) - knee;
  }
  let sum = 0;
  const shift = w >> 1;
  for (let i = 0; i < n + shift; i++) {
    if (i < n) sum += step[i];
    if (i - w >= 0 && i - w < n) sum -= step[i - w];
    // Centred, so a beat's transform peak sits on its QRS rather than 65 ms after it.
    if (i - shift >= 0) out[i - shift] = sum;
  }
  return out;
}

/** QRS positions by the length transform: threshold crossings, each placed on the largest deflection near it. */
export function lengthTransformBeats(signal: Float32Array, sampleRateHz: number): Int32Array {
  const n = signal.length;
  const fs = sampleRateHz;
  if (n < fs) return new Int32Array(0);
  const transform = lengthTransform(signal, fs);
  const learn = Math.min(n, Math.round(8 * fs));
  const firstPeaks: number[] = [];
  for (let s = 0; s + fs <= learn; s += fs) {
    let max = 0;
    for (let i = s; i < s + fs; i++) max = Math.max(max, transform[i]);
    firstPeaks.push(max);
  }
  const levels: number[] = [firstPeaks.length > 0 ? median(firstPeaks) : 0];
  let threshold = levels[0] * LENGTH_THRESHOLD_FRACTION;
  const refractory = Math.round(LENGTH_REFRACTORY_SECONDS * fs);
  const decay = Math.round(LENGTH_DECAY_SECONDS * fs);
  const half = Math.round(LENGTH_WINDOW_SECONDS * fs);
  const beats: number[] = [];
  let last = -Infinity;
  let sinceDecay = 0;
  // Armed once the transform has fallen back below the threshold since the last beat: one beat per hump. A
  // transform that never falls back (noise above a decayed threshold) re-arms after the decay interval, or the
  // detector would fall silent for good.
  let armed = true;
  for (let i = 1; i < n; i++) {
    if (!armed && (transform[i] <= threshold || i - last > decay)) armed = true;
    if (i - Math.max(last, sinceDecay) > decay) {
      // The remembered levels decay with the threshold: after a burst of large noise peaks the next real beat
      // must not put the threshold back at a third of the noise.
      for (let k = 0; k < levels.length; k++) levels[k] /= 2;
      threshold /= 2;
      sinceDecay = i;
    }
    if (!armed || !(transform[i] > threshold) || i - last < refractory) continue;
    armed = false;
    let peak = i;
    for (let k = i; k < Math.min(n, i + half); k++) if (transform[k] > transform[peak]) peak = k;
    let fiducial = peak;
    let largest = -1;
    for (let k = Math.max(0, peak - (half >> 1)); k < Math.min(n, peak + (half >> 1)); k++) {
      const v = Math.abs(signal[k]);
      if (v > largest) {
        largest = v;
        fiducial = k;
      }
    }
    last = i;
    sinceDecay = i;
    if (beats.length > 0 && fiducial - beats[beats.length - 1] < refractory) continue;
    beats.push(fiducial);
    levels.push(transform[peak]);
    if (levels.length > LENGTH_LEVEL_BEATS) levels.shift();
    threshold = median(levels) * LENGTH_THRESHOLD_FRACTION;
  }
  return Int32Array.from(beats);
}

// ---------------------------------------------------------------------------------------------------------------
// The indices, each a small pure function over [from, to).

/**
 * 2·matched / (n₁ + n₂) over the beats in [from, to): each beat of `a` matched at most once to the nearest unused
 * beat of `b` within `window` samples. 1 when neither detector finds anything.
 */
export function beatAgreement(a: ArrayLike<number>, b: ArrayLike<number>, from: number, to: number, window: number): number {
  const inA: number[] = [];
  const inB: number[] = [];
  for (let i = 0; i < a.length; i++) if (a[i] >= from && a[i] < to) inA.push(a[i]);
  for (let i = 0; i < b.length; i++) if (b[i] >= from && b[i] < to) inB.push(b[i]);
  if (inA.length + inB.length === 0) return 1;
  inA.sort((x, y) => x - y);
  inB.sort((x, y) => x - y);
  let matched = 0;
  let j = 0;
  for (const t of inA) {
    while (j < inB.length && inB[j] < t - window) j++;
    if (j < inB.length && Math.abs(inB[j] - t) <= window) {
      matched++;
      j++;
    }
  }
  return (2 * matched) / (inA.length + inB.length);
}

/** Pearson kurtosis (3 for a gaussian) of the finite samples in [from, to); 0 for a constant stretch. */
export function kurtosis(signal: Float32Array, from: number, to: number): number {
  let n = 0;
  let mean = 0;
  for (let i = from; i < to; i++) {
    if (!Number.isFinite(signal[i])) continue;
    n++;
    mean += signal[i];
  }
  if (n === 0) return 0;
  mean /= n;
  let m2 = 0;
  let m4 = 0;
  for (let i = from; i < to; i++) {
    if (!Number.isFinite(signal[i])) continue;
    const d = (signal[i] - mean) ** 2;
    m2 += d;
    m4 += d * d;
  }
  m2 /= n;
  m4 /= n;
  return m2 > 0 ? m4 / (m2 * m2) : 0;
}

function energy(signal: Float32Array, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) if (Number.isFinite(signal[i])) sum += signal[i] * signal[i];
  return sum;
}

function peakToPeak(signal: Float32Array, from: number, to: number): number {
  let max = -Infinity;
  let min = Infinity;
  for (let i = from; i < to; i++) {
    const v = signal[i];
    if (!Number.isFinite(v)) continue;
    if (v > max) max = v;
    if (v < min) min = v;
  }
  return max >= min ? max - min : 0;
}

/** Whether at most a tenth of the seconds of [from, to) deflect by FLAT_PEAK_TO_PEAK_MICROVOLTS or more. */
export function isFlat(raw: Float32Array, from: number, to: number, sampleRateHz: number): boolean {
  const block = Math.max(1, Math.round(FLAT_BLOCK_SECONDS * sampleRateHz));
  const allowed = Math.floor(FLAT_MAX_LIVE_SHARE * Math.ceil((to - from) / block));
  let live = 0;
  for (let start = from; start < to; start += block) {
    if (peakToPeak(raw, start, Math.min(to, start + block)) >= FLAT_PEAK_TO_PEAK_MICROVOLTS && ++live > allowed) return false;
  }
  return true;
}

/**
 * Share of [from, to) that is invalid or held at the stretch's own maximum or minimum in runs of at least
 * `minRun` samples: an amplifier at its rail repeats one value, a QRS apex does not.
 */
export function clippedFraction(raw: Float32Array, from: number, to: number, minRun: number): number {
  let max = -Infinity;
  let min = Infinity;
  let invalid = 0;
  for (let i = from; i < to; i++) {
    const v = raw[i];
    if (!Number.isFinite(v)) {
      invalid++;
      continue;
    }
    if (v > max) max = v;
    if (v < min) min = v;
  }
  if (max === -Infinity || max === min) return invalid / Math.max(1, to - from);
  let clipped = 0;
  let run = 0;
  let runValue = NaN;
  const close = () => {
    if (run >= minRun) clipped += run;
  };
  for (let i = from; i < to; i++) {
    const v = raw[i];
    if ((v === max || v === min) && v === runValue) run++;
    else {
      close();
      run = v === max || v === min ? 1 : 0;
      runValue = v;
    }
  }
  close();
  return (clipped + invalid) / (to - from);
}

function invalidFraction(raw: Float32Array, from: number, to: number): number {
  let invalid = 0;
  for (let i = from; i < to; i++) if (!Number.isFinite(raw[i])) invalid++;
  return invalid / Math.max(1, to - from);
}

/** Band signals for the spectral indices, computed once per lead. */
interface Bands {
  /** 0.5–40 Hz: the ECG without wander, for kurtosis and the second detector. */
  ecg: Float32Array;
  qrs: Float32Array;
  wide: Float32Array;
  below1: Float32Array;
  below40: Float32Array;
}

/** The lead less its level over the first 10 s, so the "below 1 Hz" power is wander, not the electrode's DC offset. */
function withoutOffset(raw: Float32Array, fs: number): Float32Array {
  const finite = Array.from(raw.subarray(0, Math.min(raw.length, 10 * fs))).filter(Number.isFinite);
  const offset = finite.length > 0 ? median(finite) : 0;
  return raw.map((v) => v - offset);
}

/** 0.5–40 Hz, zero phase: the ECG without wander, what kurtosis and the second detector read. */
function ecgBand(lead: Float32Array, fs: number): Float32Array {
  return filterZeroPhase([...butterworthHighPass(2, 0.5, fs), ...butterworthLowPass(2, Math.min(40, 0.45 * fs), fs)], lead);
}

/** The second detector's beats on one lead (µV as recorded, NaN allowed). */
export function secondDetectorBeats(raw: Float32Array, sampleRateHz: number): Int32Array {
  return lengthTransformBeats(ecgBand(withoutOffset(raw, sampleRateHz), sampleRateHz), sampleRateHz);
}

function bands(raw: Float32Array, fs: number): Bands {
  const top = Math.min(40, 0.45 * fs);
  const low = (hz: number) => butterworthLowPass(4, Math.min(hz, 0.45 * fs), fs);
  const high = (hz: number) => butterworthHighPass(4, hz, fs);
  const lead = withoutOffset(raw, fs);
  return {
    ecg: ecgBand(lead, fs),
    qrs: filterZeroPhase([...high(5), ...low(15)], lead),
    wide: filterZeroPhase([...high(5), ...low(top)], lead),
    below1: filterZeroPhase(low(1), lead),
    below40: filterZeroPhase(low(top), lead),
  };
}

/** The 10 s windows of a record `n` samples long; a last window shorter than half a window joins the one before. */
export function windowBounds(n: number, sampleRateHz: number): [number, number][] {
  const size = Math.max(1, Math.round(SQI_WINDOW_SECONDS * sampleRateHz));
  const out: [number, number][] = [];
  for (let start = 0; start < n; start += size) {
    let end = Math.min(n, start + size);
    if (n - end < size / 2) end = n;
    out.push([start, end]);
    if (end === n) break;
  }
  return out;
}

/** Whether [from, to) of one lead holds nothing to read, and why: no detector is needed to tell. */
export function deadReason(raw: Float32Array, from: number, to: number, sampleRateHz: number): UnreadableReason | undefined {
  const minRun = Math.max(2, Math.round(CLIP_RUN_SECONDS * sampleRateHz));
  if (invalidFraction(raw, from, to) > INVALID_FRACTION) return 'invalid';
  if (clippedFraction(raw, from, to, minRun) >= SATURATED_FRACTION) return 'saturated';
  if (isFlat(raw, from, to, sampleRateHz)) return 'flat';
  return undefined;
}

/** With one or two leads the first decides (as it does for detection); with more, most leads must agree. */
function decidingVote<T>(perLead: readonly (T | undefined)[]): T | undefined {
  if (perLead.length <= 2) return perLead[0];
  const present = perLead.filter((r): r is T => r !== undefined);
  if (present.length * 2 <= perLead.length) return undefined;
  const count = (r: T) => present.filter((x) => x === r).length;
  return [...present].sort((a, b) => count(b) - count(a))[0];
}

/**
 * A device's calibration signal is a staircase: every lead holds exactly one value for tens of milliseconds, steps,
 * holds the next (Philips carts store 10 s of ECG and then a second of 0 → 1 mV → 0 in every lead; BRAVEHEART's
 * Philips loader notes the same). ECG never holds every lead exactly still that long, run after run: a 40 ms run
 * is 20 samples at 500 Hz, and the quietest TP segment moves at least one lead by a bit within a few samples.
 */
const CALIBRATION_RUN_SECONDS = 0.04;
/** Shorter staircases at an edge are left to the detector (nothing there could be taken for a beat anyway). */
const CALIBRATION_MIN_SECONDS = 0.1;

/**
 * Samples at one edge of the record (its end when `fromEnd`) that form a calibration staircase: at least two runs,
 * each at least CALIBRATION_RUN_SECONDS with every lead exactly constant (a NaN is never constant), reaching the
 * edge. One run alone is a flat line, not a calibration signal, and is left to the flat-line rule.
 */
function calibrationEdge(leads: readonly Float32Array[], n: number, sampleRateHz: number, fromEnd: boolean): number {
  const minRun = Math.max(2, Math.round(CALIBRATION_RUN_SECONDS * sampleRateHz));
  /** Sample k (1 ≤ k < n) repeats sample k − 1 in every lead. */
  const repeats = (k: number) => leads.every((lead) => lead[k] === lead[k - 1]);
  let length = 0;
  let runs = 0;
  while (length < n) {
    // The run that starts at the edge side of what is not yet taken, grown inwards.
    let run = 1;
    while (length + run < n && repeats(fromEnd ? n - length - run : length + run)) run++;
    if (run < minRun) break;
    length += run;
    runs++;
  }
  return runs >= 2 && length >= CALIBRATION_MIN_SECONDS * sampleRateHz ? length : 0;
}

/** The calibration staircases at the start and the end of a record (see calibrationEdge); not ECG, not analysed. */
export function calibrationStretches(rawLeads: readonly Float32Array[], sampleRateHz: number): SampleStretch[] {
  const n = rawLeads[0]?.length ?? 0;
  if (n < 2 || !(sampleRateHz > 0)) return [];
  const head = calibrationEdge(rawLeads, n, sampleRateHz, false);
  if (head === n) return [{ startSample: 0, endSample: n }];
  const tail = calibrationEdge(rawLeads, n, sampleRateHz, true);
  const out: SampleStretch[] = [];
  if (head > 0) out.push({ startSample: 0, endSample: head });
  if (tail > 0) out.push({ startSample: Math.max(head, n - tail), endSample: n });
  return out;
}

/** Sorted, disjoint stretches covering exactly the samples of `stretches` (touching ones joined). */
export function mergeStretches(stretches: readonly SampleStretch[]): SampleStretch[] {
  const out: SampleStretch[] = [];
  for (const s of [...stretches].sort((a, b) => a.startSample - b.startSample)) {
    const last = out[out.length - 1];
    if (last && s.startSample <= last.endSample) last.endSample = Math.max(last.endSample, s.endSample);
    else out.push({ startSample: s.startSample, endSample: s.endSample });
  }
  return out;
}

/**
 * The stretches of a record with nothing to read (flat, at the rail, invalid, and the `calibration` stretches the
 * caller found with calibrationStretches), found before any detection: the screen's detector runs on the stretches
 * between them, each learning its levels afresh, so a rail or lead-off episode does not leave it blind for the rest
 * of the record, and a calibration pulse's edges are not taken for QRS complexes.
 */
export function deadStretches(rawLeads: readonly Float32Array[], sampleRateHz: number, calibration: readonly SampleStretch[] = []): SampleStretch[] {
  const n = rawLeads[0]?.length ?? 0;
  if (n === 0 || !(sampleRateHz > 0)) return [];
  const dead = windowBounds(n, sampleRateHz)
    .filter(([start, end]) => decidingVote(rawLeads.map((lead) => deadReason(lead, start, end, sampleRateHz))) !== undefined)
    .map(([startSample, endSample]) => ({ startSample, endSample }));
  return mergeStretches([...dead, ...calibration]);
}

/**
 * Quality of each 10 s window of one lead. `raw` is the lead as recorded (µV, NaN for invalid samples);
 * `detections` are the primary detector's beats on it.
 */
export function leadQuality(raw: Float32Array, sampleRateHz: number, detections: ArrayLike<number>): QualityWindow[] {
  const fs = sampleRateHz;
  const n = raw.length;
  if (n === 0 || !(fs > 0)) return [];
  const b = bands(raw, fs);
  const second = lengthTransformBeats(b.ecg, fs);
  const matchWindow = Math.round(SQI_MATCH_SECONDS * fs);
  return windowBounds(n, fs).map(([start, end]) => {
    const window: QualityWindow = {
      startSample: start,
      endSample: end,
      bSqi: beatAgreement(detections, second, start, end, matchWindow),
      kSqi: kurtosis(b.ecg, start, end),
      pSqi: energy(b.qrs, start, end) / Math.max(1e-9, energy(b.wide, start, end)),
      basSqi: 1 - energy(b.below1, start, end) / Math.max(1e-9, energy(b.below40, start, end)),
    };
    const reason = deadReason(raw, start, end, fs) ?? (window.bSqi < BSQI_UNQUALIFIED ? 'beats-disagree' : undefined);
    if (reason) window.unreadable = reason;
    return window;
  });
}

/**
 * Reasons whose windows have nothing readable in them (no signal, the rail, invalid samples): detections there are
 * not beats. A `beats-disagree` window is noisy but often still holds every beat (MIT-BIH 105's noise bursts: the
 * gate dropped 42 real beats there to remove 6 false ones), so it is marked, not gated; see docs/ecg-analysis.md.
 */
export const GATED_REASONS: readonly UnreadableReason[] = ['flat', 'saturated', 'invalid'];

/** Consecutive windows marked for one of `reasons` as one stretch each (every reason by default). */
export function unreadableStretches(windows: readonly QualityWindow[], reasons?: readonly UnreadableReason[]): SampleStretch[] {
  return mergeStretches(windows.filter((w) => w.unreadable && (!reasons || reasons.includes(w.unreadable))));
}

/** Marked windows as stretches, consecutive windows with the same reason merged. */
export function markedStretches(windows: readonly QualityWindow[]): (SampleStretch & { reason: UnreadableReason })[] {
  const out: (SampleStretch & { reason: UnreadableReason })[] = [];
  for (const w of windows) {
    if (!w.unreadable) continue;
    const last = out[out.length - 1];
    if (last && last.endSample === w.startSample && last.reason === w.unreadable) last.endSample = w.endSample;
    else out.push({ startSample: w.startSample, endSample: w.endSample, reason: w.unreadable });
  }
  return out;
}

/** Whether sample `at` lies in one of the (sorted, disjoint) stretches. */
export function inStretches(stretches: readonly SampleStretch[], at: number): boolean {
  let lo = 0;
  let hi = stretches.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (at < stretches[mid].startSample) hi = mid - 1;
    else if (at >= stretches[mid].endSample) lo = mid + 1;
    else return true;
  }
  return false;
}

/** The beats outside the unreadable stretches. */
export function readableBeats(beats: Int32Array, stretches: readonly SampleStretch[]): Int32Array {
  return stretches.length === 0 ? beats : beats.filter((b) => !inStretches(stretches, b));
}

/**
 * Quality windows of a record: with one or two leads the first decides (as it does for detection); with more, a
 * window is unreadable when more than half the leads are, since the multi-lead detector reads them together. Lead
 * windows line up because every lead has the record's length.
 */
export function recordQuality(
  rawLeads: readonly Float32Array[],
  sampleRateHz: number,
  detections: Int32Array,
): { windows: QualityWindow[]; stretches: SampleStretch[] } {
  if (rawLeads.length === 0) return { windows: [], stretches: [] };
  if (rawLeads.length <= 2) {
    const windows = leadQuality(rawLeads[0], sampleRateHz, detections);
    return { windows, stretches: unreadableStretches(windows) };
  }
  const perLead = rawLeads.map((lead) => leadQuality(lead, sampleRateHz, detections));
  const windows = perLead[0].map((w, i) => {
    const merged: QualityWindow = {
      startSample: w.startSample,
      endSample: w.endSample,
      bSqi: median(perLead.map((lead) => lead[i].bSqi)),
      kSqi: median(perLead.map((lead) => lead[i].kSqi)),
      pSqi: median(perLead.map((lead) => lead[i].pSqi)),
      basSqi: median(perLead.map((lead) => lead[i].basSqi)),
    };
    const reason = decidingVote(perLead.map((lead) => lead[i].unreadable));
    if (reason) merged.unreadable = reason;
    return merged;
  });
  return { windows, stretches: unreadableStretches(windows) };
}
