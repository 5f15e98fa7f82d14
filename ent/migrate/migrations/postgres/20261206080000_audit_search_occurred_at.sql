-- The search index in the page's order, part 1 (docs/indexes.md "Common
-- texts: the ordered walk"). audit_search gains its entry's occurred_at,
-- so that a common text's page can walk a log's index rows newest first
-- (audit.SearchWalk). Nullable and without a default: adding it changes
-- no row, so the table's ACCESS EXCLUSIVE lock is held for an instant —
-- and is released with this migration's own transaction, before the rows
-- are filled (20261206080100_audit_search_occurred_at_fill).
ALTER TABLE "audit_search" ADD COLUMN "occurred_at" timestamptz NULL;
