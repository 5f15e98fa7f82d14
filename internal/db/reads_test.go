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

// TestReadSlotsHold: Hold takes one of the read slots the client's reads
// share, so statements run on the pool itself under a read count against
// the same cap; a client query under the held context takes no second
// slot (it would wait forever once every holder did the same); outside a
// read Hold takes nothing.
func TestReadSlotsHold(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		slots := db.NewReadSlots(d.ReadConns)
		drv := db.GateReadsWith(entsql.OpenDB(d.Dialect, d.SQL), slots)
		reads := db.Reads(context.Background())
		var releases []func()
		var held []context.Context
		for range d.ReadConns {
			ctx, release, err := slots.Hold(reads)
			if err != nil {
				t.Fatal(err)
			}
			held, releases = append(held, ctx), append(releases, release)
		}
		short, cancel := context.WithTimeout(reads, 200*time.Millisecond)
		defer cancel()
		if err := drv.Query(short, "SELECT 1", []any{}, &entsql.Rows{}); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("a client read while Hold has every slot: %v, want a deadline error", err)
		}
		if _, _, err := slots.Hold(short); !errors.Is(err, context.DeadlineExceeded) || !db.IsUnavailable(err) {
			t.Fatalf("a Hold beyond the slots: %v, want a deadline error", err)
		}
		// Under a held context: no second slot, no wait.
		again, releaseAgain, err := slots.Hold(held[0])
		if err != nil || again != held[0] {
			t.Fatalf("Hold under a held context: %v", err)
		}
		releaseAgain()
		inner, cancelInner := context.WithTimeout(held[0], 5*time.Second)
		defer cancelInner()
		rows := &entsql.Rows{}
		if err := drv.Query(inner, "SELECT 1", []any{}, rows); err != nil {
			t.Fatalf("a client read under a held slot: %v", err)
		}
		rows.Close()
		// Outside a read: nothing taken.
		if _, release, err := slots.Hold(context.Background()); err != nil {
			t.Fatalf("Hold outside a read: %v", err)
		} else {
			release()
		}
		releases[0]()
		releases[0]() // twice frees one slot, not two
		_, release, err := slots.Hold(reads)
		if err != nil {
			t.Fatalf("Hold after a release: %v", err)
		}
		defer release()
		short2, cancel2 := context.WithTimeout(reads, 200*time.Millisecond)
		defer cancel2()
		if _, _, err := slots.Hold(short2); err == nil {
			t.Fatal("a second release freed a second slot")
		}
		for _, r := range releases[1:] {
			r()
		}
	})
}
