/**
 * Noise for the EC57 noise stress test, generated to the published character of the MIT-BIH Noise Stress Test
 * Database (Moody, Muldrow & Mark 1984), since no package here ships NSTDB's recordings:
 * - baseline wander (NSTDB "bw"): power below 1 Hz — a sum of sinusoids 0.05–0.9 Hz with 1/f amplitudes (breathing
 *   and slow electrode drift);
 * - muscle artifact ("ma"): broadband EMG, Gaussian noise band-limited to 5–100 Hz, its level varying slowly (muscle
 *   tension comes and goes);
 * - electrode motion ("em"): the hardest for detectors because it overlaps the QRS band — irregular transients
 *   (steps that relax, and damped 1–8 Hz oscillations) at random times, on a band-limited 0.5–15 Hz floor.
 * The three are normalised to equal power and summed. As in WFDB's `nst`, the signal power is taken from the QRS
 * peak-to-peak amplitudes, S = mean(pp²) / 8, and the noise is scaled to the requested SNR = 10·log10(S / N) with
 * N its mean square; noise is added from minute 5 in alternating 2-minute segments (on, off, …), as in NSTDB's
 * records. Seeded, so every run adds the same noise.
 */
import { butterworthHighPass, butterworthLowPass, filterZeroPhase } from '../../src/shared/ecg-filters';
import { mulberry32 } from '../../src/shared/mulberry32';

function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

function meanSquare(x: Float32Array): number {
  let mean = 0;
  for (const v of x) mean += v;
  mean /= x.length;
  let sum = 0;
  for (const v of x) sum += (v - mean) ** 2;
  return sum / x.length;
}

function normalise(x: Float32Array): Float32Array {
  const rms = Math.sqrt(meanSquare(x)) || 1;
  return x.map((v) => v / rms);
}

export function baselineWander(n: number, fs: number, random: () => number): Float32Array {
  const out = new Float32Array(n);
  for (let k = 0; k < 12; k++) {
    const f = 0.05 + random() * 0.85;
    const amplitude = 1 / f;
    const phase = 2 * Math.PI * random();
    for (let i = 0; i < n; i++) out[i] += amplitude * Math.sin((2 * Math.PI * f * i) / fs + phase);
  }
  return normalise(out);
}

export function muscleArtifact(n: number, fs: number, random: () => number): Float32Array {
  const white = new Float32Array(n);
  for (let i = 0; i < n; i++) white[i] = gaussian(random);
  const band = filterZeroPhase([...butterworthHighPass(2, 5, fs), ...butterworthLowPass(2, Math.min(100, 0.45 * fs), fs)], white);
  // Tension varies over seconds: an envelope between 0.3 and 1.7 of the mean level.
  const envelope = baselineWander(n, fs, random);
  for (let i = 0; i < n; i++) band[i] *= Math.max(0.3, 1 + 0.5 * envelope[i]);
  return normalise(band);
}

export function electrodeMotion(n: number, fs: number, random: () => number): Float32Array {
  const floor = new Float32Array(n);
  for (let i = 0; i < n; i++) floor[i] = gaussian(random);
  const out = filterZeroPhase([...butterworthHighPass(2, 0.5, fs), ...butterworthLowPass(2, 15, fs)], floor);
  const floorRms = Math.sqrt(meanSquare(out)) || 1;
  // About one motion event a second, each 3–10× the floor.
  let t = 0;
  for (;;) {
    t += Math.round(-Math.log(Math.max(random(), 1e-12)) * fs);
    if (t >= n) break;
    const size = floorRms * (3 + 7 * random()) * (random() < 0.5 ? -1 : 1);
    if (random() < 0.5) {
      const tau = (0.1 + 0.4 * random()) * fs; // a step that relaxes back
      for (let i = t; i < Math.min(n, t + 6 * tau); i++) out[i] += size * Math.exp(-(i - t) / tau);
    } else {
      const f = 1 + 7 * random(); // a damped oscillation in the QRS band's lower half
      const tau = (0.05 + 0.2 * random()) * fs;
      for (let i = t; i < Math.min(n, t + 6 * tau); i++) out[i] += size * Math.exp(-(i - t) / tau) * Math.sin((2 * Math.PI * f * (i - t)) / fs);
    }
  }
  return normalise(out);
}

/** NSTDB-like composite: bw + ma + em at equal power, unit RMS. */
export function nstNoise(n: number, fs: number, seed: number): Float32Array {
  const random = mulberry32(seed);
  const bw = baselineWander(n, fs, random);
  const ma = muscleArtifact(n, fs, random);
  const em = electrodeMotion(n, fs, random);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = bw[i] + ma[i] + em[i];
  return normalise(out);
}

/** S = mean over beats of (QRS peak-to-peak)² / 8, pp taken within ±50 ms of each reference beat (as `nst` does). */
export function qrsSignalPower(signal: Float32Array, beats: ArrayLike<number>, fs: number): number {
  const half = Math.round(0.05 * fs);
  let sum = 0;
  let count = 0;
  for (let b = 0; b < beats.length; b++) {
    const at = beats[b];
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = Math.max(0, at - half); i <= Math.min(signal.length - 1, at + half); i++) {
      const v = signal[i];
      if (Number.isNaN(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (hi > lo) {
      sum += (hi - lo) ** 2;
      count++;
    }
  }
  return count > 0 ? sum / count / 8 : 0;
}

export const NOISE_FROM_SECONDS = 300;
export const NOISE_SEGMENT_SECONDS = 120;

/** The signal with unit-RMS `noise` scaled to `snrDb` added from minute 5 in alternating 2-minute segments. */
export function addNoiseAtSnr(signal: Float32Array, noise: Float32Array, signalPower: number, snrDb: number, fs: number): Float32Array {
  const scale = Math.sqrt(signalPower / 10 ** (snrDb / 10));
  const out = Float32Array.from(signal);
  const from = NOISE_FROM_SECONDS * fs;
  const segment = NOISE_SEGMENT_SECONDS * fs;
  for (let i = from; i < out.length; i++) if (Math.floor((i - from) / segment) % 2 === 0) out[i] += scale * noise[i];
  return out;
}
