-- Failures (status = 'FAILURE') and the "Triggers & webhooks" tab
-- (actor_type = 'WEBHOOK') get partial indexes instead of
-- (tenant_id, status, occurred_at) and (tenant_id, actor_type, occurred_at),
-- which every insert had to update (docs/indexes.md, "Partial indexes").
-- Written by hand like PostgreSQL's (ent/migrate/handwritten.go). SQLite
-- uses them for `status = ?` / `actor_type = ?` too: a statement whose plan
-- depends on a bound value is prepared again when the value changes.
DROP INDEX `auditentry_tenant_id_status_occurred_at`;
DROP INDEX `auditentry_tenant_id_actor_type_occurred_at`;
CREATE INDEX `auditentry_failure_tenant_id_occurred_at_id` ON `audit_entries` (`tenant_id`, `occurred_at`, `id`) WHERE `status` = 'FAILURE';
CREATE INDEX `auditentry_webhook_tenant_id_occurred_at_id` ON `audit_entries` (`tenant_id`, `occurred_at`, `id`) WHERE `actor_type` = 'WEBHOOK';
