/**
 * One-box ICD-10 search for the clinic's diagnosis field: by code prefix (i10, E11.9, e119), by hanzi substring
 * (糖尿病) or by pinyin (tnb, tangniao). Keys are precomputed (icd10-search-keys.json, see search-keys.ts), so this
 * module does not load pinyin-pro; a search is one pass over the list.
 */

import LIST from './icd10-primary-care.json';
import KEYS from './icd10-search-keys.json';

export interface Icd10Entry {
  code: string;
  name: string;
}

export type Icd10MatchKind = 'code' | 'name' | 'pinyin';

export interface Icd10Hit extends Icd10Entry {
  matchedBy: Icd10MatchKind;
}

interface IndexedEntry {
  entry: Icd10Entry;
  /** Code without the dot, upper-case: E11.9 → E119, so "e119" and "E11.9" find it alike. */
  compactCode: string;
  /** Pinyin without spaces, and where in it each syllable starts (a match may start only there). */
  full: string;
  syllableStarts: number[];
  initials: string;
  order: number;
}

export const ICD10_PRIMARY_CARE: readonly Icd10Entry[] = LIST;

const PINYIN_KEYS: Record<string, string[] | undefined> = KEYS;

function syllableStarts(syllables: string): number[] {
  const starts: number[] = [];
  let offset = 0;
  for (const syllable of syllables.split(' ')) {
    starts.push(offset);
    offset += syllable.length;
  }
  return starts;
}

const INDEX: readonly IndexedEntry[] = LIST.map((entry, order) => {
  const [syllables = '', initials = ''] = PINYIN_KEYS[entry.code] ?? [];
  return {
    entry,
    compactCode: entry.code.replace('.', ''),
    full: syllables.replaceAll(' ', ''),
    syllableStarts: syllableStarts(syllables),
    initials,
    order,
  };
});

const BY_CODE = new Map(LIST.map((entry) => [entry.code, entry]));

export function icd10ByCode(code: string): Icd10Entry | undefined {
  return BY_CODE.get(code.trim().toUpperCase());
}

// A letter and at least one digit: I1, E11, E11., E11.9, e119.
const CODE_QUERY = /^[A-Z]\d{1,3}\.?\d?$/;
const HAN = /\p{Script=Han}/u;
const PINYIN_QUERY = /^[a-z0-9]+$/;

type Scored = { indexed: IndexedEntry; score: number; matchedBy: Icd10MatchKind };

function scoreCode(indexed: IndexedEntry, compactQuery: string): number | undefined {
  if (indexed.compactCode === compactQuery) return 0;
  return indexed.compactCode.startsWith(compactQuery) ? 1 : undefined;
}

function scoreName(indexed: IndexedEntry, query: string): number | undefined {
  const { name } = indexed.entry;
  if (name === query) return 0;
  if (name.startsWith(query)) return 1;
  return name.includes(query) ? 2 : undefined;
}

/**
 * Initials before full spelling (staff type tnb far more often than tangniaobing), prefixes before inner matches.
 * An inner match of the full spelling must start on a syllable (niaob finds 糖尿病; gm does not find donG Mai).
 */
function scorePinyin(indexed: IndexedEntry, query: string): number | undefined {
  const { initials, full, syllableStarts: starts } = indexed;
  if (initials === query) return 0;
  if (initials.startsWith(query)) return 1;
  if (full.startsWith(query)) return 2;
  if (initials.includes(query)) return 3;
  return starts.some((start) => start > 0 && full.startsWith(query, start)) ? 4 : undefined;
}

/**
 * Codes that dominate township outpatient visits (the BPHS chronic diseases, respiratory and digestive infections,
 * pain, skin, check-ups and repeat prescriptions), most used first. A query that matches one of them lists it right
 * after an exact match, so 高血压 offers I10 before the rarer hypertensive heart and kidney disease codes. Our
 * choice, not a published ranking: pass a clinic's own most-used codes as `preferred` once usage data exists.
 */
export const DEFAULT_PREFERRED_CODES: readonly string[] = [
  'I10',
  'E11.9',
  'J06.9',
  'J00',
  'J20.9',
  'J18.9',
  'K29.5',
  'A09.9',
  'K52.9',
  'Z76.0',
  'Z00.0',
  'M54.5',
  'M17.9',
  'I25.1',
  'I63.9',
  'I69.3',
  'J44.9',
  'J45.9',
  'N39.0',
  'R50.9',
  'R05',
  'R51',
  'R42',
  'J02.9',
  'J03.9',
  'K29.7',
  'E78.5',
  'K59.0',
  'L30.9',
  'L50.9',
  'B02.9',
  'B08.4',
  'H10.9',
  'M47.8',
  'M51.2',
  'M75.0',
  'F51.0',
  'T14.1',
  'S93.4',
  'Z48.0',
  'E11.8',
  'I50.9',
  'K21.9',
  'K76.0',
  'M81.9',
  'D64.9',
  'G47.0',
  'F32.9',
  'N40',
  'E03.9',
];

function rankWith(preferred: ReadonlyMap<string, number>, kind: Icd10MatchKind) {
  const preference = (scored: Scored) => preferred.get(scored.indexed.entry.code) ?? preferred.size;
  // Codes list in code order (E11.0 … E11.9); names by length, the shorter being the more general diagnosis.
  const nameLength = (scored: Scored) => (kind === 'code' ? 0 : scored.indexed.entry.name.length);
  return (a: Scored, b: Scored): number =>
    Number(a.score !== 0) - Number(b.score !== 0) ||
    preference(a) - preference(b) ||
    a.score - b.score ||
    nameLength(a) - nameLength(b) ||
    a.indexed.order - b.indexed.order;
}

const DEFAULT_PREFERENCE = new Map(DEFAULT_PREFERRED_CODES.map((code, rank) => [code, rank]));

function classify(query: string): { kind: Icd10MatchKind; text: string } | undefined {
  if (HAN.test(query)) return { kind: 'name', text: query };
  const upper = query.toUpperCase();
  if (CODE_QUERY.test(upper)) return { kind: 'code', text: upper.replace('.', '') };
  const lower = query
    .toLowerCase()
    .replace(/ü|u:/g, 'v')
    .replace(/[^a-z0-9]/g, '');
  return PINYIN_QUERY.test(lower) ? { kind: 'pinyin', text: lower } : undefined;
}

export interface Icd10SearchOptions {
  /** Codes to list first among the matches, most used first (default DEFAULT_PREFERRED_CODES). */
  preferred?: readonly string[];
}

/**
 * Best matches first: an exact match (code, name or initials), then preferred codes, then prefix before inner
 * matches; ties go to code order for code queries, otherwise to the shorter (more general) name, then code order.
 */
export function searchIcd10(query: string, limit = 20, options: Icd10SearchOptions = {}): Icd10Hit[] {
  const text = query.normalize('NFKC').replace(/\s+/g, '');
  if (text.length === 0 || limit <= 0) return [];
  const parsed = classify(text);
  if (!parsed) return [];
  const score = parsed.kind === 'code' ? scoreCode : parsed.kind === 'name' ? scoreName : scorePinyin;
  const hits: Scored[] = [];
  for (const indexed of INDEX) {
    const value = score(indexed, parsed.text);
    if (value !== undefined) hits.push({ indexed, score: value, matchedBy: parsed.kind });
  }
  const preferred = options.preferred ? new Map(options.preferred.map((code, rank) => [code, rank])) : DEFAULT_PREFERENCE;
  hits.sort(rankWith(preferred, parsed.kind));
  return hits.slice(0, limit).map(({ indexed, matchedBy }) => ({ ...indexed.entry, matchedBy }));
}
