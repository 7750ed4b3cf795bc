/**
 * Pacemaker spikes: a stimulus of 0.1–2 ms (IEC 60601-2-25 asks carts to show pulses of 0.1–2 ms and 2–250 mV at
 * the body surface; after the cart's own band limit they arrive as a pulse a few samples wide of 0.5 mV or more).
 * No part of a QRS changes that much and back within 4 ms, so such a pulse is taken out before QRS detection:
 * its samples are replaced by the line joining its neighbours. The spike itself is then never a beat, while the
 * paced complex that follows it (wide, slow) is detected like any other; a spike that fails to capture leaves
 * nothing behind.
 */

/** Widest pulse taken as a stimulus (after a cart's low-pass the 2 ms pulse spreads to about this). */
export const PACING_SPIKE_MAX_SECONDS = 0.004;
/** Height above the line joining its neighbours for a pulse to be a stimulus rather than noise. */
export const PACING_SPIKE_MIN_MICROVOLTS = 500;

export interface PacingSpikes {
  /** The signal with the spikes bridged (a copy; the input is left alone). */
  signal: Float32Array;
  /** Sample index of each spike's start. */
  spikes: number[];
}

/**
 * Finds runs of at most PACING_SPIKE_MAX_SECONDS whose every sample stands at least PACING_SPIKE_MIN_MICROVOLTS off
 * the straight line between the samples just before and just after the run, on one side, and bridges them.
 */
export function removePacingSpikes(microvolts: Float32Array, sampleRateHz: number): PacingSpikes {
  const signal = Float32Array.from(microvolts);
  const spikes: number[] = [];
  // Below 250 Hz one sample is longer than a stimulus and a sharp R wave can be one sample tall: nothing can be told
  // apart there (and such records have lost their stimuli to the low-pass anyway).
  if (1 / sampleRateHz > PACING_SPIKE_MAX_SECONDS) return { signal, spikes };
  const maxWidth = Math.max(1, Math.round(PACING_SPIKE_MAX_SECONDS * sampleRateHz));
  const n = signal.length;
  let i = 1;
  while (i < n - 1) {
    let found = 0;
    for (let width = 1; width <= maxWidth && i + width < n; width++) {
      const before = signal[i - 1];
      const after = signal[i + width];
      if (Number.isNaN(before) || Number.isNaN(after)) break;
      let sign = 0;
      let all = true;
      for (let k = 0; k < width; k++) {
        const line = before + ((after - before) * (k + 1)) / (width + 1);
        const off = signal[i + k] - line;
        const s = Math.sign(off);
        if (Number.isNaN(off) || Math.abs(off) < PACING_SPIKE_MIN_MICROVOLTS || (sign !== 0 && s !== sign)) {
          all = false;
          break;
        }
        sign = s;
      }
      // The ends must be back near each other too: a step (the upstroke of something wider) is not a pulse.
      if (all && Math.abs(after - before) < PACING_SPIKE_MIN_MICROVOLTS) {
        found = width;
        break;
      }
    }
    if (found > 0) {
      const before = signal[i - 1];
      const after = signal[i + found];
      for (let k = 0; k < found; k++) signal[i + k] = before + ((after - before) * (k + 1)) / (found + 1);
      spikes.push(i);
      i += found;
    } else i++;
  }
  return { signal, spikes };
}
