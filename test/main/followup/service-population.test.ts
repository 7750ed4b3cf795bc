import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../../src/main/api/dispatcher';
import { defaultMigrationsFolder } from '../../../src/main/db/open';
import { dueFactsOf, evaluateFollowUp } from '../../../src/main/followup/engine';
import { dueStateSql } from '../../../src/main/followup/due-state';
import { allDueStateRows, dueStateRow } from '../../../src/main/followup/repository';
import { BPHS_2017 } from '../../../src/main/followup/rule-packs/bphs-2017';
import { computeIndicators } from '../../../src/main/followup/indicators';
import { computeReminders } from '../../../src/main/followup/reminders';
import type { OutputOf } from '../../../src/shared/api/contract';
import type { Patient } from '../../../src/shared/api/patients';
import { completedYears } from '../../../src/shared/dates';
import type { FollowUpPatientState, IndicatorPatient } from '../../../src/shared/followup';
import { openTestStation, type TestStation } from '../../support/test-services';
import { clinicVisit, dayFrom, isOpen, resident, stateFromHistory } from './service-fixtures';

/**
 * The reminder list and the indicators read the database with a few hand-written statements. Here a mixed township
 * is written through the API, then the same data — read back through the patient history API and shaped by plain
 * code below — goes into the pure functions, and both answers must agree item by item.
 */

type History = OutputOf<'followup', 'history'>;

let s: TestStation;
const people: Patient[] = [];
let enrolledNeverSeen = '';

beforeAll(async () => {
  s = await openTestStation({ withAdmin: true });
  const d = s.services.dispatch;
  const day = (offset: number) => dayFrom(s, offset);
  const person = async (name: string, age: number, village: string, doctor: string) => {
    const p = await resident(s, { name, age, village, doctor });
    people.push(p);
    return p;
  };
  const enrol = (p: Patient, disease: 'hypertension' | 't2dm', daysAgo = 400) =>
    call(d, 'followup', 'enrol', { patientId: p.id, disease, howFound: 'clinic_visit', enrolledOn: day(-daysAgo) });
  const visit = (p: Patient, disease: 'hypertension' | 't2dm', offset: number, values: object) =>
    call(d, 'followup', 'save', { patientId: p.id, disease, form: clinicVisit(day(offset), values) });

  // Overdue: controlled twice, then a first uncontrolled visit 20 days ago (due 6 days ago).
  const a = await person('王一', 58, '东湾村', '刘医生');
  await enrol(a, 'hypertension');
  for (const offset of [-380, -290, -200, -110]) await visit(a, 'hypertension', offset, { sbp: 130, dbp: 80 });
  await visit(a, 'hypertension', -20, { sbp: 150, dbp: 95 });

  // Two programmes, 65+ (target <150/90), health check done: the diabetes visit is due within the week.
  const b = await person('王二', 70, '东湾村', '刘医生');
  await enrol(b, 'hypertension');
  await enrol(b, 't2dm');
  for (const offset of [-300, -210, -120, -30]) await visit(b, 'hypertension', offset, { sbp: 146, dbp: 86 });
  await visit(b, 't2dm', -10, { fbg: 8.0 });
  await call(d, 'followup', 'recordHealthCheck', { patientId: b.id, date: day(-5), selfCareScore: 2 });

  // Urgent referral, a 不到位 check: the next check is 16 days late.
  const c = await person('王三', 50, '西岭村', '陈医生');
  await enrol(c, 't2dm');
  const urgent = await visit(c, 't2dm', -40, { fbg: 18.0 });
  await call(d, 'followup', 'checkReferral', { patientId: c.id, referralId: urgent.referral!.id, date: day(-30), mode: 'phone', outcome: 'not_completed' });

  // DBP missing: remeasure, data incomplete.
  const e = await person('王四', 45, '西岭村', '陈医生');
  await enrol(e, 'hypertension');
  await visit(e, 'hypertension', -5, { sbp: 135 });

  // Phone contact after the last face-to-face visit.
  const f = await person('王五', 60, '西岭村', '刘医生');
  await enrol(f, 'hypertension');
  await visit(f, 'hypertension', -50, { sbp: 128, dbp: 80 });
  await call(d, 'followup', 'phoneContact', { patientId: f.id, disease: 'hypertension', date: day(-3) });

  // 65+ in no programme: elderly health management, once without and once with this year's check.
  await person('王六', 72, '东湾村', '刘医生');
  const g = await person('王七', 75, '东湾村', '陈医生');
  await call(d, 'followup', 'recordHealthCheck', { patientId: g.id, date: day(-1) });

  // Left the programme: no reminders.
  const h = await person('王八', 66, '西岭村', '陈医生');
  const ended = await enrol(h, 'hypertension');
  await visit(h, 'hypertension', -200, { sbp: 160, dbp: 100 });
  await call(d, 'followup', 'endEnrolment', { patientId: h.id, enrolmentId: ended.id, endedOn: day(-10), reason: 'moved' });

  // Enrolled three days ago, never seen: the first face-to-face visit is due within 14 days of enrolment.
  const i = await person('王九', 52, '东湾村', '陈医生');
  await enrol(i, 'hypertension', 3);
  enrolledNeverSeen = i.id;

  // Home-read BP only: it does not classify, so control is undetermined (A3) in the list as in the engine.
  const j = await person('王十', 61, '东湾村', '刘医生');
  await enrol(j, 'hypertension');
  await visit(j, 'hypertension', -300, { sbp: 150, dbp: 96 });
  await visit(j, 'hypertension', -15, { sbp: 152, dbp: 96, selfReportedHomeBp: true });
}, 120_000);

afterAll(() => s?.dispose());

/** The order the list keeps among equally urgent items: village (none last), then name, then id. */
function byVillageThenName(a: FollowUpPatientState, b: FollowUpPatientState): number {
  const key = (state: FollowUpPatientState) => [state.village ?? '\uffff', people.find((p) => p.id === state.patientId)!.name, state.patientId];
  const [ka, kb] = [key(a), key(b)];
  for (let i = 0; i < ka.length; i += 1) if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
  return 0;
}

async function histories(): Promise<Map<string, History>> {
  const out = new Map<string, History>();
  for (const p of people) out.set(p.id, await call(s.services.dispatch, 'followup', 'history', { patientId: p.id }));
  return out;
}

const itemKey = (r: { kind: string; patientId: string; disease: string | null; dueDate: string | null; daysLate: number; reason: { zh: string } }) =>
  `${r.patientId}|${r.disease}|${r.kind}|${r.dueDate}|${r.daysLate}|${r.reason.zh}`;

describe('reminders from the database = the pure functions on the same data', () => {
  it('item for item, in the same order, for the whole township and for one village', async () => {
    const today = s.services.followup.today();
    const all = await histories();
    for (const village of [undefined, '西岭村']) {
      const states = people
        .filter((p) => !village || p.village === village)
        .map((p) => stateFromHistory(p, all.get(p.id)!, today))
        .sort(byVillageThenName);
      const expected = computeReminders(states, today).map(itemKey);
      const listed = (await call(s.services.dispatch, 'followup', 'reminders', { village, limit: 2000 })).items.map(itemKey);
      expect(listed).toEqual(expected);
    }
    const kinds = new Set((await call(s.services.dispatch, 'followup', 'reminders', { limit: 2000 })).items.map((r) => r.kind));
    // The scenario reaches every kind of list the screen shows.
    for (const kind of [
      'overdue',
      'due_this_week',
      'referral_followup_due',
      'face_to_face_required',
      'data_incomplete',
      'elderly_annual_health_management_due',
    ]) {
      expect(kinds.has(kind as never), kind).toBe(true);
    }
  });

  it('per programme, the same codes the engine reports for a reminder check on the stored history', async () => {
    const today = s.services.followup.today();
    const items = (await call(s.services.dispatch, 'followup', 'reminders', { limit: 2000 })).items;
    for (const p of people) {
      for (const enrolment of (await call(s.services.dispatch, 'followup', 'enrolments', { patientId: p.id })).filter((e) => isOpen(e, today))) {
        // The engine has no enrolment date, so it cannot date a never-seen patient's first visit; the list can.
        if (p.id === enrolledNeverSeen) continue;
        const engine = evaluateFollowUp({
          disease: enrolment.disease,
          patient: { sex: p.sex === 'F' ? 'F' : 'M', birthDate: p.birthDate },
          history: s.services.followup.historyOf(enrolment.id, p.id),
          visit: { type: 'reminder_check', asOf: today },
        });
        const perProgramme = (code: string) => code !== 'annual_check_due' && code !== 'elderly_annual_health_management_due';
        const fromEngine = engine.reminders.filter((r) => perProgramme(r.code)).map((r) => `${r.code}|${r.dueDate ?? null}|${r.reason.zh}`);
        const fromList = items
          .filter((r) => r.patientId === p.id && r.disease === enrolment.disease && r.kind !== 'due_this_week')
          .map((r) => `${r.kind}|${r.dueDate}|${r.reason.zh}`);
        expect(fromList.sort(), `${p.name} ${enrolment.disease}`).toEqual(fromEngine.sort());
      }
    }
  });

  it('the reminder reads touch no follow-up record row: the due state, a covering index of residents, a range of checks', () => {
    const sqlite = s.services.store.current.sqlite;
    const plan = (sql: string, ...params: unknown[]) =>
      (sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join('\n');
    expect(
      plan(`SELECT id FROM patients INDEXED BY patients_village_order_idx WHERE merged_into IS NULL AND village IS NOT NULL ORDER BY village, name, id`),
    ).toBe('SEARCH patients USING COVERING INDEX patients_village_order_idx (village>?)');
    expect(
      plan(`SELECT id FROM patients INDEXED BY patients_village_order_idx WHERE merged_into IS NULL AND village = ? ORDER BY village, name, id`, 'x'),
    ).toBe('SEARCH patients USING COVERING INDEX patients_village_order_idx (village=?)');
    expect(
      plan(
        `SELECT id FROM patients INDEXED BY patients_doctor_order_idx WHERE merged_into IS NULL AND contract_doctor = ? AND village IS NOT NULL ORDER BY contract_doctor, village, name, id`,
        'x',
      ),
    ).toBe('SEARCH patients USING COVERING INDEX patients_doctor_order_idx (contract_doctor=? AND village>?)');
    expect(plan(`SELECT patient_id, check_date FROM followup_health_checks WHERE check_date >= ? AND check_date <= ?`, 'a', 'b')).toBe(
      'SEARCH followup_health_checks USING COVERING INDEX followup_health_checks_date_idx (check_date>? AND check_date<?)',
    );
    // The whole township's due state: one pass, over the table or its covering index (same columns).
    expect(plan(`SELECT * FROM followup_due_state`)).toMatch(/^SCAN followup_due_state( USING COVERING INDEX followup_due_state_patient_cover_idx)?$/);
    // One village's or doctor's due state: by patient id from the covering index (0028), no table row.
    const columns = 'patient_id, disease, enrolled_on, due_on, referral_check_due_on, last_visit_on, phone_since_visit, sbp, dbp, fbg, year_start, year_visits';
    expect(plan(`SELECT ${columns} FROM followup_due_state WHERE patient_id IN (SELECT value FROM json_each(?))`, '["a"]')).toContain(
      'SEARCH followup_due_state USING COVERING INDEX followup_due_state_patient_cover_idx (patient_id=?)',
    );
    // The indicator report joins each managed resident to the year's kept row by its key.
    expect(
      plan(`SELECT y.visits FROM followup_indicator_years y WHERE y.year_start = ? AND y.disease = ? AND y.resident_id = ?`, '2025-01-01', 't2dm', 'x'),
    ).toBe('SEARCH y USING PRIMARY KEY (year_start=? AND disease=? AND resident_id=?)');
  });
});

describe('the kept due state', () => {
  it('migration 0019 filled it with the very statement the rebuild runs', () => {
    const file = readFileSync(path.join(defaultMigrationsFolder(), '0019_followup_due_state.sql'), 'utf8');
    const statements = file.split('--> statement-breakpoint').map((part) => part.trim());
    const [, fill] = dueStateSql(BPHS_2017, 'all');
    expect(statements).toContain(`${fill};`);
  });

  it('equals a fresh rebuild after all the writes above', () => {
    const db = s.services.store.current.db;
    const stored = allDueStateRows(db);
    expect(stored.some((row) => row.referralCheckDueOn !== null)).toBe(true);
    const sqlite = db.$client;
    sqlite.exec('SAVEPOINT recompute');
    const [remove, insert] = dueStateSql(BPHS_2017, 'all');
    sqlite.prepare(remove).run();
    sqlite.prepare(insert).run();
    const rebuilt = allDueStateRows(db);
    sqlite.exec('ROLLBACK TO recompute; RELEASE recompute;');
    expect(stored).toEqual(rebuilt);
  });

  it("equals the engine's dueFactsOf on the same history read back through the API", async () => {
    const today = s.services.followup.today();
    const all = await histories();
    const db = s.services.store.current.db;
    for (const p of people) {
      const history = all.get(p.id)!;
      const state = stateFromHistory(p, history, today);
      const open = history.enrolments.filter((e) => e.endedOn === null);
      for (const enrolment of open) {
        const kept = dueStateRow(db, enrolment.id);
        const expected = dueFactsOf(
          {
            ...state.enrolments.find((e) => e.disease === enrolment.disease)!,
            recentFaceToFaceDates: history.records.filter((r) => r.enrolmentId === enrolment.id && r.form.mode !== 'phone').map((r) => r.form.date),
          },
          BPHS_2017,
        );
        expect(kept, `${p.name} ${enrolment.disease}`).toEqual({ enrolmentId: enrolment.id, patientId: p.id, ...expected, endedOn: undefined });
      }
      for (const ended of history.enrolments.filter((e) => e.endedOn !== null)) expect(dueStateRow(db, ended.id)).toBeUndefined();
    }
  });
});

describe('indicators from the database = computeIndicators on the same data', () => {
  it('numbers and drill-down lists agree for this year and last year', async () => {
    const all = await histories();
    const thisYear = Number(s.services.followup.today().slice(0, 4));
    for (const year of [thisYear - 1, thisYear]) {
      const patients: IndicatorPatient[] = people
        .map((p) => {
          const history = all.get(p.id)!;
          return {
            patientId: p.id,
            birthDate: p.birthDate,
            enrolments: history.enrolments.map((e) => ({ disease: e.disease, enrolledOn: e.enrolledOn, endedOn: e.endedOn })),
            followups: [...history.records].reverse().map((r) => ({
              disease: r.disease,
              date: r.form.date,
              mode: r.form.mode,
              sbp: r.form.selfReportedHomeBp ? null : (r.form.sbp ?? null),
              dbp: r.form.selfReportedHomeBp ? null : (r.form.dbp ?? null),
              fbg: r.form.fbg ?? null,
            })),
            healthCheckDates: history.healthChecks.map((h) => h.checkDate),
          };
        })
        .filter((p) => p.enrolments.length > 0);
      const expected = computeIndicators(patients, year);
      const reported = await call(s.services.dispatch, 'followup', 'indicators', { year });
      for (const disease of ['hypertension', 't2dm'] as const) {
        const e = expected[disease];
        expect(reported[disease]).toEqual({
          standardManagement: { numerator: e.standardManagement.numerator, denominator: e.standardManagement.denominator, rate: e.standardManagement.rate },
          control: { numerator: e.control.numerator, denominator: e.control.denominator, rate: e.control.rate },
          lostToFollowUp: e.lostToFollowUpIds.length,
          latestValueMissing: e.latestValueMissingIds.length,
        });
        for (const indicator of ['standardManagement', 'control'] as const) {
          const rows = await call(s.services.dispatch, 'followup', 'indicatorPatients', { year, disease, indicator, part: 'numerator' });
          expect(rows.map((r) => r.patientId).sort()).toEqual([...e[indicator].numeratorIds].sort());
          const missed = await call(s.services.dispatch, 'followup', 'indicatorPatients', { year, disease, indicator, part: 'notNumerator' });
          expect(missed.length + rows.length).toBe(e[indicator].denominator);
          for (const row of missed) expect(row.status).not.toBe('met');
        }
      }
    }
    // Somebody is managed in this year in each programme, so the comparison above is not between empty sets.
    const reported = await call(s.services.dispatch, 'followup', 'indicators', { year: thisYear });
    expect(reported.hypertension.control.denominator).toBeGreaterThan(0);
    expect(reported.t2dm.control.denominator).toBeGreaterThan(0);
    // 65+ with 146/86 is at target (<150/90, A10) by the database's reckoning too.
    const b = people.find((p) => p.name === '王二')!;
    const control = await call(s.services.dispatch, 'followup', 'indicatorPatients', {
      year: thisYear,
      disease: 'hypertension',
      indicator: 'control',
      part: 'denominator',
    });
    if (completedYears(b.birthDate, s.services.followup.today()) >= 65) expect(control.find((r) => r.patientId === b.id)?.status).toBe('met');
  });
});
