package db_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"entgo.io/ent/dialect"

	"github.com/trailmark/trailmark/internal/db"
)

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// migrateUpTo applies d's migrations of its dialect in order, as Migrate
// records them, up to (not including) the first whose version ends in
// suffix, which must exist; the tests then write rows the later migrations
// must carry over, and run Migrate. exec runs a statement or fails the test.
func migrateUpTo(t *testing.T, d *db.DB, dia, suffix string) (exec func(q string, args ...any)) {
	t.Helper()
	ctx := context.Background()
	ms, err := db.Migrations(dia)
	if err != nil {
		t.Fatal(err)
	}
	exec = func(q string, args ...any) {
		t.Helper()
		if _, err := d.SQL.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%.80s: %v", q, err)
		}
	}
	record := `INSERT INTO trailmark_migrations (version, applied_at) VALUES (?, 'x')`
	if dia == dialect.Postgres {
		record = strings.Replace(record, "?", "$1", 1)
	}
	exec(`CREATE TABLE trailmark_migrations (version VARCHAR(255) PRIMARY KEY, applied_at VARCHAR(64) NOT NULL)`)
	for _, m := range ms {
		if strings.HasSuffix(m.Version, suffix) {
			return exec
		}
		exec(m.SQL)
		exec(record, m.Version)
	}
	t.Fatalf("no %s migration", strings.TrimPrefix(suffix, "_"))
	return nil
}
