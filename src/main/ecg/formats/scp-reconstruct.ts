import { EcgFormatError } from './errors';

/**
 * Rebuilding a rhythm that the cart stored decimated outside its protected zones (EN 1064 §5.9 "bimodal"
 * compression, and the decimated residual of reference-beat subtraction), step for step as the standard's
 * reference decoder does it, so values match other SCP readers to the unit:
 *
 * 1. Interpolate: each stretch between protected zones holds ⌊n/d⌋ decimated samples followed by n mod d samples
 *    kept as they are. Decimated sample k stands at offset k·d + ⌊d/2⌋ of the stretch; values in between are
 *    v[k] + j·(v[k+1] − v[k])/d in single precision, truncated toward zero; before the first centre the first value
 *    is held, after the last centre the last one. Protected zones are copied as stored.
 * 2. Smooth: every stretch outside the protected zones, cut also at the subtraction-zone edges of type-0 beats,
 *    gets a three-point mean (sum ± 1, then integer division by 3, toward zero), keeping each stretch's first and
 *    last sample; the inside of each protected zone is copied.
 *
 * Values are in the section's amplitude units (before the AVM), integers, as the reference decoder keeps them.
 * For d = 4 (the usual 500 → 125 Hz) this is exactly the reference decoder's `Interpolate` and `DoFilter`.
 */

/** Sample numbers are 1-based and inclusive, as section 4 writes them. */
export interface SampleZone {
  start: number;
  end: number;
}

export interface SubtractionBeat {
  type: number;
  zoneStart: number;
  zoneEnd: number;
}

/** Protected zones sorted, inside the lead, not overlapping: the reconstruction walks them in order. */
export function assertZonesUsable(zones: readonly SampleZone[], first: number, last: number): void {
  let previousEnd = first - 1;
  for (const [index, zone] of zones.entries()) {
    if (zone.start > zone.end || zone.start <= previousEnd || zone.end > last) {
      throw new EcgFormatError(
        'CORRUPT',
        `SCP section 4 protected zone ${index + 1} (${zone.start}..${zone.end}) is out of order or outside samples ${first}..${last}`,
      );
    }
    previousEnd = zone.end;
  }
}

/**
 * The stretches outside the protected zones, in order, with the zones between them. A stretch is given by its
 * sample count (0 or less when two zones touch): decimation only depends on how long each stretch is.
 */
function forEachStretch(first: number, last: number, zones: readonly SampleZone[], stretch: (length: number) => void, zone: (z: SampleZone) => void): void {
  let a = first;
  for (const z of zones) {
    stretch(z.start - a);
    zone(z);
    a = z.end + 1;
  }
  stretch(last - a + 1);
}

/** How many samples a decimated lead stores for samples first..last. */
export function decimatedSampleCount(first: number, last: number, zones: readonly SampleZone[], factor: number): number {
  let count = 0;
  forEachStretch(
    first,
    last,
    zones,
    (n) => {
      if (n > 0) count += Math.floor(n / factor) + (n % factor);
    },
    (z) => (count += z.end - z.start + 1),
  );
  return count;
}

/** Step 1: the decimated stream (section units) back to one value per sample of first..last. */
export function interpolateDecimated(stored: Float64Array, first: number, last: number, zones: readonly SampleZone[], factor: number): Float64Array {
  const out = new Float64Array(last - first + 1);
  const centre = Math.floor(factor / 2);
  let at = 0;
  let read = 0;
  const take = () => {
    if (read >= stored.length) throw new EcgFormatError('CORRUPT', `SCP decimated rhythm ends after ${stored.length} samples`);
    return stored[read++];
  };
  forEachStretch(
    first,
    last,
    zones,
    (n) => {
      if (n <= 0) return;
      const inserted = Math.floor(n / factor);
      if (inserted > 0) {
        const base = read;
        if (base + inserted > stored.length) throw new EcgFormatError('CORRUPT', `SCP decimated rhythm ends after ${stored.length} samples`);
        for (let p = 0; p < inserted * factor; p++) {
          const k = Math.floor((p - centre) / factor);
          if (p < centre) out[at++] = stored[base];
          else if (k >= inserted - 1) out[at++] = stored[base + inserted - 1];
          else {
            const from = stored[base + k];
            const step = Math.fround((stored[base + k + 1] - from) / factor);
            out[at++] = Math.trunc(Math.fround(from + Math.fround(((p - centre) % factor) * step)));
          }
        }
        read = base + inserted;
      }
      for (let r = 0; r < n % factor; r++) out[at++] = take();
    },
    (z) => {
      for (let s = z.start; s <= z.end; s++) out[at++] = take();
    },
  );
  return out;
}

/** Three-point mean of input[from..from+count−1] into out, first and last kept (the reference decoder's ExecFilter). */
function smoothStretch(input: Float64Array, out: Float64Array, from: number, count: number): void {
  if (count <= 0) return;
  out[from] = input[from];
  for (let i = from + 1; i < from + count - 1; i++) {
    let sum = input[i - 1] + input[i] + input[i + 1];
    sum += sum >= 0 ? 1 : -1;
    out[i] = Math.trunc(sum / 3);
  }
  if (count > 1) out[from + count - 1] = input[from + count - 1];
}

/**
 * Step 2. `beats` and `zones` are index-aligned (beat i's subtraction zone, beat i's protected zone), as section 4
 * lists them; the cuts at subtraction-zone edges keep the jump where the reference beat is added back unsmoothed.
 */
export function smoothOutsideProtected(
  input: Float64Array,
  first: number,
  last: number,
  zones: readonly SampleZone[],
  beats: readonly SubtractionBeat[],
): Float64Array {
  const out = new Float64Array(input.length);
  const run = (a: number, b: number) => smoothStretch(input, out, a - first, b - a + 1);
  let a = first;
  zones.forEach((zone, index) => {
    const previous = index > 0 ? beats[index - 1] : undefined;
    if (previous?.type === 0) {
      run(a, previous.zoneEnd);
      a = previous.zoneEnd + 1;
    }
    const beat = beats[index];
    if (beat?.type === 0) {
      run(a, beat.zoneStart - 1);
      a = beat.zoneStart;
    }
    run(a, zone.start);
    for (let s = zone.start + 1; s <= zone.end - 1; s++) out[s - first] = input[s - first];
    a = zone.end;
  });
  const lastBeat = zones.length > 0 ? beats[zones.length - 1] : undefined;
  if (lastBeat?.type === 0) {
    run(a, lastBeat.zoneEnd);
    a = lastBeat.zoneEnd + 1;
  }
  run(a, last);
  return out;
}
