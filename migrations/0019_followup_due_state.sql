-- Follow-up at county scale (issue 12.2): the reminder sweep's due state in its own table, one row per open
-- enrolment, recomputed by followup/due-state.ts in every write transaction; filled here from the history with the
-- very same statement (dueStateSql(BPHS_2017, 'all')). The schedule columns 0008 put on followup_enrolments go.
CREATE TABLE `followup_due_state` (
	`enrolment_id` text PRIMARY KEY NOT NULL,
	`patient_id` text NOT NULL,
	`disease` text NOT NULL,
	`enrolled_on` text NOT NULL,
	`due_on` text,
	`referral_check_due_on` text,
	`last_visit_on` text,
	`phone_since_visit` integer NOT NULL,
	`sbp` integer,
	`dbp` integer,
	`fbg` real,
	`year_start` text,
	`year_visits` integer NOT NULL
) WITHOUT ROWID;--> statement-breakpoint
CREATE INDEX `followup_due_state_patient_idx` ON `followup_due_state` (`patient_id`);--> statement-breakpoint
INSERT INTO followup_due_state (enrolment_id, patient_id, disease, enrolled_on, due_on, referral_check_due_on, last_visit_on,
  phone_since_visit, sbp, dbp, fbg, year_start, year_visits)
SELECT s.id, s.patient_id, s.disease, s.enrolled_on,
  CASE
    WHEN s.visit_on IS NULL THEN date(coalesce(s.check_on, s.enrolled_on), '+14 days')
    WHEN s.check_on IS NOT NULL AND s.visit_action IN ('refer', 'urgent_refer') AND s.check_on >= s.visit_on THEN date(s.check_on, '+14 days')
    ELSE s.visit_next
  END,
  CASE
    WHEN s.referred_on IS NULL THEN NULL
    WHEN s.check_on IS NOT NULL AND s.check_on >= s.referred_on THEN
      CASE WHEN s.check_outcome = 'completed' THEN NULL ELSE date(s.check_on, '+14 days') END
    ELSE date(s.referred_on, '+14 days')
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
      CAST(substr(v.visit_date, 1, 4) AS INTEGER) - (CAST(substr(v.visit_date, 6, 2) AS INTEGER) < 1), 1) END AS year_start,
    (SELECT max(p.visit_date) FROM followup_records p WHERE p.enrolment_id = e.id AND p.face_to_face = 0) AS phone_on,
    (SELECT f.referred_on FROM followup_referrals f WHERE f.enrolment_id = e.id ORDER BY f.referred_on DESC, f.rowid DESC LIMIT 1) AS referred_on,
    c.check_date AS check_on, c.outcome AS check_outcome
  FROM followup_enrolments e
  LEFT JOIN followup_records v ON v.rowid = (
    SELECT r.rowid FROM followup_records r WHERE r.enrolment_id = e.id AND r.face_to_face = 1 ORDER BY r.visit_date DESC, r.rowid DESC LIMIT 1)
  LEFT JOIN followup_referral_checks c ON c.rowid = (
    SELECT k.rowid FROM followup_referral_checks k WHERE k.enrolment_id = e.id ORDER BY k.check_date DESC, k.rowid DESC LIMIT 1)
  WHERE e.ended_on IS NULL
) s;--> statement-breakpoint
ALTER TABLE `followup_enrolments` DROP COLUMN `last_visit_date`;--> statement-breakpoint
ALTER TABLE `followup_enrolments` DROP COLUMN `last_visit_action`;--> statement-breakpoint
ALTER TABLE `followup_enrolments` DROP COLUMN `last_visit_next_due`;--> statement-breakpoint
ALTER TABLE `followup_enrolments` DROP COLUMN `last_visit_sbp`;--> statement-breakpoint
ALTER TABLE `followup_enrolments` DROP COLUMN `last_visit_dbp`;--> statement-breakpoint
ALTER TABLE `followup_enrolments` DROP COLUMN `last_visit_fbg`;--> statement-breakpoint
ALTER TABLE `followup_enrolments` DROP COLUMN `last_phone_date`;--> statement-breakpoint
ALTER TABLE `followup_enrolments` DROP COLUMN `last_referral_date`;--> statement-breakpoint
ALTER TABLE `followup_enrolments` DROP COLUMN `last_referral_urgent`;--> statement-breakpoint
ALTER TABLE `followup_enrolments` DROP COLUMN `last_check_date`;--> statement-breakpoint
ALTER TABLE `followup_enrolments` DROP COLUMN `last_check_outcome`;--> statement-breakpoint
DROP INDEX `followup_records_year_idx`;--> statement-breakpoint
CREATE INDEX `followup_records_year_idx` ON `followup_records` (`face_to_face`,`visit_date`,`enrolment_id`,`patient_id`,`disease`,`mode`,`self_reported_home_bp`,`sbp`,`dbp`,`fbg`);--> statement-breakpoint
CREATE INDEX `followup_health_checks_date_idx` ON `followup_health_checks` (`check_date`,`patient_id`);--> statement-breakpoint
CREATE INDEX `patients_village_order_idx` ON `patients` (`village`,`name`,`id`,`birth_date`,`sex`,`contract_doctor`,`phone`,`merged_into`) WHERE merged_into IS NULL;--> statement-breakpoint
CREATE INDEX `patients_doctor_order_idx` ON `patients` (`contract_doctor`,`village`,`name`,`id`,`birth_date`,`sex`,`phone`,`merged_into`) WHERE merged_into IS NULL;
