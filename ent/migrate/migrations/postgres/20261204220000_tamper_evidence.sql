-- Tamper evidence (docs/integrity.md): one RFC 6962 Merkle log per tenant
-- and one for the platform log ("platform"). Written by hand: ent does not
-- model triggers, and these tables are the log's own storage, not API nodes.
--
-- log_leaves: one row per entry, written by the trigger below in the
-- entry's own transaction (so no entry escapes the log). The sequencer
-- gives each leaf its gapless seq later, in the order it sees the entries
-- committed. Retention deletes entries but keeps their leaves (pruned_at).
CREATE TABLE "log_leaves" ("entry_id" character varying NOT NULL, "log_id" character varying NOT NULL, "seq" bigint NULL, "hash" character varying NOT NULL, "received_at" timestamptz NOT NULL, "pruned_at" timestamptz NULL, PRIMARY KEY ("entry_id"));
CREATE UNIQUE INDEX "log_leaves_log_id_seq" ON "log_leaves" ("log_id", "seq");
CREATE INDEX "log_leaves_unsequenced" ON "log_leaves" ("log_id", "received_at", "entry_id") WHERE "seq" IS NULL;
-- log_heads: per log, the next seq to hand out and the Merkle tree's size
-- and root. legacy_size counts the leaves of entries recorded before this
-- migration, whose content hash does not cover id and receivedAt.
CREATE TABLE "log_heads" ("log_id" character varying NOT NULL, "next_seq" bigint NOT NULL DEFAULT 0, "tree_size" bigint NOT NULL DEFAULT 0, "root_hash" character varying NOT NULL DEFAULT '', "legacy_size" bigint NOT NULL DEFAULT 0, "checkpoint_size" bigint NOT NULL DEFAULT 0, "updated_at" timestamptz NOT NULL DEFAULT now(), PRIMARY KEY ("log_id"));
-- log_tiles: the tree's hashes in tiles of height 8 (golang.org/x/mod/sumdb/tlog);
-- a partial tile is rewritten wider as the tree grows.
CREATE TABLE "log_tiles" ("log_id" character varying NOT NULL, "level" integer NOT NULL, "n" bigint NOT NULL, "width" integer NOT NULL, "data" bytea NOT NULL, PRIMARY KEY ("log_id", "level", "n"));
-- log_checkpoints: signed notes (C2SP tlog-checkpoint) of the tree.
CREATE TABLE "log_checkpoints" ("log_id" character varying NOT NULL, "tree_size" bigint NOT NULL, "root_hash" character varying NOT NULL, "note" text NOT NULL, "created_at" timestamptz NOT NULL, PRIMARY KEY ("log_id", "tree_size"));
CREATE INDEX "log_checkpoints_log_id_created_at" ON "log_checkpoints" ("log_id", "created_at");
-- log_keys: the signing key when none is configured (generated on first start).
CREATE TABLE "log_keys" ("name" character varying NOT NULL, "signer" text NOT NULL, "verifier" text NOT NULL, "created_at" timestamptz NOT NULL, PRIMARY KEY ("name"));
-- log_leases: one replica sequences at a time (expires_at in Unix milliseconds).
CREATE TABLE "log_leases" ("name" character varying NOT NULL, "holder" character varying NOT NULL, "expires_at" bigint NOT NULL, PRIMARY KEY ("name"));
CREATE FUNCTION "log_leaves_add"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO log_leaves (entry_id, log_id, hash, received_at)
  SELECT id, COALESCE(tenant_id, 'platform'), hash, received_at FROM new_rows;
  RETURN NULL;
END
$$;
-- Creating the trigger locks audit_entries against writes until this
-- migration commits, so the backfill below misses nothing.
CREATE TRIGGER "log_leaves_insert" AFTER INSERT ON "audit_entries" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "log_leaves_add"();
INSERT INTO "log_leaves" ("entry_id", "log_id", "seq", "hash", "received_at")
SELECT "id", COALESCE("tenant_id", 'platform'), row_number() OVER (PARTITION BY COALESCE("tenant_id", 'platform') ORDER BY "received_at", "id") - 1, "hash", "received_at" FROM "audit_entries";
INSERT INTO "log_heads" ("log_id", "next_seq", "legacy_size")
SELECT "log_id", count(*), count(*) FROM "log_leaves" GROUP BY "log_id";
