package live_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/app"
	"github.com/trailmark/trailmark/internal/db"
	"github.com/trailmark/trailmark/internal/pubsub"
	"github.com/trailmark/trailmark/internal/testdb"
	"github.com/trailmark/trailmark/internal/testserver"
	"github.com/trailmark/trailmark/internal/testwait"
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
	d, gate, a, b := gatedReplicas(t)
	acme := a.CreateTenant(t, "acme")
	admin := a.PlatformAdmin(t)
	sub := b.Subscribe(t, admin, tailQuery, map[string]any{"t": acme.ID})
	waitSubscribed(t, b)

	first := a.RecordEntries(t, testserver.Entry(&acme.ID, "before.cut", time.Time{}))
	if got := collect(t, sub, 1); got[0] != first[0].ID {
		t.Fatalf("got %v", got)
	}

	broker := cutListener(t, d, b, gate)
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

// cutListener terminates b's listener connection and keeps it from
// reconnecting until gate opens again; it returns once the backend is gone,
// so that what follows is surely missed.
func cutListener(t *testing.T, d *db.DB, b *testserver.Server, gate *gateDialer) *pubsub.Postgres {
	t.Helper()
	broker := b.App.Broker.(*pubsub.Postgres)
	gate.closed.Store(true)
	var n int
	if err := d.SQL.QueryRow(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1`,
		broker.ApplicationName()).Scan(&n); err != nil || n != 1 {
		t.Fatalf("terminate listener: %d %v", n, err)
	}
	testwait.Eventually(t, 5*time.Second, func() (bool, string) {
		var left int
		_ = d.SQL.QueryRow(`SELECT count(*) FROM pg_stat_activity WHERE application_name = $1`, broker.ApplicationName()).Scan(&left)
		return left == 0, "listener backend still there"
	})
	return broker
}

// TestProcessListResyncsAfterListenerLoss: a tenant-wide processUpdated
// subscriber on B whose listener connection is cut gets, once it is back,
// the processes that changed meanwhile (here one made and finished while
// B could not hear of it).
func TestProcessListResyncsAfterListenerLoss(t *testing.T) {
	t.Parallel()
	d, gate, a, b := gatedReplicas(t)
	acme := a.CreateTenant(t, "acme")
	admin := a.PlatformAdmin(t)
	sub := b.Subscribe(t, admin, `subscription($t: ID!) { processUpdated(tenantID: $t) { id status } }`,
		map[string]any{"t": acme.ID})
	// waitFor reads updates until process id is SUCCEEDED; any other
	// process it meets must be one of also.
	waitFor := func(id string, also ...string) {
		t.Helper()
		testwait.Eventually(t, 20*time.Second, func() (bool, string) {
			var got struct{ ProcessUpdated struct{ ID, Status string } }
			if err := json.Unmarshal(sub.NextData(t, 20*time.Second), &got); err != nil {
				t.Fatal(err)
			}
			switch u := got.ProcessUpdated; {
			case u.ID == id && u.Status == "SUCCEEDED":
				return true, ""
			case u.ID != id && !slices.Contains(also, u.ID):
				t.Fatalf("update of an unexpected process %s", u.ID)
			}
			return false, fmt.Sprintf("process %s never arrived SUCCEEDED", id)
		})
	}
	// The subscription is live: an archive made through A shows up on B.
	var created struct{ CreateArchive struct{ ID string } }
	a.GraphQL(t, admin, `mutation($t: ID!) { createArchive(tenantID: $t, input: {from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z", format: JSONL_GZ}) { id } }`,
		map[string]any{"t": acme.ID}).NoErrors(t).Decode(t, &created)
	first := created.CreateArchive.ID
	waitFor(first)

	cutListener(t, d, b, gate)
	now := time.Now()
	p, err := a.Client().Process.Create().SetTenantID(acme.ID).SetKind(schematype.ProcessExport).SetInitiatorType(schematype.ActorSystem).
		SetStatus("SUCCEEDED").SetStartedAt(now).SetFinishedAt(now).Save(testserver.System(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	// Nothing announces p, and B cannot resync yet: it must not arrive.
	// (Late updates of the first archive may still be on their way.)
	for deadline := time.Now().Add(200 * time.Millisecond); ; {
		m, err := sub.Next(time.Until(deadline))
		if err != nil {
			break
		}
		if strings.Contains(string(m.Payload), p.ID) {
			t.Fatalf("process %s arrived before B reconnected: %s", p.ID, m.Payload)
		}
	}
	gate.closed.Store(false)
	waitFor(p.ID, first) // the resync may send the first archive again
}

// gatedReplicas starts two servers on one PostgreSQL database; b's
// listener reconnects through gate, quickly.
func gatedReplicas(t *testing.T) (*db.DB, *gateDialer, *testserver.Server, *testserver.Server) {
	t.Helper()
	d := testdb.Open(t, dialect.Postgres)
	gate := &gateDialer{}
	a := testserver.NewOnDB(t, d)
	b := testserver.NewOnDB(t, d, func(c *app.Config) {
		c.Live.Postgres.Dialer = gate
		c.Live.Postgres.MinReconnect = 50 * time.Millisecond
		c.Live.Postgres.MaxReconnect = 100 * time.Millisecond
	})
	return d, gate, a, b
}

// TestLogStreamDeletionAcrossReplicas: a stream deleted through A is
// announced deleted to a logStreamChanged subscriber on B; one deleted while
// B's listener is cut is announced once B is back (the resync compares the
// log's streams with those the subscription knew), with one created
// meanwhile.
func TestLogStreamDeletionAcrossReplicas(t *testing.T) {
	t.Parallel()
	d, gate, a, b := gatedReplicas(t)
	acme := a.CreateTenant(t, "acme")
	admin := a.PlatformAdmin(t)
	create := func(name string) string {
		var out struct {
			CreateLogStream struct{ LogStream struct{ ID string } }
		}
		a.GraphQL(t, admin, `mutation($t: ID!, $n: String!) { createLogStream(tenantID: $t,
			input: {name: $n, kind: WEBHOOK, endpoint: "https://example.com/h"}) { logStream { id } } }`,
			map[string]any{"t": acme.ID, "n": name}).NoErrors(t).Decode(t, &out)
		return out.CreateLogStream.LogStream.ID
	}
	remove := func(id string) {
		a.GraphQL(t, admin, `mutation($id: ID!) { deleteLogStream(id: $id) }`, map[string]any{"id": id}).NoErrors(t)
	}
	x, y := create("x"), create("y")
	sub := b.Subscribe(t, admin, `subscription($t: ID) { logStreamChanged(tenantID: $t) { id deleted logStream { id } } }`,
		map[string]any{"t": acme.ID})
	b.WaitSubscriptions(t, 1)
	// waitFor reads changes until want arrives; the others must be updates
	// of the streams in also.
	type change struct {
		id      string
		deleted bool
	}
	waitFor := func(want change, also ...string) {
		t.Helper()
		testwait.Eventually(t, 20*time.Second, func() (bool, string) {
			var got struct {
				LogStreamChanged struct {
					ID        string
					Deleted   bool
					LogStream *struct{ ID string }
				}
			}
			if err := json.Unmarshal(sub.NextData(t, 20*time.Second), &got); err != nil {
				t.Fatal(err)
			}
			c := got.LogStreamChanged
			switch {
			case c.Deleted != (c.LogStream == nil):
				t.Fatalf("change %+v", c)
			case c.ID == want.id && c.Deleted == want.deleted:
				return true, ""
			case c.Deleted || !slices.Contains(also, c.ID):
				t.Fatalf("unexpected change %+v", c)
			}
			return false, fmt.Sprintf("no change %+v", want)
		})
	}
	remove(x)
	waitFor(change{x, true}, x, y)

	cutListener(t, d, b, gate)
	remove(y)
	z := create("z")
	gate.closed.Store(false)
	waitFor(change{y, true}, y)
	waitFor(change{z, false}, y)
}
