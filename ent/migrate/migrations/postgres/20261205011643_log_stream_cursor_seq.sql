-- Modify "log_streams" table
ALTER TABLE "log_streams" ADD COLUMN "cursor_seq" bigint NULL;
