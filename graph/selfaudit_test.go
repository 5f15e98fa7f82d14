package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/archive"
	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/membership"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/ent/user"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/jobs"
	"github.com/trailmark/trailmark/internal/testserver"
	"github.com/trailmark/trailmark/internal/testwait"
)

// auditTrail reads a tenant's log as Trailmark itself, without the
// audit_log.view entries that reads add in the background.
func auditTrail(t *testing.T, s *testserver.Server, tenantID string) []*ent.AuditEntry {
	t.Helper()
	es, err := s.Client().AuditEntry.Query().
		Where(auditentry.TenantID(tenantID), auditentry.ActionNEQ("audit_log.view")).
		Order(auditentry.ByReceivedAt(), auditentry.ByID()).
		All(testserver.System(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// selfAudit is what one mutation must leave in its tenant's log.
type selfAudit struct {
	action, resourceType string
	old, new             map[string]any // fields the old and new values must hold (nil: no value)
	never                []string       // strings that must not appear anywhere in the entry
}

// TestSelfAuditEveryMutation runs each mutation of API.md's self-audit list
// over HTTP and checks that it leaves exactly one entry in the tenant's
// log: its action, the caller as actor, old and new values, and the request
// with secrets redacted.
func TestSelfAuditEveryMutation(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		ten := s.CreateTenant(t, "acme")
		owner, token := s.Member(t, ten.ID, schematype.RoleOwner, nil)
		admin := s.CreateUser(t, "root@example.test", "Root", true)
		adminToken := s.SessionToken(t, admin.ID)

		// step runs one mutation as the caller and checks the one entry it
		// adds to tenantID's log ("" for the tenant the mutation creates).
		step := func(name, tenantID, callerToken, callerEmail string, want selfAudit, query string, vars map[string]any) json.RawMessage {
			t.Helper()
			before := 0
			if tenantID != "" {
				before = len(auditTrail(t, s, tenantID))
			}
			req, _ := http.NewRequest(http.MethodPost, s.URL+"/graphql", strings.NewReader(mustJSON(t, map[string]any{
				"query": query, "variables": vars, "operationName": name,
			})))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("User-Agent", "selfaudit-test/1.0")
			res := s.Do(t, callerToken, req).NoErrors(t)
			if tenantID == "" {
				var d struct{ CreateTenant struct{ ID string } }
				res.Decode(t, &d)
				tenantID = d.CreateTenant.ID
			}
			trail := auditTrail(t, s, tenantID)
			if len(trail) != before+1 {
				var actions []string
				for _, e := range trail[before:] {
					actions = append(actions, e.Action)
				}
				t.Fatalf("%s left %d entries %v, want exactly one", name, len(trail)-before, actions)
			}
			e := trail[len(trail)-1]
			if e.Action != want.action || e.ResourceType != want.resourceType || e.ResourceID == nil {
				t.Fatalf("%s: entry %s on %s, want %s on %s", name, e.Action, e.ResourceType, want.action, want.resourceType)
			}
			caller, err := s.Client().User.Query().Where(user.Email(callerEmail)).Only(testserver.System(context.Background()))
			if err != nil {
				t.Fatal(err)
			}
			if e.ActorType != schematype.ActorUser || deref(e.ActorID) != caller.ID || deref(e.ActorName) != caller.Name || deref(e.ActorEmail) != caller.Email {
				t.Fatalf("%s: actor %s %v %v %v, want the caller %s", name, e.ActorType, deref(e.ActorID), deref(e.ActorName), deref(e.ActorEmail), caller.ID)
			}
			checkValue(t, name+" old value", e.OldValue, want.old)
			checkValue(t, name+" new value", e.NewValue, want.new)
			r := e.Request
			if r == nil || deref(r.Method) != "POST" || deref(r.Path) != "/graphql" || deref(r.OperationName) != name ||
				deref(r.UserAgent) != "selfaudit-test/1.0" || deref(r.SourceIP) == "" || len(r.Payload) == 0 {
				t.Fatalf("%s: request %+v", name, r)
			}
			raw, _ := json.Marshal(e)
			for _, secret := range want.never {
				if strings.Contains(string(raw), secret) || strings.Contains(string(r.Payload), secret) {
					t.Fatalf("%s: the entry holds a secret (%s): %s %s", name, secret, raw, r.Payload)
				}
			}
			// The entry is readable through the API, with actor.user resolving to the caller.
			got := s.GraphQL(t, adminToken, `query($id: ID!) { node(id: $id) { ... on AuditEntry { action actor { type id user { id } } } } }`,
				map[string]any{"id": e.ID}).NoErrors(t)
			if !strings.Contains(string(got.Body), `"user":{"id":"`+caller.ID+`"}`) {
				t.Fatalf("%s: actor.user does not resolve: %s", name, got.Body)
			}
			return res.Data
		}
		sys := testserver.System(context.Background())

		step("CreateTenant", "", adminToken, admin.Email,
			selfAudit{action: "tenant.create", resourceType: "tenant", new: map[string]any{"slug": "globex", "name": "Globex"}},
			`mutation CreateTenant($s: String!) { createTenant(input: {slug: $s, name: "Globex"}) { id } }`, map[string]any{"s": "globex"})

		step("UpdateTenant", ten.ID, token, owner.Email,
			selfAudit{action: "tenant.update", resourceType: "tenant",
				old: map[string]any{"name": "Tenant acme", "retentionDays": nil}, new: map[string]any{"name": "Acme Inc", "retentionDays": 90}},
			`mutation UpdateTenant($id: ID!) { updateTenant(id: $id, input: {name: "Acme Inc", retentionDays: 90}) { id } }`, map[string]any{"id": ten.ID})

		var invited struct{ InviteMember struct{ Token string } }
		raw := step("InviteMember", ten.ID, token, owner.Email,
			selfAudit{action: "member.invite", resourceType: "invitation",
				new: map[string]any{"email": "newbie@example.test", "role": "AUDITOR", "status": "PENDING"}},
			`mutation InviteMember($t: ID!) { inviteMember(tenantID: $t, email: "Newbie@Example.test", role: AUDITOR) { token acceptURL } }`,
			map[string]any{"t": ten.ID})
		if err := json.Unmarshal(raw, &invited); err != nil || !strings.HasPrefix(invited.InviteMember.Token, "tmi_") {
			t.Fatalf("invitation token: %s", raw)
		}
		// The token in the answer is the only copy: the entry must not hold it.
		inviteEntry := auditTrail(t, s, ten.ID)
		if b, _ := json.Marshal(inviteEntry[len(inviteEntry)-1]); strings.Contains(string(b), invited.InviteMember.Token) {
			t.Fatalf("the invitation token is in the log")
		}

		step("AcceptInvitation", ten.ID, "", "newbie@example.test",
			selfAudit{action: "invitation.accept", resourceType: "invitation",
				old: map[string]any{"status": "PENDING"}, new: map[string]any{"status": "ACCEPTED"},
				never: []string{invited.InviteMember.Token, "newbie secret pw"}},
			`mutation AcceptInvitation($tok: String!) { acceptInvitation(token: $tok, name: "Newbie", password: "newbie secret pw") { role user { email } tenant { slug } } }`,
			map[string]any{"tok": invited.InviteMember.Token})

		inv, err := s.Client().Invitation.Create().SetTenantID(ten.ID).SetEmail("later@example.test").SetRole(schematype.RoleMember).
			SetTokenHash("h-later").SetExpiresAt(time.Now().Add(time.Hour)).Save(sys)
		if err != nil {
			t.Fatal(err)
		}
		step("RevokeInvitation", ten.ID, token, owner.Email,
			selfAudit{action: "invitation.revoke", resourceType: "invitation",
				old: map[string]any{"status": "PENDING"}, new: map[string]any{"status": "REVOKED"}},
			`mutation RevokeInvitation($id: ID!) { revokeInvitation(id: $id) { status } }`, map[string]any{"id": inv.ID})

		m, _ := s.Member(t, ten.ID, schematype.RoleMember, nil)
		mem, err := s.Client().Membership.Query().Where(membership.UserID(m.ID)).Only(sys)
		if err != nil {
			t.Fatal(err)
		}
		step("UpdateMembership", ten.ID, token, owner.Email,
			selfAudit{action: "member.role.update", resourceType: "membership",
				old: map[string]any{"role": "MEMBER", "workspace": nil, "userEmail": m.Email},
				new: map[string]any{"role": "AUDITOR", "workspace": "ws-1"}},
			`mutation UpdateMembership($id: ID!) { updateMembership(id: $id, role: AUDITOR, workspace: "ws-1") { role workspace } }`,
			map[string]any{"id": mem.ID})
		step("RemoveMembership", ten.ID, token, owner.Email,
			selfAudit{action: "member.remove", resourceType: "membership", old: map[string]any{"role": "AUDITOR", "userID": m.ID}},
			`mutation RemoveMembership($id: ID!) { removeMembership(id: $id) }`, map[string]any{"id": mem.ID})

		var created struct {
			CreateAPIKey struct {
				Secret string
				APIKey struct{ ID string }
			}
		}
		raw = step("CreateAPIKey", ten.ID, token, owner.Email,
			selfAudit{action: "api_key.create", resourceType: "api_key",
				new: map[string]any{"name": "CI", "scopes": []string{"INGEST", "READ"}, "active": true}},
			`mutation CreateAPIKey($t: ID!) { createAPIKey(tenantID: $t, name: "CI", scopes: [READ, INGEST]) { secret apiKey { id } } }`,
			map[string]any{"t": ten.ID})
		_ = json.Unmarshal(raw, &created)
		if trail := auditTrail(t, s, ten.ID); strings.Contains(mustJSON(t, trail[len(trail)-1]), created.CreateAPIKey.Secret) {
			t.Fatalf("the API key secret is in the log")
		}
		step("DeactivateAPIKey", ten.ID, token, owner.Email,
			selfAudit{action: "api_key.deactivate", resourceType: "api_key",
				old: map[string]any{"active": true, "deactivatedAt": nil}, new: map[string]any{"active": false}},
			`mutation DeactivateAPIKey($id: ID!) { deactivateAPIKey(id: $id) { active } }`, map[string]any{"id": created.CreateAPIKey.APIKey.ID})

		var sched struct{ CreateSchedule struct{ ID string } }
		raw = step("CreateSchedule", ten.ID, token, owner.Email,
			selfAudit{action: "schedule.create", resourceType: "schedule", new: map[string]any{"kind": "ARCHIVE", "cron": "0 3 1 * *", "enabled": true}},
			`mutation CreateSchedule($t: ID!) { createSchedule(tenantID: $t, input: {kind: ARCHIVE, cron: "0 3 1 * *", input: {format: "JSONL_GZ"}}) { id } }`,
			map[string]any{"t": ten.ID})
		_ = json.Unmarshal(raw, &sched)
		step("UpdateSchedule", ten.ID, token, owner.Email,
			selfAudit{action: "schedule.update", resourceType: "schedule", old: map[string]any{"enabled": true}, new: map[string]any{"enabled": false}},
			`mutation UpdateSchedule($id: ID!) { updateSchedule(id: $id, input: {enabled: false}) { enabled } }`, map[string]any{"id": sched.CreateSchedule.ID})
		step("DeleteSchedule", ten.ID, token, owner.Email,
			selfAudit{action: "schedule.delete", resourceType: "schedule", old: map[string]any{"cron": "0 3 1 * *"}},
			`mutation DeleteSchedule($id: ID!) { deleteSchedule(id: $id) }`, map[string]any{"id": sched.CreateSchedule.ID})

		p, err := jobs.Create(sys, s.Client(), jobs.Spec{TenantID: ten.ID, Kind: schematype.ProcessArchive, Initiator: audit.Actor{Type: schematype.ActorSystem}})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Client().Process.UpdateOneID(p.ID).SetRunAfter(time.Now().Add(time.Hour)).Exec(sys); err != nil {
			t.Fatal(err)
		}
		step("CancelProcess", ten.ID, token, owner.Email,
			selfAudit{action: "process.cancel", resourceType: "process",
				old: map[string]any{"status": "QUEUED"}, new: map[string]any{"status": "CANCELED", "cancelRequested": true}},
			`mutation CancelProcess($id: ID!) { cancelProcess(id: $id) { status } }`, map[string]any{"id": p.ID})

		step("CreateArchive", ten.ID, token, owner.Email,
			selfAudit{action: "archive.create", resourceType: "process", new: map[string]any{"kind": "ARCHIVE"}},
			`mutation CreateArchive($t: ID!) { createArchive(tenantID: $t, input: {name: "january", from: "2020-01-01T00:00:00Z", to: "2020-02-01T00:00:00Z", format: JSONL_GZ}) { id } }`,
			map[string]any{"t": ten.ID})
		var arc *ent.Archive
		testwait.Eventually(t, 30*time.Second, func() (bool, string) {
			arc, err = s.Client().Archive.Query().Where(archive.TenantID(ten.ID)).First(sys)
			return err == nil, fmt.Sprintf("the archive was not made: %v", err)
		})
		step("DeleteArchive", ten.ID, token, owner.Email,
			selfAudit{action: "archive.delete", resourceType: "archive", old: map[string]any{"name": "january"}},
			`mutation DeleteArchive($id: ID!) { deleteArchive(id: $id) }`, map[string]any{"id": arc.ID})
	})
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// checkValue checks that a stored JSON object holds the wanted fields (nil
// want: no value stored).
func checkValue(t *testing.T, what string, raw []byte, want map[string]any) {
	t.Helper()
	if want == nil {
		if len(raw) != 0 && string(raw) != "null" {
			t.Fatalf("%s: want none, got %s", what, raw)
		}
		return
	}
	var got map[string]any
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatalf("%s: %v in %s", what, err, raw)
	}
	for k, v := range want {
		if mustJSONAny(got[k]) != mustJSONAny(v) {
			t.Fatalf("%s: %s = %s, want %s (in %s)", what, k, mustJSONAny(got[k]), mustJSONAny(v), raw)
		}
	}
}

func mustJSONAny(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
