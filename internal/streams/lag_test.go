package streams_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/streams"
	"github.com/trailmark/trailmark/internal/testserver"
	"github.com/trailmark/trailmark/internal/testwait"
)

// TestStreamKeepsUpWithIngestion measures a stream's lag while entries are
// recorded through the API at a sustained rate (docs/performance.md "Log
// streams"). It runs only when TRAILMARK_STREAMS_LAG_SECONDS is set (how
// long to ingest); TRAILMARK_STREAMS_LAG_RATE is the target entries/s
// (default 5000, make bench's sustained batch rate).
func TestStreamKeepsUpWithIngestion(t *testing.T) {
	secs, _ := strconv.Atoi(os.Getenv("TRAILMARK_STREAMS_LAG_SECONDS"))
	if secs <= 0 {
		t.Skip("set TRAILMARK_STREAMS_LAG_SECONDS to measure")
	}
	rate, _ := strconv.Atoi(os.Getenv("TRAILMARK_STREAMS_LAG_RATE"))
	if rate <= 0 {
		rate = 5000
	}
	s := testserver.New(t, dialect.Postgres, fast(true, func(o *streams.Options) {
		o.Poll = time.Second // the production default
	}))
	tn := s.CreateTenant(t, "acme")
	_, admin := s.Member(t, tn.ID, schematype.RoleAdmin, nil)
	key, _ := s.APIKey(t, tn.ID, schematype.ScopeIngest)

	var (
		mu        sync.Mutex
		delivered int
		ages      []time.Duration // per batch: age of its oldest entry when it arrived
	)
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rows, err := parseBody(r.Header.Get("Content-Type"), mustRead(r))
		if err != nil || len(rows) == 0 {
			w.WriteHeader(400)
			return
		}
		at, _ := time.Parse(time.RFC3339Nano, rows[0].ReceivedAt)
		mu.Lock()
		delivered += len(rows)
		ages = append(ages, time.Since(at))
		mu.Unlock()
		w.WriteHeader(204)
	}))
	defer rcv.Close()
	create(t, s, admin, &tn.ID, map[string]any{"name": "lag", "kind": "WEBHOOK", "endpoint": rcv.URL,
		"batchSize": 1000, "maxDelaySeconds": 1, "filter": "action like 'load.%'"})

	// Ingest batches of 50 from 4 clients, paced to the target rate.
	var sent atomic.Int64
	start := time.Now()
	end := start.Add(time.Duration(secs) * time.Second)
	var wg sync.WaitGroup
	entries := make([]map[string]any, 50)
	for i := range entries {
		entries[i] = map[string]any{"action": "load.entry", "resourceType": "load", "metadata": map[string]any{"i": i}}
	}
	for c := 0; c < 4; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(end) {
				due := time.Duration(float64(sent.Load()) / float64(rate) * float64(time.Second))
				if el := time.Since(start); el < due {
					time.Sleep(due - el)
				}
				r := s.GraphQL(t, key, `mutation($t: ID!, $e: [AuditEntryInput!]!) { recordAuditEntries(tenantID: $t, entries: $e) { created } }`,
					map[string]any{"t": tn.ID, "e": entries})
				if len(r.Errors) > 0 {
					t.Errorf("ingest: %s", r.Body)
					return
				}
				sent.Add(50)
			}
		}()
	}
	// Every 5 s: how many of the tenant's entries wait for their seq (the
	// sequencer's backlog) and how many the stream has delivered.
	stopProbe := make(chan struct{})
	probed := make(chan struct{})
	go func() {
		defer close(probed)
		for {
			select {
			case <-stopProbe:
				return
			case <-time.After(5 * time.Second):
			}
			var n int
			_ = s.DB.SQL.QueryRow(`SELECT COUNT(*) FROM log_leaves WHERE log_id = $1 AND seq IS NULL`, tn.ID).Scan(&n)
			mu.Lock()
			d := delivered
			mu.Unlock()
			t.Logf("t=%s: %d ingested, %d waiting for seq, %d delivered", time.Since(start).Round(time.Second), sent.Load(), n, d)
		}
	}()
	defer func() { close(stopProbe); <-probed }()
	wg.Wait()
	ingestFor := time.Since(start)
	total := int(sent.Load())
	drainStart := time.Now()
	testwait.Eventually(t, 5*time.Minute, func() (bool, string) {
		mu.Lock()
		defer mu.Unlock()
		return delivered >= total, fmt.Sprintf("%d of %d delivered", delivered, total)
	})
	drain := time.Since(drainStart)
	mu.Lock()
	defer mu.Unlock()
	sorted := slices.Clone(ages)
	slices.Sort(sorted)
	pct := func(p float64) time.Duration { return sorted[min(len(sorted)-1, int(p*float64(len(sorted))))] }
	t.Logf("ingested %d entries in %s (%.0f entries/s through recordAuditEntries, batches of 50)",
		total, ingestFor.Round(time.Millisecond), float64(total)/ingestFor.Seconds())
	t.Logf("delivered in %d batches; age of a batch's oldest entry on arrival: p50 %s, p95 %s, max %s; drained %s after ingestion stopped",
		len(ages), pct(0.5).Round(time.Millisecond), pct(0.95).Round(time.Millisecond), sorted[len(sorted)-1].Round(time.Millisecond),
		drain.Round(time.Millisecond))
}

func mustRead(r *http.Request) []byte {
	b := make([]byte, 0, 1<<20)
	buf := make([]byte, 64<<10)
	for {
		n, err := r.Body.Read(buf)
		b = append(b, buf[:n]...)
		if err != nil {
			return b
		}
	}
}
