/**
 * Answers to earlier requests can arrive after later ones (a slow PC, a busy database): only the most recent
 * request may update the screen. `begin()` starts a request and returns its check; `invalidate()` makes every
 * request in flight stale (the box was cleared).
 */
export interface LatestGuard {
  begin(): () => boolean;
  invalidate(): void;
}

export function createLatestGuard(): LatestGuard {
  let latest = 0;
  return {
    begin() {
      const mine = ++latest;
      return () => mine === latest;
    },
    invalidate() {
      latest += 1;
    },
  };
}

/** Events other screens listen to, so a write in one place refreshes the others at once. */
export const QUEUE_CHANGED_EVENT = 'workstation:queue-changed';

export function announceQueueChanged(): void {
  window.dispatchEvent(new CustomEvent(QUEUE_CHANGED_EVENT));
}
