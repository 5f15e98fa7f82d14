package graph_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/testserver"
)

// TestRecordAuditEntriesGroupCommit sends many ingest requests at once, on
// both dialects (SQLite groups them too, with one committer, whatever their
// size): each is answered with its own entries, a conflicting replay among
// them gets CONFLICT alone, and exactly the others' entries are stored.
func TestRecordAuditEntriesGroupCommit(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		f := newFixture(t, s, "acme")
		mustRecordIDs(t, s, f.ingest, f.tenantID, entry("payment.capture", "idempotencyKey", "taken", "resourceID", "a"))
		const clients, each = 16, 4
		// A quarter of the clients send batches above the entries that join
		// a group on PostgreSQL (audit.DefaultMaxBatch), a quarter 50-entry
		// batches, which join; on SQLite every batch joins.
		batchOf := func(c int) int {
			switch c % 4 {
			case 0:
				return audit.DefaultMaxBatch + 20
			case 2:
				return 50
			}
			return 1
		}
		var (
			wg        sync.WaitGroup
			mu        sync.Mutex
			created   int
			conflicts int
			ids       = map[string]bool{}
		)
		for c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					var es []map[string]any
					for j := range batchOf(c) {
						es = append(es, entry("payment.capture", "resourceID", fmt.Sprintf("r%d-%d-%d", c, i, j)))
					}
					if c == 3 && i == 2 { // the key holds other content
						es = []map[string]any{entry("payment.capture", "idempotencyKey", "taken", "resourceID", "b")}
					}
					res := s.GraphQL(t, f.ingest, recordIDsMutation, map[string]any{"t": f.tenantID, "e": es})
					mu.Lock()
					switch {
					case len(res.Errors) == 1 && res.Errors[0].Code() == "CONFLICT" && c == 3 && i == 2:
						conflicts++
					case len(res.Errors) > 0:
						t.Errorf("request %d/%d: %s", c, i, res.Body)
					default:
						var out recordResult
						res.Decode(t, &out)
						created += out.RecordAuditEntries.Created
						for _, x := range out.RecordAuditEntries.Entries {
							ids[x.ID] = true
						}
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		want := -1
		for c := range clients {
			want += each * batchOf(c)
		}
		if created != want || len(ids) != want || conflicts != 1 {
			t.Fatalf("created %d, distinct ids %d, conflicts %d; want %d, %d, 1", created, len(ids), conflicts, want, want)
		}
		if n := countEntries(t, s, f.tenantID); n != want+1 {
			t.Fatalf("%d entries stored, want %d", n, want+1)
		}
		t.Logf("groups %d of %d requests, %d written alone after a failed group",
			s.App.Writer.Groups.Load(), s.App.Writer.Grouped.Load(), s.App.Writer.Retried.Load())
	})
}

// TestRecordAuditEntriesSharedStatement sends single entries at once, half
// of them with idempotency keys, from two tenants' keys: on PostgreSQL the
// requests of a group share one INSERT (internal/audit recordShared).
// Each answer is its own entry with the content it sent, stored hashes
// recompute, a tenant's live tail announces its entries and no other
// tenant's, and replaying the keyed ones at once answers the stored
// entries without storing any.
func TestRecordAuditEntriesSharedStatement(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		acme, globex := newFixture(t, s, "acme"), newFixture(t, s, "globex")
		sub := s.Subscribe(t, acme.admin, `subscription($t: ID) { auditEntryCreated(tenantID: $t) { id resourceID } }`, map[string]any{"t": acme.tenantID})
		s.WaitSubscriptions(t, 1)
		const clients = 24
		type answer struct {
			tenant, resource, id, hash string
		}
		answers := make([]answer, clients)
		var wg sync.WaitGroup
		for c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				f := map[bool]*fixture{true: &acme, false: &globex}[c%3 != 0]
				resource := fmt.Sprintf(`r-%d "quoted" {braces}`, c)
				out := mustRecordIDs(t, s, f.ingest, f.tenantID, sharedEntry(c, resource)).RecordAuditEntries
				if out.Created != 1 || len(out.Entries) != 1 {
					t.Errorf("client %d: %+v", c, out)
					return
				}
				answers[c] = answer{f.tenantID, resource, out.Entries[0].ID, out.Entries[0].Hash}
			}()
		}
		wg.Wait()
		ctx := testserver.System(context.Background())
		acmeIDs := map[string]bool{}
		for c, a := range answers {
			row, err := s.Client().AuditEntry.Get(ctx, a.id)
			if err != nil {
				t.Fatalf("client %d: %v", c, err)
			}
			if row.TenantID == nil || *row.TenantID != a.tenant || row.ResourceID == nil || *row.ResourceID != a.resource {
				t.Errorf("client %d: stored tenant %v resource %v, want %s %q", c, row.TenantID, row.ResourceID, a.tenant, a.resource)
			}
			if got := audit.Hash(audit.EntryOf(row)); got != row.Hash || row.Hash != a.hash {
				t.Errorf("client %d: stored hash %s, recomputed %s, answered %s", c, row.Hash, got, a.hash)
			}
			if a.tenant == acme.tenantID {
				acmeIDs[a.id] = true
			}
		}
		seen := map[string]bool{}
		for len(seen) < len(acmeIDs) {
			m, err := sub.Next(5 * time.Second)
			if err != nil {
				t.Fatalf("live tail: %d of %d entries, then %v", len(seen), len(acmeIDs), err)
			}
			for _, a := range answers {
				if strings.Contains(string(m.Payload), a.id) {
					if !acmeIDs[a.id] {
						t.Fatalf("acme's live tail announced globex's entry %s", a.id)
					}
					seen[a.id] = true
				}
			}
		}
		// The keyed half again, at once: every replay answers the stored
		// entry, and nothing new is stored.
		before := countEntries(t, s, acme.tenantID) + countEntries(t, s, globex.tenantID)
		for c := 0; c < clients; c += 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				a := answers[c]
				f := map[bool]*fixture{true: &acme, false: &globex}[c%3 != 0]
				out := mustRecordIDs(t, s, f.ingest, f.tenantID, sharedEntry(c, a.resource)).RecordAuditEntries
				if out.Created != 0 || out.Duplicates != 1 || out.Entries[0].ID != a.id || out.Entries[0].Hash != a.hash {
					t.Errorf("client %d's replay: %+v, want its entry %s", c, out, a.id)
				}
			}()
		}
		wg.Wait()
		if after := countEntries(t, s, acme.tenantID) + countEntries(t, s, globex.tenantID); after != before {
			t.Fatalf("the replays stored %d entries", after-before)
		}
		t.Logf("groups %d of %d requests", s.App.Writer.Groups.Load(), s.App.Writer.Grouped.Load())
	})
}

// sharedEntry is client c's entry in TestRecordAuditEntriesSharedStatement:
// with an idempotency key for every other client.
func sharedEntry(c int, resource string) map[string]any {
	kv := []any{"resourceID", resource, "newValue", map[string]any{"n": c}}
	if c%2 == 0 {
		kv = append(kv, "idempotencyKey", fmt.Sprintf("shared-%d", c))
	}
	return entry("invoice.paid", kv...)
}
