import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../../../shared/api/errors';
import { useAuth } from '../../app/auth-context';

export const AUTOSAVE_DELAY_MS = 800;
const RETRY_MS = 5_000;

export type AutosaveState = 'saved' | 'pending' | 'saving' | 'failed';

/**
 * Saves `value` after typing pauses, at once on `flush()` (blur, sign, leaving), one save at a time, always the
 * latest text. A failed save (idle lock, a busy database) keeps the text and is tried again: after a pause, on the
 * next edit, and as soon as the station is unlocked. Nothing typed is dropped.
 */
export function useAutosave<T>(value: T, save: (value: T) => Promise<void>, enabled: boolean) {
  const [state, setState] = useState<AutosaveState>('saved');
  const [savedAt, setSavedAt] = useState<Date | null>(null);
  const [error, setError] = useState<unknown>(null);
  const latest = useRef(value);
  const lastSaved = useRef(JSON.stringify(value));
  const inFlight = useRef<Promise<void> | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const saveRef = useRef(save);
  useEffect(() => {
    saveRef.current = save;
    latest.current = value;
  });

  // The retry timers call run through a ref: run cannot name itself while it is being declared.
  const runRef = useRef<() => Promise<boolean>>(async () => false);
  const run = useCallback(async (): Promise<boolean> => {
    clearTimeout(timer.current);
    while (inFlight.current) await inFlight.current;
    const snapshot = latest.current;
    const json = JSON.stringify(snapshot);
    if (json === lastSaved.current) {
      setState('saved');
      return true;
    }
    setState('saving');
    let ok = false;
    let failure: unknown = null;
    const attempt = saveRef.current(snapshot).then(
      () => {
        lastSaved.current = json;
        ok = true;
        setSavedAt(new Date());
        setError(null);
      },
      (e: unknown) => {
        failure = e;
        setError(e);
      },
    );
    inFlight.current = attempt;
    await attempt;
    inFlight.current = null;
    if (!ok) {
      setState('failed');
      // While locked every call is refused: the unlock effect below saves instead of polling a locked station.
      if (!(failure instanceof ApiError && (failure.code === 'SESSION_LOCKED' || failure.code === 'UNAUTHENTICATED'))) {
        timer.current = setTimeout(() => void runRef.current(), RETRY_MS);
      }
      return false;
    }
    // Typing went on while this save was under way: save again.
    if (JSON.stringify(latest.current) !== json) {
      setState('pending');
      timer.current = setTimeout(() => void runRef.current(), AUTOSAVE_DELAY_MS);
    } else setState('saved');
    return true;
  }, []);
  useEffect(() => {
    runRef.current = run;
  }, [run]);

  const json = JSON.stringify(value);
  useEffect(() => {
    if (!enabled || json === lastSaved.current) return;
    setState((s) => (s === 'failed' ? s : 'pending'));
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void run(), AUTOSAVE_DELAY_MS);
  }, [json, enabled, run]);

  const { status } = useAuth();
  const locked = status?.locked ?? false;
  useEffect(() => {
    if (enabled && !locked && JSON.stringify(latest.current) !== lastSaved.current) void run();
  }, [locked, enabled, run]);

  useEffect(() => () => clearTimeout(timer.current), []);

  /** Resolves true once everything typed so far is stored. */
  const flush = useCallback(() => run(), [run]);
  /** After the server has stored a value by other means (e.g. the page loaded it). */
  const markSaved = useCallback((stored: T) => {
    lastSaved.current = JSON.stringify(stored);
    setState('saved');
  }, []);
  const isDirty = useCallback(() => JSON.stringify(latest.current) !== lastSaved.current, []);
  return { state, savedAt, error, flush, markSaved, isDirty };
}
