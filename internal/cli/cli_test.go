package cli_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/auth"
	"github.com/trailmark/trailmark/internal/cli"
	"github.com/trailmark/trailmark/internal/db"
	"github.com/trailmark/trailmark/internal/testdb"
	"github.com/trailmark/trailmark/internal/viewer"
)

func TestCommands(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := viewer.NewContext(context.Background(), viewer.SystemViewer())
		ten, err := d.Client.Tenant.Create().SetSlug("acme").SetName("Acme").Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		open := func(context.Context, string, string) (*db.DB, func() error, error) {
			return d, func() error { return nil }, nil
		}
		run := func(args ...string) (string, string, int) {
			var out, errOut bytes.Buffer
			code := cli.Run(context.Background(), args[0], args[1:], open, &out, &errOut)
			return out.String(), errOut.String(), code
		}

		out, errOut, code := run("user", "create", "--email", "Ada@Example.test", "--name", "Ada", "--tenant", "acme", "--role", "auditor")
		if code != 0 || !strings.Contains(out, "password: ") || !strings.Contains(out, "member of acme as AUDITOR") {
			t.Fatalf("user create: %d %q %q", code, out, errOut)
		}
		password := strings.TrimSpace(strings.SplitN(strings.SplitN(out, "password: ", 2)[1], "\n", 2)[0])
		u, err := d.Client.User.Query().Only(ctx)
		if err != nil || u.Email != "ada@example.test" || !auth.CheckPassword(u.PasswordHash, password) {
			t.Fatalf("user %+v: %v", u, err)
		}

		out, _, code = run("apikey", "create", "--tenant", "acme", "--name", "CI", "--scopes", "INGEST,READ")
		if code != 0 || !strings.Contains(out, "secret (shown once): tmk_") {
			t.Fatalf("apikey create: %d %q", code, out)
		}
		// Both tenant changes are in acme's log, made by the CLI.
		es, err := d.Client.AuditEntry.Query().Where(auditentry.TenantID(ten.ID)).Order(auditentry.ByReceivedAt()).All(ctx)
		if err != nil || len(es) != 2 || es[0].Action != "member.add" || es[1].Action != "api_key.create" {
			t.Fatalf("entries %v: %v", es, err)
		}
		for _, e := range es {
			if e.ActorType != schematype.ActorSystem || e.ActorName == nil || *e.ActorName != "trailmark cli" {
				t.Fatalf("actor of %s: %s %v", e.Action, e.ActorType, e.ActorName)
			}
			if secret := strings.SplitN(out, "tmk_", 2)[1]; strings.Contains(string(e.NewValue), secret[:10]) {
				t.Fatal("the secret is in the log")
			}
		}

		// A failed command changes nothing and prints no secret.
		out, errOut, code = run("user", "create", "--email", "bob@example.test", "--name", "Bob", "--tenant", "nope")
		if code != 1 || out != "" || !strings.Contains(errOut, "tenant nope") {
			t.Fatalf("failed create: %d %q %q", code, out, errOut)
		}
		if n, _ := d.Client.User.Query().Count(ctx); n != 1 {
			t.Fatalf("%d users after a failed create", n)
		}
		if _, _, code := run("user", "frobnicate"); code != 2 {
			t.Fatalf("unknown subcommand: %d", code)
		}
	})
}

// TestCommandsRefuseEmptyPasswords: user create and set-password refuse a
// password made only of control characters or white space, and store
// nothing.
func TestCommandsRefuseEmptyPasswords(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := viewer.NewContext(context.Background(), viewer.SystemViewer())
		open := func(context.Context, string, string) (*db.DB, func() error, error) {
			return d, func() error { return nil }, nil
		}
		run := func(args ...string) (string, string, int) {
			var out, errOut bytes.Buffer
			code := cli.Run(context.Background(), args[0], args[1:], open, &out, &errOut)
			return out.String(), errOut.String(), code
		}
		for _, pw := range []string{strings.Repeat(" ", 12), strings.Repeat("\x01", 12), strings.Repeat("\t\r\n", 4)} {
			out, errOut, code := run("user", "create", "--email", "ada@example.test", "--name", "Ada", "--password", pw)
			if code == 0 || !strings.Contains(errOut, "control characters") {
				t.Fatalf("user create with %q: %d %q %q", pw, code, out, errOut)
			}
		}
		if n, _ := d.Client.User.Query().Count(ctx); n != 0 {
			t.Fatalf("%d users created with an empty password", n)
		}
		if _, errOut, code := run("user", "create", "--email", "ada@example.test", "--name", "Ada", "--password", "correct horse battery"); code != 0 {
			t.Fatalf("user create: %d %q", code, errOut)
		}
		for _, pw := range []string{strings.Repeat(" ", 12), strings.Repeat("\x01", 12)} {
			if out, errOut, code := run("user", "set-password", "--email", "ada@example.test", "--password", pw); code == 0 || !strings.Contains(errOut, "control characters") {
				t.Fatalf("set-password with %q: %d %q %q", pw, code, out, errOut)
			}
		}
		u, err := d.Client.User.Query().Only(ctx)
		if err != nil || !auth.CheckPassword(u.PasswordHash, "correct horse battery") {
			t.Fatalf("the password changed: %v", err)
		}
	})
}
