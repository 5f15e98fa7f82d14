-- A trigram full-text index for `search` (docs/indexes.md). Written by hand:
-- ent does not model virtual tables or triggers. External content: the
-- index keeps no copy of the text, only trigrams keyed by the entry's
-- rowid; triggers keep it in step (entries are immutable, so insert and
-- delete suffice). `search` asks it for candidates and re-checks each
-- column exactly (internal/audit/search.go).
CREATE VIRTUAL TABLE `audit_entries_search` USING fts5(`action`, `resource_type`, `resource_id`, `resource_name`, `actor_name`, `actor_email`, `actor_id`, `workspace`, content='audit_entries', content_rowid='rowid', tokenize='trigram');
CREATE TRIGGER `audit_entries_search_insert` AFTER INSERT ON `audit_entries` BEGIN
  INSERT INTO `audit_entries_search` (`rowid`, `action`, `resource_type`, `resource_id`, `resource_name`, `actor_name`, `actor_email`, `actor_id`, `workspace`)
  VALUES (NEW.`rowid`, NEW.`action`, NEW.`resource_type`, NEW.`resource_id`, NEW.`resource_name`, NEW.`actor_name`, NEW.`actor_email`, NEW.`actor_id`, NEW.`workspace`);
END;
CREATE TRIGGER `audit_entries_search_delete` AFTER DELETE ON `audit_entries` BEGIN
  INSERT INTO `audit_entries_search` (`audit_entries_search`, `rowid`, `action`, `resource_type`, `resource_id`, `resource_name`, `actor_name`, `actor_email`, `actor_id`, `workspace`)
  VALUES ('delete', OLD.`rowid`, OLD.`action`, OLD.`resource_type`, OLD.`resource_id`, OLD.`resource_name`, OLD.`actor_name`, OLD.`actor_email`, OLD.`actor_id`, OLD.`workspace`);
END;
INSERT INTO `audit_entries_search` (`audit_entries_search`) VALUES ('rebuild');
