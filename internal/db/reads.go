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

// ReadSlots are the connections callers' reads may hold at once. A read
// waits for a slot in the order it asked (a channel's waiting senders are
// served first come, first served).
type ReadSlots struct{ ch chan struct{} }

// NewReadSlots returns n slots; n <= 0 returns nil: reads ungated.
func NewReadSlots(n int) *ReadSlots {
	if n <= 0 {
		return nil
	}
	return &ReadSlots{ch: make(chan struct{}, n)}
}

type heldKey struct{}

// holds reports whether ctx already holds a slot (Hold).
func holds(ctx context.Context) bool { return ctx.Value(heldKey{}) != nil }

func (s *ReadSlots) take(ctx context.Context) error {
	select {
	case s.ch <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("wait for a read connection: %w", ctx.Err())
	}
}

func (s *ReadSlots) release() { <-s.ch }

// Hold takes one slot for a read's statements that do not go through the
// ent client (a *sql.DB shared with writes): they run on at most one
// connection at a time, and the caller calls release when they are done.
// The returned context holds the slot: an ent query under it takes no
// second one, so a holder never waits for a slot it would need to go on.
// Outside a read (Reads), with nil slots, or under a context that holds
// one already, Hold takes nothing.
func (s *ReadSlots) Hold(ctx context.Context) (held context.Context, release func(), err error) {
	if s == nil || !isRead(ctx) || holds(ctx) {
		return ctx, func() {}, nil
	}
	if err := s.take(ctx); err != nil {
		return ctx, func() {}, err
	}
	var once sync.Once
	return context.WithValue(ctx, heldKey{}, true), func() { once.Do(s.release) }, nil
}

// ReadGate is an ent driver whose queries under a Reads context share
// at most n connections.
type ReadGate struct {
	*entsql.Driver
	slots *ReadSlots
}

// GateReads wraps drv; n <= 0 leaves reads ungated.
func GateReads(drv *entsql.Driver, n int) dialect.Driver { return GateReadsWith(drv, NewReadSlots(n)) }

// GateReadsWith wraps drv with slots shared with other users (Hold); nil
// leaves reads ungated.
func GateReadsWith(drv *entsql.Driver, slots *ReadSlots) dialect.Driver {
	if slots == nil {
		return drv
	}
	return &ReadGate{Driver: drv, slots: slots}
}

// Query takes a read slot for a read, held until its rows are closed.
func (g *ReadGate) Query(ctx context.Context, query string, args, v any) error {
	rows, ok := v.(*entsql.Rows)
	if !isRead(ctx) || holds(ctx) || !ok {
		return g.Driver.Query(ctx, query, args, v)
	}
	if err := g.slots.take(ctx); err != nil {
		return err
	}
	if err := g.Driver.Query(ctx, query, args, v); err != nil {
		g.slots.release()
		return err
	}
	rows.ColumnScanner = &gatedRows{ColumnScanner: rows.ColumnScanner, release: g.slots.release}
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
