package graph_test

import (
	"fmt"
	"sync"
	"testing"

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
		// A quarter of the clients send batches above the 16 entries that
		// join a group on PostgreSQL; on SQLite every batch joins.
		batchOf := func(c int) int { return map[bool]int{true: 40, false: 1}[c%4 == 0] }
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
