package graph_test

import (
	"context"
	"strings"
	"testing"

	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/ent/user"
	"github.com/trailmark/trailmark/internal/testserver"
)

// emptyPasswords fill the length rule with nothing one can type: control
// characters, white space, or both.
var emptyPasswords = map[string]string{
	"C0 controls":          strings.Repeat("\x01", 12),
	"tabs and line breaks": strings.Repeat("\t\n\r", 4),
	"spaces":               strings.Repeat(" ", 12),
	"no-break spaces":      strings.Repeat("\u00a0", 12),
	"DEL":                  strings.Repeat("\x7f", 12),
	"C1 controls":          strings.Repeat("\u0085\u009b", 6),
	"escape sequences":     strings.Repeat("\x1b[0m", 3),
	"letters and a NUL":    "correct horse\x00battery",
}

// TestAcceptInvitationRefusesEmptyPasswords: a new account's password made
// only of control characters or white space is BAD_USER_INPUT on
// "password", and no account is created.
func TestAcceptInvitationRefusesEmptyPasswords(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		ten := s.CreateTenant(t, "acme")
		_, adminTok := s.Member(t, ten.ID, schematype.RoleAdmin, nil)
		tok, _ := inviteToken(t, s, adminTok, ten.ID, "new@example.test")
		for name, pw := range emptyPasswords {
			res := s.GraphQL(t, "", accept, map[string]any{"tok": tok, "n": "New", "p": pw})
			if !res.HasCode("BAD_USER_INPUT") || len(res.Errors) == 0 || res.Errors[0].Extensions["field"] != "password" {
				t.Errorf("%s: %s", name, res.Body)
			}
		}
		sys := testserver.System(context.Background())
		if n, _ := s.Client().User.Query().Where(user.EmailEQ("new@example.test")).Count(sys); n != 0 {
			t.Fatalf("%d accounts created with an empty password", n)
		}
		// The invitation is still good for a real password.
		s.GraphQL(t, "", accept, map[string]any{"tok": tok, "n": "New", "p": " correct horse battery "}).NoErrors(t)
	})
}
