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
  it.each([
    {
      name: 'a working Monday stays',
      calendar: DEFAULT_WORKING_CALENDAR,
      date: '2026-12-07',
      expected: { date: '2026-12-07', movedFrom: null, because: null },
    },
    {
      name: 'Saturday moves to Monday (a rest day)',
      calendar: DEFAULT_WORKING_CALENDAR,
      date: '2026-12-05',
      expected: { date: '2026-12-07', movedFrom: '2026-12-05', because: { reason: 'rest_day' } },
    },
    {
      name: 'Sunday moves to Monday',
      calendar: DEFAULT_WORKING_CALENDAR,
      date: '2026-12-06',
      expected: { date: '2026-12-07', movedFrom: '2026-12-06', because: { reason: 'rest_day' } },
    },
    {
      name: 'Saturday stays where Saturdays are worked',
      calendar: { workingWeekdays: [1, 2, 3, 4, 5, 6], days: [] },
      date: '2026-12-05',
      expected: { date: '2026-12-05', movedFrom: null, because: null },
    },
    {
      name: 'the first day of a holiday run moves past the whole run, named by the holiday',
      calendar: NATIONAL_DAY,
      date: '2026-10-01',
      expected: { date: '2026-10-09', movedFrom: '2026-10-01', because: { reason: 'holiday', name: '国庆节' } },
    },
    {
      name: 'the last day of the run moves to the day after',
      calendar: NATIONAL_DAY,
      date: '2026-10-08',
      expected: { date: '2026-10-09', movedFrom: '2026-10-08', because: { reason: 'holiday', name: '国庆节' } },
    },
    {
      name: 'a 调休 Sunday is a working day',
      calendar: NATIONAL_DAY,
      date: '2026-09-27',
      expected: { date: '2026-09-27', movedFrom: null, because: null },
    },
    {
      name: 'a 调休 Saturday is a working day',
      calendar: NATIONAL_DAY,
      date: '2026-10-10',
      expected: { date: '2026-10-10', movedFrom: null, because: null },
    },
    {
      name: 'the Sunday after the 调休 Saturday is still a rest day',
      calendar: NATIONAL_DAY,
      date: '2026-10-11',
      expected: { date: '2026-10-12', movedFrom: '2026-10-11', because: { reason: 'rest_day' } },
    },
    {
      name: 'over the year boundary: Thursday 2026-12-31 stays, New Year moves to Monday 2027-01-04 past the weekend',
      calendar: NATIONAL_DAY,
      date: '2027-01-01',
      expected: { date: '2027-01-04', movedFrom: '2027-01-01', because: { reason: 'holiday', name: '元旦' } },
    },
    {
      name: 'a Saturday at the year end moves into the new year',
      calendar: DEFAULT_WORKING_CALENDAR,
      date: '2022-12-31',
      expected: { date: '2023-01-02', movedFrom: '2022-12-31', because: { reason: 'rest_day' } },
    },
  ])('$name', ({ calendar, date, expected }) => {
    expect(nextWorkingDay(calendar, date)).toEqual(expected);
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
