ALTER TABLE `patients` ADD `ethnic_code` text;--> statement-breakpoint
ALTER TABLE `patients` ADD `marital_code` text;--> statement-breakpoint
ALTER TABLE `patients` ADD `education_code` text;--> statement-breakpoint
ALTER TABLE `patients` ADD `occupation_code` text;--> statement-breakpoint
ALTER TABLE `patients` ADD `id_doc_type_code` text;--> statement-breakpoint
UPDATE `patients` SET `id_doc_type_code` = '01' WHERE `id_number` IS NOT NULL;--> statement-breakpoint
ALTER TABLE `sync_targets` ADD `kind` text DEFAULT 'fhir' NOT NULL;
