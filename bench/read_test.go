package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/app"
	"github.com/trailmark/trailmark/internal/auth"
	"github.com/trailmark/trailmark/internal/db"
	"github.com/trailmark/trailmark/internal/httpapi"
	"github.com/trailmark/trailmark/internal/ratelimit"
)

// BenchmarkReadShapes measures the server's cost of one request of each
// read shape of the peer benchmark: the real handler (auth, middleware,
// GraphQL, PostgreSQL), called in-process one request at a time, so ns/op
// and allocs/op are the server's alone (no HTTP client, no listener).
// TRAILMARK_SLOW_PAGES=1 turns the fast page marshaller off (graph.FastPage),
// for A/B runs of one build. It needs a database loaded by `go run ./bench`
// (any -entries):
//
//	TRAILMARK_BENCH_READ_URL=postgres://postgres@127.0.0.1:5432/trailmark_bench?sslmode=disable \
//	  go test -run '^$' -bench ReadShapes -benchmem ./bench/
func BenchmarkReadShapes(b *testing.B) {
	ctx := context.Background()
	d, tenants, _ := openReadBench(ctx, b)
	big := tenants[0]
	do := readBenchPoster(ctx, b, d, big.id, "read bench", schematype.ScopeRead, schematype.ScopeIngest)
	var c struct {
		Data struct {
			AuditEntries struct{ PageInfo struct{ EndCursor string } }
		}
	}
	if err := json.Unmarshal(do(gqlBody(`query C($t: ID!) { auditEntries(tenantID: $t, first: 1, offset: 4999,
		orderBy: {field: OCCURRED_AT, direction: DESC}) { pageInfo { endCursor } } }`, map[string]any{"t": big.id})), &c); err != nil {
		b.Fatal(err)
	}
	deep := c.Data.AuditEntries.PageInfo.EndCursor
	for _, s := range peerShapes(big.id, deep) {
		name := strings.SplitN(s.name, ":", 2)[0]
		b.Run(strings.ReplaceAll(name, " ", "_"), func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			cpu0 := readCPU(nil).app
			for b.Loop() {
				do(s.bodies[i%len(s.bodies)])
				i++
			}
			// CPU time says more than wall time on a shared machine.
			b.ReportMetric(float64((readCPU(nil).app-cpu0).Microseconds())/float64(i), "cpu-µs/op")
		})
	}
}

// readBenchPoster starts the server on d as the read benchmarks run it (no
// rate limits, a quiet log, the fast page unless TRAILMARK_SLOW_PAGES=1),
// creates an API key of tenantID named name with scopes, and returns a
// function that POSTs a GraphQL body with the key through the handler in
// process and fails b on an HTTP error or an answer with errors.
func readBenchPoster(ctx context.Context, b *testing.B, d *db.DB, tenantID, name string, scopes ...schematype.Scope) func(body []byte) []byte {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := app.New(ctx, app.Config{HTTP: httpapi.Config{SlowPages: slowPages()}, DataDir: b.TempDir(),
		Auth: auth.Config{RateLimits: ratelimit.Config{Disabled: true}}}, d, quiet)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Close(ctx) })
	names := make([]string, len(scopes))
	for i, sc := range scopes {
		names[i] = string(sc)
	}
	secret, prefix := auth.NewAPIKeySecret()
	if _, err := d.Client.APIKey.Create().SetTenantID(tenantID).SetName(name + " " + prefix).SetPrefix(prefix).
		SetSecretHash(auth.HashToken(secret)).SetScopes(names).Save(system(ctx)); err != nil {
		b.Fatal(err)
	}
	return func(body []byte) []byte {
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+secret)
		rec := httptest.NewRecorder()
		a.Handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || bytes.Contains(rec.Body.Bytes(), []byte(`"errors":`)) {
			b.Fatalf("HTTP %d: %.300s", rec.Code, rec.Body.String())
		}
		return rec.Body.Bytes()
	}
}

// openReadBench opens the database of TRAILMARK_BENCH_READ_URL (loaded by
// `go run ./bench`; the benchmark is skipped without it), with the
// server's GC tuning, and returns its bench tenants, biggest first, and
// their sizes. The database is closed when the benchmark ends.
func openReadBench(ctx context.Context, b *testing.B) (*db.DB, []*tenantData, []int) {
	url := os.Getenv("TRAILMARK_BENCH_READ_URL")
	if url == "" {
		b.Skip("TRAILMARK_BENCH_READ_URL is not set")
	}
	app.TuneGC()
	d, err := db.Open(ctx, db.Config{URL: url})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { d.Close() })
	tenants, sizes, err := loadedTenants(ctx, d)
	if err != nil {
		b.Fatal(err)
	}
	return d, tenants, sizes
}
