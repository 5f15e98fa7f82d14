-- Create index "auditentry_tenant_id_status_occurred_at" to table: "audit_entries"
CREATE INDEX "auditentry_tenant_id_status_occurred_at" ON "audit_entries" ("tenant_id", "status", "occurred_at");
