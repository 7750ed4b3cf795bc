ALTER TABLE `vitals` ADD `source` text DEFAULT 'clinic' NOT NULL;
