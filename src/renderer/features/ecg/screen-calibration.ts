import { useCallback, useSyncExternalStore } from 'react';
import { DEFAULT_PX_PER_MM } from '../../../shared/ecg-paper';

/**
 * Screen px per mm, measured once per station with a ruler (ECG page → screen calibration). localStorage belongs to
 * this PC's profile, which is what "per station" means: another monitor on another PC needs its own measurement.
 */
export const PX_PER_MM_STORAGE_KEY = 'workstation.ecg.pxPerMm';
const CHANGED_EVENT = 'workstation:ecg-calibration-changed';

/** Anything outside 1–20 px/mm (25–500 dpi) in storage is not a screen: fall back to the CSS default. */
export function parseStoredPxPerMm(stored: string | null): number {
  const value = stored === null ? NaN : Number(stored);
  return Number.isFinite(value) && value >= 1 && value <= 20 ? value : DEFAULT_PX_PER_MM;
}

export function loadPxPerMm(storage: Pick<Storage, 'getItem'> = localStorage): number {
  return parseStoredPxPerMm(storage.getItem(PX_PER_MM_STORAGE_KEY));
}

export function savePxPerMm(pxPerMm: number | null): void {
  if (pxPerMm === null) localStorage.removeItem(PX_PER_MM_STORAGE_KEY);
  else localStorage.setItem(PX_PER_MM_STORAGE_KEY, String(pxPerMm));
  window.dispatchEvent(new Event(CHANGED_EVENT));
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener(CHANGED_EVENT, onChange);
  window.addEventListener('storage', onChange);
  return () => {
    window.removeEventListener(CHANGED_EVENT, onChange);
    window.removeEventListener('storage', onChange);
  };
}

/** The calibrated px per mm, updated in every view when the user re-measures. */
export function usePxPerMm(): [number, (pxPerMm: number | null) => void] {
  const value = useSyncExternalStore(subscribe, () => loadPxPerMm());
  return [value, useCallback((v: number | null) => savePxPerMm(v), [])];
}

/** window.devicePixelRatio, following zoom and moves between monitors. */
export function useDevicePixelRatio(): number {
  return useSyncExternalStore(
    (onChange) => {
      let query = matchMedia(`(resolution: ${window.devicePixelRatio}dppx)`);
      const listen = () => {
        onChange();
        query.removeEventListener('change', listen);
        query = matchMedia(`(resolution: ${window.devicePixelRatio}dppx)`);
        query.addEventListener('change', listen);
      };
      query.addEventListener('change', listen);
      return () => query.removeEventListener('change', listen);
    },
    () => window.devicePixelRatio || 1,
  );
}
