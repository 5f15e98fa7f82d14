-- Modify "processes" table
ALTER TABLE "processes" ALTER COLUMN "tenant_id" DROP NOT NULL;
