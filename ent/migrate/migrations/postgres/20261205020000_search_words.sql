-- The words of each entry's searched columns, for `search` (docs/indexes.md
-- "Search"). Written by hand: ent models neither expression nor GIN
-- indexes; ent/migrate/handwritten.go keeps the schema diff from dropping
-- it. The expression is audit.SearchWordsPG, character for character: the
-- planner uses the index only for that expression. tenant_id comes first
-- (btree_gin, a contrib extension that PostgreSQL 13+ trusts: the
-- database owner may create it), so a search of one tenant is one GIN scan
-- of that tenant's postings. Words (about a dozen keys an entry) instead of
-- trigrams (about a hundred) keep inserts cheap. The extension goes to
-- public whatever the search_path: one per database, and it must outlive
-- any one schema (the index finds its operator class by type, not by path).
CREATE EXTENSION IF NOT EXISTS btree_gin SCHEMA public;
CREATE INDEX "auditentry_search_words" ON "audit_entries" USING gin ("tenant_id", (array_to_tsvector(array_remove(regexp_split_to_array(regexp_replace(lower(COALESCE(action, '') || ' ' || COALESCE(resource_type, '') || ' ' || COALESCE(resource_id, '') || ' ' || COALESCE(resource_name, '') || ' ' || COALESCE(actor_name, '') || ' ' || COALESCE(actor_email, '') || ' ' || COALESCE(actor_id, '') || ' ' || COALESCE(workspace, '')), '([^\x01-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]{100})[^\x01-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]*', '\1', 'g'), '[\x01-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]+'), ''))));
-- The planner estimates a word's matches from the statistics ANALYZE
-- gathers on the index expression; without them it guesses.
ANALYZE "audit_entries";
