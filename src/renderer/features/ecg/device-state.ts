import type { EcgStreamState } from '../../../shared/ecg-stream';

/** A stream with no block for this long is shown as stalled even before the driver's own watchdog says so. */
export const QUIET_MS = 1500;

/**
 * What the status line says: the driver's state, except that a "streaming" device from which this page has heard
 * nothing for QUIET_MS is shown as stalled (events can stop between main and the page, e.g. a dropped SSE link).
 */
export function shownDeviceState(state: EcgStreamState, live: boolean, lastBlockAt: number | null, now: number): EcgStreamState {
  const quiet = live && state === 'streaming' && lastBlockAt !== null && now - lastBlockAt > QUIET_MS;
  return quiet ? 'stalled' : state;
}
