ALTER TABLE `followup_enrolments` ADD `last_visit_date` text;--> statement-breakpoint
ALTER TABLE `followup_enrolments` ADD `last_visit_action` text;--> statement-breakpoint
ALTER TABLE `followup_enrolments` ADD `last_visit_next_due` text;--> statement-breakpoint
ALTER TABLE `followup_enrolments` ADD `last_visit_sbp` integer;--> statement-breakpoint
ALTER TABLE `followup_enrolments` ADD `last_visit_dbp` integer;--> statement-breakpoint
ALTER TABLE `followup_enrolments` ADD `last_visit_fbg` real;--> statement-breakpoint
ALTER TABLE `followup_enrolments` ADD `last_phone_date` text;--> statement-breakpoint
ALTER TABLE `followup_enrolments` ADD `last_referral_date` text;--> statement-breakpoint
ALTER TABLE `followup_enrolments` ADD `last_referral_urgent` integer;--> statement-breakpoint
ALTER TABLE `followup_enrolments` ADD `last_check_date` text;--> statement-breakpoint
ALTER TABLE `followup_enrolments` ADD `last_check_outcome` text;