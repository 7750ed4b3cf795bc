/**
 * Synthetic residents of one township for the seed tool, demos and load tests. Deterministic for a seed, lazy (a
 * generator: 500 000 residents never sit in memory), every ID number valid under GB 11643 and unique.
 *
 * Nothing here describes real people. The region code 430599 has the shape of a 湖南 county code (province 43,
 * prefecture 05, county slot 99) but sits in a county slot that is not assigned as far as we know, so a generated
 * number should not be a real resident's. The township and village names are invented.
 *
 * Shapes, approximately (good enough to make search, lists and indicators behave as in a real clinic):
 * - ages: households built around a head whose age follows a rural age pyramid shaped like the 2020 census rural
 *   population (many 45–70-year-olds, fewer young adults), with spouses, children, left-behind grandchildren and
 *   elderly parents around them;
 * - surnames: the national frequency order (王 李 张 刘 陈 …), villages with a dominant lineage surname, and a few
 *   polyphonic (单 曾 解 仇 区 查 朴 盖) and compound (欧阳 司马 上官 诸葛 尉迟 长孙 万俟) surnames;
 * - hypertension in about a quarter and type 2 diabetes in about a tenth of residents aged ≥35, rising with age.
 */

import { civilToEpochDay, completedYears, fromEpochDay, parseIsoDate, type IsoDate } from '../../shared/dates';
import { makeResidentId } from '../../shared/resident-id';

export type Sex = 'M' | 'F';
export type HouseholdRole = 'head' | 'spouse' | 'child' | 'grandchild' | 'parent';

export interface SyntheticResident {
  residentId: string;
  name: string;
  sex: Sex;
  birthDate: IsoDate;
  /** Own mobile; children under 16 and some of the very old have none. */
  phone?: string;
  village: string;
  /** 镇 + 村 + 组 + 号. */
  address: string;
  householdId: string;
  role: HouseholdRole;
  hypertension: boolean;
  type2Diabetes: boolean;
}

export interface SyntheticOptions {
  /** The date ages are reckoned at; no one is born after it. Fixed by default so output depends on the seed only. */
  asOf?: IsoDate;
}

export const SYNTHETIC_REGION_CODE = '430599';
export const SYNTHETIC_TOWNSHIP = '清溪镇';
export const DEFAULT_AS_OF: IsoDate = '2025-01-01';

// ---------------------------------------------------------------------------------------------------------------
// Seeded randomness: splitmix32 to spread the seed, sfc32 for the stream (both small, fast and well-mixed).

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export function createRandom(seed: number): Random {
  const spread = splitmix32(seed);
  let a = spread();
  let b = spread();
  let c = spread();
  let d = spread();
  const nextUint32 = () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) nextUint32(); // discard the first outputs, as sfc32's author advises
  return {
    next: () => nextUint32() / 4294967296,
    int: (n: number) => Math.floor((nextUint32() / 4294967296) * n),
  };
}

/** Picks by weight; weights need not sum to 1. */
export class WeightedTable<T> {
  private readonly cumulative: number[] = [];
  private readonly values: T[] = [];
  private total = 0;

  constructor(entries: readonly (readonly [T, number])[]) {
    for (const [value, weight] of entries) {
      if (!(weight > 0)) continue;
      this.total += weight;
      this.cumulative.push(this.total);
      this.values.push(value);
    }
    if (this.values.length === 0) throw new RangeError('a weighted table needs a positive weight');
  }

  pick(random: Random): T {
    const target = random.next() * this.total;
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.cumulative[mid] > target) high = mid;
      else low = mid + 1;
    }
    return this.values[low];
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Data

/**
 * Per-mille shares of the most common surnames in the national household register (公安部 2020 ranking, rounded),
 * then uncommon ones that matter for search (polyphonic and compound surnames) at small weights.
 */
const SURNAMES: readonly (readonly [string, number])[] = [
  ['王', 71],
  ['李', 70],
  ['张', 68],
  ['刘', 54],
  ['陈', 46],
  ['杨', 31],
  ['黄', 24],
  ['赵', 23],
  ['吴', 20],
  ['周', 19],
  ['徐', 14],
  ['孙', 14],
  ['马', 12],
  ['朱', 12],
  ['胡', 11],
  ['郭', 11],
  ['何', 10],
  ['林', 10],
  ['高', 10],
  ['罗', 9],
  ['郑', 8],
  ['梁', 8],
  ['谢', 7],
  ['宋', 6],
  ['唐', 6],
  ['许', 6],
  ['韩', 6],
  ['冯', 6],
  ['邓', 6],
  ['曹', 5],
  ['彭', 5],
  ['曾', 5],
  ['肖', 5],
  ['田', 5],
  ['董', 5],
  ['袁', 5],
  ['潘', 4],
  ['于', 4],
  ['蒋', 4],
  ['蔡', 4],
  ['余', 4],
  ['杜', 4],
  ['叶', 4],
  ['程', 4],
  ['苏', 3],
  ['魏', 3],
  ['吕', 3],
  ['丁', 3],
  ['任', 3],
  ['沈', 3],
  ['姚', 3],
  ['卢', 3],
  ['姜', 3],
  ['崔', 3],
  ['钟', 3],
  ['谭', 3],
  ['陆', 3],
  ['汪', 3],
  ['范', 3],
  ['金', 3],
  ['石', 3],
  ['廖', 3],
  ['贾', 3],
  ['夏', 2],
  ['韦', 2],
  ['付', 2],
  ['方', 2],
  ['白', 2],
  ['邹', 2],
  ['孟', 2],
  ['熊', 2],
  ['秦', 2],
  ['邱', 2],
  ['江', 2],
  ['尹', 2],
  ['薛', 2],
  ['闫', 2],
  ['段', 2],
  ['雷', 2],
  ['侯', 2],
  ['龙', 2],
  ['史', 2],
  ['陶', 2],
  ['黎', 2],
  ['贺', 2],
  ['顾', 2],
  ['毛', 2],
  ['郝', 2],
  ['龚', 2],
  ['邵', 2],
  ['万', 2],
  ['钱', 2],
  ['严', 2],
  ['武', 2],
  ['戴', 2],
  ['覃', 1.5],
  ['翟', 1],
  ['单', 0.5],
  ['缪', 0.3],
  ['解', 0.3],
  ['仇', 0.3],
  ['查', 0.3],
  ['区', 0.2],
  ['朴', 0.2],
  ['盖', 0.2],
  ['乐', 0.2],
  ['欧阳', 0.5],
  ['司马', 0.1],
  ['上官', 0.1],
  ['东方', 0.05],
  ['皇甫', 0.05],
  ['令狐', 0.05],
  ['诸葛', 0.05],
  ['尉迟', 0.02],
  ['长孙', 0.02],
  ['万俟', 0.01],
];

/** Villages of the township; a lineage village (张家湾) has a dominant surname. */
export const SYNTHETIC_VILLAGES: readonly { name: string; lineage?: string }[] = [
  { name: '张家湾村', lineage: '张' },
  { name: '李家庄村', lineage: '李' },
  { name: '王家坪村', lineage: '王' },
  { name: '刘家坝村', lineage: '刘' },
  { name: '陈家冲村', lineage: '陈' },
  { name: '曾家垅村', lineage: '曾' },
  { name: '石桥村' },
  { name: '柳树村' },
  { name: '新民村' },
  { name: '红星村' },
  { name: '大塘村' },
  { name: '青山村' },
  { name: '白沙村' },
  { name: '长岭村' },
  { name: '龙井村' },
  { name: '桃源村' },
  { name: '双河村' },
  { name: '马鞍村' },
  { name: '荷塘村' },
  { name: '枫树村' },
];
const LINEAGE_SHARE = 0.35;

/**
 * Weights of 5-year age bands (0–4 … 95–99), a rural age pyramid in the shape of the 2020 census rural population:
 * a bulge at 45–69, thin young adulthood (registered but working away), an ageing top.
 */
const AGE_BANDS: readonly number[] = [4.5, 5.5, 5.5, 5.0, 4.0, 4.0, 5.5, 6.0, 6.0, 7.5, 9.0, 8.5, 6.5, 7.0, 5.5, 3.5, 2.3, 1.2, 0.4, 0.1];

type Era = 'before1960' | 'from1960' | 'from1990';

// Given-name characters by birth era and sex; two-character classics of each era alongside.
const GIVEN_CHARACTERS: Record<Era, Record<Sex, string>> = {
  before1960: {
    M: '德福贵富财发根生山林明华国家有成金宝树春荣祥庆忠志文云',
    F: '秀英兰珍芳梅凤玉桂花翠菊素月琴娥香莲淑芝',
  },
  from1960: {
    M: '伟强军勇杰涛斌超明刚平辉鹏华飞鑫波磊峰建志海东永红卫国',
    F: '丽敏静燕艳娟霞芳红玲萍华梅雪琴英慧晓丹莉颖',
  },
  from1990: {
    M: '浩宇轩博文俊杰睿涵泽豪航然晨阳铭嘉鸣子一凯毅瑞',
    F: '欣怡涵桐悦琪婷雪馨萱诗雨佳思可梓若瑶琳妍蕊',
  },
};

const CLASSIC_GIVEN_NAMES: Record<Era, Record<Sex, readonly string[]>> = {
  before1960: {
    M: ['建国', '国庆', '德明', '福生', '长根', '金山', '有才', '解放', '跃进', '援朝'],
    F: ['秀英', '桂英', '玉兰', '桂兰', '秀兰', '凤英', '淑珍', '玉珍', '翠花', '桂芳'],
  },
  from1960: {
    M: ['建华', '建军', '志强', '海涛', '小龙', '永刚', '卫东', '红军', '国强', '建平'],
    F: ['丽华', '红梅', '海燕', '春梅', '晓燕', '丽娟', '美玲', '雪梅', '小红', '秀梅'],
  },
  from1990: {
    M: ['子轩', '浩然', '宇航', '梓豪', '俊杰', '一鸣', '晨阳', '嘉豪', '子豪', '浩宇'],
    F: ['欣怡', '梓涵', '诗涵', '雨桐', '子涵', '佳怡', '思涵', '可欣', '雨欣', '一诺'],
  },
};

/** Share of one-character given names by era (common in the 1960s–80s, rare again now). */
const SINGLE_CHARACTER_SHARE: Record<Era, number> = { before1960: 0.3, from1960: 0.4, from1990: 0.15 };

/** Mobile number blocks of the three operators (13x, 15x, 18x, 19x). */
const MOBILE_PREFIXES: readonly string[] = [
  '130',
  '131',
  '132',
  '133',
  '134',
  '135',
  '136',
  '137',
  '138',
  '139',
  '150',
  '151',
  '152',
  '153',
  '155',
  '156',
  '157',
  '158',
  '159',
  '180',
  '181',
  '182',
  '183',
  '184',
  '185',
  '186',
  '187',
  '188',
  '189',
  '191',
  '193',
  '195',
  '196',
  '197',
  '198',
  '199',
];

/**
 * Probability by age (≥35 only; these flags seed BPHS follow-up, which starts at 35), chosen so that about 25 %
 * (hypertension) and 10 % (type 2 diabetes) of residents ≥35 carry the flag under the pyramid above. Diabetes is
 * likelier with hypertension, as in the clinic.
 */
const HYPERTENSION_BY_AGE: readonly (readonly [number, number])[] = [
  [75, 0.4],
  [65, 0.35],
  [55, 0.28],
  [45, 0.19],
  [35, 0.09],
];
const DIABETES_BY_AGE: readonly (readonly [number, number])[] = [
  [65, 0.13],
  [55, 0.12],
  [45, 0.085],
  [35, 0.045],
];
const DIABETES_RISK_WITH_HYPERTENSION = 1.6;
const DIABETES_RISK_WITHOUT_HYPERTENSION = 0.8;

function byAge(table: readonly (readonly [number, number])[], age: number): number {
  for (const [from, probability] of table) if (age >= from) return probability;
  return 0;
}

// ---------------------------------------------------------------------------------------------------------------
// ID numbers: unique per (birth date, sex) through a counter and a fixed permutation of the 顺序码 slots.

const DAYS_PER_YEAR = 365.2425;
const MALE_SLOTS = 500; // odd 001–999
const FEMALE_SLOTS = 499; // even 002–998 (000 is not issued)
// Multipliers coprime with 500 and 499 make c ↦ (a·c + b) mod n a bijection, so counters never repeat a slot
// while the numbers still look scattered.
const MALE_STEP = 263;
const FEMALE_STEP = 211;

class SequenceAllocator {
  private readonly used = new Map<number, number>(); // epochDay * 2 + sex bit → count

  constructor(
    private readonly maleOffset: number,
    private readonly femaleOffset: number,
  ) {}

  /** A free 顺序码 for the day and sex, or undefined when all are taken. */
  take(epochDay: number, sex: Sex): number | undefined {
    const key = epochDay * 2 + (sex === 'M' ? 1 : 0);
    const count = this.used.get(key) ?? 0;
    const slots = sex === 'M' ? MALE_SLOTS : FEMALE_SLOTS;
    if (count >= slots) return undefined;
    this.used.set(key, count + 1);
    // A per-day start keeps the first-registered child of every day from sharing one 顺序码.
    const dayStart = Math.imul(epochDay, 0x9e3779b1) >>> 0;
    if (sex === 'M') return 2 * ((MALE_STEP * count + this.maleOffset + dayStart) % MALE_SLOTS) + 1;
    return 2 * ((FEMALE_STEP * count + this.femaleOffset + dayStart) % FEMALE_SLOTS) + 2;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// People

interface Person {
  surname: string;
  sex: Sex;
  age: number;
  role: HouseholdRole;
}

interface Context {
  random: Random;
  surnames: WeightedTable<string>;
  adultAges: WeightedTable<number>;
  asOfDay: number;
  earliestDay: number;
  sequences: SequenceAllocator;
}

/** Children a rural couple has had (shares by count 0–3). */
const CHILDREN_BORN = new WeightedTable<number>([
  [0, 5],
  [1, 35],
  [2, 45],
  [3, 15],
]);

function chance(random: Random, probability: number): boolean {
  return random.next() < probability;
}

function between(random: Random, low: number, high: number): number {
  return low + random.int(high - low + 1);
}

function eraOf(birthYear: number): Era {
  if (birthYear < 1960) return 'before1960';
  return birthYear < 1990 ? 'from1960' : 'from1990';
}

function givenName(random: Random, sex: Sex, birthYear: number): string {
  const era = eraOf(birthYear);
  if (chance(random, SINGLE_CHARACTER_SHARE[era])) {
    const pool = GIVEN_CHARACTERS[era][sex];
    return pool[random.int(pool.length)];
  }
  const classics = CLASSIC_GIVEN_NAMES[era][sex];
  if (chance(random, 0.3)) return classics[random.int(classics.length)];
  const pool = GIVEN_CHARACTERS[era][sex];
  const first = pool[random.int(pool.length)];
  let second = pool[random.int(pool.length)];
  if (second === first && chance(random, 0.7)) second = pool[(pool.indexOf(first) + 1) % pool.length];
  return first + second;
}

function mobile(random: Random): string {
  const prefix = MOBILE_PREFIXES[random.int(MOBILE_PREFIXES.length)];
  return prefix + String(random.int(100_000_000)).padStart(8, '0');
}

function hasPhone(random: Random, age: number): boolean {
  if (age < 16) return false;
  return chance(random, age >= 80 ? 0.45 : age >= 70 ? 0.75 : 0.95);
}

function surnameFor(context: Context, lineage: string | undefined): string {
  return lineage && chance(context.random, LINEAGE_SHARE) ? lineage : context.surnames.pick(context.random);
}

/** The people of one household, head first. */
function householdMembers(context: Context, lineage: string | undefined): Person[] {
  const { random } = context;
  const headAge = context.adultAges.pick(random);
  const headSex: Sex = chance(random, 0.85) ? 'M' : 'F';
  const head: Person = { surname: surnameFor(context, lineage), sex: headSex, age: headAge, role: 'head' };
  const members: Person[] = [head];

  const partnered = headAge < 30 ? 0.7 : headAge < 70 ? 0.9 : headAge < 80 ? 0.7 : 0.45;
  const spouse: Person | undefined = chance(random, partnered)
    ? {
        surname: context.surnames.pick(random),
        sex: headSex === 'M' ? 'F' : 'M',
        age: Math.max(20, headAge + (headSex === 'M' ? -between(random, 0, 5) : between(random, 0, 5))),
        role: 'spouse',
      }
    : undefined;
  if (spouse) members.push(spouse);

  const father = headSex === 'M' ? head : spouse;
  const mother = headSex === 'F' ? head : spouse;
  const familySurname = father?.surname ?? head.surname;
  const motherAge = mother?.age ?? head.age;
  if (headAge <= 65) {
    const born = CHILDREN_BORN.pick(random);
    for (let i = 0; i < born; i++) {
      const age = motherAge - between(random, 20, 35);
      if (age < 0) continue; // not born yet
      if (age >= 18 && !chance(random, 0.7)) continue; // grown up and registered elsewhere
      const sex: Sex = chance(random, 0.515) ? 'M' : 'F';
      members.push({ surname: chance(random, 0.92) ? familySurname : (mother?.surname ?? familySurname), sex, age, role: 'child' });
    }
  }
  if (headAge >= 50 && chance(random, 0.4)) {
    // Left-behind grandchildren (留守儿童) whose parents work in the cities.
    const count = between(random, 1, 2);
    for (let i = 0; i < count; i++) {
      const age = between(random, 0, Math.min(15, headAge - 42));
      members.push({ surname: familySurname, sex: chance(random, 0.515) ? 'M' : 'F', age, role: 'grandchild' });
    }
  }
  if (headAge < 60 && chance(random, 0.3)) {
    const age = Math.min(100, headAge + between(random, 22, 35));
    const sex: Sex = chance(random, 0.6) ? 'F' : 'M';
    members.push({ surname: sex === 'M' ? head.surname : context.surnames.pick(random), sex, age, role: 'parent' });
  }
  return members;
}

function birthDay(context: Context, age: number): number {
  const youngest = context.asOfDay - Math.floor(age * DAYS_PER_YEAR);
  const day = youngest - context.random.int(365);
  return Math.min(context.asOfDay, Math.max(context.earliestDay, day));
}

/** A birth day with a free 顺序码, stepping a day back when one is full (never in practice below millions). */
function identity(context: Context, age: number, sex: Sex): { day: number; sequence: number } {
  let day = birthDay(context, age);
  for (;;) {
    const sequence = context.sequences.take(day, sex);
    if (sequence !== undefined) return { day, sequence };
    day = day > context.earliestDay ? day - 1 : context.asOfDay;
  }
}

function diseases(random: Random, age: number): { hypertension: boolean; type2Diabetes: boolean } {
  const hypertension = chance(random, byAge(HYPERTENSION_BY_AGE, age));
  const relative = hypertension ? DIABETES_RISK_WITH_HYPERTENSION : DIABETES_RISK_WITHOUT_HYPERTENSION;
  const type2Diabetes = chance(random, byAge(DIABETES_BY_AGE, age) * relative);
  return { hypertension, type2Diabetes };
}

function adultAgeTable(): WeightedTable<number> {
  const entries: [number, number][] = [];
  for (let age = 22; age < 100; age++) entries.push([age, AGE_BANDS[Math.floor(age / 5)] / 5]);
  return new WeightedTable(entries);
}

/**
 * `count` residents, household by household (the last household may be cut short). The same seed and options
 * give the same residents in the same order.
 */
export function* generateResidents(count: number, seed: number, options: SyntheticOptions = {}): Generator<SyntheticResident, void, undefined> {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a whole number ≥ 0, got ${count}`);
  const random = createRandom(seed);
  const asOf = options.asOf ?? DEFAULT_AS_OF;
  const context: Context = {
    random,
    surnames: new WeightedTable(SURNAMES),
    adultAges: adultAgeTable(),
    asOfDay: civilToEpochDay(parseIsoDate(asOf)),
    earliestDay: civilToEpochDay({ year: 1900, month: 1, day: 1 }),
    sequences: new SequenceAllocator(random.int(MALE_SLOTS), random.int(FEMALE_SLOTS)),
  };
  let produced = 0;
  let household = 0;
  while (produced < count) {
    household++;
    const village = SYNTHETIC_VILLAGES[random.int(SYNTHETIC_VILLAGES.length)];
    const address = `${SYNTHETIC_TOWNSHIP}${village.name}${between(random, 1, 12)}组${between(random, 1, 99)}号`;
    const householdId = `H${String(household).padStart(7, '0')}`;
    for (const person of householdMembers(context, village.lineage)) {
      if (produced >= count) return;
      const { day, sequence } = identity(context, person.age, person.sex);
      const birthDate = fromEpochDay(day);
      const birthYear = Number(birthDate.slice(0, 4));
      // The age the clinic will see (completed years at asOf), not the household sketch's round figure.
      const age = completedYears(birthDate, asOf);
      const phone = hasPhone(random, age) ? mobile(random) : undefined;
      yield {
        residentId: makeResidentId(SYNTHETIC_REGION_CODE, birthDate, sequence),
        name: person.surname + givenName(random, person.sex, birthYear),
        sex: person.sex,
        birthDate,
        ...(phone ? { phone } : {}),
        village: village.name,
        address,
        householdId,
        role: person.role,
        ...diseases(random, age),
      };
      produced++;
    }
  }
}
