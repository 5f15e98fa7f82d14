package graph_test

import (
	"context"
	stdsql "database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/app"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/db"
	"github.com/trailmark/trailmark/internal/testdb"
	"github.com/trailmark/trailmark/internal/testserver"
	"github.com/trailmark/trailmark/internal/viewer"
)

func TestAuditEntryChangesAndNode(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		f := newFixture(t, s, "acme")
		res := mustRecord(t, s, f.ingest, f.tenantID, entry("organization.update",
			"oldValue", map[string]any{"plan": "free", "limits": map[string]any{"seats": 5, "sso": false}, "items": []any{"a", "b", "c"}, "gone": 1},
			"newValue", map[string]any{"plan": "pro", "limits": map[string]any{"seats": 10, "sso": false}, "items": []any{"a", "b", "x"}, "added": map[string]any{"k": true}},
		))
		id := res.RecordAuditEntries.Entries[0].ID
		var out struct {
			Node *struct {
				ID      string
				Action  string
				Changes []struct {
					Path     string
					Old, New json.RawMessage
				}
			}
			Nodes []*struct{ ID string }
		}
		s.GraphQL(t, f.reader, `query($id: ID!) {
			node(id: $id) { id ... on AuditEntry { action changes { path old new } } }
			nodes(ids: [$id, "aud_01ARZ3NDEKTSV4RRFFQ69G5FAV"]) { id }
		}`, map[string]any{"id": id}).NoErrors(t).Decode(t, &out)
		if out.Node == nil || out.Node.ID != id || out.Node.Action != "organization.update" {
			t.Fatalf("node(%s) = %+v", id, out.Node)
		}
		var got []string
		for _, c := range out.Node.Changes {
			got = append(got, fmt.Sprintf("%s:%s>%s", c.Path, c.Old, c.New))
		}
		want := `added.k:null>true gone:1>null items[2]:"c">"x" limits.seats:5>10 plan:"free">"pro"`
		if strings.Join(got, " ") != want {
			t.Errorf("changes = %s\nwant      %s", strings.Join(got, " "), want)
		}
		if len(out.Nodes) != 2 || out.Nodes[0] == nil || out.Nodes[0].ID != id || out.Nodes[1] != nil {
			t.Errorf("nodes = %+v", out.Nodes)
		}
	})
}

// countingDriver counts the statements sent to the database.
type countingDriver struct {
	dialect.Driver
	log *stmtLog
}

type stmtLog struct {
	mu    sync.Mutex
	stmts []string
}

func (l *stmtLog) add(q string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.stmts = append(l.stmts, q)
}

// ofRequest reports whether a statement runs for a signed-in user's
// request: the App's background work (the sequencer, log streams, the
// view writer) shares the client and runs as Trailmark itself, and the
// session lookup before the viewer is known is the same for every page.
func ofRequest(ctx context.Context) bool { return viewer.FromContext(ctx).Kind == viewer.User }

func (l *stmtLog) reset() { l.mu.Lock(); l.stmts = nil; l.mu.Unlock() }

// background are statements of the audit_log.view writer, which runs on
// its own schedule.
var background = regexp.MustCompile("^(INSERT INTO [`\"]audit_entries|SELECT [`\"]tenants[`\"]\\.[`\"]id[`\"] FROM)")

// requestStmts are the statements sent since reset, less background ones.
func (l *stmtLog) requestStmts() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, s := range l.stmts {
		if !background.MatchString(s) {
			out = append(out, s)
		}
	}
	return out
}

func (d countingDriver) Exec(ctx context.Context, q string, args, v any) error {
	if ofRequest(ctx) {
		d.log.add(q)
	}
	return d.Driver.Exec(ctx, q, args, v)
}

func (d countingDriver) Query(ctx context.Context, q string, args, v any) error {
	if ofRequest(ctx) {
		d.log.add(q)
	}
	return d.Driver.Query(ctx, q, args, v)
}

func (d countingDriver) Tx(ctx context.Context) (dialect.Tx, error) {
	tx, err := d.Driver.Tx(ctx)
	return countingTx{Tx: tx, log: d.log}, err
}

// ExecContext and QueryContext are what ent's generated Client.ExecContext
// and QueryContext need of a driver (the ingest path's array statement).
func (d countingDriver) ExecContext(ctx context.Context, q string, args ...any) (stdsql.Result, error) {
	if ofRequest(ctx) {
		d.log.add(q)
	}
	return d.Driver.(interface {
		ExecContext(context.Context, string, ...any) (stdsql.Result, error)
	}).ExecContext(ctx, q, args...)
}

func (d countingDriver) QueryContext(ctx context.Context, q string, args ...any) (*stdsql.Rows, error) {
	if ofRequest(ctx) {
		d.log.add(q)
	}
	return d.Driver.(interface {
		QueryContext(context.Context, string, ...any) (*stdsql.Rows, error)
	}).QueryContext(ctx, q, args...)
}

func (t countingTx) ExecContext(ctx context.Context, q string, args ...any) (stdsql.Result, error) {
	if ofRequest(ctx) {
		t.log.add(q)
	}
	return t.Tx.(interface {
		ExecContext(context.Context, string, ...any) (stdsql.Result, error)
	}).ExecContext(ctx, q, args...)
}

func (t countingTx) QueryContext(ctx context.Context, q string, args ...any) (*stdsql.Rows, error) {
	if ofRequest(ctx) {
		t.log.add(q)
	}
	return t.Tx.(interface {
		QueryContext(context.Context, string, ...any) (*stdsql.Rows, error)
	}).QueryContext(ctx, q, args...)
}

type countingTx struct {
	dialect.Tx
	log *stmtLog
}

func (t countingTx) Exec(ctx context.Context, q string, args, v any) error {
	if ofRequest(ctx) {
		t.log.add(q)
	}
	return t.Tx.Exec(ctx, q, args, v)
}

func (t countingTx) Query(ctx context.Context, q string, args, v any) error {
	if ofRequest(ctx) {
		t.log.add(q)
	}
	return t.Tx.Query(ctx, q, args, v)
}

// countingServer is testserver.New with every statement logged: the same
// App on a client whose driver counts.
func countingServer(t *testing.T, dia string, log *stmtLog) *testserver.Server {
	t.Helper()
	return serverOnDriver(t, testdb.Open(t, dia), func(d dialect.Driver) dialect.Driver { return countingDriver{Driver: d, log: log} })
}

// serverOnDriver starts an App on d whose ent client sends its statements
// through wrap(the database's driver): a test's window on the SQL sent.
func serverOnDriver(t *testing.T, d *db.DB, wrap func(dialect.Driver) dialect.Driver) *testserver.Server {
	t.Helper()
	wrapped := &db.DB{
		Client:  ent.NewClient(ent.Driver(wrap(entsql.OpenDB(d.Dialect, d.SQL)))),
		SQL:     d.SQL,
		Dialect: d.Dialect,
		URL:     d.URL,
	}
	a, err := app.New(context.Background(), app.Config{DataDir: t.TempDir()}, wrapped, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(a.Handler)
	t.Cleanup(func() {
		hs.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = a.Close(ctx)
	})
	return &testserver.Server{Server: hs, DB: wrapped, App: a}
}

// TestAuditEntriesQueryCount shows the listing is free of N+1 queries: a
// page of 100 entries with their tenant, actor.user, changes and request
// costs the same few statements as a page of 5, and COUNT(*) runs only when
// totalCount is selected.
func TestAuditEntriesQueryCount(t *testing.T) {
	for _, dia := range testdb.Dialects {
		t.Run(dia, func(t *testing.T) {
			t.Parallel()
			log := &stmtLog{}
			s := countingServer(t, dia, log)
			f := newFixture(t, s, "acme")
			var batch []map[string]any
			var users []string
			for i := range 10 {
				u := s.CreateUser(t, fmt.Sprintf("user%d@acme.io", i), fmt.Sprintf("User %d", i), false)
				s.AddMember(t, f.tenantID, u.ID, schematype.RoleMember, nil)
				users = append(users, u.ID)
			}
			for i := range 120 {
				batch = append(batch, entry("member.role.update",
					"actor", map[string]any{"type": "USER", "id": users[i%len(users)], "name": "someone"},
					"oldValue", map[string]any{"role": "MEMBER"}, "newValue", map[string]any{"role": "ADMIN"},
					"request", map[string]any{"method": "POST", "payload": map[string]any{"token": "x"}}))
			}
			mustRecord(t, s, f.ingest, f.tenantID, batch...)

			query := func(n int, total bool) (int, []string) {
				sel := "edges { node { id tenant { id slug } actor { type id user { id name } } changes { path old new } request { method payload } } }"
				if total {
					sel = "totalCount " + sel
				}
				q := fmt.Sprintf(`query { auditEntries(tenantID: %q, first: %d, where: {action: "member.role.update"}) { %s } }`, f.tenantID, n, sel)
				if err := s.App.Views.Flush(context.Background()); err != nil {
					t.Fatal(err)
				}
				log.reset()
				var out struct {
					AuditEntries struct {
						Edges []struct {
							Node struct {
								Tenant struct{ Slug string }
								Actor  struct {
									User *struct{ ID string }
								}
								Changes []struct{ Path string }
							}
						}
					}
				}
				s.GraphQL(t, f.admin, q, nil).NoErrors(t).Decode(t, &out)
				stmts := log.requestStmts()
				edges := out.AuditEntries.Edges
				if len(edges) != n {
					t.Fatalf("got %d entries, want %d", len(edges), n)
				}
				for _, e := range edges {
					if e.Node.Tenant.Slug != "acme" || e.Node.Actor.User == nil || len(e.Node.Changes) != 1 {
						t.Fatalf("entry not fully resolved: %+v", e.Node)
					}
				}
				return len(stmts), stmts
			}
			small, _ := query(5, false)
			large, stmts := query(100, false)
			if large != small || large > 8 {
				t.Fatalf("a page of 100 took %d statements, a page of 5 %d; want the same small number:\n%s", large, small, strings.Join(stmts, "\n"))
			}
			t.Logf("%s: a page of 100 entries with tenant, actor.user, changes and request: %d statements", dia, large)
			for _, s := range stmts {
				if strings.Contains(strings.ToUpper(s), "COUNT(") {
					t.Errorf("COUNT without totalCount: %s", s)
				}
			}
			withTotal, stmts := query(100, true)
			counts := 0
			for _, s := range stmts {
				if strings.Contains(strings.ToUpper(s), "COUNT(") {
					counts++
				}
			}
			if withTotal != large+1 || counts != 1 {
				t.Fatalf("with totalCount: %d statements, %d counts; want %d and 1", withTotal, counts, large+1)
			}
		})
	}
}

// TestHashRecomputesFromAPI checks that an entry read back through the API
// (after a round trip through either database) carries everything needed to
// recompute its hash, tricky values included (docs/api.md "The content hash").
func TestHashRecomputesFromAPI(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		f := newFixture(t, s, "acme")
		mustRecord(t, s, f.ingest, f.tenantID,
			entry("member.role.update", "idempotencyKey", "k<1>&", "resourceID", "r", "resourceName", "Ünïcode ✓ \u2028x", "workspace", "w",
				"actor", map[string]any{"type": "USER", "id": "u1", "name": "A\tB", "email": "a@b.c"},
				"oldValue", map[string]any{"z": json.Number("1.50"), "a": []any{1, "x\n", nil, true}, "big": json.Number("12345678901234567890"),
					"exp": []any{json.Number("1.5E-7"), json.Number("1e3"), json.Number("-0.0"), json.Number("1.50e1")}},
				"newValue", map[string]any{"nested": map[string]any{"b": 2, "a": "<tag>"}},
				"metadata", map[string]any{"m": 1},
				"request", map[string]any{"method": "POST", "path": "/x", "payload": map[string]any{"password": "p", "q": 0.1}, "httpStatus": 201, "sourceIP": "::1"}),
			entry("workspace.create"))
		var out struct {
			AuditEntries struct {
				Edges []struct {
					Node struct {
						ID                                                  string
						Tenant                                              struct{ ID string }
						OccurredAt, ReceivedAt                              time.Time
						Action, ResourceType, Status, Hash                  string
						ResourceID, ResourceName, Workspace, IdempotencyKey *string
						Actor                                               struct {
							Type            schematype.ActorType
							ID, Name, Email *string
						}
						OldValue, NewValue, Metadata json.RawMessage
						Request                      *schematype.RequestInfo
					}
				}
			}
		}
		s.GraphQL(t, f.reader, `{ auditEntries(where: {actionNEQ: "audit_log.view"}) { edges { node { id tenant { id } occurredAt receivedAt action resourceType
			resourceID resourceName workspace actor { type id name email } status oldValue newValue metadata
			request { method path operationName payload sourceIP userAgent httpStatus } idempotencyKey hash } } } }`, nil).NoErrors(t).Decode(t, &out)
		if len(out.AuditEntries.Edges) != 2 {
			t.Fatalf("%d entries", len(out.AuditEntries.Edges))
		}
		raw := func(b json.RawMessage) schematype.RawJSON {
			if string(b) == "null" {
				return nil
			}
			return schematype.RawJSON(b)
		}
		for _, e := range out.AuditEntries.Edges {
			n := e.Node
			got := audit.Hash(audit.Entry{
				ID: n.ID, ReceivedAt: n.ReceivedAt,
				TenantID: &n.Tenant.ID, OccurredAt: n.OccurredAt, Action: n.Action, ResourceType: n.ResourceType,
				ResourceID: n.ResourceID, ResourceName: n.ResourceName, Workspace: n.Workspace,
				Actor:  audit.Actor{Type: n.Actor.Type, ID: n.Actor.ID, Name: n.Actor.Name, Email: n.Actor.Email},
				Status: auditentry.Status(n.Status), OldValue: raw(n.OldValue), NewValue: raw(n.NewValue), Metadata: raw(n.Metadata),
				Request: n.Request, IdempotencyKey: n.IdempotencyKey,
			})
			if got != n.Hash {
				t.Errorf("%s: recomputed %s, stored %s", n.Action, got, n.Hash)
			}
		}
	})
}

// TestPageReadsWhatEachFieldNeeds: a page reads only the columns its
// selected fields need; each field selected alone (or next to another under
// an alias) must read the same as when everything is selected, for every
// order, on a first page and on a deep one.
func TestPageReadsWhatEachFieldNeeds(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		f := newFixture(t, s, "acme")
		var batch []map[string]any
		for i := range 520 { // past deferredOffset (500): deep pages load in two steps
			batch = append(batch, entry("member.role.update", "resourceID", fmt.Sprintf("m%03d", i), "resourceName", "Ada",
				"workspace", "eu", "status", "FAILURE", "idempotencyKey", fmt.Sprintf("k%03d", i),
				"actor", map[string]any{"type": "USER", "id": "ext-1", "name": "Grace", "email": "grace@acme.io"},
				"oldValue", map[string]any{"role": "MEMBER", "n": i}, "newValue", map[string]any{"role": "ADMIN", "n": i},
				"metadata", map[string]any{"via": "scim"},
				"request", map[string]any{"method": "POST", "path": "/members", "operationName": "Promote",
					"payload": map[string]any{"role": "ADMIN"}, "sourceIP": "10.0.0.1", "userAgent": "curl/8", "httpStatus": 403}))
		}
		mustRecord(t, s, f.ingest, f.tenantID, batch...)
		fields := map[string]string{
			"__typename": "__typename", "id": "id", "tenant": "tenant { id slug }", "occurredAt": "occurredAt",
			"receivedAt": "receivedAt", "action": "action", "resourceType": "resourceType", "resourceID": "resourceID",
			"resourceName": "resourceName", "workspace": "workspace", "actor": "actor { type id name email user { id } }",
			"status": "status", "oldValue": "oldValue", "newValue": "newValue", "changes": "changes { path old new }",
			"metadata": "metadata", "request": "request { method path operationName payload sourceIP userAgent httpStatus }",
			"idempotencyKey": "idempotencyKey", "hash": "hash",
			// Each actor field alone reads only its columns.
			"actorType": "actorType: actor { type }", "actorID": "actorID: actor { id }", "actorName": "actorName: actor { name }",
			"actorEmail": "actorEmail: actor { email }", "actorIDName": "actorIDName: actor { __typename id name }",
			"actorUser": "actorUser: actor { name user { id } }",
		}
		var all []string
		for _, sel := range fields {
			all = append(all, sel)
		}
		type nodes struct {
			AuditEntries struct {
				A []struct{ Node map[string]json.RawMessage }
				B []struct{ Node map[string]json.RawMessage }
			}
		}
		page := func(order string, offset int, a, b string) nodes {
			q := fmt.Sprintf(`query($t: ID!, $o: Int) { auditEntries(tenantID: $t, first: 5, offset: $o,
				orderBy: {field: %s, direction: ASC}, where: {actionNEQ: "audit_log.view"}) {
				a: edges { node { %s } } b: edges { node { %s } } } }`, order, a, b)
			var out nodes
			s.GraphQL(t, f.admin, q, map[string]any{"t": f.tenantID, "o": offset}).NoErrors(t).Decode(t, &out)
			return out
		}
		// The reference reads whole rows: nodes(ids:) loads by id.
		byID := func(ids []string) []map[string]json.RawMessage {
			var out struct{ Nodes []map[string]json.RawMessage }
			s.GraphQL(t, f.admin, `query($ids: [ID!]!) { nodes(ids: $ids) { ... on AuditEntry { `+strings.Join(all, " ")+` } } }`,
				map[string]any{"ids": ids}).NoErrors(t).Decode(t, &out)
			return out.Nodes
		}
		for _, order := range []string{"OCCURRED_AT", "RECEIVED_AT", "ACTION"} {
			for _, offset := range []int{0, 20, 505} {
				var ids []string
				for _, e := range page(order, offset, "id", "id").AuditEntries.A {
					var id string
					_ = json.Unmarshal(e.Node["id"], &id)
					ids = append(ids, id)
				}
				want := byID(ids)
				if len(want) != 5 {
					t.Fatalf("%s offset %d: %d entries", order, offset, len(want))
				}
				for name, sel := range fields {
					got := page(order, offset, sel, "metadata")
					for i, e := range got.AuditEntries.A {
						full := want[i]
						if string(e.Node[name]) != string(full[name]) || string(e.Node[name]) == "" {
							t.Errorf("%s offset %d, %s alone: %s, with every field: %s", order, offset, name, e.Node[name], full[name])
						}
						if m := got.AuditEntries.B[i].Node["metadata"]; string(m) != string(full["metadata"]) {
							t.Errorf("%s beside %s under another alias: metadata %s", name, order, m)
						}
					}
				}
			}
		}
	})
}
