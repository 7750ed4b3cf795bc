/**
 * The kept indicator facts (followup_indicator_years): per resident, programme and reporting year, how many
 * face-to-face follow-ups fell inside the year and inside one of the resident's enrolments in that programme, and the
 * latest of them (date, staff-measured SBP/DBP/FBG). That is all the yearly report (indicators.ts) needs of a
 * year's 200,000 follow-ups, so the report reads one row per managed resident instead of every visit.
 *
 * Like the due state (due-state.ts) the rows are never patched: every write that can move them (a visit, enrolling,
 * ending an enrolment, rows applied from sync) recomputes the resident's rows in that programme with one statement in
 * the same transaction — refreshDueState calls refreshIndicatorYears, so every path that keeps the due state keeps
 * these too — and a patient merge recomputes the kept resident's rows. Migration 0028 and
 * `workstation rebuild-due-state` run the same statement over everyone (a test holds the migration's text equal to
 * indicatorYearsSql(BPHS_2017, 'all')).
 *
 * The resident column is `resident_id`, not `patient_id`, on purpose: a merge re-points every `patient_id` column
 * blindly, and two residents' rows of the same programme and year would collide on the key; the merge recomputes
 * instead (onPatientsMerged).
 */

import type { RuleSet } from '../../shared/followup';
import { yearPeriod } from '../../shared/dates';
import type { ReadDb } from '../db/handles';
import type { Sqlite } from '../db/open';
import { readQuery, readRow, readRows, value } from '../db/read-sql';
import { followupHealthChecks } from '../db/schema/followup';
import { indicatorsFromYearFacts, type IndicatorYearFacts } from './indicators';

type YearRules = Pick<RuleSet, 'yearStartMonth'>;

function month(rules: YearRules): number {
  const m = rules.yearStartMonth;
  if (!Number.isInteger(m) || m < 1 || m > 12) throw new Error(`yearStartMonth must be a whole number 1–12, got ${m}`);
  return m;
}

/**
 * The statements that recompute the kept indicator facts: of one enrolment's resident and programme
 * (`@enrolmentId`), of one resident (`@residentId`, every programme), or of everyone. The start month is written
 * into the text so that the migration can hold the very same statement.
 */
export function indicatorYearsSql(rules: YearRules, scope: 'enrolment' | 'resident' | 'all'): string[] {
  const m = month(rules);
  const owner =
    scope === 'enrolment'
      ? `(SELECT patient_id, disease FROM followup_enrolments WHERE id = @enrolmentId)`
      : scope === 'resident'
        ? `(SELECT @residentId, disease FROM (SELECT 'hypertension' AS disease UNION ALL SELECT 't2dm'))`
        : '';
  const remove = scope === 'all' ? 'DELETE FROM followup_indicator_years' : `DELETE FROM followup_indicator_years WHERE (resident_id, disease) IN ${owner}`;
  const only = scope === 'all' ? '' : `\n      AND (r.patient_id, r.disease) IN ${owner}`;
  // Face-to-face follow-ups inside one of the resident's enrolments in the programme (indicators.ts counts no
  // screening visit before enrolment); per year, the count and the latest by date, then written order (rowid).
  const insert = `INSERT INTO followup_indicator_years (year_start, disease, resident_id, visits, latest_on, sbp, dbp, fbg)
SELECT year_start, disease, patient_id, visits, visit_date, sbp, dbp, fbg FROM (
  SELECT v.year_start, v.disease, v.patient_id, v.visit_date, v.sbp, v.dbp, v.fbg,
    count(*) OVER per_year AS visits,
    row_number() OVER (per_year ORDER BY v.visit_date DESC, v.written DESC) AS newest
  FROM (
    SELECT r.rowid AS written, r.patient_id, r.disease, r.visit_date,
      CASE WHEN r.self_reported_home_bp = 1 THEN NULL ELSE r.sbp END AS sbp,
      CASE WHEN r.self_reported_home_bp = 1 THEN NULL ELSE r.dbp END AS dbp,
      r.fbg,
      printf('%04d-%02d-01', CAST(substr(r.visit_date, 1, 4) AS INTEGER) - (CAST(substr(r.visit_date, 6, 2) AS INTEGER) < ${m}), ${m}) AS year_start
    FROM followup_records r
    WHERE r.face_to_face = 1 AND r.mode <> 'phone'${only}
      AND EXISTS (SELECT 1 FROM followup_enrolments e WHERE e.patient_id = r.patient_id AND e.disease = r.disease
        AND e.enrolled_on <= r.visit_date AND (e.ended_on IS NULL OR r.visit_date <= e.ended_on))
  ) v
  WINDOW per_year AS (PARTITION BY v.patient_id, v.disease, v.year_start)
) WHERE newest = 1`;
  return [remove, insert];
}

const prepared = new WeakMap<Sqlite, Map<string, ReturnType<Sqlite['prepare']>[]>>();

function statements(sqlite: Sqlite, rules: YearRules, scope: 'enrolment' | 'resident'): ReturnType<Sqlite['prepare']>[] {
  let bySqlite = prepared.get(sqlite);
  if (!bySqlite) prepared.set(sqlite, (bySqlite = new Map()));
  const key = `${scope}|${month(rules)}`;
  let list = bySqlite.get(key);
  if (!list) bySqlite.set(key, (list = indicatorYearsSql(rules, scope).map((sql) => sqlite.prepare(sql))));
  return list;
}

/** Recomputes the kept facts of one enrolment's resident in its programme; inside the write transaction. */
export function refreshIndicatorYears(sqlite: Sqlite, rules: YearRules, enrolmentId: string): void {
  if (!sqlite.inTransaction) throw new Error('refreshIndicatorYears must run inside the write transaction');
  for (const statement of statements(sqlite, rules, 'enrolment')) statement.run({ enrolmentId });
}

/**
 * A merge moved the merged resident's follow-ups and enrolments to the kept one: the merged resident has no rows
 * left and the kept one's are recomputed from everything it now holds. Inside the merge transaction.
 */
export function onPatientsMerged(sqlite: Sqlite, rules: YearRules, keepId: string, mergeId: string): void {
  if (!sqlite.inTransaction) throw new Error('onPatientsMerged must run inside the merge transaction');
  for (const residentId of [mergeId, keepId]) for (const statement of statements(sqlite, rules, 'resident')) statement.run({ residentId });
}

/** Recomputes everyone's kept facts (inside the caller's transaction: the due-state rebuild); returns the rows. */
export function rebuildIndicatorYears(sqlite: Sqlite, rules: YearRules): number {
  const [remove, insert] = indicatorYearsSql(rules, 'all');
  sqlite.prepare(remove).run();
  return sqlite.prepare(insert).run().changes;
}

const FIELD = '\x1f';
const ROW = '\x1e';

const YEAR_FACTS = readQuery(
  `SELECT group_concat(m.patient_id || char(31) || m.disease || char(31) || p.birth_date || char(31) || ifnull(y.visits, 0) || char(31) ||
    ifnull(y.latest_on, '') || char(31) || ifnull(y.sbp, '') || char(31) || ifnull(y.dbp, '') || char(31) || ifnull(y.fbg, ''), char(30)) AS text
  FROM (SELECT DISTINCT patient_id, disease FROM followup_enrolments WHERE enrolled_on <= @end AND (ended_on IS NULL OR ended_on >= @start)) m
  JOIN patients p ON p.id = m.patient_id AND p.merged_into IS NULL
  LEFT JOIN followup_indicator_years y ON y.year_start = @start AND y.disease = m.disease AND y.resident_id = m.patient_id`,
  { text: value.textOrNull },
);
const CHECKED_IN_YEAR = readQuery(`SELECT DISTINCT patient_id AS patientId FROM followup_health_checks WHERE check_date >= @start AND check_date <= @end`, {
  patientId: followupHealthChecks.patientId,
});

/**
 * The year's facts of every resident managed in it (an enrolment overlapping the year; residents merged away are
 * left out, their enrolments are the kept resident's now): one statement, handed over as one text (see
 * patients/population.ts for why), joined to the kept row of the year when the resident has one.
 */
export function yearFacts(db: ReadDb, p: { year: number; rules: Pick<RuleSet, 'yearStartMonth' | 'standardManagement'> }): IndicatorYearFacts[] {
  const period = yearPeriod(p.year, p.rules.yearStartMonth);
  const text = readRow(db, YEAR_FACTS, { start: period.start, end: period.end })?.text;
  // Only asked for when the programme's settings require the annual check (off by default).
  const checked = new Set<string>();
  if (p.rules.standardManagement.requireAnnualHealthCheck) {
    for (const row of readRows(db, CHECKED_IN_YEAR, { start: period.start, end: period.end })) checked.add(row.patientId);
  }
  const out: IndicatorYearFacts[] = [];
  if (!text) return out;
  const number = (value: string) => (value === '' ? null : Number(value));
  for (const line of text.split(ROW)) {
    const [patientId, disease, birthDate, visits, latestOn, sbp, dbp, fbg] = line.split(FIELD);
    if (disease !== 'hypertension' && disease !== 't2dm') continue; // the two programmes; nothing else is enrolled
    out.push({
      patientId,
      disease,
      birthDate,
      visits: Number(visits),
      latest: latestOn === '' ? null : { date: latestOn, sbp: number(sbp), dbp: number(dbp), fbg: number(fbg) },
      checkedInYear: checked.has(patientId),
    });
  }
  return out;
}

/** The year's report from the kept facts. */
export function keptIndicators(db: ReadDb, p: { year: number; rules: RuleSet }) {
  return indicatorsFromYearFacts(yearFacts(db, p), p.year, p.rules);
}
