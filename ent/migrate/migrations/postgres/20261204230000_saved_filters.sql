-- Create "saved_filters" table
CREATE TABLE "saved_filters" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "owner_id" character varying NOT NULL, "name" character varying NOT NULL, "page" character varying NOT NULL, "state" character varying NOT NULL DEFAULT '', "shared" boolean NOT NULL DEFAULT false, "updated_at" timestamptz NOT NULL, "tenant_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "saved_filters_tenants_saved_filters" FOREIGN KEY ("tenant_id") REFERENCES "tenants" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- Create index "savedfilter_tenant_id_owner_id_page_name" to table: "saved_filters"
CREATE UNIQUE INDEX "savedfilter_tenant_id_owner_id_page_name" ON "saved_filters" ("tenant_id", "owner_id", "page", "name");
