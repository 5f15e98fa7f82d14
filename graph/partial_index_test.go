package graph_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"entgo.io/ent/dialect"

	"github.com/trailmark/trailmark/internal/testdb"
)

// TestPartialIndexPlans: on PostgreSQL the status and actor-type indexes
// are partial and leave out each column's bulk value (`WHERE status <>
// 'SUCCESS'`, `WHERE actor_type <> 'USER'`; docs/indexes.md "Partial
// indexes"), although the API sends the value as a bound parameter.
// PostgreSQL plans a statement sent with arguments (lib/pq's unnamed
// statement) for the values bound, and proves `actor_type = 'SYSTEM'`
// implies `actor_type <> 'USER'`. SQLite, which matches a partial index's
// predicate literally, has full (tenant_id, X, occurred_at, id) indexes. For each way the API filters
// (the filter language, as the SPA's tab does, and `where`) and every value
// other than the bulk one, the count and the page are planned on that
// index, and the same statements with the bulk value still return its
// entries (on SQLite a cached statement must not answer another value).
func TestPartialIndexPlans(t *testing.T) {
	for _, dia := range testdb.Dialects {
		t.Run(dia, func(t *testing.T) {
			t.Parallel()
			d := testdb.Open(t, dia)
			s := serverOnDriver(t, d, func(dr dialect.Driver) dialect.Driver { return dr })
			f := newFixture(t, s, "partial")
			statusIndex, actorIndex := "auditentry_tenant_id_status_occurred_at_id_not_success", "auditentry_tenant_id_actor_type_occurred_at_id_not_user"
			if dia == dialect.SQLite {
				statusIndex, actorIndex = "auditentry_tenant_id_status_occurred_at_id", "auditentry_tenant_id_actor_type_occurred_at_id"
			}
			var batch []map[string]any
			for i := range 30 {
				e := entry("member.add", "resourceID", fmt.Sprintf("r%02d", i),
					"actor", map[string]any{"type": "USER", "id": "u-1", "name": "Ada"})
				switch i % 10 {
				case 0:
					e["actor"] = map[string]any{"type": "WEBHOOK", "id": fmt.Sprintf("dlv-%d", i), "name": "github"}
				case 1:
					e["status"] = "FAILURE"
				case 2:
					e["actor"] = map[string]any{"type": "SYSTEM", "id": "retention", "name": "retention"}
				case 3:
					e["actor"] = map[string]any{"type": "API_KEY", "id": "key-1", "name": "ci"}
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
				{"filter webhook", "actor_type", actorIndex,
					map[string]any{"filter": "actor_type = 'WEBHOOK'"}, 3},
				{"where webhook", "actor_type", actorIndex,
					map[string]any{"where": map[string]any{"actorType": "WEBHOOK"}}, 3},
				{"filter system", "actor_type", actorIndex,
					map[string]any{"filter": "actor_type = 'SYSTEM'"}, 3},
				{"where system", "actor_type", actorIndex,
					map[string]any{"where": map[string]any{"actorType": "SYSTEM"}}, 3},
				{"filter api key", "actor_type", actorIndex,
					map[string]any{"filter": "actor_type = 'API_KEY'"}, 3},
				{"where api key", "actor_type", actorIndex,
					map[string]any{"where": map[string]any{"actorType": "API_KEY"}}, 3},
				{"filter failure", "status", statusIndex,
					map[string]any{"filter": "status = 'failure'"}, 3},
				{"where failure", "status", statusIndex,
					map[string]any{"where": map[string]any{"status": "FAILURE"}}, 3},
				// The same statements with the bulk values: not the
				// partial index on PostgreSQL, and the right entries (a
				// cached SQLite statement planned for WEBHOOK must not
				// answer USER).
				{"where user", "actor_type", "", map[string]any{"where": map[string]any{"actorType": "USER"}}, 21},
				{"filter user", "actor_type", "", map[string]any{"filter": "actor_type = 'USER'"}, 21},
				{"where success", "status", "", map[string]any{"where": map[string]any{"status": "SUCCESS"}}, 27},
				{"where webhook again", "actor_type", actorIndex,
					map[string]any{"where": map[string]any{"actorType": "WEBHOOK"}}, 3},
				{"where system again", "actor_type", actorIndex,
					map[string]any{"where": map[string]any{"actorType": "SYSTEM"}}, 3},
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
