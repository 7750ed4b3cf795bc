import { mulberry32 } from '../../../../src/shared/mulberry32';

/**
 * A synthetic ECG for tests that must run without the shared corpus: each beat is P, Q, R, S and T gaussians at
 * known times, projected from a frontal-plane cardiac vector onto the limb leads, so intervals, heart rate and
 * axis are known exactly. Wave edges are defined where the tangent at a gaussian's steepest point meets the
 * baseline: centre ± 2σ (the tangent method used for T end in clinical QT measurement).
 */

export interface Wave {
  /** Centre relative to the R peak (s). */
  at: number;
  sigma: number;
  /** Amplitude along the wave's vector (µV). */
  amplitude: number;
  /** Frontal-plane direction of the wave's vector (degrees, hexaxial: I = 0°, aVF = +90°). */
  angleDeg: number;
}

export interface BeatShape {
  p?: Wave;
  q: Wave;
  r: Wave;
  s: Wave;
  t: Wave;
  /** Further waves (a U wave, a slow hump in the T–P segment), drawn like the others. */
  extra?: Wave[];
}

/** Normal sinus beat: PR 160 ms, QRS ≈ 92 ms, QT 380 ms, axis +60°. */
export function normalBeat(axisDeg = 60): BeatShape {
  return {
    p: { at: -0.15, sigma: 0.022, amplitude: 150, angleDeg: 50 },
    q: { at: -0.022, sigma: 0.0065, amplitude: -120, angleDeg: axisDeg },
    r: { at: 0, sigma: 0.01, amplitude: 1200, angleDeg: axisDeg },
    s: { at: 0.024, sigma: 0.0075, amplitude: -250, angleDeg: axisDeg },
    t: { at: 0.26, sigma: 0.04, amplitude: 300, angleDeg: 40 },
  };
}

export const edges = {
  pOnset: (b: BeatShape) => (b.p ? b.p.at - 2 * b.p.sigma : NaN),
  pOffset: (b: BeatShape) => (b.p ? b.p.at + 2 * b.p.sigma : NaN),
  qrsOnset: (b: BeatShape) => b.q.at - 2 * b.q.sigma,
  qrsOffset: (b: BeatShape) => b.s.at + 2 * b.s.sigma,
  tEnd: (b: BeatShape) => b.t.at + 2 * b.t.sigma,
};

/** Einthoven's bipolar leads lie at 0°, 60° and 120° of the frontal plane. */
const BIPOLAR_ANGLES: Record<string, number> = { I: 0, II: 60, III: 120 };

/**
 * Projection of a frontal vector onto a lead. Bipolar leads take the full projection; Goldberger's augmented leads
 * are combinations of them (aVR = −(I + II)/2, aVL = I − II/2, aVF = II − I/2), which gives them √3/2 of the gain.
 * V1–V6 get the lead II pattern, scaled: enough for detection and interval tests.
 */
export function leadProjection(name: string, amplitude: number, angleDeg: number): number {
  const on = (lead: string) => amplitude * Math.cos(((angleDeg - BIPOLAR_ANGLES[lead]) * Math.PI) / 180);
  switch (name) {
    case 'I':
    case 'II':
    case 'III':
      return on(name);
    case 'aVR':
      return -(on('I') + on('II')) / 2;
    case 'aVL':
      return on('I') - on('II') / 2;
    case 'aVF':
      return on('II') - on('I') / 2;
    default:
      return on('II') * (name.startsWith('V') ? 0.8 + 0.1 * Number(name.slice(1)) : 1);
  }
}

export interface SyntheticOptions {
  sampleRateHz: number;
  seconds: number;
  /** R-peak times (s); default: regular at `heartRateBpm`. */
  beatTimes?: number[];
  heartRateBpm?: number;
  shape?: BeatShape;
  /** Per-beat shape override (e.g. a wide ectopic beat). */
  shapeOf?: (beatIndex: number) => BeatShape;
  /** Leads to produce (see `leadProjection`). */
  leads?: string[];
  noiseMicrovolts?: number;
  mainsMicrovolts?: number;
  wanderMicrovolts?: number;
  seed?: number;
}

export interface SyntheticEcg {
  sampleRateHz: number;
  leads: { name: string; microvolts: Float32Array }[];
  /** R-peak sample indices. */
  beats: number[];
}

/** Deterministic pseudo-random numbers so failures reproduce (the app's own seeded generator). */
export const random = mulberry32;

function gaussianNoise(next: () => number): number {
  return Math.sqrt(-2 * Math.log(next() + 1e-12)) * Math.cos(2 * Math.PI * next());
}

export function regularBeats(seconds: number, heartRateBpm: number, firstAt = 0.5): number[] {
  const times: number[] = [];
  for (let t = firstAt; t < seconds - 0.1; t += 60 / heartRateBpm) times.push(t);
  return times;
}

export function syntheticEcg(options: SyntheticOptions): SyntheticEcg {
  const fs = options.sampleRateHz;
  const n = Math.round(options.seconds * fs);
  const beatTimes = options.beatTimes ?? regularBeats(options.seconds, options.heartRateBpm ?? 72);
  const leadNames = options.leads ?? ['II'];
  const next = random(options.seed ?? 1);
  const leads = leadNames.map((name) => ({ name, microvolts: new Float32Array(n) }));
  beatTimes.forEach((beatAt, beatIndex) => {
    const shape = options.shapeOf?.(beatIndex) ?? options.shape ?? normalBeat();
    const waves = [shape.p, shape.q, shape.r, shape.s, shape.t, ...(shape.extra ?? [])].filter((w): w is Wave => w !== undefined);
    for (const wave of waves) {
      const centre = (beatAt + wave.at) * fs;
      const reach = Math.ceil(5 * wave.sigma * fs);
      for (const lead of leads) {
        const amplitude = leadProjection(lead.name, wave.amplitude, wave.angleDeg);
        for (let i = Math.max(0, Math.floor(centre - reach)); i <= Math.min(n - 1, Math.ceil(centre + reach)); i++) {
          const z = (i - centre) / (wave.sigma * fs);
          lead.microvolts[i] += amplitude * Math.exp(-0.5 * z * z);
        }
      }
    }
  });
  const noise = options.noiseMicrovolts ?? 0;
  const mains = options.mainsMicrovolts ?? 0;
  const wander = options.wanderMicrovolts ?? 0;
  const phase = next() * 2 * Math.PI;
  for (const lead of leads) {
    for (let i = 0; i < n; i++) {
      const t = i / fs;
      lead.microvolts[i] += noise * gaussianNoise(next) + mains * Math.sin(2 * Math.PI * 50 * t + phase) + wander * Math.sin(2 * Math.PI * 0.3 * t + phase);
    }
  }
  return { sampleRateHz: fs, leads, beats: beatTimes.map((t) => Math.round(t * fs)) };
}
