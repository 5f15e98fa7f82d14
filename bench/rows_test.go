package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/app"
	"github.com/trailmark/trailmark/internal/auth"
	"github.com/trailmark/trailmark/internal/httpapi"
	"github.com/trailmark/trailmark/internal/ratelimit"
)

// peerQ3Rows is the peer's q3 document (peerQ3) with the page size a
// variable.
const peerQ3Rows = `query Q3Rows($tenantID: ID!, $orderBy: AuditEntryOrder, $after: Cursor!, $first: Int!) {
  auditEntries(tenantID: $tenantID, orderBy: $orderBy, first: $first, after: $after) { ` + peerNode + ` } }`

// BenchmarkPageRows measures what a row of a keyset page costs: the peer's
// q3 selection after a cursor 5 000 entries deep, with first 1, 6, 25 and
// 100, through the real handler in process as BenchmarkReadShapes calls it.
// The difference between two sizes divided by the rows between them is the
// server's CPU per row (the driver's decoding, ent's scan, the page writer,
// the response write). Sixteen cursors next to each other ~5 000 deep
// take turns.
//
//	TRAILMARK_BENCH_READ_URL=postgres://postgres@127.0.0.1:5432/trailmark_hb?sslmode=disable \
//	  go test -run '^$' -bench PageRows -benchmem ./bench/
func BenchmarkPageRows(b *testing.B) {
	ctx := context.Background()
	d, tenants, _ := openReadBench(ctx, b)
	big := tenants[0]
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := app.New(ctx, app.Config{HTTP: httpapi.Config{SlowPages: slowPages()}, DataDir: b.TempDir(),
		Auth: auth.Config{RateLimits: ratelimit.Config{Disabled: true}}}, d, quiet)
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close(ctx)
	secret, prefix := auth.NewAPIKeySecret()
	if _, err := d.Client.APIKey.Create().SetTenantID(big.id).SetName("rows bench " + prefix).SetPrefix(prefix).
		SetSecretHash(auth.HashToken(secret)).SetScopes([]string{string(schematype.ScopeRead)}).Save(system(ctx)); err != nil {
		b.Fatal(err)
	}
	do := func(body []byte) []byte {
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
	var c struct {
		Data struct {
			AuditEntries struct {
				Edges []struct{ Cursor string }
			}
		}
	}
	if err := json.Unmarshal(do(gqlBody(`query C($t: ID!) { auditEntries(tenantID: $t, first: 16, offset: 4990,
		orderBy: {field: OCCURRED_AT, direction: DESC}) { edges { cursor } } }`, map[string]any{"t": big.id})), &c); err != nil {
		b.Fatal(err)
	}
	if len(c.Data.AuditEntries.Edges) != 16 {
		b.Fatalf("%d cursors: load a bigger data set", len(c.Data.AuditEntries.Edges))
	}
	for _, rows := range []int{1, 6, 25, 100} {
		var bodies [][]byte
		for _, e := range c.Data.AuditEntries.Edges {
			bodies = append(bodies, gqlBody(peerQ3Rows, map[string]any{"tenantID": big.id, "orderBy": peerOrder,
				"after": e.Cursor, "first": rows}))
		}
		if n := strings.Count(string(do(bodies[0])), `"node":`); n != rows {
			b.Fatalf("first %d: %d rows", rows, n)
		}
		b.Run(fmt.Sprintf("rows_%d", rows), func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			cpu0 := readCPU(nil).app
			for b.Loop() {
				do(bodies[i%len(bodies)])
				i++
			}
			b.ReportMetric(float64((readCPU(nil).app-cpu0).Microseconds())/float64(i), "cpu-µs/op")
		})
	}
}
