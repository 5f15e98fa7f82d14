-- PostgreSQL's migration of this version makes the status and actor-type
-- indexes partial (leaving out 'SUCCESS' and 'USER'). SQLite matches a
-- partial index's predicate literally (it would not use `actor_type <>
-- 'USER'` for `actor_type = 'SYSTEM'`), so it keeps full indexes, with `id`
-- added: a page ordered by (occurred_at, id) of one status or actor type
-- then reads that index backwards and stops at the page's end, instead of
-- walking the tenant's log (docs/indexes.md, "Partial indexes"). Written by
-- hand like PostgreSQL's: the ent schema declares neither
-- (ent/migrate/handwritten.go).
DROP INDEX `auditentry_tenant_id_status_occurred_at`;
DROP INDEX `auditentry_tenant_id_actor_type_occurred_at`;
CREATE INDEX `auditentry_tenant_id_status_occurred_at_id` ON `audit_entries` (`tenant_id`, `status`, `occurred_at`, `id`);
CREATE INDEX `auditentry_tenant_id_actor_type_occurred_at_id` ON `audit_entries` (`tenant_id`, `actor_type`, `occurred_at`, `id`);
