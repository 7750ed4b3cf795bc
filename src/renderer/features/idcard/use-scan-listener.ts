import { useEffect, useRef } from 'react';
import { looksScanned, parseScannedInput, type ScannedInput } from '../../../shared/idcard';
import { todayInChina } from '../../components/dates';

/**
 * Listens for a keyboard-mode reader or QR scanner anywhere on the page: a burst of keys too fast for a person,
 * ending in Enter. A recognised burst (ID number or plain QR payload) is handed to `onScan`, and its Enter does not
 * submit the form the focus happened to be in. People typing are never taken for a scanner (looksScanned).
 */
export function useScanListener(onScan: (scanned: Exclude<ScannedInput, { kind: 'unrecognised' }>) => void): void {
  const handler = useRef(onScan);
  useEffect(() => {
    handler.current = onScan;
  });
  useEffect(() => {
    let chars = '';
    let times: number[] = [];
    const onKey = (e: KeyboardEvent) => {
      const now = e.timeStamp;
      if (times.length > 0 && now - times[times.length - 1]! > 100) {
        chars = '';
        times = [];
      }
      if (e.key === 'Enter') {
        const burst = chars;
        const burstTimes = times;
        chars = '';
        times = [];
        if (!looksScanned(burstTimes)) return;
        const scanned = parseScannedInput(burst, todayInChina());
        if (scanned.kind === 'unrecognised') return;
        e.preventDefault();
        e.stopPropagation();
        handler.current(scanned);
      } else if (e.key.length === 1) {
        chars += e.key;
        times.push(now);
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);
}
