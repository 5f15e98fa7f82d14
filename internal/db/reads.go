package db

import (
	"context"
	"fmt"
	"sync"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
)

// Reads a caller asks for (GraphQL queries and subscriptions, exports) may
// cost seconds each: eight of them once held all eight SQLite connections
// and stalled ingestion. They therefore run on at most ReadConns of the
// pool's connections at once; the rest stay free for writes (ingestion,
// sign-in, background work). A read waits for a free slot as long as its
// context allows, then fails UNAVAILABLE.

type readsKey struct{}

// Reads marks ctx as serving a caller's read: its queries outside a
// transaction take a read slot.
func Reads(ctx context.Context) context.Context { return context.WithValue(ctx, readsKey{}, true) }

func isRead(ctx context.Context) bool {
	v, _ := ctx.Value(readsKey{}).(bool)
	return v
}

// DefaultReadConns is the default number of read slots for a pool of
// maxConns: a quarter of the pool (at least two connections) is kept for
// writes.
func DefaultReadConns(maxConns int) int {
	keep := max(2, maxConns/4)
	return max(1, maxConns-keep)
}

// ReadGate is an ent driver whose queries under a Reads context share
// at most n connections.
type ReadGate struct {
	*entsql.Driver
	slots chan struct{}
}

// GateReads wraps drv; n <= 0 leaves reads ungated.
func GateReads(drv *entsql.Driver, n int) dialect.Driver {
	if n <= 0 {
		return drv
	}
	return &ReadGate{Driver: drv, slots: make(chan struct{}, n)}
}

// Query takes a read slot for a read, held until its rows are closed.
func (g *ReadGate) Query(ctx context.Context, query string, args, v any) error {
	rows, ok := v.(*entsql.Rows)
	if !isRead(ctx) || !ok {
		return g.Driver.Query(ctx, query, args, v)
	}
	select {
	case g.slots <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("wait for a read connection: %w", ctx.Err())
	}
	if err := g.Driver.Query(ctx, query, args, v); err != nil {
		<-g.slots
		return err
	}
	rows.ColumnScanner = &gatedRows{ColumnScanner: rows.ColumnScanner, release: func() { <-g.slots }}
	return nil
}

type gatedRows struct {
	entsql.ColumnScanner
	once    sync.Once
	release func()
}

func (r *gatedRows) Close() error {
	err := r.ColumnScanner.Close()
	r.once.Do(r.release)
	return err
}
