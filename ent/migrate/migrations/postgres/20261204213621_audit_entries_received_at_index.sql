-- Create index "auditentry_tenant_id_received_at_id" to table: "audit_entries"
CREATE INDEX "auditentry_tenant_id_received_at_id" ON "audit_entries" ("tenant_id", "received_at", "id");
