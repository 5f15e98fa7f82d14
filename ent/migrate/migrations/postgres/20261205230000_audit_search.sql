-- The search index (docs/indexes.md "Search: a side index off the commit
-- path"). Written by hand: ent models neither trigram indexes nor these
-- tables, which are no API nodes.
--
-- audit_search: one row per indexed entry, the lowered text of the columns
-- `search` looks in. internal/searchindex fills it in the background, in
-- log seq order, after the sequencer has numbered the entries' leaves — so
-- an ingest transaction never touches it (a GIN index on audit_entries
-- tripled the 50-row INSERT in the peer benchmark). Retention deletes the
-- rows with their entries (ON DELETE CASCADE).
--
-- pg_trgm (a contrib extension PostgreSQL 13+ trusts: the database owner
-- may create it) makes LIKE '%text%' an index search, so search keeps
-- matching any substring. It goes to public: one per database, and it
-- must outlive any one schema (tests migrate a schema each).
CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
CREATE TABLE "audit_search" ("entry_id" character varying NOT NULL, "doc" text NOT NULL, PRIMARY KEY ("entry_id"),
  CONSTRAINT "audit_search_entry" FOREIGN KEY ("entry_id") REFERENCES "audit_entries" ("id") ON DELETE CASCADE);
CREATE INDEX "audit_search_doc" ON "audit_search" USING gin ("doc" public.gin_trgm_ops);
-- audit_search_heads: per log, the seq below which every entry is in
-- audit_search. Entries at or above it, and entries not yet numbered, are
-- the tail a search scans. No row: nothing indexed yet (existing entries
-- are indexed in the background after this migration).
CREATE TABLE "audit_search_heads" ("log_id" character varying NOT NULL, "indexed_seq" bigint NOT NULL DEFAULT 0, PRIMARY KEY ("log_id"));
