package auth_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/trailmark/trailmark/ent/privacy"
	"github.com/trailmark/trailmark/ent/user"
	"github.com/trailmark/trailmark/internal/auth"
	"github.com/trailmark/trailmark/internal/db"
	"github.com/trailmark/trailmark/internal/testdb"
)

// TestFirstAdminRefusesEmptyPassword: TRAILMARK_ADMIN_PASSWORD made only
// of control characters or white space stops the first start (the error
// names the rule) instead of creating a platform admin with it.
func TestFirstAdminRefusesEmptyPassword(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		for _, pw := range []string{strings.Repeat(" ", 12), strings.Repeat("\x01", 12), strings.Repeat("\t\r\n", 4)} {
			_, err := auth.EnsurePlatformAdmin(ctx, d.Client, auth.AdminBootstrap{Email: "root@example.test", Password: pw})
			if !errors.Is(err, auth.ErrWeakPassword) {
				t.Fatalf("password %q: %v", pw, err)
			}
		}
		n, err := d.Client.User.Query().Where(user.IsPlatformAdmin(true)).Count(privacy.DecisionContext(ctx, privacy.Allow))
		if err != nil || n != 0 {
			t.Fatalf("%d platform admins (%v)", n, err)
		}
		res, err := auth.EnsurePlatformAdmin(ctx, d.Client, auth.AdminBootstrap{Email: "root@example.test", Password: "correct horse battery"})
		if err != nil || !res.Created {
			t.Fatalf("a real password: %+v, %v", res, err)
		}
	})
}
