package graph_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/trailmark/trailmark/internal/filter"
	"github.com/trailmark/trailmark/internal/testserver"
)

// TestFilterLimits: filters that would reach a database's own limits (an
// or chain deeper than SQLite's expression depth, a JSON path deeper than
// PostgreSQL's stack) are refused as BAD_USER_INPUT with the position of
// the first condition or step over the limit — by auditEntries, by the
// streaming export and by the auditEntryCreated subscription alike — while
// the largest filter within the limits runs on both databases.
func TestFilterLimits(t *testing.T) {
	// The probes' filters: an or chain of 1000 terms (SQLite: "Expression
	// tree is too large") and the longest JSON path that fits in a filter,
	// 5400 steps (PostgreSQL: "stack depth limit exceeded").
	terms := make([]string, 1000)
	for i := range terms {
		terms[i] = "action = 'x'"
	}
	terms[0] = "action = 'probe.hit'"
	chain := strings.Join(terms, " or ")
	chainPos := len(strings.Join(terms[:filter.MaxConditions], " or ")) + len(" or ") + 1
	deep := "metadata" + strings.Repeat("->0", 5400) + "->>0 = 1"
	deepPos := len("metadata"+strings.Repeat("->0", filter.MaxPathSteps)) + 1
	probes := []struct {
		name, filter string
		pos          int
		msg          string
	}{
		{"or chain", chain, chainPos, "more than 256 conditions"},
		{"deep path", deep, deepPos, "JSON path longer than 32 steps"},
	}

	// The largest filter allowed: MaxConditions conditions, nested as deep
	// as the language allows, the deepest one a numeric comparison on a
	// JSON path of MaxPathSteps steps.
	big := make([]string, filter.MaxConditions)
	for i := range big {
		big[i] = "action = 'x'"
	}
	big[0] = "metadata" + strings.Repeat("->0", filter.MaxPathSteps-1) + "->>0 = 1"
	big[1] = "action = 'probe.hit'"
	largest := strings.Repeat("not ", 98) + "((" + strings.Join(big, " or ") + "))"

	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		f := newFixture(t, s, "acme")
		mustRecord(t, s, f.ingest, f.tenantID, entry("probe.hit"))

		checkErr := func(t *testing.T, where string, e testserver.Error, pos int, msg string) {
			t.Helper()
			got, _ := e.Extensions["position"].(float64)
			if e.Code() != "BAD_USER_INPUT" || e.Extensions["field"] != "filter" || int(got) != pos || !strings.Contains(e.Message, msg) {
				t.Errorf("%s: %+v; want BAD_USER_INPUT %q at position %d", where, e, msg, pos)
			}
		}
		for _, p := range probes {
			t.Run(p.name, func(t *testing.T) {
				res := s.GraphQL(t, f.reader, listQuery, map[string]any{"t": f.tenantID, "filter": p.filter})
				if len(res.Errors) != 1 {
					t.Fatalf("auditEntries: HTTP %d %.300s", res.Status, res.Body)
				}
				checkErr(t, "auditEntries", res.Errors[0], p.pos, p.msg)

				for _, format := range []string{"csv", "jsonl"} {
					q := url.Values{"tenant": {f.tenantID}, "filter": {p.filter}}
					res := getQuiet(t, s, f.reader, "/export/audit-entries."+format+"?"+q.Encode())
					if res.Status != 400 || len(res.Errors) != 1 {
						t.Fatalf("%s export: HTTP %d %.300s", format, res.Status, res.Body)
					}
					checkErr(t, format+" export", res.Errors[0], p.pos, p.msg)
				}

				// The subscription is refused when it starts; an entry
				// recorded meanwhile must not be what answers it.
				sub := s.Subscribe(t, f.reader, `subscription($t: ID, $f: String) {
				  auditEntryCreated(tenantID: $t, filter: $f) { action } }`, map[string]any{"t": f.tenantID, "f": p.filter})
				mustRecord(t, s, f.ingest, f.tenantID, entry("probe.hit"))
				m, err := sub.Next(20 * time.Second)
				if err != nil {
					t.Fatalf("subscription: %v", err)
				}
				// gqlgen answers a resolver's error as a "next" without data.
				var next struct {
					Data   json.RawMessage
					Errors []testserver.Error
				}
				if m.Type != "next" || json.Unmarshal(m.Payload, &next) != nil || string(next.Data) != "null" || len(next.Errors) != 1 {
					t.Fatalf("subscription: got %s %.300s, want an error", m.Type, m.Payload)
				}
				checkErr(t, "subscription", next.Errors[0], p.pos, p.msg)
			})
		}

		t.Run("largest allowed", func(t *testing.T) {
			res := s.GraphQL(t, f.reader, listQuery, map[string]any{"t": f.tenantID, "filter": largest})
			res.NoErrors(t)
			var out struct{ AuditEntries page }
			res.Decode(t, &out)
			if out.AuditEntries.TotalCount == 0 {
				t.Fatal("the largest filter does not find the probe.hit entries")
			}
			q := url.Values{"tenant": {f.tenantID}, "filter": {largest}}
			if res := getQuiet(t, s, f.reader, "/export/audit-entries.csv?"+q.Encode()); res.Status != 200 {
				t.Fatalf("export: HTTP %d %.300s", res.Status, res.Body)
			}
		})
	})
}

// getQuiet is get for a long URL: a failed request is reported without it.
func getQuiet(t *testing.T, s *testserver.Server, token, path string) *testserver.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := s.Server.Client().Do(req)
	if err != nil {
		t.Fatalf("GET %.60s…: %v", path, errors.Unwrap(err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %.60s…: reading the body: %v", path, err)
	}
	res := &testserver.Response{Status: resp.StatusCode, Header: resp.Header, Body: body}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		_ = json.Unmarshal(body, res)
	}
	return res
}
