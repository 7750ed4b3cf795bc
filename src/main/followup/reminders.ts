/**
 * The call list: every reminder due for a population of follow-up patients on one day. Pure; the database
 * query that fills FollowUpPatientState and the clock that gives `today` live elsewhere.
 */

import { completedYears, daysBetween, yearPeriodContaining, type IsoDate } from '../../shared/dates';
import {
  reminderReasons,
  type Disease,
  type FollowUpPatientState,
  type FollowUpReminder,
  type ReminderItem,
  type RuleSet,
} from '../../shared/followup';
import { annualCheckReminder, pendingFaceToFaceDue, scheduleReminders, type ScheduleState } from './engine';
import { BPHS_2017 } from './rule-packs/bphs-2017';

function isActive(enrolment: { enrolledOn: IsoDate; endedOn?: IsoDate | null }, today: IsoDate): boolean {
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

function dueThisWeek(patient: FollowUpPatientState, state: ScheduleState, today: IsoDate, rules: RuleSet): ReminderItem | null {
  const due = pendingFaceToFaceDue(state, rules);
  if (due === null || due < today || daysBetween(today, due) >= rules.dueSoonDays) return null;
  return {
    kind: 'due_this_week',
    patientId: patient.patientId,
    disease: state.disease,
    dueDate: due,
    daysLate: 0,
    village: patient.village,
    familyDoctor: patient.familyDoctor,
    phone: patient.phone,
    reason: reminderReasons.dueThisWeek(state.disease, due, rules.dueSoonDays),
  };
}

function patientReminders(patient: FollowUpPatientState, today: IsoDate, yearStart: IsoDate, rules: RuleSet, out: ReminderItem[]): void {
  let enrolled = false;
  for (const enrolment of patient.enrolments) {
    if (!isActive(enrolment, today)) continue;
    enrolled = true;
    for (const reminder of scheduleReminders(enrolment, patient.birthDate, today, rules)) {
      out.push(toItem(patient, enrolment.disease, reminder));
    }
    const soon = dueThisWeek(patient, enrolment, today, rules);
    if (soon) out.push(soon);
  }
  // The annual check belongs to the person, once, whether enrolled in one programme, two, or (65+) none.
  if (!enrolled && completedYears(patient.birthDate, today) < rules.elderlyFromAge) return;
  const checkedThisYear = patient.lastHealthCheckDate !== null && patient.lastHealthCheckDate >= yearStart && patient.lastHealthCheckDate <= today;
  const annual = annualCheckReminder(patient.birthDate, checkedThisYear, today, rules);
  if (annual) out.push(toItem(patient, null, annual));
}

/** Latest first: the most days late, then the earliest due date; undated items last. */
export function compareReminders(a: ReminderItem, b: ReminderItem): number {
  if (a.daysLate !== b.daysLate) return b.daysLate - a.daysLate;
  if (a.dueDate !== b.dueDate) {
    if (a.dueDate === null) return 1;
    if (b.dueDate === null) return -1;
    return a.dueDate < b.dueDate ? -1 : 1;
  }
  if (a.patientId !== b.patientId) return a.patientId < b.patientId ? -1 : 1;
  return a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0;
}

/**
 * Reminders as of `today` for: face-to-face follow-ups due this week (today … today + 6) or overdue, referral
 * checks, quota at risk (spec A11), annual health check / elderly health management, incomplete data, and
 * patients contacted only by phone since their last face-to-face visit. Sorted by compareReminders.
 */
export function computeReminders(patients: readonly FollowUpPatientState[], today: IsoDate, rules: RuleSet = BPHS_2017): ReminderItem[] {
  const { start } = yearPeriodContaining(today, rules.yearStartMonth);
  const items: ReminderItem[] = [];
  for (const patient of patients) patientReminders(patient, today, start, rules, items);
  return items.sort(compareReminders);
}
