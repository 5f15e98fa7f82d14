package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/app"
	"github.com/trailmark/trailmark/internal/auth"
	"github.com/trailmark/trailmark/internal/db"
	"github.com/trailmark/trailmark/internal/httpapi"
)

// recordingDriver notes every statement ent sends, with its arguments, so
// the plans explained are those of the real resolvers, not hand-written
// approximations.
type recordingDriver struct {
	dialect.Driver
	mu    sync.Mutex
	stmts []recorded
}

type recorded struct {
	query string
	args  []any
}

func (r *recordingDriver) note(query string, args any) {
	a, _ := args.([]any)
	r.mu.Lock()
	r.stmts = append(r.stmts, recorded{query, append([]any(nil), a...)})
	r.mu.Unlock()
}

func (r *recordingDriver) Query(ctx context.Context, query string, args, v any) error {
	r.note(query, args)
	return r.Driver.Query(ctx, query, args, v)
}

func (r *recordingDriver) take() []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.stmts
	r.stmts = nil
	return out
}

// explainCase is one query shape of docs/indexes.md.
type explainCase struct {
	name string
	vars map[string]any
	// query overrides the page query (e.g. totalCount alone).
	query string
}

// explainShapes runs each shape once through the real app on a recording
// driver and prints EXPLAIN (ANALYZE, BUFFERS) of the audit_entries queries
// it issued.
func explainShapes(ctx context.Context, d *db.DB, big *tenantData, log *slog.Logger) error {
	raw, err := db.Open(ctx, db.Config{URL: d.URL, MaxOpenConns: 4})
	if err != nil {
		return err
	}
	defer raw.Close()
	rec := &recordingDriver{Driver: entsql.OpenDB(raw.Dialect, raw.SQL)}
	rdb := &db.DB{Client: ent.NewClient(ent.Driver(rec)), SQL: raw.SQL, Dialect: raw.Dialect, URL: raw.URL}
	a, err := app.New(ctx, app.Config{HTTP: httpapi.Config{}, DataDir: os.TempDir()},
		rdb, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return err
	}
	defer a.Close(context.Background())
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	secret, prefix := auth.NewAPIKeySecret()
	if _, err := d.Client.APIKey.Create().SetTenantID(big.id).SetName("explain " + prefix).SetPrefix(prefix).
		SetSecretHash(auth.HashToken(secret)).SetScopes([]string{string(schematype.ScopeRead)}).Save(system(ctx)); err != nil {
		return err
	}
	actor := big.users[0].id
	from := time.Now().UTC().AddDate(0, 0, -30).Format("2006-01-02")
	to := time.Now().UTC().AddDate(0, 0, -23).Format("2006-01-02")
	cases := []explainCase{
		{name: "default page (first 25, newest first)", vars: map[string]any{}},
		{name: "filtered by action, last 7 days", vars: map[string]any{"filter": "action = 'member.role.update' and occurred_at > now() - interval '7 days'"}},
		{name: "filtered by action family (like)", vars: map[string]any{"filter": "action like 'billing.%'"}},
		{name: "filtered by resource type", vars: map[string]any{"filter": "resource_type = 'invitation'"}},
		{name: "filtered by actor", vars: map[string]any{"filter": fmt.Sprintf("actor_id = '%s'", actor)}},
		{name: "date range (one week, a month ago)", vars: map[string]any{"filter": fmt.Sprintf("occurred_at >= '%s' and occurred_at < '%s'", from, to)}},
		{name: "failures only", vars: map[string]any{"filter": "status = 'failure'"}},
		{name: "metadata JSON path", vars: map[string]any{"filter": "metadata->>'region' = 'ap-southeast-2' and action = 'user.login'"}},
		{name: "search (substring)", vars: map[string]any{"search": "hopper"}},
		{name: "deep page (offset 10000)", vars: map[string]any{"offset": 10_000}},
		{name: "count only", query: `query Count($tenant: ID!) { auditEntries(tenantID: $tenant) { totalCount } }`},
	}
	for _, c := range cases {
		vars := map[string]any{"tenant": big.id, "first": 25}
		for k, v := range c.vars {
			vars[k] = v
		}
		q := c.query
		if q == "" {
			q = pageQuery
		}
		rec.take()
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/graphql", bytes.NewReader(gqlBody(q, vars)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+secret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Printf("=== %s\n", c.name)
		if bytes.Contains(body, []byte(`"errors"`)) {
			fmt.Printf("(request failed: %.300s)\n", body)
		}
		for _, s := range rec.take() {
			if !strings.Contains(s.query, `"audit_entr`) || !strings.HasPrefix(strings.TrimSpace(s.query), "SELECT") {
				continue
			}
			fmt.Printf("-- %s\n-- args %v\n", s.query, s.args)
			rows, err := raw.SQL.QueryContext(ctx, "EXPLAIN (ANALYZE, BUFFERS) "+s.query, s.args...)
			if err != nil {
				fmt.Printf("(explain failed: %v)\n", err)
				continue
			}
			for rows.Next() {
				var line string
				_ = rows.Scan(&line)
				fmt.Println(line)
			}
			rows.Close()
			fmt.Println()
		}
	}
	return nil
}
