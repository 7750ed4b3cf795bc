import type { TFunction } from 'i18next';

/**
 * A device's name in the UI language. Main names its drivers in English for logs; the ones the app ships (the demo
 * simulator) have catalog texts under ecg:device.<id>; a configured cart keeps the name its installer gave it.
 */
export function deviceLabel(t: TFunction, device: { id: string; label: string }): string {
  return t(`ecg:device.${device.id}`, { defaultValue: device.label });
}
