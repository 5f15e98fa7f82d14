package live_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/app"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/live"
	"github.com/trailmark/trailmark/internal/testserver"
	"github.com/trailmark/trailmark/internal/testwait"
)

const tailQuery = `subscription($t: ID, $f: String, $w: AuditEntryWhereInput) {
  auditEntryCreated(tenantID: $t, filter: $f, where: $w) { id action tenant { id } }
}`

type tailed struct {
	AuditEntryCreated struct {
		ID     string
		Action string
		Tenant *struct{ ID string }
	}
}

// collect reads n entries from sub and returns their ids in arrival order.
func collect(t *testing.T, sub *testserver.Subscription, n int) []string {
	t.Helper()
	var got []string
	for range n {
		var d tailed
		if err := json.Unmarshal(sub.NextData(t, 10*time.Second), &d); err != nil {
			t.Fatal(err)
		}
		got = append(got, d.AuditEntryCreated.ID)
	}
	return got
}

func idsOf(rows []*ent.AuditEntry) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.ID
	}
	return out
}

// TestTailDeliversCommittedEntriesOnce: a subscriber to one tenant gets
// every entry committed after it subscribed, once, and nothing of another
// tenant or from before.
func TestTailDeliversCommittedEntriesOnce(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		acme, other := s.CreateTenant(t, "acme"), s.CreateTenant(t, "other")
		_, token := s.Member(t, acme.ID, schematype.RoleAdmin, nil)
		s.RecordEntries(t, testserver.Entry(&acme.ID, "before.subscribe", time.Time{}))

		sub := s.Subscribe(t, token, tailQuery, map[string]any{"t": acme.ID})
		waitSubscribed(t, s)

		var want []string
		// A transaction of three entries, another tenant's entry, then a
		// single entry created outside a transaction (as self-audit may).
		batch := s.RecordEntries(t,
			testserver.Entry(&acme.ID, "one", time.Time{}),
			testserver.Entry(&acme.ID, "two", time.Time{}),
			testserver.Entry(&acme.ID, "three", time.Time{}))
		want = append(want, sortedByReceived(batch)...)
		s.RecordEntries(t, testserver.Entry(&other.ID, "elsewhere", time.Time{}))
		single := s.RecordEntry(t, testserver.Entry(&acme.ID, "single", time.Time{}))
		want = append(want, single.ID)

		got := collect(t, sub, len(want))
		if !slices.Equal(got, want) {
			t.Fatalf("got %v\nwant %v", got, want)
		}
		sub.ExpectNothing(t, 500*time.Millisecond)
	})
}

// sortedByReceived orders a transaction's entries as the tail sends them.
func sortedByReceived(rows []*ent.AuditEntry) []string {
	rs := slices.Clone(rows)
	slices.SortFunc(rs, func(a, b *ent.AuditEntry) int {
		if c := a.ReceivedAt.Compare(b.ReceivedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return idsOf(rs)
}

// waitSubscribed gives the server a moment to register a subscription that
// was just sent (graphql-ws has no "subscribed" acknowledgement).
func waitSubscribed(t *testing.T, s *testserver.Server) {
	t.Helper()
	testwait.Eventually(t, 5*time.Second, func() (bool, string) {
		return s.App.Feed.ActiveSubscriptions() != 0, "subscription not registered"
	})
}

func waitActive(t *testing.T, s *testserver.Server, n int64) {
	t.Helper()
	testwait.Eventually(t, 5*time.Second, func() (bool, string) {
		got := s.App.Feed.ActiveSubscriptions()
		return got == n, fmt.Sprintf("active subscriptions = %d, want %d", got, n)
	})
}

// TestTailFilterAndWhere: the filter and the where input both apply.
func TestTailFilterAndWhere(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		acme := s.CreateTenant(t, "acme")
		admin := s.PlatformAdmin(t)
		byFilter := s.Subscribe(t, admin, tailQuery, map[string]any{"t": acme.ID, "f": "action like 'member.%' and status = 'success'"})
		byWhere := s.Subscribe(t, admin, tailQuery, map[string]any{"w": map[string]any{"actionHasPrefix": "api_key."}})
		waitActive(t, s, 2)

		failed := testserver.Entry(&acme.ID, "member.remove", time.Time{})
		failed.Status = "FAILURE"
		rows := s.RecordEntries(t,
			testserver.Entry(&acme.ID, "member.invite", time.Time{}),
			testserver.Entry(&acme.ID, "api_key.create", time.Time{}),
			failed)
		if got := collect(t, byFilter, 1); got[0] != rows[0].ID {
			t.Fatalf("filter: got %v, want %s", got, rows[0].ID)
		}
		if got := collect(t, byWhere, 1); got[0] != rows[1].ID {
			t.Fatalf("where: got %v, want %s", got, rows[1].ID)
		}
		byFilter.ExpectNothing(t, 300*time.Millisecond)
		byWhere.ExpectNothing(t, 300*time.Millisecond)

		// A bad filter is refused with its position.
		bad, err := s.TrySubscribe(admin, tailQuery, map[string]any{"t": acme.ID, "f": "action = "})
		if err != nil {
			t.Fatal(err)
		}
		defer bad.Close()
		m, err := bad.Next(5 * time.Second)
		if err != nil || (m.Type != "error" && m.Type != "next") || !strings.Contains(string(m.Payload), `"position"`) ||
			!strings.Contains(string(m.Payload), "BAD_USER_INPUT") {
			t.Fatalf("bad filter: %s %s %v", m.Type, m.Payload, err)
		}
	})
}

// TestTailLargeTransaction: a transaction too large to list its ids in one
// notice is announced as a range and still delivered exactly once.
func TestTailLargeTransaction(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		acme := s.CreateTenant(t, "acme")
		admin := s.PlatformAdmin(t)
		sub := s.Subscribe(t, admin, tailQuery, map[string]any{"t": acme.ID})
		waitSubscribed(t, s)
		var entries []audit.Entry
		for _, a := range testserver.Actions("bulk", 700) {
			entries = append(entries, testserver.Entry(&acme.ID, a, time.Time{}))
		}
		rows := s.RecordEntries(t, entries...)
		got := collect(t, sub, len(rows))
		if !slices.Equal(got, sortedByReceived(rows)) {
			t.Fatalf("large transaction: got %d entries, not the %d committed in order", len(got), len(rows))
		}
		sub.ExpectNothing(t, 500*time.Millisecond)
	})
}

// TestTailSlowSubscriberIsClosed: a subscriber that stops reading is closed
// with SUBSCRIBER_TOO_SLOW while recording and other subscribers go on.
func TestTailSlowSubscriberIsClosed(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		acme := s.CreateTenant(t, "acme")
		admin := s.PlatformAdmin(t)
		fast := s.Subscribe(t, admin, tailQuery, map[string]any{"t": acme.ID})
		slow := s.Subscribe(t, admin, `subscription($t: ID) { auditEntryCreated(tenantID: $t) { id metadata } }`, map[string]any{"t": acme.ID})
		waitActive(t, s, 2)

		// Large entries fill the slow client's socket quickly.
		big := fmt.Sprintf(`{"blob": %q}`, strings.Repeat("x", 64<<10))
		const n = 400
		var want []string
		read := make(chan struct{}) // the fast subscriber has the last entry
		done := make(chan struct{})
		go func() {
			defer close(done)
			for range n {
				e := testserver.Entry(&acme.ID, "big", time.Time{})
				e.Metadata = []byte(big)
				want = append(want, s.RecordEntry(t, e).ID)
				// Pace the writer so that the fast subscriber keeps up
				// even on a loaded machine: the next entry waits until it
				// has this one. The slow one never reads.
				select {
				case <-read:
				case <-t.Context().Done():
					return
				}
			}
		}()
		var got []string
		for range n {
			got = append(got, collect(t, fast, 1)...)
			read <- struct{}{}
		}
		<-done
		if !slices.Equal(got, want) {
			t.Fatal("the fast subscriber missed entries")
		}
		// The slow one reads what was buffered, then the error.
		testwait.Eventually(t, 20*time.Second, func() (bool, string) {
			m, err := slow.Next(10 * time.Second)
			if err != nil {
				t.Fatalf("slow subscriber: no error message (%v)", err)
			}
			if m.Type == "next" {
				return false, "slow subscriber: no error message, only data"
			}
			if m.Type != "error" || !strings.Contains(string(m.Payload), "SUBSCRIBER_TOO_SLOW") {
				t.Fatalf("slow subscriber got %s %s", m.Type, m.Payload)
			}
			return true, ""
		})
		waitActive(t, s, 1)
	}, func(c *app.Config) { c.Live.Feed.Queue = 64 })
}

// TestTailSelfAuditInTransaction: an entry written inside another write's
// transaction (as self-audit hooks do) streams once the transaction commits,
// and not at all when it rolls back.
func TestTailSelfAuditInTransaction(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		acme := s.CreateTenant(t, "acme")
		admin := s.PlatformAdmin(t)
		sub := s.Subscribe(t, admin, tailQuery, map[string]any{"t": acme.ID})
		waitSubscribed(t, s)
		ctx := testserver.SystemContext()
		tx, err := s.Client().Tx(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Tenant.UpdateOneID(acme.ID).SetName("Acme Inc").Save(ctx); err != nil {
			t.Fatal(err)
		}
		e, err := audit.Create(tx.AuditEntry, testserver.Entry(&acme.ID, "tenant.update", time.Time{})).Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		sub.ExpectNothing(t, 300*time.Millisecond) // not before the commit
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		if got := collect(t, sub, 1); got[0] != e.ID {
			t.Fatalf("got %v, want %s", got, e.ID)
		}
		tx, err = s.Client().Tx(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := audit.Create(tx.AuditEntry, testserver.Entry(&acme.ID, "rolled.back", time.Time{})).Save(ctx); err != nil {
			t.Fatal(err)
		}
		_ = tx.Rollback()
		sub.ExpectNothing(t, 500*time.Millisecond)
	})
}

// TestTailVisibility: a MEMBER's tail (no tenantID) carries only their own
// activity; an AUDITOR of one tenant sees nothing of another.
func TestTailVisibility(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		acme, other := s.CreateTenant(t, "acme"), s.CreateTenant(t, "other")
		member, memberToken := s.Member(t, acme.ID, schematype.RoleMember, nil)
		_, auditorToken := s.Member(t, acme.ID, schematype.RoleAuditor, nil)
		mine := s.Subscribe(t, memberToken, tailQuery, nil)
		audited := s.Subscribe(t, auditorToken, tailQuery, nil)
		waitActive(t, s, 2)

		own := testserver.Entry(&acme.ID, "own", time.Time{})
		own.Actor = audit.Actor{Type: schematype.ActorUser, ID: &member.ID}
		rows := s.RecordEntries(t, own, testserver.Entry(&acme.ID, "someone.else", time.Time{}))
		s.RecordEntries(t, testserver.Entry(&other.ID, "other.tenant", time.Time{}))

		if got := collect(t, mine, 1); got[0] != rows[0].ID {
			t.Fatalf("member got %v, want their own %s", got, rows[0].ID)
		}
		mine.ExpectNothing(t, 500*time.Millisecond)
		if got := collect(t, audited, 2); !slices.Equal(got, sortedByReceived(rows)) {
			t.Fatalf("auditor got %v", got)
		}
		audited.ExpectNothing(t, 500*time.Millisecond)
	})
}

// TestViewLogAnnouncesOncePerBatch: the audit_log.view entries of many
// reads are written together and announced in one notification, not one
// per row (a notification per row would cost a statement per read).
func TestViewLogAnnouncesOncePerBatch(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		acme := s.CreateTenant(t, "acme")
		_, token := s.Member(t, acme.ID, schematype.RoleAdmin, nil)
		bsub := s.App.Broker.Subscribe(live.TopicAuditEntries)
		defer bsub.Close()
		const reads = 5
		for range reads {
			s.GraphQL(t, token, `query($t: ID!) { auditEntries(tenantID: $t, first: 1) { edges { node { id } } } }`,
				map[string]any{"t": acme.ID}).NoErrors(t)
		}
		if err := s.App.Views.Flush(t.Context()); err != nil {
			t.Fatal(err)
		}
		select {
		case m := <-bsub.C:
			var n struct {
				G []struct {
					T   string   `json:"t"`
					IDs []string `json:"ids"`
				} `json:"g"`
			}
			if err := json.Unmarshal(m.Payload, &n); err != nil {
				t.Fatal(err)
			}
			if len(n.G) != 1 || n.G[0].T != acme.ID || len(n.G[0].IDs) != reads {
				t.Fatalf("notice %s, want one group of %d ids of %s", m.Payload, reads, acme.ID)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("no notification")
		}
		select {
		case m := <-bsub.C:
			t.Fatalf("a second notification: %s", m.Payload)
		case <-time.After(300 * time.Millisecond):
		}
	}, func(c *app.Config) { c.Views.FlushInterval = time.Hour; c.Views.Window = -1 })
}
