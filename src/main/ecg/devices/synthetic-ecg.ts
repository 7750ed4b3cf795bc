/**
 * A synthetic, seeded 12-lead resting ECG: the demo device's default recording, so a fresh clone shows a live trace
 * without any sample files. Pure (no I/O, no clock, no Math.random).
 *
 * Model: the heart as one moving dipole (a vectorcardiogram). Each beat is a sum of Gaussian waves (P, septal Q, R,
 * S, asymmetric T), each with a fixed direction in body axes; a lead is the projection of the dipole on the lead's
 * direction. Body axes: x to the patient's left, y inferior (towards the feet), z anterior.
 * - Limb leads: only I and II are projected (frontal plane, 0° and +60°); the rest follow from them by definition,
 *   so Einthoven's law III = II − I and aVR + aVL + aVF = 0 hold exactly, as on a real cart.
 * - Precordial leads: projections on horizontal-plane directions (V1 right of the sternum … V6 mid-axillary) times a
 *   proximity gain, giving normal R-wave progression (rS in V1, transition near V3, qR in V5–V6).
 * - Rhythm: sinus at the requested mean rate with respiratory sinus arrhythmia (±3.5 % at the breathing rate) and a
 *   small random beat-to-beat term; PR fixed at about 170 ms, QT following the preceding RR by Bazett (QTc 390 ms).
 * - Nuisances: respiratory baseline wander (20–30 µV) and white noise (default 5 µV RMS); optional 50 Hz mains.
 * The signal is periodic over the record: beats and breathing are laid out so the record loops without a seam.
 */
import type { EcgAnnotation, EcgLead, EcgRecord } from '../../../shared/ecg';
import { mulberry32 } from '../../../shared/mulberry32';

export interface SyntheticEcgOptions {
  seed?: number;
  /** Approximate length; the record is cut at a whole number of beats so it loops seamlessly. */
  durationS?: number;
  sampleRateHz?: number;
  heartRateBpm?: number;
  noiseMicrovoltsRms?: number;
  /** Amplitude of 50 Hz mains interference (China's grid), µV; 0 for a clean trace. */
  mainsMicrovolts?: number;
}

/** What a replay needs from a record, with the beats marked (MIT symbol N at each R peak). */
export type SyntheticEcg = Pick<EcgRecord, 'sampleRateHz' | 'leads' | 'annotations'> & { annotations: EcgAnnotation[] };

type Vector3 = readonly [x: number, y: number, z: number];

interface Wave {
  /** Peak time relative to the R peak, s. */
  centerS: (rrS: number) => number;
  /** Gaussian widths before and after the peak, s (equal unless the wave is asymmetric). */
  riseS: number;
  fallS: number;
  direction: Vector3;
  microvolts: number;
  /** True when respiration modulates the amplitude (QRS: the heart moves against the electrodes). */
  breathes: boolean;
}

const QRS_ONSET_BEFORE_R_S = 0.045;
const QTC_BAZETT_S = 0.39;

function unit(x: number, y: number, z: number): Vector3 {
  const norm = Math.hypot(x, y, z);
  return [x / norm, y / norm, z / norm];
}

const WAVES: readonly Wave[] = [
  { centerS: () => -0.165, riseS: 0.022, fallS: 0.022, direction: unit(0.57, 0.82, 0.1), microvolts: 140, breathes: false },
  { centerS: () => -0.028, riseS: 0.008, fallS: 0.008, direction: unit(-0.6, -0.1, 0.8), microvolts: 180, breathes: true },
  { centerS: () => 0, riseS: 0.0105, fallS: 0.0105, direction: unit(0.62, 0.74, -0.2), microvolts: 1300, breathes: true },
  { centerS: () => 0.03, riseS: 0.011, fallS: 0.011, direction: unit(-0.35, -0.45, -0.82), microvolts: 450, breathes: true },
  {
    // T peaks ~75 ms before the end of QT; QT from the preceding RR by Bazett.
    centerS: (rrS) => -QRS_ONSET_BEFORE_R_S + QTC_BAZETT_S * Math.sqrt(rrS) - 0.075,
    riseS: 0.055,
    fallS: 0.035,
    direction: unit(0.743, 0.623, 0.25),
    microvolts: 330,
    breathes: false,
  },
];

/** Horizontal-plane angle from the patient's left towards anterior, degrees, and proximity gain. */
const PRECORDIAL_PLACEMENT: Record<string, { angleDeg: number; gain: number }> = {
  V1: { angleDeg: 115, gain: 1.4 },
  V2: { angleDeg: 90, gain: 1.9 },
  V3: { angleDeg: 70, gain: 2.0 },
  V4: { angleDeg: 45, gain: 2.0 },
  V5: { angleDeg: 25, gain: 1.6 },
  V6: { angleDeg: 0, gain: 1.3 },
};

const BREATHS_PER_S = 0.25;
const RSA_FRACTION = 0.035;
const RANDOM_RR_FRACTION = 0.012;
const FIRST_R_PEAK_S = 0.4;

function gaussian(random: () => number): number {
  const u = Math.max(random(), Number.EPSILON);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

interface BeatPlan {
  rPeakS: number;
  precedingRrS: number;
  /** Respiration phase at the beat, radians. */
  breathPhase: number;
}

/**
 * RR intervals with respiratory sinus arrhythmia: the breathing frequency is chosen so a whole number of breaths fits
 * the record, which is itself a whole number of beats, so both the rhythm and the baseline loop without a seam.
 */
function planBeats(meanRrS: number, durationS: number, random: () => number): { beats: BeatPlan[]; lengthS: number } {
  const beatCount = Math.max(2, Math.round(durationS / meanRrS));
  const approxLengthS = beatCount * meanRrS;
  const breathHz = Math.max(1, Math.round(approxLengthS * BREATHS_PER_S)) / approxLengthS;
  const rrs: number[] = [];
  for (let k = 0; k < beatCount; k++) {
    const phase = 2 * Math.PI * breathHz * k * meanRrS;
    // Heart rate rises on inspiration, so RR shortens: minus sine.
    rrs.push(meanRrS * (1 - RSA_FRACTION * Math.sin(phase) + RANDOM_RR_FRACTION * gaussian(random)));
  }
  const lengthS = rrs.reduce((sum, rr) => sum + rr, 0);
  const beats: BeatPlan[] = [];
  let rPeakS = FIRST_R_PEAK_S;
  for (let k = 0; k < beatCount; k++) {
    beats.push({
      rPeakS,
      precedingRrS: rrs[(k + beatCount - 1) % beatCount],
      breathPhase: 2 * Math.PI * (rPeakS / lengthS) * Math.max(1, Math.round(approxLengthS * BREATHS_PER_S)),
    });
    rPeakS += rrs[k];
  }
  return { beats, lengthS };
}

/** Adds one wave of one beat to the dipole, wrapping around the record end so the signal is periodic. */
function addWave(dipole: Float64Array[], wave: Wave, beat: BeatPlan, sampleRateHz: number): void {
  const total = dipole[0].length;
  const centerS = beat.rPeakS + wave.centerS(beat.precedingRrS);
  const amplitude = wave.microvolts * (wave.breathes ? 1 + 0.05 * Math.sin(beat.breathPhase) : 1);
  const first = Math.floor((centerS - 5 * wave.riseS) * sampleRateHz);
  const last = Math.ceil((centerS + 5 * wave.fallS) * sampleRateHz);
  for (let n = first; n <= last; n++) {
    const dt = n / sampleRateHz - centerS;
    const width = dt < 0 ? wave.riseS : wave.fallS;
    const value = amplitude * Math.exp(-0.5 * (dt / width) ** 2);
    const index = ((n % total) + total) % total;
    for (let axis = 0; axis < 3; axis++) dipole[axis][index] += value * wave.direction[axis];
  }
}

function project(dipole: Float64Array[], direction: Vector3, gain: number): Float64Array {
  const out = new Float64Array(dipole[0].length);
  for (let i = 0; i < out.length; i++) {
    out[i] = gain * (dipole[0][i] * direction[0] + dipole[1][i] * direction[1] + dipole[2][i] * direction[2]);
  }
  return out;
}

function addNuisances(
  signal: Float64Array,
  options: { sampleRateHz: number; wanderMicrovolts: number; wanderHz: number; wanderPhase: number; noiseRms: number; mains: number },
  random: () => number,
): Float64Array {
  for (let i = 0; i < signal.length; i++) {
    const t = i / options.sampleRateHz;
    signal[i] +=
      options.wanderMicrovolts * Math.sin(2 * Math.PI * options.wanderHz * t + options.wanderPhase) +
      options.noiseRms * gaussian(random) +
      options.mains * Math.sin(2 * Math.PI * 50 * t);
  }
  return signal;
}

export function synthesizeEcg(options: SyntheticEcgOptions = {}): SyntheticEcg {
  const sampleRateHz = options.sampleRateHz ?? 500;
  const meanRrS = 60 / (options.heartRateBpm ?? 72);
  const random = mulberry32(options.seed ?? 1);
  const { beats, lengthS } = planBeats(meanRrS, options.durationS ?? 30, random);
  const total = Math.round(lengthS * sampleRateHz);
  const dipole = [new Float64Array(total), new Float64Array(total), new Float64Array(total)];
  for (const beat of beats) for (const wave of WAVES) addWave(dipole, wave, beat, sampleRateHz);

  const breaths = Math.max(1, Math.round(lengthS * BREATHS_PER_S));
  const nuisance = (wanderMicrovolts: number, wanderPhase: number) => ({
    sampleRateHz,
    wanderMicrovolts,
    wanderHz: breaths / (total / sampleRateHz),
    wanderPhase,
    noiseRms: options.noiseMicrovoltsRms ?? 5,
    mains: options.mainsMicrovolts ?? 0,
  });
  const leadI = addNuisances(project(dipole, [1, 0, 0], 1), nuisance(20, 0), random);
  const leadII = addNuisances(project(dipole, [0.5, Math.sqrt(3) / 2, 0], 1), nuisance(30, 0.6), random);
  const derived = (combine: (i: number, ii: number) => number) => leadI.map((i, n) => combine(i, leadII[n]));

  const limb: [string, Float64Array][] = [
    ['I', leadI],
    ['II', leadII],
    ['III', derived((i, ii) => ii - i)],
    ['aVR', derived((i, ii) => -(i + ii) / 2)],
    ['aVL', derived((i, ii) => i - ii / 2)],
    ['aVF', derived((i, ii) => ii - i / 2)],
  ];
  const precordial = Object.entries(PRECORDIAL_PLACEMENT).map(([name, { angleDeg, gain }], k): [string, Float64Array] => {
    const angle = (angleDeg * Math.PI) / 180;
    const signal = project(dipole, [Math.cos(angle), 0, Math.sin(angle)], gain);
    return [name, addNuisances(signal, nuisance(25, 0.4 * k), random)];
  });
  const leads: EcgLead[] = [...limb, ...precordial].map(([name, values]) => ({ name, microvolts: Float32Array.from(values) }));
  const annotations = beats.map((beat) => ({ sample: Math.round(beat.rPeakS * sampleRateHz) % total, symbol: 'N' })).sort((a, b) => a.sample - b.sample);
  return { sampleRateHz, leads, annotations };
}
