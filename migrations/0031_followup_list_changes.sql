-- The reminder list's change log (issue 12 item 2): which residents' due state or health checks changed, with a
-- counter that only grows. A reader that keeps the parsed due state in memory (followup/list-mirror.ts) re-reads
-- only the residents whose counter passed the one it last saw. Written by triggers, so every path that writes these
-- tables (the use cases, sync apply, merges, rebuild-due-state) is logged without the code having to remember.
-- One row per resident (an upsert moves it to the new counter), so the log never outgrows the population.
-- resident_id, not patient_id: a merge re-points every patient_id column, and would collide here; the triggers log
-- both residents of a merge as the due state and checks are re-pointed.
CREATE TABLE `followup_list_changes` (
	`resident_id` text PRIMARY KEY NOT NULL,
	`seq` integer NOT NULL
) WITHOUT ROWID;--> statement-breakpoint
CREATE INDEX `followup_list_changes_seq_idx` ON `followup_list_changes` (`seq`);--> statement-breakpoint
CREATE TRIGGER `followup_due_state_logged_ai` AFTER INSERT ON `followup_due_state` BEGIN
	INSERT INTO followup_list_changes (resident_id, seq) VALUES (NEW.patient_id, (SELECT ifnull(max(seq), 0) + 1 FROM followup_list_changes))
		ON CONFLICT (resident_id) DO UPDATE SET seq = excluded.seq;
END;--> statement-breakpoint
CREATE TRIGGER `followup_due_state_logged_ad` AFTER DELETE ON `followup_due_state` BEGIN
	INSERT INTO followup_list_changes (resident_id, seq) VALUES (OLD.patient_id, (SELECT ifnull(max(seq), 0) + 1 FROM followup_list_changes))
		ON CONFLICT (resident_id) DO UPDATE SET seq = excluded.seq;
END;--> statement-breakpoint
CREATE TRIGGER `followup_due_state_logged_au` AFTER UPDATE ON `followup_due_state` BEGIN
	INSERT INTO followup_list_changes (resident_id, seq) VALUES (OLD.patient_id, (SELECT ifnull(max(seq), 0) + 1 FROM followup_list_changes))
		ON CONFLICT (resident_id) DO UPDATE SET seq = excluded.seq;
	INSERT INTO followup_list_changes (resident_id, seq) VALUES (NEW.patient_id, (SELECT ifnull(max(seq), 0) + 1 FROM followup_list_changes))
		ON CONFLICT (resident_id) DO UPDATE SET seq = excluded.seq;
END;--> statement-breakpoint
CREATE TRIGGER `followup_health_checks_logged_ai` AFTER INSERT ON `followup_health_checks` BEGIN
	INSERT INTO followup_list_changes (resident_id, seq) VALUES (NEW.patient_id, (SELECT ifnull(max(seq), 0) + 1 FROM followup_list_changes))
		ON CONFLICT (resident_id) DO UPDATE SET seq = excluded.seq;
END;--> statement-breakpoint
CREATE TRIGGER `followup_health_checks_logged_ad` AFTER DELETE ON `followup_health_checks` BEGIN
	INSERT INTO followup_list_changes (resident_id, seq) VALUES (OLD.patient_id, (SELECT ifnull(max(seq), 0) + 1 FROM followup_list_changes))
		ON CONFLICT (resident_id) DO UPDATE SET seq = excluded.seq;
END;--> statement-breakpoint
CREATE TRIGGER `followup_health_checks_logged_au` AFTER UPDATE ON `followup_health_checks` BEGIN
	INSERT INTO followup_list_changes (resident_id, seq) VALUES (OLD.patient_id, (SELECT ifnull(max(seq), 0) + 1 FROM followup_list_changes))
		ON CONFLICT (resident_id) DO UPDATE SET seq = excluded.seq;
	INSERT INTO followup_list_changes (resident_id, seq) VALUES (NEW.patient_id, (SELECT ifnull(max(seq), 0) + 1 FROM followup_list_changes))
		ON CONFLICT (resident_id) DO UPDATE SET seq = excluded.seq;
END;
