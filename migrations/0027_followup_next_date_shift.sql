-- Issue 14.6: a next follow-up date that fell on a day the clinic is closed is moved to its next working day; the
-- record keeps why (holiday with its name, or a rest day) beside the engine's own date (engine_next_date).
ALTER TABLE `followup_records` ADD `next_date_shift_reason` text;
--> statement-breakpoint
ALTER TABLE `followup_records` ADD `next_date_shift_name` text;
