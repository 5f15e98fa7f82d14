-- Tamper evidence (docs/integrity.md); see the PostgreSQL migration of the
-- same name for what each table holds. The trigger is per row: SQLite has
-- no statement-level triggers, and one writer.
CREATE TABLE `log_leaves` (`entry_id` text NOT NULL, `log_id` text NOT NULL, `seq` integer NULL, `hash` text NOT NULL, `received_at` datetime NOT NULL, `pruned_at` datetime NULL, PRIMARY KEY (`entry_id`));
CREATE UNIQUE INDEX `log_leaves_log_id_seq` ON `log_leaves` (`log_id`, `seq`);
CREATE INDEX `log_leaves_unsequenced` ON `log_leaves` (`log_id`, `received_at`, `entry_id`) WHERE `seq` IS NULL;
CREATE TABLE `log_heads` (`log_id` text NOT NULL, `next_seq` integer NOT NULL DEFAULT 0, `tree_size` integer NOT NULL DEFAULT 0, `root_hash` text NOT NULL DEFAULT '', `legacy_size` integer NOT NULL DEFAULT 0, `checkpoint_size` integer NOT NULL DEFAULT 0, `updated_at` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP, PRIMARY KEY (`log_id`));
CREATE TABLE `log_tiles` (`log_id` text NOT NULL, `level` integer NOT NULL, `n` integer NOT NULL, `width` integer NOT NULL, `data` blob NOT NULL, PRIMARY KEY (`log_id`, `level`, `n`));
CREATE TABLE `log_checkpoints` (`log_id` text NOT NULL, `tree_size` integer NOT NULL, `root_hash` text NOT NULL, `note` text NOT NULL, `created_at` datetime NOT NULL, PRIMARY KEY (`log_id`, `tree_size`));
CREATE INDEX `log_checkpoints_log_id_created_at` ON `log_checkpoints` (`log_id`, `created_at`);
CREATE TABLE `log_keys` (`name` text NOT NULL, `signer` text NOT NULL, `verifier` text NOT NULL, `created_at` datetime NOT NULL, PRIMARY KEY (`name`));
CREATE TABLE `log_leases` (`name` text NOT NULL, `holder` text NOT NULL, `expires_at` integer NOT NULL, PRIMARY KEY (`name`));
CREATE TRIGGER `log_leaves_insert` AFTER INSERT ON `audit_entries` BEGIN
  INSERT INTO `log_leaves` (`entry_id`, `log_id`, `hash`, `received_at`)
  VALUES (NEW.`id`, COALESCE(NEW.`tenant_id`, 'platform'), NEW.`hash`, NEW.`received_at`);
END;
INSERT INTO `log_leaves` (`entry_id`, `log_id`, `seq`, `hash`, `received_at`)
SELECT `id`, COALESCE(`tenant_id`, 'platform'), row_number() OVER (PARTITION BY COALESCE(`tenant_id`, 'platform') ORDER BY `received_at`, `id`) - 1, `hash`, `received_at` FROM `audit_entries`;
INSERT INTO `log_heads` (`log_id`, `next_seq`, `legacy_size`)
SELECT `log_id`, count(*), count(*) FROM `log_leaves` GROUP BY `log_id`;
