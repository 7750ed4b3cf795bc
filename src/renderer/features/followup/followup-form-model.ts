import type { z } from 'zod';
import { lifestyleSchema, type Disease, type FollowUpFormInput, type ReasonData } from '../../../shared/api/followup';

/**
 * The follow-up form as typed: numbers stay text until sent, so a half-typed "1" is not a blood pressure of 1 and
 * an empty box is "not measured" (the engine tells a missing value from a low one, spec A8).
 */

type Habits = z.infer<typeof lifestyleSchema>['now'];
/** The numeric habits (salt is a choice, typed apart), in the contract's order. */
export type Habit = Exclude<keyof Habits, 'salt'>;
export const HABITS: readonly Habit[] = Object.keys(lifestyleSchema.shape.now.unwrap().shape).filter((k): k is Habit => k !== 'salt');

export interface MedicationRow {
  name: string;
  timesPerDay: string;
  doseMg: string;
}

export interface FormState {
  date: string;
  mode: 'clinic' | 'home' | 'phone';
  symptoms: string[];
  symptomsOther: string;
  sbp: string;
  dbp: string;
  heartRate: string;
  heartRatePersistent: boolean;
  weightKg: string;
  weightTargetKg: string;
  heightCm: string;
  bmiTarget: string;
  temperatureC: string;
  dorsalisPedis: '' | 'normal' | 'weakened' | 'absent';
  signsOther: string;
  fbg: string;
  randomGlucose: string;
  hba1c: string;
  hba1cDate: string;
  testsOther: string;
  habitsNow: Record<Habit, string>;
  habitsTarget: Record<Habit, string>;
  saltNow: '' | 'light' | 'moderate' | 'heavy';
  saltTarget: '' | 'light' | 'moderate' | 'heavy';
  psychological: '' | 'good' | 'fair' | 'poor';
  compliance: '' | 'good' | 'fair' | 'poor';
  adherence: '' | '规律' | '间断' | '不服药';
  adr: boolean;
  adrDesc: string;
  hypoglycemiaReaction: '' | 'none' | 'occasional' | 'frequent';
  newComplication: boolean;
  complicationDesc: string;
  pregnant: boolean;
  lactating: boolean;
  selfReportedHomeBp: boolean;
  withHealthCheck: boolean;
  medications: MedicationRow[];
  insulinType: string;
  insulinDose: string;
  medicationAdvice: string;
  notes: string;
}

const emptyHabits = (): Record<Habit, string> => Object.fromEntries(HABITS.map((h) => [h, ''])) as Record<Habit, string>;

export function emptyForm(date: string): FormState {
  return {
    date,
    mode: 'clinic',
    symptoms: [],
    symptomsOther: '',
    sbp: '',
    dbp: '',
    heartRate: '',
    heartRatePersistent: false,
    weightKg: '',
    weightTargetKg: '',
    heightCm: '',
    bmiTarget: '',
    temperatureC: '',
    dorsalisPedis: '',
    signsOther: '',
    fbg: '',
    randomGlucose: '',
    hba1c: '',
    hba1cDate: '',
    testsOther: '',
    habitsNow: emptyHabits(),
    habitsTarget: emptyHabits(),
    saltNow: '',
    saltTarget: '',
    psychological: '',
    compliance: '',
    adherence: '',
    adr: false,
    adrDesc: '',
    hypoglycemiaReaction: '',
    newComplication: false,
    complicationDesc: '',
    pregnant: false,
    lactating: false,
    selfReportedHomeBp: false,
    withHealthCheck: false,
    medications: [],
    insulinType: '',
    insulinDose: '',
    medicationAdvice: '',
    notes: '',
  };
}

/** '' → absent; anything else a number (a typo like "13o" becomes NaN, which the contract refuses by name). */
export function numberOrAbsent(text: string): number | undefined {
  const trimmed = text.trim().replace(/，/g, '.').replace(/。/g, '.');
  return trimmed === '' ? undefined : Number(trimmed);
}

function textOrAbsent(text: string): string | undefined {
  const trimmed = text.trim();
  return trimmed === '' ? undefined : trimmed;
}

function habits(values: Record<Habit, string>, salt: FormState['saltNow'], disease: Disease) {
  const out: Record<string, number | string> = {};
  for (const habit of HABITS) {
    if (habit === 'stapleFoodG' && disease !== 't2dm') continue;
    const value = numberOrAbsent(values[habit]);
    if (value !== undefined) out[habit] = value;
  }
  if (salt) out.salt = salt;
  return out;
}

/** What the contract's followUpFormSchema takes; fields of the other disease's form are left out. */
export function toFormInput(state: FormState, disease: Disease): FollowUpFormInput {
  const diabetes = disease === 't2dm';
  const phone = state.mode === 'phone';
  const input: FollowUpFormInput = {
    date: state.date,
    mode: state.mode,
    symptoms: state.symptoms,
    adr: state.adr,
    newComplication: !phone && state.newComplication,
    pregnant: state.pregnant,
    lactating: state.lactating,
    selfReportedHomeBp: !phone && state.selfReportedHomeBp,
    withHealthCheck: !phone && state.withHealthCheck,
    lifestyle: {
      now: habits(state.habitsNow, state.saltNow, disease),
      target: habits(state.habitsTarget, state.saltTarget, disease),
      ...(state.psychological ? { psychological: state.psychological } : {}),
      ...(state.compliance ? { compliance: state.compliance } : {}),
    },
    medications: state.medications
      .filter((m) => m.name.trim() !== '')
      .map((m) => ({ name: m.name.trim(), timesPerDay: numberOrAbsent(m.timesPerDay), doseMg: numberOrAbsent(m.doseMg) })),
  };
  const numbers: [keyof FollowUpFormInput, string][] = [
    ['sbp', state.sbp],
    ['dbp', state.dbp],
    ['heartRate', state.heartRate],
    ['weightKg', state.weightKg],
    ['weightTargetKg', state.weightTargetKg],
    ['heightCm', state.heightCm],
    ['bmiTarget', state.bmiTarget],
    ['temperatureC', state.temperatureC],
  ];
  if (diabetes) numbers.push(['fbg', state.fbg], ['randomGlucose', state.randomGlucose], ['hba1c', state.hba1c]);
  else numbers.push(['fbg', state.fbg]);
  for (const [key, text] of numbers) {
    const value = numberOrAbsent(text);
    if (value !== undefined) (input as Record<string, unknown>)[key] = value;
  }
  const texts: [keyof FollowUpFormInput, string][] = [
    ['symptomsOther', state.symptomsOther],
    ['signsOther', state.signsOther],
    ['testsOther', state.testsOther],
    ['adrDesc', state.adr ? state.adrDesc : ''],
    ['complicationDesc', state.newComplication ? state.complicationDesc : ''],
    ['medicationAdvice', state.medicationAdvice],
    ['notes', state.notes],
  ];
  for (const [key, text] of texts) {
    const value = textOrAbsent(text);
    if (value !== undefined) (input as Record<string, unknown>)[key] = value;
  }
  if (state.heartRatePersistent) input.heartRatePersistent = true;
  if (state.adherence) input.adherence = state.adherence;
  if (diabetes) {
    if (state.dorsalisPedis) input.dorsalisPedis = state.dorsalisPedis;
    if (state.hypoglycemiaReaction) input.hypoglycemiaReaction = state.hypoglycemiaReaction;
    if (state.hba1cDate) input.hba1cDate = state.hba1cDate;
    if (state.insulinType.trim()) input.insulin = { type: state.insulinType.trim(), dose: state.insulinDose.trim() };
  }
  return input;
}

/** A reason in the interface language (the engine writes both; the texts carry the patient's values). */
export function reasonIn(reason: ReasonData, language: string): string {
  return language.startsWith('zh') ? reason.zh : reason.en;
}

/** Only a form with something measured or said is worth asking the engine about. */
export function worthPreviewing(state: FormState): boolean {
  if (state.mode === 'phone') return true;
  return [state.sbp, state.dbp, state.fbg, state.randomGlucose].some((v) => v.trim() !== '') || state.symptoms.length > 0 || state.adr || state.newComplication;
}
