package auth_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/trailmark/trailmark/ent/session"
	"github.com/trailmark/trailmark/internal/app"
	"github.com/trailmark/trailmark/internal/auth"
	"github.com/trailmark/trailmark/internal/ratelimit"
	"github.com/trailmark/trailmark/internal/testserver"
)

// TestClientIPFromTrustedProxy: behind the proxy, the client is the address
// the proxy appended to X-Forwarded-For, not one the client wrote there;
// with TrustedProxies the header is read past them and ignored from others.
func TestClientIPFromTrustedProxy(t *testing.T) {
	cases := []struct {
		name    string
		proxies string
		xff     []string
		proto   string
		wantIP  string
		secure  bool
	}{
		{"one proxy", "", []string{"6.6.6.6, 203.0.113.7"}, "https", "203.0.113.7", true},
		{"one proxy, header lines", "", []string{"6.6.6.6", "203.0.113.8"}, "", "203.0.113.8", false},
		{"proxies by CIDR", "127.0.0.0/8, 10.0.0.0/8", []string{"6.6.6.6", "198.51.100.9, 10.1.2.3"}, "https", "198.51.100.9", true},
		{"peer is not a trusted proxy", "10.0.0.0/8", []string{"6.6.6.6, 203.0.113.7"}, "https", "127.0.0.1", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			proxies, err := auth.ParseTrustedProxies(c.proxies)
			if err != nil {
				t.Fatal(err)
			}
			testserver.Each(t, func(t *testing.T, s *testserver.Server) {
				u := s.CreateUser(t, "ada@example.test", "Ada", false)
				s.SetPassword(t, u.ID, "correct horse battery")
				body := `{"query":` + quote(loginMutation) + `,"variables":{"email":"ada@example.test","password":"correct horse battery"}}`
				req, _ := http.NewRequest(http.MethodPost, s.URL+"/graphql", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				for _, line := range c.xff {
					req.Header.Add("X-Forwarded-For", line)
				}
				if c.proto != "" {
					req.Header.Set("X-Forwarded-Proto", c.proto)
				}
				res := s.Do(t, "", req)
				signedIn(t, res, "login")
				cookie := sessionCookie(t, res)
				if cookie.Secure != c.secure {
					t.Errorf("session cookie Secure = %v, want %v", cookie.Secure, c.secure)
				}
				row, err := s.Client().Session.Query().Where(session.TokenHash(auth.HashToken(cookie.Value))).
					Only(testserver.System(context.Background()))
				if err != nil {
					t.Fatal(err)
				}
				if row.SourceIP != c.wantIP {
					t.Fatalf("client IP = %s, want %s", row.SourceIP, c.wantIP)
				}
			}, func(cfg *app.Config) { cfg.Auth.TrustProxy, cfg.Auth.TrustedProxies = true, proxies })
		})
	}
}

// TestSpoofedForwardedForKeepsRateLimit: a client behind the proxy that
// writes a new X-Forwarded-For address into each request is still limited
// as the one address the proxy saw.
func TestSpoofedForwardedForKeepsRateLimit(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		var codes []int
		for i := 1; i <= 3; i++ {
			req, _ := http.NewRequest(http.MethodPost, s.URL+"/graphql", strings.NewReader(`{"query":"{ __typename }"}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Forwarded-For", "6.6.6."+strconv.Itoa(i)+", 203.0.113.7")
			codes = append(codes, s.Do(t, "", req).Status)
		}
		if codes[2] != http.StatusTooManyRequests {
			t.Fatalf("statuses %v: the third request from one client was not limited", codes)
		}
	}, withLimits(ratelimit.Config{Anonymous: ratelimit.Rate{PerSecond: 1.0 / 3600, Burst: 2}}),
		func(c *app.Config) { c.Auth.TrustProxy = true })
}

// signedIn fails the test unless login answered a session.
func signedIn(t *testing.T, res *testserver.Response, what string) {
	t.Helper()
	if len(res.Errors) > 0 || !strings.Contains(string(res.Body), `"token":"tms_`) {
		t.Fatalf("%s: refused: %s", what, res.Body)
	}
}
