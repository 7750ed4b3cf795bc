import { beforeAll, describe, expect, it } from 'vitest';
import {
  createRandom,
  DEFAULT_AS_OF,
  generateResidents,
  SYNTHETIC_REGION_CODE,
  SYNTHETIC_VILLAGES,
  WeightedTable,
  type SyntheticResident,
} from '../../../src/main/patients/synthetic-residents';
import { completedYears } from '../../../src/shared/dates';
import { nameSearchKeys } from '../../../src/shared/pinyin-keys';
import { parseResidentId } from '../../../src/shared/resident-id';

const COUNT = 100_000;
const COMPOUND = ['欧阳', '司马', '上官', '东方', '皇甫', '令狐', '诸葛', '尉迟', '长孙', '万俟'];
const surnameOf = (name: string) => COMPOUND.find((surname) => name.startsWith(surname)) ?? name[0];
const ageOf = (resident: SyntheticResident) => completedYears(resident.birthDate, DEFAULT_AS_OF);
const share = (part: number, whole: number) => part / whole;

function take<T>(iterable: Iterable<T>, n: number): T[] {
  const items: T[] = [];
  for (const item of iterable) {
    if (items.length >= n) break;
    items.push(item);
  }
  return items;
}

let residents: SyntheticResident[];
beforeAll(() => {
  residents = [...generateResidents(COUNT, 20250101)];
});

describe('generateResidents: identity numbers', () => {
  it('yields exactly the number asked for', () => {
    expect(residents).toHaveLength(COUNT);
    for (const n of [0, 1, 2, 7, 1000]) expect([...generateResidents(n, 3)]).toHaveLength(n);
  });

  it('every ID passes parseResidentId and agrees with the birth date and sex', () => {
    const wrong: string[] = [];
    for (const resident of residents) {
      const parsed = parseResidentId(resident.residentId, DEFAULT_AS_OF);
      const agrees = parsed.ok && parsed.regionCode === SYNTHETIC_REGION_CODE && parsed.birthDate === resident.birthDate && parsed.sex === resident.sex;
      if (!agrees) wrong.push(`${resident.residentId} ${resident.birthDate} ${resident.sex}: ${JSON.stringify(parsed)}`);
    }
    expect(wrong).toEqual([]);
  });

  it('every ID is unique over 100 000 residents', () => {
    expect(new Set(residents.map((resident) => resident.residentId)).size).toBe(COUNT);
  });

  it('sequence codes are spread, not one per day', () => {
    const counts = new Map<string, number>();
    for (const { residentId } of residents) counts.set(residentId.slice(14, 17), (counts.get(residentId.slice(14, 17)) ?? 0) + 1);
    expect(counts.size).toBeGreaterThan(900);
    expect(Math.max(...counts.values()) / COUNT).toBeLessThan(0.005);
  });
});

describe('generateResidents: determinism and laziness', () => {
  it('the same seed gives the same residents, another seed others', () => {
    const again = take(generateResidents(COUNT, 20250101), 2000);
    expect(again).toEqual(residents.slice(0, 2000));
    const other = take(generateResidents(COUNT, 20250102), 2000);
    expect(other.map((r) => r.residentId)).not.toEqual(again.map((r) => r.residentId));
  });

  it('a prefix of a larger run is the smaller run', () => {
    expect([...generateResidents(500, 20250101)]).toEqual(residents.slice(0, 500));
  });

  it('produces on demand, so a huge count costs only what is taken', () => {
    const generator = generateResidents(Number.MAX_SAFE_INTEGER, 5);
    expect(typeof generator.next).toBe('function');
    expect(take(generator, 10)).toHaveLength(10);
  });

  it('reckons ages at asOf', () => {
    for (const resident of take(generateResidents(2000, 9, { asOf: '2010-06-30' }), 2000)) {
      expect(resident.birthDate <= '2010-06-30').toBe(true);
      expect(parseResidentId(resident.residentId, '2010-06-30').ok).toBe(true);
    }
  });

  it('refuses a count that is not a whole number', () => {
    expect(() => generateResidents(-1, 1).next()).toThrow(RangeError);
    expect(() => generateResidents(1.5, 1).next()).toThrow(RangeError);
  });
});

describe('generateResidents: a plausible township', () => {
  it('ages: a rural pyramid, nobody older than 100 or born before 1900', () => {
    const ages = residents.map(ageOf);
    expect(Math.min(...ages)).toBe(0);
    expect(Math.max(...ages)).toBeLessThanOrEqual(100);
    expect(share(ages.filter((age) => age >= 60).length, COUNT)).toBeGreaterThan(0.18);
    expect(share(ages.filter((age) => age >= 60).length, COUNT)).toBeLessThan(0.3);
    expect(share(ages.filter((age) => age < 15).length, COUNT)).toBeGreaterThan(0.12);
    expect(share(ages.filter((age) => age < 15).length, COUNT)).toBeLessThan(0.25);
    expect(share(ages.filter((age) => age >= 80).length, COUNT)).toBeGreaterThan(0.01);
  });

  it('sex: about half men, with the rural excess of men', () => {
    const men = share(residents.filter((resident) => resident.sex === 'M').length, COUNT);
    expect(men).toBeGreaterThan(0.49);
    expect(men).toBeLessThan(0.55);
  });

  it('surnames: 王 李 张 刘 陈 lead, with compound and polyphonic surnames present', () => {
    const counts = new Map<string, number>();
    for (const { name } of residents) counts.set(surnameOf(name), (counts.get(surnameOf(name)) ?? 0) + 1);
    const top5 = [...counts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([surname]) => surname);
    expect(new Set(top5)).toEqual(new Set(['王', '李', '张', '刘', '陈']));
    for (const surname of ['欧阳', '单', '曾', '解', '仇', '查', '朴']) expect(counts.get(surname), surname).toBeGreaterThan(0);
    expect(counts.size).toBeGreaterThan(80);
  });

  it('names: surname plus a 1–2 character given name, every one with pinyin keys', () => {
    const givenLengths = residents.map(({ name }) => [...name.slice(surnameOf(name).length)].length);
    expect(givenLengths.filter((length) => length < 1 || length > 2)).toEqual([]);
    const single = share(givenLengths.filter((length) => length === 1).length, COUNT);
    expect(single).toBeGreaterThan(0.1);
    expect(single).toBeLessThan(0.45);
    const unsearchable = residents
      .slice(0, 2000)
      .map(({ name }) => ({ name, keys: nameSearchKeys(name) }))
      .filter(({ keys }) => !/^[a-z]{2,}$/.test(keys.full) || keys.unconverted);
    expect(unsearchable).toEqual([]);
  });

  it('phones: real mobile prefixes, none under 16, most adults have one', () => {
    const phones = residents.flatMap((resident) => (resident.phone ? [resident.phone] : []));
    expect(phones.filter((phone) => !/^1(?:3\d|5[0-35-9]|8\d|9[135-9])\d{8}$/.test(phone))).toEqual([]);
    expect(residents.filter((resident) => ageOf(resident) < 16 && resident.phone)).toEqual([]);
    const adults = residents.filter((resident) => ageOf(resident) >= 16);
    expect(share(adults.filter((resident) => resident.phone).length, adults.length)).toBeGreaterThan(0.8);
  });

  it('villages: the township’s twenty villages all appear; a household shares village and address', () => {
    expect(SYNTHETIC_VILLAGES).toHaveLength(20);
    for (const village of SYNTHETIC_VILLAGES) expect(village.name).toMatch(/村$/);
    expect(new Set(residents.map((resident) => resident.village))).toEqual(new Set(SYNTHETIC_VILLAGES.map((v) => v.name)));
    const households = new Map<string, SyntheticResident[]>();
    for (const resident of residents) {
      const members = households.get(resident.householdId) ?? [];
      members.push(resident);
      households.set(resident.householdId, members);
    }
    const sizes = [...households.values()].map((members) => members.length);
    expect(share(COUNT, households.size)).toBeGreaterThan(2.5);
    expect(share(COUNT, households.size)).toBeLessThan(4.5);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(9);
    const malformed = [...households.values()].filter(
      (members) =>
        members[0].role !== 'head' ||
        members.filter((member) => member.role === 'head').length !== 1 ||
        new Set(members.map((member) => member.address)).size !== 1 ||
        !members[0].address.startsWith(`清溪镇${members[0].village}`),
    );
    expect(malformed).toEqual([]);
  });

  it('chronic disease: about 25 % hypertension and 10 % type 2 diabetes among residents ≥35, none younger', () => {
    const adults35 = residents.filter((resident) => ageOf(resident) >= 35);
    const younger = residents.filter((resident) => ageOf(resident) < 35);
    const hypertension = share(adults35.filter((r) => r.hypertension).length, adults35.length);
    const diabetes = share(adults35.filter((r) => r.type2Diabetes).length, adults35.length);
    expect(hypertension).toBeGreaterThan(0.23);
    expect(hypertension).toBeLessThan(0.27);
    expect(diabetes).toBeGreaterThan(0.085);
    expect(diabetes).toBeLessThan(0.115);
    expect(younger.some((r) => r.hypertension || r.type2Diabetes)).toBe(false);
    const old = adults35.filter((resident) => ageOf(resident) >= 65);
    const middle = adults35.filter((resident) => ageOf(resident) < 45);
    expect(share(old.filter((r) => r.hypertension).length, old.length)).toBeGreaterThan(share(middle.filter((r) => r.hypertension).length, middle.length));
  });
});

describe('seeded randomness', () => {
  it('is reproducible and stays in [0, 1)', () => {
    const a = createRandom(99);
    const b = createRandom(99);
    const values = Array.from({ length: 10_000 }, () => a.next());
    expect(values).toEqual(Array.from({ length: 10_000 }, () => b.next()));
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.02);
  });

  it('different seeds diverge, including neighbouring ones', () => {
    expect(createRandom(1).next()).not.toBe(createRandom(2).next());
  });

  it('picks by weight', () => {
    const random = createRandom(7);
    const table = new WeightedTable([
      ['a', 1],
      ['b', 3],
      ['never', 0],
    ] as const);
    const counts = { a: 0, b: 0, never: 0 };
    for (let i = 0; i < 40_000; i++) counts[table.pick(random)]++;
    expect(counts.never).toBe(0);
    expect(counts.b / counts.a).toBeGreaterThan(2.8);
    expect(counts.b / counts.a).toBeLessThan(3.2);
    expect(() => new WeightedTable([['x', 0]])).toThrow(RangeError);
  });
});
