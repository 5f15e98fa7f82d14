package graph_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"github.com/trailmark/trailmark/internal/filter"
	"github.com/trailmark/trailmark/internal/testserver"
	"github.com/trailmark/trailmark/internal/testwait"
)

// TestPrefixLikeUsesIndex proves that `action like 'x.%'` is answered from
// an index range whatever the collation (docs/indexes.md "Prefix likes"),
// with the same results as before, and that search keeps its answers.
//
// PostgreSQL: 20 000 more entries over two tenants, analyzed, so that the
// planner prefers the index on its own (no enable_seqscan tricks): the plan
// of the count names auditentry_tenant_id_action_pattern, and after the
// same query over HTTP the server's own statement shows up in
// pg_stat_user_indexes. SQLite: the prefix is compiled to a range on
// action, which the (tenant_id, action, …) index serves.
func TestPrefixLikeUsesIndex(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		ctx := context.Background()
		f := newFixture(t, s, "searched")
		other := newFixture(t, s, "neighbour")
		mustRecord(t, s, f.ingest, f.tenantID,
			entry("billing.invoice.pay", "resourceID", "inv-1"),
			entry("member.add", "resourceID", "hop", "actor",
				map[string]any{"type": "USER", "id": "u-9", "name": "Grace Hopper", "email": "grace@navy.mil"}),
			entry("billing.plan.change", "resourceID", "plan-1", "workspace", "HOPPERS-eu"))
		mustRecord(t, s, other.ingest, other.tenantID,
			entry("member.add", "resourceID", "x", "actor", map[string]any{"type": "USER", "id": "u-1", "name": "Hopper Too"}))
		pg := s.DB.Dialect == dialect.Postgres
		if pg {
			if _, err := s.DB.SQL.ExecContext(ctx, `INSERT INTO audit_entries
				(id, occurred_at, received_at, action, resource_type, resource_id, actor_type, actor_id, actor_name, status, hash, tenant_id)
				SELECT 'fill' || g, now() - g * interval '1 second', now(),
				  (ARRAY['user.login','member.add','project.update','report.export'])[1 + g % 4] || CASE WHEN g % 50 = 0 THEN '.billing' ELSE '' END,
				  'thing', 'res-' || g, 'USER', 'u-' || (g % 500), 'User ' || (g % 500), 'SUCCESS', 'x',
				  CASE WHEN g % 2 = 0 THEN $1 ELSE $2 END
				FROM generate_series(1, 20000) g`, f.tenantID, other.tenantID); err != nil {
				t.Fatal(err)
			}
			if _, err := s.DB.SQL.ExecContext(ctx, `ANALYZE audit_entries`); err != nil {
				t.Fatal(err)
			}
		}

		// The same answers as before the indexes (the exact per-column test
		// stays in the statement): matches in any column, any case, in this
		// tenant only, and totalCount counts exactly those.
		for _, tt := range []struct {
			vars  map[string]any
			want  string
			count int
		}{
			{map[string]any{"search": "hopper"}, "hop,plan-1", 2},
			{map[string]any{"search": "GRACE@NAVY"}, "hop", 1},
			{map[string]any{"search": "oPPe"}, "hop,plan-1", 2},
			{map[string]any{"search": "e hop"}, "hop", 1},
			{map[string]any{"search": "hopper grace@"}, "", 0}, // actor name, then email: not across columns
			{map[string]any{"filter": "action like 'billing.%'"}, "inv-1,plan-1", 2},
		} {
			tt.vars["t"] = f.tenantID
			tt.vars["first"] = 10
			got := list(t, s, f.reader, tt.vars)
			if sorted(got.resources()) != tt.want || got.TotalCount != tt.count {
				t.Errorf("%v: got %q (totalCount %d), want %q (%d)", tt.vars, got.resources(), got.TotalCount, tt.want, tt.count)
			}
		}

		// The plans of the counts, built by the same predicates the resolver
		// uses.
		like, err := filter.Compile("action like 'billing.%'", filter.AuditEntries, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name  string
			where func(*sql.Selector)
			want  string
		}{
			{"like prefix", like, map[bool]string{true: "auditentry_tenant_id_action_pattern", false: "action>? AND action<?"}[pg]},
		} {
			sel := sql.Dialect(s.DB.Dialect).Select("COUNT(*)").From(sql.Table("audit_entries"))
			sel.Where(sql.EQ(sel.C("tenant_id"), f.tenantID))
			c.where(sel)
			query, args := sel.Query()
			explain := "EXPLAIN QUERY PLAN "
			if pg {
				explain = "EXPLAIN "
			}
			plan := queryPlan(t, s, explain+query, args...)
			if !strings.Contains(plan, c.want) {
				t.Errorf("%s: the plan does not use %s:\n%s", c.name, c.want, plan)
			}
		}

		if pg {
			// The server's own statement used the index (statistics are
			// flushed about once a second).
			testwait.Eventually(t, 30*time.Second, func() (bool, string) {
				var pattern int64
				if err := s.DB.SQL.QueryRowContext(ctx, `SELECT coalesce(sum(idx_scan), 0)
					FROM pg_stat_user_indexes WHERE schemaname = current_schema()
					AND indexrelname = 'auditentry_tenant_id_action_pattern'`).Scan(&pattern); err != nil {
					t.Fatal(err)
				}
				return pattern > 0, fmt.Sprintf("index scans of auditentry_tenant_id_action_pattern after the HTTP query: %d", pattern)
			})
		}
	})
}

// sorted sorts a comma-separated list (entries recorded in one batch share
// a time, and their order is the id's).
func sorted(list string) string {
	parts := strings.Split(list, ",")
	slices.Sort(parts)
	return strings.Join(parts, ",")
}

func queryPlan(t *testing.T, s *testserver.Server, query string, args ...any) string {
	t.Helper()
	rows, err := s.DB.SQL.QueryContext(context.Background(), query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var b strings.Builder
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for _, v := range vals {
			if bs, ok := v.([]byte); ok {
				v = string(bs)
			}
			if str, ok := v.(string); ok {
				b.WriteString(str)
				b.WriteString(" ")
			}
		}
		b.WriteString("\n")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
