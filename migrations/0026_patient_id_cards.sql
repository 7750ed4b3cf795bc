CREATE TABLE `patient_id_cards` (
	`patient_id` text PRIMARY KEY NOT NULL REFERENCES `patients`(`id`),
	`id_number` text NOT NULL,
	`ethnic_code` text,
	`authority` text NOT NULL,
	`valid_from` text NOT NULL,
	`valid_to` text NOT NULL,
	`photo_format` text,
	`photo` blob,
	`read_at` text NOT NULL,
	`read_by` integer
);
