-- Add column "cursor_seq" to table: "log_streams"
ALTER TABLE `log_streams` ADD COLUMN `cursor_seq` integer NULL;
