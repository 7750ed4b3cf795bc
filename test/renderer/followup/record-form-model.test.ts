import { describe, expect, it } from 'vitest';
import { followUpFormSchema, type FollowUpRecord } from '../../../src/shared/api/followup';
import { decimal, nowTarget, sheetsOf, VISITS_PER_SHEET } from '../../../src/renderer/features/followup/print/record-form-model';

function record(id: string, date: string, disease: FollowUpRecord['disease'] = 'hypertension', createdAt = `${date}T08:00:00Z`): FollowUpRecord {
  return {
    id,
    patientId: 'p',
    enrolmentId: 'e',
    disease,
    form: followUpFormSchema.parse({ date, mode: 'clinic' }),
    bmi: null,
    classification: null,
    action: 'continue',
    engineNextDate: null,
    nextDueDate: null,
    overrideReason: null,
    nextDateShift: null,
    referralReason: null,
    reason: { code: 'x', zh: 'x', en: 'x' },
    reminders: [],
    advisories: [],
    ruleSet: 'r',
    doctorName: '王医生',
    createdAt,
  };
}

const ids = (sheets: FollowUpRecord[][]) => sheets.map((sheet) => sheet.map((r) => r.id));

describe('the national follow-up form: which visit goes in which column of which sheet', () => {
  it.each([
    { name: 'no visit: one blank sheet', records: [], expected: [[]] },
    { name: 'four visits fill one sheet', records: ['a', 'b', 'c', 'd'].map((id, i) => record(id, `2026-0${i + 1}-10`)), expected: [['a', 'b', 'c', 'd']] },
    {
      name: 'a fifth visit starts a second sheet',
      records: ['a', 'b', 'c', 'd', 'e'].map((id, i) => record(id, `2026-0${i + 1}-10`)),
      expected: [['a', 'b', 'c', 'd'], ['e']],
    },
    {
      name: 'oldest first whatever the order given; the same day in the order written',
      records: [
        record('late', '2026-05-01'),
        record('second', '2026-01-01', 'hypertension', '2026-01-01T10:00:00Z'),
        record('first', '2026-01-01', 'hypertension', '2026-01-01T09:00:00Z'),
      ],
      expected: [['first', 'second', 'late']],
    },
    {
      name: 'only the programme printed',
      records: [record('bp', '2026-01-01'), record('dm', '2026-01-02', 't2dm'), record('bp2', '2026-01-03')],
      expected: [['bp', 'bp2']],
    },
  ])('$name', ({ records, expected }) => {
    expect(ids(sheetsOf(records, 'hypertension'))).toEqual(expected);
  });

  it('has four visit columns a sheet, as the paper form', () => {
    expect(VISITS_PER_SHEET).toBe(4);
    expect(
      sheetsOf(
        Array.from({ length: 9 }, (_, i) => record(String(i), `2026-01-${String(i + 10)}`)),
        'hypertension',
      ).map((s) => s.length),
    ).toEqual([4, 4, 1]);
  });
});

describe('cell values', () => {
  it.each([
    [66, 60, '66/60'],
    [66, undefined, '66/'],
    [undefined, 60, '/60'],
    [undefined, undefined, ''],
    [0, 0, '0/0'],
    ['中', '轻', '中/轻'],
  ] as const)('nowTarget(%s, %s) = %s', (now, target, expected) => {
    expect(nowTarget(now, target)).toBe(expected);
  });

  it.each([
    [25.78, '25.8'],
    [25, '25'],
    [null, ''],
    [Number.NaN, ''],
  ] as const)('decimal(%s) = %s', (value, expected) => {
    expect(decimal(value)).toBe(expected);
  });
});
