package httpapi

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/trailmark/trailmark/graph"
	"github.com/trailmark/trailmark/internal/testdb"
)

// nested returns `{ __schema { types { fields { type { ofType … } } } } }`
// nested depth levels deep: introspection is not priced by complexity, so
// only the depth limit stops it.
func nestedIntrospection(depth int) string {
	var b strings.Builder
	b.WriteString("{ __schema { types { fields { type {")
	for i := 4; i < depth-1; i++ {
		b.WriteString(" ofType {")
	}
	b.WriteString(" name")
	for i := 4; i < depth-1; i++ {
		b.WriteString(" }")
	}
	b.WriteString(" } } } } }")
	return b.String()
}

func aliases(n int) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		fmt.Fprintf(&b, " a%d: __typename", i)
	}
	b.WriteString(" }")
	return b.String()
}

// fragmentBomb doubles the fields at each of n fragments: 2^n fields once
// expanded, from a document of a few hundred bytes.
func fragmentBomb(n int) string {
	var b strings.Builder
	b.WriteString("query Bomb { ...F0 }\n")
	for i := range n {
		fmt.Fprintf(&b, "fragment F%d on Query { ...F%d tenants(first: 1) { totalCount } ...F%d }\n", i, i+1, i+1)
	}
	fmt.Fprintf(&b, "fragment F%d on Query { tenants(first: 1) { totalCount } }\n", n)
	return b.String()
}

func TestLimits(t *testing.T) {
	d := testdb.Open(t, dialect.SQLite)
	srv := startAPI(t, d, Config{Introspection: true}, nil)

	bigPage := `query BigPage {
	  auditEntries(first: 1000) {
	    totalCount
	    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
	    edges { cursor node {
	      id occurredAt receivedAt action resourceType resourceID resourceName workspace status
	      oldValue newValue metadata idempotencyKey hash
	      actor { type id name email }
	      changes { path old new }
	      tenant { id slug name }
	      request { method path sourceIP userAgent }
	    } }
	  }
	}`
	tooComplex := `{ tenants(first: 1000) { edges { node {
	  members(first: 1000) { edges { node { user { name } } } } } } } }`

	cases := []struct {
		name   string
		query  string
		status int
		code   string
		msg    string
	}{
		{"100 aliases", aliases(100), 200, "", ""},
		{"101 aliases", aliases(101), 422, "QUERY_TOO_COMPLEX", "101 aliases"},
		{"depth 15 introspection", nestedIntrospection(15), 200, "", ""},
		{"depth 16 introspection", nestedIntrospection(16), 422, "QUERY_TOO_COMPLEX", "16 levels"},
		{"depth 50 introspection", nestedIntrospection(50), 422, "QUERY_TOO_COMPLEX", "50 levels"},
		{"depth 50 data", deepData(50), 422, "QUERY_TOO_COMPLEX", "levels"},
		{"complexity", tooComplex, 422, "QUERY_TOO_COMPLEX", "complexity"},
		{"fragment bomb", fragmentBomb(60), 422, "QUERY_TOO_COMPLEX", "selected more than 50 times"},
		{"tokens", "{" + strings.Repeat(" __typename", 15_001) + " }", 422, "QUERY_TOO_COMPLEX", "token"},
		{"big page accepted", bigPage, 200, "not QUERY_TOO_COMPLEX", ""},
		{"tenants page of 1000", `{ tenants(first: 1000) { totalCount edges { cursor node { id slug name createdAt retentionDays } } pageInfo { hasNextPage endCursor } } }`, 200, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			r := srv.post(t, c.query, nil, srv.asAdmin(t)...)
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("took %v: a limit must answer fast", took)
			}
			if r.Status != c.status {
				t.Fatalf("status %d, want %d: %.500s", r.Status, c.status, r.Raw)
			}
			switch c.code {
			case "":
				if len(r.Errors) != 0 {
					t.Fatalf("want no errors: %.500s", r.Raw)
				}
			case "not QUERY_TOO_COMPLEX":
				for i := range r.Errors {
					if r.code(i) == graph.CodeTooComplex {
						t.Fatalf("a normal big page must pass the limits: %.500s", r.Raw)
					}
				}
			default:
				if r.code(0) != c.code || !strings.Contains(r.Errors[0].Message, c.msg) {
					t.Fatalf("want %s mentioning %q: %.500s", c.code, c.msg, r.Raw)
				}
			}
		})
	}

	t.Run("limits are configurable", func(t *testing.T) {
		strict := startAPI(t, d, Config{Limits: graph.Limits{MaxAliases: 2, MaxDepth: 3, MaxComplexity: 50, MaxTokens: 30}}, nil)
		for q, msg := range map[string]string{
			aliases(3):                                     "3 aliases",
			`{ tenants { edges { node { id } } } }`:        "4 levels",
			`{ tenants(first: 100) { edges { cursor } } }`: "complexity",
			"{" + strings.Repeat(" __typename", 40) + " }": "token",
		} {
			if r := strict.post(t, q, nil); r.code(0) != graph.CodeTooComplex || !strings.Contains(r.Errors[0].Message, msg) {
				t.Errorf("%s: want QUERY_TOO_COMPLEX %q: %s", q, msg, r.Raw)
			}
		}
		off := startAPI(t, d, Config{Limits: graph.Limits{MaxAliases: -1}}, nil)
		if r := off.post(t, aliases(150), nil); len(r.Errors) != 0 {
			t.Errorf("a negative limit switches it off: %.300s", r.Raw)
		}
	})
}

// deepData nests tenant → members → tenant … levels deep through real
// object fields.
func deepData(levels int) string {
	var b strings.Builder
	b.WriteString("{ tenants(first: 1) { edges { node {")
	depth, closers := 4, 3
	for depth+4 <= levels {
		b.WriteString(" members(first: 1) { edges { node { tenant {")
		depth += 4
		closers += 4
	}
	b.WriteString(" id")
	b.WriteString(strings.Repeat(" }", closers+1))
	return b.String()
}

func TestBodyLimits(t *testing.T) {
	d := testdb.Open(t, dialect.SQLite)
	srv := startAPI(t, d, Config{}, nil)

	// padding makes a request body of about n bytes with a valid document.
	padded := func(query string, n int) []byte {
		b, _ := json.Marshal(map[string]any{
			"query":     query,
			"variables": map[string]any{"pad": strings.Repeat("x", n)},
		})
		return b
	}
	ingest := `mutation Ingest($tenant: ID!, $entries: [AuditEntryInput!]!) {
	  recordAuditEntries(tenantID: $tenant, entries: $entries) { created } }`
	// A 2 MiB batch of entries, without the tenant variable: it passes the
	// body cap and then fails validation, which proves it reached gqlgen.
	entries := make([]map[string]any, 0, 2000)
	for i := range 2000 {
		entries = append(entries, map[string]any{"action": "document.update", "resourceType": "document",
			"resourceID": fmt.Sprintf("doc_%d", i), "metadata": map[string]any{"note": strings.Repeat("n", 1000)}})
	}
	bigIngest, _ := json.Marshal(map[string]any{"query": ingest, "variables": map[string]any{"entries": entries}})
	if len(bigIngest) < 2<<20 {
		t.Fatalf("ingest body is only %d bytes", len(bigIngest))
	}

	cases := []struct {
		name   string
		body   []byte
		status int
		code   string
	}{
		{"small query", padded(`{ __typename }`, 1000), 200, ""},
		{"query just under 1 MiB", padded(`{ __typename }`, 1<<20-100), 200, ""},
		{"2 MiB query", padded(`{ __typename }`, 2<<20), 413, "QUERY_TOO_COMPLEX"},
		{"2 MiB other mutation", padded(`mutation { ping }`, 2<<20), 413, "QUERY_TOO_COMPLEX"},
		{"2 MiB mixed document", padded(ingest+` query Q { __typename }`, 2<<20), 413, "QUERY_TOO_COMPLEX"},
		{"2 MiB ingest", bigIngest, 422, "GRAPHQL_VALIDATION_FAILED"},
		{"9 MiB ingest", padded(ingest, 9<<20), 413, "QUERY_TOO_COMPLEX"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := srv.postRaw(t, "application/json", c.body)
			if r.Status != c.status || r.code(0) != c.code {
				t.Fatalf("got %d %q, want %d %q: %.300s", r.Status, r.code(0), c.status, c.code, r.Raw)
			}
			if c.code == "QUERY_TOO_COMPLEX" && !strings.Contains(r.Errors[0].Message, "MiB") {
				t.Errorf("message should name the limit: %s", r.Errors[0].Message)
			}
		})
	}
}

// TestIntrospectionQueryFitsLimits: the playground's full introspection
// query (graphql-js getIntrospectionQuery with every option, typeDepth 9)
// must pass the default depth limit.
func TestIntrospectionQueryFitsLimits(t *testing.T) {
	q, err := os.ReadFile("testdata/graphiql-introspection.graphql")
	if err != nil {
		t.Fatal(err)
	}
	srv := startAPI(t, testdb.Open(t, dialect.SQLite), Config{Introspection: true}, nil)
	r := srv.post(t, string(q), nil)
	if r.Status != 200 || len(r.Errors) != 0 || !strings.Contains(r.Raw, `"AuditEntry"`) {
		t.Fatalf("introspection: %d %.500s", r.Status, r.Raw)
	}
}
