-- An index for `action like 'prefix%'` (docs/indexes.md "Prefix likes").
-- Written by hand: ent cannot express an operator class on one dialect
-- only; ent/migrate/handwritten.go keeps the schema/migration diff from
-- dropping it. The (tenant_id, action, occurred_at) index follows the
-- database collation, which only "C" lets the planner use for LIKE; with
-- varchar_pattern_ops a prefix is a B-tree range under any collation.
CREATE INDEX "auditentry_tenant_id_action_pattern" ON "audit_entries" ("tenant_id", "action" varchar_pattern_ops);
