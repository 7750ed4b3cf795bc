import { describe, expect, it } from 'vitest';
import {
  closedReason,
  DEFAULT_WORKING_CALENDAR,
  isoWeekday,
  longestClosedRun,
  nextWorkingDay,
  normalizeCalendar,
  type WorkingCalendar,
} from '../../src/shared/working-calendar';

/** A National Day run shaped as the State Council sets them (dates for the test): 10-01…10-08 off, Sunday 09-27 and Saturday 10-10 worked. */
const NATIONAL_DAY: WorkingCalendar = {
  workingWeekdays: [1, 2, 3, 4, 5],
  days: [
    ...['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07', '2026-10-08'].map((date) => ({
      date,
      kind: 'holiday' as const,
      name: '国庆节',
    })),
    { date: '2026-09-27', kind: 'workday', name: '国庆节调休' },
    { date: '2026-10-10', kind: 'workday', name: '国庆节调休' },
    { date: '2027-01-01', kind: 'holiday', name: '元旦' },
  ],
};

describe('ISO weekday of a calendar date', () => {
  it.each([
    ['1970-01-01', 4],
    ['2026-12-07', 1],
    ['2026-12-05', 6],
    ['2026-12-06', 7],
    ['2000-02-29', 2],
    ['1969-12-31', 3],
  ] as const)('%s is weekday %i', (date, weekday) => {
    expect(isoWeekday(date)).toBe(weekday);
  });
});

describe('the next working day (the applied next follow-up date)', () => {
  /** [what, calendar, asked date, applied date, why it moved]: a date that moves keeps the asked one as movedFrom. */
  const cases: [string, WorkingCalendar, string, string, ReturnType<typeof nextWorkingDay>['because']][] = [
    ['a working Monday stays', DEFAULT_WORKING_CALENDAR, '2026-12-07', '2026-12-07', null],
    ['Saturday moves to Monday (a rest day)', DEFAULT_WORKING_CALENDAR, '2026-12-05', '2026-12-07', { reason: 'rest_day' }],
    ['Sunday moves to Monday', DEFAULT_WORKING_CALENDAR, '2026-12-06', '2026-12-07', { reason: 'rest_day' }],
    ['Saturday stays where Saturdays are worked', { workingWeekdays: [1, 2, 3, 4, 5, 6], days: [] }, '2026-12-05', '2026-12-05', null],
    ["a holiday run's first day moves past the run, named by its holiday", NATIONAL_DAY, '2026-10-01', '2026-10-09', { reason: 'holiday', name: '国庆节' }],
    ['the last day of the run moves to the day after', NATIONAL_DAY, '2026-10-08', '2026-10-09', { reason: 'holiday', name: '国庆节' }],
    ['a 调休 Sunday is a working day', NATIONAL_DAY, '2026-09-27', '2026-09-27', null],
    ['a 调休 Saturday is a working day', NATIONAL_DAY, '2026-10-10', '2026-10-10', null],
    ['the Sunday after the 调休 Saturday is still a rest day', NATIONAL_DAY, '2026-10-11', '2026-10-12', { reason: 'rest_day' }],
    ['over the year end: New Year moves past the weekend to Monday', NATIONAL_DAY, '2027-01-01', '2027-01-04', { reason: 'holiday', name: '元旦' }],
    ['a Saturday at the year end moves into the new year', DEFAULT_WORKING_CALENDAR, '2022-12-31', '2023-01-02', { reason: 'rest_day' }],
  ];
  it.each(cases)('%s', (_, calendar, date, applied, because) => {
    expect(nextWorkingDay(calendar, date)).toEqual({ date: applied, movedFrom: applied === date ? null : date, because });
  });

  it('names the holiday and the rest day of a single date', () => {
    expect(closedReason(NATIONAL_DAY, '2026-10-03')).toEqual({ reason: 'holiday', name: '国庆节' });
    expect(closedReason(NATIONAL_DAY, '2026-10-17')).toEqual({ reason: 'rest_day' });
    expect(closedReason(NATIONAL_DAY, '2026-10-16')).toBeNull();
  });

  it('gives up rather than loop when the clinic never opens', () => {
    // Open Mondays only, and the next six Mondays are holidays: nothing within the 31 days a date may move.
    const closedMonth: WorkingCalendar = {
      workingWeekdays: [1],
      days: ['2026-03-02', '2026-03-09', '2026-03-16', '2026-03-23', '2026-03-30', '2026-04-06'].map((date) => ({
        date,
        kind: 'holiday' as const,
        name: '停诊',
      })),
    };
    expect(() => nextWorkingDay(closedMonth, '2026-03-01')).toThrow(/no working day/);
  });
});

describe('normalizing and checking a calendar', () => {
  it('keeps one entry a date, the later one, sorted; weekdays once and in order', () => {
    expect(
      normalizeCalendar({
        workingWeekdays: [5, 1, 1, 3],
        days: [
          { date: '2026-10-02', kind: 'holiday', name: '国庆节' },
          { date: '2026-10-01', kind: 'holiday', name: '国庆' },
          { date: '2026-10-01', kind: 'holiday', name: ' 国庆节 ' },
        ],
      }),
    ).toEqual({
      workingWeekdays: [1, 3, 5],
      days: [
        { date: '2026-10-01', kind: 'holiday', name: '国庆节' },
        { date: '2026-10-02', kind: 'holiday', name: '国庆节' },
      ],
    });
  });

  it('measures the longest closed run and where it starts', () => {
    expect(longestClosedRun(NATIONAL_DAY, '2026-09-20', '2026-10-20')).toEqual({ days: 8, from: '2026-10-01' });
    expect(longestClosedRun(DEFAULT_WORKING_CALENDAR, '2026-12-01', '2026-12-31')).toEqual({ days: 2, from: '2026-12-05' });
  });
});
