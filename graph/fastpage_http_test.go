package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
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

// The fast page marshaller (graph.FastPage) must answer exactly what
// gqlgen's per-field execution answers. TestFastPageSameAsGqlgen runs
// generated selections of every AuditEntry field (aliases, fragments,
// @include/@skip with variables, __typename, tenant, actor, request, fields
// the fast path leaves to gqlgen) for every kind of caller through two
// servers on one database, one with the fast path and one without
// (httpapi.Config.SlowPages), and compares the answers byte for byte: the
// data, the errors (sorted when there are several: gqlgen appends them from
// concurrent goroutines) with the request id blanked, and the status.

// nodeBits are the pieces a node selection is drawn from.
var nodeBits = []string{
	"id", "__typename", "occurredAt", "receivedAt", "action", "resourceType", "resourceID", "resourceName",
	"workspace", "status", "oldValue", "newValue", "metadata", "idempotencyKey", "hash",
	"tenant { id }", "tenant { __typename id slug name createdAt retentionDays }",
	"actor { id name }", "actor { type id name email __typename }", "actor { email }", "who: actor { n: name t: type }",
	"request { method path operationName payload sourceIP userAgent httpStatus __typename }", "request { sourceIP }",
	"a1: action", "when: occurredAt", "...entryBits", "... on Node { id }", "... on AuditEntry { hash status }",
	"action @include(if: $yes)", "resourceName @skip(if: $yes)", "workspace @include(if: $no)", "metadata @skip(if: $no)",
	"... @include(if: $yes) { actor { name } }", "... on AuditEntry @skip(if: $yes) { oldValue }",
	"actor { id } actor { name }", "action action", "changes { path old new }", "changes { __typename n: new path }", "seq", "leaf: seq",
	// Left to gqlgen.
	"actor { user { id } }",
}

// connBits wrap a node selection into the connection's.
var connBits = []string{
	"edges { node { %s } }",
	"edges { cursor node { %s } } pageInfo { hasNextPage endCursor }",
	"totalCount edges { cursor __typename node { %s } } pageInfo { __typename hasNextPage hasPreviousPage startCursor endCursor }",
	"__typename rows: edges { n: node { %s } } totalCount",
	"...connBits edges { node { %s } }",
	"edges @include(if: $yes) { node { %s } } pageInfo @skip(if: $yes) { hasNextPage }",
	"totalCount totalCountCapped totalCountEstimated edges { node { %s } }",
}

// selections returns n generated selection sets of the connection.
func selections(n int) []string {
	rng := rand.New(rand.NewPCG(12, 2026))
	out := []string{
		// The peer benchmark's read selection.
		"totalCount edges { cursor node { id tenant { id } occurredAt action resourceType resourceID actor { id name } idempotencyKey oldValue newValue metadata } } pageInfo { hasNextPage endCursor }",
		// The SPA's audit table.
		"totalCount edges { node { id occurredAt receivedAt action resourceType resourceID resourceName workspace status tenant { id slug name } actor { type id name email } oldValue newValue changes { path old new } metadata idempotencyKey hash } }",
	}
	for len(out) < n {
		k := 1 + rng.IntN(8)
		var parts []string
		for range k {
			parts = append(parts, nodeBits[rng.IntN(len(nodeBits))])
		}
		out = append(out, fmt.Sprintf(connBits[rng.IntN(len(connBits))], strings.Join(parts, " ")))
	}
	return out
}

// document makes a query of a connection selection under the given
// auditEntries arguments, declaring the variables and fragments it uses.
func document(args []string, sel string) string {
	var roots []string
	for i, a := range args {
		roots = append(roots, fmt.Sprintf("r%d: auditEntries(%s) { %s }", i, a, sel))
	}
	body := strings.Join(roots, " ")
	var vars []string
	for _, v := range []string{"$t: ID", "$yes: Boolean!", "$no: Boolean!"} {
		if strings.Contains(body, v[:strings.Index(v, ":")]) {
			vars = append(vars, v)
		}
	}
	doc := "query Page"
	if len(vars) > 0 {
		doc += "(" + strings.Join(vars, ", ") + ")"
	}
	doc += " { " + body + " }"
	if strings.Contains(body, "...entryBits") {
		doc += " fragment entryBits on AuditEntry { id action actor { id type } }"
	}
	if strings.Contains(body, "...connBits") {
		doc += " fragment connBits on AuditEntryConnection { totalCount pageInfo { hasPreviousPage } }"
	}
	return doc
}

var requestID = regexp.MustCompile(`"requestId":"[^"]*"|request id [0-9A-Za-z_-]+`)

// answer is what is compared of a response.
func answer(t *testing.T, res *testserver.Response) string {
	t.Helper()
	var body struct {
		Data       json.RawMessage   `json:"data"`
		Errors     []json.RawMessage `json:"errors"`
		Extensions json.RawMessage   `json:"extensions"`
	}
	if err := json.Unmarshal(res.Body, &body); err != nil {
		t.Fatalf("decode %s: %v", res.Body, err)
	}
	errs := make([]string, len(body.Errors))
	for i, e := range body.Errors {
		errs[i] = requestID.ReplaceAllString(string(e), "REQUEST-ID")
	}
	slices.Sort(errs)
	return fmt.Sprintf("status %d\ndata %s\nerrors %s\nextensions %s", res.Status, body.Data, strings.Join(errs, "\n"), body.Extensions)
}

// noRateLimits lets the test send hundreds of requests per caller (the
// anonymous caller's limit is per address, and would answer 429 on one
// server and not the other).
func noRateLimits(c *app.Config) { c.Auth.RateLimits.Disabled = true }

func TestFastPageSameAsGqlgen(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		slow := testserver.NewOnDB(t, s.DB, noRateLimits, func(c *app.Config) { c.HTTP.SlowPages = true })
		w := newWorld(t, s)
		addVariedEntries(t, s, w.acme.ID)
		// A user of the foreign tenant only.
		_, w.tokens["foreign OWNER"] = s.Member(t, w.foreign.ID, schematype.RoleOwner, nil)
		roles := append(slices.Clone(allRoles), "foreign OWNER")
		waitSequenced(t, s, w.tokens[rPlatform])

		view := `where: {actionNEQ: "` + audit.ViewAction + `"}` // reads add view entries as they go
		argSets := [][]string{
			{"tenantID: $t, first: 8, " + view},
			{"tenantID: $t, first: 3, offset: 2, " + view, "tenantID: $t, last: 2, " + view},
			{"first: 8, " + view},
			{"platform: true, first: 4, " + view},
			{"tenantID: $t, first: 5, orderBy: {field: ACTION, direction: ASC}, " + view},
			{"tenantID: $t, last: 4, orderBy: {field: RECEIVED_AT}, " + view},
			{"tenantID: $t, first: 5000"}, // refused by the resolver: gqlgen's error on both sides
			{"tenantID: $t, first: 4, search: \"thing\", " + view, "first: 4, search: \"a\", " + view, "tenantID: $t, search: \"odd\", " + view},
		}
		vars := map[string]any{"t": w.acme.ID, "yes": true, "no": false}
		sels := selections(60)
		tag := " # " + t.Name()
		asked, taken, withErrors := 0, 0, 0
		for _, role := range roles {
			for i, sel := range sels {
				args := argSets[i%len(argSets)]
				doc := document(args, sel) + tag
				v := map[string]any{}
				for k, x := range vars {
					if strings.Contains(doc, "$"+k) {
						v[k] = x
					}
				}
				before := graph.FastPagesWritten(doc)
				res := s.GraphQL(t, w.tokens[role], doc, v)
				fast := answer(t, res)
				gq := answer(t, slow.GraphQL(t, w.tokens[role], doc, v))
				if fast != gq {
					t.Fatalf("%s: the fast path answers differently\n%s\nfast: %s\ngqlgen: %s", role, doc, fast, gq)
				}
				asked++
				if graph.FastPagesWritten(doc) > before {
					taken++
				}
				if len(res.Errors) > 0 {
					withErrors++
				}
			}
		}
		t.Logf("%d documents × callers: %d took the fast path (for at least one root field), %d answered errors", asked, taken, withErrors)
		if taken < asked/4 {
			t.Fatalf("only %d of %d documents took the fast path", taken, asked)
		}

		// The fast path must have written pages, not left everything to
		// gqlgen, and must have left the fields it does not cover to it.
		peer := document(argSets[0], sels[0]) + tag
		if n := graph.FastPagesWritten(peer); n == 0 {
			t.Fatalf("the peer selection never took the fast path")
		}
		for _, role := range []string{rMember, rAuditor} {
			for _, sel := range []string{
				"edges { node { id inclusionProof { treeSize } } }",
				"edges { node { id actor { user { id } } } }",
			} {
				doc := document(argSets[0], sel) + tag + " " + role
				s.GraphQL(t, w.tokens[role], doc, map[string]any{"t": w.acme.ID}).NoErrors(t)
				if n := graph.FastPagesWritten(doc); n != 0 {
					t.Fatalf("%s: %s took the fast path", role, sel)
				}
			}
		}
	}, noRateLimits)
}

// TestFastPageRules checks that a field rule the viewer fails leaves the
// page to gqlgen (null and FORBIDDEN at the field), and that one it passes
// is written by the fast path.
func TestFastPageRules(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		w := newWorld(t, s)
		tag := " # " + t.Name()
		for _, c := range []struct {
			role, sel string
			fast      bool
		}{
			{rAuditor, "edges { node { request { sourceIP } actor { email } } }", true},
			{rRead, "edges { node { request { sourceIP } actor { email } } }", true},
			{rMember, "edges { node { request { sourceIP } } }", false},
			{rMember, "edges { node { actor { email } } }", true}, // the MEMBER sees only its own entry: itself
			{rWsAdmin, "edges { node { actor { email } } }", true},
			{rMember, "edges { node { action } }", true},
		} {
			doc := document([]string{`tenantID: $t, first: 10, where: {actionNEQ: "` + audit.ViewAction + `"}`}, c.sel) + tag + " " + c.role
			res := s.GraphQL(t, w.tokens[c.role], doc, map[string]any{"t": w.acme.ID})
			if c.fast != (graph.FastPagesWritten(doc) > 0) {
				t.Fatalf("%s %s: fast path taken = %v, want %v: %s", c.role, c.sel, !c.fast, c.fast, res.Body)
			}
			if !c.fast && !forbiddenAt(res, "request") {
				t.Fatalf("%s: want FORBIDDEN at request: %s", c.role, res.Body)
			}
			if c.fast {
				res.NoErrors(t)
			}
		}
	})
}

// waitSequenced waits until every entry but the view log's has its seq:
// the sequencer numbers them shortly after they commit, and a seq that
// appears between the two servers' answers would differ for that reason.
func waitSequenced(t *testing.T, s *testserver.Server, platformAdmin string) {
	t.Helper()
	q := `query($p: Boolean) { auditEntries(platform: $p, first: 100, where: {actionNEQ: "` + audit.ViewAction + `"}) { edges { node { seq } } } }`
	deadline := time.Now().Add(10 * time.Second)
	for _, platform := range []bool{false, true} {
		for {
			res := s.GraphQL(t, platformAdmin, q, map[string]any{"p": platform}).NoErrors(t)
			if !strings.Contains(string(res.Data), `"seq":null`) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("entries not sequenced: %s", res.Data)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// addVariedEntries records entries whose values exercise the writer:
// escapes, unicode, nulls, every JSON shape and a request.
func addVariedEntries(t *testing.T, s *testserver.Server, tenantID string) {
	t.Helper()
	ctx := testserver.System(context.Background())
	odd := "quote \" backslash \\ tab \t nl \n cr \r bell \x07 vt \v esc \x1b <tag> & é ✓ \u2028"
	for i, e := range []audit.Entry{
		{Action: "odd.strings", ResourceID: ptr(odd), ResourceName: ptr(odd), Workspace: ptr("ws-a"), IdempotencyKey: ptr("k-" + odd),
			Actor:    audit.Actor{Type: schematype.ActorUser, ID: ptr("usr_x"), Name: ptr(odd), Email: ptr("x@example.test")},
			OldValue: schematype.RawJSON(`{"a": 1, "s": "q\"uo\\te \u00e9 \n"}`),
			NewValue: schematype.RawJSON(`[1, 2.50, "three", null, {"k": [true, false]}]`),
			Metadata: schematype.RawJSON(`{"nested": {"x": "<y>"}, "n": 1e3}`),
			Request: &schematype.RequestInfo{Method: ptr("PUT"), Path: ptr("/v1/" + odd), OperationName: ptr("Op"),
				Payload: schematype.RawJSON(`{"p": "q"}`), SourceIP: ptr("192.0.2.1"), UserAgent: ptr(odd), HTTPStatus: ptr(201)}},
		{Action: "bare", Status: auditentry.StatusFAILURE, Actor: audit.Actor{Type: schematype.ActorSystem}},
		{Action: "scalars", OldValue: schematype.RawJSON(`"just a string"`), NewValue: schematype.RawJSON(`42`),
			Actor: audit.Actor{Type: schematype.ActorAPIKey, ID: ptr("key_y"), Name: ptr("deploy")}},
	} {
		e.TenantID = &tenantID
		e.OccurredAt = time.Now().Add(-time.Duration(2+i) * time.Minute)
		e.ResourceType = "thing"
		if e.Status == "" {
			e.Status = auditentry.StatusSUCCESS
		}
		if _, err := audit.Create(s.Client().AuditEntry, e).Save(ctx); err != nil {
			t.Fatal(err)
		}
	}
}
