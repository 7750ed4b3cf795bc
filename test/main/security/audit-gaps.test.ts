import { afterEach, describe, expect, it } from 'vitest';
import { call } from '../../../src/main/api/dispatcher';
import { resultAuditDetails } from '../../../src/main/audit/result-audit';
import { makeResidentId } from '../../../src/shared/resident-id';
import { openTestStation, type TestStation } from '../../support/test-services';

let station: TestStation | undefined;
afterEach(() => {
  station?.dispose();
  station = undefined;
});

describe('audit gaps (issue 15 point 10)', () => {
  it('search, queue and conflicts rows carry the query and the patient ids returned; the locale switch is audited', async () => {
    station = await openTestStation({ withAdmin: true });
    const d = station.services.dispatch;
    const r = await call(d, 'patients', 'register', { name: '张三丰', idNumber: makeResidentId('130321', '1958-03-12', 123), phone: '13812345678' });
    if (r.status !== 'created') throw new Error('not created');
    const id = r.patient.id;
    await call(d, 'clinic', 'checkIn', { patientId: id });
    expect((await call(d, 'patients', 'search', { query: '张三' })).results.map((p) => p.id)).toContain(id);
    await call(d, 'clinic', 'queue', {});
    await call(d, 'sync', 'conflicts', {});
    await call(d, 'consult', 'alerts', {});
    await call(d, 'settings', 'setLocale', { locale: 'en' });
    const rows = await call(d, 'audit', 'search', { limit: 50 });
    const search = rows.find((x) => x.action === 'patients.search');
    expect(search?.details).toContain('query={"query":"张三"');
    expect(search?.details).toContain(`patients=${id}`);
    expect(rows.find((x) => x.action === 'clinic.queue')?.details).toContain(`patients=${id}`);
    expect(rows.find((x) => x.action === 'sync.conflicts')?.details).toMatch(/^query=\{.*\} patients=$/);
    // An empty banner poll showed nobody: no row every 10 s.
    expect(rows.some((x) => x.action === 'consult.alerts')).toBe(false);
    expect(rows.find((x) => x.action === 'settings.setLocale')).toMatchObject({ outcome: 'ok', username: 'admin' });
  });

  it('consult.alerts rows name the patients whose critical findings the banner showed', () => {
    const shown = [
      {
        id: 'a1',
        replyId: 'r1',
        consultId: 'c1',
        patientId: 'P-7',
        patientName: '李四',
        text: 'STEMI',
        raisedAt: '2026-01-01T00:00:00Z',
        acknowledgedByName: null,
        acknowledgedAt: null,
      },
    ];
    expect(resultAuditDetails('consult.alerts', {}, shown)).toBe('query={} patients=P-7');
    expect(resultAuditDetails('consult.alerts', {}, [])).toBeNull();
    expect(resultAuditDetails('patients.get', { patientId: 'x' }, {})).toBeUndefined();
  });
});
