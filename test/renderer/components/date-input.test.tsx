// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import i18n from '../../../src/renderer/i18n';
import { DateInput, mondayIndex, monthGrid } from '../../../src/renderer/components/date-input';
import { todayInChina } from '../../../src/renderer/components/dates';
import type { DateFieldKind } from '../../../src/shared/date-rules';
import { addDays } from '../../../src/shared/dates';

beforeAll(async () => {
  await i18n.changeLanguage('zh-CN');
});
afterEach(cleanup);

function Harness({ kind, birthDate, initial = '' }: { kind: DateFieldKind; birthDate?: string; initial?: string }) {
  const [value, setValue] = useState(initial);
  return (
    <>
      <DateInput label="诊断日期" kind={kind} birthDate={birthDate} value={value} onChange={setValue} />
      <output data-testid="value">{value}</output>
      <button type="button" onClick={() => setValue('')}>
        reset
      </button>
    </>
  );
}

const box = () => screen.getByLabelText('诊断日期') as HTMLInputElement;
const typeInto = (text: string) => {
  fireEvent.change(box(), { target: { value: text } });
  fireEvent.blur(box());
};
const value = () => screen.getByTestId('value').textContent;

describe('DateInput', () => {
  const typed: [string, string][] = [
    ['20200501', '2020-05-01'],
    ['2020.5.1', '2020-05-01'],
    ['2020/5/1', '2020-05-01'],
    ['2020-05-01', '2020-05-01'],
    ['2020年5月1日', '2020-05-01'],
  ];
  for (const [text, iso] of typed) {
    it(`reads ${text} as ${iso} and shows it as stored once left`, () => {
      render(<Harness kind="pastEvent" />);
      typeInto(text);
      expect(value()).toBe(iso);
      expect(box().value).toBe(iso);
      expect(box().validationMessage).toBe('');
      expect(screen.queryByRole('alert')).toBeNull();
    });
  }

  it("refuses what is not a date, in Chinese, beside the box and as the box's validity", () => {
    render(<Harness kind="pastEvent" />);
    typeInto('2020-02-30');
    const alert = screen.getByRole('alert').textContent ?? '';
    expect(alert).toContain('不是有效日期');
    expect(box().validationMessage).toBe(alert);
    expect(box().getAttribute('aria-invalid')).toBe('true');
    // The parent keeps what was typed: a half-typed date is not silently dropped.
    expect(value()).toBe('2020-02-30');
  });

  it('refuses a diagnosis before birth, naming the birth date', () => {
    render(<Harness kind="pastEvent" birthDate="1960-04-04" />);
    typeInto('1950-01-01');
    expect(screen.getByRole('alert').textContent).toBe('日期不能早于出生日期（1960-04-04）');
  });

  it('refuses year 0501, a date before 1900 and a past event in the future', () => {
    render(<Harness kind="pastEvent" />);
    typeInto('0501-02-02');
    expect(screen.getByRole('alert').textContent).toContain('不是有效日期');
    typeInto('1899-12-31');
    expect(screen.getByRole('alert').textContent).toBe('日期不能早于 1900-01-01');
    const tomorrow = addDays(todayInChina(), 1);
    typeInto(tomorrow);
    expect(screen.getByRole('alert').textContent).toBe(`日期不能晚于今天（${todayInChina()}）`);
  });

  it('speaks English when the UI does', async () => {
    await i18n.changeLanguage('en');
    try {
      render(<Harness kind="pastEvent" birthDate="1960-04-04" />);
      typeInto('1950-01-01');
      expect(screen.getByRole('alert').textContent).toBe('The date cannot be before the date of birth (1960-04-04)');
    } finally {
      await i18n.changeLanguage('zh-CN');
    }
  });

  it('a reset by the parent clears the box', () => {
    render(<Harness kind="pastEvent" initial="2020-05-01" />);
    expect(box().value).toBe('2020-05-01');
    fireEvent.click(screen.getByRole('button', { name: 'reset' }));
    expect(box().value).toBe('');
  });

  it('the picker shows Monday-first weeks, greys out refused days and fills the box', () => {
    render(<Harness kind="pastEvent" birthDate="2025-03-10" initial="2025-03-15" />);
    fireEvent.click(screen.getByRole('button', { name: '打开日历' }));
    const dialog = screen.getByRole('dialog', { name: '选择日期' });
    expect([...dialog.querySelectorAll('th')].map((th) => th.textContent)).toEqual(['一', '二', '三', '四', '五', '六', '日']);
    expect(dialog.textContent).toContain('2025年3月');
    // 2025-03-01 was a Saturday: the sixth cell of the first week.
    expect([...dialog.querySelectorAll('tbody tr:first-child td')].map((td) => td.textContent)).toEqual(['', '', '', '', '', '1', '2']);
    expect(screen.getByRole('button', { name: '2025-03-15' }).getAttribute('aria-pressed')).toBe('true');
    expect((screen.getByRole('button', { name: '2025-03-09' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: '2025-03-11' }));
    expect(value()).toBe('2025-03-11');
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});

describe('month grid', () => {
  it('starts each week on Monday', () => {
    expect(mondayIndex('1970-01-01')).toBe(3); // a Thursday
    expect(mondayIndex('2024-01-01')).toBe(0); // a Monday
    expect(mondayIndex('2023-12-31')).toBe(6); // a Sunday
    const december = monthGrid(2026, 12);
    expect(december[0]).toEqual([null, '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05', '2026-12-06']);
    expect(december.flat().filter(Boolean)).toHaveLength(31);
    expect(december.every((week) => week.length === 7)).toBe(true);
    const february = monthGrid(2021, 2); // starts on a Monday and fills exactly four weeks
    expect(february).toHaveLength(4);
    expect(february[0][0]).toBe('2021-02-01');
  });
});
