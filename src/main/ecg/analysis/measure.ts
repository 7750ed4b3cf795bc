import { STANDARD_LEADS, type EcgMeasurements, type EcgQualityStretch, type EcgRecord, type StandardLead } from '../../../shared/ecg';
import { filterEcg } from './filters';
import { removePacingSpikes } from './pacing';
import { detectQrsMultiLead } from './qrs';
import {
  calibrationStretches,
  deadStretches,
  GATED_REASONS,
  markedStretches,
  mergeStretches,
  readableBeats,
  recordQuality,
  unreadableStretches,
  type SampleStretch,
} from './sqi';
import { median } from './stats';

/**
 * Global ECG intervals the way 12-lead carts measure them: detect the complexes, average the beats of the dominant
 * shape into a median beat per lead (noise and ectopy drop out), delineate that beat using all leads at once, and
 * read the axis from the limb leads.
 *
 * Delineation (all on the median beats):
 * - QRS onset/offset: where the spatial velocity Σ|dV/dt| over the leads falls below 5 % of its QRS peak (or 3× its
 *   quiet level, whichever is higher) and stays there for 16 ms (a momentary zero at the R apex is not the end);
 * - T end: the tangent method on the RMS deviation of the leads from their PR-segment level — the tangent at the
 *   steepest point of the descending limb, extended to the level the deviation settles to (the method used for
 *   manual QT measurement, Postema & Wilde 2014);
 * - P onset and offset: between the previous beat's T end and QRS onset, each lead levelled by the line joining the
 *   two ends, the largest hump of the RMS deviation; its edges by the same tangent method as T end (for a smooth
 *   wave, centre ± 2σ), so P edges and T end follow one rule.
 *
 * Synthetic ECGs with known intervals and the shared PTB-XL and TWA records are the tests; there is no CSE
 * database here, so agreement with cardiologists' manual measurements is not claimed beyond those.
 */

/** Diagnostic bandwidth for measurement: enough high-pass to level the beats, no more low-pass than the cart's. */
const MEASUREMENT_FILTER = { highPassHz: 0.5, notchHz: 50, lowPassHz: 100 };
const WINDOW_BEFORE_SECONDS = 0.5;
const WINDOW_AFTER_SECONDS = 0.7;
/** Beats averaged at most, spread over the record (a 30-minute Holter need not be averaged whole). */
const MAX_MEDIAN_BEATS = 64;
/** Correlation with the first median beat for a complex to count as the dominant shape. */
const DOMINANT_CORRELATION = 0.9;
/** Beats arriving sooner than this fraction of the median RR have their P wave in the previous T: left out. */
const PREMATURE_RR_FRACTION = 0.75;
/** QRS edges: spatial velocity below this fraction of its peak (a small q wave's slopes are ≈ 8 % of the R's). */
const QRS_SLOPE_FRACTION = 0.05;
/** …and below this multiple of the beat's quiet-segment velocity, so residual noise is not taken for QRS. */
const QRS_NOISE_FACTOR = 3;
const QUIET_SECONDS = 0.016;
const P_SEARCH_SECONDS = 0.3;
/** The longest P wave taken as normal-to-wide (a P of 120 ms or more is already left atrial enlargement). */
const P_MAX_DURATION_SECONDS = 0.12;
/** The PR segment: the P wave must end at least this long before the QRS. */
const P_QRS_GAP_SECONDS = 0.03;
/** A P wave smaller than this (RMS over the leads, µV) on the median beat is not called present. */
const MIN_P_MICROVOLTS = 10;
/** The tangent-method T end falls a little before the T wave has fully settled; P search starts after the tail. */
const T_TAIL_SECONDS = 0.04;
const ALIGN_SECONDS = 0.015;

export interface MedianBeats {
  /** Per lead, samples of the median beat; the fiducial (R) is at `fiducial`. */
  leads: Float32Array[];
  fiducial: number;
  beatCount: number;
}

export interface WaveBoundaries {
  /** Sample offsets within the median beat. */
  pOnset?: number;
  pOffset?: number;
  qrsOnset: number;
  qrsOffset: number;
  tEnd?: number;
}

function percentile(values: ArrayLike<number>, fraction: number): number {
  const sorted = Array.from(values).sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? 0;
}

/** RR intervals, leaving out those spanning an unreadable stretch (its beats are unknown, not absent). */
function rrIntervals(beats: Int32Array, gaps: readonly SampleStretch[] = []): number[] {
  const intervals: number[] = [];
  let g = 0;
  for (let i = 1; i < beats.length; i++) {
    while (g < gaps.length && gaps[g].endSample <= beats[i - 1]) g++;
    if (g < gaps.length && gaps[g].startSample < beats[i]) continue;
    intervals.push(beats[i] - beats[i - 1]);
  }
  return intervals;
}

/** The median across beats, sample by sample, ignoring invalid (NaN) samples. */
function medianOfWindows(signal: Float32Array, starts: readonly number[], length: number): Float32Array {
  const out = new Float32Array(length);
  const column: number[] = [];
  for (let k = 0; k < length; k++) {
    column.length = 0;
    for (const start of starts) {
      const value = signal[start + k];
      if (!Number.isNaN(value)) column.push(value);
    }
    out[k] = column.length > 0 ? median(column) : NaN;
  }
  return out;
}

/** Pearson correlation of a beat with a template over [from, to) of every lead together. */
function correlation(leads: readonly Float32Array[], start: number, templates: readonly Float32Array[], from: number, to: number): number {
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  let sx = 0;
  let sy = 0;
  let n = 0;
  leads.forEach((lead, l) => {
    for (let k = from; k < to; k++) {
      const x = lead[start + k];
      const y = templates[l][k];
      if (Number.isNaN(x) || Number.isNaN(y)) continue;
      sx += x;
      sy += y;
      sxx += x * x;
      syy += y * y;
      sxy += x * y;
      n++;
    }
  });
  if (n < 2) return 0;
  const cov = sxy - (sx * sy) / n;
  const vx = sxx - (sx * sx) / n;
  const vy = syy - (sy * sy) / n;
  return vx > 0 && vy > 0 ? cov / Math.sqrt(vx * vy) : 0;
}

function evenlySpread<T>(items: readonly T[], limit: number): T[] {
  if (items.length <= limit) return [...items];
  return Array.from({ length: limit }, (_, i) => items[Math.floor(((i + 0.5) * items.length) / limit)]);
}

/**
 * Median beat of the dominant shape: beats that are not premature, correlate with a first median over the QRS,
 * each nudged (±15 ms) to its best alignment with that median.
 */
export function medianBeat(leads: readonly Float32Array[], beats: Int32Array, sampleRateHz: number): MedianBeats | undefined {
  const before = Math.round(WINDOW_BEFORE_SECONDS * sampleRateHz);
  const length = before + Math.round(WINDOW_AFTER_SECONDS * sampleRateHz);
  const n = leads[0].length;
  const rrMedian = median(rrIntervals(beats));
  const usable: number[] = [];
  for (let i = 0; i < beats.length; i++) {
    const start = beats[i] - before;
    if (start < 0 || start + length > n) continue;
    if (i > 0 && Number.isFinite(rrMedian) && beats[i] - beats[i - 1] < PREMATURE_RR_FRACTION * rrMedian) continue;
    usable.push(start);
  }
  if (usable.length === 0) return undefined;
  const candidates = evenlySpread(usable, MAX_MEDIAN_BEATS);
  const first = leads.map((lead) => medianOfWindows(lead, candidates, length));
  const qrsFrom = before - Math.round(0.08 * sampleRateHz);
  const qrsTo = before + Math.round(0.08 * sampleRateHz);
  const shift = Math.round(ALIGN_SECONDS * sampleRateHz);
  const aligned: number[] = [];
  for (const start of candidates) {
    let bestStart = start;
    let bestCorrelation = -Infinity;
    for (let s = -shift; s <= shift; s++) {
      if (start + s < 0 || start + s + length > n) continue;
      const r = correlation(leads, start + s, first, qrsFrom, qrsTo);
      if (r > bestCorrelation) {
        bestCorrelation = r;
        bestStart = start + s;
      }
    }
    if (bestCorrelation >= DOMINANT_CORRELATION) aligned.push(bestStart);
  }
  const chosen = aligned.length >= Math.min(3, candidates.length) ? aligned : candidates;
  return { leads: leads.map((lead) => medianOfWindows(lead, chosen, length)), fiducial: before, beatCount: chosen.length };
}

/** Σ over leads of |central difference| (µV per sample). */
function spatialVelocity(leads: readonly Float32Array[]): Float64Array {
  const length = leads[0].length;
  const velocity = new Float64Array(length);
  for (const lead of leads) {
    for (let k = 1; k < length - 1; k++) {
      const slope = Math.abs(lead[k + 1] - lead[k - 1]) / 2;
      if (!Number.isNaN(slope)) velocity[k] += slope;
    }
  }
  return velocity;
}

/** RMS over leads of the deviation from each lead's level at `reference` (µV). */
function deviationFromLevel(leads: readonly Float32Array[], levels: readonly number[]): Float64Array {
  const length = leads[0].length;
  const out = new Float64Array(length);
  for (let k = 0; k < length; k++) {
    let sum = 0;
    let count = 0;
    leads.forEach((lead, l) => {
      const d = lead[k] - levels[l];
      if (!Number.isNaN(d)) {
        sum += d * d;
        count++;
      }
    });
    out[k] = count > 0 ? Math.sqrt(sum / count) : 0;
  }
  return out;
}

function smooth(values: Float64Array, width: number): Float64Array {
  if (width <= 1) return values;
  const out = new Float64Array(values.length);
  const half = width >> 1;
  for (let k = 0; k < values.length; k++) {
    let sum = 0;
    let count = 0;
    for (let j = Math.max(0, k - half); j <= Math.min(values.length - 1, k + half); j++) {
      sum += values[j];
      count++;
    }
    out[k] = sum / count;
  }
  return out;
}

function argMax(values: ArrayLike<number>, from: number, to: number): number {
  let best = Math.max(0, from);
  for (let k = Math.max(0, from); k <= Math.min(values.length - 1, to); k++) if (values[k] > values[best]) best = k;
  return best;
}

/** First index, walking from `start` by `step`, where `values` stays below `level` for `quiet` samples. */
function firstQuiet(values: Float64Array, start: number, step: 1 | -1, level: number, quiet: number, limit: number): number | undefined {
  let run = 0;
  for (let k = start; step > 0 ? k <= limit : k >= limit; k += step) {
    if (values[k] < level) {
      run++;
      if (run >= quiet) return k - step * (quiet - 1);
    } else {
      run = 0;
    }
  }
  return undefined;
}

function qrsBoundaries(beat: MedianBeats, velocity: Float64Array, sampleRateHz: number): { onset: number; offset: number } | undefined {
  const searchHalf = Math.round(0.06 * sampleRateHz);
  const peak = argMax(velocity, beat.fiducial - searchHalf, beat.fiducial + searchHalf);
  const quietVelocity = percentile(velocity, 0.2);
  const level = Math.max(QRS_SLOPE_FRACTION * velocity[peak], QRS_NOISE_FACTOR * quietVelocity);
  const quiet = Math.max(2, Math.round(QUIET_SECONDS * sampleRateHz));
  const reach = Math.round(0.2 * sampleRateHz);
  const onset = firstQuiet(velocity, peak, -1, level, quiet, Math.max(1, peak - reach));
  const offset = firstQuiet(velocity, peak, 1, level, quiet, Math.min(velocity.length - 2, peak + reach));
  if (onset === undefined || offset === undefined) return undefined;
  return { onset, offset };
}

/**
 * Each lead's isoelectric level: the flattest 10 ms of the PR segment, found as the quietest spatial velocity in
 * the 60 ms before QRS onset (the TP segment is often too short, and the onset sample itself may be inside a q).
 */
function isoelectricLevels(beat: MedianBeats, velocity: Float64Array, qrsOnset: number, sampleRateHz: number): number[] {
  const from = Math.max(0, qrsOnset - Math.round(0.06 * sampleRateHz));
  let flattest = qrsOnset;
  for (let k = from; k <= qrsOnset; k++) if (velocity[k] < velocity[flattest]) flattest = k;
  const half = Math.max(1, Math.round(0.005 * sampleRateHz));
  return beat.leads.map((lead) => {
    const values: number[] = [];
    for (let k = Math.max(0, flattest - half); k <= Math.min(lead.length - 1, flattest + half); k++) if (!Number.isNaN(lead[k])) values.push(lead[k]);
    return median(values);
  });
}

/**
 * P wave edges. The search runs from the end of the previous beat's T wave (or the longest physiological PR, 300 ms,
 * before QRS onset, whichever is later) to 30 ms before QRS onset. Each lead is levelled by the straight line
 * joining its values at the two ends of that stretch (TP level to PR level), so a sloping baseline is not taken for
 * a P wave; the P wave is the largest hump of the RMS deviation that falls away on both sides. Its onset and offset
 * are found as T end is: the tangent at the steepest point of the rising (falling) limb, within half the longest P
 * wave of the apex, extended to the level the deviation rests at on that side. A slow hump of the T–P segment
 * ahead of the P wave then no longer drags the onset back, as walking down to a fixed fraction of the height did.
 */
function pWave(beat: MedianBeats, qrsOnset: number, searchFrom: number, sampleRateHz: number): { onset: number; offset: number } | undefined {
  const from = Math.max(1, Math.ceil(searchFrom), qrsOnset - Math.round(P_SEARCH_SECONDS * sampleRateHz));
  const to = qrsOnset - Math.round(P_QRS_GAP_SECONDS * sampleRateHz);
  if (to - from < Math.round(0.04 * sampleRateHz)) return undefined;
  const span = qrsOnset - from;
  const deviation = new Float64Array(span + 1);
  for (const lead of beat.leads) {
    const start = lead[from];
    const end = lead[qrsOnset];
    for (let k = 0; k <= span; k++) {
      const d = lead[from + k] - (start + ((end - start) * k) / span);
      if (!Number.isNaN(d)) deviation[k] += (d * d) / beat.leads.length;
    }
  }
  const smoothed = smooth(deviation.map(Math.sqrt), Math.round(0.02 * sampleRateHz));
  let best: { peak: number; prominence: number } | undefined;
  for (let k = 1; k <= to - from; k++) {
    if (!(smoothed[k] >= smoothed[k - 1] && smoothed[k] >= smoothed[k + 1])) continue;
    const leftMin = Math.min(...smoothed.subarray(Math.max(0, k - Math.round(0.12 * sampleRateHz)), k + 1));
    const rightMin = Math.min(...smoothed.subarray(k, span + 1));
    const prominence = smoothed[k] - Math.max(leftMin, rightMin);
    if (!best || prominence > best.prominence) best = { peak: k, prominence };
  }
  if (!best || best.prominence < MIN_P_MICROVOLTS) return undefined;
  const peak = best.peak;
  const limb = Math.round((P_MAX_DURATION_SECONDS / 2) * sampleRateHz);
  const onset = tangentEdge(smoothed, peak, -1, Math.max(1, peak - limb), Math.max(0, peak - 2 * limb));
  const offset = tangentEdge(smoothed, peak, 1, Math.min(span - 1, peak + limb), span);
  if (onset === undefined || offset === undefined) return undefined;
  return { onset: from + onset, offset: Math.min(to, from + offset) };
}

/**
 * Where the tangent at the steepest point of a wave's limb meets the level the signal rests at beyond it: walking
 * from the apex by `step` up to `limbEnd` for the steepest slope, and taking the resting level as the lowest value
 * between the apex and `restEnd`.
 */
function tangentEdge(values: Float64Array, apex: number, step: 1 | -1, limbEnd: number, restEnd: number): number | undefined {
  let steepest = -1;
  let steepestSlope = 0;
  for (let k = apex + step; step > 0 ? k <= limbEnd : k >= limbEnd; k += step) {
    // Slope measured walking away from the apex: negative while the limb falls away from it.
    const slope = (values[k + step] - values[k - step]) / 2;
    if (slope < steepestSlope) {
      steepestSlope = slope;
      steepest = k;
    }
  }
  if (steepest < 0) return undefined;
  let rest = values[apex];
  for (let k = apex; step > 0 ? k <= restEnd : k >= restEnd; k += step) rest = Math.min(rest, values[k]);
  const edge = steepest + (step * (rest - values[steepest])) / steepestSlope;
  return Number.isFinite(edge) ? Math.round(edge) : undefined;
}

/** T end by the tangent method on the RMS deviation, the tangent meeting the level the deviation settles to. */
function tEnd(deviation: Float64Array, qrsOffset: number, searchEnd: number, sampleRateHz: number): number | undefined {
  const smoothed = smooth(deviation, Math.round(0.02 * sampleRateHz));
  const from = qrsOffset + Math.round(0.06 * sampleRateHz);
  const to = Math.min(searchEnd, smoothed.length - 2);
  if (to <= from) return undefined;
  const peak = argMax(smoothed, from, to);
  // Steepest descent after the T apex, within 250 ms.
  const descentEnd = Math.min(to, peak + Math.round(0.25 * sampleRateHz));
  let steepest = peak;
  let steepestSlope = 0;
  for (let k = peak + 1; k < descentEnd; k++) {
    const slope = (smoothed[k + 1] - smoothed[k - 1]) / 2;
    if (slope < steepestSlope) {
      steepestSlope = slope;
      steepest = k;
    }
  }
  if (steepestSlope >= 0) return undefined;
  const settled = Math.min(...smoothed.subarray(steepest, to + 1));
  const end = steepest + (settled - smoothed[steepest]) / steepestSlope;
  return end > peak && end <= to ? end : undefined;
}

export function delineate(beat: MedianBeats, rrSamples: number, sampleRateHz: number): WaveBoundaries | undefined {
  const velocity = spatialVelocity(beat.leads);
  const qrs = qrsBoundaries(beat, velocity, sampleRateHz);
  if (!qrs) return undefined;
  const levels = isoelectricLevels(beat, velocity, qrs.onset, sampleRateHz);
  const deviation = deviationFromLevel(beat.leads, levels);
  // The T wave ends before the next beat's P wave: search no later than RR − 150 ms after onset.
  const nextBeatLimit = Number.isFinite(rrSamples) ? qrs.onset + rrSamples - Math.round(0.15 * sampleRateHz) : Infinity;
  const boundaries: WaveBoundaries = { qrsOnset: qrs.onset, qrsOffset: qrs.offset };
  const t = tEnd(deviation, qrs.offset, Math.min(nextBeatLimit, beat.leads[0].length - 1), sampleRateHz);
  if (t !== undefined) boundaries.tEnd = t;
  // The previous beat's T wave ends RR earlier than this one's; the P wave cannot start before it.
  const previousTEnd = t !== undefined && Number.isFinite(rrSamples) ? t - rrSamples + Math.round(T_TAIL_SECONDS * sampleRateHz) : 0;
  const p = pWave(beat, qrs.onset, previousTEnd, sampleRateHz);
  if (p !== undefined) {
    boundaries.pOnset = p.onset;
    boundaries.pOffset = p.offset;
  }
  return boundaries;
}

const normalise = (name: string) => name.trim().toUpperCase();

/**
 * Lead I and aVF of the median beat, derived from what the record has (Einthoven: I = II − III; Goldberger:
 * aVF = II − I/2). MIT-BIH "MLII" is a modified chest-placed lead, not lead II, so it does not count.
 */
function limbLeads(names: readonly string[], beat: MedianBeats): { leadI: Float32Array; leadAvf: Float32Array } | undefined {
  const find = (name: string) => {
    const index = names.findIndex((n) => normalise(n) === normalise(name));
    return index >= 0 ? beat.leads[index] : undefined;
  };
  const combine = (a: Float32Array, b: Float32Array, ka: number, kb: number) => a.map((v, k) => ka * v + kb * b[k]);
  const [I, II, III, aVF] = [find('I'), find('II'), find('III'), find('aVF')];
  const leadI = I ?? (II && III ? combine(II, III, 1, -1) : undefined);
  if (!leadI) return undefined;
  const leadAvf = aVF ?? (II ? combine(II, leadI, 1, -0.5) : III ? combine(III, leadI, 1, 0.5) : undefined);
  return leadAvf ? { leadI, leadAvf } : undefined;
}

function netArea(lead: Float32Array, from: number, to: number, level: number): number {
  let area = 0;
  for (let k = from; k <= to; k++) if (!Number.isNaN(lead[k])) area += lead[k] - level;
  return area;
}

/**
 * Frontal QRS axis from the net QRS areas of I and aVF. aVF sees the frontal vector with √3/2 of lead I's gain
 * (it is II − I/2), so its area is scaled back before the angle is taken.
 */
export function frontalAxis(leadI: Float32Array, leadAvf: Float32Array, onset: number, offset: number, levelAt = onset): number | undefined {
  const level = (lead: Float32Array) => lead[levelAt];
  const x = netArea(leadI, onset, offset, level(leadI));
  const y = (2 / Math.sqrt(3)) * netArea(leadAvf, onset, offset, level(leadAvf));
  return axisDegrees(x, y);
}

/**
 * The frontal angle of the net areas (x from lead I, y from aVF rescaled), −180 < axis ≤ 180. No axis when there is
 * no area, or when a level was taken inside a gap (NaN): nothing to judge by, and never NaN on the screen.
 */
function axisDegrees(x: number, y: number): number | undefined {
  if (!Number.isFinite(x) || !Number.isFinite(y) || (x === 0 && y === 0)) return undefined;
  const degrees = (Math.atan2(y, x) * 180) / Math.PI;
  return degrees === -180 ? 180 : degrees;
}

/** Net area above the chord joining a lead's values at `from` and `to`: a wave's area on a baseline that drifts. */
function areaAboveChord(lead: Float32Array, from: number, to: number): number {
  const a = lead[from];
  const b = lead[to];
  let area = 0;
  for (let k = from; k <= to; k++) if (!Number.isNaN(lead[k])) area += lead[k] - (a + ((b - a) * (k - from)) / (to - from));
  return area;
}

/**
 * Frontal P axis: as the QRS axis, but each lead's P area is taken above the line joining its values at P onset and
 * P offset (T–P level to PR level), which the P wave's small area needs: a tilt of a few µV across 100 ms would
 * otherwise turn its axis.
 */
function chordAxis(leadI: Float32Array, leadAvf: Float32Array, from: number, to: number): number | undefined {
  if (to <= from) return undefined;
  const x = areaAboveChord(leadI, from, to);
  const y = (2 / Math.sqrt(3)) * areaAboveChord(leadAvf, from, to);
  return axisDegrees(x, y);
}

/** Root mean square of successive RR differences ÷ mean RR (Dash et al. 2009, atrial fibrillation screening). */
export function normalisedRmssd(intervals: readonly number[]): number {
  let sumSquares = 0;
  for (let i = 1; i < intervals.length; i++) sumSquares += (intervals[i] - intervals[i - 1]) ** 2;
  const mean = intervals.reduce((a, b) => a + b, 0) / intervals.length;
  return Math.sqrt(sumSquares / (intervals.length - 1)) / mean;
}

/**
 * R and S amplitudes of each standard lead's median beat: the largest excursion above and below the level at QRS
 * onset, within the QRS. Leads without a standard name are left out (their voltage criteria are not defined).
 */
export function qrsAmplitudes(names: readonly string[], beat: MedianBeats, waves: WaveBoundaries): EcgMeasurements['qrsAmplitudes'] {
  const out: NonNullable<EcgMeasurements['qrsAmplitudes']> = {};
  let any = false;
  names.forEach((name, i) => {
    if (!(STANDARD_LEADS as readonly string[]).includes(name)) return;
    const lead = beat.leads[i];
    const level = lead[waves.qrsOnset];
    let r = 0;
    let s = 0;
    for (let k = waves.qrsOnset; k <= waves.qrsOffset; k++) {
      const v = lead[k] - level;
      if (v > r) r = v;
      if (-v > s) s = -v;
    }
    out[name as StandardLead] = { rUv: Math.round(r), sUv: Math.round(s) };
    any = true;
  });
  return any ? out : undefined;
}

const round = (value: number, digits = 0) => {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
};

/** Leads holding at least one valid sample, in the record's order. */
function usableLeadsOf(record: EcgRecord): EcgRecord['leads'] {
  return record.leads.filter((lead) => lead.microvolts.some((v) => Number.isFinite(v)));
}

/** A record's leads as recorded and as analysis sees them, with its calibration stretches: prepared once. */
interface PreparedLeads {
  /** The leads holding any valid sample, as recorded (µV, NaN for invalid samples). */
  raw: Float32Array[];
  /** The same leads as analysis sees them: calibration held over, pacing bridged, the measurement band. */
  filtered: Float32Array[];
  /** A device's calibration pulse at either end (sqi.ts): not ECG. */
  calibration: SampleStretch[];
}

/**
 * The leads as analysis sees them: a calibration pulse at either end held at the neighbouring ECG sample and
 * pacemaker stimuli bridged (both before filtering: the zero-phase filter would ring a 1 mV step back into the
 * last beats, and smear a 1 ms pulse into a QRS-like bump), then the measurement band, zero phase.
 */
function prepareLeads(leads: EcgRecord['leads'], sampleRateHz: number): PreparedLeads {
  const raw = leads.map((lead) => lead.microvolts);
  const calibration = calibrationStretches(raw, sampleRateHz);
  const filtered = raw.map((samples) =>
    filterEcg(removePacingSpikes(heldOver(samples, calibration), sampleRateHz).signal, sampleRateHz, MEASUREMENT_FILTER, 'zero-phase'),
  );
  return { raw, filtered, calibration };
}

/** `samples` with each stretch replaced by the sample just outside it (a copy; the samples themselves when none). */
function heldOver(samples: Float32Array, stretches: readonly SampleStretch[]): Float32Array {
  if (stretches.length === 0) return samples;
  const out = samples.slice();
  for (const { startSample, endSample } of stretches) {
    const held = startSample > 0 ? samples[startSample - 1] : endSample < samples.length ? samples[endSample] : 0;
    out.fill(held, startSample, endSample);
  }
  return out;
}

/**
 * The QRS complexes of a whole record as the screen finds them (measurement filter, then the multi-lead detector);
 * the bench scores this same function, so the figures it prints are the screen's. Give it a record whose leads went
 * through normaliseLeads (standard names first).
 */
export function detectRecordBeats(record: EcgRecord): Int32Array {
  if (!(record.sampleRateHz > 0)) return new Int32Array(0);
  const leads = usableLeadsOf(record);
  return leads.length === 0 ? new Int32Array(0) : detectBetweenDead(prepareLeads(leads, record.sampleRateHz), record.sampleRateHz);
}

/**
 * The detector on each stretch between the record's dead ones (flat, at the rail, invalid, calibration: sqi.ts),
 * each learning its levels afresh: a rail excursion of tens of millivolts would otherwise set the detector's levels
 * so high that it stays blind for the rest of the record. Without dead stretches this is one run over the whole record.
 */
function detectBetweenDead({ raw, filtered, calibration }: PreparedLeads, fs: number): Int32Array {
  const dead = deadStretches(raw, fs, calibration);
  if (dead.length === 0) return detectQrsMultiLead(filtered, fs);
  const n = filtered[0].length;
  const beats: number[] = [];
  let from = 0;
  for (const gap of [...dead, { startSample: n, endSample: n }]) {
    if (gap.startSample > from) {
      const part = detectQrsMultiLead(
        filtered.map((lead) => lead.subarray(from, gap.startSample)),
        fs,
      );
      for (const b of part) beats.push(b + from);
    }
    from = gap.endSample;
  }
  return Int32Array.from(beats);
}

/**
 * The signal-quality windows of a record for `detections` (the primary detector's beats on it), from the leads as
 * recorded: the same judgement measureEcg makes, for the bench to score.
 */
export function recordQualityOf(record: EcgRecord, detections: Int32Array): ReturnType<typeof recordQuality> {
  return recordQuality(
    usableLeadsOf(record).map((lead) => lead.microvolts),
    record.sampleRateHz,
    detections,
  );
}

export function measureEcg(record: EcgRecord): EcgMeasurements {
  const fs = record.sampleRateHz;
  const usableLeads = usableLeadsOf(record);
  const none: EcgMeasurements = { beatCount: 0, medianBeatCount: 0 };
  if (usableLeads.length === 0 || !(fs > 0)) return none;
  const prepared = prepareLeads(usableLeads, fs);
  const { filtered, calibration } = prepared;
  const detected = detectBetweenDead(prepared, fs);
  // Stretches with nothing readable in them give no beats, no intervals and nothing to the median beat; nor does a
  // device's calibration pulse at either end, which is marked on the paper as well.
  const quality = recordQuality(prepared.raw, fs, detected);
  const gaps = mergeStretches([...unreadableStretches(quality.windows, GATED_REASONS), ...calibration]);
  const beats = readableBeats(detected, gaps);
  const result: EcgMeasurements = { beatCount: beats.length, medianBeatCount: 0 };
  const marked: (SampleStretch & { reason: EcgQualityStretch['reason'] })[] = [
    ...markedStretches(quality.windows),
    ...calibration.map((c) => ({ ...c, reason: 'calibration' as const })),
  ].sort((a, b) => a.startSample - b.startSample);
  if (marked.length > 0) {
    result.qualityStretches = marked.map((m) => ({ startS: round(m.startSample / fs, 3), endS: round(m.endSample / fs, 3), reason: m.reason }));
  }
  const intervals = rrIntervals(beats, gaps);
  if (intervals.length === 0) return result;
  const rrMeanSamples = intervals.reduce((a, b) => a + b, 0) / intervals.length;
  const rrSeconds = rrMeanSamples / fs;
  result.rrMeanMs = round(rrSeconds * 1000);
  result.heartRateBpm = round(60 / rrSeconds);

  const beat = medianBeat(filtered, beats, fs);
  if (!beat) return result;
  result.medianBeatCount = beat.beatCount;
  const waves = delineate(beat, median(intervals), fs);
  if (!waves) return result;
  const ms = (samples: number) => round((samples / fs) * 1000);
  result.qrsMs = ms(waves.qrsOffset - waves.qrsOnset);
  if (waves.pOnset !== undefined) result.prMs = ms(waves.qrsOnset - waves.pOnset);
  if (waves.pOnset !== undefined && waves.pOffset !== undefined) result.pDurationMs = ms(waves.pOffset - waves.pOnset);
  if (waves.tEnd !== undefined) {
    const qtSeconds = (waves.tEnd - waves.qrsOnset) / fs;
    result.qtMs = round(qtSeconds * 1000);
    result.qtcBazettMs = round((qtSeconds / Math.sqrt(rrSeconds)) * 1000);
    result.qtcFridericiaMs = round((qtSeconds / Math.cbrt(rrSeconds)) * 1000);
  }
  const names = usableLeads.map((lead) => lead.name);
  const limbs = limbLeads(names, beat);
  if (limbs) {
    const axis = frontalAxis(limbs.leadI, limbs.leadAvf, waves.qrsOnset, waves.qrsOffset);
    if (axis !== undefined) result.qrsAxisDeg = round(axis);
    if (waves.pOnset !== undefined) {
      // The P wave from its onset to its offset; levels from the P onset (the T–P baseline).
      const pEnd = Math.max(waves.pOnset + 1, waves.pOffset ?? waves.qrsOnset - Math.round(P_QRS_GAP_SECONDS * fs));
      const p = chordAxis(limbs.leadI, limbs.leadAvf, waves.pOnset, pEnd);
      if (p !== undefined) result.pAxisDeg = round(p);
    }
    if (waves.tEnd !== undefined) {
      // The ST–T from QRS end to T end, against the PR level (the QRS onset), as the T area is taken.
      const t = frontalAxis(limbs.leadI, limbs.leadAvf, waves.qrsOffset, Math.floor(waves.tEnd), waves.qrsOnset);
      if (t !== undefined) result.tAxisDeg = round(t);
    }
  }
  const amplitudes = qrsAmplitudes(names, beat, waves);
  if (amplitudes) {
    result.qrsAmplitudes = amplitudes;
    const rv = Math.max(amplitudes.V5?.rUv ?? -Infinity, amplitudes.V6?.rUv ?? -Infinity);
    if (amplitudes.V1 && Number.isFinite(rv)) result.sokolowLyonUv = round(amplitudes.V1.sUv + rv);
  }
  if (intervals.length >= 2) result.rrIrregularity = round(normalisedRmssd(intervals), 3);
  return result;
}
