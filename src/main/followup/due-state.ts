/**
 * The kept due state (followup_due_state): one row per open enrolment with its DueFacts (src/shared/followup.ts),
 * what the reminder sweep needs of the enrolment's history. It is never patched field by field: every write to an
 * enrolment, its follow-ups, referrals or referral checks recomputes the enrolment's row from those tables with one
 * statement, in the same transaction, so a back-dated entry or a same-day pair lands exactly where the engine's
 * history order (date, then written order) puts it. Migration 0019 and `workstation rebuild-due-state` run the same
 * statement over every enrolment (a test holds the migration's text equal to dueStateSql(BPHS_2017, 'all')).
 *
 * The SQL is the engine's dueFactsOf (engine.ts) over the rows; a property test checks the two agree after random
 * sequences of writes.
 */

import type { RuleSet } from '../../shared/followup';
import type { Db, Sqlite } from '../db/open';
import { rebuildIndicatorYears, refreshIndicatorYears } from './indicator-years';

type DueRules = Pick<RuleSet, 'recheckDays' | 'yearStartMonth'>;

function whole(value: number, name: string, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be a whole number ${min}–${max}, got ${value}`);
  return value;
}

/**
 * The statements that recompute due state: for one enrolment (`@enrolmentId`) or for all. The rule numbers are
 * written into the text (checked whole numbers) so that the migration can hold the very same statement.
 */
export function dueStateSql(rules: DueRules, scope: 'enrolment' | 'all'): string[] {
  const recheck = `'+${whole(rules.recheckDays, 'recheckDays', 1, 366)} days'`;
  const month = whole(rules.yearStartMonth, 'yearStartMonth', 1, 12);
  const only = scope === 'enrolment' ? ' AND e.id = @enrolmentId' : '';
  const remove = scope === 'enrolment' ? 'DELETE FROM followup_due_state WHERE enrolment_id = @enrolmentId' : 'DELETE FROM followup_due_state';
  const insert = `INSERT INTO followup_due_state (enrolment_id, patient_id, disease, enrolled_on, due_on, referral_check_due_on, last_visit_on,
  phone_since_visit, sbp, dbp, fbg, year_start, year_visits)
SELECT s.id, s.patient_id, s.disease, s.enrolled_on,
  CASE
    WHEN s.visit_on IS NULL THEN date(coalesce(s.check_on, s.enrolled_on), ${recheck})
    WHEN s.check_on IS NOT NULL AND s.visit_action IN ('refer', 'urgent_refer') AND s.check_on >= s.visit_on THEN date(s.check_on, ${recheck})
    ELSE s.visit_next
  END,
  CASE
    WHEN s.referred_on IS NULL THEN NULL
    WHEN s.check_on IS NOT NULL AND s.check_on >= s.referred_on THEN
      CASE WHEN s.check_outcome = 'completed' THEN NULL ELSE date(s.check_on, ${recheck}) END
    ELSE date(s.referred_on, ${recheck})
  END,
  s.visit_on,
  coalesce(s.visit_on IS NOT NULL AND s.phone_on > s.visit_on, 0),
  s.sbp, s.dbp, s.fbg,
  s.year_start,
  CASE WHEN s.year_start IS NULL THEN 0 ELSE (
    SELECT count(*) FROM followup_records y
    WHERE y.enrolment_id = s.id AND y.face_to_face = 1 AND y.visit_date >= s.year_start AND y.visit_date <= s.visit_on) END
FROM (
  SELECT e.id, e.patient_id, e.disease, e.enrolled_on,
    v.visit_date AS visit_on, v.action AS visit_action, v.next_due_date AS visit_next,
    CASE WHEN v.self_reported_home_bp = 1 THEN NULL ELSE v.sbp END AS sbp,
    CASE WHEN v.self_reported_home_bp = 1 THEN NULL ELSE v.dbp END AS dbp,
    v.fbg,
    CASE WHEN v.visit_date IS NULL THEN NULL ELSE printf('%04d-%02d-01',
      CAST(substr(v.visit_date, 1, 4) AS INTEGER) - (CAST(substr(v.visit_date, 6, 2) AS INTEGER) < ${month}), ${month}) END AS year_start,
    (SELECT max(p.visit_date) FROM followup_records p WHERE p.enrolment_id = e.id AND p.face_to_face = 0) AS phone_on,
    (SELECT f.referred_on FROM followup_referrals f WHERE f.enrolment_id = e.id ORDER BY f.referred_on DESC, f.rowid DESC LIMIT 1) AS referred_on,
    c.check_date AS check_on, c.outcome AS check_outcome
  FROM followup_enrolments e
  LEFT JOIN followup_records v ON v.rowid = (
    SELECT r.rowid FROM followup_records r WHERE r.enrolment_id = e.id AND r.face_to_face = 1 ORDER BY r.visit_date DESC, r.rowid DESC LIMIT 1)
  LEFT JOIN followup_referral_checks c ON c.rowid = (
    SELECT k.rowid FROM followup_referral_checks k WHERE k.enrolment_id = e.id ORDER BY k.check_date DESC, k.rowid DESC LIMIT 1)
  WHERE e.ended_on IS NULL${only}
) s`;
  return [remove, insert];
}

const prepared = new WeakMap<Sqlite, Map<string, ReturnType<Sqlite['prepare']>[]>>();

function statements(sqlite: Sqlite, rules: DueRules): ReturnType<Sqlite['prepare']>[] {
  let bySqlite = prepared.get(sqlite);
  if (!bySqlite) prepared.set(sqlite, (bySqlite = new Map()));
  const key = `${rules.recheckDays}|${rules.yearStartMonth}`;
  let list = bySqlite.get(key);
  if (!list) bySqlite.set(key, (list = dueStateSql(rules, 'enrolment').map((sql) => sqlite.prepare(sql))));
  return list;
}

/**
 * Recomputes one enrolment's due state, and its resident's kept indicator facts in the programme
 * (indicator-years.ts); call it inside the write transaction of every change to the enrolment, its follow-ups,
 * referrals or referral checks (including rows applied from sync). An ended enrolment has no due-state row.
 */
export function refreshDueState(db: Db, rules: DueRules, enrolmentId: string): void {
  const sqlite = db.$client;
  if (!sqlite.inTransaction) throw new Error('refreshDueState must run inside the write transaction');
  for (const statement of statements(sqlite, rules)) statement.run({ enrolmentId });
  refreshIndicatorYears(sqlite, rules, enrolmentId);
}

/**
 * Recomputes every enrolment's due state and everyone's kept indicator facts from the history, in one transaction;
 * returns the rows written.
 */
export function rebuildDueState(sqlite: Sqlite, rules: DueRules): { enrolments: number; indicatorYears: number } {
  const [remove, insert] = dueStateSql(rules, 'all');
  return sqlite
    .transaction(() => {
      sqlite.prepare(remove).run();
      const enrolments = sqlite.prepare(insert).run().changes;
      return { enrolments, indicatorYears: rebuildIndicatorYears(sqlite, rules) };
    })
    .immediate();
}
