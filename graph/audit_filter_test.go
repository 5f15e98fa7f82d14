package graph_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/testserver"
)

// TestAuditEntriesFilter runs the filter language through the API, one case
// per operator class (the filter package tests the operators in depth).
func TestAuditEntriesFilter(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		f := newFixture(t, s, "acme")
		now := time.Now().UTC()
		ago := func(d time.Duration) string { return now.Add(-d).Format(time.RFC3339) }
		mustRecord(t, s, f.ingest, f.tenantID,
			entry("member.add", "resourceID", "a", "occurredAt", ago(time.Hour),
				"actor", map[string]any{"type": "USER", "id": "u1", "name": "Ada", "email": "ada@acme.io"},
				"metadata", map[string]any{"plan": "pro", "ip": "10.0.0.1"}, "newValue", map[string]any{"plan": "pro"}),
			entry("member.remove", "resourceID", "b", "occurredAt", ago(2*time.Hour), "status", "FAILURE",
				"actor", map[string]any{"type": "USER", "id": "u2", "name": "O'Brien", "email": "ob@globex.com"},
				"metadata", map[string]any{"plan": "free"}, "workspace", "prod"),
			entry("workspace.create", "resourceID", "c", "occurredAt", ago(10*24*time.Hour),
				"actor", map[string]any{"type": "SYSTEM"}, "resourceName", "Main"),
			entry("billing.invoice.paid", "resourceID", "d", "occurredAt", ago(40*24*time.Hour),
				"actor", map[string]any{"type": "API_KEY", "id": "key_x", "name": "billing"}, "oldValue", map[string]any{"plan": "free"}),
		)
		tests := []struct{ filter, want string }{
			{`action = 'member.add'`, "a"},
			{`action != 'member.add'`, "b,c,d"},
			{`action <> 'member.add' and status = 'failure'`, "b"},
			{`occurred_at > now() - interval '1 day'`, "a,b"},
			{`occurred_at >= now() - interval '30 days' and occurred_at < now() - interval '90 minutes'`, "b,c"},
			{`occurred_at <= '` + now.AddDate(0, 0, -20).Format("2006-01-02") + `'`, "d"},
			{`action like 'member.%'`, "a,b"},
			{`action not like 'member.%'`, "c,d"},
			{`actor_email ilike '%@ACME.IO'`, "a"},
			{`actor_email not ilike '%@acme.io'`, "b"},
			{`resource_id in ('a', 'c', 'zz')`, "a,c"},
			{`resource_id not in ('a', 'c')`, "b,d"},
			{`workspace is null`, "a,c,d"},
			{`workspace is not null`, "b"},
			{`actor_type = 'system' or actor_type = 'API_KEY'`, "c,d"},
			{`not (action like 'member.%') and resource_name = 'Main'`, "c"},
			{`actor_name = 'O''Brien'`, "b"},
			{`metadata->>'plan' = 'pro'`, "a"},
			{`new_value->>'plan' = 'pro' or old_value->>'plan' = 'free'`, "a,d"},
			{`metadata->>'ip' is null`, "b,c,d"},
			{`ACTION = 'member.add' OR Resource_ID = 'd'`, "a,d"},
			{`   `, "a,b,c,d"},
		}
		for _, tt := range tests {
			got := list(t, s, f.reader, map[string]any{"t": f.tenantID, "filter": tt.filter}).resources()
			if got != tt.want {
				t.Errorf("filter %q: got %s, want %s", tt.filter, got, tt.want)
			}
		}
		// A bad filter names its position, in extensions and in the message.
		for _, tt := range []struct {
			filter string
			pos    int
		}{
			{`action = 'x' and bogus = 1`, 18},
			{`action = `, 10},
			{`status = 'MAYBE'`, 10},
		} {
			res := s.GraphQL(t, f.reader, listQuery, map[string]any{"t": f.tenantID, "filter": tt.filter})
			if len(res.Errors) != 1 {
				t.Fatalf("filter %q: %s", tt.filter, res.Body)
			}
			e := res.Errors[0]
			pos, _ := e.Extensions["position"].(float64)
			if e.Code() != "BAD_USER_INPUT" || e.Extensions["field"] != "filter" || int(pos) != tt.pos ||
				!strings.Contains(e.Message, "position "+itoa(tt.pos)) {
				t.Errorf("filter %q: error %+v; want BAD_USER_INPUT at position %d", tt.filter, e, tt.pos)
			}
		}
	})
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestAuditFacets(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		f := newFixture(t, s, "acme")
		day1 := time.Now().UTC().AddDate(0, 0, -3).Truncate(24 * time.Hour).Add(23 * time.Hour) // late in the day, UTC
		day2 := day1.Add(2 * time.Hour)                                                         // early the next day
		at := func(t time.Time) string { return t.In(time.FixedZone("PST", -8*3600)).Format(time.RFC3339) }
		ada := map[string]any{"type": "USER", "id": "u1", "name": "Ada"}
		anon := map[string]any{"type": "USER", "id": "u2"}
		var batch []map[string]any
		for range 3 {
			batch = append(batch, entry("member.add", "occurredAt", at(day1), "actor", ada))
		}
		for range 2 {
			batch = append(batch, entry("member.remove", "occurredAt", at(day2), "actor", anon, "status", "FAILURE"))
		}
		batch = append(batch, entry("workspace.create", "occurredAt", at(day2), "actor", map[string]any{"type": "SYSTEM"}))
		mustRecord(t, s, f.ingest, f.tenantID, batch...)
		other := newFixture(t, s, "globex")
		mustRecord(t, s, other.ingest, other.tenantID, entry("member.add", "occurredAt", at(day1)))

		type facets struct {
			Total                                       int
			ByAction, ByResourceType, ByActor, ByStatus []struct {
				Value string
				Count int
			}
			ByDay []struct {
				Day   string
				Count int
			}
		}
		get := func(vars map[string]any) facets {
			vars["t"] = f.tenantID
			var out struct{ AuditFacets facets }
			s.GraphQL(t, f.reader, `query($t: ID!, $from: Time, $to: Time, $filter: String) {
				auditFacets(tenantID: $t, from: $from, to: $to, filter: $filter) {
					total byAction { value count } byResourceType { value count } byActor { value count }
					byStatus { value count } byDay { day count } } }`, vars).NoErrors(t).Decode(t, &out)
			return out.AuditFacets
		}
		str := func(v any) string { b, _ := json.Marshal(v); return string(b) }
		all := get(map[string]any{"filter": "action != 'audit_log.view'"})
		d1, d2 := day1.Format("2006-01-02"), day2.Format("2006-01-02")
		checks := []struct{ name, got, want string }{
			{"total", str(all.Total), "6"},
			{"byAction", str(all.ByAction), `[{"Value":"member.add","Count":3},{"Value":"member.remove","Count":2},{"Value":"workspace.create","Count":1}]`},
			{"byResourceType", str(all.ByResourceType), `[{"Value":"member","Count":5},{"Value":"workspace","Count":1}]`},
			{"byActor", str(all.ByActor), `[{"Value":"Ada","Count":3},{"Value":"u2","Count":2},{"Value":"SYSTEM","Count":1}]`},
			{"byStatus", str(all.ByStatus), `[{"Value":"SUCCESS","Count":4},{"Value":"FAILURE","Count":2}]`},
			{"byDay", str(all.ByDay), `[{"Day":"` + d1 + `","Count":3},{"Day":"` + d2 + `","Count":3}]`},
		}
		if d1 > d2 { // never: day2 is the next day
			t.Fatal("days out of order")
		}
		for _, c := range checks {
			if c.got != c.want {
				t.Errorf("%s = %s\nwant %s", c.name, c.got, c.want)
			}
		}
		// from is inclusive, to exclusive.
		some := get(map[string]any{"from": day2.Format(time.RFC3339), "to": day2.Add(time.Second).Format(time.RFC3339)})
		if some.Total != 3 || len(some.ByDay) != 1 || some.ByDay[0].Day != d2 {
			t.Errorf("from/to: %+v", some)
		}
		if n := get(map[string]any{"filter": "status = 'failure'"}).Total; n != 2 {
			t.Errorf("filtered total = %d, want 2", n)
		}
		res := s.GraphQL(t, f.reader, `query($t: ID!) { auditFacets(tenantID: $t, filter: "action ==") { total } }`, map[string]any{"t": f.tenantID})
		if !res.HasCode("BAD_USER_INPUT") {
			t.Errorf("bad filter: %s", res.Body)
		}
	})
}

// TestAuditLogViewRecorded checks that each auditEntries query records one
// audit_log.view in the log it read, with the arguments in its metadata.
func TestAuditLogViewRecorded(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		f := newFixture(t, s, "acme")
		g := newFixture(t, s, "globex")
		mustRecord(t, s, f.ingest, f.tenantID, entry("member.add"))
		mustRecord(t, s, g.ingest, g.tenantID, entry("member.add"))
		ctx := testserver.System(context.Background())
		views := func(tenantID *string) []*ent.AuditEntry {
			t.Helper()
			if err := s.App.Views.Flush(context.Background()); err != nil {
				t.Fatal(err)
			}
			q := s.Client().AuditEntry.Query().Where(auditentry.Action(audit.ViewAction))
			if tenantID == nil {
				q.Where(auditentry.TenantIDIsNil())
			} else {
				q.Where(auditentry.TenantID(*tenantID))
			}
			return q.Order(ent.Asc(auditentry.FieldReceivedAt)).AllX(ctx)
		}
		s.GraphQL(t, f.admin, `query($t: ID) { auditEntries(tenantID: $t, filter: "action = 'member.add'", search: "mem") { totalCount } }`,
			map[string]any{"t": f.tenantID}).NoErrors(t)
		s.GraphQL(t, f.reader, `query($t: ID) { auditEntries(tenantID: $t, where: {action: "member.add"}) { edges { node { id } } } }`,
			map[string]any{"t": f.tenantID}).NoErrors(t)
		v := views(&f.tenantID)
		if len(v) != 2 {
			t.Fatalf("%d audit_log.view entries, want 2", len(v))
		}
		var meta map[string]any
		_ = json.Unmarshal(v[0].Metadata, &meta)
		if v[0].ActorType != schematype.ActorUser || *v[0].ActorID != f.adminID || meta["filter"] != "action = 'member.add'" || meta["search"] != "mem" {
			t.Errorf("first view = actor %s %v, metadata %s", v[0].ActorType, v[0].ActorID, v[0].Metadata)
		}
		if v[0].Hash != audit.Hash(entryOf(v[0])) {
			t.Errorf("view entry hash does not recompute")
		}
		var meta1 struct{ Where map[string]any }
		_ = json.Unmarshal(v[1].Metadata, &meta1)
		if v[1].ActorType != schematype.ActorAPIKey || meta1.Where["action"] != "member.add" {
			t.Errorf("second view = actor %s, metadata %s", v[1].ActorType, v[1].Metadata)
		}

		// A platform admin's read is recorded in the tenant's log too; a read
		// of every tenant in each tenant read; the platform log in its own.
		admin := s.PlatformAdmin(t)
		s.GraphQL(t, admin, `query($t: ID) { auditEntries(tenantID: $t) { totalCount } }`, map[string]any{"t": g.tenantID}).NoErrors(t)
		if v := views(&g.tenantID); len(v) != 1 || v[0].ActorType != schematype.ActorUser {
			t.Fatalf("platform admin read of globex: %d views", len(v))
		}
		s.GraphQL(t, admin, `{ auditEntries(first: 100, where: {action: "member.add"}) { edges { node { id } } } }`, nil).NoErrors(t)
		if a, b := len(views(&f.tenantID)), len(views(&g.tenantID)); a != 3 || b != 2 {
			t.Fatalf("cross-tenant read: acme has %d views, globex %d; want 3 and 2", a, b)
		}
		s.GraphQL(t, admin, `{ auditEntries(platform: true) { totalCount } }`, nil).NoErrors(t)
		if v := views(nil); len(v) != 1 {
			t.Fatalf("platform log read: %d platform views, want 1", len(v))
		}
		// A probe of a tenant the caller has nothing to do with records nothing there.
		s.GraphQL(t, f.admin, `query($t: ID) { auditEntries(tenantID: $t) { totalCount } }`, map[string]any{"t": g.tenantID})
		if v := views(&g.tenantID); len(v) != 2 {
			t.Fatalf("probe of globex by acme's admin: %d views, want still 2", len(v))
		}
	})
}

// entryOf turns a stored row back into the audit.Entry it was hashed from.
func entryOf(e *ent.AuditEntry) audit.Entry { return audit.EntryOf(e) }

// TestAuditEntriesFilterCachedAcrossViewers sends one filter text (kept
// compiled by the server after its first use) as callers who see different
// rows: the rows follow the caller, not the first caller of the text.
func TestAuditEntriesFilterCachedAcrossViewers(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		acme := newFixture(t, s, "acme")
		globex := newFixture(t, s, "globex")
		prod := "prod"
		u, member := s.Member(t, acme.tenantID, schematype.RoleMember, &prod)
		self := map[string]any{"type": "USER", "id": u.ID}
		// A MEMBER of prod sees only its own entries in prod: a1.
		mustRecord(t, s, acme.ingest, acme.tenantID,
			entry("member.add", "resourceID", "a1", "workspace", "prod", "actor", self),
			entry("member.add", "resourceID", "a2", "workspace", "dev", "actor", self),
			entry("member.add", "resourceID", "a3", "workspace", "prod"),
			entry("member.remove", "resourceID", "a4", "workspace", "prod", "actor", self))
		mustRecord(t, s, globex.ingest, globex.tenantID, entry("member.add", "resourceID", "g1"))
		// A text unique to this run, so that the first use below is its first.
		text := `action = 'member.add' and resource_id <> '` + acme.tenantID + `'`
		const q = `query($t: ID!, $filter: String) { auditEntries(tenantID: $t, filter: $filter) { edges { node { resourceID } } } }`
		get := func(token, tenantID string) string {
			var out struct{ AuditEntries page }
			s.GraphQL(t, token, q, map[string]any{"t": tenantID, "filter": text}).NoErrors(t).Decode(t, &out)
			got := strings.Split(out.AuditEntries.resources(), ",")
			slices.Sort(got)
			return strings.Join(got, ",")
		}
		for _, c := range []struct {
			who, token, tenantID, want string
		}{
			{"acme admin", acme.admin, acme.tenantID, "a1,a2,a3"},
			{"acme member of prod", member, acme.tenantID, "a1"},
			{"globex reader", globex.reader, globex.tenantID, "g1"},
			{"acme reader", acme.reader, acme.tenantID, "a1,a2,a3"},
		} {
			if got := get(c.token, c.tenantID); got != c.want {
				t.Errorf("%s: got %s, want %s", c.who, got, c.want)
			}
		}
		// A bad text answers the same error each time.
		var first string
		for i := range 2 {
			res := s.GraphQL(t, acme.reader, q, map[string]any{"t": acme.tenantID, "filter": `action = 'x' and bogus = 1`})
			if len(res.Errors) != 1 || res.Errors[0].Code() != "BAD_USER_INPUT" {
				t.Fatalf("bad filter, try %d: %s", i, res.Body)
			}
			got, _ := json.Marshal(res.Errors[0])
			if i == 0 {
				first = string(got)
			} else if string(got) != first {
				t.Errorf("bad filter: %s, then %s", first, got)
			}
		}
	})
}
