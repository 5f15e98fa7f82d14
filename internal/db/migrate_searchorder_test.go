package db_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/trailmark/trailmark/internal/db"
	"github.com/trailmark/trailmark/internal/testdb"
)

// TestSearchOrderMigrationFills: the audit_search_occurred_at migrations
// run on a PostgreSQL database whose search index holds rows: each row
// gets its entry's occurred_at, the column is NOT NULL afterwards (a
// previous version's indexer cannot add a row without it), and the
// ordered B-tree audit.SearchWalk reads exists.
func TestSearchOrderMigrationFills(t *testing.T) {
	ctx := context.Background()
	d, err := db.Open(ctx, testdb.URL(t, dialect.Postgres))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	exec := migrateUpTo(t, d, dialect.Postgres, "_audit_search_occurred_at")
	at := []time.Time{time.Date(2026, 1, 2, 3, 4, 5, 678000000, time.UTC), time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)}
	exec(`INSERT INTO tenants (id, created_at, slug, name) VALUES ('ten_1', now(), 'a', 'A')`)
	for i, id := range []string{"ent_1", "ent_2"} {
		exec(`INSERT INTO audit_entries (id, tenant_id, occurred_at, received_at, action, resource_type, actor_type, hash)
VALUES ($1, 'ten_1', $2, now(), 'a.b', 'a', 'SYSTEM', 'h')`, id, at[i])
		exec(`INSERT INTO audit_search (entry_id, log_id, doc) VALUES ($1, 'ten_1', 'a.b')`, id)
	}

	if err := d.Migrate(ctx, discard()); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	for i, id := range []string{"ent_1", "ent_2"} {
		var got time.Time
		if err := d.SQL.QueryRowContext(ctx, `SELECT occurred_at FROM audit_search WHERE entry_id = $1`, id).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if !got.Equal(at[i]) {
			t.Errorf("%s: occurred_at %v, want %v", id, got, at[i])
		}
	}
	exec(`INSERT INTO audit_entries (id, tenant_id, occurred_at, received_at, action, resource_type, actor_type, hash)
VALUES ('ent_3', 'ten_1', now(), now(), 'a.b', 'a', 'SYSTEM', 'h')`)
	if _, err := d.SQL.ExecContext(ctx, `INSERT INTO audit_search (entry_id, log_id, doc) VALUES ('ent_3', 'ten_1', 'a.b')`); err == nil ||
		!strings.Contains(err.Error(), "occurred_at") {
		t.Errorf("a row without occurred_at: %v, want a not-null violation", err)
	}
	var def string
	if err := d.SQL.QueryRowContext(ctx, `SELECT indexdef FROM pg_indexes WHERE indexname = 'audit_search_order' AND schemaname = current_schema()`).Scan(&def); err != nil {
		t.Fatalf("audit_search_order: %v", err)
	}
	if !strings.Contains(def, "(log_id, occurred_at, entry_id) INCLUDE (doc)") {
		t.Errorf("audit_search_order: %s", def)
	}
}
