/**
 * Search keys for people's names and the one-box search classifier.
 *
 * pinyin-pro is pure JavaScript (its dist imports only its own modules and touches no Node or DOM API), so it is
 * safe in shared/: the renderer and main compute identical keys.
 *
 * Keys are lower-case ASCII without tones, ü written v (as every Chinese IME types it: 吕 → lv, 略 → lve), so that a
 * `LIKE 'x%'` over an ASCII column is all a search needs.
 */

import { pinyin } from 'pinyin-pro';

export interface NameSearchKeys {
  /** Syllables run together: 张三 → zhangsan. */
  full: string;
  /** First letter of each syllable: 张三 → zs (zh/ch/sh count as one letter, as clinic staff type them). */
  initials: string;
  /** Syllables separated by single spaces: 张三 → zhang san. */
  fullSpaced: string;
  /**
   * The keys under the everyday reading when the surname's own reading differs (曾 zeng vs ceng, 单 shan vs dan):
   * staff who do not know the surname reading type the common one, and should still find the patient.
   */
  alternate?: { full: string; initials: string };
  /** Characters that have no pinyin in the dictionary (rare 生僻字): they are left out of the keys. */
  unconverted?: string[];
}

/**
 * Surname readings pinyin-pro's surname table lacks. Only single characters that, at the head of a name, are read
 * this way as a surname (种师道 Chóng, 祭仲 Zhài, 秘 Bì, 洗 Xiǎn).
 */
const SURNAME_READING_FIXES: Readonly<Record<string, string>> = {
  种: 'chong',
  祭: 'zhai',
  秘: 'bi',
  洗: 'xian',
};

// Middle dots in transliterated minority and foreign names (买买提·艾力), and other separators people type.
const NAME_SEPARATORS = /[\s·•・‧.\-_'’]/gu;
const LATIN_RUN = /[a-z]+/g;

interface Syllables {
  syllables: string[];
  unconverted: string[];
}

/** Tone marks and ü dropped to plain ASCII; pinyin-pro's `v` option already wrote ü as v. */
export function toAscii(syllable: string): string {
  return syllable
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}

function syllablesOf(text: string, surnameMode: boolean): Syllables {
  const items = pinyin(text, {
    toneType: 'none',
    type: 'all',
    v: true,
    ...(surnameMode ? { mode: 'surname' as const, surname: 'head' as const } : {}),
  });
  const syllables: string[] = [];
  const unconverted: string[] = [];
  let latin = '';
  const flushLatin = () => {
    for (const run of latin.toLowerCase().match(LATIN_RUN) ?? []) syllables.push(run);
    latin = '';
  };
  for (const item of items) {
    if (item.isZh) {
      flushLatin();
      const ascii = toAscii(item.pinyin);
      if (ascii) syllables.push(ascii);
      continue;
    }
    if (/^[a-z]$/i.test(item.origin)) {
      latin += item.origin;
      continue;
    }
    flushLatin();
    if (/\p{Script=Han}/u.test(item.origin)) unconverted.push(item.origin);
  }
  flushLatin();
  return { syllables, unconverted };
}

function applySurnameFix(name: string, syllables: string[]): string[] {
  const fix = SURNAME_READING_FIXES[name[0]];
  return fix && name.length >= 2 && syllables.length > 0 ? [fix, ...syllables.slice(1)] : syllables;
}

/** The name as staff type it: NFKC folds full-width letters, separators go. */
export function normalizeName(name: string): string {
  return name.normalize('NFKC').replace(NAME_SEPARATORS, '');
}

export function nameSearchKeys(name: string): NameSearchKeys {
  // Separators stay in for pinyin-pro: they end a latin word (Zhang Wei → zhang, wei) and are dropped there.
  const normalized = name.normalize('NFKC').trim();
  const surname = syllablesOf(normalized, true);
  const syllables = applySurnameFix(normalized, surname.syllables);
  const keys: NameSearchKeys = {
    full: syllables.join(''),
    initials: syllables.map((syllable) => syllable[0]).join(''),
    fullSpaced: syllables.join(' '),
  };
  const everyday = syllablesOf(normalized, false).syllables;
  const everydayFull = everyday.join('');
  if (everydayFull !== keys.full) {
    keys.alternate = { full: everydayFull, initials: everyday.map((syllable) => syllable[0]).join('') };
  }
  if (surname.unconverted.length > 0) keys.unconverted = surname.unconverted;
  return keys;
}

// ---------------------------------------------------------------------------------------------------------------
// One-box search

export type SearchQueryKind = 'empty' | 'idFull' | 'idSuffix' | 'phone' | 'healthCard' | 'pinyin' | 'hanzi';

export const SEARCH_QUERY_KINDS: readonly SearchQueryKind[] = ['empty', 'idFull', 'idSuffix', 'phone', 'healthCard', 'pinyin', 'hanzi'];

export interface SearchQuery {
  kind: SearchQueryKind;
  /**
   * The text to search with: ID numbers upper-case without spaces, phone digits, pinyin lower-case ASCII with ü as v
   * and no spaces or apostrophes, hanzi names without separators.
   */
  text: string;
}

// 居民身份证 printed last 6 characters, the usual way a patient is looked up at the desk.
const ID_SUFFIX = /^(?:\d{6}|\d{5}X)$/;
const ID_FULL = /^\d{17}[\dX]$/;
// Mainland mobile numbers: 11 digits, first digit 1 (YD/T numbering plan).
const MOBILE = /^1\d{10}$/;
// Card numbers (居民健康卡, 社保卡, 医保卡) are digit strings or letters followed by digits; anything else with a digit.
const CARD_NUMBER = /^[0-9A-Z]*\d[0-9A-Z]*$/;
const PINYIN = /^[a-zv]+$/;
const HAN = /\p{Script=Han}/u;

function compact(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, '');
}

/** ü typed as u: (from IMEs that offer it) or ü itself becomes v, as in the keys; syllable apostrophes go. */
function normalizePinyinQuery(text: string): string {
  return text.toLowerCase().replace(/u:|ü/g, 'v').replace(/['’]/g, '');
}

export function parseSearchQuery(raw: string): SearchQuery {
  const text = compact(raw);
  if (text.length === 0) return { kind: 'empty', text: '' };
  if (HAN.test(text)) return { kind: 'hanzi', text: normalizeName(text) };
  const upper = text.toUpperCase();
  if (ID_FULL.test(upper)) return { kind: 'idFull', text: upper };
  if (ID_SUFFIX.test(upper)) return { kind: 'idSuffix', text: upper };
  if (MOBILE.test(text)) return { kind: 'phone', text };
  if (CARD_NUMBER.test(upper)) return { kind: 'healthCard', text: upper };
  const pinyinText = normalizePinyinQuery(text);
  if (PINYIN.test(pinyinText)) return { kind: 'pinyin', text: pinyinText };
  const withoutPunctuation = text.replace(/[^\p{L}\p{N}]/gu, '');
  return withoutPunctuation.length === 0 ? { kind: 'empty', text: '' } : parseSearchQuery(withoutPunctuation);
}

export function classifySearchQuery(raw: string): SearchQueryKind {
  return parseSearchQuery(raw).kind;
}

/**
 * Whether a pinyin query finds a name: a prefix of the full spelling (zhangs → 张三) or of the initials (zs), under
 * the surname reading or the everyday one.
 */
export function pinyinMatchesName(keys: NameSearchKeys, query: string): boolean {
  const text = normalizePinyinQuery(compact(query));
  if (text.length === 0) return false;
  const candidates = [keys.full, keys.initials];
  if (keys.alternate) candidates.push(keys.alternate.full, keys.alternate.initials);
  return candidates.some((key) => key.startsWith(text));
}
