package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"runtime"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/compactjson"
	"github.com/trailmark/trailmark/internal/db"
	"github.com/trailmark/trailmark/internal/testdb"
	"github.com/trailmark/trailmark/internal/viewer"
)

// TestPostTransportSameAsGqlgen sends the same requests to two servers on
// one database, one writing POST responses with gqlgen's transport.POST, and
// requires the same status, content type and body bytes: pages whose stored
// JSON and strings hold whitespace, quotes, <>&, U+2028 and non-ASCII (data
// only), field errors, parse and validation errors, an undecodable body,
// and the graphql-response+json content type.
func TestPostTransportSameAsGqlgen(t *testing.T) {
	var copied atomic.Int64
	onPageCopied = func() { copied.Add(1) }
	t.Cleanup(func() {
		onPageCopied = nil
		if !t.Failed() && copied.Load() == 0 {
			t.Error("no written page was copied: the POST transport scanned every page again")
		}
	})
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		tenantID := seedOddEntries(t, d)
		for _, slow := range []bool{false, true} {
			ours := startAPI(t, d, Config{SlowPages: slow}, nil)
			theirs := startAPI(t, d, Config{SlowPages: slow, gqlgenPOST: true}, nil)
			theirs.admin = ours.asAdmin(t)[1][len("Bearer "):]
			samePOSTResponses(t, ours, theirs, tenantID)
		}
	})
}

// TestDirectReadCopiesItsPage checks that a page the direct path answers
// (graph.DirectRead) is copied by the response write like gqlgen's, not
// scanned again, and its bytes are the same.
func TestDirectReadCopiesItsPage(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		tenantID := seedOddEntries(t, d)
		s := startAPI(t, d, Config{}, nil)
		body, _ := json.Marshal(map[string]any{"variables": map[string]any{"t": tenantID},
			"query": `query P($t: ID!) { auditEntries(tenantID: $t, first: 10) { edges { node { id action metadata actor { id name } } } } }`})
		admin := s.asAdmin(t)
		first, _ := rawPost(t, s, body, admin) // gqlgen's run puts the document in the query cache
		var direct, copied atomic.Int64
		onDirectServed = func() { direct.Add(1) }
		onPageCopied = func() { copied.Add(1) }
		t.Cleanup(func() { onDirectServed, onPageCopied = nil, nil })
		second, _ := rawPost(t, s, body, admin)
		if direct.Load() != 1 || copied.Load() != 1 {
			t.Fatalf("direct answers %d, pages copied %d; want 1 and 1", direct.Load(), copied.Load())
		}
		if first.status != 200 || !bytes.Equal(first.body, second.body) || !bytes.Contains(second.body, []byte(`"edges":[{`)) {
			t.Fatalf("gqlgen's answer %d %s\ndirect answer %d %s", first.status, first.body, second.status, second.body)
		}
	})
}

// samePOSTResponses sends the requests of TestPostTransportSameAsGqlgen to
// ours and theirs.
func samePOSTResponses(t *testing.T, ours, theirs *testServer, tenantID string) {
	t.Helper()
	{
		page := `query P($t: ID!) { auditEntries(tenantID: $t, first: 10) { totalCount
		  edges { cursor node { id tenant { id slug name } occurredAt action resourceType resourceID resourceName
		  actor { type id name email } idempotencyKey oldValue newValue metadata request { method path payload userAgent } } }
		  pageInfo { hasNextPage endCursor } } }`
		body := func(query string, vars map[string]any) []byte {
			b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
			return b
		}
		admin := ours.asAdmin(t)
		cases := []struct {
			name   string
			body   []byte
			header []string
		}{
			{"page", body(page, map[string]any{"t": tenantID}), admin},
			{"page, graphql-response+json", body(page, map[string]any{"t": tenantID}),
				append([]string{"Accept", "application/graphql-response+json"}, admin...)},
			{"anonymous", body(page, map[string]any{"t": tenantID}), nil},
			{"typename", body(`{ __typename }`, nil), admin},
			{"node not found", body(`{ node(id: "aud_nope") { id } }`, nil), admin},
			{"parse error", body(`{ auditEntries(`, nil), admin},
			{"parse error, graphql-response+json", body(`{ auditEntries(`, nil),
				append([]string{"Accept", "application/graphql-response+json"}, admin...)},
			{"validation error", body(`{ nope }`, nil), admin},
			{"unknown accept", body(`{ __typename }`, nil), append([]string{"Accept", "text/html"}, admin...)},
			{"undecodable body (the guard answers)", []byte(`{"query": `), admin},
			{"not an object", []byte(`[1, 2]`), admin},
		}
		requestID := regexp.MustCompile(`"requestId":"[^"]*"`)
		for _, c := range cases {
			a, aType := rawPost(t, ours, c.body, c.header)
			b, bType := rawPost(t, theirs, c.body, c.header)
			a.body = requestID.ReplaceAll(a.body, []byte(`"requestId":""`))
			b.body = requestID.ReplaceAll(b.body, []byte(`"requestId":""`))
			if a.status != b.status || aType != bType || !bytes.Equal(a.body, b.body) {
				t.Errorf("%s: ours %d %s %s\ngqlgen's %d %s %s", c.name, a.status, aType, a.body, b.status, bType, b.body)
			}
			if c.name == "page" && (bytes.Contains(a.body, []byte(`"errors"`)) || !bytes.Contains(a.body, []byte(`\u003c`)) ||
				!bytes.Contains(a.body, []byte(`\u2028`))) {
				t.Errorf("the page does not exercise the data-only write: %s", a.body)
			}
			if testing.Verbose() {
				t.Logf("%s: %d %.120s", c.name, a.status, a.body)
			}
		}
	}
}

// TestAppendData checks that a written value ending the data is copied as
// it is (a value that is not compact shows it) and that anything else is
// compacted.
func TestAppendData(t *testing.T) {
	page := []byte(`{"x": 1, "s": "<"}`) // not in the written form: copied only when taken as written
	cases := []struct {
		data    string
		written [][]byte
		want    string
	}{
		{`{"auditEntries":` + string(page) + `}`, [][]byte{page}, `{"auditEntries":` + string(page) + `}`},
		{`{"a": "<", "auditEntries":` + string(page) + `}`, [][]byte{[]byte(`{}`), page}, `{"a":"\u003c","auditEntries":` + string(page) + `}`},
		{`{"auditEntries":` + string(page) + `}`, nil, `{"auditEntries":{"x":1,"s":"\u003c"}}`},
		{`{"auditEntries":` + string(page) + `,"b": 1}`, [][]byte{page}, `{"auditEntries":{"x":1,"s":"\u003c"},"b":1}`},
		{`{"auditEntries":{"x": 1}}`, [][]byte{page}, `{"auditEntries":{"x":1}}`},
		{string(page), [][]byte{page}, `{"x":1,"s":"\u003c"}`},
	}
	for _, c := range cases {
		if got := appendData([]byte("p"), []byte(c.data), c.written); string(got) != "p"+c.want {
			t.Errorf("%s with %q:\n got %s\nwant p%s", c.data, c.written, got, c.want)
		}
	}
}

type rawResponse struct {
	status int
	body   []byte
}

func rawPost(t *testing.T, s *testServer, body []byte, header []string) (rawResponse, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return rawResponse{status: resp.StatusCode, body: b}, resp.Header.Get("Content-Type")
}

// seedOddEntries stores entries whose strings and JSON values hold every
// character the response write treats specially, and returns their tenant.
func seedOddEntries(t *testing.T, d *db.DB) string {
	t.Helper()
	ctx := viewer.NewContext(context.Background(), viewer.SystemViewer())
	tn, err := d.Client.Tenant.Create().SetSlug("odd").SetName("Odd <&> \u2028 Ltd").Save(ctx)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	odd := "a \"quoted\" \\ <b>&amp; \u2028\u2029 \u2020 日本 \t\n\x01\v\x1f"
	method, path := "POST", "/x?<y>&z"
	for i, v := range []string{
		`{"a": 1, "b": [1, 2, {"c": "d <e> & f \u2028"}], "n": null}`,
		"{\"s\": \"\u2028\u2029<>&\", \"t\": \"\\\"\\\\\"}",
		`"just a string with <tags> & spaces"`, `[ 1 , 2 ]`, `true`,
	} {
		cr := d.Client.AuditEntry.Create().SetTenantID(tn.ID).SetAction("odd.action").SetResourceType("doc").
			SetResourceID(odd).SetResourceName(odd).SetActorType(schematype.ActorUser).SetActorID(odd).SetActorName(odd).
			SetActorEmail("x<y>@example.com").SetOccurredAt(at.Add(time.Duration(i) * time.Minute)).SetReceivedAt(at).
			SetHash("h").SetOldValue(schematype.RawJSON(v)).SetNewValue(schematype.RawJSON(v)).SetMetadata(schematype.RawJSON(`{"k": "<v>"}`)).
			SetRequest(&schematype.RequestInfo{Method: &method, Path: &path, Payload: schematype.RawJSON(v)})
		if i%2 == 0 {
			cr.SetIdempotencyKey(odd + string(rune('a'+i)))
		}
		if _, err := cr.Save(ctx); err != nil {
			t.Fatal(err)
		}
	}
	return tn.ID
}

// BenchmarkWriteResponse compares json.Marshal (transport.POST's write) with
// writeResponse on a page shaped like the peer benchmark's q1: 25 entries,
// PostgreSQL's jsonb spacing in the JSON values.
func BenchmarkWriteResponse(b *testing.B) {
	var page bytes.Buffer
	page.WriteString(`{"auditEntries":{"totalCount":20000,"edges":[`)
	for i := range 25 {
		if i > 0 {
			page.WriteByte(',')
		}
		page.WriteString(`{"cursor":"gqFpvmF1ZF8wMUtQQkZSNVhWNVg3UUQ2NlIzM1hZMTBDRaF21v9rDpuQ","node":{"id":"aud_01KPBFR5XV5X7QD66R33XY10CE",` +
			`"tenant":{"id":"ten_01KPBFQZ8T6M7Y3V0W2X1Z9ABC"},"occurredAt":"2026-12-05T21:14:03.123456Z","action":"workspace.update",` +
			`"resourceType":"workspace","resourceID":"ws-1234","actor":{"id":"user-42","name":"Ada Lovelace"},"idempotencyKey":"k-000123",` +
			`"oldValue":{"regions": ["us-east-1"]},"newValue":{"regions": ["us-east-1", "eu-west-1"]},` +
			`"metadata":{"client": "api", "region": "ap-southeast-2", "traceID": "f4bc683965db7f96"}}}`)
	}
	page.WriteString(`],"pageInfo":{"hasNextPage":true,"endCursor":"gqFpvmF1ZF8wMUtQQkZSNVhWNVg3UUQ2NlIzM1hZMTBDRaF21v9rDpuQ"}}}`)
	resp := &graphql.Response{Data: page.Bytes()}
	b.Run("json.Marshal", func(b *testing.B) {
		defer reportThreadCPU(b)()
		for b.Loop() {
			out, _ := json.Marshal(resp)
			_, _ = io.Discard.Write(out)
		}
	})
	b.Run("writeResponse", func(b *testing.B) {
		defer reportThreadCPU(b)()
		for b.Loop() {
			writeResponse(io.Discard, resp)
		}
	})
	// The page as graph.FastPage writes it now (compact, so the copy is
	// exact), copied instead of scanned.
	compact := compactjson.Append(nil, page.Bytes())
	written := [][]byte{compact[len(`{"auditEntries":`) : len(compact)-1]}
	respCompact := &graphql.Response{Data: compact}
	b.Run("writeResponse, page copied", func(b *testing.B) {
		defer reportThreadCPU(b)()
		for b.Loop() {
			writeResponseWith(io.Discard, respCompact, written)
		}
	})
}

// reportThreadCPU pins the benchmark to its thread and, when the returned
// function runs, reports the thread's CPU time per op: wall time says
// little on a shared machine.
func reportThreadCPU(b *testing.B) func() {
	runtime.LockOSThread()
	var r0 syscall.Rusage
	_ = syscall.Getrusage(1 /* RUSAGE_THREAD */, &r0)
	return func() {
		var r1 syscall.Rusage
		_ = syscall.Getrusage(1, &r1)
		runtime.UnlockOSThread()
		ns := (r1.Utime.Nano() + r1.Stime.Nano()) - (r0.Utime.Nano() + r0.Stime.Nano())
		b.ReportMetric(float64(ns)/float64(b.N), "cpu-ns/op")
	}
}
