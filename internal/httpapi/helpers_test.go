package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/trailmark/trailmark/graph"
	"github.com/trailmark/trailmark/internal/auth"
	"github.com/trailmark/trailmark/internal/db"
	"github.com/trailmark/trailmark/internal/ids"
	"github.com/trailmark/trailmark/internal/metrics"
	"github.com/trailmark/trailmark/internal/viewer"
)

// logBuffer collects what the server logs, for assertions on log content.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

type testServer struct {
	*httptest.Server
	// admin is a platform admin's session token, for requests that must
	// get past the privacy rules (anonymous callers read nothing).
	db      *db.DB
	admin   string
	log     *logBuffer
	metrics *metrics.Metrics
	api     *API
}

// startAPI serves the real HTTP stack over d with schema (nil: Trailmark's).
func startAPI(t *testing.T, d *db.DB, cfg Config, schema graphql.ExecutableSchema) *testServer {
	t.Helper()
	if schema == nil {
		schema = graph.NewSchema(&graph.Resolver{DB: d, Client: d.Client})
	}
	lb := &logBuffer{}
	m := metrics.New()
	m.RegisterDB(d.SQL, "trailmark")
	api := New(cfg, Deps{
		DB: d, Schema: schema, Metrics: m,
		Log:  slog.New(slog.NewJSONHandler(lb, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Auth: &auth.Authenticator{Client: d.Client},
	})
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	return &testServer{Server: srv, db: d, log: lb, metrics: m, api: api}
}

type gqlResponse struct {
	Status int
	Data   map[string]json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Path       []any          `json:"path"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
	Header http.Header
	Raw    string
}

func (r gqlResponse) code(i int) string {
	if i >= len(r.Errors) {
		return ""
	}
	c, _ := r.Errors[i].Extensions["code"].(string)
	return c
}

// post sends a GraphQL request as JSON; header pairs are optional.
func (s *testServer) post(t *testing.T, query string, vars map[string]any, header ...string) gqlResponse {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	return s.postRaw(t, "application/json", body, header...)
}

func (s *testServer) postRaw(t *testing.T, contentType string, body []byte, header ...string) gqlResponse {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return s.do(t, req)
}

func (s *testServer) get(t *testing.T, query string, header ...string) gqlResponse {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/graphql?query="+url.QueryEscape(query), nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return s.do(t, req)
}

func (s *testServer) do(t *testing.T, req *http.Request) gqlResponse {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	out := gqlResponse{Status: resp.StatusCode, Header: resp.Header, Raw: string(raw)}
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("response is not GraphQL JSON (status %d): %s", resp.StatusCode, raw)
	}
	return out
}

// fakeSchema is a minimal executable schema whose root fields call Go
// functions, so tests can make a resolver fail in a chosen way (a real ent
// error, a panic, a timeout) and watch it cross the real HTTP stack and
// error presenter. It resolves root fields the way gqlgen's generated code
// does: errors through graphql.AddError, panics through graphql.Recover.
type fakeSchema struct {
	schema    *ast.Schema
	resolvers map[string]func(ctx context.Context) (any, error)
}

func newFakeSchema(t *testing.T, resolvers map[string]func(ctx context.Context) (any, error)) fakeSchema {
	t.Helper()
	var sdl strings.Builder
	sdl.WriteString("type Query {\n")
	for name := range resolvers {
		sdl.WriteString("  " + name + ": String\n")
	}
	sdl.WriteString("}\ntype Mutation { noop: String }\n")
	s, err := gqlparser.LoadSchema(&ast.Source{Name: "fake.graphqls", Input: sdl.String()})
	if err != nil {
		t.Fatal(err)
	}
	return fakeSchema{schema: s, resolvers: resolvers}
}

func (f fakeSchema) Schema() *ast.Schema { return f.schema }

func (f fakeSchema) Complexity(context.Context, string, string, int, map[string]any) (int, bool) {
	return 0, false
}

func (f fakeSchema) Exec(ctx context.Context) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	done := false
	// Resolve lazily, in the response context, as generated code does.
	return func(ctx context.Context) *graphql.Response {
		if done {
			return nil
		}
		done = true
		data := map[string]any{}
		for _, field := range graphql.CollectFields(oc, oc.Operation.SelectionSet, []string{"Query"}) {
			fctx := graphql.WithFieldContext(ctx, &graphql.FieldContext{Object: "Query", Field: field, IsResolver: true})
			data[field.Alias] = f.resolve(fctx, field.Name)
		}
		b, _ := json.Marshal(data)
		return &graphql.Response{Data: b}
	}
}

func (f fakeSchema) resolve(ctx context.Context, name string) (out any) {
	defer func() {
		if p := recover(); p != nil {
			graphql.AddError(ctx, graphql.Recover(ctx, p))
			out = nil
		}
	}()
	if name == "__typename" {
		return "Query"
	}
	v, err := f.resolvers[name](ctx)
	if err != nil {
		graphql.AddError(ctx, err)
		return nil
	}
	return v
}

// sessionToken creates a user with a session and returns its bearer token.
func sessionToken(t *testing.T, d *db.DB) string {
	t.Helper()
	ctx := viewer.NewContext(context.Background(), viewer.SystemViewer())
	u, err := d.Client.User.Create().SetEmail("someone@example.test").SetName("Someone").Save(ctx)
	if err != nil {
		t.Fatal(err)
	}
	token := auth.NewSessionToken()
	if _, err := d.Client.Session.Create().SetUserID(u.ID).SetTokenHash(auth.HashToken(token)).
		SetExpiresAt(time.Now().Add(time.Hour)).Save(ctx); err != nil {
		t.Fatal(err)
	}
	return token
}

// adminToken signs in a new platform admin.
func adminToken(t *testing.T, d *db.DB) string {
	t.Helper()
	ctx := viewer.NewContext(context.Background(), viewer.SystemViewer())
	u, err := d.Client.User.Create().SetEmail(ids.New("User") + "@example.test").SetName("Admin").
		SetIsPlatformAdmin(true).Save(ctx)
	if err != nil {
		t.Fatal(err)
	}
	token := auth.NewSessionToken()
	if _, err := d.Client.Session.Create().SetUserID(u.ID).SetTokenHash(auth.HashToken(token)).
		SetExpiresAt(time.Now().Add(time.Hour)).Save(ctx); err != nil {
		t.Fatal(err)
	}
	return token
}

// asAdmin is the header pair of a platform admin's token (made on first use).
func (s *testServer) asAdmin(t *testing.T) []string {
	if s.admin == "" {
		s.admin = adminToken(t, s.db)
	}
	return []string{"Authorization", "Bearer " + s.admin}
}
