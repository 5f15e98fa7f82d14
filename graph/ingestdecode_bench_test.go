package graph_test

import (
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/trailmark/trailmark/internal/app"
	"github.com/trailmark/trailmark/internal/testdb"
	"github.com/trailmark/trailmark/internal/testserver"
)

// benchEntries is a batch shaped like the bench's (bench/data.go): an
// actor, a request with a payload, metadata and a change.
func benchEntries(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf(`{"occurredAt":"2026-12-01T10:%02d:00.123456Z","action":"member.role.update","resourceType":"member",
"resourceID":"member_%06d","resourceName":"member %d","workspace":"ws-3","status":"SUCCESS",
"actor":{"type":"USER","id":"usr_%d","name":"Grace Hopper","email":"grace@example.com"},
"oldValue":{"role":"viewer","since":"2026-01-01","flags":[1,2,3]},"newValue":{"role":"admin","since":"2026-12-01","flags":[1,2,3,4]},
"metadata":{"region":"eu-west-1","client":"web","traceID":"%016x"},
"request":{"method":"POST","path":"/api/v1/members/member_%06d","sourceIP":"203.0.113.%d","userAgent":"Mozilla/5.0 (X11; Linux x86_64)","httpStatus":200,
"payload":{"password":"[REDACTED]","name":"member %d"}}}`, i%60, i, i, i, i*7919, i, i%255, i)
	}
	return "[" + strings.Join(parts, ",") + "]"
}

// BenchmarkRecordAuditEntries50 records 50-entry batches over HTTP on
// SQLite, decoded by gqlgen alone and by the ingest shortcut: CPU and
// allocations per batch (server and client in one process).
func BenchmarkRecordAuditEntries50(b *testing.B) {
	for _, mode := range []string{"gqlgen", "shortcut"} {
		b.Run(mode, func(b *testing.B) {
			s := testserver.New(b, "sqlite3", func(c *app.Config) { c.HTTP.GenericIngestDecoder = mode == "gqlgen" })
			tn := s.CreateTenant(b, "bench")
			key, _ := s.APIKey(b, tn.ID, "INGEST")
			body := ingestBody(`mutation Ingest($t: ID!, $e: [AuditEntryInput!]!) { recordAuditEntries(tenantID: $t, entries: $e) { created } }`,
				tn.ID, benchEntries(50))
			b.ReportAllocs()
			b.ResetTimer()
			cpu := processCPU()
			for range b.N {
				s.Post(b, key, "/graphql", "application/json", body).NoErrors(b)
			}
			b.ReportMetric(float64(processCPU()-cpu)/float64(b.N*50), "cpu-ns/entry")
		})
	}
}

// processCPU is this process's CPU time so far (user and system), in ns:
// on a loaded machine wall time says little.
func processCPU() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// BenchmarkRecordAuditEntryQ4a records one entry a request in the peer
// benchmark's q4a document (`entries: [$entry]`, a list literal of one
// variable), decoded by gqlgen alone and by the ingest shortcut, on each
// test dialect: CPU and allocations per request (server and client in one
// process; on PostgreSQL the database's CPU is not in it). The "refused"
// runs send a tenant ID that is not one, which the resolver refuses before
// anything is written: the transport and GraphQL layers alone.
func BenchmarkRecordAuditEntryQ4a(b *testing.B) {
	const query = `mutation Q4Create($tenantID: ID!, $entry: AuditEntryInput!) {
  recordAuditEntries(tenantID: $tenantID, entries: [$entry]) { entries { id } }
}`
	for _, dia := range testdb.Dialects {
		for _, stage := range []string{"recorded", "refused"} {
			for _, mode := range []string{"gqlgen", "shortcut"} {
				b.Run(dia+"/"+stage+"/"+mode, func(b *testing.B) {
					s := testserver.New(b, dia, func(c *app.Config) {
						c.HTTP.GenericIngestDecoder = mode == "gqlgen"
						// The test server's checkpoints every 100 ms would be
						// charged to the requests as the run's wall time goes.
						c.Ledger.CheckpointEvery = time.Hour
					})
					tn := s.CreateTenant(b, "bench")
					key, _ := s.APIKey(b, tn.ID, "INGEST")
					tenantID := tn.ID
					if stage == "refused" {
						tenantID = "not-a-tenant"
					}
					bodies := make([][]byte, b.N)
					for i := range bodies {
						bodies[i] = []byte(fmt.Sprintf(`{"query":%q,"operationName":"Q4Create","variables":{"tenantID":%q,"entry":{
"occurredAt":"2025-01-02T00:00:00Z","action":"document.update","resourceType":"document","resourceID":"document_%d",
"actor":{"type":"USER","id":"usr_%d","name":"bench-writer"},
"oldValue":{"status":"active","version":1,"name":"item %d"},"newValue":{"status":"archived","version":2,"name":"item %d"},
"metadata":{"source":"api","request_id":"req-bench-%d","ua":"bench/1.0"}}}}`, query, tenantID, i, i%100, i, i, i))
					}
					b.ReportAllocs()
					b.ResetTimer()
					cpu := processCPU()
					for i := range b.N {
						r := s.Post(b, key, "/graphql", "application/json", bodies[i])
						if refused := len(r.Errors) > 0; refused != (stage == "refused") {
							b.Fatalf("%s: %s", stage, r.Body)
						}
					}
					b.ReportMetric(float64(processCPU()-cpu)/float64(b.N)/1e3, "cpu-µs/op")
				})
			}
		}
	}
}
