import type { z } from 'zod';
import type { vitalsInputSchema } from '../../../shared/api/clinic';
import { DEFAULT_CLINICAL_RANGES, type ClinicalRanges } from '../../../shared/clinical-ranges';
import { assessVitals, MAX_BP_READINGS, type Sex, type VitalField, type VitalsError, type VitalsFlag } from '../../../shared/vitals';

export type VitalsInput = z.input<typeof vitalsInputSchema>;

export interface BpDraft {
  systolic: string;
  diastolic: string;
}

export interface VitalsDraft {
  bp: BpDraft[];
  heartRate: string;
  temperatureC: string;
  spo2: string;
  respiratoryRate: string;
  weightKg: string;
  heightCm: string;
  waistCm: string;
  glucose: string;
  glucoseTiming: 'fasting' | 'random';
}

export const EMPTY_VITALS: VitalsDraft = {
  bp: Array.from({ length: MAX_BP_READINGS }, () => ({ systolic: '', diastolic: '' })),
  heartRate: '',
  temperatureC: '',
  spo2: '',
  respiratoryRate: '',
  weightKg: '',
  heightCm: '',
  waistCm: '',
  glucose: '',
  glucoseTiming: 'fasting',
};

/**
 * A typed number: empty means not measured; full-width digits and a Chinese IME's full stop are read as ASCII;
 * anything else that is not a number stays NaN so the shared rules name it (…_NOT_A_NUMBER) instead of dropping it.
 */
export function parseMeasurement(text: string): number | undefined {
  const compact = text.normalize('NFKC').replace(/\s+/g, '').replace(/。/g, '.');
  if (compact === '') return undefined;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(compact)) return Number.NaN;
  return Number(compact);
}

function bloodPressureOf(draft: VitalsDraft): VitalsInput['bloodPressure'] {
  const readings = draft.bp.map((r) => ({ systolic: parseMeasurement(r.systolic), diastolic: parseMeasurement(r.diastolic) }));
  // Unused rows trailing the last used one are dropped; a gap in between keeps its place so messages name the
  // reading the nurse sees ("第2次").
  let last = readings.length - 1;
  while (last >= 0 && readings[last].systolic === undefined && readings[last].diastolic === undefined) last--;
  return last < 0 ? undefined : readings.slice(0, last + 1);
}

export function toVitalsInput(draft: VitalsDraft): VitalsInput {
  const input: VitalsInput = {};
  const bloodPressure = bloodPressureOf(draft);
  if (bloodPressure) input.bloodPressure = bloodPressure;
  const single = ['heartRate', 'temperatureC', 'spo2', 'respiratoryRate', 'weightKg', 'heightCm', 'waistCm'] as const;
  for (const key of single) {
    const value = parseMeasurement(draft[key]);
    if (value !== undefined) input[key] = value;
  }
  const glucose = parseMeasurement(draft.glucose);
  if (glucose !== undefined) input.glucose = { mmolPerL: glucose, timing: draft.glucoseTiming };
  return input;
}

export function isVitalsDraftEmpty(draft: VitalsDraft): boolean {
  return Object.keys(toVitalsInput(draft)).length === 0;
}

/** Where a message is shown: a BP reading row (`systolic-2`), or the field itself. */
export function messageSlot(message: { field: VitalField | null; reading?: number }): string {
  if (!message.field) return 'general';
  if ((message.field === 'systolic' || message.field === 'diastolic') && message.reading !== undefined) return `bp-${message.reading}`;
  if (message.field === 'systolic' || message.field === 'diastolic') return 'bp-mean';
  return message.field;
}

export interface LiveVitals {
  ok: boolean;
  errors: VitalsError[];
  flags: VitalsFlag[];
  /** Mean of the complete BP readings, shown even while another field is still wrong. */
  meanSystolic?: number;
  meanDiastolic?: number;
  bmi?: number;
  /** The rules advise a third reading (two readings further apart than the clinic's limit). */
  thirdReadingAdvised: boolean;
}

function uniqueByCode(flags: VitalsFlag[]): VitalsFlag[] {
  const seen = new Set<string>();
  return flags.filter((flag) => !seen.has(flag.code) && (seen.add(flag.code), true));
}

export interface PatientFacts {
  sex?: Sex;
  ageYears?: number;
}

/**
 * The same rules main applies (shared assessVitals, DEFAULT_CLINICAL_RANGES): what the form shows is what the
 * service will accept or refuse. Blood pressure and body measures are also assessed on their own so that the mean
 * and the BMI appear as soon as their own fields are right.
 */
export function assessDraft(draft: VitalsDraft, patient: PatientFacts, ranges: ClinicalRanges = DEFAULT_CLINICAL_RANGES): LiveVitals {
  const input = toVitalsInput(draft);
  const whole = assessVitals({ ...input, ...patient }, ranges);
  const bp = assessVitals({ bloodPressure: input.bloodPressure, ...patient }, ranges);
  const body = assessVitals({ weightKg: input.weightKg, heightCm: input.heightCm, ...patient }, ranges);
  const bpFlags = bp.ok ? bp.flags : [];
  return {
    ok: whole.ok,
    errors: whole.ok ? [] : whole.errors,
    flags: whole.ok ? whole.flags : uniqueByCode([...bpFlags, ...(body.ok ? body.flags : [])]),
    meanSystolic: bp.ok ? bp.derived.systolic : undefined,
    meanDiastolic: bp.ok ? bp.derived.diastolic : undefined,
    bmi: body.ok ? body.derived.bmi : undefined,
    thirdReadingAdvised: bpFlags.some((flag) => flag.code === 'BP_THIRD_READING_ADVISED'),
  };
}
