/**
 * 公民身份号码 (GB 11643-1999): 6-digit address code (GB/T 2260) + birth date yyyymmdd + 3-digit sequence
 * (odd = male, even = female) + one check character (ISO 7064 MOD 11-2).
 *
 * Level of region checking (documented choice, no county table is bundled):
 * - digits 1–2 must be one of the 34 province-level codes of GB/T 2260 (31 mainland + 71 台湾 + 81 香港 + 82 澳门),
 *   or 83, the address code of 台湾居民居住证 numbers (港澳台居民居住证申领发放办法, 2018);
 * - 71/81/82/83 are not subdivided, so the whole address code must be 710000/810000/820000/830000;
 * - on the mainland digits 3–4 (prefecture) are never 00, and digits 5–6 (county) are 00 only for the prefecture-level
 *   cities that have no counties or districts (东莞, 中山, 嘉峪关, 儋州, 三沙 — the list below).
 * A well-formed code that names a county which does not exist (or no longer exists: numbers are never reissued when
 * counties merge) passes; the check character catches typing errors there.
 *
 * Messages are machine codes with parameters; the renderer translates them (locales/<lang>/clinic-rules.json,
 * keys `idCard.<code>`).
 */

import { daysInMonth, isIsoDate, type IsoDate } from './dates';

export interface Province {
  code: string;
  zh: string;
  en: string;
}

/** GB/T 2260 province-level divisions (34). */
export const PROVINCES: readonly Province[] = [
  { code: '11', zh: '北京市', en: 'Beijing' },
  { code: '12', zh: '天津市', en: 'Tianjin' },
  { code: '13', zh: '河北省', en: 'Hebei' },
  { code: '14', zh: '山西省', en: 'Shanxi' },
  { code: '15', zh: '内蒙古自治区', en: 'Inner Mongolia' },
  { code: '21', zh: '辽宁省', en: 'Liaoning' },
  { code: '22', zh: '吉林省', en: 'Jilin' },
  { code: '23', zh: '黑龙江省', en: 'Heilongjiang' },
  { code: '31', zh: '上海市', en: 'Shanghai' },
  { code: '32', zh: '江苏省', en: 'Jiangsu' },
  { code: '33', zh: '浙江省', en: 'Zhejiang' },
  { code: '34', zh: '安徽省', en: 'Anhui' },
  { code: '35', zh: '福建省', en: 'Fujian' },
  { code: '36', zh: '江西省', en: 'Jiangxi' },
  { code: '37', zh: '山东省', en: 'Shandong' },
  { code: '41', zh: '河南省', en: 'Henan' },
  { code: '42', zh: '湖北省', en: 'Hubei' },
  { code: '43', zh: '湖南省', en: 'Hunan' },
  { code: '44', zh: '广东省', en: 'Guangdong' },
  { code: '45', zh: '广西壮族自治区', en: 'Guangxi' },
  { code: '46', zh: '海南省', en: 'Hainan' },
  { code: '50', zh: '重庆市', en: 'Chongqing' },
  { code: '51', zh: '四川省', en: 'Sichuan' },
  { code: '52', zh: '贵州省', en: 'Guizhou' },
  { code: '53', zh: '云南省', en: 'Yunnan' },
  { code: '54', zh: '西藏自治区', en: 'Xizang (Tibet)' },
  { code: '61', zh: '陕西省', en: 'Shaanxi' },
  { code: '62', zh: '甘肃省', en: 'Gansu' },
  { code: '63', zh: '青海省', en: 'Qinghai' },
  { code: '64', zh: '宁夏回族自治区', en: 'Ningxia' },
  { code: '65', zh: '新疆维吾尔自治区', en: 'Xinjiang' },
  { code: '71', zh: '台湾省', en: 'Taiwan' },
  { code: '81', zh: '香港特别行政区', en: 'Hong Kong' },
  { code: '82', zh: '澳门特别行政区', en: 'Macao' },
];

/** 台湾居民居住证 numbers use address code 830000; it is not a GB/T 2260 province, so it lives apart. */
export const RESIDENCE_PERMIT_TAIWAN: Province = { code: '83', zh: '台湾（居住证）', en: 'Taiwan (residence permit)' };

/** Address codes that are a whole region with no subdivision in GB/T 2260. */
const UNSUBDIVIDED_PROVINCES = new Set(['71', '81', '82', '83']);

/** 不设区的地级市: residents' address code is the city's own xxxx00 code. */
export const COUNTYLESS_PREFECTURE_CITIES: Readonly<Record<string, string>> = {
  '441900': '东莞市',
  '442000': '中山市',
  '460300': '三沙市',
  '460400': '儋州市',
  '620200': '嘉峪关市',
};

const PROVINCE_BY_CODE = new Map<string, Province>([...PROVINCES, RESIDENCE_PERMIT_TAIWAN].map((province) => [province.code, province]));

export function provinceByCode(code: string): Province | undefined {
  return PROVINCE_BY_CODE.get(code);
}

/** Birth dates before this are refused: no resident registered today was born earlier. */
export const EARLIEST_BIRTH_DATE: IsoDate = '1900-01-01';

export const RESIDENT_ID_ERROR_CODES = [
  'ID_EMPTY',
  'ID_LEGACY_15',
  'ID_LENGTH',
  'ID_CHARACTER',
  'ID_REGION_PROVINCE',
  'ID_REGION_NOT_SUBDIVIDED',
  'ID_REGION_PREFECTURE',
  'ID_REGION_COUNTY',
  'ID_BIRTH_MONTH',
  'ID_BIRTH_DAY',
  'ID_BIRTH_BEFORE_1900',
  'ID_BIRTH_FUTURE',
  'ID_CHECKSUM',
] as const;

export type ResidentIdErrorCode = (typeof RESIDENT_ID_ERROR_CODES)[number];

/** Positions are 1-based, as printed on the card and said to the patient ("第18位"). */
export type ResidentIdError =
  | { code: 'ID_EMPTY' }
  | { code: 'ID_LEGACY_15' }
  | { code: 'ID_LENGTH'; length: number }
  | { code: 'ID_CHARACTER'; position: number; char: string }
  | { code: 'ID_REGION_PROVINCE'; provinceCode: string }
  | { code: 'ID_REGION_NOT_SUBDIVIDED'; regionCode: string; expected: string; province: string }
  | { code: 'ID_REGION_PREFECTURE'; regionCode: string; province: string }
  | { code: 'ID_REGION_COUNTY'; regionCode: string; province: string }
  | { code: 'ID_BIRTH_MONTH'; month: string }
  | { code: 'ID_BIRTH_DAY'; year: number; month: number; day: string; daysInMonth: number }
  | { code: 'ID_BIRTH_BEFORE_1900'; birthDate: IsoDate; earliest: IsoDate }
  | { code: 'ID_BIRTH_FUTURE'; birthDate: IsoDate; today: IsoDate }
  | { code: 'ID_CHECKSUM'; expected: string; actual: string };

export type Sex = 'M' | 'F';

export interface ResidentIdInfo {
  ok: true;
  /** 18 ASCII characters, check character upper-case. */
  normalized: string;
  birthDate: IsoDate;
  sex: Sex;
  regionCode: string;
  province: Province;
}

export type ResidentIdResult = ResidentIdInfo | { ok: false; errors: ResidentIdError[] };

// ISO 7064 MOD 11-2: weight of position i (1-based, left to right) is 2^(18−i) mod 11.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
// Indexed by (Σ digit·weight) mod 11; chosen so that the full 18-character sum is ≡ 1 (mod 11).
const CHECK_CHARACTERS = '10X98765432';

function isDigit(char: string): boolean {
  return char >= '0' && char <= '9';
}

function allDigits(text: string): boolean {
  for (const char of text) if (!isDigit(char)) return false;
  return true;
}

/** The check character for the first 17 digits. */
export function checkCharacter(first17: string): string {
  if (first17.length !== 17 || !allDigits(first17)) {
    throw new RangeError(`expected 17 digits, got ${JSON.stringify(first17)}`);
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i];
  return CHECK_CHARACTERS[sum % 11];
}

/**
 * What the clerk typed, as the number it means: NFKC turns full-width digits and Ｘ (Chinese IME input) into ASCII,
 * white space anywhere is dropped (numbers are often read out and typed in groups), and x becomes X.
 */
export function normalizeResidentIdInput(raw: string): string {
  return raw.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
}

function checkCharacters(id: string): ResidentIdError[] {
  const errors: ResidentIdError[] = [];
  for (let i = 0; i < 17; i++) {
    if (!isDigit(id[i])) errors.push({ code: 'ID_CHARACTER', position: i + 1, char: id[i] });
  }
  if (!isDigit(id[17]) && id[17] !== 'X') errors.push({ code: 'ID_CHARACTER', position: 18, char: id[17] });
  return errors;
}

function checkRegion(regionCode: string): ResidentIdError[] {
  const provinceCode = regionCode.slice(0, 2);
  const province = provinceByCode(provinceCode);
  if (!province) return [{ code: 'ID_REGION_PROVINCE', provinceCode }];
  if (UNSUBDIVIDED_PROVINCES.has(provinceCode)) {
    const expected = `${provinceCode}0000`;
    return regionCode === expected ? [] : [{ code: 'ID_REGION_NOT_SUBDIVIDED', regionCode, expected, province: province.zh }];
  }
  if (regionCode.slice(2, 4) === '00') return [{ code: 'ID_REGION_PREFECTURE', regionCode, province: province.zh }];
  if (regionCode.slice(4, 6) === '00' && !(regionCode in COUNTYLESS_PREFECTURE_CITIES)) {
    return [{ code: 'ID_REGION_COUNTY', regionCode, province: province.zh }];
  }
  return [];
}

function checkBirthDate(yyyymmdd: string, today: IsoDate): ResidentIdError[] {
  const year = Number(yyyymmdd.slice(0, 4));
  const monthText = yyyymmdd.slice(4, 6);
  const dayText = yyyymmdd.slice(6, 8);
  const month = Number(monthText);
  if (month < 1 || month > 12) return [{ code: 'ID_BIRTH_MONTH', month: monthText }];
  const monthLength = daysInMonth(year, month);
  const day = Number(dayText);
  if (day < 1 || day > monthLength) {
    return [{ code: 'ID_BIRTH_DAY', year, month, day: dayText, daysInMonth: monthLength }];
  }
  const birthDate = `${yyyymmdd.slice(0, 4)}-${monthText}-${dayText}`;
  if (birthDate < EARLIEST_BIRTH_DATE) {
    return [{ code: 'ID_BIRTH_BEFORE_1900', birthDate, earliest: EARLIEST_BIRTH_DATE }];
  }
  if (birthDate > today) return [{ code: 'ID_BIRTH_FUTURE', birthDate, today }];
  return [];
}

/**
 * Checks every part of an 18-character number and reports each wrong part (region, birth date and check character
 * are judged independently, so one typo in the date does not hide a wrong region code).
 * `today` is the clinic's calendar date (`chinaLocalDate(new Date())` from ./dates).
 */
export function parseResidentId(raw: string, today: IsoDate): ResidentIdResult {
  if (!isIsoDate(today)) throw new RangeError(`today must be an ISO date (yyyy-mm-dd), got ${JSON.stringify(today)}`);
  const id = normalizeResidentIdInput(raw);
  if (id.length === 0) return { ok: false, errors: [{ code: 'ID_EMPTY' }] };
  if (id.length === 15 && allDigits(id)) return { ok: false, errors: [{ code: 'ID_LEGACY_15' }] };
  if (id.length !== 18) return { ok: false, errors: [{ code: 'ID_LENGTH', length: id.length }] };

  const errors = checkCharacters(id);
  const regionCode = id.slice(0, 6);
  const birthDigits = id.slice(6, 14);
  if (allDigits(regionCode)) errors.push(...checkRegion(regionCode));
  if (allDigits(birthDigits)) errors.push(...checkBirthDate(birthDigits, today));
  const first17 = id.slice(0, 17);
  if (allDigits(first17) && (isDigit(id[17]) || id[17] === 'X')) {
    const expected = checkCharacter(first17);
    if (expected !== id[17]) errors.push({ code: 'ID_CHECKSUM', expected, actual: id[17] });
  }
  if (errors.length > 0) return { ok: false, errors: errors.sort(byPosition) };

  return {
    ok: true,
    normalized: id,
    birthDate: `${birthDigits.slice(0, 4)}-${birthDigits.slice(4, 6)}-${birthDigits.slice(6, 8)}`,
    sex: (id.charCodeAt(16) - 48) % 2 === 1 ? 'M' : 'F',
    regionCode,
    province: provinceByCode(regionCode.slice(0, 2)) as Province,
  };
}

const FIRST_POSITION: Record<ResidentIdErrorCode, number> = {
  ID_EMPTY: 0,
  ID_LEGACY_15: 0,
  ID_LENGTH: 0,
  ID_CHARACTER: 0, // by its own position, below
  ID_REGION_PROVINCE: 1,
  ID_REGION_NOT_SUBDIVIDED: 3,
  ID_REGION_PREFECTURE: 3,
  ID_REGION_COUNTY: 5,
  ID_BIRTH_MONTH: 11,
  ID_BIRTH_DAY: 13,
  ID_BIRTH_BEFORE_1900: 7,
  ID_BIRTH_FUTURE: 7,
  ID_CHECKSUM: 18,
};

/** Errors in reading order, so the list matches the number left to right. */
function byPosition(a: ResidentIdError, b: ResidentIdError): number {
  const position = (error: ResidentIdError) => (error.code === 'ID_CHARACTER' ? error.position : FIRST_POSITION[error.code]);
  return position(a) - position(b);
}

/**
 * Builds a valid number (seed tool, tests). `seq` is the 3-digit 顺序码: odd for a man, even for a woman.
 * Throws on malformed input; it does not judge whether the region exists (use parseResidentId for that).
 */
export function makeResidentId(regionCode: string, birthDate: IsoDate, seq: number): string {
  if (!/^\d{6}$/.test(regionCode)) throw new RangeError(`region code must be 6 digits, got ${JSON.stringify(regionCode)}`);
  if (!isIsoDate(birthDate)) throw new RangeError(`birth date must be yyyy-mm-dd, got ${JSON.stringify(birthDate)}`);
  if (!Number.isInteger(seq) || seq < 0 || seq > 999) throw new RangeError(`sequence must be 0–999, got ${seq}`);
  const first17 = `${regionCode}${birthDate.replaceAll('-', '')}${String(seq).padStart(3, '0')}`;
  return first17 + checkCharacter(first17);
}

/** Sex encoded by a 顺序码: odd = male, even = female (GB 11643). */
export function sexOfSequence(seq: number): Sex {
  return seq % 2 === 1 ? 'M' : 'F';
}
