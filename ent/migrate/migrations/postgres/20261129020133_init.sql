-- Create "tenants" table
CREATE TABLE "tenants" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "slug" character varying NOT NULL, "name" character varying NOT NULL, "retention_days" bigint NULL, PRIMARY KEY ("id"));
-- Create index "tenants_slug_key" to table: "tenants"
CREATE UNIQUE INDEX "tenants_slug_key" ON "tenants" ("slug");
-- Create "users" table
CREATE TABLE "users" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "email" character varying NOT NULL, "name" character varying NOT NULL, "password_hash" character varying NULL, "is_platform_admin" boolean NOT NULL DEFAULT false, PRIMARY KEY ("id"));
-- Create index "users_email_key" to table: "users"
CREATE UNIQUE INDEX "users_email_key" ON "users" ("email");
-- Create "api_keys" table
CREATE TABLE "api_keys" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "name" character varying NOT NULL, "prefix" character varying NOT NULL, "secret_hash" character varying NOT NULL, "scopes" jsonb NOT NULL, "last_used_at" timestamptz NULL, "deactivated_at" timestamptz NULL, "created_by_id" character varying NULL, "tenant_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "api_keys_tenants_api_keys" FOREIGN KEY ("tenant_id") REFERENCES "tenants" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "api_keys_users_created_by" FOREIGN KEY ("created_by_id") REFERENCES "users" ("id") ON UPDATE NO ACTION ON DELETE SET NULL);
-- Create index "api_keys_secret_hash_key" to table: "api_keys"
CREATE UNIQUE INDEX "api_keys_secret_hash_key" ON "api_keys" ("secret_hash");
-- Create index "apikey_tenant_id" to table: "api_keys"
CREATE INDEX "apikey_tenant_id" ON "api_keys" ("tenant_id");
-- Create "schedules" table
CREATE TABLE "schedules" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "kind" character varying NOT NULL, "cron" character varying NOT NULL, "input" jsonb NULL, "enabled" boolean NOT NULL DEFAULT true, "next_run_at" timestamptz NULL, "created_by_id" character varying NULL, "tenant_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "schedules_tenants_schedules" FOREIGN KEY ("tenant_id") REFERENCES "tenants" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- Create index "schedule_enabled_next_run_at" to table: "schedules"
CREATE INDEX "schedule_enabled_next_run_at" ON "schedules" ("enabled", "next_run_at");
-- Create index "schedule_tenant_id" to table: "schedules"
CREATE INDEX "schedule_tenant_id" ON "schedules" ("tenant_id");
-- Create "processes" table
CREATE TABLE "processes" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "kind" character varying NOT NULL, "status" character varying NOT NULL DEFAULT 'QUEUED', "initiator_type" character varying NOT NULL, "initiator_id" character varying NULL, "initiator_name" character varying NULL, "initiator_email" character varying NULL, "input" jsonb NULL, "progress" double precision NULL, "result" jsonb NULL, "error" character varying NULL, "started_at" timestamptz NULL, "finished_at" timestamptz NULL, "run_after" timestamptz NOT NULL, "locked_by" character varying NULL, "locked_until" timestamptz NULL, "attempts" bigint NOT NULL DEFAULT 0, "max_attempts" bigint NOT NULL DEFAULT 5, "cancel_requested" boolean NOT NULL DEFAULT false, "schedule_id" character varying NULL, "tenant_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "processes_schedules_processes" FOREIGN KEY ("schedule_id") REFERENCES "schedules" ("id") ON UPDATE NO ACTION ON DELETE SET NULL, CONSTRAINT "processes_tenants_processes" FOREIGN KEY ("tenant_id") REFERENCES "tenants" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- Create index "process_schedule_id" to table: "processes"
CREATE INDEX "process_schedule_id" ON "processes" ("schedule_id");
-- Create index "process_status_run_after" to table: "processes"
CREATE INDEX "process_status_run_after" ON "processes" ("status", "run_after");
-- Create index "process_tenant_id_created_at" to table: "processes"
CREATE INDEX "process_tenant_id_created_at" ON "processes" ("tenant_id", "created_at");
-- Create "archives" table
CREATE TABLE "archives" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "name" character varying NOT NULL, "format" character varying NOT NULL, "from" timestamptz NOT NULL, "to" timestamptz NOT NULL, "filter" character varying NULL, "entry_count" bigint NOT NULL DEFAULT 0, "size_bytes" bigint NOT NULL DEFAULT 0, "sha256" character varying NOT NULL DEFAULT '', "blob_key" character varying NOT NULL, "created_by_type" character varying NOT NULL, "created_by_id" character varying NULL, "created_by_name" character varying NULL, "created_by_email" character varying NULL, "process_id" character varying NOT NULL, "tenant_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "archives_processes_archive" FOREIGN KEY ("process_id") REFERENCES "processes" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "archives_tenants_archives" FOREIGN KEY ("tenant_id") REFERENCES "tenants" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- Create index "archive_tenant_id_created_at" to table: "archives"
CREATE INDEX "archive_tenant_id_created_at" ON "archives" ("tenant_id", "created_at");
-- Create index "archives_process_id_key" to table: "archives"
CREATE UNIQUE INDEX "archives_process_id_key" ON "archives" ("process_id");
-- Create "audit_entries" table
CREATE TABLE "audit_entries" ("id" character varying NOT NULL, "occurred_at" timestamptz NOT NULL, "received_at" timestamptz NOT NULL, "action" character varying NOT NULL, "resource_type" character varying NOT NULL, "resource_id" character varying NULL, "resource_name" character varying NULL, "workspace" character varying NULL, "actor_type" character varying NOT NULL, "actor_id" character varying NULL, "actor_name" character varying NULL, "actor_email" character varying NULL, "status" character varying NOT NULL DEFAULT 'SUCCESS', "old_value" jsonb NULL, "new_value" jsonb NULL, "metadata" jsonb NULL, "request" json NULL, "idempotency_key" character varying NULL, "hash" character varying NOT NULL, "tenant_id" character varying NULL, PRIMARY KEY ("id"), CONSTRAINT "audit_entries_tenants_audit_entries" FOREIGN KEY ("tenant_id") REFERENCES "tenants" ("id") ON UPDATE NO ACTION ON DELETE RESTRICT);
-- Create index "auditentry_occurred_at_id" to table: "audit_entries"
CREATE INDEX "auditentry_occurred_at_id" ON "audit_entries" ("occurred_at", "id");
-- Create index "auditentry_tenant_id_action_occurred_at" to table: "audit_entries"
CREATE INDEX "auditentry_tenant_id_action_occurred_at" ON "audit_entries" ("tenant_id", "action", "occurred_at");
-- Create index "auditentry_tenant_id_actor_id_occurred_at" to table: "audit_entries"
CREATE INDEX "auditentry_tenant_id_actor_id_occurred_at" ON "audit_entries" ("tenant_id", "actor_id", "occurred_at");
-- Create index "auditentry_tenant_id_idempotency_key" to table: "audit_entries"
CREATE UNIQUE INDEX "auditentry_tenant_id_idempotency_key" ON "audit_entries" ("tenant_id", "idempotency_key") WHERE (idempotency_key IS NOT NULL);
-- Create index "auditentry_tenant_id_occurred_at_id" to table: "audit_entries"
CREATE INDEX "auditentry_tenant_id_occurred_at_id" ON "audit_entries" ("tenant_id", "occurred_at", "id");
-- Create index "auditentry_tenant_id_resource_type_occurred_at" to table: "audit_entries"
CREATE INDEX "auditentry_tenant_id_resource_type_occurred_at" ON "audit_entries" ("tenant_id", "resource_type", "occurred_at");
-- Create "invitations" table
CREATE TABLE "invitations" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "email" character varying NOT NULL, "role" character varying NOT NULL, "workspace" character varying NULL, "token_hash" character varying NOT NULL, "status" character varying NOT NULL DEFAULT 'PENDING', "expires_at" timestamptz NOT NULL, "accepted_at" timestamptz NULL, "invited_by_id" character varying NULL, "tenant_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "invitations_tenants_invitations" FOREIGN KEY ("tenant_id") REFERENCES "tenants" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "invitations_users_invited_by" FOREIGN KEY ("invited_by_id") REFERENCES "users" ("id") ON UPDATE NO ACTION ON DELETE SET NULL);
-- Create index "invitation_tenant_id_status" to table: "invitations"
CREATE INDEX "invitation_tenant_id_status" ON "invitations" ("tenant_id", "status");
-- Create index "invitations_token_hash_key" to table: "invitations"
CREATE UNIQUE INDEX "invitations_token_hash_key" ON "invitations" ("token_hash");
-- Create "memberships" table
CREATE TABLE "memberships" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "role" character varying NOT NULL, "workspace" character varying NULL, "tenant_id" character varying NOT NULL, "user_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "memberships_tenants_memberships" FOREIGN KEY ("tenant_id") REFERENCES "tenants" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "memberships_users_memberships" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- Create index "membership_tenant_id_user_id" to table: "memberships"
CREATE UNIQUE INDEX "membership_tenant_id_user_id" ON "memberships" ("tenant_id", "user_id");
-- Create index "membership_user_id" to table: "memberships"
CREATE INDEX "membership_user_id" ON "memberships" ("user_id");
-- Create "process_logs" table
CREATE TABLE "process_logs" ("id" character varying NOT NULL, "seq" bigint NOT NULL, "at" timestamptz NOT NULL, "level" character varying NOT NULL DEFAULT 'INFO', "message" text NOT NULL, "process_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "process_logs_processes_logs" FOREIGN KEY ("process_id") REFERENCES "processes" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- Create index "processlog_process_id_seq" to table: "process_logs"
CREATE UNIQUE INDEX "processlog_process_id_seq" ON "process_logs" ("process_id", "seq");
-- Create "sessions" table
CREATE TABLE "sessions" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "token_hash" character varying NOT NULL, "expires_at" timestamptz NOT NULL, "last_seen_at" timestamptz NULL, "source_ip" character varying NULL, "user_agent" character varying NULL, "user_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "sessions_users_sessions" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- Create index "session_expires_at" to table: "sessions"
CREATE INDEX "session_expires_at" ON "sessions" ("expires_at");
-- Create index "session_user_id" to table: "sessions"
CREATE INDEX "session_user_id" ON "sessions" ("user_id");
-- Create index "sessions_token_hash_key" to table: "sessions"
CREATE UNIQUE INDEX "sessions_token_hash_key" ON "sessions" ("token_hash");
