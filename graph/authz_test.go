package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trailmark/trailmark/ent/process"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/testserver"
)

// TestAuthorizationMatrixQueries runs each role against each query of
// API.md, asserting what it may read and that nothing of the foreign
// tenant reaches it.
func TestAuthorizationMatrixQueries(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		w := newWorld(t, s)
		for _, role := range allRoles {
			t.Run(role, func(t *testing.T) {
				w.checkEntries(t, role)
				w.checkForeignSearches(t, role)
				w.checkNodes(t, role)
				w.checkTenants(t, role)
				w.checkFacets(t, role)
				w.checkEntryFieldRules(t, role)
				w.checkTenantFieldRules(t, role)
				w.checkUsers(t, role)
				w.checkProcessesAndArchives(t, role)
				w.checkIntegrity(t, role)
			})
		}
	})
}

type entryPage struct {
	AuditEntries *struct {
		TotalCount int
		Edges      []struct{ Node struct{ ID, Action string } }
	}
}

func (w *world) checkEntries(t *testing.T, role string) {
	res := w.gql(t, role, `query($w: AuditEntryWhereInput) {
	  auditEntries(where: $w, first: 100) { totalCount edges { node { id action } } } }`,
		map[string]any{"w": map[string]any{"actionHasPrefix": "a."}})
	if refused(t, role, res) {
		return
	}
	var p entryPage
	res.NoErrors(t).Decode(t, &p)
	var got []string
	for _, e := range p.AuditEntries.Edges {
		got = append(got, e.Node.Action)
	}
	if want := visibleActions[role]; !sameSet(got, want) || p.AuditEntries.TotalCount != len(want) {
		t.Fatalf("%s reads %v (totalCount %d), want %v", role, got, p.AuditEntries.TotalCount, want)
	}
	// The same through the tenant argument.
	res = w.gql(t, role, `query($t: ID, $w: AuditEntryWhereInput) { auditEntries(tenantID: $t, where: $w) { totalCount } }`,
		map[string]any{"t": w.acme.ID, "w": map[string]any{"actionHasPrefix": "a."}})
	if res.HasCode("FORBIDDEN") || res.HasCode("NOT_FOUND") {
		return // a caller without read rights may be told so
	}
	res.NoErrors(t).Decode(t, &p)
	if p.AuditEntries.TotalCount != len(visibleActions[role]) {
		t.Fatalf("%s with tenantID: totalCount %d, want %d", role, p.AuditEntries.TotalCount, len(visibleActions[role]))
	}
}

// checkForeignSearches: searches, filters, the foreign tenant's ID and the
// platform log match foreign rows; none may come back.
func (w *world) checkForeignSearches(t *testing.T, role string) {
	cases := []struct {
		name string
		vars map[string]any
	}{
		{"search", map[string]any{"search": marker}},
		{"filter", map[string]any{"filter": "action like '" + marker + "%' or actor_email ilike '%" + marker + "%' or workspace = 'ws-a'"}},
		{"where", map[string]any{"w": map[string]any{"actionContainsFold": marker}}},
		{"foreign tenant", map[string]any{"t": w.foreign.ID}},
		{"tenant filter", map[string]any{"filter": "tenant = '" + marker + "-corp' or tenant in ('" + w.foreign.ID + "')"}},
		{"platform log", map[string]any{"p": true}},
	}
	for _, c := range cases {
		res := w.gql(t, role, `query($t: ID, $p: Boolean, $search: String, $filter: String, $w: AuditEntryWhereInput) {
		  auditEntries(tenantID: $t, platform: $p, search: $search, filter: $filter, where: $w, first: 100) {
		    totalCount edges { node { id action resourceName workspace actor { id email name } } } } }`, c.vars)
		if refused(t, role, res) || role == rPlatform {
			continue
		}
		if len(res.Errors) > 0 {
			if !res.HasCode("FORBIDDEN") && !res.HasCode("NOT_FOUND") {
				t.Fatalf("%s %s: %s", role, c.name, res.Body)
			}
			continue
		}
		var p entryPage
		res.Decode(t, &p)
		for _, e := range p.AuditEntries.Edges {
			if !strings.HasPrefix(e.Node.Action, "a.") && !strings.HasPrefix(e.Node.Action, "audit_log.") {
				t.Fatalf("%s %s: unexpected entry %s", role, c.name, e.Node.Action)
			}
		}
	}
	if role == rPlatform {
		res := w.gql(t, role, `{ auditEntries(platform: true, search: "`+marker+`") { totalCount } }`, nil).NoErrors(t)
		if !strings.Contains(string(res.Body), `"totalCount":1`) {
			t.Fatalf("the platform admin reads the platform log: %s", res.Body)
		}
		// The tenant filter picks tenants by slug or ID for the platform admin.
		for _, f := range []string{"tenant = '" + marker + "-corp'", "tenant = '" + w.foreign.ID + "'"} {
			var p entryPage
			w.gql(t, role, `query($f: String) { auditEntries(filter: $f, first: 100) { totalCount edges { node { id action } } } }`,
				map[string]any{"f": f}).NoErrors(t).Decode(t, &p)
			if p.AuditEntries.TotalCount != 1 || p.AuditEntries.Edges[0].Node.ID != w.foreignE.ID {
				t.Fatalf("the platform admin filters %s: %+v %+v", f, p.AuditEntries, p.AuditEntries.Edges)
			}
		}
	}
}

// checkNodes guesses global IDs: the foreign tenant's objects resolve to
// null like IDs that do not exist; acme's entries by the role's visibility.
func (w *world) checkNodes(t *testing.T, role string) {
	res := w.gql(t, role, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": w.foreignIDs})
	if role == rAnonymous && len(res.Errors) == 0 {
		// Nothing is visible without credentials: every node is null.
		if strings.Count(string(res.Body), "null") != len(w.foreignIDs) {
			t.Fatalf("anonymous nodes: %s", res.Body)
		}
		return
	}
	if refused(t, role, res) {
		return
	}
	var d struct{ Nodes []*struct{ ID string } }
	res.NoErrors(t).Decode(t, &d)
	for i, n := range d.Nodes {
		if (n != nil) != (role == rPlatform) {
			t.Fatalf("%s: node(%s) = %v", role, w.foreignIDs[i], n)
		}
	}
	for _, id := range w.foreignIDs[:1] {
		res := w.gql(t, role, `query($id: ID!) { node(id: $id) { id ... on Tenant { name slug } } }`, map[string]any{"id": id})
		if role != rPlatform && !strings.Contains(string(res.Body), `"node":null`) {
			t.Fatalf("%s: node of a foreign tenant: %s", role, res.Body)
		}
		missing := w.gql(t, role, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": "ten_01J0000000000000000000000Z"})
		if role != rPlatform && string(missing.Body) != string(res.Body) {
			t.Fatalf("%s: an invisible node must answer exactly like a missing one:\n%s\n%s", role, res.Body, missing.Body)
		}
	}
	for _, action := range allActions {
		res := w.gql(t, role, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": w.entries[action].ID}).NoErrors(t)
		visible := !strings.Contains(string(res.Body), `"node":null`)
		if want := contains(visibleActions[role], action); visible != want {
			t.Fatalf("%s: node(%s) visible=%v, want %v", role, action, visible, want)
		}
	}
}

func (w *world) checkTenants(t *testing.T, role string) {
	res := w.gql(t, role, `query($slug: String!) { tenants { totalCount edges { node { slug } } } tenant(slug: $slug) { id } }`,
		map[string]any{"slug": w.foreign.Slug})
	if refused(t, role, res) {
		return
	}
	var d struct {
		Tenants struct {
			TotalCount int
			Edges      []struct{ Node struct{ Slug string } }
		}
		Tenant *struct{ ID string }
	}
	res.NoErrors(t).Decode(t, &d)
	want := 1
	switch role {
	case rPlatform:
		want = 2
	case rNoScope:
		want = 0 // a key without scope belongs nowhere
	}
	if d.Tenants.TotalCount != want || len(d.Tenants.Edges) != want || (role != rPlatform && d.Tenant != nil) {
		t.Fatalf("%s: tenants %s", role, res.Body)
	}
}

func (w *world) checkFacets(t *testing.T, role string) {
	const q = `query($t: ID!) { auditFacets(tenantID: $t, filter: "action like 'a.%' or action like '` + marker + `%'") {
	  total byAction { value count } byActor { value count } byStatus { value count } byDay { day count } } }`
	res := w.gql(t, role, q, map[string]any{"t": w.acme.ID})
	if refused(t, role, res) {
		return
	}
	if res.HasCode("FORBIDDEN") || res.HasCode("NOT_FOUND") {
		if len(visibleActions[role]) > 0 {
			t.Fatalf("%s may read facets: %s", role, res.Body)
		}
	} else {
		var d struct{ AuditFacets struct{ Total int } }
		res.NoErrors(t).Decode(t, &d)
		if d.AuditFacets.Total != len(visibleActions[role]) {
			t.Fatalf("%s: facets total %d, want %d: %s", role, d.AuditFacets.Total, len(visibleActions[role]), res.Body)
		}
	}
	foreign := w.gql(t, role, q, map[string]any{"t": w.foreign.ID})
	if role != rPlatform && strings.Contains(string(foreign.Body), `"total":1`) {
		t.Fatalf("%s counts foreign entries: %s", role, foreign.Body)
	}
	// Without tenantID (the global log): every tenant the role reads, and
	// for the platform admin the foreign tenant and the platform log too.
	all := w.gql(t, role, `{ auditFacets(filter: "action like 'a.%' or action like '`+marker+`%' or action like 'platform.%'") { total } }`, nil)
	if refused(t, role, all) {
		return
	}
	var d struct{ AuditFacets struct{ Total int } }
	all.NoErrors(t).Decode(t, &d)
	want := len(visibleActions[role])
	if role == rPlatform {
		want += 2
	}
	if d.AuditFacets.Total != want {
		t.Fatalf("%s: facets of every tenant: total %d, want %d", role, d.AuditFacets.Total, want)
	}
}

// checkEntryFieldRules: request needs AUDITOR (a workspace-scoped grant
// counts for entries it can see); actor email needs AUDITOR or being the actor.
func (w *world) checkEntryFieldRules(t *testing.T, role string) {
	res := w.gql(t, role, `{ auditEntries(where: {action: "`+aMemberOwn+`"}) { edges { node { action request { sourceIP } actor { email } } } } }`, nil)
	if refused(t, role, res) || role == rIngest || role == rNoScope {
		return
	}
	body := string(res.Body)
	switch role {
	case rMember:
		if !forbiddenAt(res, "request") || !strings.Contains(body, `"request":null`) {
			t.Fatalf("MEMBER must not read request: %s", body)
		}
		if !strings.Contains(body, w.users[rMember].Email) || strings.Contains(body, "10.1.2.3") {
			t.Fatalf("MEMBER reads their own email, not the request: %s", body)
		}
		if !strings.Contains(body, aMemberOwn) {
			t.Fatalf("the rest of the response must survive: %s", body)
		}
	default:
		res.NoErrors(t)
		if !strings.Contains(body, "10.1.2.3") || !strings.Contains(body, w.users[rMember].Email) {
			t.Fatalf("%s reads request and actor email: %s", role, body)
		}
	}
	// Another actor's email: the MEMBER cannot even see the entry; an
	// AUDITOR reads it.
	if role == rAuditor || role == rRead {
		res := w.gql(t, role, `{ auditEntries(where: {action: "`+aAdminWsB+`"}) { edges { node { actor { email } } } } }`, nil).NoErrors(t)
		if !strings.Contains(string(res.Body), w.users[rAdmin].Email) {
			t.Fatalf("%s reads actor emails: %s", role, res.Body)
		}
	}
}

// checkTenantFieldRules: members, invitations, API keys and schedules need
// a tenant-wide ADMIN; others get null and FORBIDDEN at the field's path.
func (w *world) checkTenantFieldRules(t *testing.T, role string) {
	res := w.gql(t, role, `{ tenant(slug: "acme") { slug viewerRole
	  members { totalCount } invitations { totalCount } apiKeys { totalCount } schedules { id } } }`, nil)
	if refused(t, role, res) {
		return
	}
	switch role {
	case rNoScope:
		if string(res.Body) != `{"data":{"tenant":null}}` {
			t.Fatalf("%s sees its tenant: %s", role, res.Body)
		}
		return
	case rPlatform, rOwner, rAdmin:
		res.NoErrors(t)
		if !strings.Contains(string(res.Body), `"members":{"totalCount":`) {
			t.Fatalf("%s: %s", role, res.Body)
		}
		return
	}
	for _, f := range []string{"members", "invitations", "apiKeys", "schedules"} {
		if !forbiddenAt(res, f) || !strings.Contains(string(res.Body), `"`+f+`":null`) {
			t.Fatalf("%s: %s must be null with FORBIDDEN at its path: %s", role, f, res.Body)
		}
	}
	if !strings.Contains(string(res.Body), `"slug":"acme"`) {
		t.Fatalf("%s: the rest of the tenant must survive: %s", role, res.Body)
	}
	wantRole := map[string]string{rWsAdmin: `"ADMIN"`, rAuditor: `"AUDITOR"`, rMember: `"MEMBER"`, rRead: `"AUDITOR"`, rIngest: "null"}[role]
	if !strings.Contains(string(res.Body), `"viewerRole":`+wantRole) {
		t.Fatalf("%s: viewerRole, want %s: %s", role, wantRole, res.Body)
	}
}

// checkUsers: User.email is for the user and the admins of a shared
// tenant; a MEMBER does not see other users at all.
func (w *world) checkUsers(t *testing.T, role string) {
	admin := w.users[rAdmin]
	res := w.gql(t, role, `query($id: ID!) { node(id: $id) { ... on User { name email } } viewer { user { email } } }`,
		map[string]any{"id": admin.ID})
	if role == rAnonymous && string(res.Body) == `{"data":{"node":null,"viewer":null}}` {
		return
	}
	if refused(t, role, res) {
		return
	}
	body := string(res.Body)
	switch role {
	case rPlatform, rOwner, rAdmin:
		res.NoErrors(t)
		if !strings.Contains(body, admin.Email) {
			t.Fatalf("%s reads the admin's email: %s", role, body)
		}
	case rMember, rIngest, rNoScope:
		if !strings.Contains(body, `"node":null`) {
			t.Fatalf("%s must not see other users: %s", role, body)
		}
	default: // AUDITOR-level: the name, not the email
		if !strings.Contains(body, admin.Name) || strings.Contains(body, admin.Email) || !forbiddenAt(res, "email") {
			t.Fatalf("%s: user name without email: %s", role, body)
		}
	}
	if (role == rRead || role == rIngest || role == rNoScope) != strings.Contains(body, `"viewer":null`) {
		t.Fatalf("%s: viewer is null exactly for API keys: %s", role, body)
	}
}

func (w *world) checkProcessesAndArchives(t *testing.T, role string) {
	for _, tenant := range []string{w.acme.ID, w.foreign.ID} {
		res := w.gql(t, role, `query($t: ID!) { processes(tenantID: $t) { totalCount } archives(tenantID: $t) { totalCount } }`,
			map[string]any{"t": tenant})
		if refused(t, role, res) {
			return
		}
		readsAll := map[string]bool{rPlatform: true, rOwner: true, rAdmin: true, rAuditor: true, rRead: true}[role]
		if tenant == w.acme.ID && readsAll {
			res.NoErrors(t)
		}
	}
}

// TestAuthorizationMatrixMutations runs each role against each mutation of
// API.md on its own tenant (allowed for the roles API.md names, refused for
// the others without a trace of the foreign tenant) and against the foreign
// tenant (refused for everyone but the platform admin).
func TestAuthorizationMatrixMutations(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		w := newWorld(t, s)
		admins := []string{rPlatform, rOwner, rAdmin}
		type mutation struct {
			name, field string
			allowed     []string
			run         func(t *testing.T, role string) *testserver.Response
		}
		n := 0
		uniq := func() string { n++; return fmt.Sprint(n) }
		muts := []mutation{
			{"createTenant", "createTenant", []string{rPlatform}, func(t *testing.T, role string) *testserver.Response {
				return w.gql(t, role, `mutation($s: String!) { createTenant(input: {slug: $s, name: "New"}) { id } }`,
					map[string]any{"s": "new-" + uniq()})
			}},
			{"updateTenant name", "updateTenant", admins, func(t *testing.T, role string) *testserver.Response {
				return w.gql(t, role, `mutation($id: ID!) { updateTenant(id: $id, input: {name: "Acme Inc"}) { name } }`,
					map[string]any{"id": w.acme.ID})
			}},
			{"updateTenant retention", "updateTenant", []string{rPlatform, rOwner}, func(t *testing.T, role string) *testserver.Response {
				return w.gql(t, role, `mutation($id: ID!) { updateTenant(id: $id, input: {retentionDays: 400}) { retentionDays } }`,
					map[string]any{"id": w.acme.ID})
			}},
			{"updateTenant foreign", "updateTenant", []string{rPlatform}, func(t *testing.T, role string) *testserver.Response {
				return w.gql(t, role, `mutation($id: ID!) { updateTenant(id: $id, input: {name: "Zebramark Corp"}) { name } }`,
					map[string]any{"id": w.foreign.ID})
			}},
			{"inviteMember", "inviteMember", admins, func(t *testing.T, role string) *testserver.Response {
				return w.gql(t, role, `mutation($t: ID!, $e: String!) { inviteMember(tenantID: $t, email: $e, role: AUDITOR) { token acceptURL } }`,
					map[string]any{"t": w.acme.ID, "e": "invitee" + uniq() + "@example.test"})
			}},
			{"inviteMember foreign", "inviteMember", []string{rPlatform}, func(t *testing.T, role string) *testserver.Response {
				return w.gql(t, role, `mutation($t: ID!, $e: String!) { inviteMember(tenantID: $t, email: $e, role: ADMIN) { token } }`,
					map[string]any{"t": w.foreign.ID, "e": "spy" + uniq() + "@example.test"})
			}},
			{"revokeInvitation", "revokeInvitation", admins, func(t *testing.T, role string) *testserver.Response {
				inv := w.invitation(t, w.acme.ID)
				return w.gql(t, role, `mutation($id: ID!) { revokeInvitation(id: $id) { status } }`, map[string]any{"id": inv})
			}},
			{"revokeInvitation foreign", "revokeInvitation", []string{rPlatform}, func(t *testing.T, role string) *testserver.Response {
				return w.gql(t, role, `mutation($id: ID!) { revokeInvitation(id: $id) { status email } }`, map[string]any{"id": w.invitation(t, w.foreign.ID)})
			}},
			{"updateMembership", "updateMembership", admins, func(t *testing.T, role string) *testserver.Response {
				return w.gql(t, role, `mutation($id: ID!) { updateMembership(id: $id, role: AUDITOR) { role } }`,
					map[string]any{"id": w.membership(t, w.acme.ID)})
			}},
			{"updateMembership foreign", "updateMembership", []string{rPlatform}, func(t *testing.T, role string) *testserver.Response {
				return w.gql(t, role, `mutation($id: ID!) { updateMembership(id: $id, role: ADMIN) { role user { email } } }`,
					map[string]any{"id": w.membership(t, w.foreign.ID)})
			}},
			{"removeMembership", "removeMembership", admins, func(t *testing.T, role string) *testserver.Response {
				return w.gql(t, role, `mutation($id: ID!) { removeMembership(id: $id) }`, map[string]any{"id": w.membership(t, w.acme.ID)})
			}},
			{"createAPIKey", "createAPIKey", admins, func(t *testing.T, role string) *testserver.Response {
				return w.gql(t, role, `mutation($t: ID!) { createAPIKey(tenantID: $t, name: "k", scopes: [READ]) { secret apiKey { prefix } } }`,
					map[string]any{"t": w.acme.ID})
			}},
			{"createAPIKey foreign", "createAPIKey", []string{rPlatform}, func(t *testing.T, role string) *testserver.Response {
				return w.gql(t, role, `mutation($t: ID!) { createAPIKey(tenantID: $t, name: "k", scopes: [READ]) { secret } }`,
					map[string]any{"t": w.foreign.ID})
			}},
			{"deactivateAPIKey", "deactivateAPIKey", admins, func(t *testing.T, role string) *testserver.Response {
				_, k := w.s.APIKey(t, w.acme.ID, schematype.ScopeIngest)
				return w.gql(t, role, `mutation($id: ID!) { deactivateAPIKey(id: $id) { active } }`, map[string]any{"id": k.ID})
			}},
			{"deactivateAPIKey foreign", "deactivateAPIKey", []string{rPlatform}, func(t *testing.T, role string) *testserver.Response {
				_, k := w.s.APIKey(t, w.foreign.ID, schematype.ScopeIngest)
				return w.gql(t, role, `mutation($id: ID!) { deactivateAPIKey(id: $id) { active name } }`, map[string]any{"id": k.ID})
			}},
			{"recordAuditEntries", "recordAuditEntries", []string{rPlatform, rOwner, rAdmin, rIngest}, func(t *testing.T, role string) *testserver.Response {
				return w.gql(t, role, `mutation($t: ID!) { recordAuditEntries(tenantID: $t, entries: [{action: "b.recorded", resourceType: "x"}]) { created } }`,
					map[string]any{"t": w.acme.ID})
			}},
			{"recordAuditEntries foreign", "recordAuditEntries", []string{rPlatform}, func(t *testing.T, role string) *testserver.Response {
				return w.gql(t, role, `mutation($t: ID!) { recordAuditEntries(tenantID: $t, entries: [{action: "b.recorded", resourceType: "x"}]) { created } }`,
					map[string]any{"t": w.foreign.ID})
			}},
			{"createSchedule", "createSchedule", admins, func(t *testing.T, role string) *testserver.Response {
				return w.gql(t, role, `mutation($t: ID!) { createSchedule(tenantID: $t, input: {kind: ARCHIVE, cron: "0 3 1 * *", input: {format: "JSONL_GZ"}}) { id } }`,
					map[string]any{"t": w.acme.ID})
			}},
			{"createSchedule foreign", "createSchedule", []string{rPlatform}, func(t *testing.T, role string) *testserver.Response {
				return w.gql(t, role, `mutation($t: ID!) { createSchedule(tenantID: $t, input: {kind: ARCHIVE, cron: "0 3 1 * *", input: {format: "JSONL_GZ"}}) { id } }`,
					map[string]any{"t": w.foreign.ID})
			}},
			{"updateSchedule", "updateSchedule", admins, func(t *testing.T, role string) *testserver.Response {
				return w.gql(t, role, `mutation($id: ID!) { updateSchedule(id: $id, input: {enabled: false}) { enabled } }`,
					map[string]any{"id": w.schedule(t, w.acme.ID)})
			}},
			{"deleteSchedule", "deleteSchedule", admins, func(t *testing.T, role string) *testserver.Response {
				return w.gql(t, role, `mutation($id: ID!) { deleteSchedule(id: $id) }`, map[string]any{"id": w.schedule(t, w.acme.ID)})
			}},
			{"deleteSchedule foreign", "deleteSchedule", []string{rPlatform}, func(t *testing.T, role string) *testserver.Response {
				return w.gql(t, role, `mutation($id: ID!) { deleteSchedule(id: $id) }`, map[string]any{"id": w.schedule(t, w.foreign.ID)})
			}},
			{"createArchive", "createArchive", admins, func(t *testing.T, role string) *testserver.Response {
				return w.gql(t, role, `mutation($t: ID!) { createArchive(tenantID: $t, input: {from: "2020-01-01T00:00:00Z", to: "2020-02-01T00:00:00Z", format: JSONL_GZ}) { id } }`,
					map[string]any{"t": w.acme.ID})
			}},
			{"createArchive foreign", "createArchive", []string{rPlatform}, func(t *testing.T, role string) *testserver.Response {
				return w.gql(t, role, `mutation($t: ID!) { createArchive(tenantID: $t, input: {from: "2020-01-01T00:00:00Z", to: "2020-02-01T00:00:00Z", format: JSONL_GZ}) { id } }`,
					map[string]any{"t": w.foreign.ID})
			}},
			{"createSavedFilter", "createSavedFilter", []string{rPlatform, rOwner, rAdmin, rWsAdmin, rAuditor, rMember}, func(t *testing.T, role string) *testserver.Response {
				return w.gql(t, role, `mutation($t: ID!, $n: String!) { createSavedFilter(tenantID: $t, input: {name: $n, page: AUDIT_LOG, state: "", shared: true}) { id } }`,
					map[string]any{"t": w.acme.ID, "n": "f" + uniq()})
			}},
			{"createSavedFilter processes", "createSavedFilter", []string{rPlatform, rOwner, rAdmin, rAuditor}, func(t *testing.T, role string) *testserver.Response {
				return w.gql(t, role, `mutation($t: ID!, $n: String!) { createSavedFilter(tenantID: $t, input: {name: $n, page: PROCESSES, state: ""}) { id } }`,
					map[string]any{"t": w.acme.ID, "n": "f" + uniq()})
			}},
			{"createSavedFilter foreign", "createSavedFilter", []string{rPlatform}, func(t *testing.T, role string) *testserver.Response {
				return w.gql(t, role, `mutation($t: ID!, $n: String!) { createSavedFilter(tenantID: $t, input: {name: $n, page: AUDIT_LOG, state: ""}) { id } }`,
					map[string]any{"t": w.foreign.ID, "n": "f" + uniq()})
			}},
			{"updateSavedFilter of another user", "updateSavedFilter", nil, func(t *testing.T, role string) *testserver.Response {
				return w.gql(t, role, `mutation($id: ID!) { updateSavedFilter(id: $id, input: {name: "taken over"}) { id name } }`,
					map[string]any{"id": w.savedFilter(t, w.acme.ID, true)})
			}},
			{"deleteSavedFilter shared", "deleteSavedFilter", admins, func(t *testing.T, role string) *testserver.Response {
				return w.gql(t, role, `mutation($id: ID!) { deleteSavedFilter(id: $id) }`, map[string]any{"id": w.savedFilter(t, w.acme.ID, true)})
			}},
			{"deleteSavedFilter private", "deleteSavedFilter", nil, func(t *testing.T, role string) *testserver.Response {
				return w.gql(t, role, `mutation($id: ID!) { deleteSavedFilter(id: $id) }`, map[string]any{"id": w.savedFilter(t, w.acme.ID, false)})
			}},
			{"deleteSavedFilter foreign", "deleteSavedFilter", []string{rPlatform}, func(t *testing.T, role string) *testserver.Response {
				return w.gql(t, role, `mutation($id: ID!) { deleteSavedFilter(id: $id) }`, map[string]any{"id": w.savedFilter(t, w.foreign.ID, true)})
			}},
			{"startVerification", "startVerification", []string{rPlatform, rOwner, rAdmin, rAuditor}, func(t *testing.T, role string) *testserver.Response {
				w.endVerifications(t) // one at a time per log: the previous role's would be a CONFLICT
				return w.gql(t, role, `mutation($t: ID!) { startVerification(tenantID: $t) { id kind } }`, map[string]any{"t": w.acme.ID})
			}},
			{"startVerification foreign", "startVerification", []string{rPlatform}, func(t *testing.T, role string) *testserver.Response {
				w.endVerifications(t)
				return w.gql(t, role, `mutation($t: ID!) { startVerification(tenantID: $t) { id kind } }`, map[string]any{"t": w.foreign.ID})
			}},
			{"cancelProcess", "cancelProcess", admins, func(t *testing.T, role string) *testserver.Response {
				return w.gql(t, role, `mutation($id: ID!) { cancelProcess(id: $id) { id } }`, map[string]any{"id": w.process(t, w.acme.ID)})
			}},
			{"cancelProcess foreign", "cancelProcess", []string{rPlatform}, func(t *testing.T, role string) *testserver.Response {
				return w.gql(t, role, `mutation($id: ID!) { cancelProcess(id: $id) { id } }`, map[string]any{"id": w.process(t, w.foreign.ID)})
			}},
		}
		for _, m := range muts {
			t.Run(m.name, func(t *testing.T) {
				for _, role := range allRoles {
					res := m.run(t, role)
					if contains(m.allowed, role) {
						if len(res.Errors) > 0 || res.Status != http.StatusOK {
							t.Fatalf("%s may %s: HTTP %d %s", role, m.name, res.Status, res.Body)
						}
						continue
					}
					deniedWrite(t, role, m.field, res)
				}
			})
		}
	})
}

// endVerifications ends every queued or running VERIFY process, so that
// the next startVerification is not refused as a CONFLICT.
func (w *world) endVerifications(t *testing.T) {
	t.Helper()
	_, err := w.s.Client().Process.Update().Where(process.KindEQ(schematype.ProcessVerify),
		process.StatusIn(process.StatusQUEUED, process.StatusRUNNING)).
		SetStatus(process.StatusCANCELED).ClearLockedBy().Save(testserver.SystemContext())
	if err != nil {
		t.Fatal(err)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

var _ = json.Marshal

// TestDeniedQueriesConcurrently: the predicates that deny everything are
// built anew for each query. A shared one was written by concurrent
// queries at once (auditFacets runs six) and produced broken SQL now and
// then: INTERNAL instead of an empty answer.
func TestDeniedQueriesConcurrently(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		acme := s.CreateTenant(t, "acme")
		noScope, _ := s.APIKey(t, acme.ID)
		ingest, _ := s.APIKey(t, acme.ID, schematype.ScopeIngest)
		var wg sync.WaitGroup
		errs := make(chan string, 200)
		for i := range 40 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// Keys without READ see nothing: empty answers, no error
				// (a key without scope does not even see its tenant).
				query, want := `query($t: ID!) { auditFacets(tenantID: $t) { total byAction { value } byActor { value } byStatus { value } } }`,
					`{"data":{"auditFacets":{"total":0,"byAction":[],"byActor":[],"byStatus":[]}}}`
				token := noScope
				if i%2 == 1 {
					token = ingest
				}
				if i%4 == 1 {
					query = `query($t: ID!) { processes(tenantID: $t) { totalCount } archives(tenantID: $t) { totalCount } }`
					want = `{"data":{"processes":{"totalCount":0},"archives":{"totalCount":0}}}`
				}
				res := s.GraphQL(t, token, query, map[string]any{"t": acme.ID})
				if string(res.Body) != want {
					errs <- string(res.Body)
				}
			}()
		}
		wg.Wait()
		close(errs)
		for e := range errs {
			t.Errorf("got %s", e)
		}
	})
}

// TestCancelFinishedProcess: cancelling a process that has already
// finished changes nothing, but is still only for tenant-wide admins:
// readers of processes (AUDITOR, a workspace-scoped ADMIN, a READ key) are
// refused whatever the process's state.
func TestCancelFinishedProcess(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		acme := s.CreateTenant(t, "acme")
		now := time.Now()
		p, err := s.Client().Process.Create().SetTenantID(acme.ID).SetKind(schematype.ProcessExport).SetInitiatorType(schematype.ActorSystem).
			SetStatus("SUCCEEDED").SetStartedAt(now).SetFinishedAt(now).Save(testserver.System(context.Background()))
		if err != nil {
			t.Fatal(err)
		}
		ws := "eu"
		_, auditor := s.Member(t, acme.ID, schematype.RoleAuditor, nil)
		_, scopedAdmin := s.Member(t, acme.ID, schematype.RoleAdmin, &ws)
		read, _ := s.APIKey(t, acme.ID, schematype.ScopeRead)
		_, admin := s.Member(t, acme.ID, schematype.RoleAdmin, nil)
		const cancel = `mutation($id: ID!) { cancelProcess(id: $id) { id status } }`
		for name, token := range map[string]string{"auditor": auditor, "workspace admin": scopedAdmin, "read key": read} {
			res := s.GraphQL(t, token, cancel, map[string]any{"id": p.ID})
			if !res.HasCode("FORBIDDEN") && !res.HasCode("NOT_FOUND") {
				t.Errorf("%s cancelled a finished process: %s", name, res.Body)
			}
		}
		var out struct{ CancelProcess struct{ ID, Status string } }
		s.GraphQL(t, admin, cancel, map[string]any{"id": p.ID}).NoErrors(t).Decode(t, &out)
		if out.CancelProcess.Status != "SUCCEEDED" {
			t.Fatalf("a finished process changed: %+v", out.CancelProcess)
		}
	})
}
