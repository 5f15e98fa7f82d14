package streams_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/rule"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/ledger"
	"github.com/trailmark/trailmark/internal/testserver"
	"github.com/trailmark/trailmark/internal/testwait"
	"github.com/trailmark/trailmark/internal/viewer"
)

// rows of every accepted event, in order.
func (r *receiver) acceptedRows() []row {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []row
	for _, b := range r.accepted {
		out = append(out, b...)
	}
	return out
}

// seqOfEntry is an entry's seq in its log (waiting for it).
func seqOfEntry(t testing.TB, s *testserver.Server, id string) int64 {
	t.Helper()
	var seq int64
	testwait.Eventually(t, 10*time.Second, func() (bool, string) {
		rows, err := s.Client().AuditEntry.Query().Where(auditentry.ID(id)).Modify(func(sel *entsql.Selector) {
			l := entsql.Table("log_leaves").As("l")
			sel.Join(l).On(sel.C(auditentry.FieldID), l.C("entry_id"))
			sel.Where(entsql.NotNull(l.C("seq")))
			sel.AppendSelectAs(l.C("seq"), "leaf_seq")
		}).All(testserver.SystemContext())
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) == 0 {
			return false, "not sequenced"
		}
		v, err := rows[0].Value("leaf_seq")
		if err != nil {
			t.Fatal(err)
		}
		seq = v.(int64)
		return true, ""
	})
	return seq
}

// An entry that commits late — its receivedAt earlier than an entry the
// stream has already delivered — is still delivered, exactly once, after
// it: streams read in seq order, which is commit order. With the old
// (receivedAt, id) cursor it was skipped. For a tenant's stream (entries
// ingested through the API) and a platform stream. On PostgreSQL the late
// commit is also a real one: a transaction that inserted its entry before
// another was ingested, delivered, and only then committed.
func TestLateCommitDeliveredOnce(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		tn := s.CreateTenant(t, "acme")
		for _, platform := range []bool{false, true} {
			t.Run(map[bool]string{false: "tenant", true: "platform"}[platform], func(t *testing.T) {
				var (
					tenantID *string
					token    string
				)
				key, _ := s.APIKey(t, tn.ID, schematype.ScopeIngest)
				if platform {
					token = s.PlatformAdmin(t)
				} else {
					tenantID = &tn.ID
					_, token = s.Member(t, tn.ID, schematype.RoleAdmin, nil)
				}
				ingest := func(prefix string, n int) {
					if platform {
						record(t, s, nil, prefix, n, n)
						return
					}
					es := make([]map[string]any, n)
					for i := range es {
						es[i] = map[string]any{"action": fmt.Sprintf("%s.%d", prefix, i), "resourceType": "late"}
					}
					s.GraphQL(t, key, `mutation($t: ID!, $e: [AuditEntryInput!]!) { recordAuditEntries(tenantID: $t, entries: $e) { created } }`,
						map[string]any{"t": tn.ID, "e": es}).NoErrors(t)
				}
				rcv := newReceiver(t)
				id, secret := create(t, s, token, tenantID, map[string]any{"name": "late", "kind": "WEBHOOK",
					"endpoint": rcv.srv.URL, "maxDelaySeconds": 0, "filter": "action like 'late.%'"})
				rcv.setSecret(secret)
				waitFor := func(n int) {
					t.Helper()
					testwait.Eventually(t, 20*time.Second, func() (bool, string) {
						got := len(rcv.acceptedIDs())
						return got >= n, fmt.Sprintf("%d of %d delivered", got, n)
					})
				}

				ingest("late.a", 3)
				waitFor(3)
				first := rcv.acceptedRows()[0]
				at, err := time.Parse(time.RFC3339Nano, first.ReceivedAt)
				if err != nil {
					t.Fatal(err)
				}
				// Received before an entry already delivered, committed now.
				backdated := testserver.Entry(tenantID, "late.backdated", time.Time{})
				backdated.ReceivedAt = at.Add(-time.Millisecond)
				late := []string{s.RecordEntry(t, backdated).ID}
				want := 4
				if s.DB.Dialect == dialect.Postgres {
					// A transaction stamps its entry, other entries are
					// recorded and delivered meanwhile, then it commits.
					ctx := rule.AsSystem(context.Background())
					tx, slot := counterSlotTx(t, s, -1)
					e, err := audit.Create(tx.AuditEntry, testserver.Entry(tenantID, "late.slow", time.Time{})).Save(ctx)
					if err != nil {
						t.Fatal(err)
					}
					time.Sleep(5 * time.Millisecond)
					// Not through the API: the open transaction holds its
					// slot's row of the tenant's entry count until it
					// commits, and an insert of the API's on a connection
					// of that slot waited for it — the test hung (about one
					// run in 16, on the sharded audit_entry_counts).
					meanwhile, _ := counterSlotTx(t, s, slot)
					for _, action := range testserver.Actions("late.b", 2) {
						if _, err := audit.Create(meanwhile.AuditEntry, testserver.Entry(tenantID, action, time.Time{})).Save(ctx); err != nil {
							t.Fatal(err)
						}
					}
					if err := meanwhile.Commit(); err != nil {
						t.Fatal(err)
					}
					waitFor(6)
					if err := tx.Commit(); err != nil {
						t.Fatal(err)
					}
					late = append(late, e.ID)
					want = 7
				}
				waitFor(want)
				ingest("late.c", 2)
				waitFor(want + 2)
				time.Sleep(200 * time.Millisecond) // anything sent twice would come now

				rows := rcv.acceptedRows()
				ids := rcv.acceptedIDs()
				if len(rows) != want+2 {
					t.Fatalf("delivered %d events, want %d: %v", len(rows), want+2, ids)
				}
				seen := map[string]bool{}
				for i, x := range rows {
					if seen[x.ID] {
						t.Fatalf("%s delivered twice: %v", x.ID, ids)
					}
					seen[x.ID] = true
					if x.Seq == nil || (i > 0 && *x.Seq <= *rows[i-1].Seq) {
						t.Fatalf("event %d (%s) seq %v after %v: not in seq order", i, x.Action, x.Seq, rows[i-1].Seq)
					}
					if (x.TenantID == nil) != platform {
						t.Fatalf("event of another log: %+v", x)
					}
				}
				for _, l := range late {
					if !seen[l] {
						t.Fatalf("the late entry %s was skipped: %v", l, ids)
					}
				}
				// The late entries come after the ones delivered before they committed.
				if i := slices.Index(ids, late[0]); i < 3 {
					t.Fatalf("backdated entry delivered at %d: %v", i, ids)
				}
				if got := expected(t, s, id, "action like 'late.%'"); len(got) < len(ids)-1 {
					t.Fatalf("expected %d entries, delivered %d", len(got), len(ids))
				}
				lagIs(t, s, token, id, 0)
			})
		}
	}, fast(true))
}

// counterSlotTx begins a transaction on PostgreSQL whose connection is not on
// counter slot avoid (audit_entry_counts is sharded by pg_backend_pid() % 16:
// two open transactions on one slot that insert a tenant's entries wait for
// each other) and returns it with its slot. The transaction is rolled back
// when t ends unless committed: left open, it would hold up the drop of the
// test's schema, and the package would hang instead of failing.
func counterSlotTx(t testing.TB, s *testserver.Server, avoid int) (*ent.Tx, int) {
	t.Helper()
	ctx := rule.AsSystem(context.Background())
	for range 4 { // the pool has 8 connections: keep few; four on one slot of 16 in a row is rare enough
		tx, err := s.Client().Tx(ctx)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = tx.Rollback() })
		var slot int
		rows, err := tx.QueryContext(ctx, "SELECT pg_backend_pid() % 16")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			if err := rows.Scan(&slot); err != nil {
				t.Fatal(err)
			}
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
		if slot != avoid {
			return tx, slot
		}
		// Kept open until t ends, so that the next one takes another connection.
		t.Logf("connection on counter slot %d passed over", slot)
	}
	t.Fatal("no connection off counter slot", avoid)
	return nil, 0
}

// lagIs checks LogStream.lag through the API.
func lagIs(t testing.TB, s *testserver.Server, token, id string, entries int) {
	t.Helper()
	var out struct {
		Node struct {
			Lag struct {
				Entries int
				Seconds float64
			}
		}
	}
	testwait.Eventually(t, 10*time.Second, func() (bool, string) {
		s.GraphQL(t, token, `query($id: ID!) { node(id: $id) { ... on LogStream { lag { entries seconds } } } }`,
			map[string]any{"id": id}).NoErrors(t).Decode(t, &out)
		l := out.Node.Lag
		return l.Entries == entries && (entries > 0) == (l.Seconds > 0), fmt.Sprintf("lag %+v, want %d entries", l, entries)
	})
}

// pausedWebhook creates tenant acme, an ADMIN of it and a paused WEBHOOK
// stream named name of the entries whose action starts with prefix+".",
// delivering to a new receiver that checks its signatures.
func pausedWebhook(t *testing.T, s *testserver.Server, name, prefix string) (*ent.Tenant, string, *receiver, string) {
	t.Helper()
	tn := s.CreateTenant(t, "acme")
	_, admin := s.Member(t, tn.ID, schematype.RoleAdmin, nil)
	rcv := newReceiver(t)
	id, secret := create(t, s, admin, &tn.ID, map[string]any{"name": name, "kind": "WEBHOOK",
		"endpoint": rcv.srv.URL, "maxDelaySeconds": 0, "filter": "action like '" + prefix + ".%'"})
	rcv.setSecret(secret)
	s.GraphQL(t, admin, pauseQ, map[string]any{"id": id}).NoErrors(t)
	return tn, admin, rcv, id
}

// A stream whose cursor is still the legacy (receivedAt, id) one — as a
// server before seq cursors left it — resumes after the first seq whose
// entry is after that cursor: nothing it delivered before is sent again
// (no backlog), nothing after is skipped, and an entry the old cursor had
// passed by while it was uncommitted (received before the cursor, sequenced
// after) is delivered too. Lag counts from there before the first step.
func TestLegacyCursorMigrates(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		tn, admin, rcv, id := pausedWebhook(t, s, "old", "mig")
		es := record(t, s, &tn.ID, "mig", 20, 20)
		// The old server delivered up to es[9]; es[4]'s twin committed
		// late (after es was sequenced) and the old cursor passed it by.
		seqOfEntry(t, s, es[19].ID)
		twin := testserver.Entry(&tn.ID, "mig.twin", time.Time{})
		twin.ReceivedAt = es[4].ReceivedAt
		lateID := s.RecordEntry(t, twin).ID
		seqOfEntry(t, s, lateID)
		ctx := testserver.SystemContext()
		if err := s.Client().LogStream.UpdateOneID(id).ClearCursorSeq().
			SetCursorReceivedAt(es[9].ReceivedAt).SetCursorID(es[9].ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, e := range es[10:] {
			want = append(want, e.ID)
		}
		want = append(want, lateID)
		lagIs(t, s, admin, id, len(want))

		s.GraphQL(t, admin, resumeQ, map[string]any{"id": id}).NoErrors(t)
		testwait.Eventually(t, 20*time.Second, func() (bool, string) {
			n := len(rcv.acceptedIDs())
			return n >= len(want), fmt.Sprintf("%d of %d", n, len(want))
		})
		time.Sleep(200 * time.Millisecond)
		if got := rcv.acceptedIDs(); !slices.Equal(got, want) {
			t.Fatalf("after the migration: %s", firstDiff(got, want))
		}
		st := streamRow(t, s, id)
		if st.CursorSeq == nil || *st.CursorSeq != seqOfEntry(t, s, lateID) {
			t.Fatalf("cursor_seq %v, want the late entry's seq", st.CursorSeq)
		}
		lagIs(t, s, admin, id, 0)
	}, fast(true))
}

// Entries deleted by retention while a stream had not delivered them
// (paused here) leave pruned leaves behind: the stream skips them and
// delivers the rest in seq order.
func TestPrunedLeavesAreSkipped(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		tn, admin, rcv, id := pausedWebhook(t, s, "pruned", "prune")
		es := record(t, s, &tn.ID, "prune", 6, 6)
		seqOfEntry(t, s, es[5].ID)
		// As retention deletes: the entries and, in the same transaction,
		// their leaves marked pruned.
		ctx := viewer.WithRetentionDelete(rule.AsSystem(context.Background()))
		tx, err := s.Client().Tx(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = tx.Rollback() }()
		gone := []string{es[1].ID, es[4].ID}
		if _, err := tx.AuditEntry.Delete().Where(auditentry.IDIn(gone...)).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if err := ledger.MarkPruned(ctx, tx, s.DB.Dialect, gone, time.Now()); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		want := []string{es[0].ID, es[2].ID, es[3].ID, es[5].ID}
		lagIs(t, s, admin, id, len(want))
		s.GraphQL(t, admin, resumeQ, map[string]any{"id": id}).NoErrors(t)
		testwait.Eventually(t, 20*time.Second, func() (bool, string) {
			n := len(rcv.acceptedIDs())
			return n >= len(want), fmt.Sprintf("%d of %d", n, len(want))
		})
		time.Sleep(200 * time.Millisecond)
		if got := rcv.acceptedIDs(); !slices.Equal(got, want) {
			t.Fatalf("with pruned leaves: %s", firstDiff(got, want))
		}
		lagIs(t, s, admin, id, 0)
	}, fast(true))
}
