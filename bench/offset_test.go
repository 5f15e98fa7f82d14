package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/app"
	"github.com/trailmark/trailmark/internal/auth"
	"github.com/trailmark/trailmark/internal/db"
	"github.com/trailmark/trailmark/internal/ratelimit"
	"github.com/trailmark/trailmark/internal/searchindex"
)

// BenchmarkOffsetPages measures the peer benchmark's offset page
// (q3_deep_page_offset: 25 entries, newest first, its full selection) at
// offsets 500, 5 000 and 50 000 of the biggest tenant, and at 5 000 of the
// tenant nearest 10 000 entries (the peer benchmark's tenant size), one
// request at a time through the in-process handler. Besides the process's
// CPU (cpu-µs/op) it reports the CPU of the database's backends
// (pg-cpu-µs/op, /proc ticks of 10 ms: run enough requests), so PostgreSQL
// must run on this machine. The search indexer is off. Same database as BenchmarkReadShapes:
//
//	TRAILMARK_BENCH_READ_URL=postgres://postgres@127.0.0.1:5432/trailmark_bench?sslmode=disable \
//	  go test -run '^$' -bench OffsetPages -benchmem -benchtime 1000x ./bench/
func BenchmarkOffsetPages(b *testing.B) {
	ctx := context.Background()
	d, tenants, sizes := openReadBench(ctx, b)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	// No search indexer: a backfill after a fresh load would run beside the
	// pages and take most of the backends' CPU.
	a, err := app.New(ctx, app.Config{DataDir: b.TempDir(), Search: searchindex.Config{Off: true},
		Auth: auth.Config{RateLimits: ratelimit.Config{Disabled: true}}}, d, quiet)
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close(ctx)
	mid := 0
	for i, n := range sizes {
		if abs(n-10_000) < abs(sizes[mid]-10_000) {
			mid = i
		}
	}
	type pageCase struct {
		tenant, offset int
	}
	var cases []pageCase
	for _, off := range []int{500, 5_000, 50_000} {
		if off+25 <= sizes[0] {
			cases = append(cases, pageCase{0, off})
		}
	}
	cases = append(cases, pageCase{mid, 5_000})
	for _, c := range cases {
		t := tenants[c.tenant]
		secret, prefix := auth.NewAPIKeySecret()
		if _, err := d.Client.APIKey.Create().SetTenantID(t.id).SetName("offset bench " + prefix).SetPrefix(prefix).
			SetSecretHash(auth.HashToken(secret)).SetScopes([]string{string(schematype.ScopeRead)}).Save(system(ctx)); err != nil {
			b.Fatal(err)
		}
		body := gqlBody(peerQ3Offset, map[string]any{"tenantID": t.id, "orderBy": peerOrder, "offset": c.offset})
		do := func() {
			req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+secret)
			rec := httptest.NewRecorder()
			a.Handler.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK || bytes.Contains(rec.Body.Bytes(), []byte(`"errors":`)) ||
				bytes.Count(rec.Body.Bytes(), []byte(`"cursor":`)) != 25 {
				b.Fatalf("HTTP %d: %.300s", rec.Code, rec.Body.String())
			}
		}
		b.Run(fmt.Sprintf("tenant_%d_entries/offset_%d", sizes[c.tenant], c.offset), func(b *testing.B) {
			b.ReportAllocs()
			for range 20 { // open the pool's connections before their CPU is read
				do()
			}
			i := 0
			cpu0 := readCPU(clientBackends(ctx, b, d))
			for b.Loop() {
				do()
				i++
			}
			// The pool may open a connection during the run (the app's
			// background work holds some): a backend that was not there at
			// the start counts with all its CPU.
			end := readCPU(clientBackends(ctx, b, d))
			appCPU := end.app - cpu0.app
			var pgCPU time.Duration
			for pid, t := range end.postgres {
				pgCPU += t - cpu0.postgres[pid]
			}
			b.ReportMetric(float64(appCPU.Microseconds())/float64(i), "cpu-µs/op")
			b.ReportMetric(float64(pgCPU.Microseconds())/float64(i), "pg-cpu-µs/op")
		})
	}
}

func abs(n int) int { return max(n, -n) }

// clientBackends are the pids of the client backends connected to d's
// database: the pages' and the app's background work's, not autovacuum's.
// Run nothing else on the database while measuring.
func clientBackends(ctx context.Context, b *testing.B, d *db.DB) []int {
	rows, err := d.SQL.QueryContext(ctx, `SELECT pid FROM pg_stat_activity
		WHERE datname = current_database() AND backend_type = 'client backend'`)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	var pids []int
	for rows.Next() {
		var pid int
		if err := rows.Scan(&pid); err != nil {
			b.Fatal(err)
		}
		pids = append(pids, pid)
	}
	return pids
}
