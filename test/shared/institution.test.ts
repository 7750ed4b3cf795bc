import { describe, expect, it } from 'vitest';
import { institutionCodeProblem, normalizeInstitutionCode } from '../../src/shared/institution';

/** GB 32100-2015 (unified social credit code) and GB 11714-1997 (organisation code) check characters. */
describe('institution code', () => {
  it.each([
    ['91350100M000100Y43', null], // the standard's own example
    ['12100000400000624D', null], // a public institution (事业单位, "12")
    ['91110000802100433B', null],
    ['M000100Y-4', null], // the organisation code inside the first example, printed with its hyphen
    ['91350100M000100Y44', 'INSTITUTION_CODE_CHECK'], // last character changed
    ['91350100M000100Y53', 'INSTITUTION_CODE_CHECK'], // the embedded organisation code's check changed
    ['12100000400000624', 'INSTITUTION_CODE_LENGTH'],
    ['1210000040000062', 'INSTITUTION_CODE_LENGTH'],
    ['91350100M00010OY43', 'INSTITUTION_CODE_CHARACTERS'], // letter O is never used
    ['M000100Y-5', 'INSTITUTION_CODE_CHECK'],
    ['M000100*4', 'INSTITUTION_CODE_CHARACTERS'],
  ])('%s → %s', (input, problem) => {
    expect(institutionCodeProblem(normalizeInstitutionCode(input))).toBe(problem);
  });

  it('normalizes spaces, hyphens and case', () => {
    expect(normalizeInstitutionCode(' 9135 0100-m000 100y43 ')).toBe('91350100M000100Y43');
  });
});
