import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../../src/main/api/dispatcher';
import type { Db } from '../../../src/main/db/open';
import { dropListMirror, listState } from '../../../src/main/followup/list-mirror';
import { reminderRowsAsOf } from '../../../src/main/followup/reminder-list';
import { dueFactsByPatient, latestHealthChecksBetween, listChangeCounter } from '../../../src/main/followup/repository';
import { BPHS_2017 } from '../../../src/main/followup/rule-packs/bphs-2017';
import { addDays, yearPeriodContaining } from '../../../src/shared/dates';
import { openTestStation, type TestStation } from '../../support/test-services';
import { clinicVisit, dayFrom, resident } from './service-fixtures';

/**
 * The reminder list's kept mirror (list-mirror.ts) and the change log the triggers of migration 0031 write: what is
 * logged, and that the mirror, brought up to date from the log, equals a read from scratch after merges, a moved
 * health-check window and a log that went backwards. The random-write property lives in due-state-properties.test.ts.
 */

let s: TestStation;
let db: Db;

beforeAll(async () => {
  s = await openTestStation({ withAdmin: true });
  db = s.services.store.current.db;
});
afterAll(() => s?.dispose());

function window(): { from: string; to: string } {
  const today = s.services.followup.today();
  return { from: yearPeriodContaining(today, BPHS_2017.yearStartMonth).start, to: today };
}

/** This connection's mirror and a read from scratch, in one read transaction. */
function keptAndFresh(w = window()) {
  return db.$client.transaction(() => {
    const state = listState(db, w.from, w.to);
    return {
      kept: { facts: new Map(state.facts), checks: new Map(state.checks) },
      fresh: { facts: dueFactsByPatient(db), checks: latestHealthChecksBetween(db, w.from, w.to) },
    };
  })();
}

function logRows(patientId: string): { seq: number }[] {
  return db.$client.prepare('SELECT seq FROM followup_list_changes WHERE resident_id = ?').all(patientId) as { seq: number }[];
}

describe('the change log', () => {
  it('holds one row per resident, moved to a counter that only grows by each write of the due state or a check', async () => {
    const d = s.services.dispatch;
    const p = await resident(s, { name: '日志', age: 60, village: '东湾村' });
    const before = listChangeCounter(db);
    await call(d, 'followup', 'enrol', { patientId: p.id, disease: 'hypertension', howFound: 'clinic_visit', enrolledOn: dayFrom(s, -100) });
    const enrolled = listChangeCounter(db);
    expect(enrolled).toBeGreaterThan(before);
    expect(logRows(p.id)).toEqual([{ seq: enrolled }]);
    await call(d, 'followup', 'save', { patientId: p.id, disease: 'hypertension', form: clinicVisit(dayFrom(s, -5), { sbp: 132, dbp: 84 }) });
    const visited = listChangeCounter(db);
    expect(visited).toBeGreaterThan(enrolled);
    expect(logRows(p.id)).toEqual([{ seq: visited }]);
    await call(d, 'followup', 'recordHealthCheck', { patientId: p.id, date: dayFrom(s, -1) });
    expect(listChangeCounter(db)).toBeGreaterThan(visited);
    expect(logRows(p.id)).toHaveLength(1);
  });
});

describe('the kept mirror', () => {
  it('after a merge holds the merged resident’s programmes under the kept id, in the worker and on this thread', async () => {
    const d = s.services.dispatch;
    const [keep, gone] = [await resident(s, { name: '镜像甲', age: 70, village: '西岭村' }), await resident(s, { name: '镜像乙', age: 70, village: '西岭村' })];
    await call(d, 'followup', 'enrol', { patientId: keep.id, disease: 'hypertension', howFound: 'clinic_visit', enrolledOn: dayFrom(s, -200) });
    await call(d, 'followup', 'enrol', { patientId: gone.id, disease: 't2dm', howFound: 'clinic_visit', enrolledOn: dayFrom(s, -200) });
    await call(d, 'followup', 'save', { patientId: gone.id, disease: 't2dm', form: clinicVisit(dayFrom(s, -120), { fbg: 6.1 }) });
    // Both mirrors exist before the merge.
    await s.services.followup.reminderRows({ village: '西岭村' });
    keptAndFresh();
    await call(d, 'patients', 'merge', { patientId: keep.id, mergeId: gone.id });

    const { kept, fresh } = keptAndFresh();
    expect(kept).toEqual(fresh);
    expect(kept.facts.get(gone.id)).toBeUndefined();
    expect(
      kept.facts
        .get(keep.id)
        ?.map((f) => f.disease)
        .sort(),
    ).toEqual(['hypertension', 't2dm']);

    const fromWorker = await s.services.followup.reminderRows({ village: '西岭村' });
    dropListMirror(db);
    const scratch = reminderRowsAsOf(db, { asOf: s.services.followup.today(), rules: BPHS_2017, filter: { village: '西岭村' } });
    expect(fromWorker).toEqual(scratch);
    expect(fromWorker.some((r) => r.patientId === gone.id)).toBe(false);
    expect(fromWorker.filter((r) => r.patientId === keep.id && r.disease === 't2dm').length).toBeGreaterThan(0);
  });

  it('reads the year’s checks again when the window moves (another day)', async () => {
    const p = await resident(s, { name: '窗口', age: 70, village: '东湾村' });
    const w = window();
    await call(s.services.dispatch, 'followup', 'recordHealthCheck', { patientId: p.id, date: w.to });
    const yesterday = { from: w.from, to: addDays(w.to, -1) };
    const earlier = keptAndFresh(yesterday);
    expect(earlier.kept).toEqual(earlier.fresh);
    expect(earlier.kept.checks.has(p.id)).toBe(false);
    const today = keptAndFresh(w);
    expect(today.kept).toEqual(today.fresh);
    expect(today.kept.checks.get(p.id)).toBe(w.to);
  });

  it('reloads everything when the log’s counter is behind the one it last saw (another database under the connection)', async () => {
    const d = s.services.dispatch;
    const p = await resident(s, { name: '倒退', age: 60, village: '东湾村' });
    await call(d, 'followup', 'enrol', { patientId: p.id, disease: 'hypertension', howFound: 'clinic_visit', enrolledOn: dayFrom(s, -100) });
    for (const ago of [90, 60, 30]) await call(d, 'followup', 'recordHealthCheck', { patientId: p.id, date: dayFrom(s, -ago) });
    keptAndFresh();
    const seen = listChangeCounter(db);
    db.$client.prepare('DELETE FROM followup_list_changes').run();
    // One write after the log was emptied: a counter below the mirror's; only a reload can see this visit.
    await call(d, 'followup', 'save', { patientId: p.id, disease: 'hypertension', form: clinicVisit(dayFrom(s, -3), { sbp: 150, dbp: 95 }) });
    expect(listChangeCounter(db)).toBeLessThan(seen);
    const { kept, fresh } = keptAndFresh();
    expect(kept).toEqual(fresh);
    expect(kept.facts.get(p.id)?.[0].lastVisitOn).toBe(dayFrom(s, -3));
  });
});
