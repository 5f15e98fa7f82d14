package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/trailmark/trailmark/ent/privacy"
	"github.com/trailmark/trailmark/internal/db"
	"github.com/trailmark/trailmark/internal/testdb"
	"github.com/trailmark/trailmark/internal/viewer"
)

// TestErrorPresenter drives real ent, driver, context and panic failures
// through the HTTP stack and checks the code, field and message each one
// leaves the API with, on SQLite and PostgreSQL.
func TestErrorPresenter(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		sys := viewer.NewContext(context.Background(), viewer.SystemViewer())
		if _, err := d.Client.Tenant.Create().SetSlug("acme").SetName("Acme").Save(sys); err != nil {
			t.Fatal(err)
		}
		slowSQL := `SELECT pg_sleep(5)`
		if d.Dialect == dialect.SQLite {
			slowSQL = `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT count(*) FROM c`
		}
		schema := newFakeSchema(t, map[string]func(ctx context.Context) (any, error){
			"validation": func(ctx context.Context) (any, error) {
				ctx = viewer.NewContext(ctx, viewer.SystemViewer())
				_, err := d.Client.Tenant.Create().SetSlug("ok-slug").SetName("").Save(ctx)
				return nil, fmt.Errorf("create tenant: %w", err)
			},
			"retention": func(ctx context.Context) (any, error) {
				ctx = viewer.NewContext(ctx, viewer.SystemViewer())
				_, err := d.Client.Tenant.Create().SetSlug("r").SetName("R").SetRetentionDays(-3).Save(ctx)
				return nil, err
			},
			"conflict": func(ctx context.Context) (any, error) {
				ctx = viewer.NewContext(ctx, viewer.SystemViewer())
				_, err := d.Client.Tenant.Create().SetSlug("acme").SetName("Secret Other Corp").Save(ctx)
				return nil, fmt.Errorf("create tenant: %w", err)
			},
			"notFound": func(ctx context.Context) (any, error) {
				ctx = viewer.NewContext(ctx, viewer.SystemViewer())
				_, err := d.Client.Tenant.Get(ctx, "ten_01J00000000000000000000000")
				return nil, err
			},
			"denied": func(ctx context.Context) (any, error) {
				return nil, fmt.Errorf("load tenant: %w", privacy.Denyf("viewer is not a member of tenant Globex"))
			},
			"timeout": func(ctx context.Context) (any, error) {
				rows, err := d.SQL.QueryContext(ctx, slowSQL)
				if err == nil {
					for rows.Next() {
					}
					err = rows.Err()
					rows.Close()
				}
				return nil, err
			},
			"unknown": func(ctx context.Context) (any, error) {
				_, err := d.SQL.ExecContext(ctx, `SELECT secret_column FROM audit_entries_secret_table`)
				return nil, fmt.Errorf("load: %w", err)
			},
			"panics": func(ctx context.Context) (any, error) {
				panic("secret panic value")
			},
			"coded": func(ctx context.Context) (any, error) {
				return nil, fmt.Errorf("wrapped: %w", &gqlerror.Error{Message: "filter: unexpected 'x' at position 9",
					Extensions: map[string]any{"code": "BAD_USER_INPUT", "position": 9}})
			},
			"fine": func(ctx context.Context) (any, error) { return "yes", nil },
		})
		srv := startAPI(t, d, Config{RequestTimeout: 300 * time.Millisecond}, schema)
		token := sessionToken(t, d)

		cases := []struct {
			field, user string
			code        string
			errField    string
			msgHas      []string
			msgHasNot   []string
		}{
			{field: "validation", code: "BAD_USER_INPUT", errField: "name", msgHas: []string{"name:"}, msgHasNot: []string{"ent:", "Tenant.name"}},
			{field: "retention", code: "BAD_USER_INPUT", errField: "retentionDays"},
			{field: "conflict", code: "CONFLICT", msgHasNot: []string{"tenants", "slug_key", "UNIQUE", "Secret Other Corp", "pq:", "insert"}},
			{field: "notFound", code: "NOT_FOUND", msgHas: []string{"tenant not found"}},
			{field: "denied", code: "UNAUTHENTICATED", msgHasNot: []string{"Globex"}},
			{field: "denied", user: "signed in", code: "FORBIDDEN", msgHasNot: []string{"Globex"}},
			{field: "timeout", code: "UNAVAILABLE", msgHas: []string{"in time", "request id"}, msgHasNot: []string{"pg_sleep", "RECURSIVE"}},
			{field: "unknown", code: "INTERNAL", msgHas: []string{"request id"}, msgHasNot: []string{"secret", "SELECT", "audit_entries"}},
			{field: "panics", code: "INTERNAL", msgHas: []string{"request id"}, msgHasNot: []string{"secret", "goroutine", ".go:"}},
			{field: "coded", code: "BAD_USER_INPUT", msgHas: []string{"position 9"}},
		}
		for _, c := range cases {
			t.Run(c.field+"/"+c.user, func(t *testing.T) {
				var hdr []string
				if c.user != "" {
					hdr = []string{"Authorization", "Bearer " + token}
				}
				r := srv.post(t, `query Probe { fine `+c.field+` }`, nil, hdr...)
				status := http.StatusOK
				if c.code == "UNAVAILABLE" { // the server's failure: retry
					status = http.StatusServiceUnavailable
				}
				if r.Status != status || len(r.Errors) != 1 {
					t.Fatalf("status %d, want %d with one error: %s", r.Status, status, r.Raw)
				}
				e := r.Errors[0]
				if r.code(0) != c.code {
					t.Fatalf("code %q, want %q: %s", r.code(0), c.code, r.Raw)
				}
				if f, _ := e.Extensions["field"].(string); f != c.errField {
					t.Errorf("field %q, want %q", f, c.errField)
				}
				if len(e.Path) != 1 || e.Path[0] != c.field {
					t.Errorf("path %v, want [%s]", e.Path, c.field)
				}
				if string(r.Data["fine"]) != `"yes"` || string(r.Data[c.field]) != "null" {
					t.Errorf("the rest of the response must survive: %s", r.Raw)
				}
				for _, s := range c.msgHas {
					if !strings.Contains(e.Message, s) {
						t.Errorf("message %q lacks %q", e.Message, s)
					}
				}
				for _, s := range c.msgHasNot {
					if strings.Contains(strings.ToLower(e.Message), strings.ToLower(s)) {
						t.Errorf("message %q leaks %q", e.Message, s)
					}
				}
				if c.code == "INTERNAL" || c.code == "UNAVAILABLE" {
					id, _ := e.Extensions["requestId"].(string)
					if id == "" || id != r.Header.Get("X-Request-ID") || !strings.Contains(e.Message, id) {
						t.Errorf("INTERNAL must carry the request id of the response header %q: %+v", r.Header.Get("X-Request-ID"), e)
					}
					// The operator can find the real cause by that id.
					if !logHas(srv.log.String(), id, c.field) {
						t.Errorf("log has no line with request id %s for %s:\n%s", id, c.field, srv.log.String())
					}
				}
			})
		}
		// The log holds what the client must not see.
		logs := srv.log.String()
		for _, s := range []string{"audit_entries_secret_table", "secret panic value", "goroutine"} {
			if !strings.Contains(logs, s) {
				t.Errorf("log lacks %q", s)
			}
		}
	})
}

func logHas(logs string, all ...string) bool {
	for _, line := range strings.Split(logs, "\n") {
		ok := true
		for _, s := range all {
			ok = ok && strings.Contains(line, s)
		}
		if ok {
			return true
		}
	}
	return false
}

// TestProtocolErrors covers what fails before any resolver runs, on the
// real schema: every answer carries a code, and gqlgen's parse and
// validation codes are kept.
func TestProtocolErrors(t *testing.T) {
	d := testdb.Open(t, dialect.SQLite)
	srv := startAPI(t, d, Config{}, nil)

	cases := []struct {
		name   string
		send   func() gqlResponse
		status int
		code   string
		field  string
		hasNot string
	}{
		{"parse", func() gqlResponse { return srv.post(t, `{ tenants {`, nil) }, 422, "GRAPHQL_PARSE_FAILED", "", ""},
		{"validation", func() gqlResponse { return srv.post(t, `{ noSuchField }`, nil) }, 422, "GRAPHQL_VALIDATION_FAILED", "", ""},
		{"variables", func() gqlResponse {
			return srv.post(t, `query($n: Int!) { tenants(first: $n) { totalCount } }`, map[string]any{"n": "x"})
		}, 422, "GRAPHQL_VALIDATION_FAILED", "", ""},
		{"bad argument value", func() gqlResponse {
			return srv.post(t, `{ tenants(after: "%%% not a cursor") { totalCount } }`, nil)
		}, 200, "BAD_USER_INPUT", "after", ""},
		{"page size", func() gqlResponse { return srv.post(t, `{ tenants(first: 1001) { totalCount } }`, nil) }, 200, "BAD_USER_INPUT", "first", ""},
		{"bad json", func() gqlResponse {
			return srv.postRaw(t, "application/json", []byte(`{"query": "{ tenants { totalCount } }", "variables": {"password": "hunter2"`))
		}, 400, "BAD_USER_INPUT", "", "hunter2"},
		{"content type", func() gqlResponse {
			return srv.postRaw(t, "text/plain", []byte(`{"query":"{ __typename }"}`))
		}, 415, "BAD_USER_INPUT", "", ""},
		{"method", func() gqlResponse {
			req, _ := newRequest("PUT", srv.URL+"/graphql", `{"query":"{ __typename }"}`)
			return srv.do(t, req)
		}, 405, "BAD_USER_INPUT", "", ""},
		{"mutation over GET", func() gqlResponse { return srv.get(t, `mutation { ping }`) }, 405, "BAD_USER_INPUT", "", ""},
		{"no operation", func() gqlResponse { return srv.post(t, ``, nil) }, 422, "GRAPHQL_VALIDATION_FAILED", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := c.send()
			if r.Status != c.status || r.code(0) != c.code {
				t.Fatalf("got %d %q, want %d %q: %s", r.Status, r.code(0), c.status, c.code, r.Raw)
			}
			if f, _ := r.Errors[0].Extensions["field"].(string); f != c.field {
				t.Errorf("field %q, want %q", f, c.field)
			}
			if c.hasNot != "" && strings.Contains(r.Raw, c.hasNot) {
				t.Errorf("response echoes %q: %s", c.hasNot, r.Raw)
			}
		})
	}

	t.Run("GET query allowed", func(t *testing.T) {
		r := srv.get(t, `query Count { tenants { totalCount } }`, srv.asAdmin(t)...)
		if r.Status != 200 || len(r.Errors) != 0 || string(r.Data["tenants"]) != `{"totalCount":0}` {
			t.Fatalf("GET query: %d %s", r.Status, r.Raw)
		}
	})
	t.Run("introspection switch", func(t *testing.T) {
		q := `{ __schema { queryType { name } } }`
		if r := srv.post(t, q, nil); r.code(0) != "FORBIDDEN" || strings.Contains(r.Raw, `"Query"`) {
			t.Fatalf("introspection switched off must be FORBIDDEN: %s", r.Raw)
		}
		on := startAPI(t, d, Config{Introspection: true}, nil)
		if r := on.post(t, q, nil); len(r.Errors) != 0 || !strings.Contains(r.Raw, `"Query"`) {
			t.Fatalf("introspection enabled: %s", r.Raw)
		}
	})
}

func newRequest(method, url, body string) (*http.Request, error) {
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err == nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, err
}
