import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BPHS_2017, BPHS_2017_WITHOUT_ADVISORY } from '../../../src/main/followup/rule-packs/bphs-2017';
import { addDays, addMonthsClamped, fromEpochDay, toEpochDay } from '../../../src/shared/dates';
import type { Disease, FollowUpPatient, RuleSet, Visit } from '../../../src/shared/followup';
import { evaluate, record } from './fixtures';

const START = toEpochDay('2023-06-01');
const tenths = (min: number, max: number) => fc.integer({ min: min * 10, max: max * 10 }).map((x) => x / 10);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 3 });
const rare = fc.oneof({ weight: 6, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) });
const symptomPool = [
  ...new Set([...BPHS_2017.hypertension.urgent.dangerSymptoms, ...BPHS_2017.t2dm.urgent.dangerSymptoms, '头痛头晕', '眼花耳鸣', '多食', '手脚麻木']),
];

const visitFields = fc.record({
  mode: fc.constantFrom<Visit['mode']>('clinic', 'clinic', 'home', 'phone'),
  sbp: maybe(fc.integer({ min: 95, max: 200 })),
  dbp: maybe(fc.integer({ min: 55, max: 125 })),
  fbg: maybe(tenths(2.8, 20)),
  randomGlucose: maybe(tenths(3, 22)),
  hba1c: maybe(tenths(5, 12)),
  hr: maybe(fc.integer({ min: 50, max: 140 })),
  hrPersistent: maybe(fc.boolean()),
  temperatureC: maybe(tenths(36, 40.5)),
  symptoms: fc.oneof({ weight: 4, arbitrary: fc.constant([] as string[]) }, { weight: 1, arbitrary: fc.subarray(symptomPool, { maxLength: 3 }) }),
  adr: rare,
  newComplication: rare,
  pregnant: rare,
  selfReportedHomeBP: rare,
  withHealthCheck: rare,
  medicationAdherence: maybe(fc.constantFrom<'规律' | '间断' | '不服药'>('规律', '间断', '不服药')),
});

/** A patient's course: visits at increasing dates, then one more visit to evaluate. */
const course = fc.record({
  disease: fc.constantFrom<Disease>('hypertension', 't2dm'),
  birthYear: fc.integer({ min: 1930, max: 1985 }),
  steps: fc.array(fc.record({ gap: fc.integer({ min: 1, max: 120 }), fields: visitFields }), { minLength: 0, maxLength: 6 }),
  last: fc.record({ gap: fc.integer({ min: 1, max: 120 }), fields: visitFields }),
});

type Course = typeof course extends fc.Arbitrary<infer T> ? T : never;

function unfold(c: Course) {
  const patient: FollowUpPatient = { sex: 'F', birthDate: `${c.birthYear}-02-28` };
  let day = START;
  const visits: Visit[] = c.steps.map((s) => {
    day += s.gap;
    return { date: fromEpochDay(day), ...s.fields };
  });
  day += c.last.gap;
  const visit: Visit = { date: fromEpochDay(day), ...c.last.fields };
  return { patient, visits, visit };
}

function run(c: Course, rules: RuleSet) {
  const { patient, visits, visit } = unfold(c);
  return evaluate(c.disease, patient, record(c.disease, patient, visits, rules), visit, rules);
}

const wildAdvisory: RuleSet = {
  ...BPHS_2017,
  advisory: {
    ...BPHS_2017.advisory!,
    id: 'test-wild',
    hypertension: { bpTargets: [{ fromAge: 0, sbpBelow: 100, dbpBelow: 60, source: 'test' }] },
    t2dm: { ...BPHS_2017.advisory!.t2dm, hba1cBelow: 5, fbgRange: { atLeast: 5, atMost: 5.5, source: 'test' } },
  },
};

describe('§5 advisory targets never change the 2017 result', () => {
  it('classification, action, dates, referral reason and reminders are identical with, without or with other advisory targets', () => {
    fc.assert(
      fc.property(course, (c) => {
        const standard = run(c, BPHS_2017);
        for (const other of [run(c, BPHS_2017_WITHOUT_ADVISORY), run(c, wildAdvisory)]) {
          expect({ ...other, advisories: [] }).toEqual({ ...standard, advisories: [] });
        }
        expect(run(c, BPHS_2017_WITHOUT_ADVISORY).advisories).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });

  it('§5 example: FBG 6.9 is 控制满意 while HbA1c 8.2 % is shown above the newer target', () => {
    const outcome = evaluate('t2dm', { sex: 'M', birthDate: '1970-01-01' }, [], { date: '2025-05-10', mode: 'clinic', fbg: 6.9, hba1c: 8.2 });
    expect(outcome.classification).toBe('控制满意');
    expect(outcome.advisories).toContainEqual(expect.objectContaining({ code: 'advisory_hba1c_target', met: false, measured: '8.2 %', target: '<7.0 %' }));
    expect(outcome.advisories).toContainEqual(expect.objectContaining({ code: 'advisory_fbg_range', met: true }));
  });

  it.each([
    ['1960-01-01', 145, 85, '<130/80 mmHg', false, '§5 2025 guideline <80: <130/80 while 2017 says 控制满意 at 65+'],
    ['1940-01-01', 138, 85, '<140/90 mmHg', true, '§5 2025 guideline ≥80: <140/90'],
    ['1980-01-01', 128, 79, '<130/80 mmHg', true, '§5 2025 guideline <80 met'],
  ])('born %s, BP %i/%i: advisory target %s met=%s (%s)', (birthDate, sbp, dbp, target, met) => {
    const outcome = evaluate('hypertension', { sex: 'M', birthDate }, [], { date: '2025-05-10', mode: 'clinic', sbp, dbp });
    expect(outcome.advisories).toEqual([expect.objectContaining({ code: 'advisory_bp_target', target, met })]);
  });
});

describe('decision invariants over random courses (§7)', () => {
  it('the next date follows the action: +14 d, +3 months clamped, none, or unchanged for phone', () => {
    fc.assert(
      fc.property(course, (c) => {
        const { visit } = unfold(c);
        const outcome = run(c, BPHS_2017);
        switch (outcome.action) {
          case 'urgent_refer':
          case 'refer':
          case 'adjust_medication':
            expect(outcome.nextDueDate).toBe(addDays(visit.date, 14));
            break;
          case 'continue':
            expect(outcome.nextDueDate).toBe(addMonthsClamped(visit.date, 3));
            expect(outcome.classification).toBe('控制满意');
            break;
          case 'remeasure':
            expect(outcome.nextDueDate).toBeNull();
            expect(outcome.reminders.some((r) => r.code === 'data_incomplete')).toBe(true);
            break;
          case 'schedule_face_to_face':
            expect(visit.mode).toBe('phone');
            expect(outcome.classification).toBeNull();
            break;
          default:
            throw new Error(`unexpected action ${outcome.action} at a visit`);
        }
        expect(outcome.referralReason !== null).toBe(outcome.action === 'refer' || outcome.action === 'urgent_refer');
        if (visit.mode === 'phone') expect(outcome.action).toBe('schedule_face_to_face');
        if (visit.newComplication && visit.mode !== 'phone') expect(outcome.classification).toBe('并发症');
      }),
      { numRuns: 600 },
    );
  });

  it('raising blood pressure never turns an uncontrolled hypertension visit into a controlled one', () => {
    fc.assert(
      fc.property(course, fc.integer({ min: 1, max: 40 }), (c, rise) => {
        const base = {
          ...c,
          disease: 'hypertension' as const,
          last: { ...c.last, fields: { ...c.last.fields, mode: 'clinic' as const, adr: false, newComplication: false } },
        };
        const before = run(base, BPHS_2017);
        if (before.classification !== '控制不满意') return;
        const fields = base.last.fields;
        const higher = { ...base, last: { ...base.last, fields: { ...fields, sbp: fields.sbp === undefined ? undefined : fields.sbp + rise } } };
        expect(run(higher, BPHS_2017).classification).toBe('控制不满意');
      }),
      { numRuns: 300 },
    );
  });
});
