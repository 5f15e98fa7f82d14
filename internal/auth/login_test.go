package auth_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/ent/session"
	"github.com/trailmark/trailmark/internal/app"
	"github.com/trailmark/trailmark/internal/auth"
	"github.com/trailmark/trailmark/internal/testserver"
)

const loginMutation = `mutation Login($email: String!, $password: String!) {
  login(email: $email, password: $password) { token viewer { user { id email } memberships { role tenant { slug } } } }
}`

func login(t *testing.T, s *testserver.Server, email, password string) *testserver.Response {
	t.Helper()
	return s.GraphQL(t, "", loginMutation, map[string]any{"email": email, "password": password})
}

func TestLoginSessionLogout(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		ten := s.CreateTenant(t, "acme")
		u := s.CreateUser(t, "ada@example.test", "Ada", false)
		s.SetPassword(t, u.ID, "correct horse battery")
		s.AddMember(t, ten.ID, u.ID, schematype.RoleAuditor, nil)

		res := login(t, s, "Ada@Example.test ", "correct horse battery").NoErrors(t)
		var data struct {
			Login struct {
				Token  string
				Viewer struct {
					User        struct{ ID, Email string }
					Memberships []struct {
						Role   string
						Tenant struct{ Slug string }
					}
				}
			}
		}
		res.Decode(t, &data)
		if !strings.HasPrefix(data.Login.Token, "tms_") || data.Login.Viewer.User.Email != "ada@example.test" {
			t.Fatalf("login payload: %s", res.Body)
		}
		if len(data.Login.Viewer.Memberships) != 1 || data.Login.Viewer.Memberships[0].Tenant.Slug != "acme" {
			t.Fatalf("memberships: %s", res.Body)
		}
		cookie := sessionCookie(t, res)
		if cookie.Value != data.Login.Token || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Secure {
			t.Fatalf("cookie: %+v", cookie)
		}

		const viewerQ = `{ viewer { user { email } } }`
		s.GraphQL(t, data.Login.Token, viewerQ, nil).NoErrors(t)
		byCookie := cookieRequest(t, s, cookie, viewerQ)
		if !strings.Contains(string(byCookie.Body), "ada@example.test") {
			t.Fatalf("cookie session: %s", byCookie.Body)
		}

		out := s.GraphQL(t, data.Login.Token, `mutation { logout }`, nil).NoErrors(t)
		if !strings.Contains(string(out.Body), `"logout":true`) {
			t.Fatalf("logout: %s", out.Body)
		}
		if r := s.GraphQL(t, data.Login.Token, viewerQ, nil); r.Status != http.StatusUnauthorized || !r.HasCode("UNAUTHENTICATED") {
			t.Fatalf("revoked bearer token: HTTP %d %s", r.Status, r.Body)
		}
		// The stale cookie is dropped: the browser is anonymous and can sign in again.
		stale := cookieRequest(t, s, cookie, viewerQ)
		if stale.Status != http.StatusOK || !strings.Contains(string(stale.Body), `"viewer":null`) {
			t.Fatalf("stale cookie: HTTP %d %s", stale.Status, stale.Body)
		}

		entries := platformLog(t, s)
		if got := strings.Join(entries, ","); got != "user.login,user.logout" {
			t.Fatalf("platform log = %s", got)
		}
	})
}

func TestLoginWrongPassword(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		u := s.CreateUser(t, "bob@example.test", "Bob", false)
		s.SetPassword(t, u.ID, "correct horse battery")
		for _, c := range []struct{ email, password string }{
			{"bob@example.test", "wrong password!"},
			{"nobody@example.test", "correct horse battery"},
		} {
			res := login(t, s, c.email, c.password)
			if !res.HasCode("UNAUTHENTICATED") || strings.Contains(string(res.Body), "tms_") {
				t.Fatalf("login %s: %s", c.email, res.Body)
			}
			if len(res.Header.Values("Set-Cookie")) != 0 {
				t.Fatalf("a failed login set a cookie")
			}
		}
		ctx := testserver.System(context.Background())
		failed, err := s.Client().AuditEntry.Query().
			Where(auditentry.Action("user.login_failed"), auditentry.TenantIDIsNil()).All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(failed) != 2 {
			t.Fatalf("%d user.login_failed entries, want 2", len(failed))
		}
		for _, e := range failed {
			if e.Status != auditentry.StatusFAILURE || e.Request == nil || e.Request.Payload == nil {
				t.Fatalf("entry %+v", e)
			}
			if strings.Contains(string(e.Request.Payload), "correct horse") || strings.Contains(string(e.Request.Payload), "wrong password") {
				t.Fatalf("password stored in the log: %s", e.Request.Payload)
			}
			if !strings.Contains(string(e.Request.Payload), "[REDACTED]") {
				t.Fatalf("payload not redacted: %s", e.Request.Payload)
			}
		}
	})
}

func sessionCookie(t *testing.T, res *testserver.Response) *http.Cookie {
	t.Helper()
	for _, line := range res.Header.Values("Set-Cookie") {
		c, err := http.ParseSetCookie(line)
		if err == nil && c.Name == "trailmark_session" {
			return c
		}
	}
	t.Fatalf("no session cookie in %v", res.Header)
	return nil
}

func cookieRequest(t *testing.T, s *testserver.Server, c *http.Cookie, query string) *testserver.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.URL+"/graphql", strings.NewReader(`{"query":`+quote(query)+`}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	return s.Do(t, "", req)
}

func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}

// platformLog lists the actions in the platform log, oldest first.
func platformLog(t *testing.T, s *testserver.Server) []string {
	t.Helper()
	es, err := s.Client().AuditEntry.Query().Where(auditentry.TenantIDIsNil()).
		Order(auditentry.ByReceivedAt(), auditentry.ByID()).All(testserver.System(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Action
	}
	return out
}

// TestSessionRotation: a browser session's token is replaced once it is
// older than SessionRotate; the old cookie keeps working for a short grace,
// bearer tokens are never rotated.
func TestSessionRotation(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		u := s.CreateUser(t, "ada@example.test", "Ada", false)
		s.SetPassword(t, u.ID, "correct horse battery")
		res := login(t, s, "ada@example.test", "correct horse battery").NoErrors(t)
		first := sessionCookie(t, res)
		const q = `{ viewer { user { email } } }`

		time.Sleep(20 * time.Millisecond)
		rotated := cookieRequest(t, s, first, q)
		second := sessionCookie(t, rotated)
		if second.Value == first.Value || !strings.Contains(string(rotated.Body), "ada@example.test") {
			t.Fatalf("no rotation: %s", rotated.Body)
		}
		// The old cookie works during the grace, without rotating again.
		again := cookieRequest(t, s, first, q)
		if !strings.Contains(string(again.Body), "ada@example.test") || len(again.Header.Values("Set-Cookie")) != 0 {
			t.Fatalf("old cookie in its grace: %v %s", again.Header, again.Body)
		}
		old, err := s.Client().Session.Query().Where(session.TokenHash(auth.HashToken(first.Value))).Only(testserver.System(context.Background()))
		if err != nil || time.Until(old.ExpiresAt) > 2*time.Minute {
			t.Fatalf("old session not cut short: %v %v", old, err)
		}
		// The bearer token of the first session is the rotated-out one; a
		// fresh login's token used as bearer is never rotated.
		var d struct{ Login struct{ Token string } }
		login(t, s, "ada@example.test", "correct horse battery").NoErrors(t).Decode(t, &d)
		time.Sleep(20 * time.Millisecond)
		if b := s.GraphQL(t, d.Login.Token, q, nil).NoErrors(t); len(b.Header.Values("Set-Cookie")) != 0 {
			t.Fatalf("bearer session rotated: %v", b.Header)
		}
		// Logout with the new cookie revokes the session it belongs to.
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/graphql", strings.NewReader(`{"query":"mutation { logout }"}`))
		req.Header.Set("Content-Type", "application/json")
		req.AddCookie(&http.Cookie{Name: second.Name, Value: second.Value})
		if out := s.Do(t, "", req); !strings.Contains(string(out.Body), `"logout":true`) {
			t.Fatalf("logout: %s", out.Body)
		}
		if r := s.GraphQL(t, second.Value, q, nil); r.Status != http.StatusUnauthorized {
			t.Fatalf("rotated session after logout: %d %s", r.Status, r.Body)
		}
	}, func(c *app.Config) { c.Auth.SessionRotate = 10 * time.Millisecond })
}
