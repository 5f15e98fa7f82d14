-- The words of each entry's searched columns, for `search` (docs/indexes.md
-- "Search"). Written by hand: ent models neither expression nor GIN
-- indexes; ent/migrate/handwritten.go keeps the schema diff from dropping
-- it. The expression is audit.SearchWordsPG, character for character: the
-- planner uses the index only for that expression. A word index (about a
-- dozen keys an entry) instead of trigrams (about a hundred) keeps inserts
-- cheap; GIN's pending list (fastupdate, on by default) batches them.
CREATE INDEX "auditentry_search_words" ON "audit_entries" USING gin ((array_to_tsvector(array_remove(regexp_split_to_array(lower(COALESCE(action, '') || ' ' || COALESCE(resource_type, '') || ' ' || COALESCE(resource_id, '') || ' ' || COALESCE(resource_name, '') || ' ' || COALESCE(actor_name, '') || ' ' || COALESCE(actor_email, '') || ' ' || COALESCE(actor_id, '') || ' ' || COALESCE(workspace, '')), '[\x01-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]+'), ''))));
