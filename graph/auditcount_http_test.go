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
