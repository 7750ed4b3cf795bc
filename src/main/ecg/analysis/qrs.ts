import { butterworthHighPass, butterworthLowPass, filterZeroPhase } from './filters';
import { removePacingSpikes } from './pacing';
import { SQI_MATCH_SECONDS, secondDetectorBeats } from './sqi';
import { median } from './stats';

/**
 * QRS detection in the Pan–Tompkins family (Pan & Tompkins 1985; Hamilton & Tompkins 1986), written for offline
 * analysis of a whole record: zero-phase band-pass, absolute slope, a moving-window integral, then a pass over the
 * integral's peaks with adaptive signal/noise levels, a refractory period, T-wave discrimination by slope and a
 * search-back for beats missed while the threshold was too high; then detections that merely split a regular RR
 * interval and look unlike their neighbours are dropped as artefacts, and last those that break a regular rhythm
 * without an independent second detector finding them. All time constants are in seconds, so the
 * same code runs at 100–1000 Hz.
 */

/** QRS energy sits at 5–15 Hz: above baseline wander and T waves, below muscle noise and mains. */
const BAND_LOW_HZ = 5;
const BAND_HIGH_HZ = 15;
/** About the widest QRS; the integral then has one hump per complex. */
const INTEGRATION_SECONDS = 0.15;
/** No two ventricular depolarisations closer than this (physiological refractory period). */
const REFRACTORY_SECONDS = 0.2;
/** A candidate this soon after a beat may be its T wave. */
const T_WAVE_WINDOW_SECONDS = 0.36;
/** A T wave's steepest slope is well below the QRS's (Pan–Tompkins use half). */
const T_WAVE_SLOPE_RATIO = 0.5;
/**
 * From a P wave's apex to its QRS's: half a P wave (≤ 60 ms) plus the longest PR interval commonly seen in first
 * degree block (300 ms).
 */
const P_WAVE_WINDOW_SECONDS = 0.36;
/** A P wave's steepest slope is well below its QRS's: the same ratio as for T waves. */
const P_WAVE_SLOPE_RATIO = 0.5;
/** Look back for a missed beat when the gap exceeds this multiple of the recent median RR. */
const SEARCH_BACK_RR_FACTOR = 1.5;
/** Searched-back peaks need this fraction of the normal threshold. */
const SEARCH_BACK_THRESHOLD_FACTOR = 0.5;
/**
 * Threshold between the noise and signal levels. Pan–Tompkins go a quarter of the way up on squared slopes; the
 * integral here is of |slope| (linear in amplitude, so tall ectopic beats do not dwarf normal ones), where the same
 * amplitude criterion is half way.
 */
const THRESHOLD_FRACTION = 0.5;
/** Band for comparing complexes' shapes: the QRS with its notches and slurs, without baseline wander or mains. */
const SHAPE_BAND_LOW_HZ = 1;
const SHAPE_BAND_HIGH_HZ = 40;
/** Training period for the initial levels. */
const LEARNING_SECONDS = 2;
/**
 * Past this many median cycles with no beat, and search-back finding none, the threshold halves with every further
 * cycle: levels learnt during a burst of artefact otherwise stay above every later beat (a 10 s burst of 1.5 mV
 * left the detector blind for the rest of the record). It never falls below the threshold a long run of beats
 * sets over a noiseless baseline (THRESHOLD_FRACTION of their median height, LONG_HISTORY beats), so a real pause or
 * asystole is not filled with noise (a floor at the search-back fraction of that let 20 µV of noise through).
 */
const BLIND_CYCLES = 5;
/** Beats behind the decay's floor: enough that a burst's worth of artefact taken for beats is not their median. */
const LONG_HISTORY = 64;

export interface QrsFeatures {
  /** Band-passed signal (µV; its magnitude summed over leads for several leads), to place each detection. */
  bandPassed: Float32Array;
  /** Absolute slope, moving-window integrated and centred (µV/s). */
  integrated: Float32Array;
  /** Absolute slope of the band-passed signal (µV/s). */
  slope: Float32Array;
  /**
   * The signal in a wide band (1–40 Hz; magnitudes summed over leads), for comparing the shapes of complexes: in the
   * narrow QRS band every burst of noise rings at the band's centre and looks like every other.
   */
  wideBand: Float32Array;
}

/** One lead's features, with the lead as the detector reads it. */
export interface LeadFeatures extends QrsFeatures {
  /** The lead with invalid samples bridged and pacemaker stimuli removed (µV). */
  conditioned: Float32Array;
}

function bridgeInvalid(samples: Float32Array): Float32Array {
  const out = new Float32Array(samples.length);
  let last = samples.find((v) => !Number.isNaN(v)) ?? 0;
  for (let i = 0; i < samples.length; i++) out[i] = Number.isNaN(samples[i]) ? last : (last = samples[i]);
  return out;
}

function centredMovingAverage(input: Float32Array, width: number): Float32Array {
  const out = new Float32Array(input.length);
  const half = Math.floor(width / 2);
  let sum = 0;
  let count = 0;
  // Running sum over [i - half, i + half], shrinking at the ends.
  for (let i = 0; i < Math.min(half, input.length); i++) {
    sum += input[i];
    count++;
  }
  for (let i = 0; i < input.length; i++) {
    const entering = i + half;
    if (entering < input.length) {
      sum += input[entering];
      count++;
    }
    const leaving = i - half - 1;
    if (leaving >= 0) {
      sum -= input[leaving];
      count--;
    }
    out[i] = sum / count;
  }
  return out;
}

export function qrsFeatures(microvolts: Float32Array, sampleRateHz: number): LeadFeatures {
  const chain = [...butterworthHighPass(2, BAND_LOW_HZ, sampleRateHz), ...butterworthLowPass(2, BAND_HIGH_HZ, sampleRateHz)];
  // Pacemaker stimuli out first: band-passed, a 1 ms pulse rings like a QRS (see pacing.ts).
  const bridged = removePacingSpikes(bridgeInvalid(microvolts), sampleRateHz).signal;
  const bandPassed = filterZeroPhase(chain, bridged);
  const wideBand = filterZeroPhase(
    [...butterworthHighPass(2, SHAPE_BAND_LOW_HZ, sampleRateHz), ...butterworthLowPass(2, Math.min(SHAPE_BAND_HIGH_HZ, 0.45 * sampleRateHz), sampleRateHz)],
    bridged,
  );
  const n = bandPassed.length;
  const slope = new Float32Array(n);
  for (let i = 1; i < n - 1; i++) slope[i] = (Math.abs(bandPassed[i + 1] - bandPassed[i - 1]) * sampleRateHz) / 2;
  const width = Math.max(1, Math.round(INTEGRATION_SECONDS * sampleRateHz));
  return { bandPassed, slope, integrated: centredMovingAverage(slope, width), wideBand, conditioned: bridged };
}

/** Local maxima of the integral that are the highest point within ± `halfWidth` samples. */
export function integralPeaks(integrated: Float32Array, halfWidth: number): number[] {
  const peaks: number[] = [];
  const n = integrated.length;
  for (let i = 1; i < n; i++) {
    const value = integrated[i];
    // The last sample counts as a peak while the integral still rises: a beat can end a record.
    if (!(value > integrated[i - 1] && (i === n - 1 || value >= integrated[i + 1]))) continue;
    let isHighest = true;
    for (let k = Math.max(0, i - halfWidth); k <= Math.min(n - 1, i + halfWidth); k++) {
      if (integrated[k] > value) {
        isHighest = false;
        break;
      }
    }
    if (isHighest && (peaks.length === 0 || i - peaks[peaks.length - 1] > halfWidth)) peaks.push(i);
  }
  return peaks;
}

function maxIn(values: Float32Array, from: number, to: number): number {
  let best = 0;
  for (let i = Math.max(0, from); i <= Math.min(values.length - 1, to); i++) if (values[i] > best) best = values[i];
  return best;
}

/** Index of the largest absolute band-passed value near an integral peak: the R (or QS) deflection. */
function mainDeflection(bandPassed: Float32Array, centre: number, halfWidth: number): number {
  let best = centre;
  let bestValue = -1;
  for (let i = Math.max(0, centre - halfWidth); i <= Math.min(bandPassed.length - 1, centre + halfWidth); i++) {
    const value = Math.abs(bandPassed[i]);
    if (value > bestValue) {
      bestValue = value;
      best = i;
    }
  }
  return best;
}

interface Beat {
  index: number;
  /** Steepest slope of the complex, the yardstick for telling its T wave apart. */
  slope: number;
}

const HISTORY = 8;

function pushBounded(values: number[], value: number, limit = HISTORY): void {
  values.push(value);
  if (values.length > limit) values.shift();
}

/**
 * The decision pass over integral peaks; returns the integral-peak positions accepted as QRS. Levels are medians
 * of the last eight beats and noise peaks, so one tall ectopic beat or one artefact does not blind the detector
 * to the next normal complex (Hamilton & Tompkins 1986 found medians the best estimators).
 */
function classifyPeaks(features: QrsFeatures, peaks: readonly number[], sampleRateHz: number): number[] {
  const { integrated, slope } = features;
  const refractory = Math.round(REFRACTORY_SECONDS * sampleRateHz);
  const tWaveWindow = Math.round(T_WAVE_WINDOW_SECONDS * sampleRateHz);
  const pWaveWindow = Math.round(P_WAVE_WINDOW_SECONDS * sampleRateHz);
  const slopeHalfWidth = Math.round(0.075 * sampleRateHz);
  const learningEnd = Math.min(integrated.length, Math.round(LEARNING_SECONDS * sampleRateHz));

  const learningPeaks = peaks.filter((p) => p < learningEnd).map((p) => integrated[p]);
  const heights: number[] = learningPeaks.length > 0 ? [Math.max(...learningPeaks) / 2] : [];
  const noiseHeights: number[] = learningPeaks.length > 0 ? [median(learningPeaks) / 2] : [0];
  const rrs: number[] = [];
  const beats: Beat[] = [];
  /** Peaks seen since the last beat and rejected: the search-back candidates. */
  let rejected: number[] = [];

  /** Where the pass stands: the threshold decays with the time since the last beat (BLIND_CYCLES). */
  let now = 0;
  const blindCycles = () => {
    const last = beats[beats.length - 1];
    if (!last || rrs.length < 2) return 0;
    return (now - last.index) / median(rrs) - BLIND_CYCLES;
  };
  /** Heights of the last LONG_HISTORY beats, for the decay's floor. */
  const longHeights: number[] = [];
  const threshold = () => {
    const noise = median(noiseHeights);
    const signal = heights.length > 0 ? median(heights) : noise;
    const level = noise + THRESHOLD_FRACTION * (signal - noise);
    const blind = blindCycles();
    if (blind <= 0) return level;
    const floor = THRESHOLD_FRACTION * median(longHeights);
    return Math.min(level, Math.max(floor, level * 0.5 ** blind));
  };
  const slopeAt = (peak: number) => maxIn(slope, peak - slopeHalfWidth, peak + slopeHalfWidth);
  /** A candidate soon after a beat with much gentler slopes is that beat's T wave. */
  const isTWave = (peak: number) => {
    const last = beats[beats.length - 1];
    return last !== undefined && peak - last.index < tWaveWindow && slopeAt(peak) < T_WAVE_SLOPE_RATIO * last.slope;
  };
  const accept = (peak: number) => {
    const last = beats[beats.length - 1];
    // A beat found only by the decayed threshold: the levels held were the artefact's; learn them again from it.
    if (blindCycles() > 0) {
      heights.length = 0;
      noiseHeights.length = 0;
      noiseHeights.push(0);
    }
    if (last) pushBounded(rrs, peak - last.index);
    pushBounded(heights, integrated[peak]);
    pushBounded(longHeights, integrated[peak], LONG_HISTORY);
    beats.push({ index: peak, slope: slopeAt(peak) });
  };
  const rejectAsNoise = (peak: number) => {
    pushBounded(noiseHeights, integrated[peak]);
    rejected.push(peak);
  };
  /** Before `upTo`: if the gap since the last beat is too long for the rhythm, take the best rejected peak. */
  const searchBack = (upTo: number) => {
    for (;;) {
      const last = beats[beats.length - 1];
      if (!last || rrs.length < 2 || upTo - last.index <= SEARCH_BACK_RR_FACTOR * median(rrs)) return;
      const lowered = SEARCH_BACK_THRESHOLD_FACTOR * threshold();
      let best = -1;
      for (const candidate of rejected) {
        if (candidate - last.index < refractory || upTo - candidate < refractory) continue;
        if (integrated[candidate] <= lowered || isTWave(candidate)) continue;
        if (best < 0 || integrated[candidate] > integrated[best]) best = candidate;
      }
      if (best < 0) return;
      rejected = rejected.filter((p) => p > best);
      accept(best);
    }
  };

  /**
   * The mirror of the T-wave rule: a candidate followed, within the longest P-to-R distance, by a candidate with more
   * than twice its steepest slope is that complex's P wave (tall P waves and long PR intervals put it far enough
   * ahead to clear the refractory period).
   */
  const isPWave = (index: number) => {
    const peak = peaks[index];
    const own = slopeAt(peak);
    // A complex as steep as the recent beats is a QRS whatever follows it (noise, an R-on-T beat).
    if (beats.length > 0 && own >= P_WAVE_SLOPE_RATIO * median(beats.slice(-HISTORY).map((b) => b.slope))) return false;
    for (let j = index + 1; j < peaks.length && peaks[j] - peak <= pWaveWindow; j++) {
      if (integrated[peaks[j]] > threshold() && own < P_WAVE_SLOPE_RATIO * slopeAt(peaks[j])) return true;
    }
    return false;
  };

  for (let index = 0; index < peaks.length; index++) {
    const peak = peaks[index];
    now = peak;
    searchBack(peak);
    const last = beats[beats.length - 1];
    if ((last && peak - last.index < refractory) || integrated[peak] <= threshold() || isTWave(peak) || isPWave(index)) {
      rejectAsNoise(peak);
      continue;
    }
    accept(peak);
    rejected = [];
  }
  searchBack(integrated.length + refractory);
  return beats.map((b) => b.index);
}

/**
 * Sample indices of the QRS complexes in one lead (µV, NaN allowed for invalid samples), each placed on the
 * complex's main deflection.
 */
export function detectQrs(microvolts: Float32Array, sampleRateHz: number): Int32Array {
  if (microvolts.length < sampleRateHz) return new Int32Array(0);
  const features = qrsFeatures(microvolts, sampleRateHz);
  return removeUnconfirmedOffRhythm(detectOnFeatures(features, sampleRateHz), [features.conditioned], sampleRateHz);
}

/** Intervals on each side of a detection that define its local rhythm. */
const RHYTHM_CONTEXT = 8;
/** Both parts of a split interval are shorter than this fraction of the local cycle. */
const SPLIT_SHORT = 0.75;
/** "On time" and "regular": within ±15 % of the local median cycle. */
const SPLIT_TOLERANCE = 0.15;

/** Complexes this alike (band-passed, ±60 ms, best lag within ±20 ms) are the same kind of beat. */
const SAME_SHAPE_CORRELATION = 0.9;
const SHAPE_HALF_WINDOW_SECONDS = 0.06;
const SHAPE_MAX_LAG_SECONDS = 0.02;

function correlationAt(signal: Float32Array, a: number, b: number, halfWindow: number): number {
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  let sa = 0;
  let sb = 0;
  let n = 0;
  for (let k = -halfWindow; k <= halfWindow; k++) {
    const x = signal[a + k];
    const y = signal[b + k];
    if (x === undefined || y === undefined) continue;
    sa += x;
    sb += y;
    saa += x * x;
    sbb += y * y;
    sab += x * y;
    n++;
  }
  const cov = sab - (sa * sb) / n;
  const va = saa - (sa * sa) / n;
  const vb = sbb - (sb * sb) / n;
  return n > 1 && va > 0 && vb > 0 ? cov / Math.sqrt(va * vb) : 0;
}

/** Highest Pearson correlation between the complexes at `a` and `b` over small misalignments. */
export function bestCorrelation(signal: Float32Array, a: number, b: number, halfWindow: number, maxLag: number): number {
  let best = -1;
  for (let lag = -maxLag; lag <= maxLag; lag++) best = Math.max(best, correlationAt(signal, a, b + lag, halfWindow));
  return best;
}

/** Share of the neighbouring intervals that must be on the local cycle for the rhythm to count as regular. */
const REGULAR_SHARE = 0.7;

/**
 * Share of the intervals that are on the cycle, counting the two halves of a split cycle (two adjacent intervals
 * that are each short but add up to one cycle) as on it: a burst of noise puts several such splits close together,
 * and counted as off-cycle they would make the rhythm around them look irregular and shield each other from removal.
 */
function onCycleShare(intervals: readonly number[], near: (interval: number) => boolean): number {
  let onCycle = 0;
  for (let k = 0; k < intervals.length; k++) {
    const splitHalf =
      (k > 0 && near(intervals[k - 1] + intervals[k]) && !near(intervals[k - 1])) ||
      (k + 1 < intervals.length && near(intervals[k] + intervals[k + 1]) && !near(intervals[k + 1]));
    if (near(intervals[k]) || (splitHalf && !near(intervals[k]))) onCycle++;
  }
  return onCycle / intervals.length;
}

/**
 * In a regular rhythm, a detection that cuts one RR interval into two short ones, with the beats either side of it
 * exactly one cycle apart, is an artefact: a premature beat would be followed by a pause, not by the next beat on
 * time. "Regular" means most neighbouring intervals (±8) lie within 15 % of their median, which an irregularly
 * irregular rhythm (atrial fibrillation) does not meet, so its beats are left alone. An interpolated ventricular
 * beat in sinus rhythm looks the same and is dropped too: the price of not counting noise as beats.
 */
export function removeRhythmSplits(beats: readonly number[], sameShape: (a: number, b: number) => boolean = () => false): number[] {
  // Each removal makes the rhythm around it more regular, which can expose the next split of the same noise burst;
  // repeat until nothing changes (each pass only removes, so this ends).
  let kept = [...beats];
  for (;;) {
    const next = removeSplitsOnce(kept, sameShape);
    if (next.length === kept.length) return next;
    kept = next;
  }
}

/** The rhythm around detection `i`: its neighbouring intervals (±8), not the two either side of it. */
interface LocalRhythm {
  cycle: number;
  /** Within ±15 % of the cycle. */
  near: (interval: number) => boolean;
  /** Most neighbouring intervals are on the cycle (split halves counted on it). */
  regular: boolean;
}

/** Undefined when the record gives too few neighbouring intervals to judge. */
function localRhythm(beats: ArrayLike<number>, i: number): LocalRhythm | undefined {
  const context: number[] = [];
  for (let k = Math.max(1, i - RHYTHM_CONTEXT); k <= Math.min(beats.length - 1, i + RHYTHM_CONTEXT + 1); k++) {
    if (k !== i && k !== i + 1) context.push(beats[k] - beats[k - 1]);
  }
  if (context.length < RHYTHM_CONTEXT) return undefined;
  const cycle = median(context);
  const near = (interval: number) => Math.abs(interval - cycle) <= SPLIT_TOLERANCE * cycle;
  return { cycle, near, regular: onCycleShare(context, near) >= REGULAR_SHARE };
}

function removeSplitsOnce(beats: readonly number[], sameShape: (a: number, b: number) => boolean): number[] {
  const kept = [...beats];
  for (let i = 1; i < kept.length - 1; i++) {
    const rhythm = localRhythm(kept, i);
    if (!rhythm) continue;
    const { cycle, near, regular } = rhythm;
    const isSplit =
      regular &&
      kept[i] - kept[i - 1] < SPLIT_SHORT * cycle &&
      kept[i + 1] - kept[i] < SPLIT_SHORT * cycle &&
      near(kept[i + 1] - kept[i - 1]) &&
      !sameShape(kept[i], kept[i - 1]) &&
      !sameShape(kept[i], kept[i + 1]);
    if (isSplit) kept.splice(i--, 1);
  }
  return kept;
}

/**
 * A detection the second, independent detector (sqi.ts: the curve-length transform) does not find, and that breaks
 * a regular rhythm — neither on time nor a premature beat followed by a pause of about a cycle or more — is dropped. The
 * two detectors share nothing but the signal: where both see a complex it is kept whatever its timing, and an
 * ectopic beat keeps its place by its timing even when only this detector sees it. What goes is a lone detector's
 * off-rhythm pick, which is what MIT-BIH 105's motion artefacts are. With several leads a detection is confirmed
 * when the second detector finds it on more than half of them. The match distance is the signal-quality index's
 * (EC57's 150 ms), the rhythm tests the split rule's.
 */
export function removeUnconfirmedOffRhythm(beats: Int32Array, leads: readonly Float32Array[], sampleRateHz: number): Int32Array {
  if (beats.length < 3 || leads.length === 0) return beats;
  const match = Math.round(SQI_MATCH_SECONDS * sampleRateHz);
  // The second detector runs only once some detection breaks the rhythm: a regular record never needs it.
  let second: Int32Array[] | undefined;
  const foundBySecond = (at: number) => {
    second ??= leads.map((lead) => secondDetectorBeats(lead, sampleRateHz));
    return second.filter((other) => hasBeatNear(other, at, match)).length * 2 > second.length;
  };
  const breaksRhythm = (at: number, i: number) => {
    const rhythm = localRhythm(beats, i);
    if (!rhythm?.regular) return false;
    const before = at - beats[i - 1];
    const after = beats[i + 1] - at;
    const premature = before < rhythm.cycle && after >= (1 - SPLIT_TOLERANCE) * rhythm.cycle;
    return !rhythm.near(before) && !premature;
  };
  return beats.filter((at, i) => i === 0 || i === beats.length - 1 || !breaksRhythm(at, i) || foundBySecond(at));
}

/** Whether the sorted `beats` hold one within `distance` samples of `at`. */
function hasBeatNear(beats: Int32Array, at: number, distance: number): boolean {
  let lo = 0;
  let hi = beats.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (beats[mid] < at - distance) lo = mid + 1;
    else hi = mid;
  }
  return lo < beats.length && beats[lo] <= at + distance;
}

function detectOnFeatures(features: QrsFeatures, sampleRateHz: number): Int32Array {
  const peaks = integralPeaks(features.integrated, Math.round((REFRACTORY_SECONDS * sampleRateHz) / 2));
  const halfWindow = Math.round(SHAPE_HALF_WINDOW_SECONDS * sampleRateHz);
  const maxLag = Math.round(SHAPE_MAX_LAG_SECONDS * sampleRateHz);
  const sameShape = (a: number, b: number) => bestCorrelation(features.wideBand, a, b, halfWindow, maxLag) >= SAME_SHAPE_CORRELATION;
  const accepted = removeRhythmSplits(classifyPeaks(features, peaks, sampleRateHz), sameShape);
  const halfWidth = Math.round(0.08 * sampleRateHz);
  return Int32Array.from(accepted, (peak) => mainDeflection(features.bandPassed, peak, halfWidth));
}

/** Element-wise sum of the leads' features: the spatial slope of the heart's vector, whatever its direction. */
function spatialFeatures(perLead: readonly QrsFeatures[]): QrsFeatures {
  const n = perLead[0].integrated.length;
  const combined: QrsFeatures = { bandPassed: new Float32Array(n), integrated: new Float32Array(n), slope: new Float32Array(n), wideBand: new Float32Array(n) };
  for (const features of perLead) {
    for (let i = 0; i < n; i++) {
      combined.bandPassed[i] += Math.abs(features.bandPassed[i]);
      combined.integrated[i] += features.integrated[i];
      combined.slope[i] += features.slope[i];
      combined.wideBand[i] += Math.abs(features.wideBand[i]);
    }
  }
  return combined;
}

/**
 * QRS complexes of a multi-lead recording, detected on the sum of the leads' slope features (spatial velocity).
 * A lead that happens to be perpendicular to the QRS vector shows only P and T waves; voting lead by lead would let
 * such leads outvote the others, while in the sum their gentle T slopes stay small beside the QRS slopes of the
 * rest. With one or two leads (Holter: MIT-BIH MLII + V1/V5) the first lead decides, as is the convention there:
 * the second is often noisier and would add its artefacts.
 */
export function detectQrsMultiLead(leads: readonly Float32Array[], sampleRateHz: number): Int32Array {
  if (leads.length === 0) return new Int32Array(0);
  if (leads.length <= 2) return detectQrs(leads[0], sampleRateHz);
  if (leads[0].length < sampleRateHz) return new Int32Array(0);
  const perLead = leads.map((lead) => qrsFeatures(lead, sampleRateHz));
  return removeUnconfirmedOffRhythm(
    detectOnFeatures(spatialFeatures(perLead), sampleRateHz),
    perLead.map((features) => features.conditioned),
    sampleRateHz,
  );
}
