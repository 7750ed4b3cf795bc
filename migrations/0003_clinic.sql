CREATE TABLE `queue_entries` (
	`id` text PRIMARY KEY NOT NULL,
	`patient_id` text NOT NULL,
	`clinic_date` text NOT NULL,
	`status` text NOT NULL,
	`priority` integer DEFAULT false NOT NULL,
	`clinician_id` integer,
	`checked_in_at` text NOT NULL,
	`started_at` text,
	`finished_at` text
);
--> statement-breakpoint
CREATE INDEX `queue_day_idx` ON `queue_entries` (`clinic_date`,`status`);--> statement-breakpoint
CREATE INDEX `queue_patient_idx` ON `queue_entries` (`patient_id`);--> statement-breakpoint
CREATE TABLE `visits` (
	`id` text PRIMARY KEY NOT NULL,
	`record_id` text NOT NULL,
	`version` integer NOT NULL,
	`supersedes` text,
	`patient_id` text NOT NULL,
	`queue_entry_id` text,
	`status` text NOT NULL,
	`chief_complaint` text DEFAULT '' NOT NULL,
	`history` text DEFAULT '' NOT NULL,
	`examination` text DEFAULT '' NOT NULL,
	`diagnoses` text DEFAULT '[]' NOT NULL,
	`plan` text DEFAULT '' NOT NULL,
	`prescription` text DEFAULT '' NOT NULL,
	`correction_reason` text,
	`clinician_id` integer NOT NULL,
	`clinician_name` text NOT NULL,
	`opened_at` text NOT NULL,
	`closed_at` text,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `visits_patient_idx` ON `visits` (`patient_id`,`opened_at`);--> statement-breakpoint
CREATE INDEX `visits_record_idx` ON `visits` (`record_id`,`version`);--> statement-breakpoint
CREATE TABLE `vitals` (
	`id` text PRIMARY KEY NOT NULL,
	`patient_id` text NOT NULL,
	`visit_id` text,
	`measured_at` text NOT NULL,
	`input` text NOT NULL,
	`derived` text NOT NULL,
	`flags` text NOT NULL,
	`systolic` integer,
	`diastolic` integer,
	`recorded_by` integer NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `vitals_patient_idx` ON `vitals` (`patient_id`,`measured_at`);