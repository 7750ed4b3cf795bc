import { EcgFormatError } from './errors';

/**
 * The one ceiling on decoded samples, all leads together, shared by every reader (issue 15.7): 12 leads × 24 h at
 * 1 kHz, the most a clinical Holter records. Resting ECGs are thousands of times smaller. Readers check it BEFORE
 * allocating, from the counts the file declares, so a file that claims more is refused without touching memory.
 */
export const MAX_TOTAL_SAMPLES = 12 * 24 * 3600 * 1000;

/** Throws TOO_LARGE when `leads` × `samplesPerLead` is over MAX_TOTAL_SAMPLES (or either count is not a count). */
export function assertSampleBudget(leads: number, samplesPerLead: number, where: string): void {
  const total = leads * samplesPerLead;
  if (!Number.isSafeInteger(total) || leads < 0 || samplesPerLead < 0 || total > MAX_TOTAL_SAMPLES) {
    throw new EcgFormatError(
      'TOO_LARGE',
      `${where}: ${leads} leads × ${samplesPerLead} samples is over the ${MAX_TOTAL_SAMPLES}-sample limit (12 leads × 24 h at 1 kHz)`,
    );
  }
}
