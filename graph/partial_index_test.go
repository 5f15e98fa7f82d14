package graph_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"entgo.io/ent/dialect"

	"github.com/trailmark/trailmark/internal/testdb"
)

// TestPartialIndexPlans: failures (status = 'FAILURE') and the "Triggers &
// webhooks" tab (actor_type = 'WEBHOOK') are served by partial indexes
// (docs/indexes.md "Partial indexes"), although the API sends the value as a
// bound parameter. PostgreSQL plans a statement sent with arguments
// (lib/pq's unnamed statement) for the values bound; SQLite uses a partial
// index for `col = ?` when the bound value matches its predicate and
// prepares the statement again when the value changes — which matters
// because its connections cache prepared statements. For each way the API
// filters (the filter language, as the SPA's tab does, and `where`), the
// count and the page are planned on the partial index, and the same
// statements with another value still return that value's entries.
func TestPartialIndexPlans(t *testing.T) {
	for _, dia := range testdb.Dialects {
		t.Run(dia, func(t *testing.T) {
			t.Parallel()
			d := testdb.Open(t, dia)
			s := serverOnDriver(t, d, func(dr dialect.Driver) dialect.Driver { return dr })
			f := newFixture(t, s, "partial")
			var batch []map[string]any
			for i := range 30 {
				e := entry("member.add", "resourceID", fmt.Sprintf("r%02d", i),
					"actor", map[string]any{"type": "USER", "id": "u-1", "name": "Ada"})
				switch {
				case i%10 == 0:
					e["actor"] = map[string]any{"type": "WEBHOOK", "id": fmt.Sprintf("dlv-%d", i), "name": "github"}
				case i%10 == 1:
					e["status"] = "FAILURE"
				}
				batch = append(batch, e)
			}
			mustRecord(t, s, f.ingest, f.tenantID, batch...)

			var mu sync.Mutex
			var stmts []recordedStmt
			rs := serverOnDriver(t, d, func(dr dialect.Driver) dialect.Driver { return argsDriver{Driver: dr, mu: &mu, stmts: &stmts} })

			for _, c := range []struct {
				name, col, index string
				vars             map[string]any
				want             int
			}{
				{"filter webhook", "actor_type", "auditentry_webhook_tenant_id_occurred_at_id",
					map[string]any{"filter": "actor_type = 'WEBHOOK'"}, 3},
				{"where webhook", "actor_type", "auditentry_webhook_tenant_id_occurred_at_id",
					map[string]any{"where": map[string]any{"actorType": "WEBHOOK"}}, 3},
				{"filter failure", "status", "auditentry_failure_tenant_id_occurred_at_id",
					map[string]any{"filter": "status = 'failure'"}, 3},
				{"where failure", "status", "auditentry_failure_tenant_id_occurred_at_id",
					map[string]any{"where": map[string]any{"status": "FAILURE"}}, 3},
				// The same statements with the other values: not the
				// partial index, and the right entries (a cached SQLite
				// statement planned for WEBHOOK must not answer USER).
				{"where user", "actor_type", "", map[string]any{"where": map[string]any{"actorType": "USER"}}, 27},
				{"where success", "status", "", map[string]any{"where": map[string]any{"status": "SUCCESS"}}, 27},
				{"where webhook again", "actor_type", "auditentry_webhook_tenant_id_occurred_at_id",
					map[string]any{"where": map[string]any{"actorType": "WEBHOOK"}}, 3},
			} {
				mu.Lock()
				stmts = nil
				mu.Unlock()
				vars := with(with(c.vars, "t", f.tenantID), "first", 2)
				got := list(t, rs, f.reader, vars)
				if got.TotalCount != c.want {
					t.Errorf("%s: totalCount %d, want %d", c.name, got.TotalCount, c.want)
				}
				if c.index == "" {
					continue
				}
				mu.Lock()
				var mine []recordedStmt
				for _, st := range stmts {
					if strings.Contains(st.query, "FROM "+quote(dia, "audit_entries")) && strings.Contains(st.query, quote(dia, c.col)) {
						mine = append(mine, st)
					}
				}
				mu.Unlock()
				if len(mine) < 2 {
					t.Fatalf("%s: %d statements filter on %s, want the count and the page", c.name, len(mine), c.col)
				}
				for _, st := range mine {
					plan := explainPlan(t, d, dia, st.query, st.args)
					if !strings.Contains(plan, c.index) {
						t.Errorf("%s: the plan does not use %s:\n%s\n%s %v", c.name, c.index, plan, st.query, st.args)
					}
				}
			}
		})
	}
}
