import { MAX_ABS_MICROVOLTS, type EcgGap, type EcgLead } from '../../../shared/ecg';
import { EcgFormatError } from './errors';

/**
 * The one check every reader's output passes before anyone sees it (issue 11.1): a wrong number on a clinical
 * tracing is worse than a refusal. Outside its declared gaps a lead holds only finite values within
 * ±MAX_ABS_MICROVOLTS; inside them only NaN. The first offending sample is named (lead, 1-based sample number).
 */
export function assertSamplesValid(lead: EcgLead, format: string): void {
  const values = lead.microvolts;
  const gaps = lead.gaps ?? [];
  assertGapsWellFormed(gaps, values.length, lead.name, format);
  // A reader that proved the range for every value its decoder can produce (rangeProven) spares the full pass; the
  // gaps are still checked, since a proof about recorded values says nothing about where the NaNs are.
  const proven = PROVEN.has(values);
  let from = 0;
  for (const gap of gaps) {
    if (!proven) checkRecorded(values, from, gap.start, lead.name, format);
    for (let i = gap.start; i < gap.end; i++) {
      if (!Number.isNaN(values[i])) {
        throw badSample(lead.name, i, `${format} lead ${lead.name} sample ${i + 1} lies in a declared gap but holds ${values[i]}`);
      }
    }
    from = gap.end;
  }
  if (!proven) checkRecorded(values, from, values.length, lead.name, format);
}

/** Sample arrays whose recorded values a reader proved finite and in range while decoding them (see rangeProven). */
const PROVEN = new WeakSet<Float32Array>();

/**
 * Called by a reader's decoder: are all values `(d − subtract) × multiply + add`, for every integer d in
 * [digitalMin, digitalMax], stored as Float32, inside ±MAX_ABS_MICROVOLTS? Each step (subtract, multiply by a
 * constant, add a constant, round to Float32) is monotonic in d, so the two ends bound every value between them: the
 * check of each sample then holds for any file, and the reader marks its output with markRangeProven instead of
 * paying a pass over every sample. Written in the decoder's own order of operations so the bound is the exact value.
 */
export function rangeProven(digitalMin: number, digitalMax: number, subtract: number, multiply: number, add = 0): boolean {
  const max = MAX_ABS_MICROVOLTS;
  const low = Math.fround((digitalMin - subtract) * multiply + add);
  const high = Math.fround((digitalMax - subtract) * multiply + add);
  return low <= max && low >= -max && high <= max && high >= -max;
}

/**
 * Marks a finished lead's samples as range-proven (rangeProven returned true for the decoder that filled them, or
 * the decoder checked each value as it stored it). The array must not be written after this.
 */
export function markRangeProven(values: Float32Array): Float32Array {
  PROVEN.add(values);
  return values;
}

function checkRecorded(values: Float32Array, from: number, to: number, lead: string, format: string): void {
  // A local copy: an imported binding can compile to a property getter (CommonJS output), once per sample.
  const max = MAX_ABS_MICROVOLTS;
  for (let i = from; i < to; i++) {
    const v = values[i];
    // One comparison pair catches NaN (both false), ±Infinity and out-of-range values.
    if (!(v <= max && v >= -max)) {
      const what = Number.isNaN(v) ? 'an undecodable value (NaN)' : `${v} µV, beyond ±${MAX_ABS_MICROVOLTS} µV`;
      throw badSample(lead, i, `${format} lead ${lead} sample ${i + 1} is ${what} outside any declared gap`);
    }
  }
}

function assertGapsWellFormed(gaps: readonly EcgGap[], length: number, lead: string, format: string): void {
  let previousEnd = -1;
  for (const gap of gaps) {
    if (!Number.isInteger(gap.start) || !Number.isInteger(gap.end) || gap.start < 0 || gap.end > length || gap.start >= gap.end || gap.start <= previousEnd) {
      throw new EcgFormatError('CORRUPT', `${format} lead ${lead}: gap ${gap.start}..${gap.end} is not a sorted, disjoint range inside ${length} samples`, {
        lead,
      });
    }
    previousEnd = gap.end;
  }
}

function badSample(lead: string, index: number, message: string): EcgFormatError {
  return new EcgFormatError('BAD_SAMPLE', message, { lead, sample: index + 1 });
}

/**
 * Collects a lead's gaps while a reader decodes it, from the positions the file itself declares invalid (never from
 * NaN values found afterwards, which would turn a decoding error into a "gap"). Positions arrive in increasing order.
 */
export class GapRecorder {
  private readonly gaps: EcgGap[] = [];
  private start = -1;
  private end = -1;

  /** Marks sample i (each call's i greater than the last). */
  add(i: number): void {
    if (i === this.end) {
      this.end++;
      return;
    }
    this.flush();
    this.start = i;
    this.end = i + 1;
  }

  /** Marks samples [start, end). */
  addRange(start: number, end: number): void {
    if (end <= start) return;
    if (start === this.end) {
      this.end = end;
      return;
    }
    this.flush();
    this.start = start;
    this.end = end;
  }

  list(): EcgGap[] {
    this.flush();
    return this.gaps;
  }

  private flush(): void {
    if (this.start >= 0) this.gaps.push({ start: this.start, end: this.end });
    this.start = -1;
    this.end = -1;
  }
}

/** Attaches gaps to a lead only when there are some, so complete leads keep the plain shape. */
export function withGaps(lead: EcgLead, gaps: EcgGap[]): EcgLead {
  return gaps.length > 0 ? { ...lead, gaps } : lead;
}
