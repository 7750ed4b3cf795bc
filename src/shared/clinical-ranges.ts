/**
 * Reference ranges for flagging vitals, kept as data: the lead stores a clinic's overrides in settings and passes
 * the merged ranges to `assessVitals`. Impossible values (refused, not flagged) are not configuration: they live in
 * vitals.ts as `PLAUSIBLE_LIMITS`.
 *
 * Every bound says whether the limit itself is abnormal (`atOrAbove` / `atOrBelow`) or not (`above` / `below`),
 * because Chinese guidelines state cut-offs both ways (血压 ≥140, 心率 >100, 血糖 ≤3.9) and a flag must agree with
 * the guideline at the limit itself.
 *
 * The ranges are for adults. Children's blood pressure, heart rate and breathing rate need age (and height)
 * tables (WS/T 610-2018 for BP), so assessVitals does not apply these to patients under 18.
 */

export type LowerBound = { below: number } | { atOrBelow: number };
export type UpperBound = { above: number } | { atOrAbove: number };

export interface FlagRange {
  criticalLow?: LowerBound;
  low?: LowerBound;
  high?: UpperBound;
  criticalHigh?: UpperBound;
}

export interface BmiCutoffs {
  /** kg/m², Chinese adult cut-offs. */
  underweightBelow: number;
  overweightAtOrAbove: number;
  obeseAtOrAbove: number;
}

export interface WaistCutoffs {
  /** cm, 中心型肥胖. */
  centralObesityAtOrAbove: { M: number; F: number };
}

export interface ClinicalRanges {
  systolic: FlagRange; // mmHg
  diastolic: FlagRange; // mmHg
  heartRate: FlagRange; // beats/min
  temperature: FlagRange; // °C, axillary (腋温, how township clinics measure)
  spo2: FlagRange; // %
  respiratoryRate: FlagRange; // breaths/min
  glucoseFasting: FlagRange; // mmol/L
  glucoseRandom: FlagRange; // mmol/L
  bmi: BmiCutoffs;
  waist: WaistCutoffs;
  /** mmHg: two readings further apart than this (systolic or diastolic) call for a third. */
  bpRepeatDifferenceAbove: number;
  /** Years: below this the adult BP, heart-rate, breathing-rate, BMI and waist cut-offs are not applied. */
  adultFromAge: number;
}

export const DEFAULT_CLINICAL_RANGES: ClinicalRanges = {
  systolic: {
    // 中国高血压防治指南 (2018年修订版): hypertension SBP ≥140 mmHg.
    high: { atOrAbove: 140 },
    // 国家基本公共卫生服务规范 (第三版, 2017), 高血压患者健康管理: SBP ≥180 → urgent referral.
    criticalHigh: { atOrAbove: 180 },
    // 低血压 <90/60 mmHg (内科学, 第9版).
    low: { below: 90 },
    // Local choice, no national outpatient criterion: an ambulatory SBP under 80 suggests shock. Review per clinic.
    criticalLow: { below: 80 },
  },
  diastolic: {
    high: { atOrAbove: 90 }, // 中国高血压防治指南 2018: DBP ≥90 mmHg.
    criticalHigh: { atOrAbove: 110 }, // 基本公共卫生服务规范 2017: DBP ≥110 → urgent referral.
    low: { below: 60 }, // 低血压 <90/60 mmHg (内科学, 第9版).
  },
  heartRate: {
    // 诊断学 (第9版): 心动过缓 <60, 心动过速 >100 次/分.
    low: { below: 60 },
    high: { above: 100 },
    // NEWS2 (Royal College of Physicians, 2017): ≤40 and ≥131 score 3, the single-parameter red trigger.
    criticalLow: { atOrBelow: 40 },
    criticalHigh: { atOrAbove: 131 },
  },
  temperature: {
    // 诊断学 (第9版): axillary 36.0–37.0 °C normal; 37.3 is the fever threshold used in Chinese clinics.
    low: { below: 36.0 },
    high: { atOrAbove: 37.3 },
    // NEWS2: ≤35.0 °C scores 3 (also the definition of hypothermia).
    criticalLow: { atOrBelow: 35.0 },
    // 诊断学: 超高热 ≥41 °C.
    criticalHigh: { atOrAbove: 41.0 },
  },
  spo2: {
    // NEWS2 scale 1: ≤95 % scores, ≤91 % scores 3. Patients with hypercapnic COPD target 88–92 % (NEWS2 scale 2):
    // override for a COPD clinic.
    low: { atOrBelow: 95 },
    criticalLow: { atOrBelow: 91 },
  },
  respiratoryRate: {
    // 诊断学 (第9版): 12–20 次/分 normal; NEWS2: ≤8 and ≥25 score 3.
    low: { below: 12 },
    high: { above: 20 },
    criticalLow: { atOrBelow: 8 },
    criticalHigh: { atOrAbove: 25 },
  },
  glucoseFasting: {
    // 中国2型糖尿病防治指南 (2020年版): 2级低血糖 <3.0 mmol/L.
    criticalLow: { below: 3.0 },
    // 基本公共卫生服务规范 2017, 2型糖尿病患者健康管理: 血糖 ≤3.9 → urgent referral; 2020 指南 1级低血糖 <3.9.
    low: { atOrBelow: 3.9 },
    // WHO 1999 (used by the 2020 指南): 空腹血糖受损 from 6.1 mmol/L; diabetes from 7.0.
    high: { atOrAbove: 6.1 },
    // 基本公共卫生服务规范 2017: 血糖 ≥16.7 → urgent referral.
    criticalHigh: { atOrAbove: 16.7 },
  },
  glucoseRandom: {
    criticalLow: { below: 3.0 },
    low: { atOrBelow: 3.9 },
    // 2020 指南: random glucose ≥11.1 mmol/L is in the diabetic range.
    high: { atOrAbove: 11.1 },
    criticalHigh: { atOrAbove: 16.7 },
  },
  // WS/T 428-2013 成人体重判定: BMI <18.5 体重过低, 24.0–27.9 超重, ≥28 肥胖.
  bmi: { underweightBelow: 18.5, overweightAtOrAbove: 24, obeseAtOrAbove: 28 },
  // WS/T 428-2013: 中心型肥胖 waist ≥90 cm (men), ≥85 cm (women).
  waist: { centralObesityAtOrAbove: { M: 90, F: 85 } },
  // 中国高血压防治指南 2018: if the two readings differ by more than 5 mmHg, measure again and average three.
  bpRepeatDifferenceAbove: 5,
  adultFromAge: 18,
};

export type FlagLevel = 'criticalLow' | 'low' | 'high' | 'criticalHigh';

export type Comparator = '<' | '≤' | '>' | '≥';

export interface RangeHit {
  level: FlagLevel;
  /** The limit that was crossed, as written in the range, and how the value compares with it. */
  limit: number;
  comparator: Comparator;
}

function lowerLimit(bound: LowerBound): number {
  return 'below' in bound ? bound.below : bound.atOrBelow;
}

function upperLimit(bound: UpperBound): number {
  return 'above' in bound ? bound.above : bound.atOrAbove;
}

function isUnder(value: number, bound: LowerBound): boolean {
  return 'below' in bound ? value < bound.below : value <= bound.atOrBelow;
}

function isOver(value: number, bound: UpperBound): boolean {
  return 'above' in bound ? value > bound.above : value >= bound.atOrAbove;
}

/** The most severe band a value falls in, or undefined when it is within range. */
export function assessValue(value: number, range: FlagRange): RangeHit | undefined {
  const hit = (level: FlagLevel, bound: LowerBound | UpperBound): RangeHit => ({
    level,
    limit: 'below' in bound || 'atOrBelow' in bound ? lowerLimit(bound) : upperLimit(bound),
    comparator: boundComparator(bound),
  });
  if (range.criticalLow && isUnder(value, range.criticalLow)) return hit('criticalLow', range.criticalLow);
  if (range.criticalHigh && isOver(value, range.criticalHigh)) return hit('criticalHigh', range.criticalHigh);
  if (range.low && isUnder(value, range.low)) return hit('low', range.low);
  if (range.high && isOver(value, range.high)) return hit('high', range.high);
  return undefined;
}

/** The comparison a bound makes, for messages: "≥ 140", "< 90". */
export function boundComparator(bound: LowerBound | UpperBound): Comparator {
  if ('below' in bound) return '<';
  if ('atOrBelow' in bound) return '≤';
  if ('above' in bound) return '>';
  return '≥';
}

// ---------------------------------------------------------------------------------------------------------------
// Overrides from settings

export type FlagRangeOverride = { [K in keyof FlagRange]?: FlagRange[K] | null };

export interface ClinicalRangesOverride {
  systolic?: FlagRangeOverride;
  diastolic?: FlagRangeOverride;
  heartRate?: FlagRangeOverride;
  temperature?: FlagRangeOverride;
  spo2?: FlagRangeOverride;
  respiratoryRate?: FlagRangeOverride;
  glucoseFasting?: FlagRangeOverride;
  glucoseRandom?: FlagRangeOverride;
  bmi?: Partial<BmiCutoffs>;
  waist?: { centralObesityAtOrAbove?: Partial<WaistCutoffs['centralObesityAtOrAbove']> };
  bpRepeatDifferenceAbove?: number;
  adultFromAge?: number;
}

export const FLAG_RANGE_KEYS = ['systolic', 'diastolic', 'heartRate', 'temperature', 'spo2', 'respiratoryRate', 'glucoseFasting', 'glucoseRandom'] as const;
export type FlagRangeKey = (typeof FLAG_RANGE_KEYS)[number];

const BOUND_KEYS = ['criticalLow', 'low', 'high', 'criticalHigh'] as const;

function mergeFlagRange(base: FlagRange, override: FlagRangeOverride | undefined): FlagRange {
  const merged: FlagRange = { ...base };
  for (const key of BOUND_KEYS) {
    const value = override?.[key];
    if (value === null) delete merged[key];
    else if (value !== undefined) (merged as Record<string, LowerBound | UpperBound>)[key] = value;
  }
  return merged;
}

/** A bound set to null in the override is removed; an absent one keeps the default. Inputs are not mutated. */
export function applyRangeOverrides(base: ClinicalRanges, override: ClinicalRangesOverride): ClinicalRanges {
  const merged: ClinicalRanges = {
    ...base,
    bmi: { ...base.bmi, ...override.bmi },
    waist: {
      centralObesityAtOrAbove: { ...base.waist.centralObesityAtOrAbove, ...override.waist?.centralObesityAtOrAbove },
    },
    bpRepeatDifferenceAbove: override.bpRepeatDifferenceAbove ?? base.bpRepeatDifferenceAbove,
    adultFromAge: override.adultFromAge ?? base.adultFromAge,
  };
  for (const key of FLAG_RANGE_KEYS) merged[key] = mergeFlagRange(base[key], override[key]);
  return merged;
}

export type RangeProblem =
  | { code: 'RANGE_NOT_A_NUMBER'; field: string; bound: string }
  | { code: 'RANGE_ORDER'; field: string; lower: string; upper: string; lowerLimit: number; upperLimit: number };

function orderedBounds(range: FlagRange): [string, number][] {
  const bounds: [string, number][] = [];
  if (range.criticalLow) bounds.push(['criticalLow', lowerLimit(range.criticalLow)]);
  if (range.low) bounds.push(['low', lowerLimit(range.low)]);
  if (range.high) bounds.push(['high', upperLimit(range.high)]);
  if (range.criticalHigh) bounds.push(['criticalHigh', upperLimit(range.criticalHigh)]);
  return bounds;
}

/**
 * Problems that would make flags contradict each other (a critical band inside the normal one, low above high).
 * Settings refuse to save ranges with problems. Equal limits are allowed where the bands cannot overlap.
 */
export function checkClinicalRanges(ranges: ClinicalRanges): RangeProblem[] {
  const problems: RangeProblem[] = [];
  for (const field of FLAG_RANGE_KEYS) {
    const all = orderedBounds(ranges[field]);
    for (const [bound, limit] of all) {
      if (!Number.isFinite(limit)) problems.push({ code: 'RANGE_NOT_A_NUMBER', field, bound });
    }
    const bounds = all.filter(([, limit]) => Number.isFinite(limit));
    for (let i = 1; i < bounds.length; i++) {
      const [lower, lowerValue] = bounds[i - 1];
      const [upper, upperValue] = bounds[i];
      const crossesNormal = lower === 'low' || lower === 'criticalLow' ? upper === 'high' || upper === 'criticalHigh' : false;
      // Between a low and a high band some normal values must remain; within one side the limits may coincide.
      const ordered = crossesNormal ? lowerValue < upperValue : lowerValue <= upperValue;
      if (!ordered) {
        problems.push({ code: 'RANGE_ORDER', field, lower, upper, lowerLimit: lowerValue, upperLimit: upperValue });
      }
    }
  }
  const { underweightBelow, overweightAtOrAbove, obeseAtOrAbove } = ranges.bmi;
  if (!(underweightBelow < overweightAtOrAbove)) {
    problems.push({
      code: 'RANGE_ORDER',
      field: 'bmi',
      lower: 'underweight',
      upper: 'overweight',
      lowerLimit: underweightBelow,
      upperLimit: overweightAtOrAbove,
    });
  }
  if (!(overweightAtOrAbove <= obeseAtOrAbove)) {
    problems.push({
      code: 'RANGE_ORDER',
      field: 'bmi',
      lower: 'overweight',
      upper: 'obese',
      lowerLimit: overweightAtOrAbove,
      upperLimit: obeseAtOrAbove,
    });
  }
  return problems;
}
