import { SYNC_ERROR_POLICY, type SyncErrorCode } from '../../shared/sync';

export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

/** A township link can be down for hours; five minutes between tries is cheap and recovers soon enough. */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, capMs: 5 * 60_000 };

/**
 * "Full jitter" (Brooker, AWS Architecture Blog, 2015): sleep a uniform random time in [0, min(cap, base·2^n)).
 * Stations that lost the same link at the same moment then come back spread out instead of in step.
 * `failures` counts consecutive failures, from 1; `random` returns [0, 1).
 */
export function fullJitterDelay(failures: number, policy: BackoffPolicy, random: () => number): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
  return Math.floor(random() * ceiling);
}

/**
 * Errors that retrying cannot fix (a certificate the server refuses) wait the longest interval, or until the
 * settings change; everything transient backs off with jitter.
 */
export function retryDelayFor(code: SyncErrorCode, failures: number, policy: BackoffPolicy, random: () => number): number {
  if (SYNC_ERROR_POLICY[code].retry === 'backoff') return fullJitterDelay(failures, policy, random);
  return policy.capMs;
}
