/**
 * The filters moved to src/shared/ecg-filters.ts so the renderer's live view runs the same causal chains as the
 * analysis; this module keeps the old import path for main's callers.
 */
export * from '../../../shared/ecg-filters';
