package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/app"
	"github.com/trailmark/trailmark/internal/auth"
	"github.com/trailmark/trailmark/internal/httpapi"
	"github.com/trailmark/trailmark/internal/ratelimit"
)

// BenchmarkFixedCost measures what every API request costs whatever it
// reads: the same handler as BenchmarkReadShapes, configured as server.go
// configures it (a JSON request log at info level written to a file,
// introspection on, rate limits on — with rates no serial run reaches, so
// that no request is refused), called one request at a time. The shapes
// add one layer each: the HTTP middleware alone (/healthz, whose log line
// is at debug level and not written), GraphQL without a caller, with the
// API key, the peer's q2 page selecting no rows, the same with a few rows
// (as the peer's q2 finds) and with a full page, the peer's q2 with its
// conditions in the filter language (q2 dsl), and q4a's document with a
// tenant ID that is not one (the transport, auth and GraphQL layers of an
// ingest request, refused by the resolver before anything is written).
// TRAILMARK_BENCH_LOG=discard drops the request log (what
// BenchmarkReadShapes does).
//
//	TRAILMARK_BENCH_READ_URL=postgres://postgres@127.0.0.1:5432/trailmark_bench?sslmode=disable \
//	  go test -run '^$' -bench FixedCost -benchmem ./bench/
func BenchmarkFixedCost(b *testing.B) {
	ctx := context.Background()
	d, tenants, _ := openReadBench(ctx, b)
	big := tenants[0]
	logOut := io.Discard
	if os.Getenv("TRAILMARK_BENCH_LOG") != "discard" {
		f, err := os.Create(filepath.Join(b.TempDir(), "server.log"))
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		logOut = f
	}
	log := slog.New(slog.NewJSONHandler(logOut, &slog.HandlerOptions{Level: slog.LevelInfo}))
	unlimited := ratelimit.Rate{PerSecond: 1e9, Burst: 1e9}
	a, err := app.New(ctx, app.Config{HTTP: httpapi.Config{Introspection: true}, DataDir: b.TempDir(),
		Auth: auth.Config{RateLimits: ratelimit.Config{Authenticated: unlimited, Anonymous: unlimited}}}, d, log)
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close(ctx)
	secret, prefix := auth.NewAPIKeySecret()
	if _, err := d.Client.APIKey.Create().SetTenantID(big.id).SetName("fixed bench " + prefix).SetPrefix(prefix).
		SetSecretHash(auth.HashToken(secret)).SetScopes([]string{string(schematype.ScopeRead), string(schematype.ScopeIngest)}).Save(system(ctx)); err != nil {
		b.Fatal(err)
	}
	type request struct {
		method, path string
		key          bool
		bodies       [][]byte
		errors       bool // the answer is expected to hold errors
	}
	typename := [][]byte{gqlBody(`{ __typename }`, nil)}
	q2 := peerShapes(big.id, "")[1]
	q2dsl := peerShapes(big.id, "")[2]
	var q2none [][]byte
	for i := range 16 {
		q2none = append(q2none, gqlBody(peerQ2, map[string]any{"tenantID": big.id, "orderBy": peerOrder,
			"where": map[string]any{"action": fmt.Sprintf("no.such.action%d", i), "occurredAtGTE": "2026-01-01T00:00:00Z",
				"occurredAtLT": "2026-01-08T00:00:00Z"}}))
	}
	// The peer's q2 finds ~6 rows (one action of 30, 7 days of a 10 000-entry
	// tenant's year); these actions are as rare in the bench's data.
	var q2few [][]byte
	for i := range 16 {
		to := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, 1-i%8)
		q2few = append(q2few, gqlBody(peerQ2, map[string]any{"tenantID": big.id, "orderBy": peerOrder,
			"where": map[string]any{"action": rareActions[i%len(rareActions)],
				"occurredAtGTE": to.AddDate(0, 0, -7).Format(time.RFC3339), "occurredAtLT": to.Format(time.RFC3339)}}))
	}
	var q4a [][]byte
	for i := range 16 {
		q4a = append(q4a, q4aBody("not-a-tenant", i))
	}
	shapes := []struct {
		name string
		req  request
	}{
		{"healthz", request{method: http.MethodGet, path: "/healthz"}},
		{"typename_anonymous", request{method: http.MethodPost, path: "/graphql", bodies: typename}},
		{"typename_key", request{method: http.MethodPost, path: "/graphql", key: true, bodies: typename}},
		{"q2_no_rows", request{method: http.MethodPost, path: "/graphql", key: true, bodies: q2none}},
		{"q2_few_rows", request{method: http.MethodPost, path: "/graphql", key: true, bodies: q2few}},
		{"q2", request{method: http.MethodPost, path: "/graphql", key: true, bodies: q2.bodies}},
		{"q2_dsl", request{method: http.MethodPost, path: "/graphql", key: true, bodies: q2dsl.bodies}},
		{"q4a_refused", request{method: http.MethodPost, path: "/graphql", key: true, bodies: q4a, errors: true}},
	}
	for _, s := range shapes {
		do := func(i int) []byte {
			var body io.Reader
			if s.req.bodies != nil {
				body = bytes.NewReader(s.req.bodies[i%len(s.req.bodies)])
			}
			req := httptest.NewRequest(s.req.method, s.req.path, body)
			if body != nil {
				req.Header.Set("Content-Type", "application/json")
			}
			if s.req.key {
				req.Header.Set("Authorization", "Bearer "+secret)
			}
			rec := httptest.NewRecorder()
			a.Handler.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK || bytes.Contains(rec.Body.Bytes(), []byte(`"errors":`)) != s.req.errors {
				b.Fatalf("%s: HTTP %d: %.300s", s.name, rec.Code, rec.Body.String())
			}
			return rec.Body.Bytes()
		}
		if n := strings.Count(string(do(0)), `"node":`); strings.HasPrefix(s.name, "q2") && (n == 0) != (s.name == "q2_no_rows") {
			b.Fatalf("%s found %d rows: load a data set whose entries reach today", s.name, n)
		}
		b.Run(s.name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			cpu0 := readCPU(nil).app
			for b.Loop() {
				do(i)
				i++
			}
			b.ReportMetric(float64((readCPU(nil).app-cpu0).Microseconds())/float64(i), "cpu-µs/op")
		})
	}
}

// rareActions are actions of the bench's data (bench/data.go) about as
// frequent as one of the peer data set's 30.
var rareActions = []string{"plan.downgrade", "billing.payment.failed", "organization.update"}

// q4aBody is the peer benchmark's q4a request (one entry as [$entry]).
func q4aBody(tenantID string, n int) []byte {
	return gqlBody(`mutation Q4Create($tenantID: ID!, $entry: AuditEntryInput!) {
  recordAuditEntries(tenantID: $tenantID, entries: [$entry]) { entries { id } }
}`, map[string]any{"tenantID": tenantID, "entry": map[string]any{
		"occurredAt": "2025-01-02T00:00:00Z", "action": "document.update", "resourceType": "document",
		"resourceID": fmt.Sprintf("document_%d", n),
		"actor":      map[string]any{"type": "USER", "id": fmt.Sprintf("usr_%d", n%100), "name": "bench-writer"},
		"oldValue":   map[string]any{"status": "active", "version": 1, "name": fmt.Sprintf("item %d", n)},
		"newValue":   map[string]any{"status": "archived", "version": 2, "name": fmt.Sprintf("item %d", n)},
		"metadata":   map[string]any{"source": "api", "request_id": fmt.Sprintf("req-bench-%d", n), "ua": "bench/1.0"},
	}})
}
