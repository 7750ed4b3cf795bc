/** ECG domain model shared by main (readers, devices, analysis) and renderer (display). Pure: no Node, no DOM. */

/** 'device' marks a recording captured live from an acquisition device (not read from a file). */
export type EcgFormat = 'wfdb' | 'scp-ecg' | 'hl7-aecg' | 'dicom' | 'edf' | 'ge-muse-xml' | 'philips-xml' | 'device';

/** Standard 12-lead names in display order. Readers use these names where the file says so. */
export const STANDARD_LEADS = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'] as const;
export type StandardLead = (typeof STANDARD_LEADS)[number];

export interface EcgLead {
  /** Standard name (I, II, III, aVR, aVL, aVF, V1–V6) where the file identifies it, the file's own label otherwise. */
  name: string;
  /** Physical values in microvolts. NaN marks a sample the file declares invalid/missing. */
  microvolts: Float32Array;
}

export interface EcgAnnotation {
  /** Sample index (0-based) into the leads. */
  sample: number;
  /** MIT annotation mnemonic (N, V, A, ...) or the file's own beat label. */
  symbol: string;
}

export interface EcgPatientInfo {
  id?: string;
  name?: string;
  sex?: 'M' | 'F' | 'U';
  birthDate?: string; // ISO yyyy-mm-dd
  ageYears?: number;
}

export interface EcgDeviceInfo {
  manufacturer?: string;
  model?: string;
  serial?: string;
}

export interface EcgRecord {
  format: EcgFormat;
  sampleRateHz: number;
  leads: EcgLead[];
  /** ISO 8601 date-time of the recording start, when the file says. */
  recordedAt?: string;
  patient?: EcgPatientInfo;
  device?: EcgDeviceInfo;
  annotations?: EcgAnnotation[];
}

/** Samples per lead (all leads of a record have the same length). */
export function sampleCount(record: EcgRecord): number {
  return record.leads[0]?.microvolts.length ?? 0;
}

/**
 * Global interval measurements of a recording, taken on its median beat (all leads together) and its RR series.
 * A field is absent when it cannot be measured: no P wave (e.g. atrial fibrillation) leaves PR out; no limb
 * leads leave the axis out; fewer than two beats leave rate and every interval out.
 */
export interface EcgMeasurements {
  heartRateBpm?: number;
  rrMeanMs?: number;
  prMs?: number;
  qrsMs?: number;
  qtMs?: number;
  /** QT / √RR (RR in seconds), Bazett 1920. */
  qtcBazettMs?: number;
  /** QT / ∛RR (RR in seconds), Fridericia 1920. */
  qtcFridericiaMs?: number;
  /** Frontal-plane QRS axis in degrees, −180 < axis ≤ 180 (lead I = 0°, aVF = +90°). */
  qrsAxisDeg?: number;
  /** Frontal P axis (net P area in I and aVF), same convention; absent without a P wave. */
  pAxisDeg?: number;
  /** Frontal T axis (net T area in I and aVF), same convention. */
  tAxisDeg?: number;
  /**
   * Normalised RMSSD of the RR series (root mean square of successive RR differences ÷ mean RR): near 0 in sinus
   * rhythm, above ~0.1 in atrial fibrillation (Dash et al. 2009).
   */
  rrIrregularity?: number;
  /**
   * Median-beat QRS amplitudes per standard lead, µV above (R) and below (S) the QRS-onset level; what the voltage
   * criteria (Sokolow–Lyon RV5+SV1, Cornell RaVL+SV3, low voltage) read.
   */
  qrsAmplitudes?: Partial<Record<StandardLead, { rUv: number; sUv: number }>>;
  /** Sokolow–Lyon index: S in V1 + the larger R of V5/V6 (µV), when those leads were recorded. */
  sokolowLyonUv?: number;
  /** QRS complexes detected in the recording. */
  beatCount: number;
  /** Beats of the dominant shape averaged into the median beat. */
  medianBeatCount: number;
}
