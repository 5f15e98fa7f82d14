package db_test

import (
	"context"
	"fmt"
	"testing"

	"entgo.io/ent/dialect"

	"github.com/trailmark/trailmark/internal/testdb"
)

// SQLite connections reuse prepared statements: a statement run again while
// its rows are still open (in one transaction, on one connection) runs
// unprepared beside them, failed statements leave the cache usable, and
// more distinct statements than the cache holds all still run.
func TestSQLiteStatementCache(t *testing.T) {
	d := testdb.Open(t, dialect.SQLite)
	ctx := context.Background()
	if _, err := d.SQL.ExecContext(ctx, `CREATE TABLE stmts_t (x INTEGER PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	const q = `SELECT x FROM stmts_t WHERE x >= ? ORDER BY x`
	tx, err := d.SQL.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback() //nolint:errcheck
	for i := range 5 {
		if _, err := tx.ExecContext(ctx, `INSERT INTO stmts_t (x) VALUES (?)`, i); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO stmts_t (x) VALUES (?)`, 1); err == nil {
		t.Fatal("a duplicate key was inserted")
	}
	outer, err := tx.QueryContext(ctx, q, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for outer.Next() {
		var x int
		if err := outer.Scan(&x); err != nil {
			t.Fatal(err)
		}
		inner, err := tx.QueryContext(ctx, q, x) // the same text while outer is open
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for inner.Next() {
			n++
		}
		if err := inner.Close(); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%d:%d", x, n))
	}
	if err := outer.Err(); err != nil {
		t.Fatal(err)
	}
	outer.Close()
	if fmt.Sprint(got) != "[0:5 1:4 2:3 3:2 4:1]" {
		t.Fatalf("nested runs of one statement: %v", got)
	}
	for i := range 200 { // more statements than a connection keeps
		var n int
		if err := tx.QueryRowContext(ctx, fmt.Sprintf(`SELECT count(*) + %d FROM stmts_t`, i)).Scan(&n); err != nil || n != 5+i {
			t.Fatalf("statement %d: %d, %v", i, n, err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := d.SQL.QueryRowContext(ctx, `SELECT count(*) FROM stmts_t WHERE x >= ?`, 2).Scan(&n); err != nil || n != 3 {
		t.Fatalf("after commit: %d, %v", n, err)
	}
}
