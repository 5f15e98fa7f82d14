package graph_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trailmark/trailmark/internal/testserver"
)

const listQuery = `query($t: ID, $first: Int, $after: Cursor, $last: Int, $before: Cursor, $offset: Int,
    $order: AuditEntryOrder, $where: AuditEntryWhereInput, $filter: String, $search: String) {
  auditEntries(tenantID: $t, first: $first, after: $after, last: $last, before: $before, offset: $offset,
      orderBy: $order, where: $where, filter: $filter, search: $search) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id action resourceID occurredAt receivedAt } }
  }
}`

type listed struct {
	ID         string
	Action     string
	ResourceID *string
	OccurredAt time.Time
	ReceivedAt time.Time
}

type page struct {
	TotalCount int
	PageInfo   struct {
		HasNextPage, HasPreviousPage bool
		StartCursor, EndCursor       *string
	}
	Edges []struct {
		Cursor string
		Node   listed
	}
}

func (p page) ids() []string {
	out := make([]string, len(p.Edges))
	for i, e := range p.Edges {
		out[i] = e.Node.ID
	}
	return out
}

func (p page) resources() string {
	out := make([]string, len(p.Edges))
	for i, e := range p.Edges {
		out[i] = *e.Node.ResourceID
	}
	return strings.Join(out, ",")
}

// list runs listQuery without the audit_log.view entries that the reads of
// a test record in the background.
func list(t *testing.T, s *testserver.Server, token string, vars map[string]any) page {
	t.Helper()
	vars = maps.Clone(vars)
	noViews := map[string]any{"actionNEQ": "audit_log.view"}
	if w, ok := vars["where"]; ok {
		vars["where"] = map[string]any{"and": []any{w, noViews}}
	} else {
		vars["where"] = noViews
	}
	var out struct{ AuditEntries page }
	s.GraphQL(t, token, listQuery, vars).NoErrors(t).Decode(t, &out)
	return out.AuditEntries
}

// seed30 records r00…r29, one minute apart (r29 newest), actions cycling
// through three names.
func seed30(t *testing.T, s *testserver.Server, f fixture) time.Time {
	t.Helper()
	base := time.Now().Add(-2 * time.Hour).UTC().Truncate(time.Second)
	actions := []string{"workspace.create", "member.add", "billing.invoice.paid"}
	var batch []map[string]any
	for i := range 30 {
		// A fixed actor: the default one is the API key, whose random ULID
		// can contain "R2" and so match the search tests by chance.
		batch = append(batch, entry(actions[i%3], "resourceID", fmt.Sprintf("r%02d", i),
			"occurredAt", base.Add(time.Duration(i)*time.Minute).Format(time.RFC3339),
			"actor", map[string]any{"type": "SYSTEM", "id": "seeder"}))
	}
	mustRecord(t, s, f.ingest, f.tenantID, batch...)
	return base
}

func resourceRange(from, to int) string { // inclusive, either direction
	var out []string
	for i := from; ; {
		out = append(out, fmt.Sprintf("r%02d", i))
		if i == to {
			break
		}
		if from < to {
			i++
		} else {
			i--
		}
	}
	return strings.Join(out, ",")
}

func TestAuditEntriesPagination(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		f := newFixture(t, s, "acme")
		seed30(t, s, f)
		vars := func(kv ...any) map[string]any {
			m := map[string]any{"t": f.tenantID}
			for i := 0; i+1 < len(kv); i += 2 {
				m[kv[i].(string)] = kv[i+1]
			}
			return m
		}

		// Default: newest first, 25 per page.
		p := list(t, s, f.reader, vars())
		if p.TotalCount != 30 || len(p.Edges) != 25 || !p.PageInfo.HasNextPage || p.PageInfo.HasPreviousPage {
			t.Fatalf("default page: total %d, %d edges, pageInfo %+v", p.TotalCount, len(p.Edges), p.PageInfo)
		}
		if got := p.resources(); got != resourceRange(29, 5) {
			t.Fatalf("default order = %s", got)
		}

		// Forward with cursors.
		var forward []string
		var after any
		for range 10 {
			p := list(t, s, f.reader, vars("first", 7, "after", after))
			forward = append(forward, strings.Split(p.resources(), ",")...)
			if p.PageInfo.HasPreviousPage != (after != nil) {
				t.Errorf("hasPreviousPage = %v after %v", p.PageInfo.HasPreviousPage, after)
			}
			if !p.PageInfo.HasNextPage {
				break
			}
			after = *p.PageInfo.EndCursor
		}
		if got := strings.Join(forward, ","); got != resourceRange(29, 0) {
			t.Fatalf("forward walk = %s", got)
		}

		// Backward with cursors: the same list, from the other end.
		var backward []string
		var before any
		for range 10 {
			p := list(t, s, f.reader, vars("last", 7, "before", before))
			backward = append(strings.Split(p.resources(), ","), backward...)
			if p.PageInfo.HasNextPage != (before != nil) {
				t.Errorf("hasNextPage = %v before %v", p.PageInfo.HasNextPage, before)
			}
			if !p.PageInfo.HasPreviousPage {
				break
			}
			before = *p.PageInfo.StartCursor
		}
		if got := strings.Join(backward, ","); got != resourceRange(29, 0) {
			t.Fatalf("backward walk = %s", got)
		}

		// A cursor taken going forward works going backward and vice versa.
		mid := list(t, s, f.reader, vars("first", 10))
		back := list(t, s, f.reader, vars("last", 3, "before", mid.Edges[5].Cursor))
		if got := back.resources(); got != "r27,r26,r25" {
			t.Errorf("last 3 before r24 = %s", got)
		}
		fwd := list(t, s, f.reader, vars("first", 2, "after", back.Edges[0].Cursor))
		if got := fwd.resources(); got != "r26,r25" {
			t.Errorf("first 2 after r27 = %s", got)
		}
		between := list(t, s, f.reader, vars("first", 100, "after", mid.Edges[0].Cursor, "before", mid.Edges[4].Cursor))
		if got := between.resources(); got != "r28,r27,r26" {
			t.Errorf("between r29 and r25 = %s", got)
		}

		// Offset: numbered page jumps.
		p = list(t, s, f.reader, vars("first", 10, "offset", 10))
		if got := p.resources(); got != resourceRange(19, 10) || !p.PageInfo.HasPreviousPage || !p.PageInfo.HasNextPage || p.TotalCount != 30 {
			t.Errorf("page 2 by offset = %s %+v total %d", got, p.PageInfo, p.TotalCount)
		}
		p = list(t, s, f.reader, vars("first", 10, "offset", 20))
		if got := p.resources(); got != resourceRange(9, 0) || p.PageInfo.HasNextPage {
			t.Errorf("page 3 by offset = %s %+v", got, p.PageInfo)
		}
		p = list(t, s, f.reader, vars("first", 5, "offset", 2, "after", mid.Edges[0].Cursor))
		if got := p.resources(); got != resourceRange(26, 22) {
			t.Errorf("offset after a cursor = %s", got)
		}
		p = list(t, s, f.reader, vars("first", 10, "offset", 40))
		if len(p.Edges) != 0 || p.PageInfo.HasNextPage {
			t.Errorf("offset past the end = %+v", p)
		}
		p = list(t, s, f.reader, vars("first", 0))
		if len(p.Edges) != 0 || p.TotalCount != 30 {
			t.Errorf("first 0 = %+v", p)
		}

		// Limits.
		for _, arg := range []string{"first", "last"} {
			res := s.GraphQL(t, f.reader, listQuery, vars(arg, 1001))
			if len(res.Errors) != 1 || res.Errors[0].Code() != "BAD_USER_INPUT" || res.Errors[0].Extensions["field"] != arg {
				t.Errorf("%s: 1001 → %s", arg, res.Body)
			}
		}
		for _, bad := range []map[string]any{vars("first", 1, "last", 1), vars("offset", -1), vars("first", -1)} {
			if res := s.GraphQL(t, f.reader, listQuery, bad); !res.HasCode("BAD_USER_INPUT") {
				t.Errorf("%v → %s", bad, res.Body)
			}
		}
		if p := list(t, s, f.reader, vars("first", 1000)); len(p.Edges) != 30 {
			t.Errorf("first 1000 gave %d", len(p.Edges))
		}
	})
}

func TestAuditEntriesOrder(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		f := newFixture(t, s, "acme")
		seed30(t, s, f)
		// A second batch, received later, about older events.
		mustRecord(t, s, f.ingest, f.tenantID,
			entry("api_key.create", "resourceID", "late1", "occurredAt", time.Now().Add(-72*time.Hour).Format(time.RFC3339)),
			entry("api_key.create", "resourceID", "late2", "occurredAt", time.Now().Add(-71*time.Hour).Format(time.RFC3339)))
		less := map[string]func(a, b listed) int{
			"OCCURRED_AT": func(a, b listed) int { return cmpTimeID(a.OccurredAt, b.OccurredAt, a.ID, b.ID) },
			"RECEIVED_AT": func(a, b listed) int { return cmpTimeID(a.ReceivedAt, b.ReceivedAt, a.ID, b.ID) },
			"ACTION": func(a, b listed) int {
				if c := strings.Compare(a.Action, b.Action); c != 0 {
					return c
				}
				return strings.Compare(a.ID, b.ID)
			},
		}
		for field, cmp := range less {
			for _, dir := range []string{"ASC", "DESC"} {
				order := map[string]any{"field": field, "direction": dir}
				var all []listed
				var after any
				for { // walk in pages of 4 so cursors of this order are used
					p := list(t, s, f.reader, map[string]any{"t": f.tenantID, "first": 4, "after": after, "order": order})
					for _, e := range p.Edges {
						all = append(all, e.Node)
					}
					if !p.PageInfo.HasNextPage {
						break
					}
					after = *p.PageInfo.EndCursor
				}
				want := slices.Clone(all)
				slices.SortFunc(want, cmp)
				if dir == "DESC" {
					slices.Reverse(want)
				}
				if len(all) != 32 || !slices.EqualFunc(all, want, sameID) {
					t.Errorf("%s %s: %d entries, order wrong", field, dir, len(all))
				}
				// Backwards through the same order gives the same list.
				var back []listed
				var before any
				for {
					p := list(t, s, f.reader, map[string]any{"t": f.tenantID, "last": 5, "before": before, "order": order})
					var chunk []listed
					for _, e := range p.Edges {
						chunk = append(chunk, e.Node)
					}
					back = append(chunk, back...)
					if !p.PageInfo.HasPreviousPage {
						break
					}
					before = *p.PageInfo.StartCursor
				}
				if !slices.EqualFunc(back, want, sameID) {
					t.Errorf("%s %s backwards: order differs", field, dir)
				}
			}
		}
		p := list(t, s, f.reader, map[string]any{"t": f.tenantID, "first": 2, "order": map[string]any{"field": "OCCURRED_AT", "direction": "ASC"}})
		if got := p.resources(); got != "late1,late2" {
			t.Errorf("oldest first = %s", got)
		}
	})
}

func sameID(a, b listed) bool { return a.ID == b.ID }

func cmpTimeID(a, b time.Time, aID, bID string) int {
	if c := a.Compare(b); c != 0 {
		return c
	}
	return strings.Compare(aID, bID)
}

func TestAuditEntriesWhereAndSearch(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		f := newFixture(t, s, "acme")
		base := seed30(t, s, f)
		mustRecord(t, s, f.ingest, f.tenantID,
			entry("plan.upgrade", "resourceID", "promo", "resourceName", "50% off_SALE", "workspace", "Prod-EU",
				"occurredAt", time.Now().Add(-time.Minute).Format(time.RFC3339),
				"actor", map[string]any{"type": "SYSTEM", "id": "promo-bot"}),
			entry("plan.downgrade", "resourceID", "other", "resourceName", "50 percent offXsale",
				"actor", map[string]any{"type": "USER", "id": "u-9", "name": "Grace Hopper", "email": "grace@navy.mil"}))
		count := func(vars map[string]any) string {
			vars["t"] = f.tenantID
			vars["first"] = 100
			return list(t, s, f.reader, vars).resources()
		}
		tests := []struct {
			name string
			vars map[string]any
			want string
		}{
			{"where action", map[string]any{"where": map[string]any{"action": "member.add"}}, "r28,r25,r22,r19,r16,r13,r10,r07,r04,r01"},
			{"where time range", map[string]any{"where": map[string]any{
				"occurredAtGTE": base.Add(3 * time.Minute).Format(time.RFC3339),
				"occurredAtLT":  base.Add(6 * time.Minute).In(time.FixedZone("X", 2*3600)).Format(time.RFC3339),
			}}, "r05,r04,r03"},
			{"where or", map[string]any{"where": map[string]any{"or": []any{
				map[string]any{"resourceID": "r01"}, map[string]any{"resourceIDIn": []string{"r02", "r03"}},
			}}}, "r03,r02,r01"},
			{"where and search", map[string]any{"where": map[string]any{"actionHasPrefix": "billing."}, "search": "R2"}, "r29,r26,r23,r20"},
			{"search resource id, any case", map[string]any{"search": "R0"}, resourceRange(9, 0)},
			{"search percent is literal", map[string]any{"search": "50%"}, "promo"},
			{"search underscore is literal", map[string]any{"search": "off_s"}, "promo"},
			{"search workspace", map[string]any{"search": "prod-eu"}, "promo"},
			{"search actor name", map[string]any{"search": "hopper"}, "other"},
			{"search actor email", map[string]any{"search": "NAVY.MIL"}, "other"},
			{"search actor id", map[string]any{"search": "u-9"}, "other"},
			{"search action", map[string]any{"search": "downgrade"}, "other"},
			{"search resource type", map[string]any{"search": "plan"}, "other,promo"},
			{"blank search", map[string]any{"search": "  ", "where": map[string]any{"resourceIDIn": []string{"r00"}}}, "r00"},
			{"nothing", map[string]any{"search": "zzz"}, ""},
		}
		for _, tt := range tests {
			if got := count(tt.vars); got != tt.want {
				t.Errorf("%s: got %s, want %s", tt.name, got, tt.want)
			}
		}
	})
}

func TestAuditEntriesScope(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		f := newFixture(t, s, "acme")
		g := newFixture(t, s, "globex")
		mustRecord(t, s, f.ingest, f.tenantID, entry("member.add", "resourceID", "acme-1"))
		mustRecord(t, s, g.ingest, g.tenantID, entry("member.add", "resourceID", "globex-1"))
		admin := s.PlatformAdmin(t)

		// No tenantID: every tenant the viewer may read.
		if got := list(t, s, admin, map[string]any{}).resources(); got != "globex-1,acme-1" {
			t.Errorf("all tenants = %s", got)
		}
		// A tenant that does not exist is an empty connection, not an error.
		p := list(t, s, admin, map[string]any{"t": "ten_01ARZ3NDEKTSV4RRFFQ69G5FAV"})
		if len(p.Edges) != 0 || p.TotalCount != 0 || p.PageInfo.HasNextPage {
			t.Errorf("unknown tenant = %+v", p)
		}
		for _, tt := range []struct {
			vars  map[string]any
			field string
		}{
			{map[string]any{"t": "acme"}, "tenantID"},
			{map[string]any{"t": "usr_01ARZ3NDEKTSV4RRFFQ69G5FAV"}, "tenantID"},
		} {
			res := s.GraphQL(t, admin, listQuery, tt.vars)
			if len(res.Errors) != 1 || res.Errors[0].Extensions["field"] != tt.field {
				t.Errorf("%v: %s", tt.vars, res.Body)
			}
		}
		res := s.GraphQL(t, admin, `query($t: ID) { auditEntries(tenantID: $t, platform: true) { totalCount } }`, map[string]any{"t": f.tenantID})
		if !res.HasCode("BAD_USER_INPUT") {
			t.Errorf("platform with tenantID: %s", res.Body)
		}
		// The platform log holds no tenant's entries.
		var out struct {
			AuditEntries struct{ TotalCount int }
		}
		s.GraphQL(t, admin, `{ auditEntries(platform: true, where: {actionNEQ: "audit_log.view"}) { totalCount } }`, nil).NoErrors(t).Decode(t, &out)
		if out.AuditEntries.TotalCount != 0 {
			t.Errorf("platform log has %d tenant entries", out.AuditEntries.TotalCount)
		}

		// tenants and node(id) of a tenant.
		var ts struct {
			Tenants struct {
				TotalCount int
				Edges      []struct{ Node struct{ ID, Slug string } }
			}
			Node struct{ Slug string }
		}
		s.GraphQL(t, admin, `query($id: ID!) { tenants(first: 10, where: {slugIn: ["acme", "globex"]}) { totalCount edges { node { id slug } } }
			node(id: $id) { ... on Tenant { slug } } }`, map[string]any{"id": g.tenantID}).NoErrors(t).Decode(t, &ts)
		if ts.Tenants.TotalCount != 2 || len(ts.Tenants.Edges) != 2 || ts.Node.Slug != "globex" {
			t.Errorf("tenants = %+v, node = %+v", ts.Tenants, ts.Node)
		}
		res = s.GraphQL(t, admin, `{ tenants(first: 1001) { totalCount } }`, nil)
		if len(res.Errors) != 1 || res.Errors[0].Extensions["field"] != "first" {
			t.Errorf("tenants(first: 1001): %s", res.Body)
		}
	})
}
