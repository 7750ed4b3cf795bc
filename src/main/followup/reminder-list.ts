/**
 * Use case: the reminder list (all or one village / family doctor), its pages and counts, and the call list.
 *
 * The list is swept from the kept due state (due-state.ts): the residents in list order with their birth dates
 * (patients/population.ts, one covering-index read), each open enrolment's due facts and this year's health checks,
 * both from the connection's kept mirror brought up to the list's snapshot (list-mirror.ts), so a village's list
 * reads only its own residents. Names, villages and phones are looked up only for what is shown: the page, or the
 * call list's rows. reminder-worker.ts runs this off the main thread.
 */

import { REMINDER_KINDS, type ReminderFilter, type ReminderRow } from '../../shared/api/followup';
import { yearPeriodContaining } from '../../shared/dates';
import type { DueItem, DuePerson, RuleSet } from '../../shared/followup';
import { readTransaction, type ReadDb } from '../db/handles';
import {
  residentCards,
  residentCardsById,
  residentKeys,
  familyDoctors as doctorsOfResidents,
  type ResidentCard,
  type ResidentKey,
} from '../patients/population';
import { callListCsv, type CsvLocale } from './call-list';
import { listState } from './list-mirror';
import { sweepDueItems } from './reminders';

/**
 * Born on or before this (compared as text) ⇔ at least `age` on `today`. On Feb 29 the cutoff is itself no date, but
 * as text it still sorts between Feb 28 and Mar 1, which is spec A2 (a Feb-29 birthday is reached on Mar 1).
 */
export function elderlyBornBy(asOf: string, age: number): string {
  return `${String(Number(asOf.slice(0, 4)) - age).padStart(4, '0')}${asOf.slice(4)}`;
}

export interface ReminderListParams {
  asOf: string;
  rules: RuleSet;
  filter: Pick<ReminderFilter, 'village' | 'familyDoctor'>;
}

/**
 * Every reminder as of `asOf` for the filtered population, most urgent first (reminders.ts); ties keep list order
 * (village, name). Pure of the clock; read in one read transaction so the three reads see one state.
 */
export function sweepList(db: ReadDb, p: ReminderListParams & { residents?: readonly ResidentKey[] }): DueItem[] {
  return readTransaction(db, () => {
    const filter = { village: p.filter.village, familyDoctor: p.filter.familyDoctor };
    // A caller that shows every row (the call list) has read the residents' cards already: they carry the keys.
    const residents = p.residents ?? residentKeys(db.$client, filter);
    const period = yearPeriodContaining(p.asOf, p.rules.yearStartMonth);
    // The parsed due state and checks are kept between lists and brought up to this snapshot (list-mirror.ts).
    const { facts, checks } = listState(db, period.start, p.asOf);
    const bornBy = elderlyBornBy(p.asOf, p.rules.elderlyFromAge);
    const people: DuePerson[] = [];
    for (const resident of residents) {
      const enrolments = facts.get(resident.patientId);
      if (!enrolments && resident.birthDate > bornBy) continue;
      people.push({
        patientId: resident.patientId,
        birthDate: resident.birthDate,
        lastHealthCheckDate: checks.get(resident.patientId) ?? null,
        enrolments: enrolments ?? [],
      });
    }
    return sweepDueItems(people, p.asOf, p.rules);
  });
}

export function rowOf(item: DueItem, card: ResidentCard): ReminderRow {
  return {
    kind: item.kind,
    patientId: card.patientId,
    name: card.name,
    sex: card.sex,
    birthDate: card.birthDate,
    disease: item.disease,
    dueDate: item.dueDate,
    daysLate: item.daysLate,
    year: item.year,
    faceToFaceDone: item.faceToFaceDone,
    required: item.required,
    fields: item.fields,
    village: card.village,
    familyDoctor: card.familyDoctor,
    phone: card.phone,
    reason: item.reason,
  };
}

/** Items with what they show: cards looked up for these items only. */
export function rowsOf(db: ReadDb, items: readonly DueItem[], cards?: Map<string, ResidentCard>): ReminderRow[] {
  const known =
    cards ??
    residentCardsById(
      db.$client,
      items.map((i) => i.person.patientId),
    );
  const rows: ReminderRow[] = [];
  for (const item of items) {
    const card = known.get(item.person.patientId);
    if (card) rows.push(rowOf(item, card)); // every item comes from a listed resident; the guard keeps types honest
  }
  return rows;
}

export interface ReminderPage {
  today: string;
  counts: Record<string, number>;
  total: number;
  items: ReminderRow[];
}

/** The screen's page: counts of every kind, the chosen kind's total and one page of rows. */
export function reminderPageAsOf(db: ReadDb, p: ReminderListParams & { kind?: ReminderFilter['kind']; limit: number; offset: number }): ReminderPage {
  const all = sweepList(db, p);
  const counts: Record<string, number> = Object.fromEntries(REMINDER_KINDS.map((k) => [k, 0]));
  for (const item of all) counts[item.kind] += 1;
  const chosen = p.kind ? all.filter((item) => item.kind === p.kind) : all;
  return { today: p.asOf, counts, total: chosen.length, items: rowsOf(db, chosen.slice(p.offset, p.offset + p.limit)) };
}

/** Every row of the list with what it shows (exports, tools and tests). */
export function reminderRowsAsOf(db: ReadDb, p: ReminderListParams & { kind?: ReminderFilter['kind'] }): ReminderRow[] {
  return readTransaction(db, () => {
    const whole = p.filter.village === undefined && p.filter.familyDoctor === undefined;
    if (whole)
      return rowsOf(
        db,
        sweepList(db, p).filter((item) => !p.kind || item.kind === p.kind),
      );
    // A village's or doctor's rows are most of its residents: read their cards in one range, which also gives the
    // sweep its residents (one read instead of two).
    const cards = residentCards(db.$client, p.filter);
    const items = sweepList(db, { ...p, residents: cards }).filter((item) => !p.kind || item.kind === p.kind);
    return rowsOf(db, items, new Map(cards.map((c) => [c.patientId, c])));
  });
}

export function callListAsOf(
  db: ReadDb,
  p: ReminderListParams & { kind?: ReminderFilter['kind']; locale: CsvLocale },
): { fileName: string; content: string; rows: number } {
  const rows = reminderRowsAsOf(db, p);
  return {
    fileName: p.locale === 'en' ? `follow-up-call-list-${p.asOf}.csv` : `随访电话名单-${p.asOf}.csv`,
    content: callListCsv(rows, p.locale),
    rows: rows.length,
  };
}

export function familyDoctorsOf(db: ReadDb): string[] {
  return doctorsOfResidents(db.$client);
}
