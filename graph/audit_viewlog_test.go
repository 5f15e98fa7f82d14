package graph_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/internal/app"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/testdb"
	"github.com/trailmark/trailmark/internal/testserver"
)

// testClock is a clock the test moves by hand, so windows close when the
// test says and not when a loaded machine gets round to it.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *testClock) Advance(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.now = c.now.Add(d) }

type viewMeta struct {
	Filter string
	Search string
	Offset *int
	Folded *audit.FoldedReads
}

// TestAuditLogViewFolded: the first read of a viewer with given arguments
// is recorded at once; identical reads (other pages included) within the
// window are recorded as one more entry with their count when the window
// closes; another filter or another viewer is a new first read; recorded
// entries are never changed; the identifier is the tenant's name.
func TestAuditLogViewFolded(t *testing.T) {
	const window = time.Minute
	for _, dia := range testdb.Dialects {
		t.Run(dia, func(t *testing.T) {
			t.Parallel()
			clock := &testClock{now: time.Now()}
			s := testserver.New(t, dia, func(c *app.Config) {
				c.Views.Window = window
				c.Views.Now = clock.Now
				c.Views.FlushInterval = time.Hour // only Flush writes
			})
			f := newFixture(t, s, "acme")
			mustRecord(t, s, f.ingest, f.tenantID, entry("member.add"))
			ctx := testserver.System(context.Background())
			views := func() []*ent.AuditEntry {
				t.Helper()
				if err := s.App.Views.Flush(context.Background()); err != nil {
					t.Fatal(err)
				}
				return s.Client().AuditEntry.Query().
					Where(auditentry.Action(audit.ViewAction), auditentry.TenantID(f.tenantID)).
					Order(ent.Asc(auditentry.FieldReceivedAt), ent.Asc(auditentry.FieldID)).AllX(ctx)
			}
			read := func(token, filter string, offset int) {
				t.Helper()
				s.GraphQL(t, token, `query($t: ID, $f: String, $o: Int) { auditEntries(tenantID: $t, filter: $f, first: 10, offset: $o) { totalCount } }`,
					map[string]any{"t": f.tenantID, "f": filter, "o": offset}).NoErrors(t)
			}
			meta := func(e *ent.AuditEntry) viewMeta {
				t.Helper()
				var m viewMeta
				if err := json.Unmarshal(e.Metadata, &m); err != nil {
					t.Fatalf("metadata %s: %v", e.Metadata, err)
				}
				return m
			}
			const a, b = "action = 'member.add'", "action != 'member.add'"

			read(f.admin, a, 0)
			v := views()
			if len(v) != 1 || meta(v[0]).Filter != a || meta(v[0]).Folded != nil {
				t.Fatalf("first read: %d audit_log.view entries, want 1 unfolded", len(v))
			}
			if v[0].ResourceName == nil || *v[0].ResourceName != "Tenant acme" {
				t.Errorf("resourceName = %v, want the tenant's name", v[0].ResourceName)
			}
			first := *v[0]

			// The same read again, and the next pages: counted, not recorded.
			clock.Advance(time.Second)
			read(f.admin, a, 0)
			clock.Advance(time.Second)
			read(f.admin, a, 10)
			clock.Advance(time.Second)
			read(f.admin, a, 20)
			if v := views(); len(v) != 1 {
				t.Fatalf("repeated reads within the window: %d audit_log.view entries, want 1", len(v))
			}
			// Another filter and another viewer are first reads.
			read(f.admin, b, 0)
			read(f.reader, a, 0)
			if v := views(); len(v) != 3 {
				t.Fatalf("another filter and another viewer: %d audit_log.view entries, want 3", len(v))
			}

			// The window closes: one more entry with the count and times.
			clock.Advance(window)
			v = views()
			if len(v) != 4 {
				t.Fatalf("after the window: %d audit_log.view entries, want 4", len(v))
			}
			m := meta(v[3])
			if m.Folded == nil || m.Folded.Count != 3 || m.Filter != a || m.Offset != nil {
				t.Fatalf("folded entry metadata %s, want count 3 of %q", v[3].Metadata, a)
			}
			if !m.Folded.FirstAt.Equal(first.OccurredAt.Add(time.Second)) || !m.Folded.LastAt.Equal(first.OccurredAt.Add(3*time.Second)) {
				t.Errorf("folded first/last = %s/%s, want 1s/3s after %s", m.Folded.FirstAt, m.Folded.LastAt, first.OccurredAt)
			}
			if *v[3].ActorID != f.adminID || v[3].ResourceName == nil || *v[3].ResourceName != "Tenant acme" {
				t.Errorf("folded entry actor %v, resourceName %v", v[3].ActorID, v[3].ResourceName)
			}
			if v[3].Hash != audit.Hash(entryOf(v[3])) {
				t.Errorf("folded entry hash does not recompute")
			}
			if v[0].ID != first.ID || v[0].Hash != first.Hash || string(v[0].Metadata) != string(first.Metadata) {
				t.Errorf("the first entry changed: %+v, was %+v", v[0], first)
			}

			// After the window an identical read is a first read again. A
			// second later: written in the same instant as the folded entry
			// its place in (received_at, id) order would be up to the ids'
			// random part.
			clock.Advance(time.Second)
			read(f.admin, a, 0)
			if v := views(); len(v) != 5 || meta(v[4]).Folded != nil {
				t.Fatalf("read after the window: %d audit_log.view entries, want 5", len(v))
			}

			// The dashboard's default filter leaves the reads out.
			var out struct{ AuditEntries struct{ TotalCount int } }
			s.GraphQL(t, f.admin, `query($t: ID) { auditEntries(tenantID: $t, filter: "action not like 'audit\\_log.%'") { totalCount } }`,
				map[string]any{"t": f.tenantID}).NoErrors(t).Decode(t, &out)
			if out.AuditEntries.TotalCount != 1 {
				t.Errorf("without log reads: %d entries, want 1", out.AuditEntries.TotalCount)
			}
		})
	}
}

// TestAuditLogViewFoldedFlushedOnShutdown: the reads folded in a window
// still open at shutdown are recorded by the shutdown step.
func TestAuditLogViewFoldedFlushedOnShutdown(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		f := newFixture(t, s, "acme")
		for range 3 {
			s.GraphQL(t, f.admin, `query($t: ID) { auditEntries(tenantID: $t, search: "member") { totalCount } }`,
				map[string]any{"t": f.tenantID}).NoErrors(t)
		}
		// The step the App runs on shutdown (App.OnClose).
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := s.App.Views.Close(ctx); err != nil {
			t.Fatal(err)
		}
		v := s.Client().AuditEntry.Query().
			Where(auditentry.Action(audit.ViewAction), auditentry.TenantID(f.tenantID)).
			Order(ent.Asc(auditentry.FieldReceivedAt), ent.Asc(auditentry.FieldID)).AllX(testserver.System(ctx))
		if len(v) != 2 {
			t.Fatalf("%d audit_log.view entries after shutdown, want the first read and one folded", len(v))
		}
		var m viewMeta
		_ = json.Unmarshal(v[1].Metadata, &m)
		if m.Folded == nil || m.Folded.Count != 2 || m.Search != "member" {
			t.Fatalf("folded entry metadata %s, want count 2", v[1].Metadata)
		}
	}, func(c *app.Config) { c.Views.Window = time.Hour; c.Views.FlushInterval = time.Hour })
}
