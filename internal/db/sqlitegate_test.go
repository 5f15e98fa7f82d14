package db_test

import (
	"context"
	"database/sql"
	"sync"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/trailmark/trailmark/internal/testdb"
)

// Writers on SQLite take turns through the connector's write gate: every
// one of many concurrent write transactions and autocommit writes
// succeeds, none waits for SQLite's busy timeout, and reads — plain or in
// a read-only transaction — go on while a writer holds the gate.
func TestSQLiteWriteGate(t *testing.T) {
	d := testdb.Open(t, dialect.SQLite)
	ctx := context.Background()
	if _, err := d.SQL.ExecContext(ctx, `CREATE TABLE gate_t (x INTEGER)`); err != nil {
		t.Fatal(err)
	}

	t.Run("concurrent writers", func(t *testing.T) {
		var wg sync.WaitGroup
		errs := make(chan error, 64)
		start := time.Now()
		for i := range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := range 10 {
					if i%2 == 0 { // a transaction, committed or rolled back
						tx, err := d.SQL.BeginTx(ctx, nil)
						if err != nil {
							errs <- err
							return
						}
						if _, err := tx.ExecContext(ctx, `INSERT INTO gate_t (x) VALUES (?)`, i*100+j); err != nil {
							errs <- err
							return
						}
						if j%3 == 0 {
							err = tx.Rollback()
						} else {
							err = tx.Commit()
						}
						if err != nil {
							errs <- err
							return
						}
						continue
					}
					var x int // an autocommit write that returns rows
					if err := d.SQL.QueryRowContext(ctx, `INSERT INTO gate_t (x) VALUES (?) RETURNING x`, i*100+j).Scan(&x); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		var n int
		if err := d.SQL.QueryRowContext(ctx, `SELECT count(*) FROM gate_t`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if want := 8*10 - 8*4 + 8*10; n != want {
			t.Fatalf("%d rows, want %d", n, want)
		}
		if el := time.Since(start); el > 8*time.Second { // busy_timeout is 10 s
			t.Fatalf("160 small writes took %v", el)
		}
	})

	t.Run("reads pass a writer", func(t *testing.T) {
		tx, err := d.SQL.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback() //nolint:errcheck
		if _, err := tx.ExecContext(ctx, `INSERT INTO gate_t (x) VALUES (1)`); err != nil {
			t.Fatal(err)
		}
		rctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		var n int
		if err := d.SQL.QueryRowContext(rctx, `SELECT count(*) FROM gate_t`).Scan(&n); err != nil {
			t.Fatalf("plain read while a writer holds the gate: %v", err)
		}
		if err := d.SQL.QueryRowContext(rctx, `WITH c AS (SELECT x FROM gate_t) SELECT count(*) FROM c`).Scan(&n); err != nil {
			t.Fatalf("read with a WITH clause while a writer holds the gate: %v", err)
		}
		ro, err := d.SQL.BeginTx(rctx, &sql.TxOptions{ReadOnly: true})
		if err != nil {
			t.Fatalf("read-only transaction while a writer holds the gate: %v", err)
		}
		if err := ro.QueryRowContext(rctx, `SELECT count(*) FROM gate_t`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		_ = ro.Rollback()
	})

	t.Run("a waiting writer gives up with its context", func(t *testing.T) {
		tx, err := d.SQL.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		wctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err = d.SQL.BeginTx(wctx, nil)
		if err == nil {
			t.Fatal("a second writer began while the first held the gate")
		}
		if el := time.Since(start); el > 5*time.Second {
			t.Fatalf("the waiting writer gave up after %v, its context ended after 200 ms", el)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		// The gate is free again.
		if _, err := d.SQL.ExecContext(ctx, `INSERT INTO gate_t (x) VALUES (2)`); err != nil {
			t.Fatal(err)
		}
	})
}
