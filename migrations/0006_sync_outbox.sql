CREATE TABLE `sync_conflicts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`target` text NOT NULL,
	`resource_type` text NOT NULL,
	`resource_id` text NOT NULL,
	`entry_ids` text NOT NULL,
	`ours` text NOT NULL,
	`theirs` text,
	`base_version` text,
	`detected_at` integer NOT NULL,
	`resolution` text,
	`resolved_at` text
);
--> statement-breakpoint
CREATE INDEX `sync_conflicts_open_idx` ON `sync_conflicts` (`target`,`resource_type`,`resource_id`,`resolution`);--> statement-breakpoint
CREATE TABLE `sync_cursors` (
	`target` text NOT NULL,
	`stream` text NOT NULL,
	`cursor` text NOT NULL,
	PRIMARY KEY(`target`, `stream`)
);
--> statement-breakpoint
CREATE TABLE `sync_known_versions` (
	`target` text NOT NULL,
	`resource_type` text NOT NULL,
	`resource_id` text NOT NULL,
	`version_id` text,
	`last_updated` text,
	PRIMARY KEY(`target`, `resource_type`, `resource_id`)
);
--> statement-breakpoint
CREATE TABLE `sync_outbox` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`target` text NOT NULL,
	`resource_type` text NOT NULL,
	`resource_id` text NOT NULL,
	`resource` text NOT NULL,
	`state` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer,
	`last_error` text,
	`created_at` text NOT NULL,
	`sent_at` text
);
--> statement-breakpoint
CREATE INDEX `sync_outbox_pending_idx` ON `sync_outbox` (`target`,`state`,`seq`);--> statement-breakpoint
CREATE INDEX `sync_outbox_resource_idx` ON `sync_outbox` (`resource_type`,`resource_id`,`target`);--> statement-breakpoint
CREATE TABLE `sync_targets` (
	`id` text PRIMARY KEY NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`base_url` text NOT NULL,
	`ca_certificate_pem` text NOT NULL,
	`client_pkcs12` blob NOT NULL,
	`client_passphrase` text NOT NULL,
	`server_name` text,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
DROP TABLE `outbox`;