package db_test

import (
	"context"
	"database/sql"
	"testing"

	"entgo.io/ent/dialect"

	"github.com/trailmark/trailmark/internal/testdb"
	"github.com/trailmark/trailmark/internal/txn"
)

type sqlQuerier interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}

// Write transactions on SQLite run on one connection, the writer, whoever
// begins them (so that its page cache outlives each): a TEMP table — one
// connection's own — made in one write transaction is there in the next,
// begun on another pooled connection, and not for a read outside one.
func TestSQLiteWritesShareAConnection(t *testing.T) {
	d := testdb.Open(t, dialect.SQLite)
	ctx := context.Background()
	a, err := d.SQL.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := d.SQL.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	tx, err := a.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE writer_t (x INTEGER)`); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	// An autocommit write on the other connection runs on the writer too.
	if _, err := b.ExecContext(ctx, `INSERT INTO temp.writer_t (x) VALUES (1)`); err != nil {
		t.Fatalf("a write on another pooled connection does not see the writer's TEMP table: %v", err)
	}
	tx, err = b.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM temp.writer_t`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("a write transaction on another pooled connection: %d rows, %v", n, err)
	}
	// The writer's page cache is its own size, the pool's the DSN's.
	var cache int
	if err := tx.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&cache); err != nil || cache != -64<<10 {
		t.Fatalf("the writer's cache_size %d (%v), want %d", cache, err, -64<<10)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if err := b.QueryRowContext(ctx, `SELECT count(*) FROM temp.writer_t`).Scan(&n); err == nil {
		t.Fatal("a read outside a transaction ran on the writer")
	}
	if err := b.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&cache); err != nil || cache != -16<<10 {
		t.Fatalf("a pooled connection's cache_size %d (%v), want %d", cache, err, -16<<10)
	}
}

// A write transaction marked txn.WithOwnForeignKeys runs with SQLite's
// foreign keys off, and the writer has them on again for the next — or,
// when the end failed (the transaction may still be open, where the pragma
// does nothing), is closed and replaced by a fresh connection.
func TestSQLiteOwnForeignKeys(t *testing.T) {
	d := testdb.Open(t, dialect.SQLite)
	ctx := context.Background()
	if _, err := d.SQL.ExecContext(ctx, `CREATE TABLE fk_p (id TEXT PRIMARY KEY);
CREATE TABLE fk_c (p TEXT REFERENCES fk_p (id))`); err != nil {
		t.Fatal(err)
	}
	fks := func(q sqlQuerier) int {
		t.Helper()
		var on int
		if err := q.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&on); err != nil {
			t.Fatal(err)
		}
		return on
	}
	orphan := func(q sqlQuerier) error {
		_, err := q.ExecContext(ctx, `INSERT INTO fk_c (p) VALUES ('missing')`)
		return err
	}
	// next checks that the next write transaction has foreign keys on.
	next := func(t *testing.T) {
		t.Helper()
		tx, err := d.SQL.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if on := fks(tx); on != 1 {
			t.Fatalf("foreign_keys %d in the next write transaction, want 1", on)
		}
		if err := orphan(tx); err == nil {
			t.Fatal("a row without its parent stored in the next write transaction")
		}
	}

	for _, end := range []string{"commit", "rollback"} {
		t.Run(end, func(t *testing.T) {
			tx, err := d.SQL.BeginTx(txn.WithOwnForeignKeys(ctx), nil)
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
			next(t)
		})
	}

	t.Run("a failed end replaces the writer", func(t *testing.T) {
		tx, err := d.SQL.BeginTx(txn.WithOwnForeignKeys(ctx), nil)
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
		next(t)
	})
}
