/**
 * The call list: every reminder due for a population of follow-up patients on one day. Pure; the database
 * query that fills FollowUpPatientState and the clock that gives `today` live elsewhere.
 */

import { toEpochDay, type IsoDate } from '../../shared/dates';
import {
  reminderReasons,
  type Disease,
  type DueFacts,
  type DueItem,
  type DuePerson,
  type FollowUpPatientState,
  type FollowUpReminder,
  type ReminderItem,
  type RuleSet,
} from '../../shared/followup';
import { annualCheckReminder, dueFactsOf, dueStatus, sharedReason, sweepDay, type SweepDay } from './engine';
import { BPHS_2017 } from './rule-packs/bphs-2017';

function isActive(enrolment: DueFacts, today: IsoDate): boolean {
  return enrolment.enrolledOn !== null && enrolment.enrolledOn <= today && (enrolment.endedOn == null || enrolment.endedOn > today);
}

function toItem<P extends DuePerson>(person: P, disease: Disease | null, reminder: FollowUpReminder): DueItem<P> {
  return {
    kind: reminder.code,
    person,
    disease,
    dueDate: reminder.dueDate ?? null,
    daysLate: reminder.daysLate ?? 0,
    year: reminder.year,
    faceToFaceDone: reminder.faceToFaceDone,
    required: reminder.required,
    fields: reminder.fields,
    reason: reminder.reason,
  };
}

function dueThisWeek<P extends DuePerson>(person: P, disease: Disease, due: IsoDate | null, day: SweepDay, rules: RuleSet): DueItem<P> | null {
  if (due === null || due < day.asOf || toEpochDay(due) - day.asOfDay >= rules.dueSoonDays) return null;
  return {
    kind: 'due_this_week',
    person,
    disease,
    dueDate: due,
    daysLate: 0,
    reason: sharedReason(day, disease, `w${due}`, () => reminderReasons.dueThisWeek(disease, due, rules.dueSoonDays)),
  };
}

function personReminders<P extends DuePerson>(person: P, day: SweepDay, rules: RuleSet, out: DueItem<P>[]): void {
  let enrolled = false;
  for (const enrolment of person.enrolments) {
    if (!isActive(enrolment, day.asOf)) continue;
    enrolled = true;
    const { due, reminders } = dueStatus(enrolment, person.birthDate, day, rules);
    for (const reminder of reminders) out.push(toItem(person, enrolment.disease, reminder));
    const soon = dueThisWeek(person, enrolment.disease, due, day, rules);
    if (soon) out.push(soon);
  }
  // The annual check belongs to the person, once, whether enrolled in one programme, two, or (65+) none.
  if (!enrolled && person.birthDate > day.elderlyBornBy) return;
  const last = person.lastHealthCheckDate;
  const checkedThisYear = last !== null && last >= day.period.start && last <= day.asOf;
  const annual = annualCheckReminder(person.birthDate, checkedThisYear, day);
  if (annual) out.push(toItem(person, null, annual));
}

/**
 * Most days late first, then the earliest due date, undated items last; ties keep the input order (patients as
 * given, a patient's items in a fixed order). Items are bucketed by one integer key — a sweep has a few hundred
 * distinct keys — so 60,000 items cost a few hundred comparisons, not a million.
 */
export function sortReminders<T extends { dueDate: IsoDate | null; daysLate: number }>(items: readonly T[]): T[] {
  const dayOfDue = new Map<string, number>();
  const buckets = new Map<number, T[]>();
  const span = 1 << 22; // epoch days of years 1–9999 fit well inside
  for (const item of items) {
    let key: number;
    if (item.dueDate === null) {
      key = item.daysLate === 0 ? Number.MAX_SAFE_INTEGER : -item.daysLate * span + span - 1;
    } else {
      let dueDay = dayOfDue.get(item.dueDate);
      if (dueDay === undefined) {
        dueDay = toEpochDay(item.dueDate);
        dayOfDue.set(item.dueDate, dueDay);
      }
      key = -item.daysLate * span + dueDay + span / 2;
    }
    const bucket = buckets.get(key);
    if (bucket) bucket.push(item);
    else buckets.set(key, [item]);
  }
  const sorted: T[] = [];
  for (const key of [...buckets.keys()].sort((a, b) => a - b)) {
    for (const item of buckets.get(key)!) sorted.push(item);
  }
  return sorted;
}

/**
 * The sweep over people whose enrolments are given as due facts (the station's kept due state), sorted by
 * sortReminders; each item points at its person.
 */
export function sweepDueItems<P extends DuePerson>(people: readonly P[], today: IsoDate, rules: RuleSet = BPHS_2017): DueItem<P>[] {
  const day = sweepDay(today, rules);
  const items: DueItem<P>[] = [];
  for (const person of people) personReminders(person, day, rules, items);
  return sortReminders(items);
}

interface StatePerson extends DuePerson {
  state: FollowUpPatientState;
}

/**
 * Reminders as of `today` for: face-to-face follow-ups due this week (today … today + 6) or overdue, referral
 * checks, quota at risk (spec A11), annual health check / elderly health management, incomplete data, and
 * patients contacted only by phone since their last face-to-face visit. Sorted by sortReminders.
 */
export function computeReminders(patients: readonly FollowUpPatientState[], today: IsoDate, rules: RuleSet = BPHS_2017): ReminderItem[] {
  const people: StatePerson[] = patients.map((state) => ({
    patientId: state.patientId,
    birthDate: state.birthDate,
    lastHealthCheckDate: state.lastHealthCheckDate,
    enrolments: state.enrolments.map((e) => dueFactsOf(e, rules)),
    state,
  }));
  return sweepDueItems(people, today, rules).map(({ person, ...item }) => ({
    ...item,
    patientId: person.patientId,
    village: person.state.village,
    familyDoctor: person.state.familyDoctor,
    phone: person.state.phone,
  }));
}
