import { afterEach, describe, expect, it } from 'vitest';
import { call } from '../../../src/main/api/dispatcher';
import { ApiError } from '../../../src/shared/api/errors';
import { ADMIN, openTestStation, type TestStation } from '../../support/test-services';

let station: TestStation | undefined;
afterEach(() => {
  station?.dispose();
  station = undefined;
});

async function outcome(p: Promise<unknown>): Promise<{ code: string; fields: string[]; remaining?: unknown }> {
  try {
    await p;
    return { code: 'ok', fields: [] };
  } catch (err) {
    const e = err as ApiError;
    return { code: e.code, fields: Object.keys(e.details ?? {}).sort(), remaining: e.details?.remaining };
  }
}

describe('lockout under parallel attempts (issue 15 point 2) and no account discovery (point 9)', () => {
  it('50 parallel wrong sign-ins lock the account after the configured number; the right password is then refused', async () => {
    station = await openTestStation({ withAdmin: true });
    const d = station.services.dispatch;
    await call(d, 'settings', 'update', { security: { maxFailedSignIns: 5, lockoutMinutes: 15, idleLockMinutes: 10, passwordMinLength: 8 } });
    await call(d, 'auth', 'signOut', {});
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => outcome(call(d, 'auth', 'signIn', { username: 'admin', password: `Wrong${i}pass` }))),
    );
    const codes = results.map((r) => r.code);
    expect(codes.filter((c) => c === 'BAD_CREDENTIALS')).toHaveLength(4);
    expect(codes.filter((c) => c === 'LOCKED_OUT')).toHaveLength(46);
    expect(
      results
        .filter((r) => r.code === 'BAD_CREDENTIALS')
        .map((r) => r.remaining)
        .sort(),
    ).toEqual([1, 2, 3, 4]);
    expect((await outcome(call(d, 'auth', 'signIn', { username: 'admin', password: ADMIN.password }))).code).toBe('LOCKED_OUT');
    station.clock.advance(15 * 60_000 + 1);
    expect((await outcome(call(d, 'auth', 'signIn', { username: 'admin', password: ADMIN.password }))).code).toBe('ok');
  });

  it('parallel wrong unlocks count the same way and end the session at the limit', async () => {
    station = await openTestStation({ withAdmin: true });
    const d = station.services.dispatch;
    await call(d, 'settings', 'update', { security: { maxFailedSignIns: 3, lockoutMinutes: 15, idleLockMinutes: 10, passwordMinLength: 8 } });
    station.clock.advance(11 * 60_000);
    expect((await call(d, 'auth', 'status', {})).locked).toBe(true);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => outcome(call(d, 'auth', 'unlock', { password: `Wrong${i}pass` }))));
    const codes = results.map((r) => r.code);
    expect(codes.filter((c) => c === 'BAD_CREDENTIALS')).toHaveLength(2);
    expect(codes.filter((c) => c !== 'BAD_CREDENTIALS').every((c) => c === 'LOCKED_OUT' || c === 'UNAUTHENTICATED')).toBe(true);
    expect((await call(d, 'auth', 'status', {})).user).toBeNull();
  });

  it('an unknown username answers exactly like a known one: same codes, same fields, same lockout', async () => {
    station = await openTestStation({ withAdmin: true });
    const d = station.services.dispatch;
    await call(d, 'auth', 'signOut', {});
    const known: unknown[] = [];
    const unknown: unknown[] = [];
    for (let i = 0; i < 7; i++) {
      known.push(await outcome(call(d, 'auth', 'signIn', { username: 'admin', password: `Wrong${i}pass` })));
      unknown.push(await outcome(call(d, 'auth', 'signIn', { username: 'nobody', password: `Wrong${i}pass` })));
    }
    expect(unknown).toEqual(known);
    expect(known[0]).toEqual({ code: 'BAD_CREDENTIALS', fields: ['remaining'], remaining: 4 });
    expect(known[4]).toMatchObject({ code: 'LOCKED_OUT', fields: ['until'] });
  });
});
