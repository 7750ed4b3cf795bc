import { afterEach, describe, expect, it } from 'vitest';
import { call } from '../../../src/main/api/dispatcher';
import { ApiError } from '../../../src/shared/api/errors';
import { ADMIN, codeOf, openTestStation, type TestStation } from '../../support/test-services';

let station: TestStation | undefined;
afterEach(() => {
  station?.dispose();
  station = undefined;
});

describe('sign-in, roles, lockout and idle lock', () => {
  it('first run creates the administrator once', async () => {
    station = await openTestStation();
    const d = station.services.dispatch;
    expect((await call(d, 'auth', 'status', {})).firstRun).toBe(true);
    await call(d, 'auth', 'setupAdmin', ADMIN);
    expect((await call(d, 'auth', 'status', {})).firstRun).toBe(false);
    expect(await codeOf(call(d, 'auth', 'setupAdmin', { ...ADMIN, username: 'admin2' }))).toBe('ALREADY_SET_UP');
  });

  it('enforces the password policy', async () => {
    station = await openTestStation();
    const d = station.services.dispatch;
    const tryPw = (password: string) => call(d, 'auth', 'setupAdmin', { ...ADMIN, password }).catch((e: ApiError) => e.details?.rule);
    expect(await tryPw('Ab1')).toBe('minLength');
    expect(await tryPw('abcdefghij')).toBe('letterAndDigit');
    expect(await tryPw('xadmin12345')).toBe('notUsername');
  });

  it('locks after N failures for M minutes (configurable), then lets the right password in', async () => {
    station = await openTestStation({ withAdmin: true });
    const d = station.services.dispatch;
    await call(d, 'settings', 'update', { security: { maxFailedSignIns: 3, lockoutMinutes: 2, idleLockMinutes: 10, passwordMinLength: 8 } });
    await call(d, 'auth', 'signOut', {});
    expect(await codeOf(call(d, 'auth', 'signIn', { username: 'admin', password: 'wrong1aaa' }))).toBe('BAD_CREDENTIALS');
    expect(await codeOf(call(d, 'auth', 'signIn', { username: 'admin', password: 'wrong2aaa' }))).toBe('BAD_CREDENTIALS');
    expect(await codeOf(call(d, 'auth', 'signIn', { username: 'admin', password: 'wrong3aaa' }))).toBe('LOCKED_OUT');
    expect(await codeOf(call(d, 'auth', 'signIn', { username: 'admin', password: ADMIN.password }))).toBe('LOCKED_OUT');
    station.clock.advance(2 * 60_000 + 1);
    expect(await codeOf(call(d, 'auth', 'signIn', { username: 'admin', password: ADMIN.password }))).toBe('ok');
    // Unknown users answer exactly like wrong passwords.
    expect(await codeOf(call(d, 'auth', 'signIn', { username: 'nobody', password: 'x' }))).toBe('BAD_CREDENTIALS');
  });

  it('checks roles in main for every call: a nurse cannot list users, read the audit log or restore', async () => {
    station = await openTestStation({ withAdmin: true });
    const d = station.services.dispatch;
    await call(d, 'users', 'create', { username: 'nurse1', displayName: '李护士', role: 'nurse', password: 'Nurse2026ok' });
    await call(d, 'auth', 'signOut', {});
    expect(await codeOf(call(d, 'users', 'list', {}))).toBe('UNAUTHENTICATED');
    await call(d, 'auth', 'signIn', { username: 'nurse1', password: 'Nurse2026ok' });
    expect(await codeOf(call(d, 'users', 'list', {}))).toBe('FORBIDDEN');
    expect(await codeOf(call(d, 'audit', 'search', {}))).toBe('FORBIDDEN');
    expect(await codeOf(call(d, 'backup', 'restore', { file: 'fh_aaaaaaaaaaaaaaaaaaaaaaaa', passphrase: 'x' }))).toBe('FORBIDDEN');
    expect(await codeOf(call(d, 'settings', 'get', {}))).toBe('ok');
  });

  it('idle lock after T minutes refuses calls until the same user unlocks; typing (heartbeats) keeps it open', async () => {
    station = await openTestStation({ withAdmin: true });
    const d = station.services.dispatch;
    station.clock.advance(9 * 60_000);
    expect((await call(d, 'auth', 'heartbeat', {})).locked).toBe(false);
    station.clock.advance(9 * 60_000);
    expect(await codeOf(call(d, 'settings', 'get', {}))).toBe('ok');
    station.clock.advance(10 * 60_000 + 1);
    expect(await codeOf(call(d, 'settings', 'get', {}))).toBe('SESSION_LOCKED');
    expect((await call(d, 'auth', 'status', {})).locked).toBe(true);
    expect(await codeOf(call(d, 'auth', 'unlock', { password: 'wrongpass1' }))).toBe('BAD_CREDENTIALS');
    expect(await codeOf(call(d, 'auth', 'unlock', { password: ADMIN.password }))).toBe('ok');
    expect(await codeOf(call(d, 'settings', 'get', {}))).toBe('ok');
  });

  it('the last administrator cannot be disabled', async () => {
    station = await openTestStation({ withAdmin: true });
    const d = station.services.dispatch;
    const [admin] = await call(d, 'users', 'list', {});
    expect(await codeOf(call(d, 'users', 'update', { id: admin.id, active: false }))).toBe('CONFLICT');
  });
});

describe('audit log', () => {
  it('records sign-in, failures, denials and admin actions with who, what, when and outcome', async () => {
    station = await openTestStation({ withAdmin: true });
    const d = station.services.dispatch;
    await call(d, 'auth', 'signOut', {});
    await codeOf(call(d, 'auth', 'signIn', { username: 'admin', password: 'wrong1aaa' }));
    await call(d, 'auth', 'signIn', { username: 'admin', password: ADMIN.password });
    await call(d, 'settings', 'update', { facilityName: '某某镇卫生院' });
    const rows = await call(d, 'audit', 'search', { limit: 50 });
    const actions = rows.map((r) => `${r.action}:${r.outcome}`).reverse();
    // The first row of a station's chain is the seal naming its audit key.
    expect(actions).toEqual(['audit.seal:ok', 'auth.setupAdmin:ok', 'auth.signOut:ok', 'auth.signIn:error', 'auth.signIn:ok', 'settings.update:ok']);
    expect(rows.find((r) => r.action === 'auth.signIn' && r.outcome === 'error')?.details).toContain('username=admin');
    expect(rows.every((r) => !Number.isNaN(Date.parse(r.at)))).toBe(true);
  });

  it('is append-only and verify detects an edited, a deleted and a truncated row', async () => {
    station = await openTestStation({ withAdmin: true });
    const d = station.services.dispatch;
    for (let i = 0; i < 5; i++) await call(d, 'settings', 'update', { facilityName: `卫生院${i}` });
    expect(await call(d, 'audit', 'verify', {})).toMatchObject({ ok: true, checked: 7 });
    const { sqlite } = station.services.store.current;
    expect(() => sqlite.prepare(`UPDATE audit_log SET outcome = 'ok' WHERE id = 2`).run()).toThrow(/append-only/);
    expect(() => sqlite.prepare('DELETE FROM audit_log WHERE id = 2').run()).toThrow(/append-only/);

    // Someone with the key drops the triggers and edits: the chain shows it.
    sqlite.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
    sqlite.prepare(`UPDATE audit_log SET username = 'someone' WHERE id = 3`).run();
    let v = station.services.audit.verify();
    expect(v).toMatchObject({ ok: false, firstBadId: 3, problem: 'hash' });

    const fresh = await openTestStation({ withAdmin: true });
    try {
      for (let i = 0; i < 4; i++) await call(fresh.services.dispatch, 'settings', 'update', { facilityName: `x${i}` });
      const s2 = fresh.services.store.current.sqlite;
      s2.exec('DROP TRIGGER audit_log_no_delete;');
      s2.prepare('DELETE FROM audit_log WHERE id = 2').run();
      expect(fresh.services.audit.verify()).toMatchObject({ ok: false, firstBadId: 2, problem: 'gap' });
      s2.prepare('DELETE FROM audit_log WHERE id >= 2').run();
      v = fresh.services.audit.verify();
      expect(v.ok).toBe(false);
    } finally {
      fresh.dispose();
    }
  });
});
