import { MAX_ECG_WINDOW_SAMPLES, type EcgSummary } from '../../../shared/api/ecg';
import { hasTwelveLeads, opensInRhythmView } from '../../../shared/ecg-leads';
import { filterEcg, type EcgFilterSettings } from '../../../shared/ecg-filters';
import { api } from '../../api/client';
import type { DisplayRecording } from './ecg-canvas';

export interface EcgWindow extends DisplayRecording {
  summary: EcgSummary;
  /** Index in the recording of the window's first sample. */
  fromSample: number;
}

/** Seconds on one page of paper: the standard resting ECG. */
export const PAGE_SECONDS = 10;

export async function loadEcgWindow(
  patientId: string,
  summary: Pick<EcgSummary, 'id' | 'sampleRateHz'>,
  fromSample: number,
  seconds = PAGE_SECONDS,
): Promise<EcgWindow> {
  const count = Math.min(MAX_ECG_WINDOW_SAMPLES, Math.max(1, Math.round(seconds * summary.sampleRateHz)));
  const w = await api.ecg.get({ patientId, ecgId: summary.id, fromSample, count });
  return {
    summary: w.summary,
    fromSample: w.fromSample,
    sampleRateHz: w.summary.sampleRateHz,
    leads: w.leads,
  };
}

/**
 * Zero-phase filtering for a stored recording: on paper and on the reading screen the ST segment and the wave
 * timing must not be shifted by the filter (AHA 2007 Part I), which a causal filter would do.
 */
export function filterWindow(window: EcgWindow, filter: EcgFilterSettings): EcgWindow {
  return {
    ...window,
    leads: window.leads.map((lead) => ({ name: lead.name, microvolts: filterEcg(lead.microvolts, window.sampleRateHz, filter, 'zero-phase') })),
  };
}

/**
 * The rows of the rhythm view (one full-length row per lead the record has, paged through the whole recording) for
 * records with fewer than twelve standard leads (a Holter's II + V1) or longer than a resting ECG; undefined when
 * the record opens in the 12-lead layouts. MIT-BIH 208 (II + V1, 30 min) thus shows its two leads, not a 3×4 grid
 * with ten empty cells.
 */
export function rhythmViewLeads(leadNames: readonly string[], durationS: number): string[] | undefined {
  return opensInRhythmView(leadNames, durationS) ? [...leadNames] : undefined;
}

/** On paper (the A4 report), only a record without the twelve leads needs its own rows: a long 12-lead prints its first 10 s in the standard layout. */
export function paperRowsFor(leadNames: readonly string[]): string[] | undefined {
  return hasTwelveLeads(leadNames) ? undefined : [...leadNames];
}
