-- Vacuum audit_entries after every ~1% of new rows instead of PostgreSQL's
-- default 20%. The table only grows, so vacuuming it mostly sets the
-- visibility map of the newest pages: without that, counting a recent
-- filtered range (totalCount of "last 7 days") reads every row from the
-- heap instead of the index alone (docs/indexes.md "Counting").
ALTER TABLE "audit_entries" SET (autovacuum_vacuum_insert_scale_factor = 0.01, autovacuum_vacuum_insert_threshold = 10000, autovacuum_analyze_scale_factor = 0.02);
