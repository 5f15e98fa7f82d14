-- Create "saved_filters" table
CREATE TABLE `saved_filters` (`id` text NOT NULL, `created_at` datetime NOT NULL, `owner_id` text NOT NULL, `name` text NOT NULL, `page` text NOT NULL, `state` text NOT NULL DEFAULT (''), `shared` bool NOT NULL DEFAULT (false), `updated_at` datetime NOT NULL, `tenant_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `saved_filters_tenants_saved_filters` FOREIGN KEY (`tenant_id`) REFERENCES `tenants` (`id`) ON DELETE NO ACTION);
-- Create index "savedfilter_tenant_id_owner_id_page_name" to table: "saved_filters"
CREATE UNIQUE INDEX `savedfilter_tenant_id_owner_id_page_name` ON `saved_filters` (`tenant_id`, `owner_id`, `page`, `name`);
