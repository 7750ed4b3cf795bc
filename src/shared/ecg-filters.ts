/**
 * ECG filters built from second-order sections (biquads), designed with the bilinear transform (RBJ "Audio EQ
 * Cookbook" forms, which for the Q values of a Butterworth cascade give exactly the bilinear Butterworth filter).
 *
 * Two ways to run a chain:
 * - causal (`filterCausal`, `createStreamingFilter`): sample by sample, for the live display; it delays and distorts
 *   phase a little, as every cart's monitor mode does;
 * - zero-phase (`filterZeroPhase`): forward then backward, for offline analysis and the printed report, so the
 *   ST segment and wave timing are not shifted (IEC 60601-2-25 / AHA 2007 favour 0.05 Hz causal or 0.5 Hz
 *   zero-phase baseline filters for diagnostic ECG for this reason).
 *
 * All state is float64: a 0.05 Hz high-pass at 1 kHz has poles within 3e-4 of the unit circle.
 */

/** Normalised biquad (a0 = 1): y = b0·x + b1·x[-1] + b2·x[-2] − a1·y[-1] − a2·y[-2]. */
export interface Biquad {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

export type FilterChain = readonly Biquad[];

function assertBelowNyquist(frequencyHz: number, sampleRateHz: number): void {
  if (!(frequencyHz > 0 && frequencyHz < sampleRateHz / 2)) {
    throw new RangeError(`filter frequency ${frequencyHz} Hz must lie between 0 and Nyquist (${sampleRateHz / 2} Hz)`);
  }
}

function normalise(b0: number, b1: number, b2: number, a0: number, a1: number, a2: number): Biquad {
  return { b0: b0 / a0, b1: b1 / a0, b2: b2 / a0, a1: a1 / a0, a2: a2 / a0 };
}

export function lowPassBiquad(cutoffHz: number, sampleRateHz: number, q = Math.SQRT1_2): Biquad {
  assertBelowNyquist(cutoffHz, sampleRateHz);
  const w0 = (2 * Math.PI * cutoffHz) / sampleRateHz;
  const cos = Math.cos(w0);
  const alpha = Math.sin(w0) / (2 * q);
  return normalise((1 - cos) / 2, 1 - cos, (1 - cos) / 2, 1 + alpha, -2 * cos, 1 - alpha);
}

export function highPassBiquad(cutoffHz: number, sampleRateHz: number, q = Math.SQRT1_2): Biquad {
  assertBelowNyquist(cutoffHz, sampleRateHz);
  const w0 = (2 * Math.PI * cutoffHz) / sampleRateHz;
  const cos = Math.cos(w0);
  const alpha = Math.sin(w0) / (2 * q);
  return normalise((1 + cos) / 2, -(1 + cos), (1 + cos) / 2, 1 + alpha, -2 * cos, 1 - alpha);
}

/** Notch with −3 dB bandwidth ≈ centre / q. q = 30 at 50 Hz removes 49.2–50.8 Hz and leaves the QRS alone. */
export function notchBiquad(centerHz: number, sampleRateHz: number, q = 30): Biquad {
  assertBelowNyquist(centerHz, sampleRateHz);
  const w0 = (2 * Math.PI * centerHz) / sampleRateHz;
  const cos = Math.cos(w0);
  const alpha = Math.sin(w0) / (2 * q);
  return normalise(1, -2 * cos, 1, 1 + alpha, -2 * cos, 1 - alpha);
}

/** Q of each section of an even-order Butterworth cascade (pole pairs at angles (2k+1)π/2n). */
function butterworthQs(order: number): number[] {
  if (!Number.isInteger(order) || order < 2 || order % 2 !== 0) throw new RangeError('Butterworth order must be even and ≥ 2');
  return Array.from({ length: order / 2 }, (_, k) => 1 / (2 * Math.sin(((2 * k + 1) * Math.PI) / (2 * order))));
}

export function butterworthLowPass(order: number, cutoffHz: number, sampleRateHz: number): Biquad[] {
  return butterworthQs(order).map((q) => lowPassBiquad(cutoffHz, sampleRateHz, q));
}

export function butterworthHighPass(order: number, cutoffHz: number, sampleRateHz: number): Biquad[] {
  return butterworthQs(order).map((q) => highPassBiquad(cutoffHz, sampleRateHz, q));
}

/** |H(e^jω)| of a chain at one frequency, for tests and for showing the user what a setting does. */
export function magnitudeResponse(chain: FilterChain, frequencyHz: number, sampleRateHz: number): number {
  const w = (2 * Math.PI * frequencyHz) / sampleRateHz;
  const [c1, s1, c2, s2] = [Math.cos(w), Math.sin(w), Math.cos(2 * w), Math.sin(2 * w)];
  let gain = 1;
  for (const { b0, b1, b2, a1, a2 } of chain) {
    const numRe = b0 + b1 * c1 + b2 * c2;
    const numIm = -(b1 * s1 + b2 * s2);
    const denRe = 1 + a1 * c1 + a2 * c2;
    const denIm = -(a1 * s1 + a2 * s2);
    gain *= Math.hypot(numRe, numIm) / Math.hypot(denRe, denIm);
  }
  return gain;
}

/** Transposed direct form II state, two delays per section. */
export type ChainState = Float64Array;

export function newChainState(chain: FilterChain): ChainState {
  return new Float64Array(chain.length * 2);
}

/** The state a chain would have after an endless run of the constant `level` (no start-up transient). */
export function steadyState(chain: FilterChain, level: number): ChainState {
  const state = newChainState(chain);
  let input = level;
  chain.forEach(({ b0, b1, b2, a1, a2 }, k) => {
    const dcGain = (b0 + b1 + b2) / (1 + a1 + a2);
    const output = dcGain * input;
    state[2 * k + 1] = b2 * input - a2 * output;
    state[2 * k] = output - b0 * input;
    input = output;
  });
  return state;
}

/** Runs the chain over `input` into `output` (may be the same array), updating `state`. */
export function runChain(chain: FilterChain, input: ArrayLike<number>, output: Float32Array | Float64Array, state: ChainState): void {
  const sections = chain.length;
  for (let i = 0; i < input.length; i++) {
    let x = input[i];
    for (let k = 0; k < sections; k++) {
      const s = chain[k];
      const y = s.b0 * x + state[2 * k];
      state[2 * k] = s.b1 * x - s.a1 * y + state[2 * k + 1];
      state[2 * k + 1] = s.b2 * x - s.a2 * y;
      x = y;
    }
    output[i] = x;
  }
}

/**
 * Invalid samples (NaN) would poison an IIR filter's state for good; they are bridged by holding the last valid
 * value (the first valid one at the start), and put back as NaN after filtering.
 */
function bridgeGaps(input: Float32Array): { bridged: Float64Array; gaps: number[] } {
  const bridged = new Float64Array(input.length);
  const gaps: number[] = [];
  let firstValid = 0;
  while (firstValid < input.length && Number.isNaN(input[firstValid])) firstValid++;
  let last = firstValid < input.length ? input[firstValid] : 0;
  for (let i = 0; i < input.length; i++) {
    const value = input[i];
    if (Number.isNaN(value)) {
      gaps.push(i);
      bridged[i] = last;
    } else {
      bridged[i] = last = value;
    }
  }
  return { bridged, gaps };
}

/** Causal filtering from a start-up state matched to the first sample (no step transient at t = 0). */
export function filterCausal(chain: FilterChain, input: Float32Array): Float32Array {
  const { bridged, gaps } = bridgeGaps(input);
  const output = new Float32Array(input.length);
  if (input.length === 0) return output;
  runChain(chain, bridged, output, steadyState(chain, bridged[0]));
  for (const i of gaps) output[i] = NaN;
  return output;
}

/** Samples of odd-symmetric padding at each end: long enough for the slowest section to settle. */
function paddingLength(chain: FilterChain, length: number): number {
  let slowest = 0;
  for (const { a1, a2 } of chain) {
    // Pole radius r = √a2 for complex pairs; for real poles take the larger root of z² + a1 z + a2.
    const discriminant = a1 * a1 - 4 * a2;
    const radius = discriminant < 0 ? Math.sqrt(a2) : (Math.abs(a1) + Math.sqrt(discriminant)) / 2;
    const timeConstant = radius < 1 ? -1 / Math.log(radius) : length;
    slowest = Math.max(slowest, timeConstant);
  }
  return Math.min(length - 1, Math.ceil(6 * slowest));
}

/**
 * Forward–backward filtering: zero phase, magnitude squared. The ends are extended by odd reflection about the
 * end samples and the state starts in steady state, as in Gustafsson's / SciPy's filtfilt, so a record that starts
 * off the baseline does not ring.
 */
export function filterZeroPhase(chain: FilterChain, input: Float32Array): Float32Array {
  const { bridged, gaps } = bridgeGaps(input);
  const n = input.length;
  const output = new Float32Array(n);
  if (n === 0) return output;
  const pad = paddingLength(chain, n);
  const extended = new Float64Array(n + 2 * pad);
  const first = bridged[0];
  const last = bridged[n - 1];
  for (let i = 0; i < pad; i++) {
    extended[pad - 1 - i] = 2 * first - bridged[i + 1];
    extended[pad + n + i] = 2 * last - bridged[n - 2 - i];
  }
  extended.set(bridged, pad);
  runChain(chain, extended, extended, steadyState(chain, extended[0]));
  extended.reverse();
  runChain(chain, extended, extended, steadyState(chain, extended[0]));
  extended.reverse();
  for (let i = 0; i < n; i++) output[i] = extended[pad + i];
  for (const i of gaps) output[i] = NaN;
  return output;
}

/** A causal chain with its state, fed chunk by chunk as samples arrive from a device. */
export interface StreamingFilter {
  process(chunk: Float32Array): Float32Array;
  reset(): void;
}

export function createStreamingFilter(chain: FilterChain): StreamingFilter {
  let state: ChainState | undefined;
  let lastValid: number | undefined;
  return {
    process(chunk) {
      const bridged = new Float64Array(chunk.length);
      for (let i = 0; i < chunk.length; i++) {
        const value = chunk[i];
        if (!Number.isNaN(value)) lastValid = value;
        bridged[i] = lastValid ?? 0;
      }
      if (chunk.length > 0) state ??= steadyState(chain, bridged[0]);
      const output = new Float32Array(chunk.length);
      if (state) runChain(chain, bridged, output, state);
      for (let i = 0; i < chunk.length; i++) if (Number.isNaN(chunk[i])) output[i] = NaN;
      return output;
    },
    reset() {
      state = undefined;
      lastValid = undefined;
    },
  };
}

/** The choices a clinician has on a cart; undefined turns a stage off. */
export interface EcgFilterSettings {
  /** Baseline-wander removal: 0.05 Hz (diagnostic, keeps ST) or 0.5 Hz (steadier trace). */
  highPassHz?: number;
  /** Mains notch: 50 Hz in China, 60 Hz elsewhere. Harmonics are left to the low-pass. */
  notchHz?: number;
  /** Muscle-noise low-pass: 40 Hz (monitoring), 100 or 150 Hz (diagnostic bandwidth, IEC 60601-2-25). */
  lowPassHz?: number;
}

export const DIAGNOSTIC_FILTER: EcgFilterSettings = { highPassHz: 0.05, notchHz: 50, lowPassHz: 150 };
export const MONITOR_FILTER: EcgFilterSettings = { highPassHz: 0.5, notchHz: 50, lowPassHz: 40 };

export type FilterMode = 'causal' | 'zero-phase';

const BUTTERWORTH_ORDER = 2;
/**
 * Forward–backward squares the magnitude, which would move a Butterworth's −3 dB point; the design cutoff is
 * moved so the stated frequency stays the −3 dB point of the whole operation: |H|² = 1/(1 + (f/fc)^2n) = 1/√2.
 */
const ZERO_PHASE_STRETCH = Math.pow(Math.SQRT2 - 1, 1 / (2 * BUTTERWORTH_ORDER));

/**
 * The chain for a setting at a sample rate. A stage whose frequency is at or above Nyquist is dropped: a 100 Hz
 * PTB-XL record holds nothing at 50 Hz to notch and nothing above 50 Hz to low-pass.
 */
export function designEcgFilter(settings: EcgFilterSettings, sampleRateHz: number, mode: FilterMode): Biquad[] {
  const nyquist = sampleRateHz / 2;
  const chain: Biquad[] = [];
  const usable = (hz: number | undefined): hz is number => hz !== undefined && hz > 0 && hz < nyquist * 0.95;
  if (usable(settings.highPassHz)) {
    const cutoff = mode === 'zero-phase' ? settings.highPassHz * ZERO_PHASE_STRETCH : settings.highPassHz;
    chain.push(...butterworthHighPass(BUTTERWORTH_ORDER, cutoff, sampleRateHz));
  }
  if (usable(settings.notchHz)) chain.push(notchBiquad(settings.notchHz, sampleRateHz));
  if (usable(settings.lowPassHz)) {
    const cutoff = mode === 'zero-phase' ? settings.lowPassHz / ZERO_PHASE_STRETCH : settings.lowPassHz;
    if (cutoff < nyquist * 0.95) chain.push(...butterworthLowPass(BUTTERWORTH_ORDER, cutoff, sampleRateHz));
    else chain.push(...butterworthLowPass(BUTTERWORTH_ORDER, settings.lowPassHz, sampleRateHz));
  }
  return chain;
}

export function filterEcg(input: Float32Array, sampleRateHz: number, settings: EcgFilterSettings, mode: FilterMode): Float32Array {
  const chain = designEcgFilter(settings, sampleRateHz, mode);
  if (chain.length === 0) return Float32Array.from(input);
  return mode === 'zero-phase' ? filterZeroPhase(chain, input) : filterCausal(chain, input);
}
