// Command bench loads a realistic audit log into a fresh PostgreSQL
// database and measures Trailmark's API over HTTP: list pages, filters,
// deep pages and ingestion, plus ingestion on SQLite. `make bench` runs it;
// docs/performance.md records its numbers.
//
// Everything runs on this machine over loopback: the server is the real
// internal/app handler on a local listener, the clients are goroutines.
package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/ent/tenant"
	"github.com/trailmark/trailmark/internal/app"
	"github.com/trailmark/trailmark/internal/auth"
	"github.com/trailmark/trailmark/internal/db"
	"github.com/trailmark/trailmark/internal/httpapi"
	"github.com/trailmark/trailmark/internal/ratelimit"
	"github.com/trailmark/trailmark/internal/searchindex"
)

type options struct {
	adminURL, dbName     string
	entries, tenants     int
	days, loaders        int
	clients              int
	duration             time.Duration
	maxRequests          int
	reuse, explain       bool
	sqlite, skipPostgres bool
	only                 string
	poolSize, readConns  int
	cpuProfile           string
	trace                string
	fanout               fanoutOptions
}

func main() {
	var o options
	def := os.Getenv("TRAILMARK_BENCH_DATABASE_URL")
	if def == "" {
		def = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	flag.StringVar(&o.adminURL, "database-url", def, "PostgreSQL server to create the bench database on (TRAILMARK_BENCH_DATABASE_URL)")
	flag.StringVar(&o.dbName, "db-name", "trailmark_bench", "name of the bench database (dropped and recreated)")
	flag.IntVar(&o.entries, "entries", 1_000_000, "entries to load")
	flag.IntVar(&o.tenants, "tenants", 50, "tenants (Zipf sizes: the biggest holds 30%)")
	flag.IntVar(&o.days, "days", 90, "days the entries span, ending today")
	flag.IntVar(&o.loaders, "loaders", 2, "parallel COPY streams")
	flag.IntVar(&o.clients, "clients", 32, "concurrent HTTP clients")
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "measuring time per shape")
	flag.IntVar(&o.maxRequests, "max-requests", 0, "stop a shape after this many requests (0: time only)")
	flag.BoolVar(&o.reuse, "reuse", false, "reuse a bench database loaded by an earlier run")
	flag.BoolVar(&o.explain, "explain", false, "print EXPLAIN (ANALYZE, BUFFERS) of every query the shapes run")
	flag.BoolVar(&o.sqlite, "sqlite", true, "also measure ingestion on SQLite")
	flag.BoolVar(&o.skipPostgres, "skip-postgres", false, "measure SQLite only")
	flag.StringVar(&o.only, "only", "", "comma-separated substrings: run only the shapes whose names contain one")
	flag.IntVar(&o.poolSize, "pool", 0, "database pool size of the server (0: Trailmark's default)")
	flag.IntVar(&o.readConns, "read-conns", 0, "connections the server's reads may hold at once (TRAILMARK_DB_MAX_READ_CONNS; 0: Trailmark's default)")
	flag.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the whole run (server and clients) to this file")
	flag.StringVar(&o.trace, "trace", "", "write an execution trace of the whole run to this file (go tool trace; -pprof=sync|syscall|sched shows where goroutines wait)")
	flag.IntVar(&o.fanout.subscribers, "fanout", 10_000, "auditEntryCreated subscribers of the live fan-out shape (0: skip it)")
	flag.IntVar(&o.fanout.tenants, "fanout-tenants", 4, "tenants the fan-out subscribers and entries are spread over")
	flag.Float64Var(&o.fanout.rate, "fanout-rate", 5, "entries per second recorded during the fan-out shape (one per request)")
	flag.DurationVar(&o.fanout.duration, "fanout-duration", 20*time.Second, "how long the fan-out shape records entries")
	flag.StringVar(&o.fanout.serverBin, "server-bin", "bin/trailmark", "server binary the fan-out shape starts twice (make build-go)")
	flag.Parse()
	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		_ = pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	if o.trace != "" {
		f, err := os.Create(o.trace)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		_ = trace.Start(f)
		defer trace.Stop()
	}

	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, o, log); err != nil {
		pprof.StopCPUProfile()
		trace.Stop()
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options, log *slog.Logger) error {
	app.TuneGC() // as the server binary does
	fmt.Printf("Trailmark bench — %s\n", time.Now().UTC().Format("2006-01-02 15:04 MST"))
	fmt.Printf("machine: %d CPUs, %s RAM, %s, %s/%s\n", runtime.NumCPU(), memTotal(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Printf("clients: %d, %v per shape (after a warm-up)\n\n", o.clients, o.duration)
	if !o.skipPostgres && o.only != fanoutShape {
		if err := benchPostgres(ctx, o, log); err != nil {
			return err
		}
	}
	if !o.skipPostgres && o.fanout.subscribers > 0 && selected(o.only, fanoutShape) {
		if err := benchFanout(ctx, o, o.fanout, log); err != nil {
			return err
		}
	}
	if o.sqlite && o.only != fanoutShape {
		if err := benchSQLite(ctx, o, log); err != nil {
			return err
		}
	}
	return nil
}

func benchPostgres(ctx context.Context, o options, log *slog.Logger) error {
	url, err := benchURL(ctx, o)
	if err != nil {
		return err
	}
	d, err := db.Open(ctx, db.Config{URL: url, MaxOpenConns: o.poolSize, MaxReadConns: o.readConns})
	if err != nil {
		return err
	}
	defer d.Close()
	var version string
	_ = d.SQL.QueryRowContext(ctx, `SHOW server_version`).Scan(&version)
	fmt.Printf("PostgreSQL %s, database %s\n", version, o.dbName)

	var tenants []*tenantData
	var sizes []int
	if o.reuse {
		if err := d.Migrate(ctx, log); err != nil { // migrations added since the load
			return err
		}
		tenants, sizes, err = loadedTenants(ctx, d)
		if err != nil {
			return err
		}
		fmt.Printf("reusing %d entries in %d tenants\n", sum(sizes), len(tenants))
	} else {
		if err := d.Migrate(ctx, log); err != nil {
			return err
		}
		res, err := load(ctx, d, log, o.entries, o.tenants, o.days, o.loaders)
		if err != nil {
			return err
		}
		tenants, sizes = res.tenants, res.sizes
		fmt.Printf("loaded %d entries for %d tenants (biggest %d, median %d, smallest %d) over %d days in %v: %.0f rows/s (COPY, %d streams, indexes in place)\n",
			res.rows, len(tenants), sizes[0], sizes[len(sizes)/2], sizes[len(sizes)-1], o.days,
			res.took.Round(time.Millisecond), float64(res.rows)/res.took.Seconds(), o.loaders)
	}
	var tableSize string
	_ = d.SQL.QueryRowContext(ctx, `SELECT pg_size_pretty(pg_total_relation_size('audit_entries'))`).Scan(&tableSize)
	fmt.Printf("audit_entries with indexes: %s\n\n", tableSize)

	big := tenants[0]
	base, token, shutdown, err := startServer(ctx, d, big.id, log)
	if err != nil {
		return err
	}
	defer shutdown()
	// The loaded entries' leaves are sequenced by the server's sequencer;
	// measure that, and start the shapes on a settled database.
	if err := waitSequenced(ctx, d, 10*time.Minute); err != nil {
		return err
	}
	// Search reads its index for indexed entries and scans the rest:
	// measure the shapes once the background indexer has caught up.
	if err := waitSearchIndexed(ctx, d, 30*time.Minute); err != nil {
		return err
	}
	measureStart := time.Now()

	if o.explain {
		if err := explainShapes(ctx, d, big, log); err != nil {
			return err
		}
	}

	drv := newDriver(base, token, o.clients)
	drv.backends = func() []int { return backendPIDs(ctx, d) }
	r := rand.New(rand.NewPCG(3, 4))
	var deepCursor string
	if strings.Contains(o.only, "peer") {
		if deepCursor, err = drv.cursorAt(ctx, big.id, 4999); err != nil {
			return err
		}
	}
	shapes := []shape{
		pageShape("page: first 25 + totalCount", big.id, nil),
		pageShape("filtered: action + last 7 days", big.id, func(i int) map[string]any {
			a := []string{"user.login", "workspace.update", "member.role.update", "billing.payment.failed"}[i%4]
			return map[string]any{"filter": fmt.Sprintf("action = '%s' and occurred_at > now() - interval '7 days'", a)}
		}),
		pageShape("deep page: offset 10000", big.id, func(int) map[string]any { return map[string]any{"offset": 10_000} }),
		pageShape("filtered: action like prefix", big.id, func(i int) map[string]any {
			return map[string]any{"filter": []string{"action like 'billing.%'", "action like 'member.%'", "action like 'workspace.%'"}[i%3]}
		}),
		pageShape("search (substring)", big.id, func(i int) map[string]any {
			return map[string]any{"search": []string{"hopper", "billing", "ws3", "pipeline 12"}[i%4]}
		}),
		// Texts with few or no matches: without the search index each was
		// a scan of the whole tenant (docs/indexes.md "Search").
		pageShape("search (rare substring)", big.id, func(i int) map[string]any {
			return map[string]any{"search": []string{"_01234", "zzqx", "usr_bench00000042", "nightly"}[i%4]}
		}),
	}
	shapes = append(shapes, peerShapes(big.id, deepCursor)...)
	if strings.Contains(o.only, "peer") && strings.Contains(o.only, "q4a") {
		q4a, err := peerQ4aShape(ctx, d, tenants)
		if err != nil {
			return err
		}
		shapes = append(shapes, q4a, peerQ4aKeyed(q4a, time.Now()))
	}
	if strings.Contains(o.only, "peer") && strings.Contains(o.only, "q4b") {
		q4b, err := peerQ4bShape(ctx, d, tenants, 50)
		if err != nil {
			return err
		}
		shapes = append(shapes, q4b)
	}
	shapes = append(shapes,
		ingestShape("ingest: 1 entry", big, r, 1),
		ingestShape("ingest: batch of 50", big, r, 50),
		// The peer benchmark's API load: 1 000 entries a request.
		ingestShape("ingest: batch of 1000", big, r, 1000),
	)
	fmt.Println("PostgreSQL, biggest tenant (" + fmt.Sprint(sizes[0]) + " entries):")
	for _, s := range shapes {
		if !selected(o.only, s.name) {
			continue
		}
		if strings.HasPrefix(s.name, "peer") && !strings.Contains(o.only, "peer") {
			continue // the peer benchmark's shapes only when asked for: -only peer
		}
		fmt.Println(drv.run(ctx, s, o.clients, o.duration, o.maxRequests))
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	if err := reportSequencingLag(ctx, d, measureStart); err != nil {
		return err
	}
	fmt.Println()
	return nil
}

// waitSearchIndexed waits until the search indexer (internal/searchindex)
// holds every numbered entry, and says how long that took (after a load
// or a migration: the backfill).
func waitSearchIndexed(ctx context.Context, d *db.DB, limit time.Duration) error {
	if os.Getenv("TRAILMARK_BENCH_SEARCH_INDEX") == "off" {
		fmt.Print("search indexer: off (TRAILMARK_BENCH_SEARCH_INDEX=off)\n\n")
		return nil
	}
	start := time.Now()
	var behind int64
	for {
		if err := d.SQL.QueryRowContext(ctx, `SELECT coalesce(sum(h.next_seq - coalesce(s.indexed_seq, 0)), 0)
			FROM log_heads h LEFT JOIN audit_search_heads s ON s.log_id = h.log_id`).Scan(&behind); err != nil {
			return fmt.Errorf("search index backlog: %w", err)
		}
		if behind == 0 {
			break
		}
		if time.Since(start) > limit {
			return fmt.Errorf("search indexer still %d entries behind after %v", behind, limit)
		}
		time.Sleep(250 * time.Millisecond)
	}
	fmt.Printf("search indexer: caught up; waited %v for the backlog\n\n", time.Since(start).Round(time.Millisecond))
	return nil
}

// waitSequenced waits until the sequencer has numbered, hashed into the
// tree and signed every leaf, and says how long that took.
func waitSequenced(ctx context.Context, d *db.DB, limit time.Duration) error {
	start := time.Now()
	var pending int64
	for {
		if err := d.SQL.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM log_leaves WHERE seq IS NULL)
			+ coalesce((SELECT sum(next_seq - checkpoint_size) FROM log_heads), 0)`).Scan(&pending); err != nil {
			return fmt.Errorf("sequencing backlog: %w", err)
		}
		if pending == 0 {
			break
		}
		if time.Since(start) > limit {
			return fmt.Errorf("sequencer still %d leaves behind after %v", pending, limit)
		}
		time.Sleep(250 * time.Millisecond)
	}
	var n int64
	_ = d.SQL.QueryRowContext(ctx, `SELECT count(*) FROM log_leaves`).Scan(&n)
	fmt.Printf("sequencer: %d leaves numbered, in the Merkle trees and checkpointed; waited %v for the backlog\n\n",
		n, time.Since(start).Round(time.Millisecond))
	return nil
}

// reportSequencingLag prints how long entries received since `since` (the
// ingest shapes') took from receipt to the first signed checkpoint holding
// them.
func reportSequencingLag(ctx context.Context, d *db.DB, since time.Time) error {
	if err := waitSequenced(ctx, d, 2*time.Minute); err != nil {
		return err
	}
	var n int64
	var p50, p99, maxLag sql.NullFloat64
	err := d.SQL.QueryRowContext(ctx, `SELECT count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY lag),
		percentile_cont(0.99) WITHIN GROUP (ORDER BY lag), max(lag)
		FROM (SELECT extract(epoch FROM (SELECT min(c.created_at) FROM log_checkpoints c
		      WHERE c.log_id = l.log_id AND c.tree_size > l.seq) - l.received_at) AS lag
		      FROM log_leaves l WHERE l.received_at >= $1) x`, since).Scan(&n, &p50, &p99, &maxLag)
	if err != nil {
		return fmt.Errorf("sequencing lag: %w", err)
	}
	if n > 0 {
		fmt.Printf("sequencing lag of the %d entries ingested above (receipt → first signed checkpoint): p50 %.0f ms, p99 %.0f ms, max %.0f ms\n",
			n, p50.Float64*1000, p99.Float64*1000, maxLag.Float64*1000)
	}
	return nil
}

func benchSQLite(ctx context.Context, o options, log *slog.Logger) error {
	dir, err := os.MkdirTemp("", "trailmark-bench-sqlite")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	d, err := db.Open(ctx, db.Config{DataDir: dir})
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Migrate(ctx, log); err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(5, 6))
	tn, err := d.Client.Tenant.Create().SetSlug("sqlite-bench").SetName("SQLite bench").Save(system(ctx))
	if err != nil {
		return err
	}
	t := newTenantData(r, 0, tn.ID, tn.Slug, 100_000)
	base, token, shutdown, err := startServer(ctx, d, tn.ID, log)
	if err != nil {
		return err
	}
	defer shutdown()
	drv := newDriver(base, token, o.clients)
	fmt.Println("SQLite (WAL, one writer), fresh database:")
	for _, s := range []shape{
		ingestShape("sqlite ingest: batch of 50", t, r, 50),
		ingestShape("sqlite ingest: batch of 1000", t, r, 1000),
		pageShape("sqlite page: first 25 + totalCount", tn.ID, nil),
	} {
		if !selected(o.only, s.name) {
			continue
		}
		fmt.Println(drv.run(ctx, s, o.clients, o.duration, o.maxRequests))
	}
	return nil
}

func selected(only, name string) bool {
	if only == "" {
		return true
	}
	for _, s := range strings.Split(only, ",") {
		if s != "" && strings.Contains(name, s) {
			return true
		}
	}
	return false
}

func pageShape(name, tenantID string, vars func(i int) map[string]any) shape {
	s := shape{name: name}
	for i := range 16 {
		v := map[string]any{"tenant": tenantID, "first": 25}
		if vars != nil {
			for k, x := range vars(i) {
				v[k] = x
			}
		}
		s.bodies = append(s.bodies, gqlBody(pageQuery, v))
	}
	return s
}

func ingestShape(name string, t *tenantData, r *rand.Rand, n int) shape {
	s := shape{name: name, entries: n}
	bodies := max(4, min(64, 20_000/n))
	for range bodies {
		entries := make([]map[string]any, n)
		for i := range entries {
			e := t.entry(r, time.Now().Add(-time.Duration(r.IntN(600))*time.Second))
			e.IdempotencyKey = nil // replays of the cycled bodies must create new rows
			entries[i] = inputJSON(e)
		}
		s.bodies = append(s.bodies, gqlBody(ingestQuery, map[string]any{"tenant": t.id, "entries": entries}))
	}
	return s
}

// slowPages reports whether TRAILMARK_SLOW_PAGES=1 asks for pages through
// gqlgen's per-field execution (graph.FastPage off): the A/B of the fast page.
func slowPages() bool { return os.Getenv("TRAILMARK_SLOW_PAGES") == "1" }

// startServer serves the real app on a loopback listener and returns its
// URL and an API key (READ and INGEST) of tenantID.
func startServer(ctx context.Context, d *db.DB, tenantID string, log *slog.Logger) (string, string, func(), error) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	groupCommit, _ := strconv.Atoi(os.Getenv("TRAILMARK_GROUP_COMMIT")) // A/B: -1 turns it off
	// A/B of ingestion with and without the background search indexer
	// (docs/performance.md "2026-12-05 (evening)"): off leaves every new
	// entry in the scanned tail.
	searchIndexOff := os.Getenv("TRAILMARK_BENCH_SEARCH_INDEX") == "off"
	// TRAILMARK_BENCH_SEARCH_SHARE=1 lets the indexer take all of its time,
	// so a freshly loaded million is indexed in minutes instead of a quarter
	// of an hour before the search shapes (their numbers are then measured
	// with the indexer idle but for the reads' own view entries).
	searchShare, _ := strconv.ParseFloat(os.Getenv("TRAILMARK_BENCH_SEARCH_SHARE"), 64)
	// Rate limits off, as an operator would for a trusted bulk producer: the
	// bench measures the server, not the per-key token bucket.
	// A/B: TRAILMARK_INGEST_DECODER=generic decodes ingestion with gqlgen alone.
	httpCfg := httpapi.Config{SlowPages: slowPages(), GenericIngestDecoder: os.Getenv("TRAILMARK_INGEST_DECODER") == "generic"}
	a, err := app.New(ctx, app.Config{HTTP: httpCfg, DataDir: os.TempDir(), GroupCommit: groupCommit,
		Auth: auth.Config{RateLimits: ratelimit.Config{Disabled: true}}, Search: searchindex.Config{Off: searchIndexOff, Share: searchShare}}, d, quiet)
	if err != nil {
		return "", "", nil, err
	}
	secret, err := createKey(ctx, d, tenantID)
	if err != nil {
		return "", "", nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", "", nil, err
	}
	srv := &http.Server{Handler: a.Handler, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("bench server", "err", err)
		}
	}()
	return "http://" + l.Addr().String(), secret, func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
		_ = a.Close(sctx)
	}, nil
}

// createKey creates an API key (READ and INGEST) of tenantID and returns
// its secret.
func createKey(ctx context.Context, d *db.DB, tenantID string) (string, error) {
	secret, prefix := auth.NewAPIKeySecret()
	if _, err := d.Client.APIKey.Create().SetTenantID(tenantID).SetName("bench " + prefix).SetPrefix(prefix).
		SetSecretHash(auth.HashToken(secret)).SetScopes([]string{string(schematype.ScopeRead), string(schematype.ScopeIngest)}).Save(system(ctx)); err != nil {
		return "", fmt.Errorf("create api key: %w", err)
	}
	return secret, nil
}

// peerQ4aShape is the peer benchmark's q4a_create: one entry a request,
// without an idempotency key, its id read back, the requests spread over
// the tenants with each tenant's own key (queries/trailmark/q4a_create.*).
func peerQ4aShape(ctx context.Context, d *db.DB, tenants []*tenantData) (shape, error) {
	s := shape{name: "peer q4a: create 1 entry, entries { id }", entries: 1}
	keys, err := tenantKeys(ctx, d, tenants)
	if err != nil {
		return shape{}, err
	}
	actions := []string{"document.update", "workspace.update", "pipeline.run", "member.role.update"}
	for n := range 100 {
		t := n % len(tenants)
		item := fmt.Sprintf("item %d", n)
		entry := map[string]any{
			"occurredAt": "2025-01-02T00:00:00Z", "action": actions[n%len(actions)],
			"resourceType": "document", "resourceID": fmt.Sprintf("document_%d", n),
			"actor":    map[string]any{"type": "USER", "id": fmt.Sprintf("actor_%d", n%50), "name": "bench-writer"},
			"oldValue": map[string]any{"status": "active", "version": 1, "name": item},
			"newValue": map[string]any{"status": "archived", "version": 2, "name": item},
			"metadata": map[string]any{"source": "api", "request_id": fmt.Sprintf("req-bench-%d", n), "ua": "bench/1.0"},
		}
		s.bodies = append(s.bodies, gqlBody(peerQ4a, map[string]any{"tenantID": tenants[t].id, "entry": entry}))
		s.tokens = append(s.tokens, keys[t])
	}
	return s, nil
}

// tenantKeys creates an API key for each tenant, in the tenants' order.
func tenantKeys(ctx context.Context, d *db.DB, tenants []*tenantData) ([]string, error) {
	keys := make([]string, len(tenants))
	for i, t := range tenants {
		var err error
		if keys[i], err = createKey(ctx, d, t.id); err != nil {
			return nil, err
		}
	}
	return keys, nil
}

// peerQ4bShape is the peer benchmark's q4b_batch_create__rows50: batches
// of n entries without idempotency keys, each of one tenant, their ids
// read back, the 100 bodies spread over the tenants with each tenant's own
// key (queries/trailmark/q4b_batch_create.*: every entry of a batch has
// the template's fixed occurredAt). Unlike "ingest: batch of 50" (one
// tenant), concurrent batches are of different tenants, as in the harness.
func peerQ4bShape(ctx context.Context, d *db.DB, tenants []*tenantData, n int) (shape, error) {
	s := shape{name: fmt.Sprintf("peer q4b: create %d entries, entries { id }", n), entries: n}
	keys, err := tenantKeys(ctx, d, tenants)
	if err != nil {
		return shape{}, err
	}
	actions := []string{"document.update", "workspace.update", "pipeline.run", "member.role.update"}
	for b := range 100 {
		t := b % len(tenants)
		entries := make([]map[string]any, n)
		for i := range entries {
			item := fmt.Sprintf("item %d", b)
			entries[i] = map[string]any{
				"occurredAt": "2025-01-02T00:00:00Z", "action": actions[b%len(actions)],
				"resourceType": "document", "resourceID": fmt.Sprintf("document_%d_%d", b, i),
				"actor":    map[string]any{"type": "USER", "id": fmt.Sprintf("actor_%d", b%50), "name": "bench-writer"},
				"oldValue": map[string]any{"status": "active", "version": 1, "name": item},
				"newValue": map[string]any{"status": "archived", "version": 2, "name": item},
				"metadata": map[string]any{"source": "api", "request_id": fmt.Sprintf("req-bench-%d-%d", b, i), "ua": "bench/1.0"},
			}
		}
		s.bodies = append(s.bodies, gqlBody(peerQ4b, map[string]any{"tenantID": tenants[t].id, "entries": entries}))
		s.tokens = append(s.tokens, keys[t])
	}
	return s, nil
}

// peerQ4aKeyed is q4a with an idempotency key in every request, as real
// clients send them: each key new (a run's keys begin with its start time),
// so every request stores its entry.
func peerQ4aKeyed(q4a shape, run time.Time) shape {
	s := shape{name: "peer q4a keyed: create 1 entry with an idempotency key, entries { id }", entries: 1, next: new(atomic.Int64)}
	for n := range 100_000 {
		var req map[string]any
		if err := json.Unmarshal(q4a.bodies[n%len(q4a.bodies)], &req); err != nil {
			panic(err)
		}
		vars := req["variables"].(map[string]any)
		vars["entry"].(map[string]any)["idempotencyKey"] = fmt.Sprintf("bench-%d-%d", run.UnixNano(), n)
		s.bodies = append(s.bodies, gqlBody(peerQ4a, vars))
		s.tokens = append(s.tokens, q4a.tokens[n%len(q4a.tokens)])
	}
	return s
}

func benchURL(ctx context.Context, o options) (string, error) {
	if o.reuse {
		u, err := createURL(o.adminURL, o.dbName)
		return u, err
	}
	return createDatabase(ctx, o.adminURL, o.dbName)
}

func createURL(adminURL, name string) (string, error) {
	d, err := sql.Open("postgres", adminURL)
	if err != nil {
		return "", err
	}
	d.Close()
	i := strings.LastIndex(adminURL, "/")
	q := ""
	if j := strings.Index(adminURL[i:], "?"); j >= 0 {
		q = adminURL[i+j:]
	}
	return adminURL[:i+1] + name + q, nil
}

// loadedTenants rebuilds the cast of an earlier load, biggest tenant first.
func loadedTenants(ctx context.Context, d *db.DB) ([]*tenantData, []int, error) {
	ts, err := d.Client.Tenant.Query().Where(tenant.SlugHasPrefix("bench-")).Order(tenant.BySlug()).All(system(ctx))
	if err != nil {
		return nil, nil, err
	}
	if len(ts) == 0 {
		return nil, nil, errors.New("no bench tenants: run without -reuse first")
	}
	counts := map[string]int{}
	rows, err := d.SQL.QueryContext(ctx, `SELECT tenant_id, count(*) FROM audit_entries GROUP BY tenant_id`)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, nil, err
		}
		counts[id] = n
	}
	r := rand.New(rand.NewPCG(1, 2))
	var out []*tenantData
	var sizes []int
	for i, t := range ts {
		out = append(out, newTenantData(r, i, t.ID, t.Slug, counts[t.ID]))
		sizes = append(sizes, counts[t.ID])
	}
	return out, sizes, nil
}

func sum(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}

func memTotal() string {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return "?"
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		var kb int
		if _, err := fmt.Sscanf(s.Text(), "MemTotal: %d kB", &kb); err == nil {
			return fmt.Sprintf("%.0f GiB", float64(kb)/(1<<20))
		}
	}
	return "?"
}

// backendPIDs are the server's PostgreSQL connections (the pool is warm
// after the warm-up, so the same backends serve the whole measurement).
func backendPIDs(ctx context.Context, d *db.DB) []int {
	rows, err := d.SQL.QueryContext(ctx, `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`)
	if err != nil {
		return nil
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var pid int
		if rows.Scan(&pid) == nil {
			out = append(out, pid)
		}
	}
	return out
}
