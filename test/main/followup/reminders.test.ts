import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeReminders } from '../../../src/main/followup/reminders';
import { fromEpochDay, toEpochDay } from '../../../src/shared/dates';
import type { Disease, EnrolmentState, FollowUpPatientState, HistoryEntry, ReminderItem, Visit } from '../../../src/shared/followup';
import { asOf, evaluate, toEntry } from './fixtures';

const TODAY = '2025-05-10';

function enrolment(fields: Partial<EnrolmentState> = {}): EnrolmentState {
  return {
    disease: 'hypertension',
    enrolledOn: '2020-01-01',
    lastFaceToFace: { date: '2025-04-01', action: 'continue', nextDueDate: '2025-07-01', sbp: 130, dbp: 80 },
    recentFaceToFaceDates: ['2024-10-01', '2025-01-05', '2025-04-01'],
    lastPhoneContactDate: null,
    lastReferral: null,
    lastReferralCheck: null,
    ...fields,
  };
}

function patient(fields: Partial<FollowUpPatientState> = {}): FollowUpPatientState {
  return {
    patientId: 'p1',
    birthDate: '1975-06-15',
    village: '东湾村',
    familyDoctor: '王医生',
    phone: '13800000000',
    lastHealthCheckDate: '2025-03-01',
    enrolments: [enrolment()],
    ...fields,
  };
}

type Expected = Partial<ReminderItem> & { kind: ReminderItem['kind'] };

function summary(items: ReminderItem[]) {
  return items.map(({ kind, disease, dueDate, daysLate, year, faceToFaceDone, fields }) => ({
    kind,
    disease,
    dueDate,
    daysLate,
    year,
    faceToFaceDone,
    fields,
  }));
}

const refer = (date: string, next: string) => ({ date, action: 'refer' as const, nextDueDate: next, sbp: 150, dbp: 85 });

const rows: { spec: string; state: FollowUpPatientState; today?: string; expected: Expected[] }[] = [
  { spec: 'A7 controlled, due in 7 weeks, check done → nothing', state: patient(), expected: [] },
  {
    spec: 'docs "due this week" (today … today + 6): due today',
    state: patient({ enrolments: [enrolment({ lastFaceToFace: { date: '2025-02-10', action: 'continue', nextDueDate: TODAY, sbp: 130, dbp: 80 } })] }),
    expected: [{ kind: 'due_this_week', dueDate: TODAY, daysLate: 0 }],
  },
  {
    spec: 'docs "due this week": today + 6',
    state: patient({ enrolments: [enrolment({ lastFaceToFace: { date: '2025-02-16', action: 'continue', nextDueDate: '2025-05-16', sbp: 130, dbp: 80 } })] }),
    expected: [{ kind: 'due_this_week', dueDate: '2025-05-16' }],
  },
  {
    spec: 'docs "due this week": today + 7 is next week',
    state: patient({ enrolments: [enrolment({ lastFaceToFace: { date: '2025-02-17', action: 'continue', nextDueDate: '2025-05-17', sbp: 130, dbp: 80 } })] }),
    expected: [],
  },
  {
    spec: 'A7 overdue by one day',
    state: patient({ enrolments: [enrolment({ lastFaceToFace: { date: '2025-02-09', action: 'continue', nextDueDate: '2025-05-09', sbp: 130, dbp: 80 } })] }),
    expected: [{ kind: 'overdue', dueDate: '2025-05-09', daysLate: 1 }],
  },
  {
    spec: '§1 referral 10 days ago: referral check due in 4 days (and the face-to-face cadence)',
    state: patient({ enrolments: [enrolment({ lastFaceToFace: refer('2025-04-30', '2025-05-14'), lastReferral: { date: '2025-04-30', urgent: false } })] }),
    expected: [
      { kind: 'due_this_week', dueDate: '2025-05-14' },
      { kind: 'referral_followup_due', dueDate: '2025-05-14', daysLate: 0 },
    ],
  },
  {
    spec: '§1 referral 20 days ago, not checked: 6 days late',
    state: patient({ enrolments: [enrolment({ lastFaceToFace: refer('2025-04-20', '2025-05-04'), lastReferral: { date: '2025-04-20', urgent: true } })] }),
    expected: [
      { kind: 'overdue', dueDate: '2025-05-04', daysLate: 6 },
      { kind: 'referral_followup_due', dueDate: '2025-05-04', daysLate: 6 },
    ],
  },
  {
    spec: 'A7 referral checked (到位) on May 1: no referral reminder, face-to-face due May 15',
    state: patient({
      enrolments: [
        enrolment({
          lastFaceToFace: refer('2025-04-20', '2025-05-04'),
          lastReferral: { date: '2025-04-20', urgent: false },
          lastReferralCheck: { date: '2025-05-01', outcome: 'completed' },
        }),
      ],
    }),
    expected: [{ kind: 'due_this_week', dueDate: '2025-05-15' }],
  },
  {
    spec: 'A7 referral 不到位 on May 1: check again by May 15',
    state: patient({
      enrolments: [
        enrolment({
          lastFaceToFace: refer('2025-04-20', '2025-05-04'),
          lastReferral: { date: '2025-04-20', urgent: false },
          lastReferralCheck: { date: '2025-05-01', outcome: 'not_completed' },
        }),
      ],
    }),
    expected: [
      { kind: 'due_this_week', dueDate: '2025-05-15' },
      { kind: 'referral_followup_due', dueDate: '2025-05-15', daysLate: 0 },
    ],
  },
  {
    spec: 'A11 quota at risk: 2 visits by Oct 2, next due Oct 5, Jan 5 is next year',
    today: '2025-10-02',
    state: patient({
      enrolments: [
        enrolment({
          lastFaceToFace: { date: '2025-07-05', action: 'continue', nextDueDate: '2025-10-05', sbp: 130, dbp: 80 },
          recentFaceToFaceDates: ['2024-12-01', '2025-07-05', '2025-01-10'],
        }),
      ],
    }),
    expected: [
      { kind: 'due_this_week', dueDate: '2025-10-05' },
      { kind: 'quota_at_risk', year: 2025, faceToFaceDone: 2, dueDate: null },
    ],
  },
  {
    spec: '§1 annual health check not done this year',
    state: patient({ lastHealthCheckDate: '2024-11-01' }),
    expected: [{ kind: 'annual_check_due', disease: null, year: 2025 }],
  },
  {
    spec: '§3 65+: elderly health management instead',
    state: patient({ birthDate: '1955-03-10', lastHealthCheckDate: null }),
    expected: [{ kind: 'elderly_annual_health_management_due', disease: null, year: 2025 }],
  },
  {
    spec: '§3 65+ and not in a chronic programme: elderly item only',
    state: patient({ birthDate: '1950-01-01', lastHealthCheckDate: null, enrolments: [] }),
    expected: [{ kind: 'elderly_annual_health_management_due', disease: null }],
  },
  { spec: '§3 under 65 and not enrolled: nothing', state: patient({ lastHealthCheckDate: null, enrolments: [] }), expected: [] },
  {
    spec: '§1/§3 the annual check is once per person, not per programme',
    state: patient({
      lastHealthCheckDate: null,
      enrolments: [
        enrolment(),
        enrolment({ disease: 't2dm', lastFaceToFace: { date: '2025-04-01', action: 'continue', nextDueDate: '2025-07-01', fbg: 6.2 } }),
      ],
    }),
    expected: [{ kind: 'annual_check_due', disease: null }],
  },
  {
    spec: 'A8 last visit lacked DBP: data incomplete, no date, no overdue, no quota even in November',
    today: '2025-11-20',
    state: patient({ enrolments: [enrolment({ lastFaceToFace: { date: '2025-04-01', action: 'remeasure', nextDueDate: null, sbp: 130, dbp: null } })] }),
    expected: [{ kind: 'data_incomplete', fields: ['dbp'], dueDate: null }],
  },
  {
    spec: 'A8 T2DM last visit lacked FBG',
    state: patient({ enrolments: [enrolment({ disease: 't2dm', lastFaceToFace: { date: '2025-05-01', action: 'remeasure', nextDueDate: null, fbg: null } })] }),
    expected: [{ kind: 'data_incomplete', disease: 't2dm', fields: ['fbg'] }],
  },
  {
    spec: 'A3 phoned since the last face-to-face visit: face-to-face required',
    state: patient({ enrolments: [enrolment({ lastPhoneContactDate: '2025-05-02' })] }),
    expected: [{ kind: 'face_to_face_required', dueDate: '2025-07-01', daysLate: 0 }],
  },
  {
    spec: 'docs enrolment: left the programme (ended May 1): nothing',
    state: patient({ lastHealthCheckDate: null, enrolments: [enrolment({ endedOn: '2025-05-01', lastFaceToFace: refer('2025-04-20', '2025-05-04') })] }),
    expected: [],
  },
  {
    spec: 'docs enrolment: enrolled from next month: nothing yet',
    state: patient({ lastHealthCheckDate: null, enrolments: [enrolment({ enrolledOn: '2025-06-01', lastFaceToFace: null, recentFaceToFaceDates: [] })] }),
    expected: [],
  },
  {
    spec: 'new enrolment without a face-to-face visit: first due within 14 days; A11 not pro-rated',
    state: patient({ enrolments: [enrolment({ enrolledOn: '2025-05-01', lastFaceToFace: null, recentFaceToFaceDates: [] })] }),
    expected: [
      { kind: 'due_this_week', dueDate: '2025-05-15' },
      { kind: 'face_to_face_required', dueDate: '2025-05-15' },
      { kind: 'quota_at_risk', faceToFaceDone: 0 },
    ],
  },
  {
    spec: 'docs "no face-to-face visit yet": enrolled in January and never seen, overdue since Jan 15',
    state: patient({ enrolments: [enrolment({ enrolledOn: '2025-01-01', lastFaceToFace: null, recentFaceToFaceDates: [] })] }),
    expected: [
      { kind: 'overdue', dueDate: '2025-01-15', daysLate: 115 },
      { kind: 'face_to_face_required', dueDate: '2025-01-15' },
      { kind: 'quota_at_risk', faceToFaceDone: 0 },
    ],
  },
];

describe('computeReminders — one patient at a time', () => {
  it.each(rows)('$spec', ({ state, today, expected }) => {
    const items = computeReminders([state], today ?? TODAY);
    const byKind = <T extends { kind: string }>(list: T[]) => [...list].sort((a, b) => (a.kind < b.kind ? -1 : 1));
    expect(byKind(summary(items))).toEqual(byKind(expected).map((e) => expect.objectContaining(e)));
    for (const item of items) {
      expect(item).toMatchObject({ patientId: 'p1', village: '东湾村', familyDoctor: '王医生', phone: '13800000000' });
      expect(item.reason.code).toBe(item.kind);
      expect(item.reason.zh.length).toBeGreaterThan(4);
      expect(item.reason.en.length).toBeGreaterThan(4);
    }
  });
});

describe('computeReminders — the list', () => {
  it('puts the longest overdue first, then by due date; per-person items without a date last', () => {
    const late = (id: string, due: string) =>
      patient({
        patientId: id,
        lastHealthCheckDate: null,
        enrolments: [enrolment({ lastFaceToFace: { date: '2025-01-01', action: 'continue', nextDueDate: due, sbp: 130, dbp: 80 } })],
      });
    const items = computeReminders([late('a', '2025-05-08'), late('b', '2025-04-01'), late('c', '2025-05-12')], TODAY);
    expect(items.map((i) => `${i.patientId}:${i.kind}`)).toEqual([
      'b:overdue',
      'a:overdue',
      'c:due_this_week',
      'a:annual_check_due',
      'b:annual_check_due',
      'c:annual_check_due',
    ]);
  });

  it('an empty population gives an empty list', () => {
    expect(computeReminders([], TODAY)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The reminder list and the engine's reminder check must agree when the state is the summary of the same history.

/** What the repository's query computes from stored rows. */
function stateFromHistory(disease: Disease, birthDate: string, history: HistoryEntry[]): FollowUpPatientState {
  const faceToFace = history.filter((e) => e.type === 'followup' && e.mode !== 'phone');
  const phones = history.filter((e) => e.type === 'followup' && e.mode === 'phone');
  const checks = history.filter((e) => e.type === 'referral_tracking');
  const referrals = faceToFace.filter((e) => e.type === 'followup' && (e.action === 'refer' || e.action === 'urgent_refer'));
  const healthChecks = history.filter((e) => e.type === 'health_check');
  const last = faceToFace.at(-1);
  const lastReferral = referrals.at(-1);
  const lastCheck = checks.at(-1);
  return {
    patientId: 'p',
    birthDate,
    village: null,
    familyDoctor: null,
    phone: null,
    lastHealthCheckDate: healthChecks.at(-1)?.date ?? null,
    enrolments: [
      {
        disease,
        enrolledOn: history[0].date,
        lastFaceToFace:
          last && last.type === 'followup'
            ? { date: last.date, action: last.action, nextDueDate: last.nextDueDate, sbp: last.sbp, dbp: last.dbp, fbg: last.fbg }
            : null,
        recentFaceToFaceDates: faceToFace.map((e) => e.date),
        lastPhoneContactDate: phones.at(-1)?.date ?? null,
        lastReferral: lastReferral && lastReferral.type === 'followup' ? { date: lastReferral.date, urgent: lastReferral.action === 'urgent_refer' } : null,
        lastReferralCheck: lastCheck && lastCheck.type === 'referral_tracking' ? { date: lastCheck.date, outcome: lastCheck.outcome } : null,
      },
    ],
  };
}

const step = fc.record({
  gap: fc.integer({ min: 1, max: 100 }),
  mode: fc.constantFrom<Visit['mode']>('clinic', 'clinic', 'home', 'phone'),
  sbp: fc.option(fc.integer({ min: 100, max: 190 }), { nil: undefined, freq: 6 }),
  dbp: fc.option(fc.integer({ min: 60, max: 115 }), { nil: undefined, freq: 6 }),
  fbg: fc.option(
    fc.integer({ min: 35, max: 180 }).map((x) => x / 10),
    { nil: undefined, freq: 6 },
  ),
  adr: fc.boolean(),
  tracking: fc.option(fc.constantFrom<'completed' | 'not_completed'>('completed', 'not_completed'), { nil: undefined, freq: 3 }),
  healthCheck: fc.boolean(),
});

describe('computeReminders agrees with evaluateFollowUp reminder checks', () => {
  it('same reminders (codes, dates, days late, counts, fields) for random courses', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Disease>('hypertension', 't2dm'),
        fc.integer({ min: 1935, max: 1985 }),
        fc.array(step, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 0, max: 200 }),
        (disease, birthYear, steps, after) => {
          const birthDate = `${birthYear}-03-01`;
          const patientInfo = { sex: 'M' as const, birthDate };
          let day = toEpochDay('2024-01-01');
          const history: HistoryEntry[] = [
            {
              type: 'followup',
              date: '2023-12-31',
              mode: 'clinic',
              sbp: 130,
              dbp: 80,
              fbg: 6,
              classification: '控制满意',
              action: 'continue',
              nextDueDate: '2024-03-31',
            },
          ];
          for (const s of steps) {
            day += s.gap;
            const visit: Visit = { date: fromEpochDay(day), mode: s.mode, sbp: s.sbp, dbp: s.dbp, fbg: s.fbg, adr: s.adr };
            history.push(toEntry(visit, evaluate(disease, patientInfo, history, visit)));
            if (s.tracking) {
              day += 3;
              history.push({ type: 'referral_tracking', date: fromEpochDay(day), outcome: s.tracking });
            }
            if (s.healthCheck) history.push({ type: 'health_check', date: fromEpochDay(day) });
          }
          const today = fromEpochDay(day + after);
          const engine = asOf(disease, patientInfo, history, today).reminders.map((r) => ({
            kind: r.code,
            dueDate: r.dueDate ?? null,
            daysLate: r.daysLate ?? 0,
            year: r.year,
            faceToFaceDone: r.faceToFaceDone,
            fields: r.fields,
          }));
          const list = computeReminders([stateFromHistory(disease, birthDate, history)], today)
            .filter((i) => i.kind !== 'due_this_week')
            .map(({ kind, dueDate, daysLate, year, faceToFaceDone, fields }) => ({ kind, dueDate, daysLate, year, faceToFaceDone, fields }));
          const byKind = (a: { kind: string }, b: { kind: string }) => (a.kind < b.kind ? -1 : 1);
          expect(list.sort(byKind)).toEqual(engine.sort(byKind));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('computeReminders — shared reason texts stay specific', () => {
  it('patients with different missing fields or due dates get their own texts', () => {
    const missing = (id: string, sbp: number | null, dbp: number | null) =>
      patient({ patientId: id, enrolments: [enrolment({ lastFaceToFace: { date: '2025-04-01', action: 'remeasure', nextDueDate: null, sbp, dbp } })] });
    const late = (id: string, due: string) =>
      patient({ patientId: id, enrolments: [enrolment({ lastFaceToFace: { date: '2025-01-01', action: 'continue', nextDueDate: due, sbp: 130, dbp: 80 } })] });
    const items = computeReminders(
      [missing('a', 130, null), missing('b', null, 80), late('c', '2025-05-01'), late('d', '2025-05-03'), late('e', '2025-05-01')],
      TODAY,
    );
    const text = (id: string, kind: string) => items.find((i) => i.patientId === id && i.kind === kind)!.reason.zh;
    expect(text('a', 'data_incomplete')).toContain('缺少舒张压');
    expect(text('b', 'data_incomplete')).toContain('缺少收缩压');
    expect(text('c', 'overdue')).toContain('逾期9天');
    expect(text('d', 'overdue')).toContain('逾期7天');
    expect(text('e', 'overdue')).toBe(text('c', 'overdue'));
    expect(Object.isFrozen(items.find((i) => i.patientId === 'c')!.reason)).toBe(true);
  });
});
