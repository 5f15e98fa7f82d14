-- Disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- Create "new_processes" table
CREATE TABLE `new_processes` (`id` text NOT NULL, `created_at` datetime NOT NULL, `kind` text NOT NULL, `status` text NOT NULL DEFAULT ('QUEUED'), `initiator_type` text NOT NULL, `initiator_id` text NULL, `initiator_name` text NULL, `initiator_email` text NULL, `input` json NULL, `progress` real NULL, `result` json NULL, `error` text NULL, `started_at` datetime NULL, `finished_at` datetime NULL, `run_after` datetime NOT NULL, `locked_by` text NULL, `locked_until` datetime NULL, `attempts` integer NOT NULL DEFAULT (0), `max_attempts` integer NOT NULL DEFAULT (5), `cancel_requested` bool NOT NULL DEFAULT (false), `schedule_id` text NULL, `tenant_id` text NULL, PRIMARY KEY (`id`), CONSTRAINT `processes_schedules_processes` FOREIGN KEY (`schedule_id`) REFERENCES `schedules` (`id`) ON DELETE SET NULL, CONSTRAINT `processes_tenants_processes` FOREIGN KEY (`tenant_id`) REFERENCES `tenants` (`id`) ON DELETE NO ACTION);
-- Copy rows from old table "processes" to new temporary table "new_processes"
INSERT INTO `new_processes` (`id`, `created_at`, `kind`, `status`, `initiator_type`, `initiator_id`, `initiator_name`, `initiator_email`, `input`, `progress`, `result`, `error`, `started_at`, `finished_at`, `run_after`, `locked_by`, `locked_until`, `attempts`, `max_attempts`, `cancel_requested`, `schedule_id`, `tenant_id`) SELECT `id`, `created_at`, `kind`, `status`, `initiator_type`, `initiator_id`, `initiator_name`, `initiator_email`, `input`, `progress`, `result`, `error`, `started_at`, `finished_at`, `run_after`, `locked_by`, `locked_until`, `attempts`, `max_attempts`, `cancel_requested`, `schedule_id`, `tenant_id` FROM `processes`;
-- Drop "processes" table after copying rows
DROP TABLE `processes`;
-- Rename temporary table "new_processes" to "processes"
ALTER TABLE `new_processes` RENAME TO `processes`;
-- Create index "process_tenant_id_created_at" to table: "processes"
CREATE INDEX `process_tenant_id_created_at` ON `processes` (`tenant_id`, `created_at`);
-- Create index "process_status_run_after" to table: "processes"
CREATE INDEX `process_status_run_after` ON `processes` (`status`, `run_after`);
-- Create index "process_schedule_id" to table: "processes"
CREATE INDEX `process_schedule_id` ON `processes` (`schedule_id`);
-- Enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
