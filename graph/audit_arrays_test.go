package graph_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/testserver"
)

// TestRecordAuditEntriesBigBatch records batches big enough for the array
// statement PostgreSQL writes them with (internal/audit/arrays.go), through
// the GraphQL API, on both databases: what is stored, hashes, idempotency
// (keys repeated in the batch, replays of stored keys, a conflicting
// replay), all-or-nothing on a failure, privacy and the live tail must be
// those of ent's INSERT.
func TestRecordAuditEntriesBigBatch(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		f := newFixture(t, s, "acme")
		sub := s.Subscribe(t, f.admin, `subscription($t: ID) { auditEntryCreated(tenantID: $t) { id } }`, map[string]any{"t": f.tenantID})
		s.WaitSubscriptions(t, 1)

		// Values an array literal must quote or escape.
		tricky := []string{`quote " and \ backslash`, `{braces},commas`, "NULL", "", "  spaced  ", "Zoë ✓ 日本", "line\nbreak\ttab"}
		var batch []map[string]any
		for i := range 60 {
			s := tricky[i%len(tricky)]
			e := entry("invoice.paid",
				"resourceID", fmt.Sprintf("r-%d %s", i, s),
				"resourceName", s+"x",
				"newValue", map[string]any{"n": i, "s": s, "nested": map[string]any{"a": []any{1, "two", nil}}},
				"metadata", map[string]any{"k": s},
			)
			switch {
			case i%3 == 0:
				e["idempotencyKey"] = fmt.Sprintf("key-%d", i)
			case i%10 == 1:
				e["workspace"] = "ws " + s
				e["request"] = map[string]any{"payload": map[string]any{"q": s}, "sourceIP": "10.0.0.1", "httpStatus": 201}
				e["actor"] = map[string]any{"type": "USER", "id": "u-" + s, "name": s, "email": "a@b.c"}
			}
			batch = append(batch, e)
		}
		batch = append(batch, batch[3]) // key-3 again, in the same batch
		first := mustRecord(t, s, f.ingest, f.tenantID, batch...).RecordAuditEntries
		if first.Created != 60 || first.Duplicates != 1 || len(first.Entries) != 61 {
			t.Fatalf("created/duplicates = %d/%d of %d", first.Created, first.Duplicates, len(first.Entries))
		}
		if first.Entries[60].ID != first.Entries[3].ID {
			t.Fatalf("in-batch repeat of key-3 = %s, want %s", first.Entries[60].ID, first.Entries[3].ID)
		}
		ctx := testserver.System(context.Background())
		stored, err := s.Client().AuditEntry.Query().Where(auditentry.TenantID(f.tenantID), auditentry.ActionEQ("invoice.paid")).All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		byID := map[string]int{}
		for i, e := range first.Entries[:60] {
			byID[e.ID] = i
		}
		if len(stored) != 60 {
			t.Fatalf("stored %d entries, want 60", len(stored))
		}
		for _, row := range stored {
			i, ok := byID[row.ID]
			if !ok {
				t.Fatalf("stored %s, not in the answer", row.ID)
			}
			if got := audit.Hash(audit.EntryOf(row)); got != row.Hash || row.Hash != first.Entries[i].Hash {
				t.Errorf("entry %d: stored hash %s, recomputed %s, answered %s", i, row.Hash, got, first.Entries[i].Hash)
			}
			if want := fmt.Sprintf("r-%d %s", i, tricky[i%len(tricky)]); row.ResourceID == nil || *row.ResourceID != want ||
				*first.Entries[i].ResourceID != want {
				t.Errorf("entry %d: resourceID stored %v, answered %v, want %q", i, row.ResourceID, first.Entries[i].ResourceID, want)
			}
			if i%10 == 1 && i%3 != 0 && (row.Request == nil || row.ActorType != schematype.ActorUser || row.Workspace == nil) {
				t.Errorf("entry %d: request %+v, actor %s, workspace %v", i, row.Request, row.ActorType, row.Workspace)
			}
			if !row.ReceivedAt.Equal(row.ReceivedAt.Truncate(time.Microsecond)) {
				t.Errorf("entry %d: received_at %v not in microseconds", i, row.ReceivedAt)
			}
		}
		// The live tail announces the batch once it has committed.
		seen := map[string]bool{}
		for len(seen) < 60 {
			m, err := sub.Next(5 * time.Second)
			if err != nil {
				t.Fatalf("live tail: %d of 60 entries, then %v", len(seen), err)
			}
			for id := range byID {
				if strings.Contains(string(m.Payload), id) {
					seen[id] = true
				}
			}
		}

		// A replay of stored keys with new ones: the stored entries answer.
		replay := mustRecordIDs(t, s, f.ingest, f.tenantID,
			batch[0], batch[3], entry("invoice.paid", "idempotencyKey", "new-1"), entry("invoice.paid"), batch[3]).RecordAuditEntries
		if replay.Created != 2 || replay.Duplicates != 3 || replay.Entries[0].ID != first.Entries[0].ID ||
			replay.Entries[1].ID != first.Entries[3].ID || replay.Entries[4].ID != first.Entries[3].ID {
			t.Fatalf("replay = %+v", replay)
		}

		// A replay with other content among new entries: CONFLICT, and
		// nothing of the batch is stored.
		before := countEntries(t, s, f.tenantID)
		changed := map[string]any{}
		for k, v := range batch[6] {
			changed[k] = v
		}
		changed["resourceName"] = "something else"
		conflicting := []map[string]any{entry("invoice.paid", "idempotencyKey", "new-2"), entry("invoice.paid"), changed, entry("invoice.paid")}
		if res := record(t, s, f.ingest, f.tenantID, conflicting...); !res.HasCode("CONFLICT") {
			t.Fatalf("conflicting replay: %s", res.Body)
		}
		// A key that may not write: forbidden, nothing stored.
		if res := record(t, s, f.reader, f.tenantID, batch[1], batch[2], batch[4]); len(res.Errors) == 0 {
			t.Fatalf("a READ key recorded entries: %s", res.Body)
		}
		if n := countEntries(t, s, f.tenantID); n != before {
			t.Fatalf("failed batches stored %d entries", n-before)
		}
		// The key of the conflicting batch's new entry is still free.
		again := mustRecordIDs(t, s, f.ingest, f.tenantID, entry("invoice.paid", "idempotencyKey", "new-2"), entry("invoice.paid")).RecordAuditEntries
		if again.Created != 2 {
			t.Fatalf("after the failed batch: %+v", again)
		}
	})
}
