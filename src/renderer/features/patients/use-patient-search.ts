import { useEffect, useRef, useState } from 'react';
import type { PatientSummary } from '../../../shared/api/patients';
import { api } from '../../api/client';
import { createLatestGuard } from '../../components/latest-only';

export const SEARCH_DEBOUNCE_MS = 120;
const MAX_QUERY = 40; // the contract's limit

export interface SearchState {
  /** The text these results answer (trimmed); the box may already hold newer text. */
  query: string;
  kind: string;
  results: PatientSummary[];
  error: unknown;
}

/**
 * Debounced one-box search: waits until typing pauses, then asks main; an answer to an older query is dropped so
 * the list never jumps back to what was typed before.
 */
export function usePatientSearch(text: string): SearchState | null {
  const [state, setState] = useState<SearchState | null>(null);
  const guard = useRef(createLatestGuard());
  useEffect(() => {
    const query = text.trim().slice(0, MAX_QUERY);
    guard.current.invalidate();
    if (!query) return;
    const timer = setTimeout(() => {
      const isCurrent = guard.current.begin();
      api.patients.search({ query, limit: 20 }).then(
        (r) => isCurrent() && setState({ query, kind: r.kind, results: r.results, error: null }),
        (error: unknown) => isCurrent() && setState({ query, kind: 'empty', results: [], error }),
      );
    }, SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text]);
  return text.trim() ? state : null;
}
