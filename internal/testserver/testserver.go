// Package testserver runs the real Trailmark App (internal/app) on a fresh
// database behind an httptest server, for tests that go through GraphQL over
// HTTP and WebSocket exactly as clients do.
//
//	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
//		admin := s.PlatformAdmin(t)
//		res := s.GraphQL(t, admin, `{ tenants { totalCount } }`, nil)
//		res.NoErrors(t)
//	})
//
// Fixtures (CreateTenant, CreateUser, AddMember, SessionToken, APIKey…) write
// directly to the database as Trailmark itself; everything under test goes
// through HTTP.
package testserver

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/privacy"
	"github.com/trailmark/trailmark/internal/app"
	"github.com/trailmark/trailmark/internal/db"
	"github.com/trailmark/trailmark/internal/httpapi"
	"github.com/trailmark/trailmark/internal/ledger"
	"github.com/trailmark/trailmark/internal/testdb"
)

// Server is a running App on a test database.
type Server struct {
	*httptest.Server
	DB  *db.DB
	App *app.App
	// Config is the App's configuration, options applied.
	Config app.Config
}

// Option adjusts the App configuration of a test server.
type Option func(*app.Config)

// New starts a server on a fresh database of dialect dia.
func New(t testing.TB, dia string, opts ...Option) *Server {
	t.Helper()
	return NewOnDB(t, testdb.Open(t, dia), opts...)
}

// NewOnDB starts a server on an open, migrated database (two servers may
// share one to test replicas).
func NewOnDB(t testing.TB, d *db.DB, opts ...Option) *Server {
	t.Helper()
	cfg := app.Config{
		HTTP:    httpapi.Config{Introspection: true},
		DataDir: t.TempDir(),
		// Entries are in a signed checkpoint within a few hundred ms.
		Ledger: ledger.Config{Origin: "test.trailmark", MergeDelay: 100 * time.Millisecond, CheckpointEvery: 100 * time.Millisecond},
	}
	for _, o := range opts {
		o(&cfg)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if os.Getenv("TRAILMARK_TEST_LOG") != "" {
		log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	// Each server gets its own ent client, as a separate replica would:
	// the App registers hooks (the live tail's) on its client.
	slots := db.NewReadSlots(d.ReadConns)
	d = &db.DB{
		Client:    ent.NewClient(ent.Driver(db.GateReadsWith(entsql.OpenDB(d.Dialect, d.SQL), slots))),
		SQL:       d.SQL,
		Dialect:   d.Dialect,
		URL:       d.URL,
		ReadConns: d.ReadConns,
		ReadSlots: slots,
	}
	a, err := app.New(context.Background(), cfg, d, log)
	if err != nil {
		t.Fatalf("start app: %v", err)
	}
	hs := httptest.NewServer(a.Handler)
	s := &Server{Server: hs, DB: d, App: a, Config: cfg}
	t.Cleanup(func() {
		hs.CloseClientConnections()
		hs.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := a.Close(ctx); err != nil {
			t.Logf("close app: %v", err)
		}
	})
	return s
}

// Each runs fn as a parallel subtest with a fresh server on each dialect.
func Each(t *testing.T, fn func(t *testing.T, s *Server), opts ...Option) {
	t.Helper()
	for _, dia := range testdb.Dialects {
		t.Run(dia, func(t *testing.T) {
			t.Parallel()
			fn(t, New(t, dia, opts...))
		})
	}
}

// System returns a context in which fixtures bypass privacy rules.
func System(ctx context.Context) context.Context {
	return privacy.DecisionContext(ctx, privacy.Allow)
}

// Client is the ent client of the server's database (use with System(ctx)).
func (s *Server) Client() *ent.Client { return s.DB.Client }

// Response is a GraphQL HTTP response.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
	Data   json.RawMessage `json:"data"`
	Errors []Error         `json:"errors"`
}

// Error is one GraphQL error.
type Error struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

// Code is the extensions.code of the error.
func (e Error) Code() string { s, _ := e.Extensions["code"].(string); return s }

// GraphQL POSTs a query with a bearer token ("" for anonymous).
func (s *Server) GraphQL(t testing.TB, token, query string, vars map[string]any) *Response {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	return s.Post(t, token, "/graphql", "application/json", body)
}

// Post sends a raw POST and decodes a GraphQL-shaped answer when there is one.
func (s *Server) Post(t testing.TB, token, path, contentType string, body []byte) *Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	return s.Do(t, token, req)
}

// Do sends req with a bearer token ("" for none) and decodes the answer.
func (s *Server) Do(t testing.TB, token string, req *http.Request) *Response {
	t.Helper()
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := s.Server.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	r := &Response{Status: resp.StatusCode, Header: resp.Header, Body: b}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") ||
		strings.HasPrefix(resp.Header.Get("Content-Type"), "application/graphql-response+json") {
		_ = json.Unmarshal(b, r)
	}
	return r
}

// NoErrors fails the test when the response has errors.
func (r *Response) NoErrors(t testing.TB) *Response {
	t.Helper()
	if len(r.Errors) > 0 || r.Status != http.StatusOK {
		t.Fatalf("unexpected errors (HTTP %d): %s", r.Status, r.Body)
	}
	return r
}

// Decode unmarshals data into v.
func (r *Response) Decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Data, v); err != nil {
		t.Fatalf("decode data: %v in %s", err, r.Body)
	}
}

// Codes lists the errors' extension codes in order.
func (r *Response) Codes() []string {
	out := make([]string, len(r.Errors))
	for i, e := range r.Errors {
		out[i] = e.Code()
	}
	return out
}

// HasCode reports whether some error carries code.
func (r *Response) HasCode(code string) bool {
	for _, e := range r.Errors {
		if e.Code() == code {
			return true
		}
	}
	return false
}
