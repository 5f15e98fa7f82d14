package txn_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/privacy"
	"github.com/trailmark/trailmark/internal/testdb"
	"github.com/trailmark/trailmark/internal/txn"
)

// TestDoRollsBackOnPanic: a function that panics after writing leaves no
// open transaction behind. Before, the transaction kept SQLite's write lock
// (PostgreSQL's row lock) until its context ended, so on a background
// context every later write waited for the busy timeout and failed.
func TestDoRollsBackOnPanic(t *testing.T) {
	for _, dia := range testdb.Dialects {
		t.Run(dia, func(t *testing.T) {
			t.Parallel()
			d := testdb.Open(t, dia)
			ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
			// A transaction left open ends with its context: cancelled
			// before the database is dropped, so that a failing run ends.
			txCtx, endTx := context.WithCancel(ctx)
			t.Cleanup(endTx)
			tn, err := d.Client.Tenant.Create().SetSlug("acme").SetName("Acme").Save(ctx)
			if err != nil {
				t.Fatal(err)
			}

			boom := errors.New("boom")
			func() {
				defer func() {
					if p := recover(); p != boom {
						t.Fatalf("recovered %v; want the function's own panic value", p)
					}
				}()
				_ = txn.Do(txCtx, d.Client, func(tx *ent.Tx) error {
					if err := tx.Tenant.UpdateOneID(tn.ID).SetName("Half-written").Exec(txCtx); err != nil {
						t.Fatal(err)
					}
					panic(boom)
				})
			}()

			// The deadline only bounds a failure: with the lock released
			// the write takes milliseconds.
			wctx, cancel := context.WithTimeout(ctx, 15*time.Second)
			defer cancel()
			start := time.Now()
			if err := d.Client.Tenant.UpdateOneID(tn.ID).SetName("Acme Inc").Exec(wctx); err != nil {
				t.Fatalf("write after a panicking transaction (after %s): %v", time.Since(start).Round(time.Millisecond), err)
			}
			got, err := d.Client.Tenant.Get(ctx, tn.ID)
			if err != nil || got.Name != "Acme Inc" {
				t.Fatalf("tenant %+v, %v", got, err)
			}
		})
	}
}

// TestValue: the entity a transaction returns is detached from it, so its
// edges load after the commit; on error nothing is committed and the zero
// value comes back.
func TestValue(t *testing.T) {
	for _, dia := range testdb.Dialects {
		t.Run(dia, func(t *testing.T) {
			t.Parallel()
			d := testdb.Open(t, dia)
			ctx := privacy.DecisionContext(context.Background(), privacy.Allow)

			tn, err := txn.Value(ctx, d.Client, func(tx *ent.Tx) (*ent.Tenant, error) {
				return tx.Tenant.Create().SetSlug("acme").SetName("Acme").Save(ctx)
			})
			if err != nil {
				t.Fatal(err)
			}
			if n, err := tn.QueryMemberships().Count(ctx); err != nil || n != 0 {
				t.Fatalf("edge of the returned tenant after commit: %d, %v", n, err)
			}

			boom := errors.New("boom")
			got, err := txn.Value(ctx, d.Client, func(tx *ent.Tx) (*ent.Tenant, error) {
				t2, err := tx.Tenant.Create().SetSlug("globex").SetName("Globex").Save(ctx)
				if err != nil {
					t.Fatal(err)
				}
				return t2, boom
			})
			if got != nil || !errors.Is(err, boom) {
				t.Fatalf("Value = %v, %v; want nil, boom", got, err)
			}
			if n, err := d.Client.Tenant.Query().Count(ctx); err != nil || n != 1 {
				t.Fatalf("%d tenants, %v; want the failed one rolled back", n, err)
			}

			// No entity, no unwrapping; a nil one is left alone.
			if s, err := txn.Value(ctx, d.Client, func(*ent.Tx) (string, error) { return "ok", nil }); s != "ok" || err != nil {
				t.Fatalf("Value = %q, %v", s, err)
			}
			if p, err := txn.Value(ctx, d.Client, func(*ent.Tx) (*ent.Tenant, error) { return nil, nil }); p != nil || err != nil {
				t.Fatalf("Value = %v, %v", p, err)
			}
		})
	}
}
