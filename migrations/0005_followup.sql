CREATE TABLE `followup_appointments` (
	`id` text PRIMARY KEY NOT NULL,
	`patient_id` text NOT NULL,
	`enrolment_id` text NOT NULL,
	`disease` text NOT NULL,
	`appt_date` text NOT NULL,
	`due_date` text NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`source_record_id` text,
	`done_record_id` text,
	`rescheduled_from` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `followup_appointments_day_idx` ON `followup_appointments` (`appt_date`,`status`);--> statement-breakpoint
CREATE INDEX `followup_appointments_enrolment_idx` ON `followup_appointments` (`enrolment_id`,`status`);--> statement-breakpoint
CREATE TABLE `followup_day_capacity` (
	`day` text PRIMARY KEY NOT NULL,
	`capacity` integer NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `followup_enrolments` (
	`id` text PRIMARY KEY NOT NULL,
	`patient_id` text NOT NULL,
	`disease` text NOT NULL,
	`diagnosed_on` text,
	`how_found` text NOT NULL,
	`enrolled_on` text NOT NULL,
	`enrolled_at` text NOT NULL,
	`enrolled_by` integer NOT NULL,
	`enrolled_by_name` text NOT NULL,
	`ended_on` text,
	`end_reason` text,
	`end_note` text,
	`ended_by` integer,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `followup_enrolments_open_uq` ON `followup_enrolments` (`patient_id`,`disease`) WHERE ended_on IS NULL;--> statement-breakpoint
CREATE INDEX `followup_enrolments_patient_idx` ON `followup_enrolments` (`patient_id`,`disease`,`enrolled_on`);--> statement-breakpoint
CREATE TABLE `followup_health_checks` (
	`id` text PRIMARY KEY NOT NULL,
	`patient_id` text NOT NULL,
	`check_date` text NOT NULL,
	`kind` text NOT NULL,
	`self_care_score` integer,
	`record_id` text,
	`note` text,
	`recorded_by` integer NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `followup_health_checks_patient_idx` ON `followup_health_checks` (`patient_id`,`check_date`);--> statement-breakpoint
CREATE TABLE `followup_records` (
	`id` text PRIMARY KEY NOT NULL,
	`patient_id` text NOT NULL,
	`enrolment_id` text NOT NULL,
	`disease` text NOT NULL,
	`visit_date` text NOT NULL,
	`mode` text NOT NULL,
	`face_to_face` integer NOT NULL,
	`symptoms` text DEFAULT '[]' NOT NULL,
	`symptoms_other` text,
	`sbp` integer,
	`dbp` integer,
	`heart_rate` integer,
	`heart_rate_persistent` integer,
	`weight_kg` real,
	`weight_target_kg` real,
	`height_cm` real,
	`bmi` real,
	`bmi_target` real,
	`temperature_c` real,
	`dorsalis_pedis` text,
	`signs_other` text,
	`fbg` real,
	`random_glucose` real,
	`hba1c` real,
	`hba1c_date` text,
	`tests_other` text,
	`lifestyle` text DEFAULT '{}' NOT NULL,
	`adherence` text,
	`adr` integer DEFAULT false NOT NULL,
	`adr_desc` text,
	`hypoglycemia_reaction` text,
	`new_complication` integer DEFAULT false NOT NULL,
	`complication_desc` text,
	`pregnant` integer DEFAULT false NOT NULL,
	`lactating` integer DEFAULT false NOT NULL,
	`self_reported_home_bp` integer DEFAULT false NOT NULL,
	`with_health_check` integer DEFAULT false NOT NULL,
	`medications` text DEFAULT '[]' NOT NULL,
	`insulin` text,
	`medication_advice` text,
	`classification` text,
	`action` text NOT NULL,
	`engine_next_date` text,
	`next_due_date` text,
	`override_reason` text,
	`referral_reason` text,
	`reasons` text NOT NULL,
	`rule_set` text NOT NULL,
	`notes` text,
	`doctor_id` integer NOT NULL,
	`doctor_name` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `followup_records_enrolment_idx` ON `followup_records` (`enrolment_id`,`face_to_face`,`visit_date`);--> statement-breakpoint
CREATE INDEX `followup_records_patient_idx` ON `followup_records` (`patient_id`,`disease`,`visit_date`);--> statement-breakpoint
CREATE INDEX `followup_records_year_idx` ON `followup_records` (`face_to_face`,`visit_date`,`enrolment_id`);--> statement-breakpoint
CREATE TABLE `followup_referral_checks` (
	`id` text PRIMARY KEY NOT NULL,
	`referral_id` text NOT NULL,
	`enrolment_id` text NOT NULL,
	`patient_id` text NOT NULL,
	`check_date` text NOT NULL,
	`mode` text NOT NULL,
	`outcome` text NOT NULL,
	`detail` text,
	`recorded_by` integer NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `followup_referral_checks_enrolment_idx` ON `followup_referral_checks` (`enrolment_id`,`check_date`);--> statement-breakpoint
CREATE INDEX `followup_referral_checks_referral_idx` ON `followup_referral_checks` (`referral_id`,`check_date`);--> statement-breakpoint
CREATE TABLE `followup_referrals` (
	`id` text PRIMARY KEY NOT NULL,
	`patient_id` text NOT NULL,
	`enrolment_id` text NOT NULL,
	`record_id` text NOT NULL,
	`disease` text NOT NULL,
	`referred_on` text NOT NULL,
	`urgency` text NOT NULL,
	`reason` text NOT NULL,
	`institution` text,
	`department` text,
	`contact_name` text,
	`contact_phone` text,
	`check_due` text NOT NULL,
	`returned_on` text,
	`return_note` text,
	`created_by` integer NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `followup_referrals_enrolment_idx` ON `followup_referrals` (`enrolment_id`,`referred_on`);--> statement-breakpoint
CREATE INDEX `followup_referrals_patient_idx` ON `followup_referrals` (`patient_id`,`referred_on`);