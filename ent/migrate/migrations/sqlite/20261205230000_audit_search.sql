-- The search index; see the PostgreSQL migration of the same name. On
-- SQLite the text is indexed by an FTS5 table with the trigram tokenizer
-- (a substring of three or more characters is a phrase of trigrams), kept
-- in step with audit_search by the triggers below: they fire when the
-- search indexer writes and when retention deletes, never on ingest.
CREATE TABLE `audit_search` (`id` integer NOT NULL PRIMARY KEY, `entry_id` text NOT NULL, `doc` text NOT NULL,
  CONSTRAINT `audit_search_entry` FOREIGN KEY (`entry_id`) REFERENCES `audit_entries` (`id`) ON DELETE CASCADE);
CREATE UNIQUE INDEX `audit_search_entry_id` ON `audit_search` (`entry_id`);
CREATE VIRTUAL TABLE `audit_search_fts` USING fts5(`doc`, content='audit_search', content_rowid='id', tokenize='trigram');
CREATE TRIGGER `audit_search_fts_insert` AFTER INSERT ON `audit_search` BEGIN
  INSERT INTO `audit_search_fts` (`rowid`, `doc`) VALUES (NEW.`id`, NEW.`doc`);
END;
CREATE TRIGGER `audit_search_fts_delete` AFTER DELETE ON `audit_search` BEGIN
  INSERT INTO `audit_search_fts` (`audit_search_fts`, `rowid`, `doc`) VALUES ('delete', OLD.`id`, OLD.`doc`);
END;
CREATE TABLE `audit_search_heads` (`log_id` text NOT NULL, `indexed_seq` integer NOT NULL DEFAULT 0, PRIMARY KEY (`log_id`));
