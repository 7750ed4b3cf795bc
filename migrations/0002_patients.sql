CREATE TABLE `patients` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`given_name` text NOT NULL,
	`pinyin_full` text NOT NULL,
	`pinyin_initials` text NOT NULL,
	`pinyin_alt_full` text,
	`pinyin_alt_initials` text,
	`id_number` text,
	`id_suffix` text,
	`no_id_reason` text,
	`sex` text NOT NULL,
	`birth_date` text NOT NULL,
	`phone` text,
	`health_card_number` text,
	`village` text,
	`address` text,
	`household` text,
	`contract_doctor` text,
	`contract_date` text,
	`hypertension` integer DEFAULT false NOT NULL,
	`diabetes` integer DEFAULT false NOT NULL,
	`allergies` text,
	`merged_into` text,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `patients_id_number_uq` ON `patients` (`id_number`);--> statement-breakpoint
CREATE INDEX `patients_name_idx` ON `patients` (`name`);--> statement-breakpoint
CREATE INDEX `patients_given_name_idx` ON `patients` (`given_name`);--> statement-breakpoint
CREATE INDEX `patients_pinyin_full_idx` ON `patients` (`pinyin_full`);--> statement-breakpoint
CREATE INDEX `patients_pinyin_initials_idx` ON `patients` (`pinyin_initials`);--> statement-breakpoint
CREATE INDEX `patients_pinyin_alt_full_idx` ON `patients` (`pinyin_alt_full`);--> statement-breakpoint
CREATE INDEX `patients_pinyin_alt_initials_idx` ON `patients` (`pinyin_alt_initials`);--> statement-breakpoint
CREATE INDEX `patients_id_suffix_idx` ON `patients` (`id_suffix`);--> statement-breakpoint
CREATE INDEX `patients_phone_idx` ON `patients` (`phone`);--> statement-breakpoint
CREATE INDEX `patients_health_card_idx` ON `patients` (`health_card_number`);--> statement-breakpoint
CREATE INDEX `patients_birth_idx` ON `patients` (`birth_date`,`name`);--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`target` text NOT NULL,
	`resource_type` text NOT NULL,
	`resource_id` text NOT NULL,
	`local_version` integer NOT NULL,
	`state` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` text,
	`last_error` text,
	`server_version` text,
	`created_at` text NOT NULL,
	`sent_at` text
);
--> statement-breakpoint
CREATE INDEX `outbox_pending_idx` ON `outbox` (`target`,`state`,`id`);--> statement-breakpoint
CREATE INDEX `outbox_resource_idx` ON `outbox` (`resource_type`,`resource_id`);