package db_test

import (
	"context"
	"errors"
	"testing"
	"time"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/trailmark/trailmark/internal/db"
	"github.com/trailmark/trailmark/internal/testdb"
)

// TestReadGate holds every read slot with open rows: a further read waits
// and fails UNAVAILABLE-style when its context ends, while a write-side
// query still gets a connection; closing rows frees a slot.
func TestReadGate(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		if d.ReadConns < 1 || d.ReadConns >= d.SQL.Stats().MaxOpenConnections {
			t.Fatalf("read slots %d of a pool of %d: some must stay for writes", d.ReadConns, d.SQL.Stats().MaxOpenConnections)
		}
		drv := db.GateReads(entsql.OpenDB(d.Dialect, d.SQL), d.ReadConns)
		reads := db.Reads(context.Background())
		var held []*entsql.Rows
		for range d.ReadConns {
			rows := &entsql.Rows{}
			if err := drv.Query(reads, "SELECT 1", []any{}, rows); err != nil {
				t.Fatal(err)
			}
			held = append(held, rows)
		}
		short, cancel := context.WithTimeout(reads, 200*time.Millisecond)
		defer cancel()
		err := drv.Query(short, "SELECT 1", []any{}, &entsql.Rows{})
		if !errors.Is(err, context.DeadlineExceeded) || !db.IsUnavailable(err) {
			t.Fatalf("a read beyond the slots: %v, want a deadline error", err)
		}
		rows := &entsql.Rows{}
		if err := drv.Query(context.Background(), "SELECT 1", []any{}, rows); err != nil {
			t.Fatalf("a write-side query while reads hold their slots: %v", err)
		}
		rows.Close()
		held[0].Close()
		rows = &entsql.Rows{}
		if err := drv.Query(reads, "SELECT 1", []any{}, rows); err != nil {
			t.Fatalf("a read after a slot was freed: %v", err)
		}
		rows.Close()
		for _, r := range held[1:] {
			r.Close()
		}
	})
}
