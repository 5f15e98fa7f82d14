package db_test

import (
	"context"
	"testing"

	atlasmigrate "ariga.io/atlas/sql/migrate"
	entsql "entgo.io/ent/dialect/sql"
	"entgo.io/ent/dialect/sql/schema"

	"github.com/trailmark/trailmark/ent/migrate"
	"github.com/trailmark/trailmark/internal/db"
	"github.com/trailmark/trailmark/internal/testdb"
)

// TestMigrationsMatchSchema fails when the ent schema and the checked-in
// migrations drift apart: after applying every migration, diffing the live
// database against the ent schema must plan nothing.
func TestMigrationsMatchSchema(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		dir, err := atlasmigrate.NewLocalDir(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		m, err := schema.NewMigrate(entsql.OpenDB(d.Dialect, d.SQL),
			schema.WithDir(dir), schema.WithDialect(d.Dialect),
			schema.WithDropColumn(true), schema.WithDropIndex(true),
			migrate.KeepHandWritten)
		if err != nil {
			t.Fatal(err)
		}
		if err := m.NamedDiff(context.Background(), "drift", migrate.Tables...); err != nil {
			t.Fatal(err)
		}
		files, err := dir.Files()
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			t.Errorf("the ent schema differs from the migrations (run `make migration NAME=...`):\n%s", f.Bytes())
		}
	})
}

// TestMigrateIsIdempotent applies the migrations twice.
func TestMigrateIsIdempotent(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		if err := d.Migrate(context.Background(), discard()); err != nil {
			t.Fatalf("second migrate: %v", err)
		}
		pending, err := d.Pending(context.Background())
		if err != nil || len(pending) != 0 {
			t.Fatalf("pending after migrate: %v %v", pending, err)
		}
	})
}
