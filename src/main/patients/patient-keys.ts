import { nameSearchKeys, normalizeName } from '../../shared/pinyin-keys';
import type { NewPatientRow } from './repository';

/** The precomputed search columns of one patient row. */
export type PatientSearchColumns = Required<
  Pick<NewPatientRow, 'name' | 'givenName' | 'pinyinFull' | 'pinyinInitials' | 'pinyinAltFull' | 'pinyinAltInitials'>
>;

// Compound surnames whose given name starts at the third character.
const COMPOUND_SURNAMES = new Set([
  '欧阳',
  '司马',
  '上官',
  '诸葛',
  '东方',
  '皇甫',
  '尉迟',
  '公孙',
  '慕容',
  '长孙',
  '宇文',
  '司徒',
  '夏侯',
  '令狐',
  '万俟',
  '端木',
  '独孤',
  '南宫',
  '西门',
  '呼延',
  '澹台',
  '公冶',
  '轩辕',
  '钟离',
  '闻人',
  '赫连',
  '申屠',
  '太史',
  '东郭',
  '百里',
]);

export function givenNameOf(name: string): string {
  if (name.length > 2 && COMPOUND_SURNAMES.has(name.slice(0, 2))) return name.slice(2);
  return name.length > 1 ? name.slice(1) : name;
}

export function searchColumnsFor(rawName: string): PatientSearchColumns {
  const name = normalizeName(rawName);
  const keys = nameSearchKeys(name);
  return {
    name,
    givenName: givenNameOf(name),
    pinyinFull: keys.full,
    pinyinInitials: keys.initials,
    pinyinAltFull: keys.alternate?.full ?? null,
    pinyinAltInitials: keys.alternate?.initials ?? null,
  };
}

/**
 * [low, high) bounds for "starts with prefix" as an index range scan. Code-point order equals SQLite's BINARY
 * (UTF-8 byte) order, so bumping the last code point gives the exclusive upper bound.
 */
export function prefixRange(prefix: string): [string, string] {
  const cps = [...prefix];
  const last = cps.pop()!;
  return [prefix, cps.join('') + String.fromCodePoint(last.codePointAt(0)! + 1)];
}
