CREATE TABLE `sync_pulled_parts` (
	`target` text NOT NULL,
	`resource_type` text NOT NULL,
	`resource_id` text NOT NULL,
	`waiting_type` text NOT NULL,
	`waiting_id` text NOT NULL,
	`resource` text NOT NULL,
	`received_at` text NOT NULL,
	PRIMARY KEY(`target`, `resource_type`, `resource_id`)
);
--> statement-breakpoint
CREATE INDEX `sync_pulled_parts_waiting_idx` ON `sync_pulled_parts` (`waiting_type`,`waiting_id`);
