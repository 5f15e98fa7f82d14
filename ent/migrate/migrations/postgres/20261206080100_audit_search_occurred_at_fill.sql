-- The search index in the page's order, part 2: fill occurred_at of the
-- rows indexed so far. Its own migration, so its own transaction: the
-- UPDATE takes ROW EXCLUSIVE only, so searches keep reading the table and
-- the indexer keeps adding rows meanwhile (about a minute a million rows
-- on the 2-core test machine). The old row versions it leaves are dead
-- once it commits, so the B-tree of part 3 is built without them.
UPDATE "audit_search" s SET "occurred_at" = e."occurred_at" FROM "audit_entries" e
  WHERE e."id" = s."entry_id" AND s."occurred_at" IS NULL;
