import type { EcgAnnotation } from '../../../shared/ecg';
import { isBeatSymbol } from '../formats/wfdb-annotations';

/**
 * Beat-by-beat QRS detection scoring after ANSI/AAMI EC57 (the method of PhysioNet's `bxb`): a detection matches a
 * reference beat when they are at most 150 ms apart; each reference beat and each detection is used once; only
 * beats from 5 minutes after the start are scored (the first 5 minutes are a learning period for the detector).
 * Gross statistics over several records sum the counts before dividing (EC57 §4.2.1), so long records weigh more.
 */

export const EC57_MATCH_WINDOW_SECONDS = 0.15;
export const EC57_LEARNING_PERIOD_SECONDS = 300;

export interface QrsScore {
  truePositives: number;
  falseNegatives: number;
  falsePositives: number;
  /** Se = TP / (TP + FN), in percent; NaN when there is no reference beat to find. */
  sensitivityPercent: number;
  /** +P = TP / (TP + FP), in percent; NaN when nothing was detected. */
  positivePredictivityPercent: number;
}

export interface Ec57Options {
  sampleRateHz: number;
  matchWindowSeconds?: number;
  /** Start of the scored interval; EC57 uses 5 minutes. Records shorter than that are scored whole if this is 0. */
  scoreFromSeconds?: number;
}

/** Sample indices of the reference beats (the beat labels bxb counts; rhythm, noise and comment labels are not beats). */
export function referenceBeatSamples(annotations: readonly EcgAnnotation[]): Int32Array {
  return Int32Array.from(annotations.filter((a) => isBeatSymbol(a.symbol)).map((a) => a.sample)).sort();
}

export function scoreFromCounts(truePositives: number, falseNegatives: number, falsePositives: number): QrsScore {
  return {
    truePositives,
    falseNegatives,
    falsePositives,
    sensitivityPercent: (100 * truePositives) / (truePositives + falseNegatives),
    positivePredictivityPercent: (100 * truePositives) / (truePositives + falsePositives),
  };
}

/**
 * Walks both sorted lists once. A pair within the window is taken unless the next reference beat is closer to the
 * detection (then this reference beat was missed) or the next detection is closer to the reference beat (then this
 * detection is false) — bxb's rule, which keeps a slightly early extra detection from stealing a true beat's match.
 */
export function scoreQrs(reference: ArrayLike<number>, detected: ArrayLike<number>, options: Ec57Options): QrsScore {
  const window = Math.round((options.matchWindowSeconds ?? EC57_MATCH_WINDOW_SECONDS) * options.sampleRateHz);
  const scoredFrom = (options.scoreFromSeconds ?? EC57_LEARNING_PERIOD_SECONDS) * options.sampleRateHz;
  const ref = Float64Array.from(reference).sort();
  const test = Float64Array.from(detected).sort();
  let tp = 0;
  let fn = 0;
  let fp = 0;
  const missed = (T: number) => (T >= scoredFrom ? fn++ : 0);
  const falseDetection = (t: number) => (t >= scoredFrom ? fp++ : 0);
  let i = 0;
  let j = 0;
  while (i < ref.length && j < test.length) {
    const T = ref[i];
    const t = test[j];
    if (t < T - window) {
      falseDetection(t);
      j++;
    } else if (T < t - window) {
      missed(T);
      i++;
    } else if (i + 1 < ref.length && Math.abs(ref[i + 1] - t) < Math.abs(T - t)) {
      missed(T);
      i++;
    } else if (j + 1 < test.length && Math.abs(test[j + 1] - T) < Math.abs(t - T)) {
      falseDetection(t);
      j++;
    } else {
      // A pair straddling the start of scoring counts when its reference beat lies in the scored interval.
      if (T >= scoredFrom) tp++;
      i++;
      j++;
    }
  }
  for (; i < ref.length; i++) missed(ref[i]);
  for (; j < test.length; j++) falseDetection(test[j]);
  return scoreFromCounts(tp, fn, fp);
}

/** Gross (pooled) statistics over records: counts are summed, then Se and +P computed once. */
export function grossScore(scores: readonly QrsScore[]): QrsScore {
  const sum = (key: 'truePositives' | 'falseNegatives' | 'falsePositives') => scores.reduce((total, s) => total + s[key], 0);
  return scoreFromCounts(sum('truePositives'), sum('falseNegatives'), sum('falsePositives'));
}
