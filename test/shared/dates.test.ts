import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonthsClamped,
  chinaLocalDate,
  completedYears,
  countMonthlySteps,
  daysBetween,
  daysInMonth,
  fromEpochDay,
  InvalidDateError,
  isIsoDate,
  isLeapYear,
  parseIsoDate,
  toEpochDay,
  yearPeriod,
  yearPeriodContaining,
} from '../../src/shared/dates';

const DAY_MS = 86_400_000;
/** Independent oracle: the platform's own UTC calendar. */
const oracleIso = (epochDay: number) => new Date(epochDay * DAY_MS).toISOString().slice(0, 10);
const epochDays = fc.integer({ min: toEpochDay('1900-01-01'), max: toEpochDay('2200-12-31') });

describe('ISO dates: parsing', () => {
  it.each([
    ['2025-01-31', true],
    ['2024-02-29', true], // leap year
    ['2000-02-29', true], // divisible by 400
    ['1900-02-29', false], // divisible by 100, not 400
    ['2025-02-29', false],
    ['2025-04-31', false],
    ['2025-13-01', false],
    ['2025-00-10', false],
    ['0000-01-01', false],
    ['2025-1-01', false],
    ['20250101', false],
    ['2025-01-01T00:00:00Z', false],
    ['abcd-ef-gh', false],
    ['', false],
    [20250101, false],
    [null, false],
  ])('%j is a valid ISO calendar date: %s', (text, valid) => {
    expect(isIsoDate(text)).toBe(valid);
    if (!valid) expect(() => parseIsoDate(text as string)).toThrow(InvalidDateError);
  });

  it('knows leap years and month lengths', () => {
    expect([1900, 2000, 2023, 2024, 2100].map(isLeapYear)).toEqual([false, true, false, true, false]);
    expect(daysInMonth(2024, 2)).toBe(29);
    expect(daysInMonth(2025, 2)).toBe(28);
    expect(daysInMonth(2025, 4)).toBe(30);
    expect(daysInMonth(2025, 12)).toBe(31);
  });
});

describe('ISO dates: epoch days agree with the platform calendar', () => {
  it('round-trips and matches Date.UTC on 1900–2200', () => {
    fc.assert(
      fc.property(epochDays, (day) => {
        const iso = fromEpochDay(day);
        expect(iso).toBe(oracleIso(day));
        expect(toEpochDay(iso)).toBe(day);
      }),
    );
  });

  it('addDays then daysBetween gives the step back', () => {
    fc.assert(
      fc.property(epochDays, fc.integer({ min: -2000, max: 2000 }), (day, step) => {
        const from = fromEpochDay(day);
        const to = addDays(from, step);
        expect(to).toBe(oracleIso(day + step));
        expect(daysBetween(from, to)).toBe(step);
      }),
    );
  });

  it.each([
    ['2024-02-28', 1, '2024-02-29'],
    ['2024-02-29', 1, '2024-03-01'],
    ['2025-02-28', 1, '2025-03-01'],
    ['2024-12-31', 1, '2025-01-01'],
    ['2025-05-10', 14, '2025-05-24'], // spec A7: +14 days
    ['2025-12-20', 14, '2026-01-03'],
    ['1970-01-01', -1, '1969-12-31'],
  ])('%s + %i days = %s', (from, days, expected) => {
    expect(addDays(from, days)).toBe(expected);
  });
});

describe('ISO dates: calendar months clamp to the month end (spec A7)', () => {
  it.each([
    ['2025-01-31', 1, '2025-02-28', 'Jan 31 + 1 month, common year'],
    ['2024-01-31', 1, '2024-02-29', 'Jan 31 + 1 month, leap year'],
    ['2025-11-30', 3, '2026-02-28', 'A7 example: Nov 30 + 3 months → Feb 28'],
    ['2023-11-30', 3, '2024-02-29', 'A7 example: Nov 30 + 3 months → Feb 29'],
    ['2024-02-29', 12, '2025-02-28', 'Feb 29 + 1 year'],
    ['2024-02-29', 48, '2028-02-29', 'Feb 29 + 4 years'],
    ['2025-08-31', 3, '2025-11-30', '31st into a 30-day month'],
    ['2025-12-31', 2, '2026-02-28', 'across the year end'],
    ['2025-03-31', -1, '2025-02-28', 'backwards'],
    ['2025-05-10', 3, '2025-08-10', 'ordinary day'],
    ['2025-10-15', 3, '2026-01-15', 'into next year'],
  ])('%s + %i months = %s (%s)', (from, months, expected) => {
    expect(addMonthsClamped(from, months)).toBe(expected);
  });

  it('lands in the right month with the day kept or clamped to the month end', () => {
    fc.assert(
      fc.property(epochDays, fc.integer({ min: -60, max: 60 }), (day, months) => {
        const from = parseIsoDate(fromEpochDay(day));
        const to = parseIsoDate(addMonthsClamped(fromEpochDay(day), months));
        expect(to.year * 12 + to.month - (from.year * 12 + from.month)).toBe(months);
        expect(to.day).toBe(Math.min(from.day, daysInMonth(to.year, to.month)));
      }),
    );
  });
});

describe('monthly schedules (spec A11 projection)', () => {
  it.each([
    ['2025-06-01', '2025-12-31', 3, 3, 'Jun 1, Sep 1, Dec 1'],
    ['2025-10-01', '2025-12-31', 3, 1, 'Oct 1; Jan 1 is next year'],
    ['2025-12-31', '2025-12-31', 3, 1, 'the last day itself counts'],
    ['2026-01-01', '2025-12-31', 3, 0, 'starts after the end'],
    ['2025-11-30', '2026-12-31', 3, 5, 'Nov 30, Feb 28, May 28, Aug 28, Nov 28 — each step from the clamped date'],
    ['2025-08-31', '2025-11-30', 3, 2, 'Aug 31 → Nov 30 on the last day'],
  ])('from %s to %s every %i months: %i (%s)', (first, last, months, count) => {
    expect(countMonthlySteps(first, last, months)).toBe(count);
  });

  it('refuses a step that would never advance', () => {
    expect(() => countMonthlySteps('2025-01-01', '2025-12-31', 0)).toThrow(RangeError);
  });
});

describe('completed years (spec A2)', () => {
  it.each([
    ['1960-05-10', '2025-05-09', 64, 'day before the birthday'],
    ['1960-05-10', '2025-05-10', 65, 'on the birthday'],
    ['1960-02-29', '2025-02-28', 64, 'A2: Feb-29 birthday not yet reached on Feb 28 of a common year'],
    ['1960-02-29', '2025-03-01', 65, 'A2: Feb-29 birthday reached on Mar 1 of a common year'],
    ['1960-02-29', '2024-02-28', 63, 'leap year, day before'],
    ['1960-02-29', '2024-02-29', 64, 'leap year, on the day'],
    ['2000-12-31', '2001-12-30', 0, 'under one year'],
  ])('born %s, on %s: %i (%s)', (birth, on, age) => {
    expect(completedYears(birth, on)).toBe(age);
  });

  it('never decreases as the date advances and grows by one per birthday', () => {
    fc.assert(
      fc.property(epochDays, fc.integer({ min: 0, max: 40_000 }), fc.integer({ min: 1, max: 800 }), (birth, offset, step) => {
        const born = fromEpochDay(birth);
        const a = completedYears(born, fromEpochDay(birth + offset));
        const b = completedYears(born, fromEpochDay(birth + offset + step));
        expect(b).toBeGreaterThanOrEqual(a);
        expect(b - a).toBeLessThanOrEqual(Math.ceil(step / 365) + 1);
      }),
    );
  });
});

describe('China local date of an instant', () => {
  it.each([
    ['2024-12-31T15:59:59.999Z', '2024-12-31'],
    ['2024-12-31T16:00:00.000Z', '2025-01-01'], // midnight in Beijing, still Dec 31 in UTC
    ['2025-03-01T00:00:00+08:00', '2025-03-01'],
    ['2024-02-28T17:30:00Z', '2024-02-29'],
  ])('%s is %s in Asia/Shanghai', (instant, expected) => {
    expect(chinaLocalDate(new Date(instant))).toBe(expected);
  });

  it('rejects an invalid instant', () => {
    expect(() => chinaLocalDate(new Date('nonsense'))).toThrow(InvalidDateError);
  });
});

describe('reporting years (spec A1)', () => {
  it.each([
    [2025, 1, '2025-01-01', '2025-12-31'],
    [2024, 1, '2024-01-01', '2024-12-31'],
    [2025, 7, '2025-07-01', '2026-06-30'],
    [2023, 3, '2023-03-01', '2024-02-29'],
  ])('year %i starting in month %i runs %s … %s', (year, startMonth, start, end) => {
    expect(yearPeriod(year, startMonth)).toEqual({ year, start, end });
  });

  it.each([
    ['2025-06-30', 7, 2024],
    ['2025-07-01', 7, 2025],
    ['2025-12-31', 1, 2025],
    ['2026-01-01', 1, 2026],
  ])('%s lies in the year labelled by its start (start month %i): %i', (date, startMonth, year) => {
    expect(yearPeriodContaining(date, startMonth).year).toBe(year);
  });

  it('refuses a start month outside 1–12', () => {
    expect(() => yearPeriod(2025, 13)).toThrow(RangeError);
  });
});
