package db_test

import (
	"context"
	"testing"

	"entgo.io/ent/dialect"

	"github.com/trailmark/trailmark/internal/db"
)

// TestSQLiteRebuildKeepsReferences: a migration that rebuilds a table
// other tables reference (processes, for its nullable tenant_id) runs on a
// SQLite database holding such rows: they survive, every foreign key still
// points somewhere, and foreign keys are enforced again afterwards.
func TestSQLiteRebuildKeepsReferences(t *testing.T) {
	ctx := context.Background()
	d, err := db.Open(ctx, db.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	exec := migrateUpTo(t, d, dialect.SQLite, "_platform_processes")
	exec(`INSERT INTO tenants (id, created_at, slug, name) VALUES ('ten_1', '2026-01-01 00:00:00', 'a', 'A')`)
	exec(`INSERT INTO processes (id, created_at, kind, status, initiator_type, run_after, tenant_id)
VALUES ('prc_1', '2026-01-01 00:00:00', 'ARCHIVE', 'SUCCEEDED', 'SYSTEM', '2026-01-01 00:00:00', 'ten_1')`)
	exec(`INSERT INTO process_logs (id, seq, at, level, message, process_id) VALUES ('pl_1', 1, '2026-01-01 00:00:00', 'INFO', 'hi', 'prc_1')`)
	exec(`INSERT INTO archives (id, created_at, name, format, "from", "to", blob_key, created_by_type, process_id, tenant_id)
VALUES ('arc_1', '2026-01-01 00:00:00', 'a', 'JSONL_GZ', '2026-01-01 00:00:00', '2026-01-02 00:00:00', 'k', 'SYSTEM', 'prc_1', 'ten_1')`)

	if err := d.Migrate(ctx, discard()); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	var logs, archives int
	if err := d.SQL.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM process_logs), (SELECT COUNT(*) FROM archives)`).Scan(&logs, &archives); err != nil {
		t.Fatal(err)
	}
	if logs != 1 || archives != 1 {
		t.Fatalf("after the rebuild: %d log lines, %d archives", logs, archives)
	}
	rows, err := d.SQL.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		t.Fatal(err)
	}
	if rows.Next() {
		t.Fatal("a foreign key points nowhere after the rebuild")
	}
	rows.Close()
	// A platform process (no tenant) is allowed now; a dangling reference
	// is still refused: foreign keys are on again.
	exec(`INSERT INTO processes (id, created_at, kind, status, initiator_type, run_after)
VALUES ('prc_2', '2026-01-01 00:00:00', 'VERIFY', 'QUEUED', 'SYSTEM', '2026-01-01 00:00:00')`)
	if _, err := d.SQL.ExecContext(ctx, `INSERT INTO process_logs (id, seq, at, level, message, process_id)
VALUES ('pl_2', 1, '2026-01-01 00:00:00', 'INFO', 'x', 'prc_nowhere')`); err == nil {
		t.Fatal("foreign keys are not enforced after the migration")
	}
}
