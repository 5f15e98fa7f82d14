-- The counter trigger's upsert (ON CONFLICT … DO UPDATE) runs its UPDATE
-- with ABORT, whatever the INSERT that fired it says, and an ABORT
-- anywhere in a multi-row INSERT has SQLite keep a statement journal of
-- every page the statement changes (inside a transaction): 12–15% of the
-- CPU in the bench's profiles. Inserting the tenant's row when it is missing and
-- then updating it counts the same, and takes the writer's INSERT OR
-- ROLLBACK (internal/audit/values.go) for its own conflicts
-- (docs/performance.md "2026-12-06 (late morning) — SQLite batch ingest").
-- SQLite only: PostgreSQL's counters are statement-level triggers.
DROP TRIGGER `audit_entry_counts_insert`;
CREATE TRIGGER `audit_entry_counts_insert` AFTER INSERT ON `audit_entries` WHEN NEW.`tenant_id` IS NOT NULL BEGIN
  INSERT INTO `audit_entry_counts` (`tenant_id`, `slot`, `n`) SELECT NEW.`tenant_id`, 0, 0
  WHERE NOT EXISTS (SELECT 1 FROM `audit_entry_counts` WHERE `tenant_id` = NEW.`tenant_id` AND `slot` = 0);
  UPDATE `audit_entry_counts` SET `n` = `n` + 1 WHERE `tenant_id` = NEW.`tenant_id` AND `slot` = 0;
END;
