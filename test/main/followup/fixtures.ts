import { evaluateFollowUp } from '../../../src/main/followup/engine';
import type { Disease, FollowUpEntry, FollowUpOutcome, FollowUpPatient, HistoryEntry, RuleSet, Visit } from '../../../src/shared/followup';

/** 49 on the default visit date, so the <140/90 target applies. */
export const ADULT: FollowUpPatient = { sex: 'M', birthDate: '1975-06-15' };
/** 70 on the default visit date: <150/90 (spec A10) and elderly health management. */
export const ELDER: FollowUpPatient = { sex: 'F', birthDate: '1955-03-10' };
export const YOUNG_WOMAN: FollowUpPatient = { sex: 'F', birthDate: '1992-04-01' };

export const DAY = '2025-05-10';
export const DAY_PLUS_14 = '2025-05-24';
export const DAY_PLUS_3_MONTHS = '2025-08-10';

export function clinic(date: string, fields: Partial<Visit> = {}): Visit {
  return { date, mode: 'clinic', ...fields };
}

export function phone(date: string, fields: Partial<Visit> = {}): Visit {
  return { date, mode: 'phone', ...fields };
}

/** A stored face-to-face record; classification, action and next date as the engine would have stored them. */
export function entry(date: string, fields: Partial<FollowUpEntry> = {}): FollowUpEntry {
  return { type: 'followup', date, mode: 'clinic', classification: null, action: 'continue', nextDueDate: null, ...fields };
}

export function evaluate(disease: Disease, patient: FollowUpPatient, history: HistoryEntry[], visit: Visit, rules?: RuleSet): FollowUpOutcome {
  return evaluateFollowUp({ disease, patient, history, visit }, rules);
}

export function asOf(disease: Disease, patient: FollowUpPatient, history: HistoryEntry[], date: string, rules?: RuleSet): FollowUpOutcome {
  return evaluateFollowUp({ disease, patient, history, visit: { type: 'reminder_check', asOf: date } }, rules);
}

/** What the application stores after a visit: the visit's values plus the engine's outcome. */
export function toEntry(visit: Visit, outcome: FollowUpOutcome): FollowUpEntry {
  return {
    type: 'followup',
    date: visit.date,
    mode: visit.mode,
    sbp: visit.sbp,
    dbp: visit.dbp,
    fbg: visit.fbg,
    hba1c: visit.hba1c,
    adr: visit.adr,
    pregnant: visit.pregnant,
    lactating: visit.lactating,
    classification: outcome.classification,
    action: outcome.action,
    nextDueDate: outcome.nextDueDate,
    referralReason: outcome.referralReason,
  };
}

/** Runs visits through the engine one after another, as the clinic would record them. */
export function record(disease: Disease, patient: FollowUpPatient, visits: Visit[], rules?: RuleSet): HistoryEntry[] {
  const history: HistoryEntry[] = [];
  for (const visit of visits) history.push(toEntry(visit, evaluate(disease, patient, history, visit, rules)));
  return history;
}

export function codes(outcome: FollowUpOutcome): string[] {
  return outcome.reminders.map((r) => r.code).sort();
}
