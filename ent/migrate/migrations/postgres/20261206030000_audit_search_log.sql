-- The search index per log (docs/indexes.md "Search: a side index off the
-- commit path"). audit_search gains its entry's log (the tenant's id, or
-- 'platform'), and the trigram GIN becomes a GIN on (log_id, doc) through
-- btree_gin, so a tenant's search reads only that tenant's matches: the
-- bitmap of a text common elsewhere no longer costs a small tenant, and the
-- capped count of a common text comes from the index (audit_search is
-- narrow) instead of the entries' eight columns.
--
-- btree_gin (a contrib extension PostgreSQL 13+ trusts, like pg_trgm) goes
-- to public for the reason pg_trgm does: one per database, outliving any
-- test schema.
--
-- The rows written so far have no log: the index starts over (the indexer
-- backfills in the background; meanwhile searches scan the tail, as after
-- the audit_search migration). log_id is NOT NULL without a default, so a
-- server of the previous version still running during a rolling upgrade
-- cannot add rows without a log: its indexer fails and leaves the entries
-- in the tail until a new server takes over.
CREATE EXTENSION IF NOT EXISTS btree_gin SCHEMA public;
TRUNCATE "audit_search";
DELETE FROM "audit_search_heads";
ALTER TABLE "audit_search" ADD COLUMN "log_id" character varying NOT NULL;
DROP INDEX "audit_search_doc";
CREATE INDEX "audit_search_log_doc" ON "audit_search" USING gin ("log_id", "doc" public.gin_trgm_ops);
