-- Per-tenant entry counts, kept by triggers, so that totalCount of a
-- tenant's whole log is one row read instead of COUNT(*) over hundreds of
-- thousands (docs/indexes.md "Counting"). Written by hand: ent does not
-- model triggers. SQLite has one writer, so one slot per tenant suffices.
CREATE TABLE `audit_entry_counts` (`tenant_id` text NOT NULL, `slot` integer NOT NULL, `n` integer NOT NULL, PRIMARY KEY (`tenant_id`, `slot`));
CREATE TRIGGER `audit_entry_counts_insert` AFTER INSERT ON `audit_entries` WHEN NEW.`tenant_id` IS NOT NULL BEGIN
  INSERT INTO `audit_entry_counts` (`tenant_id`, `slot`, `n`) VALUES (NEW.`tenant_id`, 0, 1)
  ON CONFLICT (`tenant_id`, `slot`) DO UPDATE SET `n` = `n` + 1;
END;
CREATE TRIGGER `audit_entry_counts_delete` AFTER DELETE ON `audit_entries` WHEN OLD.`tenant_id` IS NOT NULL BEGIN
  INSERT INTO `audit_entry_counts` (`tenant_id`, `slot`, `n`) VALUES (OLD.`tenant_id`, 0, -1)
  ON CONFLICT (`tenant_id`, `slot`) DO UPDATE SET `n` = `n` - 1;
END;
INSERT INTO `audit_entry_counts` (`tenant_id`, `slot`, `n`) SELECT `tenant_id`, 0, count(*) FROM `audit_entries` WHERE `tenant_id` IS NOT NULL GROUP BY `tenant_id`;
