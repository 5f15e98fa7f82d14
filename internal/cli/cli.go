// Package cli holds the administrative subcommands of the trailmark binary:
//
//	trailmark user create --email a@b.c --name "Ada" [--password …] [--platform-admin] [--tenant acme --role ADMIN [--workspace w]]
//	trailmark user set-password --email a@b.c [--password …]
//	trailmark apikey create --tenant acme --name "CI" --scopes INGEST,READ
//	trailmark verify archive FILE [--manifest M] --key KEY
//	trailmark verify log --url URL --tenant SLUG --token T [--key KEY] [--state FILE] [--full]
//	trailmark log-key generate [--name N]
//
// The verify and log-key commands need no database (docs/integrity.md).
// The others act as Trailmark itself and are recorded in the tenant's log with the
// actor {SYSTEM, "trailmark cli"} when they change a tenant (a membership,
// an API key). Secrets are printed once, on stdout.
package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/rule"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/ent/tenant"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/auth"
	"github.com/trailmark/trailmark/internal/db"
	"github.com/trailmark/trailmark/internal/selfaudit"
	"github.com/trailmark/trailmark/internal/txn"
	"github.com/trailmark/trailmark/internal/viewer"
)

// Opener opens and migrates the database from the command's flags; close
// releases it.
type Opener func(ctx context.Context, databaseURL, dataDir string) (d *db.DB, close func() error, err error)

// Commands lists the subcommands Run handles.
var Commands = []string{"user", "apikey", "verify", "log-key"}

// Run runs a subcommand and returns the exit code.
func Run(ctx context.Context, cmd string, args []string, open Opener, stdout, stderr io.Writer) int {
	sub := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		sub, args = args[0], args[1:]
	}
	if cmd == "verify" || cmd == "log-key" {
		return offline(ctx, cmd, sub, args, stdout, stderr)
	}
	fs := flag.NewFlagSet("trailmark "+cmd+" "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbURL := fs.String("database-url", os.Getenv("DATABASE_URL"), "PostgreSQL URL; empty uses SQLite (DATABASE_URL)")
	dataDir := fs.String("data-dir", envOr("TRAILMARK_DATA_DIR", "./data"), "SQLite directory (TRAILMARK_DATA_DIR)")
	var (
		run func(ctx context.Context, c *ent.Client) error
		out bytes.Buffer
	)
	switch cmd + " " + sub {
	case "user create":
		email := fs.String("email", "", "email (required)")
		name := fs.String("name", "", "display name (required)")
		password := fs.String("password", "", "password; empty: generate one and print it")
		admin := fs.Bool("platform-admin", false, "make the user a platform admin")
		slug := fs.String("tenant", "", "add the user to this tenant (slug)")
		role := fs.String("role", string(schematype.RoleMember), "role in --tenant: OWNER, ADMIN, AUDITOR or MEMBER")
		workspace := fs.String("workspace", "", "limit the membership to one workspace")
		run = func(ctx context.Context, c *ent.Client) error {
			return createUser(ctx, c, &out, auth.NewUser{Email: *email, Name: *name, Password: *password, PlatformAdmin: *admin},
				*slug, schematype.Role(strings.ToUpper(*role)), *workspace)
		}
	case "user set-password":
		email := fs.String("email", "", "email (required)")
		password := fs.String("password", "", "new password; empty: generate one and print it")
		run = func(ctx context.Context, c *ent.Client) error {
			pw := *password
			if pw == "" {
				pw = auth.GeneratePassword()
			}
			if err := auth.SetPassword(ctx, c, *email, pw); err != nil {
				return err
			}
			if *password == "" {
				fmt.Fprintf(&out, "password: %s\n", pw)
			}
			return nil
		}
	case "apikey create":
		slug := fs.String("tenant", "", "tenant slug (required)")
		name := fs.String("name", "", "key name (required)")
		scopes := fs.String("scopes", string(schematype.ScopeIngest), "comma-separated scopes: INGEST, READ")
		run = func(ctx context.Context, c *ent.Client) error {
			return createAPIKey(ctx, c, &out, *slug, *name, strings.Split(*scopes, ","))
		}
	default:
		fmt.Fprintf(stderr, "usage:\n  trailmark user create --email E --name N [--password P] [--platform-admin] [--tenant SLUG --role ROLE [--workspace W]]\n  trailmark user set-password --email E [--password P]\n  trailmark apikey create --tenant SLUG --name N [--scopes INGEST,READ]\n")
		return 2
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	d, closeDB, err := open(ctx, *dbURL, *dataDir)
	if err != nil {
		fmt.Fprintf(stderr, "trailmark %s %s: %v\n", cmd, sub, err)
		return 1
	}
	defer closeDB()
	ctx = selfaudit.WithSystemActor(rule.AsSystem(ctx),
		audit.Actor{Type: schematype.ActorSystem, Name: ptr("trailmark cli")})
	if err := withTx(ctx, d.Client, run); err != nil {
		fmt.Fprintf(stderr, "trailmark %s %s: %v\n", cmd, sub, err)
		return 1
	}
	// Only now that it is committed is the outcome (and any secret) shown.
	_, _ = io.Copy(stdout, &out)
	return 0
}

func createUser(ctx context.Context, c *ent.Client, out io.Writer, u auth.NewUser, slug string, role schematype.Role, workspace string) error {
	if u.Email == "" || u.Name == "" {
		return errors.New("--email and --name are required")
	}
	generated := u.Password == ""
	if generated {
		u.Password = auth.GeneratePassword()
	}
	created, err := auth.CreateUser(ctx, c, u)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "user %s created (%s)\n", created.Email, created.ID)
	if generated {
		fmt.Fprintf(out, "password: %s\n", u.Password)
	}
	if slug == "" {
		return nil
	}
	if !role.AtLeast(viewer.Member) {
		return fmt.Errorf("unknown role %q", role)
	}
	t, err := c.Tenant.Query().Where(tenant.Slug(slug)).Only(ctx)
	if err != nil {
		return fmt.Errorf("tenant %s: %w", slug, err)
	}
	m := c.Membership.Create().SetTenantID(t.ID).SetUserID(created.ID).SetRole(role)
	if workspace != "" {
		m.SetWorkspace(workspace)
	}
	if err := m.Exec(ctx); err != nil {
		return fmt.Errorf("add to %s: %w", slug, err)
	}
	fmt.Fprintf(out, "member of %s as %s\n", slug, role)
	return nil
}

func createAPIKey(ctx context.Context, c *ent.Client, out io.Writer, slug, name string, scopes []string) error {
	if slug == "" || name == "" {
		return errors.New("--tenant and --name are required")
	}
	t, err := c.Tenant.Query().Where(tenant.Slug(slug)).Only(ctx)
	if err != nil {
		return fmt.Errorf("tenant %s: %w", slug, err)
	}
	k, err := auth.CreateAPIKey(ctx, c, t.ID, name, scopes)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "API key %s (%s) for %s, scopes %s\n", k.Key.Name, k.Key.ID, slug, strings.Join(k.Key.Scopes, ","))
	fmt.Fprintf(out, "secret (shown once): %s\n", k.Secret)
	return nil
}

// withTx runs fn with the client of a transaction (txn.Do).
func withTx(ctx context.Context, c *ent.Client, fn func(ctx context.Context, c *ent.Client) error) error {
	return txn.Do(ctx, c, func(tx *ent.Tx) error { return fn(ctx, tx.Client()) })
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func ptr(s string) *string { return &s }
