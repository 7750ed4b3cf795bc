-- A Patient pulled from the county whose resident ID is already another local record's (the same resident
-- registered on two stations while offline) is stored beside it, marked as its duplicate until a user merges them.
ALTER TABLE `patients` ADD `duplicate_of` text;--> statement-breakpoint
DROP INDEX `patients_id_number_uq`;--> statement-breakpoint
CREATE UNIQUE INDEX `patients_id_number_uq` ON `patients` (`id_number`) WHERE duplicate_of IS NULL;--> statement-breakpoint
-- Lookups by ID (search, the card reader, registration) find both records of a pair: the partial index cannot serve them.
CREATE INDEX `patients_id_number_idx` ON `patients` (`id_number`);--> statement-breakpoint
CREATE INDEX `patients_duplicate_of_idx` ON `patients` (`duplicate_of`) WHERE duplicate_of IS NOT NULL;--> statement-breakpoint
-- What the receiving (county) institution said on the referral's Task: accepted, rejected or completed, by whom,
-- which department, its note, when.
ALTER TABLE `followup_referrals` ADD `county_status` text;--> statement-breakpoint
ALTER TABLE `followup_referrals` ADD `county_institution` text;--> statement-breakpoint
ALTER TABLE `followup_referrals` ADD `county_department` text;--> statement-breakpoint
ALTER TABLE `followup_referrals` ADD `county_note` text;--> statement-breakpoint
ALTER TABLE `followup_referrals` ADD `county_updated_at` text;
