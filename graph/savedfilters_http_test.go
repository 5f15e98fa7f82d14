package graph_test

import (
	"context"
	"strings"
	"testing"

	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/testserver"
)

type savedFilterRow struct {
	ID, Name, Page, State string
	Shared, Mine          bool
	CanDelete             bool
}

const savedFilterFields = `id name page state shared mine canDelete`

func createSavedFilter(t *testing.T, s *testserver.Server, token, tenantID, name, page string, shared bool) *testserver.Response {
	t.Helper()
	return s.GraphQL(t, token, `mutation($t: ID!, $in: CreateSavedFilterInput!) { createSavedFilter(tenantID: $t, input: $in) { `+savedFilterFields+` } }`,
		map[string]any{"t": tenantID, "in": map[string]any{"name": name, "page": page, "state": "filter=status+%3D+%27failure%27", "shared": shared}})
}

func savedFilterID(t *testing.T, res *testserver.Response) string {
	t.Helper()
	var d struct{ CreateSavedFilter savedFilterRow }
	res.NoErrors(t).Decode(t, &d)
	return d.CreateSavedFilter.ID
}

func listSavedFilters(t *testing.T, s *testserver.Server, token, tenantID, page string) []savedFilterRow {
	t.Helper()
	var d struct{ SavedFilters []savedFilterRow }
	s.GraphQL(t, token, `query($t: ID!, $p: SavedFilterPage!) { savedFilters(tenantID: $t, page: $p) { `+savedFilterFields+` } }`,
		map[string]any{"t": tenantID, "p": page}).NoErrors(t).Decode(t, &d)
	return d.SavedFilters
}

func names(rows []savedFilterRow) string {
	var out []string
	for _, r := range rows {
		out = append(out, r.Name)
	}
	return strings.Join(out, ",")
}

// TestSavedFilters walks the privacy rules of saved filters over HTTP on
// both databases: who reads which, who may change and delete which, the
// input errors and the self-audit entries.
func TestSavedFilters(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		acme := s.CreateTenant(t, "acme")
		other := s.CreateTenant(t, "other")
		owner, ownerTok := s.Member(t, acme.ID, schematype.RoleOwner, nil)
		_, adminTok := s.Member(t, acme.ID, schematype.RoleAdmin, nil)
		_, auditorTok := s.Member(t, acme.ID, schematype.RoleAuditor, nil)
		_, memberTok := s.Member(t, acme.ID, schematype.RoleMember, nil)
		_, wsAuditorTok := s.Member(t, acme.ID, schematype.RoleAuditor, ptr("ws-a"))
		_, strangerTok := s.Member(t, other.ID, schematype.RoleOwner, nil)
		platformTok := s.PlatformAdmin(t)
		readKey, _ := s.APIKey(t, acme.ID, schematype.ScopeRead)

		// The owner keeps a private and a shared filter on the audit log,
		// and a shared one on processes.
		private := savedFilterID(t, createSavedFilter(t, s, ownerTok, acme.ID, "Mine only", "AUDIT_LOG", false))
		shared := savedFilterID(t, createSavedFilter(t, s, ownerTok, acme.ID, "Failures", "AUDIT_LOG", true))
		procShared := savedFilterID(t, createSavedFilter(t, s, ownerTok, acme.ID, "Failed runs", "PROCESSES", true))
		memberOwn := savedFilterID(t, createSavedFilter(t, s, memberTok, acme.ID, "My own", "AUDIT_LOG", false))

		for _, c := range []struct {
			who, token, page, want string
		}{
			{"owner", ownerTok, "AUDIT_LOG", "Failures,Mine only"},
			{"admin", adminTok, "AUDIT_LOG", "Failures"},
			{"member", memberTok, "AUDIT_LOG", "Failures,My own"},
			{"workspace auditor", wsAuditorTok, "AUDIT_LOG", "Failures"},
			{"platform admin", platformTok, "AUDIT_LOG", "Failures"},
			{"owner", ownerTok, "PROCESSES", "Failed runs"},
			{"auditor", auditorTok, "PROCESSES", "Failed runs"},
			// processes need a tenant-wide AUDITOR: a shared filter of that page is not theirs to see
			{"member", memberTok, "PROCESSES", ""},
			{"workspace auditor", wsAuditorTok, "PROCESSES", ""},
			{"owner", ownerTok, "ARCHIVES", ""},
			{"READ key", readKey, "AUDIT_LOG", ""},
		} {
			if got := names(listSavedFilters(t, s, c.token, acme.ID, c.page)); got != c.want {
				t.Errorf("%s reads %s filters %q, want %q", c.who, c.page, got, c.want)
			}
		}
		rows := listSavedFilters(t, s, memberTok, acme.ID, "AUDIT_LOG")
		if rows[0].Mine || rows[0].CanDelete || !rows[1].Mine || !rows[1].CanDelete {
			t.Errorf("member's mine/canDelete: %+v", rows)
		}
		if rows := listSavedFilters(t, s, adminTok, acme.ID, "AUDIT_LOG"); rows[0].Mine || !rows[0].CanDelete {
			t.Errorf("an ADMIN may delete a shared filter: %+v", rows)
		}

		// Another tenant's member learns nothing: the tenant is not found,
		// the filters' IDs are not found.
		res := s.GraphQL(t, strangerTok, `query($t: ID!) { savedFilters(tenantID: $t, page: AUDIT_LOG) { id name } }`, map[string]any{"t": acme.ID})
		if !res.HasCode("NOT_FOUND") || strings.Contains(string(res.Body), "Failures") {
			t.Errorf("a stranger lists acme's filters: %s", res.Body)
		}
		for _, id := range []string{private, shared} {
			res = s.GraphQL(t, strangerTok, `mutation($id: ID!) { deleteSavedFilter(id: $id) }`, map[string]any{"id": id})
			if !res.HasCode("NOT_FOUND") {
				t.Errorf("a stranger deletes %s: %s", id, res.Body)
			}
			res = s.GraphQL(t, strangerTok, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id})
			if strings.Contains(string(res.Body), id) {
				t.Errorf("a stranger reads node %s: %s", id, res.Body)
			}
		}
		if res := createSavedFilter(t, s, strangerTok, acme.ID, "Sneaky", "AUDIT_LOG", true); !res.HasCode("NOT_FOUND") {
			t.Errorf("a stranger saves a filter in acme: %s", res.Body)
		}
		// A private filter is its owner's alone, platform admins included.
		res = s.GraphQL(t, platformTok, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": private})
		if strings.Contains(string(res.Body), private) {
			t.Errorf("the platform admin reads a private filter: %s", res.Body)
		}

		// Input errors.
		for _, c := range []struct{ name, code string }{
			{"", "BAD_USER_INPUT"},
			{"   ", "BAD_USER_INPUT"},
			{" padded", "BAD_USER_INPUT"},
			{strings.Repeat("n", 101), "BAD_USER_INPUT"},
			{"Failures", "CONFLICT"},
		} {
			if res := createSavedFilter(t, s, ownerTok, acme.ID, c.name, "AUDIT_LOG", false); !res.HasCode(c.code) {
				t.Errorf("name %q: want %s: %s", c.name, c.code, res.Body)
			}
		}
		res = s.GraphQL(t, ownerTok, `mutation($t: ID!, $st: String!) { createSavedFilter(tenantID: $t, input: {name: "long", page: AUDIT_LOG, state: $st}) { id } }`,
			map[string]any{"t": acme.ID, "st": strings.Repeat("x", 4001)})
		if !res.HasCode("BAD_USER_INPUT") {
			t.Errorf("a state over 4000 characters: %s", res.Body)
		}
		// The same name is fine for another owner, and on another page.
		savedFilterID(t, createSavedFilter(t, s, adminTok, acme.ID, "Failures", "AUDIT_LOG", false))
		savedFilterID(t, createSavedFilter(t, s, ownerTok, acme.ID, "Failures", "ARCHIVES", false))
		// Pages the caller may not read, and API keys.
		if res := createSavedFilter(t, s, memberTok, acme.ID, "Runs", "PROCESSES", false); !res.HasCode("FORBIDDEN") {
			t.Errorf("a MEMBER saves a processes filter: %s", res.Body)
		}
		if res := createSavedFilter(t, s, readKey, acme.ID, "Key", "AUDIT_LOG", false); !res.HasCode("FORBIDDEN") {
			t.Errorf("an API key saves a filter: %s", res.Body)
		}

		// Rename, reshare: the owner only.
		update := func(token, id string, in map[string]any) *testserver.Response {
			return s.GraphQL(t, token, `mutation($id: ID!, $in: UpdateSavedFilterInput!) { updateSavedFilter(id: $id, input: $in) { `+savedFilterFields+` } }`,
				map[string]any{"id": id, "in": in})
		}
		if res := update(adminTok, shared, map[string]any{"name": "Hijacked"}); !res.HasCode("FORBIDDEN") {
			t.Errorf("an ADMIN renames the owner's shared filter: %s", res.Body)
		}
		if res := update(memberTok, private, map[string]any{"name": "Hijacked"}); !res.HasCode("NOT_FOUND") {
			t.Errorf("a MEMBER renames the owner's private filter: %s", res.Body)
		}
		if res := update(ownerTok, shared, map[string]any{"name": "Mine only"}); !res.HasCode("CONFLICT") {
			t.Errorf("a rename onto another of one's names: %s", res.Body)
		}
		if res := update(ownerTok, shared, map[string]any{"name": ""}); !res.HasCode("BAD_USER_INPUT") {
			t.Errorf("a rename to nothing: %s", res.Body)
		}
		var up struct{ UpdateSavedFilter savedFilterRow }
		update(ownerTok, shared, map[string]any{"name": "All failures", "shared": false}).NoErrors(t).Decode(t, &up)
		if up.UpdateSavedFilter.Name != "All failures" || up.UpdateSavedFilter.Shared {
			t.Errorf("updated: %+v", up.UpdateSavedFilter)
		}
		if got := names(listSavedFilters(t, s, memberTok, acme.ID, "AUDIT_LOG")); got != "My own" {
			t.Errorf("unshared, the member still reads %q", got)
		}

		// Delete: an ADMIN deletes a shared filter of another user, not a private one.
		del := func(token, id string) *testserver.Response {
			return s.GraphQL(t, token, `mutation($id: ID!) { deleteSavedFilter(id: $id) }`, map[string]any{"id": id})
		}
		if res := del(adminTok, memberOwn); !res.HasCode("NOT_FOUND") {
			t.Errorf("an ADMIN deletes a member's private filter: %s", res.Body)
		}
		if res := del(auditorTok, procShared); !res.HasCode("FORBIDDEN") {
			t.Errorf("an AUDITOR deletes the owner's shared filter: %s", res.Body)
		}
		del(adminTok, procShared).NoErrors(t)
		del(memberTok, memberOwn).NoErrors(t)
		if res := del(memberTok, memberOwn); !res.HasCode("NOT_FOUND") {
			t.Errorf("deleted twice: %s", res.Body)
		}

		// Every change is in the tenant's log.
		ctx := testserver.System(context.Background())
		got, err := s.Client().AuditEntry.Query().
			Where(auditentry.TenantID(acme.ID), auditentry.ResourceType("saved_filter")).
			Order(auditentry.ByOccurredAt(), auditentry.ByID()).All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		count := map[string]int{}
		for _, e := range got {
			count[e.Action]++
			if e.Action == "saved_filter.update" && (e.ResourceID == nil || *e.ResourceID != shared ||
				!strings.Contains(string(e.OldValue), `"Failures"`) || !strings.Contains(string(e.NewValue), `"All failures"`)) {
				t.Errorf("update entry: %s %s -> %s", *e.ResourceID, e.OldValue, e.NewValue)
			}
			if e.Action == "saved_filter.delete" && *e.ResourceID == procShared && (e.ActorID == nil || *e.ActorID == owner.ID) {
				t.Errorf("the ADMIN's delete names the ADMIN: %+v", e.ActorID)
			}
		}
		if count["saved_filter.create"] != 6 || count["saved_filter.update"] != 1 || count["saved_filter.delete"] != 2 {
			t.Errorf("self-audit entries: %v", count)
		}
	})
}
