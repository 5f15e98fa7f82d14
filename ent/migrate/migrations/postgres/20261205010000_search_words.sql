-- The words of each entry's searched columns, for `search` (docs/indexes.md
-- "Search"). Written by hand: ent models neither expression nor GIN
-- indexes; ent/migrate/handwritten.go keeps the schema diff from dropping
-- it. The expression is audit.SearchWordsPG, character for character: the
-- planner uses the index only for that expression. Each word is keyed by
-- its log ("<tenant ID>:<word>"), so a search of one tenant reads only that
-- tenant's postings. Words (about a dozen keys an entry) instead of
-- trigrams (about a hundred) keep inserts cheap.
CREATE INDEX "auditentry_search_words" ON "audit_entries" USING gin ((array_to_tsvector(array_remove(string_to_array(COALESCE(tenant_id, '') || ':' || regexp_replace(regexp_replace(lower(COALESCE(action, '') || ' ' || COALESCE(resource_type, '') || ' ' || COALESCE(resource_id, '') || ' ' || COALESCE(resource_name, '') || ' ' || COALESCE(actor_name, '') || ' ' || COALESCE(actor_email, '') || ' ' || COALESCE(actor_id, '') || ' ' || COALESCE(workspace, '')), '([^\x01-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]{100})[^\x01-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]*', '\1', 'g'), '[\x01-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]+', ' ' || COALESCE(tenant_id, '') || ':', 'g'), ' '), COALESCE(tenant_id, '') || ':'))));
-- The planner estimates a word's matches from the statistics ANALYZE
-- gathers on the index expression; without them it guesses.
ANALYZE "audit_entries";
