-- The search index in the page's order, part 3 (docs/indexes.md "Common
-- texts: the ordered walk"; docs/performance.md "2026-12-06 (late
-- morning)"): the B-tree a common text's page walks (audit.SearchWalk),
-- newest first within a log, its text included for an index-only walk.
--
-- SHARE stops the writers — only the indexer adds rows, retention deletes
-- them — so that rows added since part 2 (a server of the previous
-- version, still running, writes them without occurred_at) are filled
-- too; the B-tree builds under the same lock, which searches do not wait
-- for. Only SET NOT NULL, last, takes ACCESS EXCLUSIVE, for its check of
-- the rows (one scan of the narrow table) until the commit.
--
-- NOT NULL, as log_id in audit_search_log: a server of the previous
-- version, during a rolling upgrade, cannot add rows without occurred_at;
-- its indexer fails and leaves the entries in the tail until a new server
-- takes over.
LOCK TABLE "audit_search" IN SHARE MODE;
UPDATE "audit_search" s SET "occurred_at" = e."occurred_at" FROM "audit_entries" e
  WHERE e."id" = s."entry_id" AND s."occurred_at" IS NULL;
CREATE INDEX "audit_search_order" ON "audit_search" ("log_id", "occurred_at", "entry_id") INCLUDE ("doc");
ALTER TABLE "audit_search" ALTER COLUMN "occurred_at" SET NOT NULL;
