import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../../src/main/api/dispatcher';
import { runCommand } from '../../../src/main/cli/workstation';
import { dueFactsOf } from '../../../src/main/followup/engine';
import { computeReminders } from '../../../src/main/followup/reminders';
import { listState } from '../../../src/main/followup/list-mirror';
import { dueFactsByPatient, dueStateRow, latestHealthChecksBetween } from '../../../src/main/followup/repository';
import { BPHS_2017 } from '../../../src/main/followup/rule-packs/bphs-2017';
import { yearPeriodContaining } from '../../../src/shared/dates';
import { openTestStation, TEST_PASSPHRASE, type TestStation } from '../../support/test-services';
import { applyWrites, dayWriteArbs, visitArb, type Write } from './random-writes';
import { clinicVisit, dayFrom, resident, stateFromHistory } from './service-fixtures';

/**
 * The kept due state against a fresh sweep: random sequences of writes through the API (visits with any values,
 * back-dated visits, phone contacts, referral checks and returns, ending and re-entering a programme, health
 * checks), then each open enrolment's row must equal dueFactsOf on the history read back, and the station's
 * reminders for the patient must equal the pure sweep of that history.
 */

// Any day of the last 14 months, or one on a two-week grid, so that same-day pairs (a check on the day of the
// referral, a phone call on a visit's day) and visits exactly on a due date come up often.
const offset = fc.oneof(fc.integer({ min: -420, max: 0 }), fc.constantFrom(-400, -300, -200, -120, -60, -30, -14, -7, -1, 0));
const write: fc.Arbitrary<Write> = fc.oneof(
  {
    weight: 6,
    arbitrary: visitArb(offset, {
      sbp: fc.integer({ min: 95, max: 200 }),
      dbp: fc.integer({ min: 55, max: 120 }),
      fbg: fc.constantFrom(3.5, 5.8, 6.9, 7.0, 8.4, 17.2),
    }),
  },
  ...dayWriteArbs(offset, fc.integer({ min: -30, max: 0 })),
  // Days after the open referral (0: the same day as the referring visit).
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('check' as const), after: fc.integer({ min: 0, max: 20 }), completed: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('return' as const), after: fc.integer({ min: 0, max: 20 }) }) },
);

let s: TestStation;
let runs = 0;

beforeAll(async () => {
  s = await openTestStation({ withAdmin: true });
});
afterAll(() => s?.dispose());

const key = (r: { kind: string; disease: string | null; dueDate: string | null; daysLate: number; reason: { zh: string } }) =>
  `${r.disease}|${r.kind}|${r.dueDate}|${r.daysLate}|${r.reason.zh}`;

describe('the kept due state after random writes', () => {
  it('equals dueFactsOf of the history, and the station lists exactly the pure sweep’s reminders', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(write, { minLength: 1, maxLength: 15 }), fc.boolean(), async (writes, both) => {
        runs += 1;
        const p = await resident(s, { name: '随机', age: 50 + (runs % 30), village: runs % 2 ? '东湾村' : '西岭村', doctor: '刘医生' });
        const d = s.services.dispatch;
        await call(d, 'followup', 'enrol', { patientId: p.id, disease: 'hypertension', howFound: 'clinic_visit', enrolledOn: dayFrom(s, -430) });
        if (both) await call(d, 'followup', 'enrol', { patientId: p.id, disease: 't2dm', howFound: 'clinic_visit', enrolledOn: dayFrom(s, -430) });
        // A list before the writes: the worker's mirror (list-mirror.ts) holds this resident as enrolled, and the
        // list after them must come from bringing it up to date, not from a first read.
        await s.services.followup.reminderRows({ village: p.village ?? undefined });
        await applyWrites(s, p, writes);
        const today = s.services.followup.today();
        const history = await call(d, 'followup', 'history', { patientId: p.id });
        const db = s.services.store.current.db;
        for (const enrolment of history.enrolments) {
          const kept = dueStateRow(db, enrolment.id);
          if (enrolment.endedOn !== null) {
            expect(kept).toBeUndefined();
            continue;
          }
          const records = [...history.records].reverse().filter((r) => r.enrolmentId === enrolment.id);
          const state = stateFromHistory(p, { ...history, enrolments: [enrolment] }, today).enrolments[0];
          const facts = dueFactsOf({ ...state, recentFaceToFaceDates: records.filter((r) => r.form.mode !== 'phone').map((r) => r.form.date) }, BPHS_2017);
          expect(kept).toEqual({ enrolmentId: enrolment.id, patientId: p.id, ...facts, endedOn: undefined });
        }
        const expected = computeReminders([stateFromHistory(p, history, today)], today)
          .map(key)
          .sort();
        const listed = (await s.services.followup.reminderRows({ village: p.village ?? undefined }))
          .filter((r) => r.patientId === p.id)
          .map(key)
          .sort();
        expect(listed).toEqual(expected);
        // This thread's mirror too (its connection wrote the rows), whole, against a read from scratch.
        const period = yearPeriodContaining(today, BPHS_2017.yearStartMonth);
        const [kept, fresh] = db.$client.transaction(() => {
          const state = listState(db, period.start, today);
          return [
            { facts: new Map(state.facts), checks: new Map(state.checks) },
            { facts: dueFactsByPatient(db), checks: latestHealthChecksBetween(db, period.start, today) },
          ];
        })();
        expect(kept.facts).toEqual(fresh.facts);
        expect(kept.checks).toEqual(fresh.checks);
      }),
      { numRuns: 50 },
    );
  }, 240_000);

  it('same-day pairs land where the history order puts them', async () => {
    const d = s.services.dispatch;
    const p = await resident(s, { name: '同日', age: 60, village: '东湾村' });
    const enrolment = await call(d, 'followup', 'enrol', { patientId: p.id, disease: 'hypertension', howFound: 'clinic_visit', enrolledOn: dayFrom(s, -100) });
    await call(d, 'followup', 'save', { patientId: p.id, disease: 'hypertension', form: clinicVisit(dayFrom(s, -30), { sbp: 130, dbp: 80 }) });
    await call(d, 'followup', 'phoneContact', { patientId: p.id, disease: 'hypertension', date: dayFrom(s, -30), confirmSameDay: true });
    const db = s.services.store.current.db;
    // A phone call the day of the visit is not "since" it.
    expect(dueStateRow(db, enrolment.id)).toMatchObject({ lastVisitOn: dayFrom(s, -30), phoneSinceVisit: false, yearVisits: expect.any(Number) });
    await call(d, 'followup', 'phoneContact', { patientId: p.id, disease: 'hypertension', date: dayFrom(s, -29) });
    expect(dueStateRow(db, enrolment.id)).toMatchObject({ phoneSinceVisit: true });
    // A back-dated visit does not displace the latest one.
    await call(d, 'followup', 'save', { patientId: p.id, disease: 'hypertension', form: clinicVisit(dayFrom(s, -60), { sbp: 150, dbp: 95 }) });
    expect(dueStateRow(db, enrolment.id)).toMatchObject({ lastVisitOn: dayFrom(s, -30), sbp: 130, phoneSinceVisit: true });
  });

  it('rebuild-due-state recomputes every row from the history and finds nothing to correct', async () => {
    const dbFile = s.services.store.dbFile;
    const before = s.services.store.current.db;
    const rows = before.$client.prepare('SELECT count(*) FROM followup_due_state').pluck().get();
    // Break one row the way a bug would, then let the command repair it.
    before.$client
      .prepare(`UPDATE followup_due_state SET due_on = '1999-01-01' WHERE enrolment_id = (SELECT enrolment_id FROM followup_due_state LIMIT 1)`)
      .run();
    s.services.store.close();
    const first = await runCommand(['rebuild-due-state', '--db', dbFile, '--passphrase', TEST_PASSPHRASE]);
    expect(first).toMatchObject({ enrolments: rows, corrected: 1 });
    const second = await runCommand(['rebuild-due-state', '--db', dbFile, '--passphrase', TEST_PASSPHRASE]);
    expect(second).toMatchObject({ enrolments: rows, corrected: 0 });
  });
});
