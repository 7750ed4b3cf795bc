import { describe, expect, it } from 'vitest';
import { checkDateInput, parseDateInput } from '../../src/shared/date-rules';
import { formatClinicDate, formatClinicDateTime, formatClinicDateTimeSeconds } from '../../src/shared/date-format';

describe('typed dates as a Chinese clinic writes them', () => {
  it.each([
    ['2020-05-01', '2020-05-01'],
    ['20200501', '2020-05-01'],
    ['2020.5.1', '2020-05-01'],
    ['2020/5/1', '2020-05-01'],
    ['2020年5月1日', '2020-05-01'],
    ['２０２０-０５-０１', '2020-05-01'],
    [' 2024-02-29 ', '2024-02-29'],
  ])('reads %s as %s', (typed, iso) => expect(parseDateInput(typed)).toBe(iso));

  it.each(['0501-02-02', '501-02-02', '2023-02-29', '2020-13-01', '2020-04-31', '20201301', 'yesterday', '2020-5'])('refuses %s', (typed) => {
    expect(checkDateInput(typed, 'any', { today: '2026-12-05' })?.ok).toBe(false);
  });

  it('refuses the impossible for each kind of field, naming the bound', () => {
    const ctx = { today: '2026-12-05', birthDate: '1950-03-01', enrolledOn: '2024-01-10' };
    expect(checkDateInput('1899-12-31', 'birthDate', ctx)).toEqual({ ok: false, reason: 'DATE_TOO_EARLY', limit: '1900-01-01' });
    expect(checkDateInput('2026-12-06', 'pastEvent', ctx)).toEqual({ ok: false, reason: 'DATE_IN_FUTURE', limit: '2026-12-05' });
    expect(checkDateInput('2026-12-05', 'pastEvent', ctx)).toEqual({ ok: true, date: '2026-12-05' });
    expect(checkDateInput('1950-02-28', 'pastEvent', ctx)).toEqual({ ok: false, reason: 'DATE_BEFORE_BIRTH', limit: '1950-03-01' });
    expect(checkDateInput('2024-01-09', 'followUpEvent', ctx)).toEqual({ ok: false, reason: 'DATE_BEFORE_ENROLMENT', limit: '2024-01-10' });
    expect(checkDateInput('2024-01-10', 'followUpEvent', ctx)).toEqual({ ok: true, date: '2024-01-10' });
    expect(checkDateInput('2026-12-04', 'booking', ctx)).toEqual({ ok: false, reason: 'DATE_IN_PAST', limit: '2026-12-05' });
    expect(checkDateInput('', 'booking', ctx, true)).toEqual({ ok: false, reason: 'DATE_REQUIRED' });
    expect(checkDateInput('', 'booking', ctx)).toBeNull();
  });
});

describe('one display format in the clinic time zone', () => {
  it('zero-pads and shows clinic time, not UTC', () => {
    expect(formatClinicDateTime('2026-12-04T21:08:41Z')).toBe('2026-12-05 05:08');
    expect(formatClinicDateTimeSeconds('2026-12-04T21:08:41Z')).toBe('2026-12-05 05:08:41');
    expect(formatClinicDate('2026-12-04')).toBe('2026-12-04');
    expect(formatClinicDateTime('2026-01-02T03:04:05Z', 'UTC')).toBe('2026-01-02 03:04');
  });

  it("shows a time without a zone (an ECG cart's local clock) as written, not shifted by the zone offset", () => {
    expect(formatClinicDateTime('2011-12-01T07:27:34')).toBe('2011-12-01 07:27');
    expect(formatClinicDateTimeSeconds('2011-12-01T07:27:34')).toBe('2011-12-01 07:27:34');
    expect(formatClinicDateTime('2011-12-01T07:27', 'America/New_York')).toBe('2011-12-01 07:27');
    expect(formatClinicDateTime('2011-12-01T07:27:34+08:00')).toBe('2011-12-01 07:27');
    expect(formatClinicDateTime('2011-12-01T07:27:34Z')).toBe('2011-12-01 15:27');
  });
});
