-- Indexes for `search` and for `action like 'prefix%'` (docs/indexes.md).
-- Written by hand: ent cannot express an expression index or an operator
-- class per dialect; ent/migrate/handwritten.go keeps the schema/migration
-- diff from dropping them.
--
-- pg_trgm is a trusted extension (PostgreSQL 13+): a role with CREATE on
-- the database may install it. It goes into "public" so that a database
-- holding several Trailmark schemas (one per test) shares one copy, and the
-- index names its operator class by the schema the extension is really in.
CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
-- One trigram index over every searched column, lowered and joined by
-- spaces: `search` asks it for candidates and re-checks each column exactly
-- (internal/audit/search.go), so a match across two columns is dropped.
DO $$
BEGIN
  EXECUTE format('CREATE INDEX "auditentry_search_trgm" ON "audit_entries" USING gin ((lower("action" || '' '' || "resource_type" || '' '' || coalesce("resource_id", '''') || '' '' || coalesce("resource_name", '''') || '' '' || coalesce("actor_name", '''') || '' '' || coalesce("actor_email", '''') || '' '' || coalesce("actor_id", '''') || '' '' || coalesce("workspace", ''''))) %I.gin_trgm_ops)',
    (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'));
END
$$;
-- action LIKE 'prefix%' as a B-tree range whatever the database collation
-- (the (tenant_id, action, occurred_at) index follows the collation, which
-- only "C" lets the planner use for LIKE).
CREATE INDEX "auditentry_tenant_id_action_pattern" ON "audit_entries" ("tenant_id", "action" varchar_pattern_ops);
