import { useCallback, useSyncExternalStore } from 'react';
import { DEFAULT_PX_PER_MM } from '../../../shared/ecg-paper';

/**
 * Screen scale, measured once per station with a ruler (ECG page → screen calibration). localStorage belongs to
 * this PC's profile, which is what "per station" means: another PC needs its own measurement.
 *
 * What is stored is device pixels per mm, a property of the monitor. A CSS pixel is devicePixelRatio device pixels
 * and that ratio changes with the app's zoom (Ctrl +/−), so the CSS px per mm the drawing needs is worked out
 * from the current ratio each time: zooming does not change the size of the paper on the glass.
 */
export const DEVICE_PX_PER_MM_STORAGE_KEY = 'workstation.ecg.devicePxPerMm';
const CHANGED_EVENT = 'workstation:ecg-calibration-changed';

/** Anything outside 1–40 device px/mm (25–1000 dpi) in storage is not a screen: treated as not calibrated. */
export function parseStoredDevicePxPerMm(stored: string | null): number | undefined {
  const value = stored === null ? NaN : Number(stored);
  return Number.isFinite(value) && value >= 1 && value <= 40 ? value : undefined;
}

/** CSS px per mm now: the measurement at the current zoom, or the CSS default of 96 px per inch. */
export function cssPxPerMm(storedDevicePxPerMm: number | undefined, devicePixelRatio: number): number {
  return storedDevicePxPerMm === undefined ? DEFAULT_PX_PER_MM : storedDevicePxPerMm / devicePixelRatio;
}

export function loadPxPerMm(devicePixelRatio: number, storage: Pick<Storage, 'getItem'> = localStorage): number {
  return cssPxPerMm(parseStoredDevicePxPerMm(storage.getItem(DEVICE_PX_PER_MM_STORAGE_KEY)), devicePixelRatio);
}

/** Stores a measurement made at `devicePixelRatio` (null: back to the CSS default). */
export function savePxPerMm(pxPerMm: number | null, devicePixelRatio: number, storage: Pick<Storage, 'setItem' | 'removeItem'> = localStorage): void {
  if (pxPerMm === null) storage.removeItem(DEVICE_PX_PER_MM_STORAGE_KEY);
  else storage.setItem(DEVICE_PX_PER_MM_STORAGE_KEY, String(pxPerMm * devicePixelRatio));
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

/** The calibrated CSS px per mm, updated in every view when the user re-measures or zooms. */
export function usePxPerMm(): [number, (pxPerMm: number | null) => void] {
  const devicePixelRatio = useDevicePixelRatio();
  const value = useSyncExternalStore(subscribe, () => loadPxPerMm(devicePixelRatio));
  return [value, useCallback((v: number | null) => savePxPerMm(v, devicePixelRatio), [devicePixelRatio])];
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
