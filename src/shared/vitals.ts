/**
 * Vitals at the clinic desk, in two layers:
 * 1. impossible values are refused with the reason (a typo, a wrong unit, SBP not above DBP) — `PLAUSIBLE_LIMITS`,
 *    fixed, because no clinic setting makes a saturation of 105 % real;
 * 2. possible but abnormal values are flagged low / high / critical against the configured `ClinicalRanges`.
 *
 * Blood pressure: 1–3 readings of the same arm. The recorded value is the mean, rounded half up to a whole mmHg
 * (sphygmomanometers and records work in whole mmHg; a .5 mean rounds up, so 139/140 → 140 and is flagged, the
 * cautious side). Flags are judged on that rounded mean, so what is shown and what is flagged agree.
 * BMI = kg / m², rounded half up to one decimal (as WS/T 428 tables print it); the category is judged on the rounded
 * value for the same reason.
 *
 * Messages are codes with parameters; i18n keys are `vitals.<code>` in locales/<lang>/clinic-rules.json.
 */

import { assessValue, type ClinicalRanges, type Comparator, type FlagLevel, type FlagRange } from './clinical-ranges';

export type Sex = 'M' | 'F';

export interface BloodPressureReading {
  systolic?: number; // mmHg
  diastolic?: number; // mmHg
}

export interface VitalsInput {
  /** Up to three readings; a reading with both values absent is an unused row and ignored. */
  bloodPressure?: BloodPressureReading[];
  heartRate?: number; // beats/min
  temperatureC?: number;
  spo2?: number; // %
  respiratoryRate?: number; // breaths/min
  weightKg?: number;
  heightCm?: number;
  waistCm?: number;
  glucose?: { mmolPerL: number; timing: 'fasting' | 'random' };
  sex?: Sex;
  /** Completed years. Unknown age is treated as adult. */
  ageYears?: number;
}

/** The form field a message belongs to (the renderer highlights it). */
export type VitalField =
  'systolic' | 'diastolic' | 'heartRate' | 'temperature' | 'spo2' | 'respiratoryRate' | 'weight' | 'height' | 'waist' | 'glucose' | 'bmi';

/** Message code prefix per field: `SBP_IMPOSSIBLE`, `HR_HIGH`, … */
export const FIELD_PREFIX = {
  systolic: 'SBP',
  diastolic: 'DBP',
  heartRate: 'HR',
  temperature: 'TEMP',
  spo2: 'SPO2',
  respiratoryRate: 'RR',
  weight: 'WEIGHT',
  height: 'HEIGHT',
  waist: 'WAIST',
  glucose: 'GLU',
  bmi: 'BMI',
} as const satisfies Record<VitalField, string>;
type MeasuredPrefix = (typeof FIELD_PREFIX)[Exclude<VitalField, 'bmi'>];

export interface Limits {
  min: number;
  max: number;
}

/**
 * Outside these a value is a typo or a wrong unit, not a patient. Each limit errs wide: a refusal must never block
 * a real reading.
 */
export const PLAUSIBLE_LIMITS: Readonly<Record<Exclude<VitalField, 'bmi'>, Limits>> & { bmi: Limits } = {
  // Sphygmomanometer scales end at 300 mmHg; below 40 (SBP) / 20 (DBP) a cuff reads nothing.
  systolic: { min: 40, max: 300 },
  diastolic: { min: 20, max: 200 },
  // Monitors and oximeters count 20–300 beats/min.
  heartRate: { min: 20, max: 300 },
  // Clinical thermometers read about 32–43 °C; the margin keeps severe hypothermia recordable.
  temperature: { min: 25, max: 45 },
  // A percentage; oximeters display down to about 40 % and are meaningless below.
  spo2: { min: 40, max: 100 },
  respiratoryRate: { min: 3, max: 80 },
  // A very premature newborn to the heaviest patients on record.
  weight: { min: 0.3, max: 400 },
  height: { min: 30, max: 250 },
  waist: { min: 30, max: 250 },
  // Glucometers read "HI" above 33.3 mmol/L; 55.5 mmol/L = 1000 mg/dL, beyond which a reading in mmol/L is a
  // mg/dL value typed into the wrong field.
  glucose: { min: 0.5, max: 55.5 },
  // Weight and height each plausible but together not (e.g. height typed in the weight box).
  bmi: { min: 8, max: 80 },
};

export const MAX_BP_READINGS = 3;

// ---------------------------------------------------------------------------------------------------------------
// Messages

export type VitalsError =
  | { code: `${MeasuredPrefix}_NOT_A_NUMBER`; field: VitalField; reading?: number }
  | { code: `${MeasuredPrefix}_IMPOSSIBLE`; field: VitalField; value: number; min: number; max: number; reading?: number }
  | { code: 'BP_SYSTOLIC_NOT_ABOVE_DIASTOLIC'; field: 'systolic'; reading: number; systolic: number; diastolic: number }
  | { code: 'BP_SYSTOLIC_MISSING'; field: 'systolic'; reading: number }
  | { code: 'BP_DIASTOLIC_MISSING'; field: 'diastolic'; reading: number }
  | { code: 'BP_TOO_MANY_READINGS'; field: 'systolic'; count: number; max: number }
  | { code: 'TEMP_LOOKS_FAHRENHEIT'; field: 'temperature'; value: number; celsius: number }
  | { code: 'HEIGHT_LOOKS_METRES'; field: 'height'; value: number; centimetres: number }
  | { code: 'WEIGHT_LOOKS_GRAMS'; field: 'weight'; value: number; kilograms: number }
  | { code: 'SPO2_LOOKS_FRACTION'; field: 'spo2'; value: number; percent: number }
  | { code: 'GLU_LOOKS_MG_DL'; field: 'glucose'; value: number; mmolPerL: number }
  | { code: 'BMI_IMPLAUSIBLE'; field: 'bmi'; bmi: number; weightKg: number; heightCm: number; min: number; max: number };

/** `low`/`high`/`critical` as the brief's three levels; `notice` for advice that is not an abnormal value. */
export type DisplayLevel = 'low' | 'high' | 'critical' | 'notice';

type RangedPrefix = 'SBP' | 'DBP' | 'HR' | 'TEMP' | 'SPO2' | 'RR' | 'FBG' | 'RBG';
type LevelSuffix = 'LOW' | 'HIGH' | 'CRITICAL_LOW' | 'CRITICAL_HIGH';

export type VitalsFlag =
  | {
      code: `${RangedPrefix}_${LevelSuffix}`;
      field: VitalField;
      level: DisplayLevel;
      value: number;
      /** How the value compares with the limit that was crossed, as configured: `≥ 140`. */
      comparator: Comparator;
      limit: number;
    }
  | {
      code: 'BMI_UNDERWEIGHT' | 'BMI_OVERWEIGHT' | 'BMI_OBESE';
      field: 'bmi';
      level: DisplayLevel;
      value: number;
      comparator: Comparator;
      limit: number;
    }
  | {
      code: 'WAIST_CENTRAL_OBESITY';
      field: 'waist';
      level: DisplayLevel;
      value: number;
      comparator: '≥';
      limit: number;
      sex: Sex;
    }
  | {
      code: 'BP_THIRD_READING_ADVISED';
      field: 'systolic';
      level: 'notice';
      systolicDifference: number;
      diastolicDifference: number;
      limit: number;
    }
  | { code: 'ADULT_RANGES_NOT_APPLIED'; field: null; level: 'notice'; ageYears: number; adultFromAge: number };

export type BmiCategory = 'underweight' | 'normal' | 'overweight' | 'obese';

export interface DerivedVitals {
  /** Mean of the readings, whole mmHg. */
  systolic?: number;
  diastolic?: number;
  bmi?: number;
  bmiCategory?: BmiCategory;
  centralObesity?: boolean;
}

export type VitalsAssessment = { ok: true; derived: DerivedVitals; flags: VitalsFlag[] } | { ok: false; errors: VitalsError[] };

// BMI is computed, never typed: its only refusal is BMI_IMPLAUSIBLE.
const MEASURED_PREFIXES = Object.values(FIELD_PREFIX).filter((prefix) => prefix !== 'BMI');
const RANGED_PREFIXES: RangedPrefix[] = ['SBP', 'DBP', 'HR', 'TEMP', 'SPO2', 'RR', 'FBG', 'RBG'];
const LEVEL_SUFFIXES: LevelSuffix[] = ['LOW', 'HIGH', 'CRITICAL_LOW', 'CRITICAL_HIGH'];

/**
 * Every code assessVitals can produce (the locale files must have a text for each). Some need a configured bound
 * the defaults leave out (DBP critical low, SpO2 high).
 */
export const VITALS_MESSAGE_CODES: readonly string[] = [
  ...MEASURED_PREFIXES.flatMap((prefix) => [`${prefix}_NOT_A_NUMBER`, `${prefix}_IMPOSSIBLE`]),
  'BP_SYSTOLIC_NOT_ABOVE_DIASTOLIC',
  'BP_SYSTOLIC_MISSING',
  'BP_DIASTOLIC_MISSING',
  'BP_TOO_MANY_READINGS',
  'TEMP_LOOKS_FAHRENHEIT',
  'HEIGHT_LOOKS_METRES',
  'WEIGHT_LOOKS_GRAMS',
  'SPO2_LOOKS_FRACTION',
  'GLU_LOOKS_MG_DL',
  'BMI_IMPLAUSIBLE',
  ...RANGED_PREFIXES.flatMap((prefix) => LEVEL_SUFFIXES.map((suffix) => `${prefix}_${suffix}`)),
  'BMI_UNDERWEIGHT',
  'BMI_OVERWEIGHT',
  'BMI_OBESE',
  'WAIST_CENTRAL_OBESITY',
  'BP_THIRD_READING_ADVISED',
  'ADULT_RANGES_NOT_APPLIED',
];

// ---------------------------------------------------------------------------------------------------------------
// Arithmetic

/** Half up at `decimals`; the small nudge keeps 23.45 (stored as 23.4499…) from rounding down. */
export function roundHalfUp(value: number, decimals = 0): number {
  const factor = 10 ** decimals;
  return Math.floor(value * factor + 0.5 + 1e-9) / factor;
}

/** Mean of BP readings, rounded half up to a whole mmHg. */
export function meanBloodPressure(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('no readings');
  return roundHalfUp(values.reduce((sum, value) => sum + value, 0) / values.length);
}

/** kg / m², one decimal. */
export function bodyMassIndex(weightKg: number, heightCm: number): number {
  const metres = heightCm / 100;
  return roundHalfUp(weightKg / (metres * metres), 1);
}

export function bmiCategory(bmi: number, ranges: ClinicalRanges): BmiCategory {
  if (bmi < ranges.bmi.underweightBelow) return 'underweight';
  if (bmi >= ranges.bmi.obeseAtOrAbove) return 'obese';
  if (bmi >= ranges.bmi.overweightAtOrAbove) return 'overweight';
  return 'normal';
}

// ---------------------------------------------------------------------------------------------------------------
// Layer 1: plausibility

function plausibilityErrors(field: Exclude<VitalField, 'bmi'>, value: number, reading?: number): VitalsError[] {
  const prefix = FIELD_PREFIX[field];
  const at = reading === undefined ? {} : { reading };
  if (!Number.isFinite(value)) return [{ code: `${prefix}_NOT_A_NUMBER`, field, ...at }];
  const { min, max } = PLAUSIBLE_LIMITS[field];
  if (value >= min && value <= max) return [];
  const hint = unitHint(field, value);
  if (hint) return [hint];
  return [{ code: `${prefix}_IMPOSSIBLE`, field, value, min, max, ...at }];
}

/** A likelier reading of an impossible value in another unit, when one exists. */
function unitHint(field: VitalField, value: number): VitalsError | undefined {
  switch (field) {
    case 'temperature':
      // Adult body temperatures in °F run about 90–110.
      return value >= 90 && value <= 110 ? { code: 'TEMP_LOOKS_FAHRENHEIT', field, value, celsius: roundHalfUp(((value - 32) * 5) / 9, 1) } : undefined;
    case 'height':
      return value >= 0.3 && value <= 2.5 ? { code: 'HEIGHT_LOOKS_METRES', field, value, centimetres: roundHalfUp(value * 100, 1) } : undefined;
    case 'weight':
      // A newborn's weight in grams typed into the kg box.
      return value >= 400 && value <= 7000 ? { code: 'WEIGHT_LOOKS_GRAMS', field, value, kilograms: roundHalfUp(value / 1000, 3) } : undefined;
    case 'spo2':
      return value > 0 && value <= 1 ? { code: 'SPO2_LOOKS_FRACTION', field, value, percent: roundHalfUp(value * 100, 1) } : undefined;
    case 'glucose':
      // mg/dL → mmol/L: divide by 18.0 (molar mass of glucose 180.16 g/mol).
      return value > PLAUSIBLE_LIMITS.glucose.max && value <= 1000
        ? { code: 'GLU_LOOKS_MG_DL', field, value, mmolPerL: roundHalfUp(value / 18.0, 1) }
        : undefined;
    default:
      return undefined;
  }
}

interface CompleteReading {
  systolic: number;
  diastolic: number;
}

function bloodPressureErrors(readings: readonly BloodPressureReading[]): {
  errors: VitalsError[];
  complete: CompleteReading[];
} {
  const used = readings
    .map((reading, index) => ({ ...reading, number: index + 1 }))
    .filter((reading) => reading.systolic !== undefined || reading.diastolic !== undefined);
  const errors: VitalsError[] = [];
  const complete: CompleteReading[] = [];
  if (used.length > MAX_BP_READINGS) {
    errors.push({ code: 'BP_TOO_MANY_READINGS', field: 'systolic', count: used.length, max: MAX_BP_READINGS });
  }
  for (const { systolic, diastolic, number } of used) {
    if (systolic === undefined) {
      errors.push({ code: 'BP_SYSTOLIC_MISSING', field: 'systolic', reading: number });
      continue;
    }
    if (diastolic === undefined) {
      errors.push({ code: 'BP_DIASTOLIC_MISSING', field: 'diastolic', reading: number });
      continue;
    }
    const own = [...plausibilityErrors('systolic', systolic, number), ...plausibilityErrors('diastolic', diastolic, number)];
    errors.push(...own);
    if (own.length === 0 && systolic <= diastolic) {
      errors.push({ code: 'BP_SYSTOLIC_NOT_ABOVE_DIASTOLIC', field: 'systolic', reading: number, systolic, diastolic });
      continue;
    }
    if (own.length === 0) complete.push({ systolic, diastolic });
  }
  return { errors, complete };
}

// ---------------------------------------------------------------------------------------------------------------
// Layer 2: flags

const DISPLAY_LEVEL: Record<FlagLevel, { level: DisplayLevel; suffix: LevelSuffix }> = {
  criticalLow: { level: 'critical', suffix: 'CRITICAL_LOW' },
  low: { level: 'low', suffix: 'LOW' },
  high: { level: 'high', suffix: 'HIGH' },
  criticalHigh: { level: 'critical', suffix: 'CRITICAL_HIGH' },
};

function rangeFlag(prefix: RangedPrefix, field: VitalField, value: number, range: FlagRange): VitalsFlag[] {
  const hit = assessValue(value, range);
  if (!hit) return [];
  const { level, suffix } = DISPLAY_LEVEL[hit.level];
  return [{ code: `${prefix}_${suffix}`, field, level, value, comparator: hit.comparator, limit: hit.limit }];
}

function bmiFlags(bmi: number, category: BmiCategory, ranges: ClinicalRanges): VitalsFlag[] {
  switch (category) {
    case 'underweight':
      return [{ code: 'BMI_UNDERWEIGHT', field: 'bmi', level: 'low', value: bmi, comparator: '<', limit: ranges.bmi.underweightBelow }];
    case 'overweight':
      return [{ code: 'BMI_OVERWEIGHT', field: 'bmi', level: 'high', value: bmi, comparator: '≥', limit: ranges.bmi.overweightAtOrAbove }];
    case 'obese':
      return [{ code: 'BMI_OBESE', field: 'bmi', level: 'high', value: bmi, comparator: '≥', limit: ranges.bmi.obeseAtOrAbove }];
    default:
      return [];
  }
}

function repeatAdvice(readings: readonly CompleteReading[], ranges: ClinicalRanges): VitalsFlag[] {
  if (readings.length !== 2) return [];
  const systolicDifference = Math.abs(readings[0].systolic - readings[1].systolic);
  const diastolicDifference = Math.abs(readings[0].diastolic - readings[1].diastolic);
  const limit = ranges.bpRepeatDifferenceAbove;
  if (systolicDifference <= limit && diastolicDifference <= limit) return [];
  return [{ code: 'BP_THIRD_READING_ADVISED', field: 'systolic', level: 'notice', systolicDifference, diastolicDifference, limit }];
}

function present(value: number | undefined): value is number {
  return value !== undefined;
}

/**
 * Refuses impossible input (every reason at once) or returns the derived values and the flags. `ranges` is the
 * clinic's configuration (DEFAULT_CLINICAL_RANGES merged with settings overrides).
 */
export function assessVitals(input: VitalsInput, ranges: ClinicalRanges): VitalsAssessment {
  const bp = bloodPressureErrors(input.bloodPressure ?? []);
  const errors: VitalsError[] = [...bp.errors];
  const single: [Exclude<VitalField, 'systolic' | 'diastolic' | 'bmi'>, number | undefined][] = [
    ['heartRate', input.heartRate],
    ['temperature', input.temperatureC],
    ['spo2', input.spo2],
    ['respiratoryRate', input.respiratoryRate],
    ['weight', input.weightKg],
    ['height', input.heightCm],
    ['waist', input.waistCm],
    ['glucose', input.glucose?.mmolPerL],
  ];
  for (const [field, value] of single) if (present(value)) errors.push(...plausibilityErrors(field, value));

  const derived: DerivedVitals = {};
  const { weightKg, heightCm } = input;
  const bodyMeasuresValid = !errors.some((error) => error.field === 'weight' || error.field === 'height');
  if (present(weightKg) && present(heightCm) && bodyMeasuresValid) {
    const bmi = bodyMassIndex(weightKg, heightCm);
    const { min, max } = PLAUSIBLE_LIMITS.bmi;
    if (bmi < min || bmi > max) errors.push({ code: 'BMI_IMPLAUSIBLE', field: 'bmi', bmi, weightKg, heightCm, min, max });
    else derived.bmi = bmi;
  }
  if (errors.length > 0) return { ok: false, errors };

  const adult = input.ageYears === undefined || input.ageYears >= ranges.adultFromAge;
  const flags: VitalsFlag[] = [];
  if (bp.complete.length > 0) {
    derived.systolic = meanBloodPressure(bp.complete.map((reading) => reading.systolic));
    derived.diastolic = meanBloodPressure(bp.complete.map((reading) => reading.diastolic));
    if (adult) {
      flags.push(...rangeFlag('SBP', 'systolic', derived.systolic, ranges.systolic));
      flags.push(...rangeFlag('DBP', 'diastolic', derived.diastolic, ranges.diastolic));
    }
    flags.push(...repeatAdvice(bp.complete, ranges));
  }
  if (present(input.heartRate) && adult) flags.push(...rangeFlag('HR', 'heartRate', input.heartRate, ranges.heartRate));
  if (present(input.temperatureC)) {
    flags.push(...rangeFlag('TEMP', 'temperature', input.temperatureC, ranges.temperature));
  }
  if (present(input.spo2)) flags.push(...rangeFlag('SPO2', 'spo2', input.spo2, ranges.spo2));
  if (present(input.respiratoryRate) && adult) {
    flags.push(...rangeFlag('RR', 'respiratoryRate', input.respiratoryRate, ranges.respiratoryRate));
  }
  if (input.glucose) {
    const fasting = input.glucose.timing === 'fasting';
    const range = fasting ? ranges.glucoseFasting : ranges.glucoseRandom;
    flags.push(...rangeFlag(fasting ? 'FBG' : 'RBG', 'glucose', input.glucose.mmolPerL, range));
  }
  if (derived.bmi !== undefined && adult) {
    derived.bmiCategory = bmiCategory(derived.bmi, ranges);
    flags.push(...bmiFlags(derived.bmi, derived.bmiCategory, ranges));
  }
  if (present(input.waistCm) && input.sex && adult) {
    const limit = ranges.waist.centralObesityAtOrAbove[input.sex];
    derived.centralObesity = input.waistCm >= limit;
    if (derived.centralObesity) {
      flags.push({
        code: 'WAIST_CENTRAL_OBESITY',
        field: 'waist',
        level: 'high',
        value: input.waistCm,
        comparator: '≥',
        limit,
        sex: input.sex,
      });
    }
  }
  const adultOnlyGiven = bp.complete.length > 0 || derived.bmi !== undefined || [input.heartRate, input.respiratoryRate, input.waistCm].some(present);
  if (!adult && adultOnlyGiven) {
    flags.push({
      code: 'ADULT_RANGES_NOT_APPLIED',
      field: null,
      level: 'notice',
      ageYears: input.ageYears as number,
      adultFromAge: ranges.adultFromAge,
    });
  }
  return { ok: true, derived, flags };
}
