package graph_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/testdb"
	"github.com/trailmark/trailmark/internal/testserver"
)

// TestDeepOffset: pages beyond the deferred offset (500) are the same rows,
// in the same order, as the corresponding slice of one big page, for each
// order and direction, with last instead of first, and for a viewer whose
// privacy rule hides some of the tenant's entries (a MEMBER sees only their
// own): the rows skipped are the ones the viewer may see.
func TestDeepOffset(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		f := newFixture(t, s, "deep")
		member, memberToken := s.Member(t, f.tenantID, schematype.RoleMember, nil)
		base := time.Now().Add(-24 * time.Hour).UTC().Truncate(time.Second)
		var batch []map[string]any
		for i := range 700 {
			// Pairs share a timestamp so that the id tie-break matters;
			// three in four entries are the member's.
			actor := map[string]any{"type": "USER", "id": member.ID}
			if i%4 == 0 {
				actor = map[string]any{"type": "SYSTEM", "id": "cron"}
			}
			batch = append(batch, entry([]string{"b.x", "a.y", "c.z"}[i%3], "resourceID", fmt.Sprintf("r%03d", i),
				"occurredAt", base.Add(time.Duration(i/2)*time.Second).Format(time.RFC3339), "actor", actor))
		}
		mustRecord(t, s, f.ingest, f.tenantID, batch...)
		for _, v := range []struct {
			name, token string
			n           int
			offsets     []int
		}{
			{"reader", f.reader, 700, []int{499, 500, 650, 695, 700}},
			{"member", memberToken, 525, []int{499, 500, 510, 520, 525}},
		} {
			for _, order := range []map[string]any{
				nil,
				{"field": "OCCURRED_AT", "direction": "ASC"},
				{"field": "ACTION", "direction": "DESC"},
				{"field": "RECEIVED_AT", "direction": "ASC"},
			} {
				all := list(t, s, v.token, map[string]any{"t": f.tenantID, "first": 1000, "order": order}).ids()
				if len(all) != v.n {
					t.Fatalf("%s: listed %d entries, want %d", v.name, len(all), v.n)
				}
				for _, off := range v.offsets {
					got := list(t, s, v.token, map[string]any{"t": f.tenantID, "first": 10, "offset": off, "order": order})
					want := all[min(off, v.n):min(off+10, v.n)]
					if !slices.Equal(got.ids(), want) {
						t.Errorf("%s order %v offset %d: got %v, want %v", v.name, order, off, got.ids(), want)
					}
					if got.PageInfo.HasNextPage != (off+10 < v.n) || !got.PageInfo.HasPreviousPage {
						t.Errorf("%s order %v offset %d: pageInfo %+v", v.name, order, off, got.PageInfo)
					}
					// last: 10 with an offset counts from the other end.
					got = list(t, s, v.token, map[string]any{"t": f.tenantID, "last": 10, "offset": off, "order": order})
					want = all[max(v.n-off-10, 0):max(v.n-off, 0)]
					if !slices.Equal(got.ids(), want) {
						t.Errorf("%s order %v last 10 offset %d: got %v, want %v", v.name, order, off, got.ids(), want)
					}
					if got.PageInfo.HasPreviousPage != (v.n-off-10 > 0) || !got.PageInfo.HasNextPage {
						t.Errorf("%s order %v last 10 offset %d: pageInfo %+v", v.name, order, off, got.PageInfo)
					}
				}
			}
		}
	})
}

// TestDeepOffsetOneStatement: a deep offset page is one statement on
// audit_entries whose rows are looked up by id. On SQLite its subquery
// reads the skipped rows' ids from the tenant's (tenant_id, occurred_at,
// id) index alone (a covering index); PostgreSQL's plan of the subquery on
// a million rows is in docs/performance.md ("2026-12-06 — the offset page
// in one statement"): the test tables are too small for its planner's
// choice of index.
func TestDeepOffsetOneStatement(t *testing.T) {
	for _, dia := range testdb.Dialects {
		t.Run(dia, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			var stmts []recordedStmt
			d := testdb.Open(t, dia)
			s := serverOnDriver(t, d, func(dr dialect.Driver) dialect.Driver {
				return requestArgsDriver{argsDriver{Driver: dr, mu: &mu, stmts: &stmts}}
			})
			f := newFixture(t, s, "deep")
			var batch []map[string]any
			for range 620 {
				batch = append(batch, entry("a.b"))
			}
			mustRecord(t, s, f.ingest, f.tenantID, batch...)
			if err := s.App.Views.Flush(context.Background()); err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			stmts = nil
			mu.Unlock()
			q := fmt.Sprintf(`query { auditEntries(tenantID: %q, first: 10, offset: 600) { edges { node { id action } } } }`, f.tenantID)
			var out struct {
				AuditEntries struct {
					Edges []struct{ Node struct{ ID string } }
				}
			}
			s.GraphQL(t, f.admin, q, nil).NoErrors(t).Decode(t, &out)
			if n := len(out.AuditEntries.Edges); n != 10 {
				t.Fatalf("got %d entries, want 10", n)
			}
			var pages []recordedStmt
			mu.Lock()
			for _, st := range stmts {
				if strings.Contains(st.query, "FROM "+quote(dia, "audit_entries")) {
					pages = append(pages, st)
				}
			}
			mu.Unlock()
			if len(pages) != 1 {
				t.Fatalf("%d statements on audit_entries, want 1: %v", len(pages), pages)
			}
			plan := explainPlan(t, d, dia, pages[0].query, pages[0].args)
			t.Logf("%s\n%s", pages[0].query, plan)
			if dia != dialect.SQLite {
				if !strings.Contains(plan, "audit_entries_pkey") || !strings.Contains(plan, "= ANY (($0)::text[])") {
					t.Errorf("the page's rows are not looked up by id:\n%s", plan)
				}
				return
			}
			if !strings.Contains(plan, "COVERING INDEX auditentry_tenant_id_occurred_at_id") {
				t.Errorf("the skipped rows are not read from the tenant index alone:\n%s", plan)
			}
			if !strings.Contains(plan, "SEARCH audit_entries USING INDEX sqlite_autoindex_audit_entries_1 (id=?)") {
				t.Errorf("the page's rows are not looked up by id:\n%s", plan)
			}
		})
	}
}

// requestArgsDriver records the statements of signed-in users' requests
// (ofRequest), with their arguments.
type requestArgsDriver struct{ argsDriver }

func (d requestArgsDriver) Query(ctx context.Context, q string, args, v any) error {
	if !ofRequest(ctx) {
		return d.Driver.Query(ctx, q, args, v)
	}
	return d.argsDriver.Query(ctx, q, args, v)
}
