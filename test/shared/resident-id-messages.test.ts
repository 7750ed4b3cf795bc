import type { i18n } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import en from '../../src/renderer/i18n/locales/en/clinic-rules.json';
import zh from '../../src/renderer/i18n/locales/zh-CN/clinic-rules.json';
import { clinicRulesTranslator, placeholders } from '../support/clinic-rules-i18n';
import { checkCharacter, makeResidentId, parseResidentId, RESIDENT_ID_ERROR_CODES, type ResidentIdError } from '../../src/shared/resident-id';

const TODAY = '2025-06-15';
const withCheck = (first17: string) => first17 + checkCharacter(first17);

// One real number per error code, so every text is rendered with the parameters the code actually carries.
const SAMPLES = [
  '',
  '110105491231002',
  '1101051949123100',
  '11010519491231A02X',
  withCheck('99052219900307123'),
  withCheck('81010119900307123'),
  withCheck('43000019900307123'),
  withCheck('43050019900307123'),
  withCheck('43052219901307123'),
  withCheck('43052219900229123'),
  withCheck('43052218991231123'),
  withCheck('43052220300101123'),
  `${makeResidentId('430522', '1990-03-07', 123).slice(0, 17)}${checkCharacter('43052219900307123') === '0' ? '1' : '0'}`,
];

function errorsOf(id: string): ResidentIdError[] {
  const result = parseResidentId(id, TODAY);
  return result.ok ? [] : result.errors;
}

let translator: i18n;
beforeAll(async () => {
  translator = await clinicRulesTranslator();
});

describe('resident ID messages (clinic-rules.json)', () => {
  const produced = SAMPLES.flatMap(errorsOf);

  it('the samples produce every error code', () => {
    expect(new Set(produced.map((error) => error.code))).toEqual(new Set(RESIDENT_ID_ERROR_CODES));
  });

  it('both locales have exactly one text per code', () => {
    for (const catalog of [zh, en] as Record<string, string>[]) {
      const keys = Object.keys(catalog).filter((key) => key.startsWith('idCard.'));
      expect(keys.sort()).toEqual(RESIDENT_ID_ERROR_CODES.map((code) => `idCard.${code}`).sort());
    }
  });

  it.each(['zh-CN', 'en'])('every message renders completely in %s', (lng) => {
    for (const error of produced) {
      const template = (lng === 'en' ? en : zh)[`idCard.${error.code}` as keyof typeof zh] as string;
      for (const name of placeholders(template)) expect(error, `${error.code} uses {{${name}}}`).toHaveProperty(name);
      const text = translator.t(`idCard.${error.code}`, { ...error, lng });
      expect(text).not.toMatch(/\{\{|\$t\(|undefined|idCard\./);
    }
  });

  it('names the wrong part precisely in Chinese', () => {
    const t = (error: ResidentIdError) => translator.t(`idCard.${error.code}`, { ...error, lng: 'zh-CN' });
    expect(t({ code: 'ID_CHECKSUM', expected: 'X', actual: '3' })).toBe('第18位校验码应为 X，实际为 3');
    expect(t({ code: 'ID_BIRTH_DAY', year: 1990, month: 2, day: '29', daysInMonth: 28 })).toBe('第13–14位出生日29无效：1990年2月只有28天');
    expect(t({ code: 'ID_REGION_PROVINCE', provinceCode: '99' })).toBe('第1–2位省级代码99不存在');
  });
});
