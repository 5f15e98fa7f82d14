package graph_test

import (
	"fmt"
	"strings"
	"syscall"
	"testing"

	"github.com/trailmark/trailmark/internal/app"
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
