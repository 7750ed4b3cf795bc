import type { EcgFilterSettings } from '../../../shared/ecg-filters';
import { PAPER_GAINS_MM_PER_MV, PAPER_SPEEDS_MM_PER_S, type EcgLayout, type PaperGain, type PaperScale, type PaperSpeed } from '../../../shared/ecg-paper';

/** The cart-style choices offered on screen (IEC 60601-2-25 bandwidths; 50 Hz mains in China). */
export const HIGH_PASS_CHOICES_HZ = [0.05, 0.5] as const;
export const LOW_PASS_CHOICES_HZ = [40, 100, 150] as const;
export const MAINS_HZ = 50;

export interface DisplaySettings {
  speedMmPerS: PaperSpeed;
  gainMmPerMv: PaperGain;
  highPassHz: (typeof HIGH_PASS_CHOICES_HZ)[number];
  notch: boolean;
  lowPassHz: (typeof LOW_PASS_CHOICES_HZ)[number];
  layout: EcgLayout;
}

/** Live monitoring: a steadier baseline (0.5 Hz) and muscle noise cut at 40 Hz, as in a cart's monitor mode. */
export const LIVE_DEFAULTS: DisplaySettings = { speedMmPerS: 25, gainMmPerMv: 10, highPassHz: 0.5, notch: true, lowPassHz: 40, layout: '6x2' };
/** Reading a stored ECG: the diagnostic bandwidth, so ST levels and notches are as recorded. */
export const VIEWER_DEFAULTS: DisplaySettings = { speedMmPerS: 25, gainMmPerMv: 10, highPassHz: 0.05, notch: true, lowPassHz: 150, layout: '3x4+rhythm' };

export function filterOf(settings: Pick<DisplaySettings, 'highPassHz' | 'notch' | 'lowPassHz'>): EcgFilterSettings {
  return { highPassHz: settings.highPassHz, notchHz: settings.notch ? MAINS_HZ : undefined, lowPassHz: settings.lowPassHz };
}

export function scaleOf(settings: Pick<DisplaySettings, 'speedMmPerS' | 'gainMmPerMv'>): PaperScale {
  return { speedMmPerS: settings.speedMmPerS, gainMmPerMv: settings.gainMmPerMv };
}

export const SPEEDS = PAPER_SPEEDS_MM_PER_S;
export const GAINS = PAPER_GAINS_MM_PER_MV;
