package graph_test

import (
	"context"
	"testing"

	"github.com/trailmark/trailmark/internal/testserver"
)

// TestTotalCountUsesCounters proves which path totalCount takes: with the
// tenant's counter deliberately inflated, an unfiltered count shows the
// inflation (it read the counter) and a filtered one does not (it counted
// rows).
func TestTotalCountUsesCounters(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		f := newFixture(t, s, "counted")
		for i := range 3 {
			mustRecord(t, s, f.ingest, f.tenantID, map[string]any{"action": "thing.update", "resourceType": "thing",
				"resourceID": string(rune('a' + i))})
		}
		const inflate = 1_000_000
		if _, err := s.DB.SQL.ExecContext(context.Background(),
			`UPDATE audit_entry_counts SET n = n + 1000000 WHERE tenant_id = '`+f.tenantID+`'`); err != nil {
			t.Fatal(err)
		}
		const q = `query($t: ID!, $filter: String) { auditEntries(tenantID: $t, filter: $filter) { totalCount } }`
		var out struct{ AuditEntries struct{ TotalCount int } }
		s.GraphQL(t, f.reader, q, map[string]any{"t": f.tenantID}).NoErrors(t).Decode(t, &out)
		if out.AuditEntries.TotalCount < inflate {
			t.Errorf("unfiltered totalCount %d did not come from the counter", out.AuditEntries.TotalCount)
		}
		s.GraphQL(t, f.reader, q, map[string]any{"t": f.tenantID, "filter": "action = 'thing.update'"}).NoErrors(t).Decode(t, &out)
		if out.AuditEntries.TotalCount != 3 {
			t.Errorf("filtered totalCount = %d, want the 3 rows", out.AuditEntries.TotalCount)
		}
	})
}

// TestTotalCountWithPage covers totalCount asked beside the page: without a
// cursor it rides on the page's statement (from the counter, as alone), and
// an empty page, a cursor, a deep offset or a filter count apart — each
// answer the same number as totalCount asked alone.
func TestTotalCountWithPage(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		f := newFixture(t, s, "counted-page")
		for i := range 3 {
			mustRecord(t, s, f.ingest, f.tenantID, map[string]any{"action": "thing.update", "resourceType": "thing",
				"resourceID": string(rune('a' + i))})
		}
		if _, err := s.DB.SQL.ExecContext(context.Background(),
			`UPDATE audit_entry_counts SET n = n + 1000000 WHERE tenant_id = '`+f.tenantID+`'`); err != nil {
			t.Fatal(err)
		}
		const q = `query($t: ID!, $filter: String, $first: Int, $offset: Int, $after: Cursor) {
			auditEntries(tenantID: $t, filter: $filter, first: $first, offset: $offset, after: $after) {
				totalCount edges { cursor node { id actor { id name } } } pageInfo { hasNextPage endCursor } } }`
		type page struct {
			AuditEntries struct {
				TotalCount int
				Edges      []struct{ Cursor string }
			}
		}
		get := func(vars map[string]any) page {
			t.Helper()
			vars["t"] = f.tenantID
			var out page
			s.GraphQL(t, f.reader, q, vars).NoErrors(t).Decode(t, &out)
			return out
		}
		// Whatever the counter holds besides this test's rows (the self-audit
		// of reads may add some): what totalCount alone answers.
		var alone struct{ AuditEntries struct{ TotalCount int } }
		s.GraphQL(t, f.reader, `query($t: ID!) { auditEntries(tenantID: $t) { totalCount } }`,
			map[string]any{"t": f.tenantID}).NoErrors(t).Decode(t, &alone)
		want := alone.AuditEntries.TotalCount
		if want < 1_000_000 {
			t.Fatalf("totalCount alone = %d, want the inflated counter", want)
		}
		first := get(map[string]any{"first": 2})
		if n := first.AuditEntries.TotalCount; n < want || n > want+5 {
			t.Errorf("first page: totalCount = %d, want the counter's %d", n, want)
		}
		if len(first.AuditEntries.Edges) != 2 {
			t.Fatalf("first page: %d edges, want 2", len(first.AuditEntries.Edges))
		}
		after := get(map[string]any{"first": 2, "after": first.AuditEntries.Edges[1].Cursor})
		if n := after.AuditEntries.TotalCount; n < want || n > want+5 {
			t.Errorf("after a cursor: totalCount = %d, want the counter's %d", n, want)
		}
		empty := get(map[string]any{"first": 2, "offset": 400})
		if n := empty.AuditEntries.TotalCount; len(empty.AuditEntries.Edges) != 0 || n < want || n > want+5 {
			t.Errorf("empty page: %d edges, totalCount = %d, want none and the counter's %d", len(empty.AuditEntries.Edges), n, want)
		}
		filtered := get(map[string]any{"first": 1, "filter": "action = 'thing.update'"})
		if n := filtered.AuditEntries.TotalCount; n != 3 || len(filtered.AuditEntries.Edges) != 1 {
			t.Errorf("filtered: totalCount = %d with %d edges, want 3 rows counted and 1 edge", n, len(filtered.AuditEntries.Edges))
		}
	})
}
