import type { i18n } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import en from '../../src/renderer/i18n/locales/en/clinic-rules.json';
import zh from '../../src/renderer/i18n/locales/zh-CN/clinic-rules.json';
import { clinicRulesTranslator, placeholders } from '../support/clinic-rules-i18n';
import { applyRangeOverrides, checkClinicalRanges, DEFAULT_CLINICAL_RANGES, type RangeProblem } from '../../src/shared/clinical-ranges';
import { assessVitals, VITALS_MESSAGE_CODES, type VitalsInput } from '../../src/shared/vitals';

type Message = { code: string } & Record<string, unknown>;

const bp = (systolic: number, diastolic: number): VitalsInput => ({ bloodPressure: [{ systolic, diastolic }] });
const fbg = (mmolPerL: number): VitalsInput => ({ glucose: { mmolPerL, timing: 'fasting' } });
const rbg = (mmolPerL: number): VitalsInput => ({ glucose: { mmolPerL, timing: 'random' } });

// Real inputs, one or more per code: the test proves each listed code is produced and has a complete text.
const SAMPLES: VitalsInput[] = [
  bp(Number.NaN, 80),
  bp(120, Number.NaN),
  bp(320, 80),
  bp(200, 210),
  bp(120, 130),
  { bloodPressure: [{ systolic: 120 }] },
  { bloodPressure: [{ diastolic: 80 }] },
  { bloodPressure: [1, 2, 3, 4].map(() => ({ systolic: 120, diastolic: 80 })) },
  { heartRate: Number.NaN },
  { heartRate: 400 },
  { temperatureC: Number.NaN },
  { temperatureC: 50 },
  { temperatureC: 98.6 },
  { spo2: Number.NaN },
  { spo2: 101 },
  { spo2: 0.95 },
  { respiratoryRate: Number.NaN },
  { respiratoryRate: 90 },
  { weightKg: Number.NaN },
  { weightKg: 0.1 },
  { weightKg: 3200 },
  { heightCm: Number.NaN },
  { heightCm: 20 },
  { heightCm: 1.7 },
  { waistCm: Number.NaN },
  { waistCm: 10 },
  fbg(Number.NaN),
  fbg(0.1),
  fbg(126),
  { weightKg: 170, heightCm: 70 },
  bp(85, 65),
  bp(145, 80),
  bp(75, 50),
  bp(185, 80),
  bp(120, 55),
  bp(130, 95),
  bp(170, 115),
  { heartRate: 50 },
  { heartRate: 110 },
  { heartRate: 35 },
  { heartRate: 140 },
  { temperatureC: 35.5 },
  { temperatureC: 38.2 },
  { temperatureC: 34 },
  { temperatureC: 41.5 },
  { spo2: 94 },
  { spo2: 88 },
  { respiratoryRate: 10 },
  { respiratoryRate: 22 },
  { respiratoryRate: 6 },
  { respiratoryRate: 30 },
  fbg(3.5),
  fbg(7.2),
  fbg(2.5),
  fbg(18),
  rbg(3.5),
  rbg(12),
  rbg(2.5),
  rbg(20),
  { weightKg: 45, heightCm: 170 },
  { weightKg: 72, heightCm: 170 },
  { weightKg: 85, heightCm: 170 },
  { waistCm: 95, sex: 'M' },
  {
    bloodPressure: [
      { systolic: 120, diastolic: 80 },
      { systolic: 130, diastolic: 80 },
    ],
  },
  { ageYears: 8, heartRate: 100 },
];

// Codes whose bound the defaults leave out, produced under ranges a clinic could configure.
const CONFIGURED = applyRangeOverrides(DEFAULT_CLINICAL_RANGES, {
  diastolic: { criticalLow: { below: 40 } },
  spo2: { high: { above: 99 }, criticalHigh: { atOrAbove: 100 } },
});
const CONFIGURED_SAMPLES: VitalsInput[] = [bp(100, 35), { spo2: 99.5 }, { spo2: 100 }];

// The settings problems; the DBP "critical high" sits below "high".
const PROBLEMS: RangeProblem[] = [
  ...checkClinicalRanges(applyRangeOverrides(DEFAULT_CLINICAL_RANGES, { diastolic: { criticalHigh: { atOrAbove: 85 } } })),
  ...checkClinicalRanges(applyRangeOverrides(DEFAULT_CLINICAL_RANGES, { spo2: { low: { below: Number.NaN } } })),
  ...checkClinicalRanges(applyRangeOverrides(DEFAULT_CLINICAL_RANGES, { bmi: { underweightBelow: 30 } })),
];

function messagesOf(input: VitalsInput, ranges = DEFAULT_CLINICAL_RANGES): Message[] {
  const result = assessVitals(input, ranges);
  return (result.ok ? result.flags : result.errors) as Message[];
}

let translator: i18n;
beforeAll(async () => {
  translator = await clinicRulesTranslator();
});

function expectRenders(prefix: string, message: Message): void {
  for (const [lng, catalog] of [
    ['zh-CN', zh],
    ['en', en],
  ] as const) {
    const template = (catalog as Record<string, string>)[`${prefix}.${message.code}`];
    expect(template, `${lng} ${prefix}.${message.code}`).toBeTypeOf('string');
    for (const name of placeholders(template)) expect(message, `${message.code} uses {{${name}}}`).toHaveProperty(name);
    const text = translator.t(`${prefix}.${message.code}`, { ...message, lng });
    expect(text, text).not.toMatch(/\{\{|\$t\(|undefined|NaN|ranges\.|vitals\./);
  }
}

describe('vitals messages (clinic-rules.json)', () => {
  const produced = [...SAMPLES.flatMap((input) => messagesOf(input)), ...CONFIGURED_SAMPLES.flatMap((input) => messagesOf(input, CONFIGURED))];

  it('the samples produce every listed code, and only listed codes', () => {
    const codes = new Set(produced.map((message) => message.code));
    expect([...codes].sort()).toEqual([...VITALS_MESSAGE_CODES].sort());
  });

  it('both locales have exactly one text per code', () => {
    for (const catalog of [zh, en] as Record<string, string>[]) {
      const keys = Object.keys(catalog).filter((key) => key.startsWith('vitals.'));
      expect(keys.sort()).toEqual(VITALS_MESSAGE_CODES.map((code) => `vitals.${code}`).sort());
    }
  });

  it('every produced message renders completely in both languages', () => {
    for (const message of produced) expectRenders('vitals', message);
  });

  it('reads precisely in Chinese', () => {
    const t = (message: Message) => translator.t(`vitals.${message.code}`, { ...message, lng: 'zh-CN' });
    expect(messagesOf(bp(185, 80)).map(t)).toEqual(['收缩压185 mmHg，危急高值（≥180 mmHg）']);
    expect(messagesOf({ temperatureC: 98.6 }).map(t)).toEqual(['体温98.6像是华氏度（约37℃），请按摄氏度填写']);
    expect(messagesOf(bp(120, 130)).map(t)).toEqual(['第1次测量收缩压120 mmHg不高于舒张压130 mmHg，请核对是否填反']);
  });
});

describe('clinical range problems (clinic-rules.json)', () => {
  it('covers both problem codes', () => {
    expect(new Set(PROBLEMS.map((problem) => problem.code))).toEqual(new Set(['RANGE_ORDER', 'RANGE_NOT_A_NUMBER']));
  });

  it('every problem renders with its field and bound names translated', () => {
    for (const problem of PROBLEMS) expectRenders('ranges', problem);
    expect(translator.t('ranges.RANGE_ORDER', { ...PROBLEMS[0], lng: 'zh-CN' })).toBe('舒张压：「偏高」界值90应低于「危急高值」界值85');
  });
});
