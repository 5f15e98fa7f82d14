package app_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/app"
	"github.com/trailmark/trailmark/internal/auth"
	"github.com/trailmark/trailmark/internal/testdb"
	"github.com/trailmark/trailmark/internal/testserver"
	"github.com/trailmark/trailmark/internal/testwait"
)

// TestHungDatabase runs the app on PostgreSQL behind a proxy that, midway,
// starts accepting connections without ever answering and stops passing
// anything on the open ones. Readiness, queries, sign-in, a fresh API key and
// exports must all fail with 503 UNAVAILABLE within the request timeout
// instead of hanging; once the database is back, requests succeed again.
// (A hung network database is PostgreSQL's failure: SQLite is a local file.)
func TestHungDatabase(t *testing.T) {
	t.Parallel()
	cfg := testdb.URL(t, dialect.Postgres)
	pgURL, err := url.Parse(cfg.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := testdb.NewStallProxy(t, pgURL.Host)
	cfg.URL = proxy.ViaProxy(t, cfg.URL)
	d := testdb.OpenConfig(t, cfg)
	const requestTimeout = 2 * time.Second
	s := testserver.NewOnDB(t, d, func(c *app.Config) { c.HTTP.RequestTimeout = requestTimeout })
	defer proxy.Resume() // before the app's cleanup flushes through it

	ctx := testserver.System(context.Background())
	tn := s.CreateTenant(t, "hung")
	used, _ := s.APIKey(t, tn.ID, schematype.ScopeRead)
	fresh, _ := s.APIKey(t, tn.ID, schematype.ScopeRead)
	if _, err := auth.CreateUser(ctx, s.Client(), auth.NewUser{Email: "hung@example.com", Name: "Hung", Password: "correct horse battery"}); err != nil {
		t.Fatal(err)
	}
	entries := `query Entries($t: ID!) { auditEntries(tenantID: $t, first: 5) { edges { node { id } } } }`
	vars := map[string]any{"t": tn.ID}
	s.GraphQL(t, used, entries, vars).NoErrors(t) // the key is now cached
	export := "/export/audit-entries.csv?tenant=" + tn.ID

	proxy.Stall()

	// Generous: only bounds a failure. Each answer is due after about
	// requestTimeout (readiness: 2 s).
	const bound = 5*requestTimeout + 10*time.Second
	client := &http.Client{Timeout: bound}
	s.Server.Client().Timeout = bound // a hang fails the request, not the whole run
	timed := func(t *testing.T, what string, f func() *testserver.Response) *testserver.Response {
		t.Helper()
		start := time.Now()
		r := f()
		if took := time.Since(start); took > bound {
			t.Errorf("%s took %v with a hung database", what, took)
		}
		return r
	}
	wantUnavailable := func(t *testing.T, what string, r *testserver.Response) {
		t.Helper()
		if r.Status != http.StatusServiceUnavailable || !r.HasCode("UNAVAILABLE") {
			t.Errorf("%s with a hung database: HTTP %d %s, want 503 UNAVAILABLE", what, r.Status, r.Body)
		}
	}

	t.Run("readyz", func(t *testing.T) {
		start := time.Now()
		req, _ := http.NewRequest(http.MethodGet, s.URL+"/readyz", nil)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("/readyz with a hung database: %v", err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("/readyz: HTTP %d, want 503", resp.StatusCode)
		}
		if took := time.Since(start); took > bound {
			t.Errorf("/readyz took %v", took)
		}
	})
	t.Run("query", func(t *testing.T) {
		wantUnavailable(t, "a query", timed(t, "a query", func() *testserver.Response {
			return s.GraphQL(t, used, entries, vars)
		}))
	})
	t.Run("fresh key", func(t *testing.T) {
		wantUnavailable(t, "a fresh API key", timed(t, "a fresh API key", func() *testserver.Response {
			return s.GraphQL(t, fresh, entries, vars)
		}))
	})
	t.Run("login", func(t *testing.T) {
		wantUnavailable(t, "login", timed(t, "login", func() *testserver.Response {
			return s.GraphQL(t, "", `mutation { login(email: "hung@example.com", password: "correct horse battery") { token } }`, nil)
		}))
	})
	t.Run("export", func(t *testing.T) {
		wantUnavailable(t, "an export", timed(t, "an export", func() *testserver.Response {
			req, err := http.NewRequest(http.MethodGet, s.URL+export, nil)
			if err != nil {
				t.Fatal(err)
			}
			return s.Do(t, used, req)
		}))
	})

	// The database comes back: the pool recovers without a restart.
	proxy.Resume()
	testwait.Eventually(t, bound, func() (bool, string) {
		r := s.GraphQL(t, used, entries, vars)
		return r.Status == http.StatusOK && len(r.Errors) == 0, fmt.Sprintf("after the database came back: HTTP %d %s", r.Status, r.Body)
	})
}
