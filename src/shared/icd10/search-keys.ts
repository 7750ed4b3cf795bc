/**
 * Pinyin search keys for ICD-10 names, computed ahead of time into icd10-search-keys.json.
 *
 * Measured here (Node 20, 765 names, see README.md): converting every name with pinyin-pro at module load costs
 * 250–450 ms (pinyin-pro's own import adds 90–210 ms); parsing the generated 30 KB JSON costs under 1 ms warm and
 * about 16 ms cold, and keeps pinyin-pro out of the search module altogether. So the keys are generated, and
 * test/shared/icd10-keys.test.ts fails when the JSON no longer matches the list (`npx vitest run -u` rewrites it).
 */

import { pinyin } from 'pinyin-pro';
import { toAscii } from '../pinyin-keys';

export interface NameKeys {
  /** Syllables separated by one space, ASCII, ü as v: 糖尿病 → tang niao bing (spaces mark where a match may start). */
  syllables: string;
  /** First letter of each syllable; digits and latin abbreviations whole: 2型糖尿病 → 2xtnb, [HIV] → hiv. */
  initials: string;
}

/**
 * Medical words pinyin-pro reads with a reading the dictionaries of the field do not use. 荨麻疹 is xún má zhěn
 * (现代汉语词典, 7th ed.), although the plant 荨麻 alone is qián má.
 */
const WORD_READINGS: Readonly<Record<string, readonly string[]>> = {
  荨麻疹: ['xun', 'ma', 'zhen'],
};
const FIXED_WORDS = new RegExp(`(${Object.keys(WORD_READINGS).join('|')})`, 'u');

interface Token {
  text: string;
  /** Han syllables contribute their first letter to the initials, digits and latin runs themselves. */
  initial: string;
}

function tokensOf(segment: string): Token[] {
  const fixed = WORD_READINGS[segment];
  if (fixed) return fixed.map((syllable) => ({ text: syllable, initial: syllable[0] }));
  const tokens: Token[] = [];
  let run = '';
  const flush = () => {
    if (run) tokens.push({ text: run, initial: run });
    run = '';
  };
  for (const item of pinyin(segment, { toneType: 'none', type: 'all', v: true })) {
    if (item.isZh) {
      flush();
      const syllable = toAscii(item.pinyin);
      if (syllable) tokens.push({ text: syllable, initial: syllable[0] });
    } else if (/^[0-9a-z]+$/i.test(item.origin)) {
      run += item.origin.toLowerCase();
    } else {
      flush(); // punctuation, brackets and spaces separate tokens and leave no trace
    }
  }
  flush();
  return tokens;
}

export function icd10NameKeys(name: string): NameKeys {
  const tokens = name.normalize('NFKC').split(FIXED_WORDS).filter(Boolean).flatMap(tokensOf);
  return { syllables: tokens.map((token) => token.text).join(' '), initials: tokens.map((token) => token.initial).join('') };
}

/** code → [syllables, initials], as stored in icd10-search-keys.json. */
export type Icd10SearchKeys = Record<string, [string, string]>;

export function buildIcd10SearchKeys(entries: readonly { code: string; name: string }[]): Icd10SearchKeys {
  const keys: Icd10SearchKeys = {};
  for (const { code, name } of entries) {
    const { syllables, initials } = icd10NameKeys(name);
    keys[code] = [syllables, initials];
  }
  return keys;
}

/** One entry per line, so a changed name shows as a one-line diff. */
export function formatIcd10SearchKeys(keys: Icd10SearchKeys): string {
  const lines = Object.entries(keys).map(([code, pair]) => `  ${JSON.stringify(code)}: ${JSON.stringify(pair)}`);
  return `{\n${lines.join(',\n')}\n}\n`;
}
