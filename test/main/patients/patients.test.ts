import { afterEach, describe, expect, it } from 'vitest';
import { call } from '../../../src/main/api/dispatcher';
import { searchSql } from '../../../src/main/patients/patient-search';
import { ApiError } from '../../../src/shared/api/errors';
import { makeResidentId } from '../../../src/shared/resident-id';
import { openTestStation, type TestStation } from '../../support/test-services';

let station: TestStation | undefined;
afterEach(() => {
  station?.dispose();
  station = undefined;
});

// A real-looking county code of Hebei; ids built with the real check character.
const ID_ZHANG = makeResidentId('130321', '1958-03-12', 123);
const ID_ZENG = makeResidentId('130321', '1990-11-02', 456);

async function codeOf(p: Promise<unknown>) {
  return p.then(
    () => 'ok',
    (e: ApiError) => `${e.code}${e.details?.reason ? `:${e.details.reason}` : ''}`,
  );
}

describe('patients: registration, duplicates, search, merge', () => {
  it('a valid ID fills birth date and sex; a wrong check character is refused with the reason', async () => {
    station = await openTestStation({ withAdmin: true });
    const d = station.services.dispatch;
    const r = await call(d, 'patients', 'register', { name: '张三丰', idNumber: ID_ZHANG, phone: '13812345678' });
    expect(r.status).toBe('created');
    if (r.status !== 'created') return;
    expect(r.patient.birthDate).toBe('1958-03-12');
    expect(r.patient.sex).toBe('M');
    const wrong = ID_ZHANG.slice(0, 17) + (ID_ZHANG[17] === '0' ? '1' : '0');
    expect(await codeOf(call(d, 'patients', 'register', { name: '李四', idNumber: wrong }))).toBe('VALIDATION:ID_CHECKSUM');
    // Birth date contradicting the ID is refused.
    expect(await codeOf(call(d, 'patients', 'register', { name: '李四', idNumber: ID_ZENG, birthDate: '1991-01-01' }))).toBe('VALIDATION:ID_MISMATCH');
  });

  it('without an ID a reason, birth date and sex are required', async () => {
    station = await openTestStation({ withAdmin: true });
    const d = station.services.dispatch;
    expect(await codeOf(call(d, 'patients', 'register', { name: '小宝' }))).toBe('VALIDATION:NO_ID_REASON_REQUIRED');
    expect(await codeOf(call(d, 'patients', 'register', { name: '小宝', noIdReason: 'infant' }))).toBe('VALIDATION:BIRTH_DATE_REQUIRED');
    const r = await call(d, 'patients', 'register', { name: '小宝', noIdReason: 'infant', birthDate: '2026-10-01', sex: 'F' });
    expect(r.status).toBe('created');
  });

  it('refuses a date the calendar does not have at the API boundary, naming the field, and stores nothing', async () => {
    station = await openTestStation({ withAdmin: true });
    const d = station.services.dispatch;
    for (const birthDate of ['2023-02-29', '2024-02-30', '2024-13-01', '2024-2-3', '0999-01-01']) {
      const refused = await call(d, 'patients', 'register', { name: '小宝', noIdReason: 'infant', birthDate, sex: 'F' }).catch((e: ApiError) => e);
      expect(refused, birthDate).toBeInstanceOf(ApiError);
      expect((refused as ApiError).code, birthDate).toBe('VALIDATION');
      expect((refused as ApiError).details?.field, birthDate).toBe('birthDate');
    }
    expect((await call(d, 'patients', 'search', { query: '小宝' })).results).toEqual([]);
    // A leap day is a calendar date.
    expect((await call(d, 'patients', 'register', { name: '小宝', noIdReason: 'infant', birthDate: '2024-02-29', sex: 'F' })).status).toBe('created');
  });

  it('the same ID opens the existing person; same name + birth date or same phone asks first', async () => {
    station = await openTestStation({ withAdmin: true });
    const d = station.services.dispatch;
    const first = await call(d, 'patients', 'register', { name: '张三丰', idNumber: ID_ZHANG, phone: '13812345678' });
    const again = await call(d, 'patients', 'register', { name: '张三丰', idNumber: ID_ZHANG }).catch((e: ApiError) => e);
    expect(again).toBeInstanceOf(ApiError);
    expect((again as ApiError).code).toBe('DUPLICATE');
    expect((again as ApiError).details?.patientId).toBe(first.status === 'created' ? first.patient.id : '');
    const samePhone = await call(d, 'patients', 'register', { name: '张三', noIdReason: 'unknown', birthDate: '1960-01-01', sex: 'M', phone: '13812345678' });
    expect(samePhone.status).toBe('possibleDuplicates');
    const confirmed = await call(d, 'patients', 'register', {
      name: '张三',
      noIdReason: 'unknown',
      birthDate: '1960-01-01',
      sex: 'M',
      phone: '13812345678',
      confirmNotDuplicate: true,
    });
    expect(confirmed.status).toBe('created');
  });

  it('finds people by hanzi prefix, given name, full pinyin, initials, polyphonic surname, ID suffix and phone', async () => {
    station = await openTestStation({ withAdmin: true });
    const d = station.services.dispatch;
    await call(d, 'patients', 'register', { name: '张三丰', idNumber: ID_ZHANG, phone: '13812345678' });
    await call(d, 'patients', 'register', { name: '曾小贤', idNumber: ID_ZENG, phone: '15912345678' });
    const names = async (query: string) => (await call(d, 'patients', 'search', { query })).results.map((p) => p.name);
    expect(await names('张三')).toEqual(['张三丰']);
    expect(await names('三丰')).toEqual(['张三丰']);
    expect(await names('zhangsanf')).toEqual(['张三丰']);
    expect(await names('zsf')).toEqual(['张三丰']);
    expect(await names('zengx')).toEqual(['曾小贤']);
    expect(await names('zxx')).toEqual(['曾小贤']);
    expect(await names(ID_ZHANG.slice(-6))).toEqual(['张三丰']);
    expect(await names(ID_ZENG)).toEqual(['曾小贤']);
    expect(await names('15912345678')).toEqual(['曾小贤']);
    expect(await names('wangwu')).toEqual([]);
  });

  it('every search uses an index (EXPLAIN QUERY PLAN)', async () => {
    station = await openTestStation();
    const { sqlite } = station.services.store.current;
    for (const kind of ['idFull', 'idSuffix', 'phone', 'healthCard', 'hanzi', 'pinyin'] as const) {
      const plan = (sqlite.prepare(`EXPLAIN QUERY PLAN ${searchSql(kind)}`).all({ q: 'x', lo: 'a', hi: 'b', limit: 20 }) as { detail: string }[]).map(
        (r) => r.detail,
      );
      const scans = plan.filter((p) => /^SCAN patients\b/.test(p));
      expect(scans, `${kind}: ${plan.join(' | ')}`).toEqual([]);
      expect(
        plan.some((p) => /USING (COVERING )?INDEX patients_/.test(p)),
        `${kind}: ${plan.join(' | ')}`,
      ).toBe(true);
    }
  });

  it('an administrator merges two records: rows re-pointed, merged one hidden from search, audited', async () => {
    station = await openTestStation({ withAdmin: true });
    const d = station.services.dispatch;
    const a = await call(d, 'patients', 'register', { name: '王五', idNumber: ID_ZHANG });
    const b = await call(d, 'patients', 'register', { name: '王五', noIdReason: 'unknown', birthDate: '1958-03-12', sex: 'M', confirmNotDuplicate: true });
    if (a.status !== 'created' || b.status !== 'created') throw new Error('setup');
    const merged = await call(d, 'patients', 'merge', { patientId: a.patient.id, mergeId: b.patient.id });
    expect(merged.patient.id).toBe(a.patient.id);
    expect((await call(d, 'patients', 'search', { query: '王五' })).results.map((p) => p.id)).toEqual([a.patient.id]);
    const audit = await call(d, 'audit', 'search', { action: 'patients.merge' });
    expect(audit[0]).toMatchObject({ outcome: 'ok', patientId: a.patient.id });
  });

  it('reads are audited with the patient id', async () => {
    station = await openTestStation({ withAdmin: true });
    const d = station.services.dispatch;
    const r = await call(d, 'patients', 'register', { name: '赵六', idNumber: ID_ZENG });
    if (r.status !== 'created') throw new Error('setup');
    await call(d, 'patients', 'get', { patientId: r.patient.id });
    const audit = await call(d, 'audit', 'search', { patientId: r.patient.id });
    expect(audit.map((x) => x.action)).toContain('patients.get');
  });
});

describe('merge refusals', () => {
  it('two records with an open enrolment in the same programme cannot be merged; nothing changes', async () => {
    const s = await openTestStation({ withAdmin: true });
    try {
      const d = s.services.dispatch;
      const a = await call(d, 'patients', 'register', { name: '孙七', idNumber: makeResidentId('130321', '1950-02-02', 321) });
      const b = await call(d, 'patients', 'register', { name: '孙七', noIdReason: 'unknown', birthDate: '1950-02-02', sex: 'M', confirmNotDuplicate: true });
      if (a.status !== 'created' || b.status !== 'created') throw new Error('setup');
      // The same kind of clash a one-open-enrolment-per-programme rule gives: a unique index over patient_id.
      const { sqlite } = s.services.store.current;
      sqlite.exec(`CREATE TABLE merge_probe (patient_id TEXT NOT NULL UNIQUE)`);
      sqlite.prepare('INSERT INTO merge_probe VALUES (?), (?)').run(a.patient.id, b.patient.id);
      const err = (await call(d, 'patients', 'merge', { patientId: a.patient.id, mergeId: b.patient.id }).catch((e) => e)) as ApiError;
      expect(err.code).toBe('CONFLICT');
      expect(err.details?.reason).toBe('MERGE_CONFLICTING_RECORDS');
      expect((await call(d, 'patients', 'get', { patientId: b.patient.id })).mergedInto).toBeNull();
    } finally {
      s.dispose();
    }
  });
});
