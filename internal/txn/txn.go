// Package txn runs work in an ent transaction: the one place that begins,
// rolls back on error and commits.
package txn

import (
	"context"
	"fmt"

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
