package graph_test

import (
	"context"
	"strings"
	"testing"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/invitation"
	"github.com/trailmark/trailmark/ent/membership"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/ent/user"
	"github.com/trailmark/trailmark/internal/testserver"
)

const (
	inviteAs = `mutation($t: ID!, $e: String!, $r: Role!) { inviteMember(tenantID: $t, email: $e, role: $r) { token invitation { id } } }`
	preview  = `query($tok: String!) { invitationPreview(token: $tok) { email tenantName role workspace expiresAt accountExists } }`
	login    = `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`
)

// invited invites email into tenantID as role and returns the token and the
// invitation's id.
func invited(t *testing.T, s *testserver.Server, adminTok, tenantID, email, role string) (string, string) {
	t.Helper()
	var d struct {
		InviteMember struct {
			Token      string
			Invitation struct{ ID string }
		}
	}
	s.GraphQL(t, adminTok, inviteAs, map[string]any{"t": tenantID, "e": email, "r": role}).NoErrors(t).Decode(t, &d)
	return d.InviteMember.Token, d.InviteMember.Invitation.ID
}

type invitationPreview struct {
	Email, TenantName, Role string
	Workspace               *string
	ExpiresAt               string
	AccountExists           bool
}

func previewOf(t *testing.T, s *testserver.Server, tok string) invitationPreview {
	t.Helper()
	var d struct{ InvitationPreview *invitationPreview }
	s.GraphQL(t, "", preview, map[string]any{"tok": tok}).NoErrors(t).Decode(t, &d)
	if d.InvitationPreview == nil {
		t.Fatal("invitationPreview is null")
	}
	return *d.InvitationPreview
}

// refused asserts a coded error whose message says what to do.
func acceptRefused(t *testing.T, res *testserver.Response, code, field, says string) {
	t.Helper()
	if len(res.Errors) != 1 || res.Errors[0].Code() != code || !strings.Contains(res.Errors[0].Message, says) {
		t.Fatalf("want one %s saying %q: %s", code, says, res.Body)
	}
	if field != "" && res.Errors[0].Extensions["field"] != field {
		t.Fatalf("want field %q: %s", field, res.Body)
	}
	if !strings.Contains(string(res.Body), `"data":null`) && !strings.Contains(string(res.Body), `"acceptInvitation":null`) {
		t.Fatalf("a refused accept returned data: %s", res.Body)
	}
}

func unchangedUser(t *testing.T, s *testserver.Server, before *ent.User) {
	t.Helper()
	after, err := s.Client().User.Get(testserver.System(context.Background()), before.ID)
	if err != nil {
		t.Fatal(err)
	}
	if after.Name != before.Name || after.PasswordHash != before.PasswordHash || after.Email != before.Email {
		t.Fatalf("accepting changed the account: %q %q -> %q %q", before.Name, before.Email, after.Name, after.Email)
	}
}

// TestInvitationTakeover is the attack of issue 10, item 1: an ADMIN of one
// tenant creates the account of someone else's email through an invitation
// of their own, with a password they chose. When another tenant invites that
// email, the token alone (or with a new name and password) must not join the
// attacker's account to it, and the account's password and name never change.
func TestInvitationTakeover(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		sys := testserver.System(context.Background())
		evil := s.CreateTenant(t, "evil")
		_, attackerTok := s.Member(t, evil.ID, schematype.RoleAdmin, nil)
		victim := s.CreateTenant(t, "victim")
		_, victimAdminTok := s.Member(t, victim.ID, schematype.RoleOwner, nil)
		const ceo, attackerPW, realPW = "ceo@victim.example", "attacker chosen pw 1", "the real ceo's password"

		// The attacker invites the email and accepts with a password of their choice:
		// the account is new, so this creates it (the remaining risk in docs/security.md).
		evilTok, _ := invited(t, s, attackerTok, evil.ID, ceo, "ADMIN")
		s.GraphQL(t, "", accept, map[string]any{"tok": evilTok, "n": "Attacker's CEO", "p": attackerPW}).NoErrors(t)
		account, err := s.Client().User.Query().Where(user.Email(ceo)).Only(sys)
		if err != nil {
			t.Fatal(err)
		}

		// The victim tenant invites the same email as ADMIN; the real person holds the token.
		tok, invID := invited(t, s, victimAdminTok, victim.ID, ceo, "ADMIN")
		// The token alone no longer joins the existing account.
		acceptRefused(t, s.GraphQL(t, "", accept, map[string]any{"tok": tok}), "UNAUTHENTICATED", "", "sign in")
		// Nor does a name and password: they only ever create a new account.
		acceptRefused(t, s.GraphQL(t, "", accept, map[string]any{"tok": tok, "n": "Real CEO", "p": realPW}),
			"BAD_USER_INPUT", "password", "never sets its password")
		acceptRefused(t, s.GraphQL(t, "", accept, map[string]any{"tok": tok, "n": "Real CEO"}),
			"BAD_USER_INPUT", "name", "never renames it")
		unchangedUser(t, s, account)
		code(t, s.GraphQL(t, "", login, map[string]any{"e": ceo, "p": realPW}), "UNAUTHENTICATED")
		// The accept page learns from the token that it must ask for a sign-in.
		p := previewOf(t, s, tok)
		if !p.AccountExists || p.Email != ceo || p.TenantName != victim.Name || p.Role != "ADMIN" || p.ExpiresAt == "" {
			t.Fatalf("preview: %+v", p)
		}

		// The attacker's password opens nothing of the victim tenant.
		var d struct{ Login struct{ Token string } }
		s.GraphQL(t, "", login, map[string]any{"e": ceo, "p": attackerPW}).NoErrors(t).Decode(t, &d)
		var v struct {
			Viewer struct {
				Memberships []struct{ Tenant struct{ Slug string } }
			}
			Tenant *struct{ ID string }
		}
		s.GraphQL(t, d.Login.Token, `{ viewer { memberships { tenant { slug } } } tenant(slug: "victim") { id } }`, nil).Decode(t, &v)
		if len(v.Viewer.Memberships) != 1 || v.Viewer.Memberships[0].Tenant.Slug != "evil" || v.Tenant != nil {
			t.Fatalf("the attacker's account reaches: %+v", v)
		}
		if n, _ := s.Client().Membership.Query().Where(membership.TenantID(victim.ID), membership.UserID(account.ID)).Count(sys); n != 0 {
			t.Fatalf("%d memberships in the victim tenant", n)
		}
		if inv, _ := s.Client().Invitation.Get(sys, invID); inv.Status != invitation.StatusPENDING {
			t.Fatalf("refused invitation is %s", inv.Status)
		}
	})
}

// TestAcceptInvitationExistingAccount: an ADMIN cannot accept, on behalf of
// an existing user of another tenant, the invitation they sent; only that
// user, signed in, accepts it, with the token alone, and the account is
// left as it was.
func TestAcceptInvitationExistingAccount(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		sys := testserver.System(context.Background())
		acme := s.CreateTenant(t, "acme")
		_, adminTok := s.Member(t, acme.ID, schematype.RoleAdmin, nil)
		other := s.CreateTenant(t, "other")
		existing, existingTok := s.Member(t, other.ID, schematype.RoleMember, nil)
		s.SetPassword(t, existing.ID, "existing user password")
		existing, _ = s.Client().User.Get(sys, existing.ID)
		keyTok, _ := s.APIKey(t, acme.ID, schematype.ScopeIngest, schematype.ScopeRead)

		tok, invID := invited(t, s, adminTok, acme.ID, strings.ToUpper(existing.Email), "AUDITOR")
		if p := previewOf(t, s, tok); !p.AccountExists || p.Email != strings.ToLower(existing.Email) || p.TenantName != acme.Name || p.Role != "AUDITOR" {
			t.Fatalf("preview: %+v", p)
		}
		// The inviter holds the token, but it does not vouch for the account.
		acceptRefused(t, s.GraphQL(t, "", accept, map[string]any{"tok": tok}), "UNAUTHENTICATED", "",
			"this email already has an account: sign in as it, then accept the invitation")
		acceptRefused(t, s.GraphQL(t, adminTok, accept, map[string]any{"tok": tok}), "FORBIDDEN", "", "another account")
		acceptRefused(t, s.GraphQL(t, keyTok, accept, map[string]any{"tok": tok}), "FORBIDDEN", "", "another account")
		acceptRefused(t, s.GraphQL(t, "", accept, map[string]any{"tok": tok, "n": "Renamed", "p": "inviter's new password"}),
			"BAD_USER_INPUT", "password", "sign in as it and accept without a password")
		// Even signed in as the account, name and password are refused, not applied.
		acceptRefused(t, s.GraphQL(t, existingTok, accept, map[string]any{"tok": tok, "p": "a new password 123"}),
			"BAD_USER_INPUT", "password", "never sets its password")
		acceptRefused(t, s.GraphQL(t, existingTok, accept, map[string]any{"tok": tok, "n": "Renamed"}),
			"BAD_USER_INPUT", "name", "never renames it")
		if n, _ := s.Client().Membership.Query().Where(membership.TenantID(acme.ID), membership.UserID(existing.ID)).Count(sys); n != 0 {
			t.Fatalf("refused acceptances added %d memberships", n)
		}
		unchangedUser(t, s, existing)

		// The account itself, signed in, accepts with the token alone.
		got := s.GraphQL(t, existingTok, accept, map[string]any{"tok": tok}).NoErrors(t)
		if !strings.Contains(string(got.Body), `"role":"AUDITOR"`) || !strings.Contains(string(got.Body), `"slug":"acme"`) {
			t.Fatalf("accept: %s", got.Body)
		}
		unchangedUser(t, s, existing)
		s.GraphQL(t, "", login, map[string]any{"e": existing.Email, "p": "existing user password"}).NoErrors(t)
		if inv, _ := s.Client().Invitation.Get(sys, invID); inv.Status != invitation.StatusACCEPTED {
			t.Fatalf("invitation is %s", inv.Status)
		}

		// The preview answers only for a pending invitation.
		code(t, s.GraphQL(t, "", preview, map[string]any{"tok": tok}), "CONFLICT")
		code(t, s.GraphQL(t, "", preview, map[string]any{"tok": "tmi_nope"}), "NOT_FOUND")
		// A new email: the preview says to create the account.
		newTok, _ := invited(t, s, adminTok, acme.ID, "fresh@example.test", "MEMBER")
		if p := previewOf(t, s, newTok); p.AccountExists || p.Email != "fresh@example.test" || p.Role != "MEMBER" {
			t.Fatalf("preview of a new email: %+v", p)
		}
		// Only an anonymous caller creates it: not another account, not an API key.
		for _, tok := range []string{existingTok, keyTok} {
			acceptRefused(t, s.GraphQL(t, tok, accept, map[string]any{"tok": newTok, "n": "Fresh", "p": "long enough password"}),
				"FORBIDDEN", "", "another account")
		}
		s.GraphQL(t, "", accept, map[string]any{"tok": newTok, "n": "Fresh", "p": "long enough password"}).NoErrors(t)
	})
}
