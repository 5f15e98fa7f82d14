package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/trailmark/trailmark/ent/schema/schematype"
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
	do := readBenchPoster(ctx, b, d, big.id, "rows bench", schematype.ScopeRead)
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
