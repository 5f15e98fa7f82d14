-- The words of each entry's searched columns, for `search` (docs/indexes.md
-- "Search"): an FTS5 table whose ascii tokenizer splits words exactly as
-- internal/audit/search.go does (ASCII letters and digits and every
-- non-ASCII character are word characters) and folds ASCII case. Its
-- external content is a view, so that
--   INSERT INTO audit_entry_words(audit_entry_words) VALUES ('rebuild')
-- rebuilds it (needed after a VACUUM, which may renumber rowids). No
-- positions are kept (detail=none): a search asks for single words only.
CREATE VIEW `audit_entry_words_src` AS SELECT `audit_entries`.`rowid` AS `rowid`, COALESCE(`audit_entries`.`action`, '') || ' ' || COALESCE(`audit_entries`.`resource_type`, '') || ' ' || COALESCE(`audit_entries`.`resource_id`, '') || ' ' || COALESCE(`audit_entries`.`resource_name`, '') || ' ' || COALESCE(`audit_entries`.`actor_name`, '') || ' ' || COALESCE(`audit_entries`.`actor_email`, '') || ' ' || COALESCE(`audit_entries`.`actor_id`, '') || ' ' || COALESCE(`audit_entries`.`workspace`, '') AS `doc` FROM `audit_entries`;
CREATE VIRTUAL TABLE `audit_entry_words` USING fts5(`doc`, content='audit_entry_words_src', content_rowid='rowid', tokenize='ascii', detail='none');
CREATE TRIGGER `audit_entry_words_insert` AFTER INSERT ON `audit_entries` BEGIN
  INSERT INTO `audit_entry_words` (`rowid`, `doc`) VALUES (NEW.`rowid`, COALESCE(NEW.`action`, '') || ' ' || COALESCE(NEW.`resource_type`, '') || ' ' || COALESCE(NEW.`resource_id`, '') || ' ' || COALESCE(NEW.`resource_name`, '') || ' ' || COALESCE(NEW.`actor_name`, '') || ' ' || COALESCE(NEW.`actor_email`, '') || ' ' || COALESCE(NEW.`actor_id`, '') || ' ' || COALESCE(NEW.`workspace`, ''));
END;
CREATE TRIGGER `audit_entry_words_delete` AFTER DELETE ON `audit_entries` BEGIN
  INSERT INTO `audit_entry_words` (`audit_entry_words`, `rowid`, `doc`) VALUES ('delete', OLD.`rowid`, COALESCE(OLD.`action`, '') || ' ' || COALESCE(OLD.`resource_type`, '') || ' ' || COALESCE(OLD.`resource_id`, '') || ' ' || COALESCE(OLD.`resource_name`, '') || ' ' || COALESCE(OLD.`actor_name`, '') || ' ' || COALESCE(OLD.`actor_email`, '') || ' ' || COALESCE(OLD.`actor_id`, '') || ' ' || COALESCE(OLD.`workspace`, ''));
END;
INSERT INTO `audit_entry_words` (`audit_entry_words`) VALUES ('rebuild');
