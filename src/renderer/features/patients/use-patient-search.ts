import { useEffect, useState } from 'react';
import type { PatientSummary } from '../../../shared/api/patients';
import { usePatientSearchResults } from './patients.resource';

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
 * Debounced one-box search: waits until typing pauses, then asks through the search resource (which drops an answer
 * to an older query, so the list never jumps back to what was typed before). While the next query loads, the last
 * answer stays on screen rather than blinking empty.
 */
export function usePatientSearch(text: string, limit = 20): SearchState | null {
  const typed = text.trim().slice(0, MAX_QUERY);
  const [query, setQuery] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setQuery(typed), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [typed]);
  const answer = usePatientSearchResults(query ? { query, limit } : null);
  const [shown, setShown] = useState<SearchState | null>(null);
  // Adjusting state while rendering (React's pattern for state derived from a changing input): the held answer
  // moves on only when the resource has a new one, so a reload in flight keeps the last one shown.
  const next: SearchState | null = answer.data
    ? { query, kind: answer.data.kind, results: answer.data.results, error: null }
    : answer.error
      ? { query, kind: 'empty', results: [], error: answer.error }
      : null;
  if (next && (shown === null || shown.query !== next.query || shown.results !== next.results || shown.error !== next.error)) setShown(next);
  return typed ? (next ?? shown) : null;
}
