package graph_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/trailmark/trailmark/ent/invitation"
	"github.com/trailmark/trailmark/ent/membership"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/testserver"
)

func code(t *testing.T, res *testserver.Response, want string) {
	t.Helper()
	if !res.HasCode(want) {
		t.Fatalf("want %s: %s", want, res.Body)
	}
}

const updateMembership = `mutation($id: ID!, $role: Role!, $ws: String) { updateMembership(id: $id, role: $role, workspace: $ws) { role workspace } }`

// TestLastOwner: a tenant keeps at least one OWNER, whoever asks; only an
// OWNER grants, changes or removes OWNER; an OWNER is never workspace-scoped.
func TestLastOwner(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		ten := s.CreateTenant(t, "acme")
		owner, ownerTok := s.Member(t, ten.ID, schematype.RoleOwner, nil)
		_, adminTok := s.Member(t, ten.ID, schematype.RoleAdmin, nil)
		platform := s.PlatformAdmin(t)
		sys := testserver.System(context.Background())
		ownerM, err := s.Client().Membership.Query().Where(membership.UserID(owner.ID)).Only(sys)
		if err != nil {
			t.Fatal(err)
		}

		for _, tok := range []string{ownerTok, platform} {
			code(t, s.GraphQL(t, tok, updateMembership, map[string]any{"id": ownerM.ID, "role": "ADMIN"}), "CONFLICT")
			code(t, s.GraphQL(t, tok, `mutation($id: ID!) { removeMembership(id: $id) }`, map[string]any{"id": ownerM.ID}), "CONFLICT")
		}
		// An ADMIN may not touch an OWNER, nor make one.
		code(t, s.GraphQL(t, adminTok, updateMembership, map[string]any{"id": ownerM.ID, "role": "MEMBER"}), "FORBIDDEN")
		second, _ := s.Member(t, ten.ID, schematype.RoleMember, nil)
		secondM, _ := s.Client().Membership.Query().Where(membership.UserID(second.ID)).Only(sys)
		code(t, s.GraphQL(t, adminTok, updateMembership, map[string]any{"id": secondM.ID, "role": "OWNER"}), "FORBIDDEN")
		code(t, s.GraphQL(t, adminTok, `mutation($t: ID!) { inviteMember(tenantID: $t, email: "x@example.test", role: OWNER) { token } }`,
			map[string]any{"t": ten.ID}), "FORBIDDEN")
		// An OWNER holds the whole tenant.
		res := s.GraphQL(t, ownerTok, updateMembership, map[string]any{"id": secondM.ID, "role": "OWNER", "ws": "eu"})
		code(t, res, "BAD_USER_INPUT")
		if res.Errors[0].Extensions["field"] != "workspace" {
			t.Fatalf("field: %s", res.Body)
		}

		// With a second OWNER the first may step down; then the second is the last.
		s.GraphQL(t, ownerTok, updateMembership, map[string]any{"id": secondM.ID, "role": "OWNER"}).NoErrors(t)
		s.GraphQL(t, ownerTok, updateMembership, map[string]any{"id": ownerM.ID, "role": "ADMIN"}).NoErrors(t)
		code(t, s.GraphQL(t, platform, `mutation($id: ID!) { removeMembership(id: $id) }`, map[string]any{"id": secondM.ID}), "CONFLICT")
		owners, _ := s.Client().Membership.Query().Where(membership.TenantID(ten.ID), membership.RoleEQ(schematype.RoleOwner)).Count(sys)
		if owners != 1 {
			t.Fatalf("%d owners", owners)
		}
	})
}

const (
	invite = `mutation($t: ID!, $e: String!, $r: Role!) { inviteMember(tenantID: $t, email: $e, role: $r) { token acceptURL invitation { id status expiresAt } } }`
	accept = `mutation($tok: String!, $n: String, $p: String) { acceptInvitation(token: $tok, name: $n, password: $p) { role user { email } tenant { slug } } }`
)

func inviteToken(t *testing.T, s *testserver.Server, token, tenantID, email string) (string, string) {
	t.Helper()
	var d struct {
		InviteMember struct {
			Token, AcceptURL string
			Invitation       struct{ ID, Status, ExpiresAt string }
		}
	}
	s.GraphQL(t, token, invite, map[string]any{"t": tenantID, "e": email, "r": "AUDITOR"}).NoErrors(t).Decode(t, &d)
	if d.InviteMember.AcceptURL != "/accept-invitation?token="+d.InviteMember.Token || d.InviteMember.Invitation.Status != "PENDING" {
		t.Fatalf("invite payload %+v", d)
	}
	exp, _ := time.Parse(time.RFC3339, d.InviteMember.Invitation.ExpiresAt)
	if time.Until(exp) < 6*24*time.Hour || time.Until(exp) > 8*24*time.Hour {
		t.Fatalf("an invitation lasts 7 days, expires %v", exp)
	}
	return d.InviteMember.Token, d.InviteMember.Invitation.ID
}

// TestInvitations: single use, expiry, revocation, the new account's
// required fields, and the invited account only.
func TestInvitations(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		ten := s.CreateTenant(t, "acme")
		_, adminTok := s.Member(t, ten.ID, schematype.RoleAdmin, nil)
		sys := testserver.System(context.Background())

		tok, _ := inviteToken(t, s, adminTok, ten.ID, "new@example.test")
		code(t, s.GraphQL(t, adminTok, invite, map[string]any{"t": ten.ID, "e": "new@example.test", "r": "MEMBER"}), "CONFLICT")
		res := s.GraphQL(t, "", accept, map[string]any{"tok": tok, "p": "long enough password"})
		code(t, res, "BAD_USER_INPUT")
		if res.Errors[0].Extensions["field"] != "name" {
			t.Fatalf("field: %s", res.Body)
		}
		code(t, s.GraphQL(t, "", accept, map[string]any{"tok": tok, "n": "New", "p": "short"}), "BAD_USER_INPUT")
		// Someone else signed in cannot take the invitation.
		_, otherTok := s.Member(t, ten.ID, schematype.RoleMember, nil)
		code(t, s.GraphQL(t, otherTok, accept, map[string]any{"tok": tok}), "FORBIDDEN")

		got := s.GraphQL(t, "", accept, map[string]any{"tok": tok, "n": "New Person", "p": "long enough password"}).NoErrors(t)
		if !strings.Contains(string(got.Body), `"role":"AUDITOR"`) || !strings.Contains(string(got.Body), `"slug":"acme"`) {
			t.Fatalf("accept: %s", got.Body)
		}
		// Single use.
		code(t, s.GraphQL(t, "", accept, map[string]any{"tok": tok, "n": "Again", "p": "long enough password"}), "CONFLICT")
		// The new account signs in with its password.
		s.GraphQL(t, "", `mutation { login(email: "new@example.test", password: "long enough password") { token } }`, nil).NoErrors(t)
		// Inviting a member again is a conflict.
		code(t, s.GraphQL(t, adminTok, invite, map[string]any{"t": ten.ID, "e": "NEW@example.test", "r": "MEMBER"}), "CONFLICT")

		// Expired.
		tok2, id2 := inviteToken(t, s, adminTok, ten.ID, "late@example.test")
		if err := s.Client().Invitation.UpdateOneID(id2).SetExpiresAt(time.Now().Add(-time.Minute)).Exec(sys); err != nil {
			t.Fatal(err)
		}
		code(t, s.GraphQL(t, "", accept, map[string]any{"tok": tok2, "n": "Late", "p": "long enough password"}), "CONFLICT")

		// Revoked; revoking twice is a conflict.
		tok3, id3 := inviteToken(t, s, adminTok, ten.ID, "revoked@example.test")
		s.GraphQL(t, adminTok, `mutation($id: ID!) { revokeInvitation(id: $id) { status } }`, map[string]any{"id": id3}).NoErrors(t)
		code(t, s.GraphQL(t, adminTok, `mutation($id: ID!) { revokeInvitation(id: $id) { status } }`, map[string]any{"id": id3}), "CONFLICT")
		code(t, s.GraphQL(t, "", accept, map[string]any{"tok": tok3, "n": "R", "p": "long enough password"}), "CONFLICT")
		if n, _ := s.Client().User.Query().Count(sys); n != 3 {
			t.Fatalf("refused acceptances created users: %d users", n)
		}
		// Unknown token.
		code(t, s.GraphQL(t, "", accept, map[string]any{"tok": "tmi_nope", "n": "X", "p": "long enough password"}), "NOT_FOUND")

		// An existing account (signed in as itself) accepts without name or password.
		existing, existingTok := s.Member(t, s.CreateTenant(t, "other").ID, "MEMBER", nil)
		tok4, id4 := inviteToken(t, s, adminTok, ten.ID, existing.Email)
		s.GraphQL(t, existingTok, accept, map[string]any{"tok": tok4}).NoErrors(t)
		inv, _ := s.Client().Invitation.Get(sys, id4)
		if inv.Status != invitation.StatusACCEPTED || inv.AcceptedAt == nil {
			t.Fatalf("invitation %+v", inv)
		}
	})
}
