/** ECG domain model shared by main (readers, devices, analysis) and renderer (display). Pure: no Node, no DOM. */

/** 'device' marks a recording captured live from an acquisition device (not read from a file). */
export type EcgFormat = 'wfdb' | 'scp-ecg' | 'hl7-aecg' | 'dicom' | 'edf' | 'ge-muse-xml' | 'philips-xml' | 'device';

/** Standard 12-lead names in display order. Readers use these names where the file says so. */
export const STANDARD_LEADS = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'] as const;
export type StandardLead = (typeof STANDARD_LEADS)[number];

/**
 * Samples [start, end) of one lead that the file declares not recorded or invalid (WFDB's invalid marker, EDF+D
 * gaps, SCP leads recorded in turn, DICOM trailing padding). Every sample inside a gap is NaN; every sample outside
 * one is a finite value within ±MAX_ABS_MICROVOLTS. Gaps are sorted, non-empty and do not touch or overlap.
 */
export interface EcgGap {
  start: number;
  end: number;
}

/**
 * Largest physical value accepted from a file: 1 V. An ECG front end saturates far below (IEC 60601-2-25 asks for
 * ±300 mV of electrode offset tolerance on top of a ±5 mV signal), so anything beyond is a decoding error.
 */
export const MAX_ABS_MICROVOLTS = 1_000_000;

export interface EcgLead {
  /** Standard name (I, II, III, aVR, aVL, aVF, V1–V6) where the file identifies it, the file's own label otherwise. */
  name: string;
  /** Physical values in microvolts: finite outside `gaps`, NaN inside them. */
  microvolts: Float32Array;
  /** Declared gaps; absent when the lead is complete. */
  gaps?: EcgGap[];
}

/**
 * Ways a file departs from its standard that a reader recognised and read anyway because the writer's intent is
 * unambiguous; the record lists them so the screen can say the file was not standard (i18n `ecg:deviation.<code>`).
 */
export const ECG_DEVIATION_CODES = [
  'DICOM_PADDING_BYTE_SWAPPED', // Waveform Padding Value stored big-endian in a little-endian file (ECG Toolkit)
  'DICOM_PADDING_INSIDE_SIGNAL', // the padding value occurs inside the signal: read as an ordinary sample
  'SCP_LEAD_LENGTH_OVERFLOW', // section 6 per-lead byte counts overflow 16 bits: derived from the section length
] as const;
export type EcgDeviationCode = (typeof ECG_DEVIATION_CODES)[number];

export interface EcgDeviation {
  code: EcgDeviationCode;
  /** English detail for logs and support (the screen words the code itself). */
  detail: string;
}

/** A second waveform of the same recording, e.g. the cart's median (representative) beat per lead. */
export interface EcgWaveform {
  sampleRateHz: number;
  leads: EcgLead[];
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
  /** Vendor deviations read anyway (see ECG_DEVIATION_CODES); absent when the file follows its standard. */
  deviations?: EcgDeviation[];
  /** The cart's median beat when the file carries one beside the rhythm (DICOM derived group, SCP section 5). */
  medianBeat?: EcgWaveform;
}

/** Samples per lead (all leads of a record have the same length). */
export function sampleCount(record: EcgRecord): number {
  return record.leads[0]?.microvolts.length ?? 0;
}

/** Why a stretch of the recording is marked (the contract's enum is built from this list). */
export const ECG_QUALITY_REASONS = ['flat', 'saturated', 'invalid', 'beats-disagree', 'calibration'] as const;

/**
 * A stretch of the recording the signal-quality index judged (src/main/ecg/analysis/sqi.ts), in seconds from the
 * start. `flat`, `saturated` and `invalid` stretches are unreadable: their detections are not counted as beats.
 * `beats-disagree` stretches are noisy: two independent detectors disagree there (bSQI < 0.6); they are marked
 * for the reader but their beats still count, because dropping them loses more real beats than false ones.
 * `calibration` is the device's calibration pulse at the start or end of the file (a staircase in every lead):
 * not ECG, not analysed.
 */
export interface EcgQualityStretch {
  startS: number;
  endS: number;
  reason: (typeof ECG_QUALITY_REASONS)[number];
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
  /** P wave duration, P onset to P offset on the median beat; absent without a P wave. */
  pDurationMs?: number;
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
  /** Stretches judged unreadable or noisy by the signal-quality index; absent when all of it is readable. */
  qualityStretches?: EcgQualityStretch[];
  /** QRS complexes detected in the recording, outside its unreadable stretches. */
  beatCount: number;
  /** Beats of the dominant shape averaged into the median beat. */
  medianBeatCount: number;
}
