package graph_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/graph"
	"github.com/trailmark/trailmark/internal/app"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/testserver"
)

// TestDirectReadSameAsGqlgen sends a corpus of auditEntries requests —
// the generated selections of TestFastPageSameAsGqlgen, variables of every
// argument (valid, refused, coerced), literals, several root fields,
// operation names, extensions, denied fields — for every kind of caller to
// a server with the direct path (graph.DirectRead) and to one without it
// (httpapi.Config.GenericReads) on one database, and requires the same
// status and body. Each request goes to the direct server twice: the first
// fills gqlgen's query cache, which the direct path reads. The shapes the
// direct path is for must have taken it, and the ones it must leave to
// gqlgen must not have.
func TestDirectReadSameAsGqlgen(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		generic := testserver.NewOnDB(t, s.DB, noRateLimits, func(c *app.Config) { c.HTTP.GenericReads = true })
		w := newWorld(t, s)
		addVariedEntries(t, s, w.acme.ID)
		_, w.tokens["foreign OWNER"] = s.Member(t, w.foreign.ID, schematype.RoleOwner, nil)
		roles := append(slices.Clone(allRoles), "foreign OWNER")
		waitSequenced(t, s, w.tokens[rPlatform])
		tag := " # " + t.Name()

		noView := map[string]any{"actionNEQ": audit.ViewAction}
		view := `where: {actionNEQ: "` + audit.ViewAction + `"}`
		// A cursor of the tenant's first page, for after/before.
		first := s.GraphQL(t, w.tokens[rOwner], `query($t: ID) { auditEntries(tenantID: $t, first: 2, `+view+`) { pageInfo { endCursor } } }`,
			map[string]any{"t": w.acme.ID}).NoErrors(t)
		var page struct {
			AuditEntries struct{ PageInfo struct{ EndCursor string } }
		}
		if err := json.Unmarshal(first.Data, &page); err != nil || page.AuditEntries.PageInfo.EndCursor == "" {
			t.Fatalf("no cursor: %s", first.Data)
		}
		cursor := page.AuditEntries.PageInfo.EndCursor

		type req struct {
			doc    string
			vars   map[string]any
			opName string
			ext    bool
			want   int // 1: the direct path must answer it (callers that see every field), -1: it must not, 0: either
		}
		const varDoc = `query Page($t: ID, $p: Boolean, $where: AuditEntryWhereInput, $order: AuditEntryOrder, $first: Int, $last: Int, $offset: Int, $after: Cursor, $before: Cursor, $filter: String, $search: String) {
  page: auditEntries(tenantID: $t, platform: $p, where: $where, orderBy: $order, first: $first, last: $last, offset: $offset, after: $after, before: $before, filter: $filter, search: $search) { %s } }`
		peerSel := selections(1)[0]
		varSets := []struct {
			vars   map[string]any
			direct bool
		}{
			{map[string]any{"t": w.acme.ID, "first": 5, "where": noView}, true},
			{map[string]any{"t": w.acme.ID, "first": json.Number("3"), "order": map[string]any{"field": "OCCURRED_AT", "direction": "DESC"}, "where": noView}, true},
			{map[string]any{"t": w.acme.ID, "first": 4, "after": cursor, "where": noView}, true},
			{map[string]any{"t": w.acme.ID, "last": 2, "before": cursor, "where": noView}, true},
			{map[string]any{"t": w.acme.ID, "first": 3, "offset": 2, "where": noView}, true},
			{map[string]any{"p": true, "first": 4, "where": noView}, true},
			{map[string]any{"first": 4, "where": noView, "filter": "action = 'user.login'"}, true},
			{map[string]any{"t": w.acme.ID, "first": 4, "where": noView, "search": "thing"}, true},
			{map[string]any{"t": w.acme.ID, "first": 5, "where": map[string]any{"actionNEQ": audit.ViewAction, "actionIn": []any{"user.login", "document.update"},
				"occurredAtGTE": "2020-01-01T00:00:00Z", "resourceIDIsNil": false, "idNotIn": []any{"x"}}}, true},
			{map[string]any{"t": w.acme.ID, "first": 5, "where": noView, "unused": 1}, true}, // undeclared: ignored
			{map[string]any{"t": w.acme.ID, "first": 5, "where": noView, "search": nil, "filter": nil}, true},
			// Left to gqlgen: errors and values the direct path does not convert.
			{map[string]any{"t": w.acme.ID, "first": 5000, "where": noView}, false},
			{map[string]any{"t": w.acme.ID, "first": "five", "where": noView}, false},
			{map[string]any{"t": w.acme.ID, "first": 2.5, "where": noView}, false},
			{map[string]any{"t": w.acme.ID, "first": 5, "where": map[string]any{"actionNEQ": audit.ViewAction, "nope": 1}}, false},
			{map[string]any{"t": w.acme.ID, "first": 5, "where": map[string]any{"not": map[string]any{"action": audit.ViewAction}}}, false},
			{map[string]any{"t": w.acme.ID, "first": 5, "where": map[string]any{"actionNEQ": audit.ViewAction, "status": "FAILURE"}}, false},
			{map[string]any{"t": w.acme.ID, "first": 5, "where": map[string]any{"actionNEQ": audit.ViewAction, "occurredAtGTE": "yesterday"}}, false},
			{map[string]any{"t": w.acme.ID, "first": 5, "where": map[string]any{"actionNEQ": audit.ViewAction, "actionIn": "user.login"}}, false},
			{map[string]any{"t": w.acme.ID, "first": 5, "where": noView, "order": map[string]any{"field": "OCCURRED_AT"}}, false},
			{map[string]any{"t": w.acme.ID, "first": 5, "where": noView, "order": map[string]any{"field": "occurred_at", "direction": "desc"}}, false},
			{map[string]any{"t": w.acme.ID, "first": 5, "where": noView, "after": "not a cursor"}, false},
			{map[string]any{"t": w.acme.ID, "first": 5, "where": noView, "filter": "action = "}, false},
			{map[string]any{"t": 12, "first": 5, "where": noView}, false},
			{map[string]any{"t": "not-a-tenant", "first": 5, "where": noView}, false},
			{map[string]any{"t": w.acme.ID, "first": 5, "last": 5, "where": noView}, false},
		}
		var reqs []req
		for _, vs := range varSets {
			want := -1
			if vs.direct {
				want = 1
			}
			reqs = append(reqs, req{doc: fmt.Sprintf(varDoc, peerSel), vars: vs.vars, want: want})
		}
		for i, sel := range selections(40) {
			reqs = append(reqs, req{doc: fmt.Sprintf(`query Sel%d($t: ID, $yes: Boolean!, $no: Boolean!) { auditEntries(tenantID: $t, first: 6, %s) { %s } }`, i, view, sel),
				vars: map[string]any{"t": w.acme.ID, "yes": true, "no": false}})
			reqs = append(reqs, req{doc: fmt.Sprintf(`{ a%d: auditEntries(platform: true, first: 3, %s) { %s } }`, i, view, strings.ReplaceAll(strings.ReplaceAll(sel, "$yes", "true"), "$no", "false"))})
		}
		reqs = append(reqs,
			req{doc: fmt.Sprintf(varDoc, peerSel), vars: varSets[0].vars, opName: "Page", want: 1},
			req{doc: fmt.Sprintf(varDoc, peerSel), vars: varSets[0].vars, opName: "Other", want: -1},
			req{doc: fmt.Sprintf(varDoc, peerSel), vars: varSets[0].vars, ext: true, want: -1},
			req{doc: fmt.Sprintf(varDoc, peerSel) + " query Two { __typename }", vars: varSets[0].vars, opName: "Page", want: -1},
			req{doc: `query($t: ID) { a: auditEntries(tenantID: $t, first: 2, ` + view + `) { totalCount } b: auditEntries(tenantID: $t, first: 1, ` + view + `) { totalCount } }`,
				vars: map[string]any{"t": w.acme.ID}, want: -1},
			req{doc: `query($t: ID) { auditEntries(tenantID: $t, first: 2, ` + view + `) @include(if: true) { totalCount } }`, vars: map[string]any{"t": w.acme.ID}, want: -1},
			req{doc: `query($t: ID) @deprecated { auditEntries(tenantID: $t, first: 2) { totalCount } }`, vars: map[string]any{"t": w.acme.ID}, want: -1},
			req{doc: `query($t: ID!) { auditEntries(tenantID: $t, first: 2, ` + view + `) { edges { node { id request { sourceIP } } } } }`, vars: map[string]any{"t": w.acme.ID}}, // MEMBER: denied, replayed to gqlgen
			// Over the complexity limit (two lists of 1 000 nodes with four objects each).
			req{doc: `query($t: ID, $n: Int) { auditEntries(tenantID: $t, first: $n, ` + view + `) { e1: edges { node { tenant { id } actor { id } request { path } changes { path } } } e2: edges { node { tenant { id } actor { id } request { path } changes { path } } } } }`,
				vars: map[string]any{"t": w.acme.ID, "n": 1000}, want: -1},
			req{doc: `query($t: ID, $n: Int = 2) { auditEntries(tenantID: $t, first: $n, ` + view + `) { totalCount } }`, vars: map[string]any{"t": w.acme.ID}, want: -1},
			req{doc: `query($t: ID) { auditEntries(tenantID: $t, first: 2, ` + view + `) { edges { node { nope } } } }`, vars: map[string]any{"t": w.acme.ID}, want: -1},
			req{doc: `query($t: ID) { auditEntries(tenantID: $t, first: 2, ` + view + `) { totalCount edges { node { actor { user { id } } } } } }`, vars: map[string]any{"t": w.acme.ID}, want: -1},
		)

		body := func(r req) []byte {
			m := map[string]any{"query": r.doc + tag}
			if r.vars != nil {
				m["variables"] = r.vars
			}
			if r.opName != "" {
				m["operationName"] = r.opName
			}
			if r.ext {
				m["extensions"] = map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": "00"}}
			}
			b, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		asked, taken, withErrors := 0, 0, 0
		for _, role := range roles {
			for _, r := range reqs {
				b := body(r)
				doc := r.doc + tag
				s.Post(t, w.tokens[role], "/graphql", "application/json", b) // fills the query cache
				before := graph.DirectReads(doc)
				res := s.Post(t, w.tokens[role], "/graphql", "application/json", b)
				got := answer(t, res)
				want := answer(t, generic.Post(t, w.tokens[role], "/graphql", "application/json", b))
				if got != want {
					t.Fatalf("%s: the direct path answers differently\n%s\n%s\ndirect: %s\ngqlgen: %s", role, r.doc, b, got, want)
				}
				if res.Header.Get("Content-Type") != "application/json" {
					t.Fatalf("content type %q", res.Header.Get("Content-Type"))
				}
				direct := graph.DirectReads(doc) > before
				asked++
				if direct {
					taken++
				}
				if len(res.Errors) > 0 {
					withErrors++
					if direct {
						t.Fatalf("%s: an answer with errors came from the direct path: %s", role, res.Body)
					}
				}
				if r.want == 1 && (role == rOwner || role == rPlatform || role == rAuditor || role == rRead) && !direct {
					t.Fatalf("%s: %s did not take the direct path: %s", role, b, res.Body)
				}
				if r.want == -1 && direct {
					t.Fatalf("%s: %s took the direct path", role, b)
				}
			}
		}
		t.Logf("%d requests × callers: %d answered by the direct path, %d with errors", asked, taken, withErrors)
		if taken < asked/4 {
			t.Fatalf("only %d of %d requests took the direct path", taken, asked)
		}
	}, noRateLimits)
}
