import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyRangeOverrides,
  assessValue,
  boundComparator,
  checkClinicalRanges,
  DEFAULT_CLINICAL_RANGES,
  type ClinicalRanges,
} from '../../src/shared/clinical-ranges';
import { assessVitals, bodyMassIndex, meanBloodPressure, PLAUSIBLE_LIMITS, roundHalfUp, type VitalsInput } from '../../src/shared/vitals';

const RANGES = DEFAULT_CLINICAL_RANGES;

function flagCodes(input: VitalsInput, ranges: ClinicalRanges = RANGES): string[] {
  const result = assessVitals(input, ranges);
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.errors)}`);
  return result.flags.map((flag) => flag.code);
}

function errorCodes(input: VitalsInput): string[] {
  const result = assessVitals(input, RANGES);
  return result.ok ? [] : result.errors.map((error) => error.code);
}

describe('rounding', () => {
  it.each([
    [[140, 139], 140], // 139.5 rounds up
    [[139, 138], 139], // 138.5 rounds up
    [[120, 121, 121], 121], // 120.67
    [[120, 120, 121], 120], // 120.33
    [[95], 95],
  ])('mean BP of %j is %i mmHg', (values, expected) => {
    expect(meanBloodPressure(values)).toBe(expected);
  });

  it.each([
    [70, 170, 24.2], // 24.22
    [53.4, 170, 18.5], // 18.477 → shown 18.5, so not underweight
    [80.9, 170, 28.0], // 27.99 → 28.0
    [60, 160, 23.4], // 23.4375
    [3.2, 50, 12.8],
  ])('BMI of %f kg at %f cm is %f', (weight, height, bmi) => {
    expect(bodyMassIndex(weight, height)).toBe(bmi);
  });

  it('rounds halves up even when the binary value sits just below', () => {
    expect(roundHalfUp(23.45, 1)).toBe(23.5); // 23.45 is stored as 23.4499999…
    expect(roundHalfUp(1.005, 2)).toBe(1.01);
    expect(roundHalfUp(2.5)).toBe(3);
    expect(roundHalfUp(2.49)).toBe(2);
  });

  it('keeps the BP mean between the lowest and highest reading', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 40, max: 300 }), { minLength: 1, maxLength: 3 }), (values) => {
        const mean = meanBloodPressure(values);
        expect(mean).toBeGreaterThanOrEqual(Math.min(...values));
        expect(mean).toBeLessThanOrEqual(Math.max(...values));
        expect(Number.isInteger(mean)).toBe(true);
      }),
    );
  });
});

describe('flags at and around every default limit', () => {
  const bp = (systolic: number, diastolic: number): VitalsInput => ({ bloodPressure: [{ systolic, diastolic }] });
  it.each<[string, VitalsInput, string[]]>([
    ['normal BP', bp(120, 80), []],
    ['SBP 139', bp(139, 80), []],
    ['SBP 140 (≥140)', bp(140, 80), ['SBP_HIGH']],
    ['SBP 179', bp(179, 80), ['SBP_HIGH']],
    ['SBP 180 (≥180 referral)', bp(180, 80), ['SBP_CRITICAL_HIGH']],
    ['SBP 90', bp(90, 65), []],
    ['SBP 89 (<90)', bp(89, 65), ['SBP_LOW']],
    ['SBP 80', bp(80, 65), ['SBP_LOW']],
    ['SBP 79 (<80)', bp(79, 65), ['SBP_CRITICAL_LOW']],
    ['DBP 89', bp(130, 89), []],
    ['DBP 90 (≥90)', bp(130, 90), ['DBP_HIGH']],
    ['DBP 110 (≥110)', bp(170, 110), ['SBP_HIGH', 'DBP_CRITICAL_HIGH']],
    ['DBP 60', bp(100, 60), []],
    ['DBP 59 (<60)', bp(100, 59), ['DBP_LOW']],
    ['HR 60', { heartRate: 60 }, []],
    ['HR 59', { heartRate: 59 }, ['HR_LOW']],
    ['HR 41', { heartRate: 41 }, ['HR_LOW']],
    ['HR 40 (≤40)', { heartRate: 40 }, ['HR_CRITICAL_LOW']],
    ['HR 100', { heartRate: 100 }, []],
    ['HR 101 (>100)', { heartRate: 101 }, ['HR_HIGH']],
    ['HR 130', { heartRate: 130 }, ['HR_HIGH']],
    ['HR 131 (≥131)', { heartRate: 131 }, ['HR_CRITICAL_HIGH']],
    ['T 36.0', { temperatureC: 36.0 }, []],
    ['T 35.9', { temperatureC: 35.9 }, ['TEMP_LOW']],
    ['T 35.1', { temperatureC: 35.1 }, ['TEMP_LOW']],
    ['T 35.0 (≤35.0)', { temperatureC: 35.0 }, ['TEMP_CRITICAL_LOW']],
    ['T 37.2', { temperatureC: 37.2 }, []],
    ['T 37.3 (≥37.3)', { temperatureC: 37.3 }, ['TEMP_HIGH']],
    ['T 40.9', { temperatureC: 40.9 }, ['TEMP_HIGH']],
    ['T 41.0 (≥41)', { temperatureC: 41.0 }, ['TEMP_CRITICAL_HIGH']],
    ['SpO2 100', { spo2: 100 }, []],
    ['SpO2 96', { spo2: 96 }, []],
    ['SpO2 95 (≤95)', { spo2: 95 }, ['SPO2_LOW']],
    ['SpO2 92', { spo2: 92 }, ['SPO2_LOW']],
    ['SpO2 91 (≤91)', { spo2: 91 }, ['SPO2_CRITICAL_LOW']],
    ['RR 12', { respiratoryRate: 12 }, []],
    ['RR 11', { respiratoryRate: 11 }, ['RR_LOW']],
    ['RR 9', { respiratoryRate: 9 }, ['RR_LOW']],
    ['RR 8 (≤8)', { respiratoryRate: 8 }, ['RR_CRITICAL_LOW']],
    ['RR 20', { respiratoryRate: 20 }, []],
    ['RR 21 (>20)', { respiratoryRate: 21 }, ['RR_HIGH']],
    ['RR 24', { respiratoryRate: 24 }, ['RR_HIGH']],
    ['RR 25 (≥25)', { respiratoryRate: 25 }, ['RR_CRITICAL_HIGH']],
    ['FBG 4.0', { glucose: { mmolPerL: 4.0, timing: 'fasting' } }, []],
    ['FBG 3.9 (≤3.9)', { glucose: { mmolPerL: 3.9, timing: 'fasting' } }, ['FBG_LOW']],
    ['FBG 3.0', { glucose: { mmolPerL: 3.0, timing: 'fasting' } }, ['FBG_LOW']],
    ['FBG 2.9 (<3.0)', { glucose: { mmolPerL: 2.9, timing: 'fasting' } }, ['FBG_CRITICAL_LOW']],
    ['FBG 6.0', { glucose: { mmolPerL: 6.0, timing: 'fasting' } }, []],
    ['FBG 6.1 (≥6.1)', { glucose: { mmolPerL: 6.1, timing: 'fasting' } }, ['FBG_HIGH']],
    ['FBG 16.6', { glucose: { mmolPerL: 16.6, timing: 'fasting' } }, ['FBG_HIGH']],
    ['FBG 16.7 (≥16.7)', { glucose: { mmolPerL: 16.7, timing: 'fasting' } }, ['FBG_CRITICAL_HIGH']],
    ['RBG 8.0', { glucose: { mmolPerL: 8.0, timing: 'random' } }, []],
    ['RBG 11.0', { glucose: { mmolPerL: 11.0, timing: 'random' } }, []],
    ['RBG 11.1 (≥11.1)', { glucose: { mmolPerL: 11.1, timing: 'random' } }, ['RBG_HIGH']],
    ['RBG 3.9', { glucose: { mmolPerL: 3.9, timing: 'random' } }, ['RBG_LOW']],
    ['RBG 20', { glucose: { mmolPerL: 20, timing: 'random' } }, ['RBG_CRITICAL_HIGH']],
    ['BMI 18.4', { weightKg: 53.2, heightCm: 170 }, ['BMI_UNDERWEIGHT']],
    ['BMI 18.5 after rounding', { weightKg: 53.4, heightCm: 170 }, []],
    ['BMI 23.9', { weightKg: 69, heightCm: 170 }, []],
    ['BMI 24.0', { weightKg: 69.4, heightCm: 170 }, ['BMI_OVERWEIGHT']],
    ['BMI 27.9', { weightKg: 80.6, heightCm: 170 }, ['BMI_OVERWEIGHT']],
    ['BMI 28.0 after rounding', { weightKg: 80.9, heightCm: 170 }, ['BMI_OBESE']],
    ['waist 89 M', { waistCm: 89, sex: 'M' }, []],
    ['waist 90 M', { waistCm: 90, sex: 'M' }, ['WAIST_CENTRAL_OBESITY']],
    ['waist 84 F', { waistCm: 84, sex: 'F' }, []],
    ['waist 85 F', { waistCm: 85, sex: 'F' }, ['WAIST_CENTRAL_OBESITY']],
    ['waist without sex', { waistCm: 100 }, []],
  ])('%s', (_label, input, expected) => {
    expect(flagCodes(input)).toEqual(expected);
  });

  it('carries value, limit and display level on each flag', () => {
    const result = assessVitals({ bloodPressure: [{ systolic: 182, diastolic: 95 }], spo2: 93 }, RANGES);
    expect(result).toEqual({
      ok: true,
      derived: { systolic: 182, diastolic: 95 },
      flags: [
        { code: 'SBP_CRITICAL_HIGH', field: 'systolic', level: 'critical', value: 182, comparator: '≥', limit: 180 },
        { code: 'DBP_HIGH', field: 'diastolic', level: 'high', value: 95, comparator: '≥', limit: 90 },
        { code: 'SPO2_LOW', field: 'spo2', level: 'low', value: 93, comparator: '≤', limit: 95 },
      ],
    });
  });
});

describe('blood pressure readings', () => {
  it('flags the rounded mean, not a single reading', () => {
    const result = assessVitals(
      {
        bloodPressure: [
          { systolic: 138, diastolic: 88 },
          { systolic: 141, diastolic: 89 },
        ],
      },
      RANGES,
    );
    expect(result).toMatchObject({ ok: true, derived: { systolic: 140, diastolic: 89 } });
    expect(
      flagCodes({
        bloodPressure: [
          { systolic: 138, diastolic: 88 },
          { systolic: 141, diastolic: 89 },
        ],
      }),
    ).toEqual(['SBP_HIGH']);
  });

  it('advises a third reading when two differ by more than 5 mmHg', () => {
    expect(
      flagCodes({
        bloodPressure: [
          { systolic: 130, diastolic: 80 },
          { systolic: 135, diastolic: 85 },
        ],
      }),
    ).toEqual([]);
    const result = assessVitals(
      {
        bloodPressure: [
          { systolic: 130, diastolic: 80 },
          { systolic: 136, diastolic: 84 },
        ],
      },
      RANGES,
    );
    expect(result.ok && result.flags).toEqual([
      {
        code: 'BP_THIRD_READING_ADVISED',
        field: 'systolic',
        level: 'notice',
        systolicDifference: 6,
        diastolicDifference: 4,
        limit: 5,
      },
    ]);
    expect(
      flagCodes({
        bloodPressure: [
          { systolic: 130, diastolic: 80 },
          { systolic: 136, diastolic: 84 },
          { systolic: 132, diastolic: 82 },
        ],
      }),
    ).toEqual([]);
  });

  it('ignores an empty row and numbers readings as the form does', () => {
    const result = assessVitals({ bloodPressure: [{}, { systolic: 90, diastolic: 95 }] }, RANGES);
    expect(result).toEqual({
      ok: false,
      errors: [{ code: 'BP_SYSTOLIC_NOT_ABOVE_DIASTOLIC', field: 'systolic', reading: 2, systolic: 90, diastolic: 95 }],
    });
  });
});

describe('impossible values are refused with the reason', () => {
  it.each<[string, VitalsInput, string[]]>([
    ['SBP 301', { bloodPressure: [{ systolic: 301, diastolic: 90 }] }, ['SBP_IMPOSSIBLE']],
    ['SBP 300 is possible', { bloodPressure: [{ systolic: 300, diastolic: 90 }] }, []],
    ['SBP 39', { bloodPressure: [{ systolic: 39, diastolic: 25 }] }, ['SBP_IMPOSSIBLE']],
    ['DBP 201', { bloodPressure: [{ systolic: 250, diastolic: 201 }] }, ['DBP_IMPOSSIBLE']],
    ['SBP equal to DBP', { bloodPressure: [{ systolic: 120, diastolic: 120 }] }, ['BP_SYSTOLIC_NOT_ABOVE_DIASTOLIC']],
    ['SBP below DBP (swapped)', { bloodPressure: [{ systolic: 80, diastolic: 120 }] }, ['BP_SYSTOLIC_NOT_ABOVE_DIASTOLIC']],
    ['DBP missing', { bloodPressure: [{ systolic: 120 }] }, ['BP_DIASTOLIC_MISSING']],
    ['SBP missing', { bloodPressure: [{ diastolic: 80 }] }, ['BP_SYSTOLIC_MISSING']],
    ['four readings', { bloodPressure: [1, 2, 3, 4].map(() => ({ systolic: 120, diastolic: 80 })) }, ['BP_TOO_MANY_READINGS']],
    ['HR 301', { heartRate: 301 }, ['HR_IMPOSSIBLE']],
    ['HR 0', { heartRate: 0 }, ['HR_IMPOSSIBLE']],
    ['SpO2 101', { spo2: 101 }, ['SPO2_IMPOSSIBLE']],
    ['SpO2 0.97 (a fraction)', { spo2: 0.97 }, ['SPO2_LOOKS_FRACTION']],
    ['T 98.6 (°F)', { temperatureC: 98.6 }, ['TEMP_LOOKS_FAHRENHEIT']],
    ['T 46', { temperatureC: 46 }, ['TEMP_IMPOSSIBLE']],
    ['T 3.7 (missed a digit)', { temperatureC: 3.7 }, ['TEMP_IMPOSSIBLE']],
    ['RR 90', { respiratoryRate: 90 }, ['RR_IMPOSSIBLE']],
    ['height 1.72 (metres)', { heightCm: 1.72 }, ['HEIGHT_LOOKS_METRES']],
    ['height 300', { heightCm: 300 }, ['HEIGHT_IMPOSSIBLE']],
    ['weight 3200 (grams)', { weightKg: 3200 }, ['WEIGHT_LOOKS_GRAMS']],
    ['weight 0', { weightKg: 0 }, ['WEIGHT_IMPOSSIBLE']],
    ['waist 20', { waistCm: 20 }, ['WAIST_IMPOSSIBLE']],
    ['glucose 126 (mg/dL)', { glucose: { mmolPerL: 126, timing: 'fasting' } }, ['GLU_LOOKS_MG_DL']],
    ['glucose 0.2', { glucose: { mmolPerL: 0.2, timing: 'random' } }, ['GLU_IMPOSSIBLE']],
    ['glucose 40 is possible (HHS)', { glucose: { mmolPerL: 40, timing: 'random' } }, []],
    ['NaN heart rate', { heartRate: Number.NaN }, ['HR_NOT_A_NUMBER']],
    ['Infinity SBP', { bloodPressure: [{ systolic: Infinity, diastolic: 80 }] }, ['SBP_NOT_A_NUMBER']],
    ['height in the weight box', { weightKg: 170, heightCm: 70 }, ['BMI_IMPLAUSIBLE']],
  ])('%s', (_label, input, expected) => {
    expect(errorCodes(input)).toEqual(expected);
  });

  it('names the likely unit with the converted value', () => {
    expect(assessVitals({ temperatureC: 98.6, heightCm: 1.72, glucose: { mmolPerL: 126, timing: 'fasting' } }, RANGES)).toEqual({
      ok: false,
      errors: [
        { code: 'TEMP_LOOKS_FAHRENHEIT', field: 'temperature', value: 98.6, celsius: 37 },
        { code: 'HEIGHT_LOOKS_METRES', field: 'height', value: 1.72, centimetres: 172 },
        { code: 'GLU_LOOKS_MG_DL', field: 'glucose', value: 126, mmolPerL: 7 },
      ],
    });
  });

  it('reports every wrong field at once, with the limits', () => {
    const result = assessVitals(
      {
        bloodPressure: [
          { systolic: 320, diastolic: 80 },
          { systolic: 120, diastolic: 130 },
        ],
        spo2: 104,
        heartRate: 72,
      },
      RANGES,
    );
    expect(result).toEqual({
      ok: false,
      errors: [
        { code: 'SBP_IMPOSSIBLE', field: 'systolic', value: 320, min: 40, max: 300, reading: 1 },
        { code: 'BP_SYSTOLIC_NOT_ABOVE_DIASTOLIC', field: 'systolic', reading: 2, systolic: 120, diastolic: 130 },
        { code: 'SPO2_IMPOSSIBLE', field: 'spo2', value: 104, min: 40, max: 100 },
      ],
    });
  });

  it('accepts any combination of plausible values', () => {
    const within = (field: keyof typeof PLAUSIBLE_LIMITS) => fc.double({ min: PLAUSIBLE_LIMITS[field].min, max: PLAUSIBLE_LIMITS[field].max, noNaN: true });
    const reading = fc
      .tuple(fc.integer({ min: 40, max: 300 }), fc.integer({ min: 20, max: 200 }))
      .filter(([s, d]) => s > d)
      .map(([systolic, diastolic]) => ({ systolic, diastolic }));
    fc.assert(
      fc.property(
        fc.array(reading, { maxLength: 3 }),
        within('heartRate'),
        within('temperature'),
        within('spo2'),
        within('respiratoryRate'),
        within('waist'),
        within('glucose'),
        fc.constantFrom<'M' | 'F'>('M', 'F'),
        (bloodPressure, heartRate, temperatureC, spo2, respiratoryRate, waistCm, mmolPerL, sex) => {
          const result = assessVitals(
            { bloodPressure, heartRate, temperatureC, spo2, respiratoryRate, waistCm, sex, glucose: { mmolPerL, timing: 'fasting' } },
            RANGES,
          );
          expect(result.ok).toBe(true);
        },
      ),
    );
  });
});

describe('age', () => {
  it('does not judge a child by adult BP, heart-rate, breathing-rate, BMI and waist cut-offs', () => {
    const result = assessVitals(
      {
        ageYears: 6,
        bloodPressure: [{ systolic: 100, diastolic: 58 }],
        heartRate: 110,
        respiratoryRate: 24,
        weightKg: 18,
        heightCm: 115,
        waistCm: 90,
        sex: 'M',
        temperatureC: 38.5,
        spo2: 90,
      },
      RANGES,
    );
    expect(result).toEqual({
      ok: true,
      derived: { systolic: 100, diastolic: 58, bmi: 13.6 },
      flags: [
        { code: 'TEMP_HIGH', field: 'temperature', level: 'high', value: 38.5, comparator: '≥', limit: 37.3 },
        { code: 'SPO2_CRITICAL_LOW', field: 'spo2', level: 'critical', value: 90, comparator: '≤', limit: 91 },
        { code: 'ADULT_RANGES_NOT_APPLIED', field: null, level: 'notice', ageYears: 6, adultFromAge: 18 },
      ],
    });
  });

  it('says nothing about adult ranges when nothing age-dependent was measured', () => {
    expect(flagCodes({ ageYears: 6, temperatureC: 36.8 })).toEqual([]);
  });

  it('judges an 18-year-old and a patient of unknown age as adults', () => {
    expect(flagCodes({ ageYears: 18, heartRate: 110 })).toEqual(['HR_HIGH']);
    expect(flagCodes({ heartRate: 110 })).toEqual(['HR_HIGH']);
  });
});

describe('clinical ranges as configuration', () => {
  it('the defaults are consistent', () => {
    expect(checkClinicalRanges(DEFAULT_CLINICAL_RANGES)).toEqual([]);
  });

  it('flags follow the ranges passed in', () => {
    const stricter = applyRangeOverrides(RANGES, { systolic: { high: { atOrAbove: 130 } } });
    const bp = { bloodPressure: [{ systolic: 135, diastolic: 80 }] };
    expect(flagCodes(bp)).toEqual([]);
    expect(flagCodes(bp, stricter)).toEqual(['SBP_HIGH']);
  });

  it('a COPD clinic can lower the SpO2 limits', () => {
    const copd = applyRangeOverrides(RANGES, { spo2: { low: { below: 88 }, criticalLow: { below: 85 } } });
    expect(flagCodes({ spo2: 90 }, copd)).toEqual([]);
    expect(flagCodes({ spo2: 87 }, copd)).toEqual(['SPO2_LOW']);
  });

  it('null removes a bound, absent keeps it, and nothing is mutated', () => {
    const before = JSON.stringify(RANGES);
    const merged = applyRangeOverrides(RANGES, { systolic: { criticalLow: null }, bmi: { overweightAtOrAbove: 25 } });
    expect(merged.systolic).toEqual({ high: { atOrAbove: 140 }, criticalHigh: { atOrAbove: 180 }, low: { below: 90 } });
    expect(merged.bmi).toEqual({ underweightBelow: 18.5, overweightAtOrAbove: 25, obeseAtOrAbove: 28 });
    expect(JSON.stringify(RANGES)).toBe(before);
    expect(flagCodes({ bloodPressure: [{ systolic: 70, diastolic: 40 }] }, merged)).toEqual(['SBP_LOW', 'DBP_LOW']);
  });

  it.each<[string, Parameters<typeof applyRangeOverrides>[1], unknown[]]>([
    [
      'low above high',
      { heartRate: { low: { below: 110 } } },
      [{ code: 'RANGE_ORDER', field: 'heartRate', lower: 'low', upper: 'high', lowerLimit: 110, upperLimit: 100 }],
    ],
    [
      'critical inside normal',
      { systolic: { criticalHigh: { atOrAbove: 130 } } },
      [{ code: 'RANGE_ORDER', field: 'systolic', lower: 'high', upper: 'criticalHigh', lowerLimit: 140, upperLimit: 130 }],
    ],
    [
      'critical low above low',
      { temperature: { criticalLow: { below: 36.5 } } },
      [{ code: 'RANGE_ORDER', field: 'temperature', lower: 'criticalLow', upper: 'low', lowerLimit: 36.5, upperLimit: 36 }],
    ],
    [
      'no normal values left',
      { diastolic: { low: { below: 90 } } },
      [{ code: 'RANGE_ORDER', field: 'diastolic', lower: 'low', upper: 'high', lowerLimit: 90, upperLimit: 90 }],
    ],
    ['not a number', { spo2: { low: { atOrBelow: Number.NaN } } }, [{ code: 'RANGE_NOT_A_NUMBER', field: 'spo2', bound: 'low' }]],
    [
      'BMI obese below overweight',
      { bmi: { obeseAtOrAbove: 23 } },
      [{ code: 'RANGE_ORDER', field: 'bmi', lower: 'overweight', upper: 'obese', lowerLimit: 24, upperLimit: 23 }],
    ],
  ])('%s is a problem', (_label, override, problems) => {
    expect(checkClinicalRanges(applyRangeOverrides(RANGES, override))).toEqual(problems);
  });

  it.each([
    [{ below: 1 }, '<'],
    [{ atOrBelow: 1 }, '≤'],
    [{ above: 1 }, '>'],
    [{ atOrAbove: 1 }, '≥'],
  ] as const)('bound %j compares with %s', (bound, comparator) => {
    expect(boundComparator(bound)).toBe(comparator);
  });

  it('assessValue picks the most severe band', () => {
    const range = { criticalLow: { below: 2 }, low: { below: 5 }, high: { above: 10 }, criticalHigh: { atOrAbove: 20 } };
    expect(assessValue(1, range)).toEqual({ level: 'criticalLow', limit: 2, comparator: '<' });
    expect(assessValue(2, range)).toEqual({ level: 'low', limit: 5, comparator: '<' });
    expect(assessValue(5, range)).toBeUndefined();
    expect(assessValue(10, range)).toBeUndefined();
    expect(assessValue(10.1, range)).toEqual({ level: 'high', limit: 10, comparator: '>' });
    expect(assessValue(20, range)).toEqual({ level: 'criticalHigh', limit: 20, comparator: '≥' });
    expect(assessValue(50, {})).toBeUndefined();
  });
});
