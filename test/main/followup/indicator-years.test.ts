import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../../src/main/api/dispatcher';
import { runCommand } from '../../../src/main/cli/workstation';
import { defaultMigrationsFolder } from '../../../src/main/db/open';
import { yearIndicators } from '../../../src/main/followup/indicator-report';
import { indicatorYearsSql, keptIndicators } from '../../../src/main/followup/indicator-years';
import { allIndicatorYearRows } from '../../../src/main/followup/repository';
import { BPHS_2017 } from '../../../src/main/followup/rule-packs/bphs-2017';
import type { RuleSet, YearIndicators } from '../../../src/shared/followup';
import { openTestStation, TEST_PASSPHRASE, type TestStation } from '../../support/test-services';
import { applyWrites, dayWriteArbs, visitArb, type Write } from './random-writes';
import { clinicVisit, dayFrom, resident } from './service-fixtures';

/**
 * The yearly report from the kept per-year facts (followup_indicator_years) against the report computed from every
 * follow-up of the year: random writes through the API (visits with any values and home-read BP, back-dated visits,
 * phone contacts, ending and re-entering a programme, health checks, merges of two residents), after which both
 * reports must agree in every figure and every patient id, for this year and the last, with the annual check
 * required or not.
 */

// Up to two reporting years back, with a grid so that same-day pairs and year boundaries come up often.
const offset = fc.oneof(fc.integer({ min: -700, max: 0 }), fc.constantFrom(-400, -366, -365, -200, -120, -60, -30, -1, 0));
const write: fc.Arbitrary<Write> = fc.oneof(
  {
    weight: 8,
    arbitrary: visitArb(offset, {
      sbp: fc.constantFrom(120, 139, 140, 149, 150, 170),
      dbp: fc.constantFrom(70, 89, 90, 100),
      fbg: fc.constantFrom(5.8, 6.9, 7.0, 8.4),
    }),
  },
  ...dayWriteArbs(offset),
);

let s: TestStation;
let runs = 0;

beforeAll(async () => {
  s = await openTestStation({ withAdmin: true });
});
afterAll(() => s?.dispose());

/** Every figure and every id list of the report, ids sorted (the two paths list patients in different orders). */
function comparable(report: YearIndicators) {
  const sorted = (ids: string[]) => [...ids].sort();
  const side = (d: YearIndicators['hypertension']) => ({
    standardManagement: {
      ...d.standardManagement,
      numeratorIds: sorted(d.standardManagement.numeratorIds),
      denominatorIds: sorted(d.standardManagement.denominatorIds),
    },
    control: { ...d.control, numeratorIds: sorted(d.control.numeratorIds), denominatorIds: sorted(d.control.denominatorIds) },
    lostToFollowUpIds: sorted(d.lostToFollowUpIds),
    latestValueMissingIds: sorted(d.latestValueMissingIds),
  });
  return { ...report, hypertension: side(report.hypertension), t2dm: side(report.t2dm) };
}

function expectReportsAgree(): void {
  const db = s.services.store.current.db;
  const thisYear = Number(s.services.followup.today().slice(0, 4));
  const required: RuleSet = { ...BPHS_2017, standardManagement: { ...BPHS_2017.standardManagement, requireAnnualHealthCheck: true } };
  for (const rules of [BPHS_2017, required]) {
    for (const year of [thisYear - 2, thisYear - 1, thisYear]) {
      const kept = db.$client.transaction(() => keptIndicators(db, { year, rules }))();
      const pure = yearIndicators(db, { year, rules }).indicators;
      expect(comparable(kept)).toEqual(comparable(pure));
    }
  }
}

describe('the kept indicator facts after random writes', () => {
  it('give exactly the report computed from every follow-up of the year', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(write, { minLength: 1, maxLength: 14 }), fc.boolean(), async (writes, both) => {
        runs += 1;
        // Ages around 65, where the blood-pressure target changes with the age on the visit's day.
        const p = await resident(s, { name: '指标', age: 62 + (runs % 6), village: '东湾村' });
        const d = s.services.dispatch;
        await call(d, 'followup', 'enrol', { patientId: p.id, disease: 'hypertension', howFound: 'clinic_visit', enrolledOn: dayFrom(s, -720) });
        if (both) await call(d, 'followup', 'enrol', { patientId: p.id, disease: 't2dm', howFound: 'clinic_visit', enrolledOn: dayFrom(s, -300) });
        await applyWrites(s, p, writes);
        expectReportsAgree();
      }),
      { numRuns: 40 },
    );
    const db = s.services.store.current.db;
    expect(keptIndicators(db, { year: Number(s.services.followup.today().slice(0, 4)), rules: BPHS_2017 }).hypertension.control.denominator).toBeGreaterThan(0);
  }, 240_000);

  it('a merge of two residents followed in the same programme and year keeps them right', async () => {
    const d = s.services.dispatch;
    const [keep, gone] = [await resident(s, { name: '合并甲', age: 70 }), await resident(s, { name: '合并乙', age: 70 })];
    await call(d, 'followup', 'enrol', { patientId: keep.id, disease: 'hypertension', howFound: 'clinic_visit', enrolledOn: dayFrom(s, -200) });
    await call(d, 'followup', 'enrol', { patientId: gone.id, disease: 't2dm', howFound: 'clinic_visit', enrolledOn: dayFrom(s, -200) });
    await call(d, 'followup', 'save', { patientId: keep.id, disease: 'hypertension', form: clinicVisit(dayFrom(s, -20), { sbp: 130, dbp: 80 }) });
    await call(d, 'followup', 'save', { patientId: gone.id, disease: 't2dm', form: clinicVisit(dayFrom(s, -10), { fbg: 6.1 }) });
    await call(d, 'patients', 'merge', { patientId: keep.id, mergeId: gone.id });
    const rows = allIndicatorYearRows(s.services.store.current.db);
    expect(rows.filter((r) => r.residentId === gone.id)).toEqual([]);
    expect(rows.filter((r) => r.residentId === keep.id).map((r) => r.disease)).toEqual(['hypertension', 't2dm']);
    expectReportsAgree();
  });

  it('a merge of two residents with rows of the same programme and year (one enrolment ended) combines them', async () => {
    const d = s.services.dispatch;
    const [keep, gone] = [await resident(s, { name: '合并丙', age: 66 }), await resident(s, { name: '合并丁', age: 66 })];
    for (const p of [keep, gone]) {
      await call(d, 'followup', 'enrol', { patientId: p.id, disease: 'hypertension', howFound: 'clinic_visit', enrolledOn: dayFrom(s, -300) });
    }
    await call(d, 'followup', 'save', { patientId: gone.id, disease: 'hypertension', form: clinicVisit(dayFrom(s, -40), { sbp: 160, dbp: 95 }) });
    await call(d, 'followup', 'save', { patientId: keep.id, disease: 'hypertension', form: clinicVisit(dayFrom(s, -30), { sbp: 130, dbp: 80 }) });
    const open = (await call(d, 'followup', 'enrolments', { patientId: gone.id })).find((e) => e.endedOn === null);
    await call(d, 'followup', 'endEnrolment', { patientId: gone.id, enrolmentId: open!.id, endedOn: dayFrom(s, -20), reason: 'moved' });
    await call(d, 'patients', 'merge', { patientId: keep.id, mergeId: gone.id });
    const rows = allIndicatorYearRows(s.services.store.current.db).filter((r) => r.residentId === keep.id || r.residentId === gone.id);
    const keptYears = new Set(rows.map((r) => r.yearStart));
    expect(rows.every((r) => r.residentId === keep.id)).toBe(true);
    // Both visits now count for the kept resident in their year(s).
    expect(rows.reduce((n, r) => n + r.visits, 0)).toBe(2);
    expect(keptYears.size).toBe(rows.length);
    expectReportsAgree();
  });

  it('migration 0028 filled the table with the very statement the rebuild runs', () => {
    const file = readFileSync(path.join(defaultMigrationsFolder(), '0028_followup_indicator_years.sql'), 'utf8');
    const statements = file.split('--> statement-breakpoint').map((part) => part.trim());
    const [, fill] = indicatorYearsSql(BPHS_2017, 'all');
    expect(statements).toContain(`${fill};`);
  });

  it('rebuild-due-state recomputes the rows from the history and finds nothing else to correct', async () => {
    const before = s.services.store.current.db;
    const rows = allIndicatorYearRows(before).length;
    expect(rows).toBeGreaterThan(0);
    before.$client
      .prepare(
        `UPDATE followup_indicator_years SET visits = visits + 7 WHERE (year_start, disease, resident_id) = (SELECT year_start, disease, resident_id FROM followup_indicator_years LIMIT 1)`,
      )
      .run();
    const dbFile = s.services.store.dbFile;
    s.services.store.close();
    const first = await runCommand(['rebuild-due-state', '--db', dbFile, '--passphrase', TEST_PASSPHRASE]);
    expect(first).toMatchObject({ indicatorYears: rows, indicatorYearsCorrected: 1 });
    const second = await runCommand(['rebuild-due-state', '--db', dbFile, '--passphrase', TEST_PASSPHRASE]);
    expect(second).toMatchObject({ indicatorYears: rows, indicatorYearsCorrected: 0, corrected: 0 });
  });
});
