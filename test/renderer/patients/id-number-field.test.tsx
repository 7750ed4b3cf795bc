// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import fc from 'fast-check';
import { useState } from 'react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import i18n from '../../../src/renderer/i18n';
import { idFeedback, IdNumberField } from '../../../src/renderer/features/patients/id-number-field';
import { checkCharacter, makeResidentId } from '../../../src/shared/resident-id';

const TODAY = '2025-06-15';
const VALID = makeResidentId('430522', '1990-03-07', 123); // odd sequence: male

function Controlled({ initial = '' }: { initial?: string }) {
  const [value, setValue] = useState(initial);
  return <IdNumberField value={value} onChange={setValue} today={TODAY} />;
}

beforeAll(async () => {
  await i18n.changeLanguage('zh-CN');
});
afterEach(cleanup);

function typeInto(input: HTMLElement, text: string) {
  for (let i = 1; i <= text.length; i++) fireEvent.change(input, { target: { value: text.slice(0, i) } });
}

describe('resident ID field (live feedback in zh-CN)', () => {
  it('says nothing but the count until the 18th character, then names the wrong check character', () => {
    render(<Controlled />);
    const input = screen.getByLabelText('身份证号');
    const right = checkCharacter(VALID.slice(0, 17));
    const wrong = right === '0' ? '1' : '0';
    typeInto(input, VALID.slice(0, 17));
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByText('已输入 17/18 位')).toBeTruthy();
    fireEvent.change(input, { target: { value: VALID.slice(0, 17) + wrong } });
    expect(screen.getByRole('alert').textContent).toBe(`第18位校验码应为 ${right}，实际为 ${wrong}`);
    expect(input.getAttribute('aria-invalid')).toBe('true');
  });

  it('names every wrong part of a number at once, in reading order', () => {
    // Month 13 and day 32 cannot both be reported (the day depends on the month); province 99 and the month can.
    const first17 = '99052219901307123';
    render(<Controlled initial={first17 + checkCharacter(first17)} />);
    const items = screen.getAllByRole('listitem').map((li) => li.textContent);
    expect(items).toEqual(['第1–2位省级代码99不存在', '第11–12位出生月份13无效，应为01–12']);
  });

  it('flags a letter in the first 17 positions while the number is still being typed', () => {
    render(<Controlled />);
    typeInto(screen.getByLabelText('身份证号'), '43052X');
    expect(screen.getByRole('alert').textContent).toBe('第6位「X」无效：前17位只能是数字，第18位只能是数字或X');
  });

  it('judges a short number when the user leaves the field (old 15-digit cards get their own message)', () => {
    render(<Controlled />);
    const input = screen.getByLabelText('身份证号');
    typeInto(input, '430522900307123');
    expect(screen.queryByRole('alert')).toBeNull();
    act(() => {
      fireEvent.blur(input);
    });
    expect(screen.getByRole('alert').textContent).toBe('这是15位旧身份证号码，已停止使用，请输入第二代身份证上的18位号码');
  });

  it('a right number says where and when the person was born, and which sex the number encodes', () => {
    render(<Controlled initial={VALID} />);
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByText('身份证号有效：湖南省，1990-03-07 出生，男')).toBeTruthy();
  });

  it('reads full-width digits and a lower-case x the way a Chinese IME types them', () => {
    const withX = (() => {
      for (let seq = 0; seq < 1000; seq++) {
        const id = makeResidentId('110105', '1985-12-01', seq);
        if (id.endsWith('X')) return id;
      }
      throw new Error('no X check character in range');
    })();
    const fullWidth = withX.slice(0, 17).replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d))) + 'x';
    expect(idFeedback(fullWidth, TODAY, false)).toMatchObject({ state: 'valid', info: { normalized: withX, birthDate: '1985-12-01' } });
  });
});

describe('idFeedback (property)', () => {
  const validIds = fc
    .record({
      region: fc.constantFrom('110105', '430522', '441900', '650102', '810000'),
      year: fc.integer({ min: 1900, max: 2024 }),
      month: fc.integer({ min: 1, max: 12 }),
      day: fc.integer({ min: 1, max: 28 }),
      seq: fc.integer({ min: 0, max: 999 }),
    })
    .map(({ region, year, month, day, seq }) => {
      const birthDate = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
      return { id: makeResidentId(region, birthDate, seq), birthDate, sex: seq % 2 === 1 ? 'M' : 'F' };
    });

  it('accepts every well-formed number and reads its birth date and sex', () => {
    fc.assert(
      fc.property(validIds, ({ id, birthDate, sex }) => {
        const feedback = idFeedback(id, TODAY, false);
        expect(feedback).toMatchObject({ state: 'valid', info: { birthDate, sex } });
      }),
    );
  });

  it('refuses every single wrong digit (ISO 7064 MOD 11-2 catches all single substitutions)', () => {
    fc.assert(
      fc.property(validIds, fc.integer({ min: 0, max: 16 }), fc.integer({ min: 1, max: 9 }), ({ id }, position, shift) => {
        const digit = (Number(id[position]) + shift) % 10;
        const typo = id.slice(0, position) + digit + id.slice(position + 1);
        expect(idFeedback(typo, TODAY, false).state).toBe('invalid');
      }),
    );
  });
});
