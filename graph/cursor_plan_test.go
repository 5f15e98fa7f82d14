package graph_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/trailmark/trailmark/internal/db"
	"github.com/trailmark/trailmark/internal/testdb"
	"github.com/trailmark/trailmark/internal/testserver"
)

// argsDriver records the statements ent sends, with their arguments.
type argsDriver struct {
	dialect.Driver
	mu    *sync.Mutex
	stmts *[]recordedStmt
}

type recordedStmt struct {
	query string
	args  []any
}

func (d argsDriver) Query(ctx context.Context, q string, args, v any) error {
	a, _ := args.([]any)
	d.mu.Lock()
	*d.stmts = append(*d.stmts, recordedStmt{q, append([]any(nil), a...)})
	d.mu.Unlock()
	return d.Driver.Query(ctx, q, args, v)
}

// TestCursorPagePlan: a tenant's cursor page (after:, or before: with
// last:) is one statement whose cursor is a row-value comparison, and the
// database uses that comparison as a bound of an index scan — not as a
// filter over rows read in order. On SQLite the index is the tenant's
// (tenant_id, field, id) index; on PostgreSQL the test tables are too
// small for the planner's choice between that index and (occurred_at, id)
// to mean anything, so it checks the comparison is an index condition
// (docs/indexes.md "Cursor pages" has the plans on a million rows).
func TestCursorPagePlan(t *testing.T) {
	for _, dia := range testdb.Dialects {
		t.Run(dia, func(t *testing.T) {
			t.Parallel()
			d := testdb.Open(t, dia)
			s := testserver.NewOnDB(t, d)
			f := newFixture(t, s, "plan")
			base := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
			var batch []map[string]any
			for i := range 40 {
				batch = append(batch, entry("a.b", "occurredAt", base.Add(time.Duration(i/3)*time.Second).Format(time.RFC3339)))
			}
			mustRecord(t, s, f.ingest, f.tenantID, batch...)

			// A second app on the same database whose client records.
			var mu sync.Mutex
			var stmts []recordedStmt
			rs := serverOnDriver(t, d, func(dr dialect.Driver) dialect.Driver { return argsDriver{Driver: dr, mu: &mu, stmts: &stmts} })

			for _, c := range []struct {
				order  map[string]any
				col    string
				before bool
			}{
				{nil, "occurred_at", false},
				{nil, "occurred_at", true},
				{map[string]any{"field": "OCCURRED_AT", "direction": "ASC"}, "occurred_at", false},
				{map[string]any{"field": "RECEIVED_AT", "direction": "DESC"}, "received_at", false},
				{map[string]any{"field": "RECEIVED_AT", "direction": "ASC"}, "received_at", true},
			} {
				vars := map[string]any{"t": f.tenantID, "order": c.order}
				all := list(t, rs, f.reader, with(vars, "first", 1000))
				cursor := all.Edges[len(all.Edges)/2].Cursor
				if c.before {
					vars = with(with(vars, "last", 5), "before", cursor)
				} else {
					vars = with(with(vars, "first", 5), "after", cursor)
				}
				mu.Lock()
				stmts = nil
				mu.Unlock()
				list(t, rs, f.reader, vars)
				mu.Lock()
				var page *recordedStmt
				for i, st := range stmts {
					if strings.Contains(st.query, "FROM "+quote(dia, "audit_entries")) && strings.Contains(st.query, quote(dia, c.col)+", ") {
						page = &stmts[i]
					}
				}
				mu.Unlock()
				if page == nil {
					t.Fatalf("%v before=%v: no page statement with a row-value cursor", c.order, c.before)
				}
				plan := explainPlan(t, d, dia, page.query, page.args)
				t.Logf("%v before=%v:\n%s", c.order, c.before, plan)
				if dia == dialect.SQLite {
					want := fmt.Sprintf("INDEX auditentry_tenant_id_%s_id (tenant_id=? AND (%s,id)", c.col, c.col)
					if !strings.Contains(plan, want) {
						t.Errorf("%v before=%v: plan %q, want %q\n%s", c.order, c.before, plan, want, page.query)
					}
				} else if !strings.Contains(plan, "Index Cond:") || !strings.Contains(plan, "ROW("+c.col+", (id)::text)") ||
					strings.Contains(plan, "Filter: (ROW(") {
					t.Errorf("%v before=%v: the cursor is not an index bound:\n%s\n%s", c.order, c.before, plan, page.query)
				}
			}
		})
	}
}

func quote(dia, name string) string {
	if dia == dialect.Postgres {
		return `"` + name + `"`
	}
	return "`" + name + "`"
}

// explainPlan returns the plan of query: EXPLAIN QUERY PLAN on SQLite;
// EXPLAIN on PostgreSQL with sequential scans off (the test tables are
// tiny), in a transaction rolled back.
func explainPlan(t *testing.T, d *db.DB, dia, query string, args []any) string {
	t.Helper()
	ctx := context.Background()
	tx, err := d.SQL.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	prefix := "EXPLAIN QUERY PLAN "
	if dia == dialect.Postgres {
		prefix = "EXPLAIN "
		for _, set := range []string{"SET LOCAL enable_seqscan = off", "SET LOCAL enable_bitmapscan = off"} {
			if _, err := tx.ExecContext(ctx, set); err != nil {
				t.Fatal(err)
			}
		}
	}
	rows, err := tx.QueryContext(ctx, prefix+query, args...)
	if err != nil {
		t.Fatalf("explain: %v\n%s", err, query)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, vals[len(vals)-1].String)
	}
	return strings.Join(out, "\n")
}
