CREATE TABLE `consult_attachments` (
	`id` text PRIMARY KEY NOT NULL,
	`consult_id` text NOT NULL,
	`kind` text NOT NULL,
	`ecg_id` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `consult_attachments_consult_idx` ON `consult_attachments` (`consult_id`);--> statement-breakpoint
CREATE INDEX `consult_attachments_ecg_idx` ON `consult_attachments` (`ecg_id`);--> statement-breakpoint
CREATE TABLE `consult_replies` (
	`id` text PRIMARY KEY NOT NULL,
	`consult_id` text NOT NULL,
	`conclusion` text NOT NULL,
	`signer` text NOT NULL,
	`signed_at` text NOT NULL,
	`pdf` blob,
	`critical` integer NOT NULL,
	`critical_text` text,
	`report_version` text,
	`received_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `consult_replies_consult_idx` ON `consult_replies` (`consult_id`,`signed_at`);--> statement-breakpoint
CREATE TABLE `consult_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`task_id` text NOT NULL,
	`patient_id` text NOT NULL,
	`question` text NOT NULL,
	`urgency` text NOT NULL,
	`target_institution` text NOT NULL,
	`specialty` text NOT NULL,
	`include_vitals` integer NOT NULL,
	`include_diagnoses` integer NOT NULL,
	`status` text NOT NULL,
	`status_note` text,
	`requested_at` text NOT NULL,
	`accepted_at` text,
	`started_at` text,
	`completed_at` text,
	`rejected_at` text,
	`cancelled_at` text,
	`requester_id` integer NOT NULL,
	`requester_name` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `consult_patient_idx` ON `consult_requests` (`patient_id`,`requested_at`);--> statement-breakpoint
CREATE INDEX `consult_status_idx` ON `consult_requests` (`status`,`requested_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `consult_task_uq` ON `consult_requests` (`task_id`);--> statement-breakpoint
CREATE TABLE `critical_alerts` (
	`id` text PRIMARY KEY NOT NULL,
	`reply_id` text NOT NULL,
	`consult_id` text NOT NULL,
	`patient_id` text NOT NULL,
	`text` text NOT NULL,
	`raised_at` text NOT NULL,
	`acknowledged_by` integer,
	`acknowledged_by_name` text,
	`acknowledged_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `critical_alerts_reply_uq` ON `critical_alerts` (`reply_id`);--> statement-breakpoint
CREATE INDEX `critical_alerts_open_idx` ON `critical_alerts` (`raised_at`) WHERE acknowledged_at IS NULL;