/**
 * Answers to open consults arrive within seconds while the county link is up (a STEMI read must not wait for the
 * 5-minute poll or for 立即同步): while any consult awaits its answer, ask sync for a poll of the county every
 * few seconds. The poll is a soft nudge — it wakes an idle target and does nothing while the target waits out a
 * failure (link down: its own backoff decides, and the screen says so). One function is called, `poll`, so a
 * narrower pull of the consult streams can replace it without touching this.
 */

/** Every few seconds: short enough that a critical reply shows in seconds, long enough to be a trickle of GETs. */
export const CONSULT_POLL_MS = 5_000;

export interface Scheduler {
  /** Calls `tick` every `ms` until the returned function is called. */
  every(ms: number, tick: () => void): () => void;
}

export const timerScheduler: Scheduler = {
  every(ms, tick) {
    const timer = setInterval(tick, ms);
    timer.unref();
    return () => clearInterval(timer);
  },
};

export interface ReplyWatchOptions {
  /** True while some consult awaits the county (open, or completed with its report not yet here). */
  awaiting(): boolean;
  poll(): void;
  intervalMs?: number;
  scheduler?: Scheduler;
}

/** Starts the watch; returns its stop. */
export function watchConsultReplies(options: ReplyWatchOptions): () => void {
  return (options.scheduler ?? timerScheduler).every(options.intervalMs ?? CONSULT_POLL_MS, () => {
    try {
      if (options.awaiting()) options.poll();
    } catch (error) {
      // The store may be closing or locked; the next tick looks again.
      console.error('[consult] reply watch', error);
    }
  });
}
