CREATE TABLE `county_record_fetches` (
	`patient_id` text PRIMARY KEY NOT NULL,
	`resident_id` text NOT NULL,
	`source_url` text NOT NULL,
	`fetched_at` text NOT NULL,
	`fetched_by` integer NOT NULL,
	`fetched_by_name` text NOT NULL,
	`item_count` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `county_record_items` (
	`patient_id` text NOT NULL,
	`resource_type` text NOT NULL,
	`resource_id` text NOT NULL,
	`kind` text NOT NULL,
	`title` text NOT NULL,
	`detail` text,
	`effective_at` text,
	`source_institution` text,
	`source_institution_code` text,
	`resource` text NOT NULL,
	`fetched_at` text NOT NULL,
	PRIMARY KEY(`patient_id`, `resource_type`, `resource_id`)
);
--> statement-breakpoint
CREATE INDEX `county_record_items_patient_idx` ON `county_record_items` (`patient_id`,`effective_at`);--> statement-breakpoint
CREATE TRIGGER `county_record_items_read_only` BEFORE UPDATE ON `county_record_items`
BEGIN
	SELECT RAISE(ABORT, 'county record cache is read-only: a fetch replaces it');
END;
