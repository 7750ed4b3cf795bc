import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import LIST from '../../src/shared/icd10/icd10-primary-care.json';
import { icd10NameKeys } from '../../src/shared/icd10/search-keys';
import { DEFAULT_PREFERRED_CODES, icd10ByCode, searchIcd10 } from '../../src/shared/icd10/search';

const CODES = new Set(LIST.map((entry) => entry.code));
const codesStartingWith = (...prefixes: string[]) => LIST.filter((entry) => prefixes.some((prefix) => entry.code.startsWith(prefix)));

describe('the primary-care ICD-10 list', () => {
  it('has at least 400 codes, each once, in code order', () => {
    expect(LIST.length).toBeGreaterThanOrEqual(400);
    expect(CODES.size).toBe(LIST.length);
    expect(LIST.map((entry) => entry.code)).toEqual([...LIST.map((entry) => entry.code)].sort());
  });

  it('uses ICD-10 category or subcategory codes and Chinese names', () => {
    for (const { code, name } of LIST) {
      expect(code).toMatch(/^[A-Z]\d{2}(\.\d)?$/);
      expect(name, code).toMatch(/\p{Script=Han}/u);
      expect(name.trim(), code).toBe(name);
    }
  });

  it.each<[string, string[]]>([
    ['hypertension I10–I15', ['I10', 'I11.0', 'I11.9', 'I12.0', 'I12.9', 'I13.0', 'I13.1', 'I13.2', 'I13.9', 'I15.0', 'I15.9']],
    ['type 1 diabetes E10.0–.9', Array.from({ length: 10 }, (_, i) => `E10.${i}`)],
    ['type 2 diabetes E11.0–.9', Array.from({ length: 10 }, (_, i) => `E11.${i}`)],
    ['diabetes unspecified E14.0–.9', Array.from({ length: 10 }, (_, i) => `E14.${i}`)],
    ['other diabetes E12, E13', ['E12.9', 'E13.9']],
    ['COPD and asthma', ['J44.0', 'J44.1', 'J44.9', 'J45.0', 'J45.9', 'J46']],
    ['URTI and pneumonia', ['J00', 'J02.9', 'J03.9', 'J06.9', 'J18.0', 'J18.9', 'J15.7']],
    ['gastritis and gastroenteritis', ['K29.1', 'K29.3', 'K29.5', 'K29.7', 'A09.0', 'A09.9', 'K52.9']],
    ['UTI', ['N39.0', 'N30.0', 'N10']],
    ['back pain and arthritis', ['M54.5', 'M54.4', 'M51.2', 'M13.9', 'M17.9', 'M06.9', 'M10.9']],
    ['TB, hepatitis, HFMD', ['A15.0', 'A16.2', 'B15.9', 'B16.9', 'B18.1', 'B18.2', 'B08.4']],
    ['health check and follow-up', ['Z00.0', 'Z09.9', 'Z76.0', 'Z48.0']],
  ])('covers %s', (_label, codes) => {
    for (const code of codes) expect(CODES.has(code), code).toBe(true);
  });

  it.each<[string, string[], number]>([
    ['injuries (S, T)', ['S', 'T'], 40],
    ['skin (L)', ['L'], 25],
    ['eye (H00–H59)', ['H0', 'H1', 'H2', 'H3', 'H4', 'H5'], 20],
    ['ear (H60–H95) and nose/throat (J30–J39)', ['H6', 'H7', 'H8', 'H9', 'J3'], 20],
    ['pregnancy (O)', ['O'], 25],
    ['mental health (F)', ['F'], 20],
    ['symptoms (R)', ['R'], 50],
    ['factors and contacts (Z)', ['Z'], 40],
  ])('has a working set of %s', (_label, prefixes, atLeast) => {
    expect(codesStartingWith(...prefixes).length).toBeGreaterThanOrEqual(atLeast);
  });

  it.each([
    ['I10', '原发性高血压'],
    ['E11.9', '2型糖尿病不伴有并发症'],
    ['E11.1', '2型糖尿病伴有酮症酸中毒'],
    ['J44.9', '慢性阻塞性肺疾病'],
    ['J06.9', '急性上呼吸道感染'],
    ['B08.4', '手足口病'],
    ['N39.0', '泌尿道感染'],
    ['Z00.0', '健康查体'],
  ])('names %s %s', (code, name) => {
    expect(icd10ByCode(code)).toEqual({ code, name });
  });

  it('looks codes up case- and space-insensitively', () => {
    expect(icd10ByCode(' e11.9 ')?.code).toBe('E11.9');
    expect(icd10ByCode('E11.99')).toBeUndefined();
  });
});

describe('searchIcd10', () => {
  const codesOf = (query: string, limit?: number) => searchIcd10(query, limit).map((hit) => hit.code);

  it.each<[string, string]>([
    ['I10', 'I10'],
    ['i10', 'I10'],
    ['e119', 'E11.9'],
    ['E11.9', 'E11.9'],
    ['Ｅ１１．９', 'E11.9'],
    ['高血压', 'I10'],
    ['gxy', 'I10'],
    ['糖尿病', 'E11.9'],
    ['tnb', 'E11.9'],
    ['tangniaobing', 'E11.9'],
    ['感冒', 'J00'],
    ['gm', 'J00'],
    ['ganmao', 'J00'],
    ['上呼吸道感染', 'J06.9'],
    ['shxdgr', 'J06.9'],
    ['手足口', 'B08.4'],
    ['szkb', 'B08.4'],
    ['慢阻肺', ''], // not a substring of the standard name: no hit is better than a wrong one
    ['copd', ''],
    ['mzf', ''],
    ['荨麻疹', 'L50.9'],
    ['xmz', 'L50.9'],
    ['hiv', 'B24'],
    ['疟疾', 'B54'],
    ['nveji', 'B54'],
    ['nüeji', 'B54'],
    ['腰痛', 'M54.5'],
    ['yt', 'M54.5'],
    ['体检', 'Z02.1'], // 入职体检; the general check-up is named 健康查体
    ['健康查体', 'Z00.0'],
    ['换药', 'Z48.0'],
  ])('%s → %s first', (query, first) => {
    expect(codesOf(query)[0] ?? '').toBe(first);
  });

  it('lists a category in code order, preferred code first', () => {
    expect(codesOf('E11')).toEqual(['E11.9', 'E11.8', 'E11.0', 'E11.1', 'E11.2', 'E11.3', 'E11.4', 'E11.5', 'E11.6', 'E11.7']);
    expect(codesOf('I1', 50).every((code) => code.startsWith('I1'))).toBe(true);
    expect(codesOf('I1', 50)).toHaveLength(codesStartingWith('I1').length);
  });

  it('finds every name that contains a hanzi query, and only those', () => {
    for (const query of ['高血压', '糖尿病', '骨折', '炎', '妊娠']) {
      const expected = LIST.filter((entry) => entry.name.includes(query)).map((entry) => entry.code);
      expect(codesOf(query, 1000).sort()).toEqual(expected.sort());
    }
  });

  it('every pinyin hit has the query in its initials or at a syllable start of its spelling', () => {
    const keyed = new Map(LIST.map((entry) => [entry.code, icd10NameKeys(entry.name)]));
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z]{1,4}$/), (query) => {
        for (const hit of searchIcd10(query, 1000)) {
          const { syllables, initials } = keyed.get(hit.code)!;
          const parts = syllables.split(' ');
          const startsOnSyllable = parts.some((_, i) => parts.slice(i).join('').startsWith(query));
          expect(initials.includes(query) || startsOnSyllable, `${query} ~ ${hit.name}`).toBe(true);
          expect(hit.matchedBy).toBe('pinyin');
        }
      }),
      { numRuns: 200 },
    );
  });

  it('does not match across syllables (gm is not donG Mai)', () => {
    expect(codesOf('gm', 1000)).not.toContain('I25.1');
  });

  it('tells how each hit matched', () => {
    expect(searchIcd10('I10', 1)[0].matchedBy).toBe('code');
    expect(searchIcd10('高血压', 1)[0].matchedBy).toBe('name');
    expect(searchIcd10('gxy', 1)[0].matchedBy).toBe('pinyin');
  });

  it('respects the limit and refuses empty or meaningless queries', () => {
    expect(searchIcd10('炎', 5)).toHaveLength(5);
    expect(searchIcd10('炎', 0)).toEqual([]);
    expect(searchIcd10('')).toEqual([]);
    expect(searchIcd10('   ')).toEqual([]);
    expect(searchIcd10('!!!')).toEqual([]);
    expect(searchIcd10('E99.9')).toEqual([]);
  });

  it('puts the caller’s preferred codes first', () => {
    expect(codesOf('高血压')[0]).toBe('I10');
    expect(searchIcd10('高血压', 3, { preferred: ['I15.9'] }).map((hit) => hit.code)[0]).toBe('I15.9');
  });

  it('prefers only codes that are on the list', () => {
    for (const code of DEFAULT_PREFERRED_CODES) expect(CODES.has(code), code).toBe(true);
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.integer({ min: -5, max: 50 }), (query, limit) => {
        const hits = searchIcd10(query, limit);
        expect(hits.length).toBeLessThanOrEqual(Math.max(0, limit));
      }),
    );
  });
});
