import { afterEach, describe, expect, it } from 'vitest';
import { call } from '../../../src/main/api/dispatcher';
import { ADMIN, codeOf, openTestStation, type TestStation } from '../../support/test-services';

let station: TestStation | undefined;
afterEach(() => {
  station?.dispose();
  station = undefined;
});

describe('idle lock with background polls running (issue 15 point 1)', () => {
  it('locks at the configured minute while the banner (10 s), queue (15 s) and sync page (5 s) keep polling', async () => {
    station = await openTestStation({ withAdmin: true });
    const d = station.services.dispatch;
    await call(d, 'settings', 'update', { security: { maxFailedSignIns: 5, lockoutMinutes: 15, idleLockMinutes: 3, passwordMinLength: 8 } });
    // The settings change above was the last thing the user did; from here on only the pages poll.
    await call(d, 'auth', 'heartbeat', {});
    let lockedAtMs: number | null = null;
    for (let t = 5_000; t <= 5 * 60_000; t += 5_000) {
      station.clock.advance(5_000);
      const polls = [codeOf(call(d, 'sync', 'targets', {})), codeOf(call(d, 'sync', 'conflicts', {}))];
      if (t % 10_000 === 0) polls.push(codeOf(call(d, 'consult', 'alerts', {})));
      if (t % 15_000 === 0) polls.push(codeOf(call(d, 'clinic', 'queue', {})));
      const codes = await Promise.all(polls);
      if ((await call(d, 'auth', 'status', {})).locked) {
        lockedAtMs = t;
        expect(codes.every((c) => c === 'SESSION_LOCKED' || c === 'ok')).toBe(true);
        break;
      }
      expect(codes).toEqual(codes.map(() => 'ok'));
    }
    // The manual clock runs on real time too, so the lock lands on the 3-minute step or the one after it.
    expect(lockedAtMs).toBeGreaterThanOrEqual(3 * 60_000);
    expect(lockedAtMs).toBeLessThanOrEqual(3 * 60_000 + 5_000);
    expect(await codeOf(call(d, 'consult', 'alerts', {}))).toBe('SESSION_LOCKED');
  });

  it('a heartbeat (real input) keeps the station open; polls alone do not', async () => {
    station = await openTestStation({ withAdmin: true });
    const d = station.services.dispatch;
    for (let minute = 1; minute <= 30; minute++) {
      station.clock.advance(60_000);
      expect(await codeOf(call(d, 'consult', 'alerts', {}))).toBe('ok');
      expect((await call(d, 'auth', 'heartbeat', {})).locked).toBe(false);
    }
    for (let minute = 1; minute <= 9; minute++) {
      station.clock.advance(60_000);
      expect(await codeOf(call(d, 'consult', 'alerts', {}))).toBe('ok');
    }
    station.clock.advance(61_000);
    expect(await codeOf(call(d, 'clinic', 'queue', {}))).toBe('SESSION_LOCKED');
    expect(await codeOf(call(d, 'auth', 'unlock', { password: ADMIN.password }))).toBe('ok');
  });
});
