/**
 * The figures a vitals session's rules derived (mean blood pressure, BMI), read back from the contract's open
 * `derived` record. The record is stored JSON, so each figure is taken only when it is a finite number: an older
 * or pulled row with a missing or odd value yields no figure rather than a wrong one.
 */
export interface VitalsDerived {
  systolic?: number;
  diastolic?: number;
  bmi?: number;
}

const FIGURES = ['systolic', 'diastolic', 'bmi'] as const;

export function vitalsDerived(derived: Readonly<Record<string, unknown>>): VitalsDerived {
  const out: VitalsDerived = {};
  for (const key of FIGURES) {
    const v = derived[key];
    if (typeof v === 'number' && Number.isFinite(v)) out[key] = v;
  }
  return out;
}
