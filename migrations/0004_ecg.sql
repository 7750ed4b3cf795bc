CREATE TABLE `ecg_records` (
	`id` text PRIMARY KEY NOT NULL,
	`patient_id` text,
	`recorded_at` text NOT NULL,
	`source` text NOT NULL,
	`source_name` text NOT NULL,
	`format` text NOT NULL,
	`sample_rate_hz` integer NOT NULL,
	`sample_count` integer NOT NULL,
	`lead_names` text NOT NULL,
	`samples` blob NOT NULL,
	`annotation_count` integer DEFAULT 0 NOT NULL,
	`measurements` text NOT NULL,
	`metadata` text DEFAULT '{}' NOT NULL,
	`interpretation` text,
	`interpreted_by` text,
	`signed_at` text,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `ecg_patient_idx` ON `ecg_records` (`patient_id`,`recorded_at`);