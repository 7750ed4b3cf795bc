-- Follow-up indicators at county scale (issue 12.4): per resident, programme and reporting year, the face-to-face
-- follow-ups counted and the latest of them, recomputed by followup/indicator-years.ts in every write transaction
-- that keeps the due state; filled here from the history with the very same statement
-- (indicatorYearsSql(BPHS_2017, 'all')). resident_id, not patient_id: a merge recomputes these rows itself.
-- The due state's patient index becomes covering: one village's or doctor's due state is read from the index alone.
CREATE TABLE `followup_indicator_years` (
	`year_start` text NOT NULL,
	`disease` text NOT NULL,
	`resident_id` text NOT NULL,
	`visits` integer NOT NULL,
	`latest_on` text NOT NULL,
	`sbp` integer,
	`dbp` integer,
	`fbg` real,
	PRIMARY KEY(`year_start`, `disease`, `resident_id`)
) WITHOUT ROWID;--> statement-breakpoint
DROP INDEX `followup_due_state_patient_idx`;--> statement-breakpoint
CREATE INDEX `followup_due_state_patient_cover_idx` ON `followup_due_state` (`patient_id`,`disease`,`enrolled_on`,`due_on`,`referral_check_due_on`,`last_visit_on`,`phone_since_visit`,`sbp`,`dbp`,`fbg`,`year_start`,`year_visits`);--> statement-breakpoint
CREATE INDEX `followup_indicator_years_resident_idx` ON `followup_indicator_years` (`resident_id`,`disease`);--> statement-breakpoint
INSERT INTO followup_indicator_years (year_start, disease, resident_id, visits, latest_on, sbp, dbp, fbg)
SELECT year_start, disease, patient_id, visits, visit_date, sbp, dbp, fbg FROM (
  SELECT v.year_start, v.disease, v.patient_id, v.visit_date, v.sbp, v.dbp, v.fbg,
    count(*) OVER per_year AS visits,
    row_number() OVER (per_year ORDER BY v.visit_date DESC, v.written DESC) AS newest
  FROM (
    SELECT r.rowid AS written, r.patient_id, r.disease, r.visit_date,
      CASE WHEN r.self_reported_home_bp = 1 THEN NULL ELSE r.sbp END AS sbp,
      CASE WHEN r.self_reported_home_bp = 1 THEN NULL ELSE r.dbp END AS dbp,
      r.fbg,
      printf('%04d-%02d-01', CAST(substr(r.visit_date, 1, 4) AS INTEGER) - (CAST(substr(r.visit_date, 6, 2) AS INTEGER) < 1), 1) AS year_start
    FROM followup_records r
    WHERE r.face_to_face = 1 AND r.mode <> 'phone'
      AND EXISTS (SELECT 1 FROM followup_enrolments e WHERE e.patient_id = r.patient_id AND e.disease = r.disease
        AND e.enrolled_on <= r.visit_date AND (e.ended_on IS NULL OR r.visit_date <= e.ended_on))
  ) v
  WINDOW per_year AS (PARTITION BY v.patient_id, v.disease, v.year_start)
) WHERE newest = 1;
