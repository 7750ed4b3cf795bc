/** Injected time source: services never call Date.now() directly, so tests can move time (lockout, idle lock). */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests (and the harness, for the idle-lock e2e) can move forward. */
export class ManualClock implements Clock {
  private offsetMs = 0;
  constructor(private readonly base: () => number = Date.now) {}
  now(): Date {
    return new Date(this.base() + this.offsetMs);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
