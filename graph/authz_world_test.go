package graph_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/auth"
	"github.com/trailmark/trailmark/internal/ids"
	"github.com/trailmark/trailmark/internal/jobs"
	"github.com/trailmark/trailmark/internal/testserver"
)

// The authorization matrix runs every role against every operation on a
// world with two tenants: acme, where the roles live, and a foreign tenant
// whose every name, email and action carries the marker below. For every
// role but the platform admin, no response may contain the marker or any
// ID of the foreign tenant's objects: not in data, errors, extensions,
// counts or facets.
const marker = "zebramark"

// Roles of the matrix, in the order of API.md.
const (
	rPlatform    = "platform admin"
	rOwner       = "OWNER"
	rAdmin       = "ADMIN"
	rWsAdmin     = "workspace ADMIN"
	rAuditor     = "AUDITOR"
	rMember      = "MEMBER"
	rIngest      = "INGEST key"
	rRead        = "READ key"
	rNoScope     = "key without scope"
	rDeactivated = "deactivated key"
	rAnonymous   = "anonymous"
)

var allRoles = []string{rPlatform, rOwner, rAdmin, rWsAdmin, rAuditor, rMember, rIngest, rRead, rNoScope, rDeactivated, rAnonymous}

type world struct {
	s        *testserver.Server
	acme     *ent.Tenant
	foreign  *ent.Tenant
	tokens   map[string]string
	users    map[string]*ent.User
	entries  map[string]*ent.AuditEntry // acme's by action
	foreignE *ent.AuditEntry
	platform *ent.AuditEntry
	// foreignIDs are every ID of the foreign tenant's objects and of the platform log.
	foreignIDs []string
}

// Actions of acme's entries, and who sees which (API.md "Roles and visibility").
const (
	aMemberOwn  = "a.member.own"   // workspace ws-a, actor: the MEMBER
	aAdminWsB   = "a.admin.wsb"    // workspace ws-b, actor: the ADMIN
	aWsA        = "a.ws.a"         // workspace ws-a, actor: an API key
	aTenantWide = "a.tenant.whole" // no workspace, actor: SYSTEM
)

var allActions = []string{aAdminWsB, aMemberOwn, aTenantWide, aWsA}

// visibleActions is what each role reads of acme's entries.
var visibleActions = map[string][]string{
	rPlatform: allActions, rOwner: allActions, rAdmin: allActions, rAuditor: allActions, rRead: allActions,
	rWsAdmin: {aMemberOwn, aWsA},
	rMember:  {aMemberOwn},
	rIngest:  {},
	rNoScope: {},
}

func ptr[T any](v T) *T { return &v }

func newWorld(t *testing.T, s *testserver.Server) *world {
	t.Helper()
	ctx := testserver.System(context.Background())
	w := &world{s: s, tokens: map[string]string{}, users: map[string]*ent.User{}, entries: map[string]*ent.AuditEntry{}}
	w.acme = s.CreateTenant(t, "acme")
	foreign, err := s.Client().Tenant.Create().SetSlug(marker + "-corp").SetName("Zebramark Corp").Save(ctx)
	if err != nil {
		t.Fatal(err)
	}
	w.foreign = foreign

	w.tokens[rPlatform] = s.PlatformAdmin(t)
	for role, spec := range map[string]struct {
		role schematype.Role
		ws   *string
	}{
		rOwner: {"OWNER", nil}, rAdmin: {"ADMIN", nil}, rWsAdmin: {"ADMIN", ptr("ws-a")},
		rAuditor: {"AUDITOR", nil}, rMember: {"MEMBER", nil},
	} {
		u, tok := s.Member(t, w.acme.ID, spec.role, spec.ws)
		w.users[role], w.tokens[role] = u, tok
	}
	w.tokens[rIngest], _ = s.APIKey(t, w.acme.ID, schematype.ScopeIngest)
	w.tokens[rRead], _ = s.APIKey(t, w.acme.ID, schematype.ScopeRead)
	w.tokens[rNoScope], _ = s.APIKey(t, w.acme.ID)
	dead, deadKey := s.APIKey(t, w.acme.ID, schematype.ScopeRead, schematype.ScopeIngest)
	if err := s.Client().APIKey.UpdateOneID(deadKey.ID).SetDeactivatedAt(time.Now()).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	w.tokens[rDeactivated] = dead
	w.tokens[rAnonymous] = ""

	now := time.Now().Add(-time.Minute)
	add := func(tenantID *string, action, workspace string, actor audit.Actor) *ent.AuditEntry {
		e := audit.Entry{
			TenantID: tenantID, OccurredAt: now, Action: action, ResourceType: "thing",
			ResourceName: ptr("res of " + action), Actor: actor,
			Request: &schematype.RequestInfo{SourceIP: ptr("10.1.2.3"), Method: ptr("POST")},
		}
		if workspace != "" {
			e.Workspace = &workspace
		}
		got, err := audit.Create(s.Client().AuditEntry, e).Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	userActor := func(u *ent.User) audit.Actor {
		return audit.Actor{Type: schematype.ActorUser, ID: &u.ID, Name: &u.Name, Email: &u.Email}
	}
	w.entries[aMemberOwn] = add(&w.acme.ID, aMemberOwn, "ws-a", userActor(w.users[rMember]))
	w.entries[aAdminWsB] = add(&w.acme.ID, aAdminWsB, "ws-b", userActor(w.users[rAdmin]))
	w.entries[aWsA] = add(&w.acme.ID, aWsA, "ws-a", audit.Actor{Type: schematype.ActorAPIKey, ID: ptr("key_x"), Name: ptr("ci")})
	w.entries[aTenantWide] = add(&w.acme.ID, aTenantWide, "", audit.Actor{Type: schematype.ActorSystem, Name: ptr("trailmark")})

	// The foreign tenant: the same workspace name and, as actor, the acme
	// MEMBER's own user ID, so that neither scope may cross tenants.
	fu, err := auth.CreateUser(ctx, s.Client(), auth.NewUser{Email: "owner@" + marker + ".test", Name: "Zebramark Owner", Password: "zebramark password"})
	if err != nil {
		t.Fatal(err)
	}
	fm := s.AddMember(t, foreign.ID, fu.ID, schematype.RoleOwner, nil)
	member := w.users[rMember]
	w.foreignE = add(&foreign.ID, marker+".secret", "ws-a",
		audit.Actor{Type: schematype.ActorUser, ID: &member.ID, Name: ptr("Zebramark Spy"), Email: ptr("spy@" + marker + ".test")})
	w.platform = add(nil, "platform."+marker, "", audit.Actor{Type: schematype.ActorUser, ID: &fu.ID, Email: ptr("owner@" + marker + ".test")})
	_, fk := s.APIKey(t, foreign.ID, schematype.ScopeRead)
	if err := s.Client().APIKey.UpdateOneID(fk.ID).SetName(marker + " key").Exec(ctx); err != nil {
		t.Fatal(err)
	}
	inv, err := s.Client().Invitation.Create().SetTenantID(foreign.ID).SetEmail("invitee@" + marker + ".test").
		SetRole(schematype.RoleAdmin).SetTokenHash(auth.HashToken(auth.NewInvitationToken())).SetExpiresAt(time.Now().Add(time.Hour)).Save(ctx)
	if err != nil {
		t.Fatal(err)
	}
	w.foreignIDs = []string{foreign.ID, fu.ID, fm.ID, w.foreignE.ID, w.platform.ID, fk.ID, inv.ID}
	return w
}

// noLeak fails when a response shown to role carries the foreign tenant.
func (w *world) noLeak(t *testing.T, role string, res *testserver.Response) {
	t.Helper()
	if role == rPlatform {
		return
	}
	body := strings.ToLower(string(res.Body))
	if strings.Contains(body, marker) {
		t.Fatalf("%s: the foreign tenant leaked: %s", role, res.Body)
	}
	for _, id := range w.foreignIDs {
		if strings.Contains(string(res.Body), id) {
			t.Fatalf("%s: a foreign ID (%s) leaked: %s", role, id, res.Body)
		}
	}
	for k, vs := range res.Header {
		for _, v := range vs {
			if strings.Contains(strings.ToLower(v), marker) {
				t.Fatalf("%s: header %s leaked: %s", role, k, v)
			}
		}
	}
}

func (w *world) gql(t *testing.T, role, query string, vars map[string]any) *testserver.Response {
	t.Helper()
	res := w.s.GraphQL(t, w.tokens[role], query, vars)
	w.noLeak(t, role, res)
	// Whatever the role may or may not do, the server never fails on it.
	if res.HasCode("INTERNAL") {
		t.Fatalf("%s: INTERNAL: %s", role, res.Body)
	}
	return res
}

// refused checks the answer to a caller who may not do anything: the
// deactivated key is turned away at the door (401), the anonymous caller
// gets UNAUTHENTICATED.
func refused(t *testing.T, role string, res *testserver.Response) bool {
	t.Helper()
	switch role {
	case rDeactivated:
		if res.Status != http.StatusUnauthorized || !res.HasCode("UNAUTHENTICATED") {
			t.Fatalf("%s: HTTP %d %s", role, res.Status, res.Body)
		}
		return true
	case rAnonymous:
		if !res.HasCode("UNAUTHENTICATED") {
			t.Fatalf("%s: want UNAUTHENTICATED: %s", role, res.Body)
		}
		return true
	}
	return false
}

// deniedWrite checks a refused mutation: an error coded FORBIDDEN (or
// NOT_FOUND for an object the caller cannot see, or UNAUTHENTICATED) and
// no data for the field.
func deniedWrite(t *testing.T, role, field string, res *testserver.Response) {
	t.Helper()
	if refused(t, role, res) {
		return
	}
	if !res.HasCode("FORBIDDEN") && !res.HasCode("NOT_FOUND") {
		t.Fatalf("%s: %s must be refused with FORBIDDEN or NOT_FOUND: %s", role, field, res.Body)
	}
	var data map[string]json.RawMessage
	_ = json.Unmarshal(res.Data, &data)
	if v, ok := data[field]; ok && string(v) != "null" {
		t.Fatalf("%s: %s refused but returned data: %s", role, field, res.Body)
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// forbiddenAt reports whether res has a FORBIDDEN error whose path ends with field.
func forbiddenAt(res *testserver.Response, field string) bool {
	for _, e := range res.Errors {
		if e.Code() == "FORBIDDEN" && len(e.Path) > 0 && e.Path[len(e.Path)-1] == field {
			return true
		}
	}
	return false
}

// Fresh objects for one mutation row, made as Trailmark itself.

func (w *world) invitation(t *testing.T, tenantID string) string {
	t.Helper()
	inv, err := w.s.Client().Invitation.Create().SetTenantID(tenantID).SetEmail(ids.New("User") + "@example.test").
		SetRole(schematype.RoleMember).SetTokenHash(auth.HashToken(auth.NewInvitationToken())).SetExpiresAt(time.Now().Add(time.Hour)).
		Save(testserver.System(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	return inv.ID
}

func (w *world) membership(t *testing.T, tenantID string) string {
	t.Helper()
	u := w.s.CreateUser(t, ids.New("User")+"@example.test", "Someone", false)
	return w.s.AddMember(t, tenantID, u.ID, schematype.RoleMember, nil).ID
}

func (w *world) schedule(t *testing.T, tenantID string) string {
	t.Helper()
	sc, err := w.s.Client().Schedule.Create().SetTenantID(tenantID).SetKind(schematype.ProcessArchive).SetCron("0 3 1 * *").
		SetEnabled(false).Save(testserver.System(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	return sc.ID
}

func (w *world) process(t *testing.T, tenantID string) string {
	t.Helper()
	p, err := jobs.Create(testserver.System(context.Background()), w.s.Client(), jobs.Spec{
		TenantID: tenantID, Kind: schematype.ProcessArchive, Initiator: audit.Actor{Type: schematype.ActorSystem},
		// A process that waits: the runner does not claim it for an hour.
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.s.Client().Process.UpdateOneID(p.ID).SetRunAfter(time.Now().Add(time.Hour)).
		Exec(testserver.System(context.Background())); err != nil {
		t.Fatal(err)
	}
	return p.ID
}

// savedFilter is a saved filter of the audit log in tenantID, owned by a
// fresh member of that tenant (none of the matrix's roles).
func (w *world) savedFilter(t *testing.T, tenantID string, shared bool) string {
	t.Helper()
	u := w.s.CreateUser(t, ids.New("User")+"@example.test", "Someone", false)
	w.s.AddMember(t, tenantID, u.ID, schematype.RoleAuditor, nil)
	f, err := w.s.Client().SavedFilter.Create().SetTenantID(tenantID).SetOwnerID(u.ID).SetName("saved " + ids.New("User")).
		SetPage("AUDIT_LOG").SetShared(shared).Save(testserver.System(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	return f.ID
}
