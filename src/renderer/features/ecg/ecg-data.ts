import { MAX_ECG_WINDOW_SAMPLES, type EcgSummary } from '../../../shared/api/ecg';
import { STANDARD_LEADS } from '../../../shared/ecg';
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

export async function loadEcgWindow(patientId: string, summary: Pick<EcgSummary, 'id' | 'sampleRateHz'>, fromSample: number, seconds = PAGE_SECONDS): Promise<EcgWindow> {
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
  return { ...window, leads: window.leads.map((lead) => ({ name: lead.name, microvolts: filterEcg(lead.microvolts, window.sampleRateHz, filter, 'zero-phase') })) };
}

/** A recording without the standard lead names (e.g. a Holter's MLII + V5) is shown as one full row per lead. */
export function nonStandardLeads(leadNames: readonly string[]): string[] | undefined {
  const standard = leadNames.filter((name) => (STANDARD_LEADS as readonly string[]).includes(name));
  return standard.length === 0 ? [...leadNames] : undefined;
}
