package graph

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trailmark/trailmark/ent/privacy"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/db"
	"github.com/trailmark/trailmark/internal/ledger"
	"github.com/trailmark/trailmark/internal/testdb"
)

// TestSeqLoaderBatches: the seqs of a page cost one query (Prime), and
// fields asking one by one within the window share one query too.
func TestSeqLoaderBatches(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
		l, err := ledger.Open(ctx, d.SQL, d.Dialect, ledger.Config{Origin: "test"}, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		tn, err := d.Client.Tenant.Create().SetSlug("seqs").SetName("Seqs").Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for range 30 {
			e, err := audit.Create(d.Client.AuditEntry, audit.Entry{TenantID: &tn.ID, OccurredAt: time.Now(), Action: "x.y",
				ResourceType: "t", Actor: audit.Actor{Type: schematype.ActorSystem}}).Save(ctx)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, e.ID)
		}
		if err := l.SyncAll(ctx); err != nil {
			t.Fatal(err)
		}
		unsequenced, err := audit.Create(d.Client.AuditEntry, audit.Entry{TenantID: &tn.ID, OccurredAt: time.Now(), Action: "x.late",
			ResourceType: "t", Actor: audit.Actor{Type: schematype.ActorSystem}}).Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want, err := l.Seqs(ctx, ids)
		if err != nil || len(want) != 30 {
			t.Fatalf("seqs %v, %v", want, err)
		}

		var calls atomic.Int32
		counted := func() seqLoader {
			s := newSeqLoader(l)
			s.fetch = func(ctx context.Context, ids []string) (map[string]int64, error) {
				calls.Add(1)
				return l.Seqs(ctx, ids)
			}
			return s
		}
		check := func(s seqLoader, id string, want *int64) {
			t.Helper()
			got, err := s.Load(ctx, id)
			if err != nil || (got == nil) != (want == nil) || (got != nil && *got != *want) {
				t.Errorf("seq of %s = %v, %v; want %v", id, got, err, want)
			}
		}

		// A page: one query, then every field from the cache.
		s := counted()
		s.Prime(ctx, append(ids, unsequenced.ID))
		for _, id := range ids {
			n := want[id]
			check(s, id, &n)
		}
		check(s, unsequenced.ID, nil)
		if n := calls.Load(); n != 1 {
			t.Fatalf("a primed page took %d queries, want 1", n)
		}

		// Fields asking one by one, concurrently, within the window.
		calls.Store(0)
		s = counted()
		s.wait = 300 * time.Millisecond
		var wg sync.WaitGroup
		for _, id := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n := want[id]
				check(s, id, &n)
			}()
		}
		wg.Wait()
		if n := calls.Load(); n != 1 {
			t.Fatalf("30 loads took %d queries, want 1", n)
		}
	})
}
