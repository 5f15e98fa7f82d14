package db_test

import (
	"context"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/trailmark/trailmark/internal/db"
	"github.com/trailmark/trailmark/internal/testdb"
)

// TestSQLiteInterruptsRows runs a query whose first row comes at once and
// whose second takes minutes of computing: when the context ends while rows
// are read, SQLite must be interrupted, not left computing.
func TestSQLiteInterruptsRows(t *testing.T) {
	d := testdb.Open(t, dialect.SQLite)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		rows, err := d.SQL.QueryContext(ctx, `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 2000000000)
			SELECT x FROM c WHERE x = 1 OR x = 1999999999`)
		if err != nil {
			done <- err
			return
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			n++
		}
		done <- rows.Err()
	}()
	select {
	case err := <-done:
		if err == nil || !db.IsUnavailable(err) {
			t.Fatalf("rows read past their context: err %v, want an interrupt or deadline error", err)
		}
	case <-time.After(30 * time.Second): // generous: only bounds a failure
		t.Fatal("SQLite still computing 30 s after the context ended")
	}
}
