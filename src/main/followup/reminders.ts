/**
 * The call list: every reminder due for a population of follow-up patients on one day. Pure; the database
 * query that fills FollowUpPatientState and the clock that gives `today` live elsewhere.
 */

import { completedYears, toEpochDay, type IsoDate } from '../../shared/dates';
import {
  reminderReasons,
  type Disease,
  type EnrolmentState,
  type FollowUpPatientState,
  type FollowUpReminder,
  type ReminderItem,
  type RuleSet,
} from '../../shared/followup';
import { annualCheckReminder, scheduleStatus, sweepDay, type SweepDay } from './engine';
import { BPHS_2017 } from './rule-packs/bphs-2017';

function isActive(enrolment: EnrolmentState, today: IsoDate): boolean {
  return enrolment.enrolledOn <= today && (enrolment.endedOn == null || enrolment.endedOn > today);
}

function toItem(patient: FollowUpPatientState, disease: Disease | null, reminder: FollowUpReminder): ReminderItem {
  return {
    kind: reminder.code,
    patientId: patient.patientId,
    disease,
    dueDate: reminder.dueDate ?? null,
    daysLate: reminder.daysLate ?? 0,
    year: reminder.year,
    faceToFaceDone: reminder.faceToFaceDone,
    required: reminder.required,
    fields: reminder.fields,
    village: patient.village,
    familyDoctor: patient.familyDoctor,
    phone: patient.phone,
    reason: reminder.reason,
  };
}

function dueThisWeek(patient: FollowUpPatientState, disease: Disease, due: IsoDate | null, day: SweepDay, rules: RuleSet): ReminderItem | null {
  if (due === null || due < day.asOf || toEpochDay(due) - day.asOfDay >= rules.dueSoonDays) return null;
  return {
    kind: 'due_this_week',
    patientId: patient.patientId,
    disease,
    dueDate: due,
    daysLate: 0,
    village: patient.village,
    familyDoctor: patient.familyDoctor,
    phone: patient.phone,
    reason: reminderReasons.dueThisWeek(disease, due, rules.dueSoonDays),
  };
}

function patientReminders(patient: FollowUpPatientState, day: SweepDay, rules: RuleSet, out: ReminderItem[]): void {
  let enrolled = false;
  for (const enrolment of patient.enrolments) {
    if (!isActive(enrolment, day.asOf)) continue;
    enrolled = true;
    const { due, reminders } = scheduleStatus(enrolment, patient.birthDate, day, rules);
    for (const reminder of reminders) out.push(toItem(patient, enrolment.disease, reminder));
    const soon = dueThisWeek(patient, enrolment.disease, due, day, rules);
    if (soon) out.push(soon);
  }
  // The annual check belongs to the person, once, whether enrolled in one programme, two, or (65+) none.
  if (!enrolled && completedYears(patient.birthDate, day.asOf) < rules.elderlyFromAge) return;
  const last = patient.lastHealthCheckDate;
  const checkedThisYear = last !== null && last >= day.period.start && last <= day.asOf;
  const annual = annualCheckReminder(patient.birthDate, checkedThisYear, day, rules);
  if (annual) out.push(toItem(patient, null, annual));
}

/** Undated items after every dated one. */
const UNDATED = Number.MAX_SAFE_INTEGER / 2;

/**
 * Most days late first, then the earliest due date, undated items last; ties keep the input order (patients as
 * given, a patient's items in a fixed order). One numeric key per item: sorting 60,000 items by comparing
 * strings cost more than computing them.
 */
export function sortReminders(items: ReminderItem[]): ReminderItem[] {
  const keys = new Float64Array(items.length);
  const dayRange = 1 << 22; // epoch days of years 1–9999 fit well inside
  items.forEach((item, i) => {
    const dueKey = item.dueDate === null ? dayRange - 1 : toEpochDay(item.dueDate) + dayRange / 2;
    keys[i] = item.dueDate === null && item.daysLate === 0 ? UNDATED : -item.daysLate * dayRange + dueKey;
  });
  const order = Array.from(items.keys());
  order.sort((a, b) => keys[a] - keys[b] || a - b);
  return order.map((i) => items[i]);
}

/**
 * Reminders as of `today` for: face-to-face follow-ups due this week (today … today + 6) or overdue, referral
 * checks, quota at risk (spec A11), annual health check / elderly health management, incomplete data, and
 * patients contacted only by phone since their last face-to-face visit. Sorted by sortReminders.
 */
export function computeReminders(patients: readonly FollowUpPatientState[], today: IsoDate, rules: RuleSet = BPHS_2017): ReminderItem[] {
  const day = sweepDay(today, rules);
  const items: ReminderItem[] = [];
  for (const patient of patients) patientReminders(patient, day, rules, items);
  return sortReminders(items);
}
