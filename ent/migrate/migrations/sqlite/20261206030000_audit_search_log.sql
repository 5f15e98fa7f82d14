-- The search index per log; see the PostgreSQL migration of the same name.
-- The rows written so far have no log, so the tables start over (dropping
-- them is quicker than deleting every row through the FTS5 trigger); the
-- indexer backfills in the background, and searches scan the tail meanwhile.
DROP TRIGGER `audit_search_fts_insert`;
DROP TRIGGER `audit_search_fts_delete`;
DROP TABLE `audit_search_fts`;
DROP TABLE `audit_search`;
DELETE FROM `audit_search_heads`;
CREATE TABLE `audit_search` (`id` integer NOT NULL PRIMARY KEY, `entry_id` text NOT NULL, `log_id` text NOT NULL, `doc` text NOT NULL,
  CONSTRAINT `audit_search_entry` FOREIGN KEY (`entry_id`) REFERENCES `audit_entries` (`id`) ON DELETE CASCADE);
CREATE UNIQUE INDEX `audit_search_entry_id` ON `audit_search` (`entry_id`);
CREATE VIRTUAL TABLE `audit_search_fts` USING fts5(`doc`, content='audit_search', content_rowid='id', tokenize='trigram');
CREATE TRIGGER `audit_search_fts_insert` AFTER INSERT ON `audit_search` BEGIN
  INSERT INTO `audit_search_fts` (`rowid`, `doc`) VALUES (NEW.`id`, NEW.`doc`);
END;
CREATE TRIGGER `audit_search_fts_delete` AFTER DELETE ON `audit_search` BEGIN
  INSERT INTO `audit_search_fts` (`audit_search_fts`, `rowid`, `doc`) VALUES ('delete', OLD.`id`, OLD.`doc`);
END;
