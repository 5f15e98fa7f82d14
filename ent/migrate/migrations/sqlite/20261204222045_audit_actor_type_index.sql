-- Create index "auditentry_tenant_id_actor_type_occurred_at" to table: "audit_entries"
CREATE INDEX `auditentry_tenant_id_actor_type_occurred_at` ON `audit_entries` (`tenant_id`, `actor_type`, `occurred_at`);
