/** Use case: the reminder list (all or one village / family doctor), its pages and counts, and the call list. */

import { REMINDER_KINDS, type ReminderFilter, type ReminderRow } from '../../shared/api/followup';
import { yearPeriodContaining } from '../../shared/dates';
import type { Db } from '../db/open';
import { callListCsv, type CsvLocale } from './call-list';
import { today, type FollowupContext } from './context';
import { loadFamilyDoctors, loadReminderPopulation } from './followup-queries';
import { computeReminders } from './reminders';
import type { RuleSet } from '../../shared/followup';

/**
 * Born on or before this (compared as text) ⇔ at least `age` on `today`. On Feb 29 the cutoff is itself no date, but
 * as text it still sorts between Feb 28 and Mar 1, which is spec A2 (a Feb-29 birthday is reached on Mar 1).
 */
export function elderlyBornBy(asOf: string, age: number): string {
  return `${String(Number(asOf.slice(0, 4)) - age).padStart(4, '0')}${asOf.slice(4)}`;
}

/** Every reminder as of `asOf` for the filtered population, most urgent first (reminders.ts). Pure of the clock. */
export function reminderRowsAsOf(db: Db, p: { asOf: string; rules: RuleSet; filter: ReminderFilter }): ReminderRow[] {
  const period = yearPeriodContaining(p.asOf, p.rules.yearStartMonth);
  const population = loadReminderPopulation(db.$client, p.asOf, period.start, elderlyBornBy(p.asOf, p.rules.elderlyFromAge), p.filter);
  const items = computeReminders(population.states, p.asOf, p.rules);
  const rows: ReminderRow[] = [];
  for (const item of items) {
    if (p.filter.kind && item.kind !== p.filter.kind) continue;
    const person = population.people.get(item.patientId);
    if (!person) continue; // every item comes from a loaded person; the guard keeps the types honest
    rows.push({ ...item, name: person.name, sex: person.sex, birthDate: person.birthDate, disease: item.disease });
  }
  return rows;
}

export function reminderRows(ctx: FollowupContext, p: { filter: ReminderFilter }): ReminderRow[] {
  return reminderRowsAsOf(ctx.db(), { asOf: today(ctx), rules: ctx.rules, filter: p.filter });
}

export function reminderPage(ctx: FollowupContext, p: { filter: ReminderFilter; limit: number; offset: number }) {
  const all = reminderRows(ctx, { filter: { village: p.filter.village, familyDoctor: p.filter.familyDoctor } });
  const counts: Record<string, number> = Object.fromEntries(REMINDER_KINDS.map((k) => [k, 0]));
  for (const row of all) counts[row.kind] += 1;
  const chosen = p.filter.kind ? all.filter((r) => r.kind === p.filter.kind) : all;
  return { today: today(ctx), counts, total: chosen.length, items: chosen.slice(p.offset, p.offset + p.limit) };
}

export function callList(ctx: FollowupContext, p: { filter: ReminderFilter; locale: CsvLocale }): { fileName: string; content: string; rows: number } {
  const rows = reminderRows(ctx, { filter: p.filter });
  const asOf = today(ctx);
  return { fileName: p.locale === 'en' ? `follow-up-call-list-${asOf}.csv` : `随访电话名单-${asOf}.csv`, content: callListCsv(rows, p.locale), rows: rows.length };
}

export function familyDoctors(ctx: FollowupContext): string[] {
  return loadFamilyDoctors(ctx.db().$client);
}
