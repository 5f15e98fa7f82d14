-- Create "api_keys" table
CREATE TABLE `api_keys` (`id` text NOT NULL, `created_at` datetime NOT NULL, `name` text NOT NULL, `prefix` text NOT NULL, `secret_hash` text NOT NULL, `scopes` json NOT NULL, `last_used_at` datetime NULL, `deactivated_at` datetime NULL, `created_by_id` text NULL, `tenant_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `api_keys_users_created_by` FOREIGN KEY (`created_by_id`) REFERENCES `users` (`id`) ON DELETE SET NULL, CONSTRAINT `api_keys_tenants_api_keys` FOREIGN KEY (`tenant_id`) REFERENCES `tenants` (`id`) ON DELETE NO ACTION);
-- Create index "api_keys_secret_hash_key" to table: "api_keys"
CREATE UNIQUE INDEX `api_keys_secret_hash_key` ON `api_keys` (`secret_hash`);
-- Create index "apikey_tenant_id" to table: "api_keys"
CREATE INDEX `apikey_tenant_id` ON `api_keys` (`tenant_id`);
-- Create "archives" table
CREATE TABLE `archives` (`id` text NOT NULL, `created_at` datetime NOT NULL, `name` text NOT NULL, `format` text NOT NULL, `from` datetime NOT NULL, `to` datetime NOT NULL, `filter` text NULL, `entry_count` integer NOT NULL DEFAULT (0), `size_bytes` integer NOT NULL DEFAULT (0), `sha256` text NOT NULL DEFAULT (''), `blob_key` text NOT NULL, `created_by_type` text NOT NULL, `created_by_id` text NULL, `created_by_name` text NULL, `created_by_email` text NULL, `process_id` text NOT NULL, `tenant_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `archives_processes_archive` FOREIGN KEY (`process_id`) REFERENCES `processes` (`id`) ON DELETE NO ACTION, CONSTRAINT `archives_tenants_archives` FOREIGN KEY (`tenant_id`) REFERENCES `tenants` (`id`) ON DELETE NO ACTION);
-- Create index "archives_process_id_key" to table: "archives"
CREATE UNIQUE INDEX `archives_process_id_key` ON `archives` (`process_id`);
-- Create index "archive_tenant_id_created_at" to table: "archives"
CREATE INDEX `archive_tenant_id_created_at` ON `archives` (`tenant_id`, `created_at`);
-- Create "audit_entries" table
CREATE TABLE `audit_entries` (`id` text NOT NULL, `occurred_at` datetime NOT NULL, `received_at` datetime NOT NULL, `action` text NOT NULL, `resource_type` text NOT NULL, `resource_id` text NULL, `resource_name` text NULL, `workspace` text NULL, `actor_type` text NOT NULL, `actor_id` text NULL, `actor_name` text NULL, `actor_email` text NULL, `status` text NOT NULL DEFAULT ('SUCCESS'), `old_value` json NULL, `new_value` json NULL, `metadata` json NULL, `request` json NULL, `idempotency_key` text NULL, `hash` text NOT NULL, `tenant_id` text NULL, PRIMARY KEY (`id`), CONSTRAINT `audit_entries_tenants_audit_entries` FOREIGN KEY (`tenant_id`) REFERENCES `tenants` (`id`) ON DELETE RESTRICT);
-- Create index "auditentry_tenant_id_occurred_at_id" to table: "audit_entries"
CREATE INDEX `auditentry_tenant_id_occurred_at_id` ON `audit_entries` (`tenant_id`, `occurred_at`, `id`);
-- Create index "auditentry_tenant_id_action_occurred_at" to table: "audit_entries"
CREATE INDEX `auditentry_tenant_id_action_occurred_at` ON `audit_entries` (`tenant_id`, `action`, `occurred_at`);
-- Create index "auditentry_tenant_id_resource_type_occurred_at" to table: "audit_entries"
CREATE INDEX `auditentry_tenant_id_resource_type_occurred_at` ON `audit_entries` (`tenant_id`, `resource_type`, `occurred_at`);
-- Create index "auditentry_tenant_id_actor_id_occurred_at" to table: "audit_entries"
CREATE INDEX `auditentry_tenant_id_actor_id_occurred_at` ON `audit_entries` (`tenant_id`, `actor_id`, `occurred_at`);
-- Create index "auditentry_occurred_at_id" to table: "audit_entries"
CREATE INDEX `auditentry_occurred_at_id` ON `audit_entries` (`occurred_at`, `id`);
-- Create index "auditentry_tenant_id_idempotency_key" to table: "audit_entries"
CREATE UNIQUE INDEX `auditentry_tenant_id_idempotency_key` ON `audit_entries` (`tenant_id`, `idempotency_key`) WHERE idempotency_key IS NOT NULL;
-- Create "invitations" table
CREATE TABLE `invitations` (`id` text NOT NULL, `created_at` datetime NOT NULL, `email` text NOT NULL, `role` text NOT NULL, `workspace` text NULL, `token_hash` text NOT NULL, `status` text NOT NULL DEFAULT ('PENDING'), `expires_at` datetime NOT NULL, `accepted_at` datetime NULL, `invited_by_id` text NULL, `tenant_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `invitations_users_invited_by` FOREIGN KEY (`invited_by_id`) REFERENCES `users` (`id`) ON DELETE SET NULL, CONSTRAINT `invitations_tenants_invitations` FOREIGN KEY (`tenant_id`) REFERENCES `tenants` (`id`) ON DELETE NO ACTION);
-- Create index "invitations_token_hash_key" to table: "invitations"
CREATE UNIQUE INDEX `invitations_token_hash_key` ON `invitations` (`token_hash`);
-- Create index "invitation_tenant_id_status" to table: "invitations"
CREATE INDEX `invitation_tenant_id_status` ON `invitations` (`tenant_id`, `status`);
-- Create "memberships" table
CREATE TABLE `memberships` (`id` text NOT NULL, `created_at` datetime NOT NULL, `role` text NOT NULL, `workspace` text NULL, `tenant_id` text NOT NULL, `user_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `memberships_tenants_memberships` FOREIGN KEY (`tenant_id`) REFERENCES `tenants` (`id`) ON DELETE NO ACTION, CONSTRAINT `memberships_users_memberships` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE NO ACTION);
-- Create index "membership_tenant_id_user_id" to table: "memberships"
CREATE UNIQUE INDEX `membership_tenant_id_user_id` ON `memberships` (`tenant_id`, `user_id`);
-- Create index "membership_user_id" to table: "memberships"
CREATE INDEX `membership_user_id` ON `memberships` (`user_id`);
-- Create "processes" table
CREATE TABLE `processes` (`id` text NOT NULL, `created_at` datetime NOT NULL, `kind` text NOT NULL, `status` text NOT NULL DEFAULT ('QUEUED'), `initiator_type` text NOT NULL, `initiator_id` text NULL, `initiator_name` text NULL, `initiator_email` text NULL, `input` json NULL, `progress` real NULL, `result` json NULL, `error` text NULL, `started_at` datetime NULL, `finished_at` datetime NULL, `run_after` datetime NOT NULL, `locked_by` text NULL, `locked_until` datetime NULL, `attempts` integer NOT NULL DEFAULT (0), `max_attempts` integer NOT NULL DEFAULT (5), `cancel_requested` bool NOT NULL DEFAULT (false), `schedule_id` text NULL, `tenant_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `processes_schedules_processes` FOREIGN KEY (`schedule_id`) REFERENCES `schedules` (`id`) ON DELETE SET NULL, CONSTRAINT `processes_tenants_processes` FOREIGN KEY (`tenant_id`) REFERENCES `tenants` (`id`) ON DELETE NO ACTION);
-- Create index "process_tenant_id_created_at" to table: "processes"
CREATE INDEX `process_tenant_id_created_at` ON `processes` (`tenant_id`, `created_at`);
-- Create index "process_status_run_after" to table: "processes"
CREATE INDEX `process_status_run_after` ON `processes` (`status`, `run_after`);
-- Create index "process_schedule_id" to table: "processes"
CREATE INDEX `process_schedule_id` ON `processes` (`schedule_id`);
-- Create "process_logs" table
CREATE TABLE `process_logs` (`id` text NOT NULL, `seq` integer NOT NULL, `at` datetime NOT NULL, `level` text NOT NULL DEFAULT ('INFO'), `message` text NOT NULL, `process_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `process_logs_processes_logs` FOREIGN KEY (`process_id`) REFERENCES `processes` (`id`) ON DELETE NO ACTION);
-- Create index "processlog_process_id_seq" to table: "process_logs"
CREATE UNIQUE INDEX `processlog_process_id_seq` ON `process_logs` (`process_id`, `seq`);
-- Create "schedules" table
CREATE TABLE `schedules` (`id` text NOT NULL, `created_at` datetime NOT NULL, `kind` text NOT NULL, `cron` text NOT NULL, `input` json NULL, `enabled` bool NOT NULL DEFAULT (true), `next_run_at` datetime NULL, `created_by_id` text NULL, `tenant_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `schedules_tenants_schedules` FOREIGN KEY (`tenant_id`) REFERENCES `tenants` (`id`) ON DELETE NO ACTION);
-- Create index "schedule_enabled_next_run_at" to table: "schedules"
CREATE INDEX `schedule_enabled_next_run_at` ON `schedules` (`enabled`, `next_run_at`);
-- Create index "schedule_tenant_id" to table: "schedules"
CREATE INDEX `schedule_tenant_id` ON `schedules` (`tenant_id`);
-- Create "sessions" table
CREATE TABLE `sessions` (`id` text NOT NULL, `created_at` datetime NOT NULL, `token_hash` text NOT NULL, `expires_at` datetime NOT NULL, `last_seen_at` datetime NULL, `source_ip` text NULL, `user_agent` text NULL, `user_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `sessions_users_sessions` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE NO ACTION);
-- Create index "sessions_token_hash_key" to table: "sessions"
CREATE UNIQUE INDEX `sessions_token_hash_key` ON `sessions` (`token_hash`);
-- Create index "session_user_id" to table: "sessions"
CREATE INDEX `session_user_id` ON `sessions` (`user_id`);
-- Create index "session_expires_at" to table: "sessions"
CREATE INDEX `session_expires_at` ON `sessions` (`expires_at`);
-- Create "tenants" table
CREATE TABLE `tenants` (`id` text NOT NULL, `created_at` datetime NOT NULL, `slug` text NOT NULL, `name` text NOT NULL, `retention_days` integer NULL, PRIMARY KEY (`id`));
-- Create index "tenants_slug_key" to table: "tenants"
CREATE UNIQUE INDEX `tenants_slug_key` ON `tenants` (`slug`);
-- Create "users" table
CREATE TABLE `users` (`id` text NOT NULL, `created_at` datetime NOT NULL, `email` text NOT NULL, `name` text NOT NULL, `password_hash` text NULL, `is_platform_admin` bool NOT NULL DEFAULT (false), PRIMARY KEY (`id`));
-- Create index "users_email_key" to table: "users"
CREATE UNIQUE INDEX `users_email_key` ON `users` (`email`);
