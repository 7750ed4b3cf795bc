-- The audit log is append-only: the application never updates or deletes a row. Verification (hash chain)
-- still detects edits made with these triggers dropped, e.g. by someone holding the key and the sqlcipher CLI.
CREATE TRIGGER `audit_log_no_update` BEFORE UPDATE ON `audit_log`
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER `audit_log_no_delete` BEFORE DELETE ON `audit_log`
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
