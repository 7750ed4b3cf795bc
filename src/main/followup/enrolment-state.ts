/**
 * The schedule state kept on each enrolment row (EnrolmentState of src/shared/followup.ts minus the year's dates):
 * the latest face-to-face visit, phone contact, referral and referral check. It is never patched field by field:
 * every write to those tables recomputes it from them with this one statement, in the same transaction, so a
 * back-dated entry or a same-day pair lands exactly where the engine's history order (date, then written order)
 * puts it. Migration 0009 ran the same statement over every enrolment (a test holds the two texts equal).
 */

import type { Sqlite } from '../db/open';

export const ENROLMENT_STATE_UPDATE = `UPDATE followup_enrolments SET
  (last_visit_date, last_visit_action, last_visit_next_due, last_visit_sbp, last_visit_dbp, last_visit_fbg) = (
    SELECT r.visit_date, r.action, r.next_due_date,
      CASE WHEN r.self_reported_home_bp = 1 THEN NULL ELSE r.sbp END,
      CASE WHEN r.self_reported_home_bp = 1 THEN NULL ELSE r.dbp END,
      r.fbg
    FROM followup_records r WHERE r.enrolment_id = followup_enrolments.id AND r.face_to_face = 1
    ORDER BY r.visit_date DESC, r.rowid DESC LIMIT 1),
  last_phone_date = (
    SELECT max(p.visit_date) FROM followup_records p WHERE p.enrolment_id = followup_enrolments.id AND p.face_to_face = 0),
  (last_referral_date, last_referral_urgent) = (
    SELECT f.referred_on, f.urgency = 'urgent' FROM followup_referrals f WHERE f.enrolment_id = followup_enrolments.id
    ORDER BY f.referred_on DESC, f.rowid DESC LIMIT 1),
  (last_check_date, last_check_outcome) = (
    SELECT c.check_date, c.outcome FROM followup_referral_checks c WHERE c.enrolment_id = followup_enrolments.id
    ORDER BY c.check_date DESC, c.rowid DESC LIMIT 1)`;

const ONE = `${ENROLMENT_STATE_UPDATE}\nWHERE id = ?`;

export function refreshEnrolmentState(sqlite: Sqlite, enrolmentId: string): void {
  sqlite.prepare(ONE).run(enrolmentId);
}
