// Package txn runs work in an ent transaction: the one place that begins,
// rolls back on error and commits, and that detaches what the work returns
// from the finished transaction.
package txn

import (
	"context"
	"fmt"
	"reflect"

	"github.com/trailmark/trailmark/ent"
)

// Do runs fn in a transaction of c, committed when fn returns nil and
// rolled back otherwise. Hooks registered with tx.OnCommit (self-audit, the
// live feed, the API key cache) run on commit.
//
// A panic in fn rolls the transaction back before it goes on up: left
// open, the transaction would hold its locks (SQLite's whole-database write
// lock) until the request's context ended, and on a background context
// forever.
func Do(ctx context.Context, c *ent.Client, fn func(tx *ent.Tx) error) error {
	tx, err := c.Tx(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
	}()
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Value runs fn in a transaction of c like Do and returns fn's result.
//
// An ent entity fn returns (anything with an Unwrap method returning its own
// type: *ent.Tenant, *ent.Process, …) is unwrapped after the commit, so that
// edges loaded later (a resolver's tenant or createdBy) go through c instead
// of the closed transaction. fn must return entities it read or wrote
// through tx; a result holding several entities unwraps them in its own
// Unwrap method.
func Value[T any](ctx context.Context, c *ent.Client, fn func(tx *ent.Tx) (T, error)) (T, error) {
	var v T
	err := Do(ctx, c, func(tx *ent.Tx) error {
		var err error
		v, err = fn(tx)
		return err
	})
	if err != nil {
		var zero T
		return zero, err
	}
	if u, ok := any(v).(interface{ Unwrap() T }); ok && !isNil(v) {
		v = u.Unwrap()
	}
	return v, nil
}

// isNil reports a nil pointer (ent's Unwrap dereferences its receiver).
func isNil(v any) bool {
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}

type ownForeignKeysKey struct{}

// WithOwnForeignKeys marks a context whose write transaction checks the
// foreign keys of what it writes itself, before it writes, under the
// transaction's write lock. On SQLite such a transaction runs with
// foreign_keys off (internal/db): an immediate foreign key makes every
// multi-row statement keep a statement journal of the pages it changes, so
// that a failing row can be undone alone (docs/performance.md "2026-12-06
// (late morning) — SQLite batch ingest"). PostgreSQL ignores the mark.
func WithOwnForeignKeys(ctx context.Context) context.Context {
	return context.WithValue(ctx, ownForeignKeysKey{}, true)
}

// OwnForeignKeys reports whether ctx carries WithOwnForeignKeys' mark.
func OwnForeignKeys(ctx context.Context) bool {
	v, _ := ctx.Value(ownForeignKeysKey{}).(bool)
	return v
}
