-- Modify "schedules" table
ALTER TABLE "schedules" ALTER COLUMN "tenant_id" DROP NOT NULL;
