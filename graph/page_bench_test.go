package graph_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/trailmark/trailmark/internal/testserver"
)

// BenchmarkAuditPageSQLite asks for the bench's SQLite page (bench/drive.go
// pageQuery: the first 25 entries and totalCount) over HTTP from a tenant
// of 5 000 entries: CPU and allocations per page (server and client in one
// process, the server's background work included).
func BenchmarkAuditPageSQLite(b *testing.B) {
	s := testserver.New(b, "sqlite3")
	tn := s.CreateTenant(b, "bench")
	key, _ := s.APIKey(b, tn.ID, "READ", "INGEST")
	ingest := ingestBody(`mutation Ingest($t: ID!, $e: [AuditEntryInput!]!) { recordAuditEntries(tenantID: $t, entries: $e) { created } }`,
		tn.ID, benchEntries(1000))
	for range 5 {
		s.Post(b, key, "/graphql", "application/json", ingest).NoErrors(b)
	}
	time.Sleep(2 * time.Second) // the sequencer and the search indexer catch up
	body := []byte(fmt.Sprintf(`{"query":%q,"variables":{"tenant":%q,"first":25}}`, `query Page($tenant: ID!, $first: Int) {
  auditEntries(tenantID: $tenant, first: $first) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node {
      id occurredAt action resourceType resourceID resourceName workspace status
      actor { type id name email }
    } }
  }
}`, tn.ID))
	b.ReportAllocs()
	b.ResetTimer()
	cpu := processCPU()
	for range b.N {
		s.Post(b, key, "/graphql", "application/json", body).NoErrors(b)
	}
	b.ReportMetric(float64(processCPU()-cpu)/float64(b.N)/1e3, "cpu-µs/page")
}
