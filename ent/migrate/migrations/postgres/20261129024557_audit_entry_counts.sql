-- Per-tenant entry counts, kept by triggers, so that totalCount of a
-- tenant's whole log is a sum over a few rows instead of COUNT(*) over
-- hundreds of thousands (docs/indexes.md "Counting"). Written by hand: ent
-- does not model triggers. Each connection adds to its own slot
-- (pg_backend_pid() % 16) so concurrent writers of one tenant rarely wait on
-- the same row, and one transaction always touches one row per tenant.
CREATE TABLE "audit_entry_counts" ("tenant_id" character varying NOT NULL, "slot" smallint NOT NULL, "n" bigint NOT NULL, PRIMARY KEY ("tenant_id", "slot"));
CREATE FUNCTION "audit_entry_counts_add"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO audit_entry_counts AS c (tenant_id, slot, n)
  SELECT tenant_id, pg_backend_pid() % 16, count(*) FROM new_rows
  WHERE tenant_id IS NOT NULL GROUP BY tenant_id ORDER BY tenant_id
  ON CONFLICT (tenant_id, slot) DO UPDATE SET n = c.n + EXCLUDED.n;
  RETURN NULL;
END
$$;
CREATE FUNCTION "audit_entry_counts_sub"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO audit_entry_counts AS c (tenant_id, slot, n)
  SELECT tenant_id, pg_backend_pid() % 16, -count(*) FROM old_rows
  WHERE tenant_id IS NOT NULL GROUP BY tenant_id ORDER BY tenant_id
  ON CONFLICT (tenant_id, slot) DO UPDATE SET n = c.n + EXCLUDED.n;
  RETURN NULL;
END
$$;
CREATE FUNCTION "audit_entry_counts_clear"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM audit_entry_counts;
  RETURN NULL;
END
$$;
-- Creating the triggers locks audit_entries against writes until this
-- migration commits, so the initial counts below miss nothing.
CREATE TRIGGER "audit_entry_counts_insert" AFTER INSERT ON "audit_entries" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "audit_entry_counts_add"();
CREATE TRIGGER "audit_entry_counts_delete" AFTER DELETE ON "audit_entries" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "audit_entry_counts_sub"();
CREATE TRIGGER "audit_entry_counts_truncate" AFTER TRUNCATE ON "audit_entries" FOR EACH STATEMENT EXECUTE FUNCTION "audit_entry_counts_clear"();
INSERT INTO "audit_entry_counts" ("tenant_id", "slot", "n") SELECT "tenant_id", 0, count(*) FROM "audit_entries" WHERE "tenant_id" IS NOT NULL GROUP BY "tenant_id";
