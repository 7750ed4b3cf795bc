ALTER TABLE `ecg_records` ADD `outpatient_number` text;
