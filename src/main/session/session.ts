import type { User } from '../../shared/api/auth';

/**
 * The signed-in user of this station window. One per process: the workstation has one window, and the harness
 * mirrors that. Idle time is measured from sign-in, unlock or the last renderer heartbeat (sent on real keyboard
 * and pointer input). API calls do not count: pages poll in the background, so a call says nothing about a person.
 */
export class Session {
  user: User | null = null;
  private lastActivityMs = 0;
  private idleLocked = false;

  constructor(private readonly now: () => number) {}

  signIn(user: User): void {
    this.user = user;
    this.idleLocked = false;
    this.lastActivityMs = this.now();
  }

  signOut(): void {
    this.user = null;
    this.idleLocked = false;
  }

  /** Evaluates the idle clock; once locked it stays locked until unlock(). */
  isLocked(idleLockMinutes: number): boolean {
    if (!this.user) return false;
    if (!this.idleLocked && this.now() - this.lastActivityMs > idleLockMinutes * 60_000) this.idleLocked = true;
    return this.idleLocked;
  }

  touch(): void {
    if (this.user && !this.idleLocked) this.lastActivityMs = this.now();
  }

  unlock(): void {
    this.idleLocked = false;
    this.lastActivityMs = this.now();
  }
}
