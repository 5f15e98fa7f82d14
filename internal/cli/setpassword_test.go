package cli_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/trailmark/trailmark/ent/session"
	"github.com/trailmark/trailmark/internal/auth"
	"github.com/trailmark/trailmark/internal/cli"
	"github.com/trailmark/trailmark/internal/db"
	"github.com/trailmark/trailmark/internal/testdb"
	"github.com/trailmark/trailmark/internal/viewer"
)

// TestSetPasswordEndsSessions: resetting a password hands the account back
// (docs/security.md, accounts created by an inviter): whoever was signed in
// before is signed out, and the new password works.
func TestSetPasswordEndsSessions(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := viewer.NewContext(context.Background(), viewer.SystemViewer())
		open := func(context.Context, string, string) (*db.DB, func() error, error) {
			return d, func() error { return nil }, nil
		}
		held, err := auth.CreateUser(ctx, d.Client, auth.NewUser{Email: "ceo@victim.example", Name: "CEO", Password: "the inviter's password"})
		if err != nil {
			t.Fatal(err)
		}
		other, err := auth.CreateUser(ctx, d.Client, auth.NewUser{Email: "other@example.test", Name: "Other", Password: "another password 1"})
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range []string{held.ID, held.ID, other.ID} {
			_, err := d.Client.Session.Create().SetUserID(u).SetTokenHash(auth.HashToken(auth.NewSessionToken())).
				SetExpiresAt(time.Now().Add(time.Hour)).Save(ctx)
			if err != nil {
				t.Fatal(err)
			}
		}

		var out, errOut bytes.Buffer
		if code := cli.Run(context.Background(), "user", []string{"set-password", "--email", "CEO@victim.example", "--password", "the owner's new password"},
			open, &out, &errOut); code != 0 {
			t.Fatalf("set-password: %d %q", code, errOut.String())
		}
		if n, _ := d.Client.Session.Query().Where(session.UserID(held.ID)).Count(ctx); n != 0 {
			t.Fatalf("%d sessions of the reset account are still open", n)
		}
		if n, _ := d.Client.Session.Query().Where(session.UserID(other.ID)).Count(ctx); n != 1 {
			t.Fatalf("another account's sessions: %d", n)
		}
		u, err := d.Client.User.Get(ctx, held.ID)
		if err != nil || !auth.CheckPassword(u.PasswordHash, "the owner's new password") {
			t.Fatalf("new password not set: %v", err)
		}
		if code := cli.Run(context.Background(), "user", []string{"set-password", "--email", "nobody@example.test"}, open, &out, &errOut); code != 1 {
			t.Fatalf("unknown email: %d", code)
		}
	})
}
