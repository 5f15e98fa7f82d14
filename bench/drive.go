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
	// tokens[i] is the API key bodies[i] is sent with (empty: the
	// driver's key).
	tokens []string
	// next, when set, numbers the requests of the warm-up and of the run
	// in one sequence: bodies that must not repeat (new idempotency keys)
	// are not sent again once the warm-up is over.
	next *atomic.Int64
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
func (d *driver) post(ctx context.Context, body []byte, token string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	if token == "" {
		token = d.token
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
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
				if s.next != nil {
					i = int(s.next.Add(1) - 1)
				}
				t0 := time.Now()
				var token string
				if len(s.tokens) > 0 {
					token = s.tokens[i%len(s.bodies)]
				}
				err := d.post(ctx, s.bodies[i%len(s.bodies)], token)
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

// peerQ4a is the peer benchmark's q4a_create: one entry a request, its id
// read back.
const peerQ4a = `mutation Q4Create($tenantID: ID!, $entry: AuditEntryInput!) {
  recordAuditEntries(tenantID: $tenantID, entries: [$entry]) { entries { id } }
}`

// peerQ4b is the peer benchmark's q4b_batch_create: a list of entries of
// one tenant, their ids read back.
const peerQ4b = `mutation Q4BatchCreate($tenantID: ID!, $entries: [AuditEntryInput!]!) {
  recordAuditEntries(tenantID: $tenantID, entries: $entries) { entries { id } }
}`

const ingestQuery = `mutation Ingest($tenant: ID!, $entries: [AuditEntryInput!]!) {
  recordAuditEntries(tenantID: $tenant, entries: $entries) { created duplicates }
}`

// The read shapes of the peer benchmark (../shared/peerbench/trailmark/queries):
// the node fields of PostGraphile's templates, newest first.
const peerNode = `edges { cursor node { id tenant { id } occurredAt action resourceType resourceID actor { id name } idempotencyKey oldValue newValue metadata } }
    pageInfo { hasNextPage endCursor }`

var peerOrder = map[string]any{"field": "OCCURRED_AT", "direction": "DESC"}

var peerActions = []string{"user.login", "workspace.update", "pipeline.run", "document.view"}

const (
	peerQ1 = `query Q1($tenantID: ID!, $orderBy: AuditEntryOrder) {
  auditEntries(tenantID: $tenantID, orderBy: $orderBy, first: 25) { totalCount ` + peerNode + ` } }`
	peerQ2 = `query Q2($tenantID: ID!, $orderBy: AuditEntryOrder, $where: AuditEntryWhereInput) {
  auditEntries(tenantID: $tenantID, where: $where, orderBy: $orderBy, first: 25) { ` + peerNode + ` } }`
	peerQ2DSL = `query Q2DSL($tenantID: ID!, $orderBy: AuditEntryOrder, $filter: String) {
  auditEntries(tenantID: $tenantID, filter: $filter, orderBy: $orderBy, first: 25) { ` + peerNode + ` } }`
	peerQ3 = `query Q3($tenantID: ID!, $orderBy: AuditEntryOrder, $after: Cursor!) {
  auditEntries(tenantID: $tenantID, orderBy: $orderBy, first: 25, after: $after) { ` + peerNode + ` } }`
	peerQ3Offset = `query Q3Offset($tenantID: ID!, $orderBy: AuditEntryOrder, $offset: Int!) {
  auditEntries(tenantID: $tenantID, orderBy: $orderBy, first: 25, offset: $offset) { ` + peerNode + ` } }`
)

// peerShapes are the peer benchmark's read shapes on tenantID; deep is the
// cursor of the entry 5000 rows in.
func peerShapes(tenantID, deep string) []shape {
	return []shape{
		peerShape("peer q1: first 25 + totalCount", peerQ1, tenantID, nil),
		peerShape("peer q2: where action + 7 days", peerQ2, tenantID, func(i int) map[string]any {
			to := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -i%8)
			return map[string]any{"where": map[string]any{"action": peerActions[i%len(peerActions)],
				"occurredAtGTE": to.AddDate(0, 0, -7).Format(time.RFC3339), "occurredAtLT": to.Format(time.RFC3339)}}
		}),
		peerShape("peer q2 dsl: filter action + 7 days", peerQ2DSL, tenantID, func(i int) map[string]any {
			to := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -i%8)
			return map[string]any{"filter": fmt.Sprintf("action = '%s' and occurred_at >= '%s' and occurred_at < '%s'",
				peerActions[i%len(peerActions)], to.AddDate(0, 0, -7).Format(time.RFC3339), to.Format(time.RFC3339))}
		}),
		peerShape("peer q3: after a cursor 5000 deep", peerQ3, tenantID, func(int) map[string]any { return map[string]any{"after": deep} }),
		peerShape("peer q3 offset: offset 5000", peerQ3Offset, tenantID, func(int) map[string]any { return map[string]any{"offset": 5000} }),
	}
}

func peerShape(name, query, tenantID string, vars func(i int) map[string]any) shape {
	s := shape{name: name}
	for i := range 16 {
		v := map[string]any{"tenantID": tenantID, "orderBy": peerOrder}
		if vars != nil {
			for k, x := range vars(i) {
				v[k] = x
			}
		}
		s.bodies = append(s.bodies, gqlBody(query, v))
	}
	return s
}

// cursorAt is the cursor of the entry n rows into tenantID's log, newest
// first (the peer benchmark's deep keyset position).
func (d *driver) cursorAt(ctx context.Context, tenantID string, n int) (string, error) {
	body := gqlBody(`query C($t: ID!, $o: Int!) { auditEntries(tenantID: $t, first: 1, offset: $o,
		orderBy: {field: OCCURRED_AT, direction: DESC}) { pageInfo { endCursor } } }`, map[string]any{"t": tenantID, "o": n})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.url, bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+d.token)
	resp, err := d.client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var out struct {
		Data struct {
			AuditEntries struct {
				PageInfo struct{ EndCursor *string }
			}
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return "", err
	}
	if c := out.Data.AuditEntries.PageInfo.EndCursor; c != nil {
		return *c, nil
	}
	return "", fmt.Errorf("no entry %d rows deep", n)
}
