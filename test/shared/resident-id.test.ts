import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkCharacter, makeResidentId, normalizeResidentIdInput, parseResidentId, PROVINCES, type ResidentIdError } from '../../src/shared/resident-id';

const TODAY = '2025-06-15';

function errorsOf(id: string, today = TODAY): ResidentIdError[] {
  const result = parseResidentId(id, today);
  return result.ok ? [] : result.errors;
}

describe('check character (ISO 7064 MOD 11-2)', () => {
  it.each([
    // The example printed in the standard's guidance and in specs/followup-rules.md.
    ['11010519491231002', 'X'],
    // Each expected value worked by hand: Σ(digit·weight) mod 11 → "10X98765432".
    ['00000000000000000', '1'],
    ['10000000000000000', '5'], // 7 mod 11 = 7 → '5'
    ['01000000000000000', '3'], // 9 → '3'
    ['00100000000000000', '2'], // 10 → '2'
    ['00000001000000000', '0'], // weight 1 → '0'
    ['00000000000000001', 'X'], // weight 2 → 'X'
    ['44030019900101001', checkCharacter('44030019900101001')],
  ])('%s → %s', (first17, expected) => {
    expect(checkCharacter(first17)).toBe(expected);
  });

  it('refuses anything but 17 digits', () => {
    expect(() => checkCharacter('1101051949123100')).toThrow(RangeError);
    expect(() => checkCharacter('1101051949123100A')).toThrow(RangeError);
  });

  it('makes the weighted sum of all 18 characters ≡ 1 (mod 11), X counting as 10', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{17}$/), (first17) => {
        const check = checkCharacter(first17);
        const weights = Array.from({ length: 18 }, (_, i) => 2 ** (17 - i) % 11);
        const values = [...first17].map(Number).concat(check === 'X' ? 10 : Number(check));
        const sum = values.reduce((acc, value, i) => acc + value * weights[i], 0);
        expect(sum % 11).toBe(1);
      }),
    );
  });
});

describe('parseResidentId: valid numbers', () => {
  it.each([
    ['11010519491231002X', '1949-12-31', 'F', '110105', '北京市'],
    ['11010519491231002x', '1949-12-31', 'F', '110105', '北京市'],
    ['１１０１０５１９４９１２３１００２Ｘ', '1949-12-31', 'F', '110105', '北京市'],
    [' 110105 19491231 002X ', '1949-12-31', 'F', '110105', '北京市'],
    [makeResidentId('430522', '2000-02-29', 13), '2000-02-29', 'M', '430522', '湖南省'],
    [makeResidentId('441900', '1985-07-01', 88), '1985-07-01', 'F', '441900', '广东省'],
    [makeResidentId('620200', '1960-01-01', 1), '1960-01-01', 'M', '620200', '甘肃省'],
    [makeResidentId('429004', '1970-10-10', 555), '1970-10-10', 'M', '429004', '湖北省'],
    [makeResidentId('810000', '1990-05-05', 2), '1990-05-05', 'F', '810000', '香港特别行政区'],
    [makeResidentId('820000', '1990-05-05', 3), '1990-05-05', 'M', '820000', '澳门特别行政区'],
    [makeResidentId('830000', '1990-05-05', 4), '1990-05-05', 'F', '830000', '台湾（居住证）'],
    [makeResidentId('710000', '1948-03-03', 7), '1948-03-03', 'M', '710000', '台湾省'],
    [makeResidentId('650102', '1900-01-01', 9), '1900-01-01', 'M', '650102', '新疆维吾尔自治区'],
    [makeResidentId('500101', TODAY, 20), TODAY, 'F', '500101', '重庆市'],
  ])('%s', (id, birthDate, sex, regionCode, province) => {
    const result = parseResidentId(id, TODAY);
    expect(result).toMatchObject({ ok: true, birthDate, sex, regionCode, province: { zh: province } });
    if (result.ok) expect(result.normalized).toMatch(/^\d{17}[\dX]$/);
  });

  it('normalises full-width, lower-case and spaced input to the plain number', () => {
    expect(normalizeResidentIdInput('１１０１０５ １９４９１２３１ ００２ｘ')).toBe('11010519491231002X');
    expect(normalizeResidentIdInput('\t11010519491231002x\u3000')).toBe('11010519491231002X');
  });

  it('accepts every one of the 34 province codes with an ordinary county code', () => {
    expect(PROVINCES).toHaveLength(34);
    expect(new Set(PROVINCES.map((p) => p.code)).size).toBe(34);
    for (const province of PROVINCES) {
      const region = ['71', '81', '82'].includes(province.code) ? `${province.code}0000` : `${province.code}0102`;
      const result = parseResidentId(makeResidentId(region, '1980-01-01', 1), TODAY);
      expect(result.ok, province.zh).toBe(true);
    }
  });
});

describe('parseResidentId: each wrong part is named', () => {
  const valid = makeResidentId('430522', '1990-03-07', 123);
  const withCheck = (first17: string) => first17 + checkCharacter(first17);

  it.each<[string, string, ResidentIdError[]]>([
    ['empty', '', [{ code: 'ID_EMPTY' }]],
    ['only spaces', '   ', [{ code: 'ID_EMPTY' }]],
    ['legacy 15-digit number', '110105491231002', [{ code: 'ID_LEGACY_15' }]],
    ['too short', valid.slice(0, 17), [{ code: 'ID_LENGTH', length: 17 }]],
    ['too long', `${valid}1`, [{ code: 'ID_LENGTH', length: 19 }]],
    ['15 characters but not all digits', '11010549123100X', [{ code: 'ID_LENGTH', length: 15 }]],
    [
      'wrong check character',
      `${valid.slice(0, 17)}${valid[17] === '0' ? '1' : '0'}`,
      [{ code: 'ID_CHECKSUM', expected: valid[17], actual: valid[17] === '0' ? '1' : '0' }],
    ],
    ['letter inside', `4305A2${valid.slice(6)}`, [{ code: 'ID_CHARACTER', position: 5, char: 'A' }]],
    ['X in the middle', `${valid.slice(0, 16)}X${valid[17]}`, [{ code: 'ID_CHARACTER', position: 17, char: 'X' }]],
    ['bad last character', `${valid.slice(0, 17)}Y`, [{ code: 'ID_CHARACTER', position: 18, char: 'Y' }]],
    ['unknown province', withCheck('99052219900307123'), [{ code: 'ID_REGION_PROVINCE', provinceCode: '99' }]],
    ['province 00', withCheck('00052219900307123'), [{ code: 'ID_REGION_PROVINCE', provinceCode: '00' }]],
    ['abolished-looking 20', withCheck('20052219900307123'), [{ code: 'ID_REGION_PROVINCE', provinceCode: '20' }]],
    [
      'Hong Kong subdivided',
      withCheck('81010119900307123'),
      [{ code: 'ID_REGION_NOT_SUBDIVIDED', regionCode: '810101', expected: '810000', province: '香港特别行政区' }],
    ],
    ['Taiwan subdivided', withCheck('71020019900307123'), [{ code: 'ID_REGION_NOT_SUBDIVIDED', regionCode: '710200', expected: '710000', province: '台湾省' }]],
    ['province code alone', withCheck('43000019900307123'), [{ code: 'ID_REGION_PREFECTURE', regionCode: '430000', province: '湖南省' }]],
    ['prefecture 00 with a county', withCheck('43001219900307123'), [{ code: 'ID_REGION_PREFECTURE', regionCode: '430012', province: '湖南省' }]],
    ['prefecture without county', withCheck('43050019900307123'), [{ code: 'ID_REGION_COUNTY', regionCode: '430500', province: '湖南省' }]],
    ['Beijing 市辖区 without district', withCheck('11010019900307123'), [{ code: 'ID_REGION_COUNTY', regionCode: '110100', province: '北京市' }]],
    ['month 13', withCheck('43052219901307123'), [{ code: 'ID_BIRTH_MONTH', month: '13' }]],
    ['month 00', withCheck('43052219900007123'), [{ code: 'ID_BIRTH_MONTH', month: '00' }]],
    ['day 00', withCheck('43052219900300123'), [{ code: 'ID_BIRTH_DAY', year: 1990, month: 3, day: '00', daysInMonth: 31 }]],
    ['April 31', withCheck('43052219900431123'), [{ code: 'ID_BIRTH_DAY', year: 1990, month: 4, day: '31', daysInMonth: 30 }]],
    ['Feb 29 in a common year', withCheck('43052219900229123'), [{ code: 'ID_BIRTH_DAY', year: 1990, month: 2, day: '29', daysInMonth: 28 }]],
    ['Feb 29 in 1900 (century, not leap)', withCheck('43052219000229123'), [{ code: 'ID_BIRTH_DAY', year: 1900, month: 2, day: '29', daysInMonth: 28 }]],
    ['Feb 30 in a leap year', withCheck('43052220240230123'), [{ code: 'ID_BIRTH_DAY', year: 2024, month: 2, day: '30', daysInMonth: 29 }]],
    ['born 1899', withCheck('43052218991231123'), [{ code: 'ID_BIRTH_BEFORE_1900', birthDate: '1899-12-31', earliest: '1900-01-01' }]],
    ['born tomorrow', withCheck('43052220250616123'), [{ code: 'ID_BIRTH_FUTURE', birthDate: '2025-06-16', today: TODAY }]],
    ['born next century', withCheck('43052221000101123'), [{ code: 'ID_BIRTH_FUTURE', birthDate: '2100-01-01', today: TODAY }]],
  ])('%s', (_label, id, expected) => {
    expect(errorsOf(id)).toEqual(expected);
  });

  it('names X as the actual character when a digit is due', () => {
    const first17 = '11010519491231003';
    const due = checkCharacter(first17);
    expect(due).not.toBe('X');
    expect(errorsOf(`${first17}x`)).toEqual([{ code: 'ID_CHECKSUM', expected: due, actual: 'X' }]);
  });

  it('reports region, month and check character together, in reading order', () => {
    const first17 = '99000019901307123';
    const wrongCheck = checkCharacter(first17) === '5' ? '6' : '5';
    expect(errorsOf(first17 + wrongCheck)).toEqual([
      { code: 'ID_REGION_PROVINCE', provinceCode: '99' },
      { code: 'ID_BIRTH_MONTH', month: '13' },
      { code: 'ID_CHECKSUM', expected: checkCharacter(first17), actual: wrongCheck },
    ]);
  });

  it('still judges the birth date when a letter sits in the region code', () => {
    const errors = errorsOf('4305B219900230123X');
    expect(errors).toEqual([
      { code: 'ID_CHARACTER', position: 5, char: 'B' },
      { code: 'ID_BIRTH_DAY', year: 1990, month: 2, day: '30', daysInMonth: 28 },
    ]);
  });

  it('judges "future" against the given today, not the machine clock', () => {
    const id = makeResidentId('430522', '2030-01-01', 1);
    expect(parseResidentId(id, '2029-12-31').ok).toBe(false);
    expect(parseResidentId(id, '2030-01-01').ok).toBe(true);
  });

  it('refuses a today that is not a calendar date', () => {
    expect(() => parseResidentId(valid, '2025-02-30')).toThrow(RangeError);
  });
});

describe('makeResidentId', () => {
  it.each([
    ['43052', '1990-01-01', 1],
    ['430522', '1990-13-01', 1],
    ['430522', '19900101', 1],
    ['430522', '1990-01-01', 1000],
    ['430522', '1990-01-01', -1],
    ['430522', '1990-01-01', 1.5],
  ])('refuses %s %s %s', (region, birthDate, seq) => {
    expect(() => makeResidentId(region, birthDate, seq)).toThrow(RangeError);
  });

  const region = fc.constantFrom('110105', '430522', '441900', '650102', '810000', '830000', '429004');
  const birthDate = fc
    .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date(`${TODAY}T00:00:00Z`), noInvalidDate: true })
    .map((date) => date.toISOString().slice(0, 10));
  const seq = fc.integer({ min: 0, max: 999 });

  it('round-trips region, birth date and sex through parseResidentId', () => {
    fc.assert(
      fc.property(region, birthDate, seq, (regionCode, date, sequence) => {
        const result = parseResidentId(makeResidentId(regionCode, date, sequence), TODAY);
        expect(result).toMatchObject({
          ok: true,
          regionCode,
          birthDate: date,
          sex: sequence % 2 === 1 ? 'M' : 'F',
        });
      }),
    );
  });

  it('every single-character substitution is caught', () => {
    fc.assert(
      fc.property(region, birthDate, seq, fc.integer({ min: 0, max: 17 }), fc.integer({ min: 1, max: 10 }), (r, d, s, at, shift) => {
        const id = makeResidentId(r, d, s);
        const alphabet = at === 17 ? '0123456789X' : '0123456789';
        const current = alphabet.indexOf(id[at]);
        const replacement = alphabet[(current + shift) % alphabet.length];
        fc.pre(replacement !== id[at]);
        const typo = id.slice(0, at) + replacement + id.slice(at + 1);
        expect(parseResidentId(typo, TODAY).ok).toBe(false);
      }),
    );
  });

  it('every transposition of two different adjacent digits is caught', () => {
    fc.assert(
      fc.property(region, birthDate, seq, fc.integer({ min: 0, max: 16 }), (r, d, s, at) => {
        const id = makeResidentId(r, d, s);
        fc.pre(id[at] !== id[at + 1]);
        const swapped = id.slice(0, at) + id[at + 1] + id[at] + id.slice(at + 2);
        expect(parseResidentId(swapped, TODAY).ok).toBe(false);
      }),
    );
  });
});
