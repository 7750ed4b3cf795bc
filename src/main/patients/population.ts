/**
 * Population reads of the patients feature for lists that cover a whole township (the follow-up reminder sweep,
 * call lists): residents in list order (village, then name), optionally one village or one family doctor's, and the
 * few facts a list shows of each.
 *
 * Each read is one statement that SQLite answers from a partial covering index (migration 0019:
 * patients_village_order_idx, patients_doctor_order_idx) and hands over as one text (group_concat), which this
 * module splits. At 50,000 residents that costs a sixth of reading the same rows value by value through the
 * driver, whose per-value conversion was the cost, not the decryption (measured in bench/followup.ts's notes,
 * docs/followup-rules.md).
 */

import type { Reader } from '../db/handles';
import { readQuery, readRow, readRows, value } from '../db/read-sql';
import { patients } from '../db/schema/patients';

export interface PopulationFilter {
  village?: string;
  familyDoctor?: string;
}

/** What a list needs to order and sweep a resident by: the id and the birth date. */
export interface ResidentKey {
  patientId: string;
  birthDate: string;
}

/** What a list shows of a resident. */
export interface ResidentCard {
  patientId: string;
  name: string;
  sex: 'M' | 'F' | 'U';
  birthDate: string;
  village: string | null;
  familyDoctor: string | null;
  phone: string | null;
}

/** ASCII unit and record separators: no name, village or phone can hold them. */
const FIELD = '\x1f';
const ROW = '\x1e';

/**
 * List order: by village with residents without one last, then name (code points), then id. Two range reads of the
 * covering index, the village-less residents second, so neither needs a sort.
 */
function orderedSelect(columns: string, filter: PopulationFilter): { sql: string; params: Record<string, string> }[] {
  const where = ['merged_into IS NULL'];
  const params: Record<string, string> = {};
  if (filter.familyDoctor !== undefined) {
    where.push('contract_doctor = @doctor');
    params.doctor = filter.familyDoctor;
  }
  const index = filter.familyDoctor !== undefined && filter.village === undefined ? 'patients_doctor_order_idx' : 'patients_village_order_idx';
  const from = `FROM patients INDEXED BY ${index}`;
  const parts: { sql: string; params: Record<string, string> }[] = [];
  if (filter.village !== undefined) {
    parts.push({
      sql: `SELECT ${columns} ${from} WHERE ${[...where, 'village = @village'].join(' AND ')} ORDER BY village, name, id`,
      params: { ...params, village: filter.village },
    });
    return parts;
  }
  const prefix = filter.familyDoctor !== undefined ? 'contract_doctor, ' : '';
  parts.push({ sql: `SELECT ${columns} ${from} WHERE ${[...where, 'village IS NOT NULL'].join(' AND ')} ORDER BY ${prefix}village, name, id`, params });
  parts.push({ sql: `SELECT ${columns} ${from} WHERE ${[...where, 'village IS NULL'].join(' AND ')} ORDER BY ${prefix}village, name, id`, params });
  return parts;
}

const CONCATENATED = { lines: value.textOrNull };

function concatenated(db: Reader, sql: string, params: Record<string, string>): string[] {
  const text = readRow(db, readQuery(`SELECT group_concat(line, char(30)) AS lines FROM (${sql})`, CONCATENATED), params)?.lines;
  return text ? text.split(ROW) : [];
}

/** Residents (not merged away) in list order: id and birth date. */
export function residentKeys(db: Reader, filter: PopulationFilter = {}): ResidentKey[] {
  const out: ResidentKey[] = [];
  for (const part of orderedSelect(`id || char(31) || birth_date AS line`, filter)) {
    for (const line of concatenated(db, part.sql, part.params)) {
      const tab = line.indexOf(FIELD);
      out.push({ patientId: line.slice(0, tab), birthDate: line.slice(tab + 1) });
    }
  }
  return out;
}

const CARD_LINE = `id || char(31) || name || char(31) || sex || char(31) || birth_date || char(31) || ifnull(village, '') || char(31) ||
  ifnull(contract_doctor, '') || char(31) || ifnull(phone, '') AS line`;

function sexOf(value: string): ResidentCard['sex'] {
  return value === 'M' || value === 'F' ? value : 'U';
}

function cardOf(line: string): ResidentCard {
  const [patientId, name, sex, birthDate, village, familyDoctor, phone] = line.split(FIELD);
  // Village, doctor and phone are never stored empty (the forms send null), so '' here is NULL.
  return { patientId, name, sex: sexOf(sex), birthDate, village: village || null, familyDoctor: familyDoctor || null, phone: phone || null };
}

/** Residents in list order with what a list shows (a village's call list, one doctor's patients). */
export function residentCards(db: Reader, filter: PopulationFilter = {}): ResidentCard[] {
  const out: ResidentCard[] = [];
  for (const part of orderedSelect(CARD_LINE, filter)) for (const line of concatenated(db, part.sql, part.params)) out.push(cardOf(line));
  return out;
}

/** The cards of the given residents (a page of a list), by id; merged-away ids are still answered. */
export function residentCardsById(db: Reader, ids: readonly string[]): Map<string, ResidentCard> {
  const cards = new Map<string, ResidentCard>();
  if (ids.length === 0) return cards;
  const sql = `SELECT ${CARD_LINE} FROM patients WHERE id IN (SELECT value FROM json_each(@ids))`;
  for (const line of concatenated(db, sql, { ids: JSON.stringify([...new Set(ids)]) })) {
    const card = cardOf(line);
    cards.set(card.patientId, card);
  }
  return cards;
}

const doctors = readQuery(
  `SELECT DISTINCT contract_doctor AS doctor FROM patients INDEXED BY patients_doctor_order_idx
   WHERE merged_into IS NULL AND contract_doctor IS NOT NULL ORDER BY contract_doctor`,
  { doctor: patients.contractDoctor },
);

/** The family doctors residents are contracted with (the reminder filter offers them). */
export function familyDoctors(db: Reader): string[] {
  return readRows(db, doctors).flatMap((d) => (d.doctor === null ? [] : [d.doctor]));
}

/** Birth dates of the given residents that are not merged away, by id. */
export function birthDatesOf(db: Reader, ids: readonly string[]): Map<string, string> {
  const births = new Map<string, string>();
  if (ids.length === 0) return births;
  const sql = `SELECT id || char(31) || birth_date AS line FROM patients WHERE merged_into IS NULL AND id IN (SELECT value FROM json_each(@ids))`;
  for (const line of concatenated(db, sql, { ids: JSON.stringify(ids) })) {
    const cut = line.indexOf(FIELD);
    births.set(line.slice(0, cut), line.slice(cut + 1));
  }
  return births;
}
