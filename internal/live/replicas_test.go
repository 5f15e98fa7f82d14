package live_test

import (
	"context"
	"errors"
	"net"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/trailmark/trailmark/internal/app"
	"github.com/trailmark/trailmark/internal/pubsub"
	"github.com/trailmark/trailmark/internal/testdb"
	"github.com/trailmark/trailmark/internal/testserver"
)

// TestTailAcrossReplicas: two servers on one PostgreSQL database; an entry
// recorded through A reaches a subscriber on B.
func TestTailAcrossReplicas(t *testing.T) {
	t.Parallel()
	d := testdb.Open(t, dialect.Postgres)
	a, b := testserver.NewOnDB(t, d), testserver.NewOnDB(t, d)
	acme := a.CreateTenant(t, "acme")
	admin := a.PlatformAdmin(t)
	sub := b.Subscribe(t, admin, tailQuery, map[string]any{"t": acme.ID})
	waitSubscribed(t, b)
	rows := a.RecordEntries(t, testserver.Entry(&acme.ID, "on.a", time.Time{}), testserver.Entry(&acme.ID, "on.a", time.Time{}))
	got := collect(t, sub, 2)
	if !slices.Equal(got, sortedByReceived(rows)) {
		t.Fatalf("got %v", got)
	}
	sub.ExpectNothing(t, 300*time.Millisecond)
}

// gateDialer lets a test hold the listener's reconnection.
type gateDialer struct {
	closed atomic.Bool
	d      net.Dialer
}

func (g *gateDialer) Dial(network, address string) (net.Conn, error) {
	return g.DialTimeout(network, address, 10*time.Second)
}

func (g *gateDialer) DialTimeout(network, address string, timeout time.Duration) (net.Conn, error) {
	if g.closed.Load() {
		return nil, errors.New("gate closed by the test")
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return g.d.DialContext(ctx, network, address)
}

// TestTailResyncsAfterListenerLoss cuts B's listener connection
// (pg_terminate_backend) and records entries through A while B cannot
// reconnect: once it does, B's subscriber gets the missed entries, each once,
// then live ones again.
func TestTailResyncsAfterListenerLoss(t *testing.T) {
	t.Parallel()
	d := testdb.Open(t, dialect.Postgres)
	gate := &gateDialer{}
	a := testserver.NewOnDB(t, d)
	b := testserver.NewOnDB(t, d, func(c *app.Config) {
		c.Live.Postgres.Dialer = gate
		c.Live.Postgres.MinReconnect = 50 * time.Millisecond
		c.Live.Postgres.MaxReconnect = 100 * time.Millisecond
	})
	acme := a.CreateTenant(t, "acme")
	admin := a.PlatformAdmin(t)
	sub := b.Subscribe(t, admin, tailQuery, map[string]any{"t": acme.ID})
	waitSubscribed(t, b)

	first := a.RecordEntries(t, testserver.Entry(&acme.ID, "before.cut", time.Time{}))
	if got := collect(t, sub, 1); got[0] != first[0].ID {
		t.Fatalf("got %v", got)
	}

	broker := b.App.Broker.(*pubsub.Postgres)
	gate.closed.Store(true)
	var n int
	if err := d.SQL.QueryRow(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1`,
		broker.ApplicationName()).Scan(&n); err != nil || n != 1 {
		t.Fatalf("terminate listener: %d %v", n, err)
	}
	// Wait until the backend is gone, so that what follows is surely missed.
	for deadline := time.Now().Add(5 * time.Second); ; {
		var left int
		_ = d.SQL.QueryRow(`SELECT count(*) FROM pg_stat_activity WHERE application_name = $1`, broker.ApplicationName()).Scan(&left)
		if left == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("listener backend still there")
		}
		time.Sleep(20 * time.Millisecond)
	}
	missed := a.RecordEntries(t,
		testserver.Entry(&acme.ID, "during.cut", time.Time{}),
		testserver.Entry(&acme.ID, "during.cut", time.Time{}))
	missed = append(missed, a.RecordEntries(t, testserver.Entry(&acme.ID, "during.cut", time.Time{}))...)
	sub.ExpectNothing(t, 300*time.Millisecond)

	gate.closed.Store(false)
	got := collect(t, sub, 3)
	if !slices.Equal(got, sortedByReceived(missed)) {
		t.Fatalf("after reconnect got %v, want %v", got, sortedByReceived(missed))
	}
	if broker.Reconnects() < 1 {
		t.Fatal("the listener did not reconnect")
	}
	after := a.RecordEntries(t, testserver.Entry(&acme.ID, "after.cut", time.Time{}))
	if got := collect(t, sub, 1); got[0] != after[0].ID {
		t.Fatalf("live after reconnect: got %v", got)
	}
	sub.ExpectNothing(t, 300*time.Millisecond)
}
