package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// shape is one kind of request the benchmark repeats.
type shape struct {
	name string
	// bodies are cycled through; each is a complete JSON request.
	bodies [][]byte
	// entries per request, for ingest shapes (entries/s).
	entries int
}

type result struct {
	appCPU, pgCPU      time.Duration
	shape              string
	clients            int
	requests, failures int
	unfinished         int
	elapsed            time.Duration
	p50, p99, max      time.Duration
	entries            int
	sampleError        string
}

func (r result) rps() float64 { return float64(r.requests) / r.elapsed.Seconds() }

func (r result) String() string {
	s := fmt.Sprintf("%-34s %3d clients %8d req %9.0f req/s  p50 %7.2f ms  p99 %7.2f ms  max %7.1f ms",
		r.shape, r.clients, r.requests, r.rps(), ms(r.p50), ms(r.p99), ms(r.max))
	if r.entries > 0 {
		s += fmt.Sprintf("  %9.0f entries/s", float64(r.requests*r.entries)/r.elapsed.Seconds())
	}
	if r.requests > 0 && r.appCPU > 0 {
		s += fmt.Sprintf("  cpu/req: app %.2f ms", ms(r.appCPU/time.Duration(r.requests)))
		if r.pgCPU > 0 {
			s += fmt.Sprintf(" + postgres %.2f ms", ms(r.pgCPU/time.Duration(r.requests)))
		}
	}
	if r.requests == 0 && r.unfinished > 0 {
		s += fmt.Sprintf("  NONE FINISHED: %d requests still running after %v", r.unfinished, r.elapsed.Round(time.Second))
	}
	if r.failures > 0 {
		s += fmt.Sprintf("  FAILURES %d (%s)", r.failures, r.sampleError)
	}
	return s
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// driver sends GraphQL requests to one server with one API key.
type driver struct {
	client *http.Client
	url    string
	token  string
	// backends lists the PostgreSQL backend pids serving the server (nil on SQLite).
	backends func() []int
}

func newDriver(base, token string, clients int) *driver {
	return &driver{
		client: &http.Client{Transport: &http.Transport{
			MaxIdleConns: clients * 2, MaxIdleConnsPerHost: clients * 2, IdleConnTimeout: time.Minute,
		}, Timeout: 60 * time.Second},
		url:   base + "/graphql",
		token: token,
	}
}

// post sends one request; an HTTP error status or a GraphQL error counts
// as a failure.
func (d *driver) post(ctx context.Context, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+d.token)
	resp, err := d.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != 200 || bytes.Contains(b, []byte(`"errors":`)) {
		return fmt.Errorf("HTTP %d: %.300s", resp.StatusCode, b)
	}
	return nil
}

// run drives s with n concurrent clients for d (after a short warm-up), or
// until maxRequests were sent.
func (d *driver) run(ctx context.Context, s shape, clients int, dur time.Duration, maxRequests int) result {
	warm, cancelWarm := context.WithTimeout(ctx, min(2*time.Second, dur/4))
	d.loop(warm, s, clients, 0, nil)
	cancelWarm()

	runCtx, cancel := context.WithTimeout(ctx, dur)
	defer cancel()
	lat := make([][]time.Duration, clients)
	var failures, unfinished atomic.Int64
	var sample atomic.Value
	var pids []int
	if d.backends != nil {
		pids = d.backends()
	}
	cpu0 := readCPU(pids)
	start := time.Now()
	d.loop(runCtx, s, clients, maxRequests, func(c int, took time.Duration, err error) {
		if err != nil {
			if runCtx.Err() != nil {
				unfinished.Add(1) // cut by the end of the run, not a failure
				return
			}
			failures.Add(1)
			sample.CompareAndSwap(nil, err.Error())
			return
		}
		lat[c] = append(lat[c], took)
	})
	elapsed := time.Since(start)
	appCPU, pgCPU := readCPU(pids).sub(cpu0)
	all := slices.Concat(lat...)
	slices.Sort(all)
	res := result{shape: s.name, clients: clients, requests: len(all), failures: int(failures.Load()),
		elapsed: elapsed, entries: s.entries, appCPU: appCPU, pgCPU: pgCPU, unfinished: int(unfinished.Load())}
	if len(all) > 0 {
		res.p50 = all[len(all)/2]
		res.p99 = all[min(len(all)-1, len(all)*99/100)]
		res.max = all[len(all)-1]
	}
	if v, ok := sample.Load().(string); ok {
		res.sampleError = strings.ReplaceAll(v, "\n", " ")
	}
	return res
}

func (d *driver) loop(ctx context.Context, s shape, clients, maxRequests int, observe func(c int, took time.Duration, err error)) {
	var (
		wg   sync.WaitGroup
		sent atomic.Int64
	)
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := c; ctx.Err() == nil; i += clients {
				if maxRequests > 0 && sent.Add(1) > int64(maxRequests) {
					return
				}
				t0 := time.Now()
				err := d.post(ctx, s.bodies[i%len(s.bodies)])
				if observe != nil {
					observe(c, time.Since(t0), err)
				}
			}
		}()
	}
	wg.Wait()
}

func gqlBody(query string, vars map[string]any) []byte {
	b, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		panic(err)
	}
	return b
}

// The page every list view asks for: the columns of the SPA's table.
const pageQuery = `query Page($tenant: ID!, $first: Int, $offset: Int, $filter: String, $search: String) {
  auditEntries(tenantID: $tenant, first: $first, offset: $offset, filter: $filter, search: $search) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node {
      id occurredAt action resourceType resourceID resourceName workspace status
      actor { type id name email }
    } }
  }
}`

const ingestQuery = `mutation Ingest($tenant: ID!, $entries: [AuditEntryInput!]!) {
  recordAuditEntries(tenantID: $tenant, entries: $entries) { created duplicates }
}`
