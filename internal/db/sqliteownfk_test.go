package db_test

import (
	"context"
	"database/sql"
	"testing"

	"entgo.io/ent/dialect"

	"github.com/trailmark/trailmark/internal/testdb"
	"github.com/trailmark/trailmark/internal/txn"
)

// A write transaction marked txn.WithOwnForeignKeys runs with SQLite's
// foreign keys off, and its connection has them on again afterwards — or,
// when its end failed (the transaction may still be open, where the pragma
// does nothing), is closed instead of going back to the pool.
func TestSQLiteOwnForeignKeys(t *testing.T) {
	d := testdb.Open(t, dialect.SQLite)
	ctx := context.Background()
	if _, err := d.SQL.ExecContext(ctx, `CREATE TABLE fk_p (id TEXT PRIMARY KEY);
CREATE TABLE fk_c (p TEXT REFERENCES fk_p (id))`); err != nil {
		t.Fatal(err)
	}
	type querier interface {
		QueryRowContext(context.Context, string, ...any) *sql.Row
		ExecContext(context.Context, string, ...any) (sql.Result, error)
	}
	fks := func(q querier) int {
		t.Helper()
		var on int
		if err := q.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&on); err != nil {
			t.Fatal(err)
		}
		return on
	}
	orphan := func(q querier) error {
		_, err := q.ExecContext(ctx, `INSERT INTO fk_c (p) VALUES ('missing')`)
		return err
	}

	for _, end := range []string{"commit", "rollback"} {
		t.Run(end, func(t *testing.T) {
			c, err := d.SQL.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			tx, err := c.BeginTx(txn.WithOwnForeignKeys(ctx), nil)
			if err != nil {
				t.Fatal(err)
			}
			if on := fks(tx); on != 0 {
				t.Fatalf("foreign_keys %d in the marked transaction, want 0", on)
			}
			if err := orphan(tx); err != nil {
				t.Fatalf("a row without its parent in the marked transaction: %v", err)
			}
			if end == "commit" {
				err = tx.Commit()
			} else {
				err = tx.Rollback()
			}
			if err != nil {
				t.Fatal(err)
			}
			if on := fks(c); on != 1 {
				t.Fatalf("foreign_keys %d on the connection after the %s, want 1", on, end)
			}
			if err := orphan(c); err == nil {
				t.Fatal("a row without its parent stored after the marked transaction")
			}
			// An unmarked transaction keeps them.
			tx, err = c.BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback()
			if on := fks(tx); on != 1 {
				t.Fatalf("foreign_keys %d in an unmarked transaction, want 1", on)
			}
		})
	}

	t.Run("a failed end discards the connection", func(t *testing.T) {
		c, err := d.SQL.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		open := d.SQL.Stats().OpenConnections
		tx, err := c.BeginTx(txn.WithOwnForeignKeys(ctx), nil)
		if err != nil {
			t.Fatal(err)
		}
		// OR ROLLBACK ends the transaction itself: the ROLLBACK after it fails.
		if _, err := tx.ExecContext(ctx, `INSERT OR ROLLBACK INTO fk_p (id) VALUES ('a'), ('a')`); err == nil {
			t.Fatal("a repeated primary key was stored")
		}
		if err := tx.Rollback(); err == nil {
			t.Fatal("the rollback after OR ROLLBACK succeeded: the test does not fail an end")
		}
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
		if got := d.SQL.Stats().OpenConnections; got != open-1 {
			t.Fatalf("%d open connections after the failed end, want %d (the connection closed)", got, open-1)
		}
	})
}
