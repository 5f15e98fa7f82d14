package graph_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/testserver"
)

// walkQuery is a page of a search with every paging argument; where set
// makes the same page a filtered one (the plain plan), where nil leaves a
// tenant and a search alone (the walk of the ordered index on PostgreSQL,
// audit.SearchWalk).
const walkQuery = `query($t: ID, $s: String, $first: Int, $last: Int, $after: Cursor, $before: Cursor,
    $offset: Int, $dir: OrderDirection!, $where: AuditEntryWhereInput) {
  auditEntries(tenantID: $t, search: $s, first: $first, last: $last, after: $after, before: $before,
      offset: $offset, orderBy: { field: OCCURRED_AT, direction: $dir }, where: $where) {
    edges { cursor node { resourceID } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`

type walkPage struct {
	Edges []struct {
		Cursor string
		Node   struct{ ResourceID string }
	}
	PageInfo struct {
		HasNextPage, HasPreviousPage bool
		StartCursor, EndCursor       *string
	}
}

func (p walkPage) String() string {
	ids := make([]string, len(p.Edges))
	for i, e := range p.Edges {
		ids[i] = e.Node.ResourceID
	}
	return fmt.Sprintf("%v next=%v prev=%v", ids, p.PageInfo.HasNextPage, p.PageInfo.HasPreviousPage)
}

// plainWhere is a filter every entry of the test passes: it only makes the
// page's WHERE clause more than the tenant, so the page takes the plain
// plan.
var plainWhere = map[string]any{"actionNEQ": "no.such.action"}

func walkSearch(t *testing.T, s *testserver.Server, token, tenantID string, vars map[string]any) walkPage {
	t.Helper()
	v := map[string]any{"t": tenantID, "s": "LK.IMP", "dir": "DESC"}
	for k, x := range vars {
		v[k] = x
	}
	var out struct{ AuditEntries walkPage }
	s.GraphQL(t, token, walkQuery, v).NoErrors(t).Decode(t, &out)
	return out.AuditEntries
}

// TestSearchCommonWalk: the page of a text common in a tenant's log — on
// PostgreSQL walked from the ordered search index — is the plain plan's
// page for every paging argument (first, last, after, before, offset,
// both directions), with entries the index does not hold yet (numbered
// and not numbered), many entries sharing an occurred_at, and another
// tenant's matches interleaved, which never appear. It then takes one
// entry's text out of its index row: the walked page loses it (so the
// page did walk the index), the filtered and a MEMBER's page keep it, and
// so does the page once the log's tail is longer than audit.MaxWalkTail
// (so those fell back to the plain plan).
func TestSearchCommonWalk(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		ctx := context.Background()
		f := newFixture(t, s, "acme")
		g := newFixture(t, s, "globex")
		member, memberTok := s.Member(t, f.tenantID, schematype.RoleMember, nil)
		base := time.Now().Add(-3 * time.Hour).UTC().Truncate(time.Second)
		at := func(sec int) string { return base.Add(time.Duration(sec) * time.Second).Format(time.RFC3339) }
		// 5 000 of 6 000 entries hold "bulk.import" (about 156 of them in
		// the sample; fewer than 80 has a chance below 1e-11), seven to an
		// occurred_at; every sixth matches nothing; globex's matches at
		// the same times.
		const n = 6000
		for start := 0; start < n; start += 1000 {
			var mine, theirs []map[string]any
			for i := start; i < start+1000; i++ {
				action := "bulk.import"
				if i%6 == 5 {
					action = "bulk.other"
				}
				e := entry(action, "resourceID", fmt.Sprintf("a%05d", i), "occurredAt", at(i/7))
				if i == n-3 { // the newest match's actor is the member
					e["actor"] = map[string]any{"type": "USER", "id": member.ID, "name": "Member"}
				}
				mine = append(mine, e)
				theirs = append(theirs, entry("bulk.import", "resourceID", fmt.Sprintf("g%05d", i), "occurredAt", at(i/7)))
			}
			mustRecord(t, s, f.ingest, f.tenantID, mine...)
			if start < 2000 {
				mustRecord(t, s, g.ingest, g.tenantID, theirs...)
			}
		}
		if err := s.App.Ledger.SyncAll(ctx); err != nil {
			t.Fatal(err)
		}
		if err := s.App.Search.Pass(ctx); err != nil {
			t.Fatal(err)
		}
		// The tail: matches numbered but not indexed, then matches not
		// numbered, at times before, among (ties with indexed entries) and
		// after the indexed ones.
		var tail []map[string]any
		for i, sec := range []int{-5, 0, 3, 100, 100, 333, 600, 856, 856, 857, 2000} {
			tail = append(tail, entry("bulk.import", "resourceID", fmt.Sprintf("t%02d", i), "occurredAt", at(sec)))
		}
		mustRecord(t, s, f.ingest, f.tenantID, tail[:6]...)
		if err := s.App.Ledger.SyncAll(ctx); err != nil {
			t.Fatal(err)
		}
		mustRecord(t, s, f.ingest, f.tenantID, tail[6:]...)

		same := func(what string, vars map[string]any) walkPage {
			t.Helper()
			walked := walkSearch(t, s, f.admin, f.tenantID, vars)
			plainVars := map[string]any{"where": plainWhere}
			for k, v := range vars {
				plainVars[k] = v
			}
			plain := walkSearch(t, s, f.admin, f.tenantID, plainVars)
			if walked.String() != plain.String() {
				t.Errorf("%s: walked page\n  %s\nplain page\n  %s", what, walked, plain)
			}
			if strings.Contains(walked.String(), "g0") {
				t.Errorf("%s: another tenant's entry: %s", what, walked)
			}
			return walked
		}
		// Every page, forwards and backwards, in both orders.
		total := 0
		for _, dir := range []string{"DESC", "ASC"} {
			var after any
			for pages := 0; ; pages++ {
				p := same(dir+" forwards", map[string]any{"first": 400, "after": after, "dir": dir})
				total += len(p.Edges)
				if !p.PageInfo.HasNextPage || pages > 20 {
					break
				}
				after = *p.PageInfo.EndCursor
			}
			var before any
			for pages := 0; ; pages++ {
				p := same(dir+" backwards", map[string]any{"last": 400, "before": before, "dir": dir})
				if !p.PageInfo.HasPreviousPage || pages > 20 {
					break
				}
				before = *p.PageInfo.StartCursor
			}
		}
		if want := 2 * (n/6*5 + len(tail)); total != want {
			t.Errorf("forwards in both orders: %d entries, want %d", total, want)
		}
		// Cursors inside a run of ties, with offsets (below and beyond the
		// deferred offset), both cursors at once, and a zero-size page.
		mid := walkSearch(t, s, f.admin, f.tenantID, map[string]any{"first": 1000, "where": plainWhere})
		c := func(i int) string { return mid.Edges[i].Cursor }
		for _, tc := range []map[string]any{
			{"first": 30}, {"first": 30, "offset": 45}, {"first": 30, "offset": 700}, {"first": 1, "offset": 4999},
			{"last": 30}, {"last": 30, "offset": 10}, {"first": 30, "after": c(3)}, {"first": 30, "after": c(500), "offset": 600},
			{"last": 30, "before": c(700)}, {"first": 50, "after": c(10), "before": c(40)}, {"last": 7, "after": c(10), "before": c(40)},
			{"first": 30, "after": c(250), "dir": "ASC"}, {"last": 30, "before": c(250), "dir": "ASC"}, {"first": 0, "after": c(5)},
		} {
			same(fmt.Sprintf("%v", tc), tc)
		}

		// The walked page comes from the index: take the text out of the
		// row of one of the newest indexed matches (a05997, the member's).
		if s.DB.Dialect != dialect.Postgres {
			return
		}
		if _, err := s.DB.SQL.ExecContext(ctx, `UPDATE audit_search SET doc = 'x' WHERE entry_id =
  (SELECT id FROM audit_entries WHERE resource_id = 'a05997')`); err != nil {
			t.Fatal(err)
		}
		walked := walkSearch(t, s, f.admin, f.tenantID, map[string]any{"first": 30})
		plain := walkSearch(t, s, f.admin, f.tenantID, map[string]any{"first": 30, "where": plainWhere})
		if strings.Contains(walked.String(), "a05997") || !strings.Contains(plain.String(), "a05997") {
			t.Errorf("an index row without the text: walked page %s, plain page %s; want it only in the plain page", walked, plain)
		}
		if got := walkSearch(t, s, memberTok, f.tenantID, map[string]any{"first": 30}); got.String() != "[a05997] next=false prev=false" {
			t.Errorf("member: %s, want their one entry (the plain plan)", got)
		}
		// A tail longer than audit.MaxWalkTail (a backfill): the plain plan.
		for range 2 {
			batch := make([]map[string]any, 0, audit.MaxWalkTail/2+1)
			for i := range cap(batch) {
				batch = append(batch, entry("other.thing", "resourceID", fmt.Sprintf("o%05d", i), "occurredAt", at(-100)))
			}
			mustRecord(t, s, f.ingest, f.tenantID, batch...)
		}
		if got := walkSearch(t, s, f.admin, f.tenantID, map[string]any{"first": 30}); got.String() != plain.String() {
			t.Errorf("a long tail: %s, want the plain plan's %s", got, plain)
		}
	}, searchIndexOff)
}
