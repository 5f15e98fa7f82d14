package graph_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/graph"
	"github.com/trailmark/trailmark/internal/app"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/testserver"
)

// TestInputVariablesSameAsGqlparser sends the same documents and variables
// to a server with graph.InputVariables and to one that leaves every
// variable to gqlparser (GenericVariables), on one database: `where`
// values that are valid, that gqlparser coerces (a single value for a list),
// and that it refuses (unknown fields, wrong kinds, nulls, enum values),
// next to other variables valid or not, before and after them, over POST
// and GET. Status and body must be the same (request ids blanked), and the
// valid values must have taken the shortcut. Each document goes to the
// shortcut's server twice: the first request fills gqlgen's query cache,
// which the shortcut needs.
func TestInputVariablesSameAsGqlparser(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		generic := testserver.NewOnDB(t, s.DB, noRateLimits, func(c *app.Config) { c.HTTP.GenericVariables = true })
		tn := s.CreateTenant(t, "vars")
		key, _ := s.APIKey(t, tn.ID, schematype.ScopeRead)
		base := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		var entries []audit.Entry
		for i, action := range []string{"a.one", "a.two", "a.one", "b.three", "a.two", "a.one"} {
			e := testserver.Entry(&tn.ID, action, base.Add(time.Duration(i)*time.Hour))
			e.ResourceID = &[]string{"r1", "r2", "r3"}[i%3]
			if i%2 == 1 {
				e.Status = auditentry.StatusFAILURE
			}
			entries = append(entries, e)
		}
		s.RecordEntries(t, entries...)

		// The reads' own view entries are left out, so that every answer
		// holds the same rows.
		noViews := `{actionNEQ: "` + audit.ViewAction + `"}`
		page := func(vars, extra string) string {
			return `query Q($t: ID!, $w: AuditEntryWhereInput` + vars + `) { auditEntries(tenantID: $t, first: 10,
			  where: {and: [` + noViews + `], not: $w}` + extra + `) { edges { node { action resourceID status } } } }
			  # ` + t.Name()
		}
		whereOnly := page("", "")
		withOrder := page(", $o: AuditEntryOrder", ", orderBy: $o")
		withInt := page(", $n: Int", ", offset: $n")
		intFirst := `query Q($n: Int, $t: ID!, $w: AuditEntryWhereInput) { auditEntries(tenantID: $t, offset: $n,
			  where: {and: [` + noViews + `], not: $w}) { edges { node { action } } } } # ` + t.Name()
		twoOps := `query A($t: ID!) { auditEntries(tenantID: $t, where: ` + noViews + `) { edges { node { action } } } }
			query B($t: ID!, $w: AuditEntryWhereInput) { auditEntries(tenantID: $t, where: {and: [` + noViews + `, {not: $w}]}) {
			  edges { node { action status } } } } # ` + t.Name()

		valid := []string{
			`{"action": "a.one"}`,
			`{"action": "a.one", "occurredAtGTE": "2026-03-01T13:00:00Z", "occurredAtLT": "2026-03-01T16:00:00Z"}`,
			`{"actionIn": ["a.one", "b.three"]}`,
			`{"or": [{"action": "a.one"}, {"resourceID": "r2"}], "not": {"status": "FAILURE"}}`,
			`{"and": [{"actionHasPrefix": "a."}, {"not": {"resourceIDIn": ["r1"]}}]}`,
			`{"__typename": "AuditEntryWhereInput", "action": "a.two"}`,
			`{"status": "failure"}`,
			`{"statusIn": ["SUCCESS"], "actorType": "SYSTEM"}`,
			`{"action": null, "actionIn": null, "not": null}`,
			`{}`,
			`{"action": 5}`,
			`{"resourceIDIsNil": false, "hasTenantWith": [{"slug": "vars"}]}`,
			`{"occurredAtGTE": "not a time"}`,
			`{"occurredAtGTE": 7}`,
			`{"actionIn": [1.5]}`,
		}
		refused := []string{
			`{"nope": 1}`,
			`{"action": true}`,
			`{"actionIn": "a.one"}`,
			`{"status": "NOPE"}`,
			`{"status": 1}`,
			`{"and": [null]}`,
			`{"and": [{"action": "a.one"}, {"nope": 2}]}`,
			`{"not": "x"}`,
			`{"actionIn": ["a.one", null]}`,
			`{"resourceIDIsNil": "yes"}`,
			`{"hasTenantWith": {"slug": "vars"}}`,
			`"a.one"`,
			`[]`,
			`null`,
		}
		type request struct {
			name, query, op, vars string
			get, shortcut         bool
		}
		var reqs []request
		for _, w := range valid {
			reqs = append(reqs,
				request{name: "where " + w, query: whereOnly, vars: `{"t": "` + tn.ID + `", "w": ` + w + `}`, shortcut: true},
				request{name: "where and orderBy " + w, query: withOrder, shortcut: true,
					vars: `{"t": "` + tn.ID + `", "w": ` + w + `, "o": {"field": "ACTION", "direction": "ASC"}}`},
				request{name: "where, then a bad Int " + w, query: withInt, vars: `{"t": "` + tn.ID + `", "w": ` + w + `, "n": "x"}`, shortcut: true},
				request{name: "a bad Int, then where " + w, query: intFirst, vars: `{"t": "` + tn.ID + `", "w": ` + w + `, "n": 1.5}`, shortcut: true},
				request{name: "named operation " + w, query: twoOps, op: "B", vars: `{"t": "` + tn.ID + `", "w": ` + w + `}`, shortcut: true},
				request{name: "GET " + w, query: whereOnly, vars: `{"t": "` + tn.ID + `", "w": ` + w + `}`, get: true},
			)
		}
		for _, w := range refused {
			reqs = append(reqs,
				request{name: "where " + w, query: whereOnly, vars: `{"t": "` + tn.ID + `", "w": ` + w + `}`},
				request{name: "where, then a bad Int " + w, query: withInt, vars: `{"t": "` + tn.ID + `", "w": ` + w + `, "n": "x"}`},
				request{name: "GET " + w, query: whereOnly, vars: `{"t": "` + tn.ID + `", "w": ` + w + `}`, get: true},
			)
		}
		reqs = append(reqs,
			request{name: "where not given", query: whereOnly, vars: `{"t": "` + tn.ID + `"}`},
			request{name: "the tenant missing", query: whereOnly, vars: `{"w": {"action": "a.one"}}`, shortcut: true},
			request{name: "the other operation", query: twoOps, op: "A", vars: `{"t": "` + tn.ID + `", "w": {"action": "a.one"}}`},
		)
		send := func(srv *testserver.Server, r request) (int, string) {
			var req *http.Request
			if r.get {
				q := url.Values{"query": {r.query}, "variables": {r.vars}}
				if r.op != "" {
					q.Set("operationName", r.op)
				}
				req, _ = http.NewRequest(http.MethodGet, srv.URL+"/graphql?"+q.Encode(), nil)
			} else {
				body, _ := json.Marshal(map[string]any{"query": r.query, "operationName": r.op, "variables": json.RawMessage(r.vars)})
				req, _ = http.NewRequest(http.MethodPost, srv.URL+"/graphql", strings.NewReader(string(body)))
				req.Header.Set("Content-Type", "application/json")
			}
			res := srv.Do(t, key, req)
			return res.Status, requestID.ReplaceAllString(string(res.Body), `"requestId":""`)
		}
		setAside, withErrors := 0, 0
		for _, r := range reqs {
			wantStatus, want := send(generic, r)
			if strings.Contains(want, `"errors"`) {
				withErrors++
			}
			for round := range 2 {
				before := graph.VariablesSetAside(r.query)
				status, got := send(s, r)
				if status != wantStatus || got != want {
					t.Fatalf("%s (request %d): with the shortcut HTTP %d %s\ngqlparser's HTTP %d %s", r.name, round+1, status, got, wantStatus, want)
				}
				took := graph.VariablesSetAside(r.query) > before
				if round == 1 && !r.get && took != r.shortcut {
					t.Errorf("%s: variables set aside %v, want %v", r.name, took, r.shortcut)
				}
				if took {
					setAside++
				}
			}
		}
		t.Logf("%d requests, %d answered errors, %d with variables set aside", len(reqs), withErrors, setAside)
	}, noRateLimits)
}
