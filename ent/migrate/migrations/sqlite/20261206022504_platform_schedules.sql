-- Disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- Create "new_schedules" table
CREATE TABLE `new_schedules` (`id` text NOT NULL, `created_at` datetime NOT NULL, `kind` text NOT NULL, `cron` text NOT NULL, `input` json NULL, `enabled` bool NOT NULL DEFAULT (true), `next_run_at` datetime NULL, `created_by_id` text NULL, `tenant_id` text NULL, PRIMARY KEY (`id`), CONSTRAINT `schedules_tenants_schedules` FOREIGN KEY (`tenant_id`) REFERENCES `tenants` (`id`) ON DELETE NO ACTION);
-- Copy rows from old table "schedules" to new temporary table "new_schedules"
INSERT INTO `new_schedules` (`id`, `created_at`, `kind`, `cron`, `input`, `enabled`, `next_run_at`, `created_by_id`, `tenant_id`) SELECT `id`, `created_at`, `kind`, `cron`, `input`, `enabled`, `next_run_at`, `created_by_id`, `tenant_id` FROM `schedules`;
-- Drop "schedules" table after copying rows
DROP TABLE `schedules`;
-- Rename temporary table "new_schedules" to "schedules"
ALTER TABLE `new_schedules` RENAME TO `schedules`;
-- Create index "schedule_tenant_id" to table: "schedules"
CREATE INDEX `schedule_tenant_id` ON `schedules` (`tenant_id`);
-- Create index "schedule_enabled_next_run_at" to table: "schedules"
CREATE INDEX `schedule_enabled_next_run_at` ON `schedules` (`enabled`, `next_run_at`);
-- Enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
