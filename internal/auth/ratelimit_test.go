package auth_test

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/app"
	"github.com/trailmark/trailmark/internal/ratelimit"
	"github.com/trailmark/trailmark/internal/testserver"
)

// withLimits sets the request limits, on a clock of the server's own that
// stands still until the test moves it on (advance): a bucket refills when
// the test says, however slow the machine.
func withLimits(c ratelimit.Config) testserver.Option {
	return func(cfg *app.Config) {
		clock := &manualClock{now: time.Now()}
		clocks.Store(cfg.DataDir, clock)
		limits := c
		limits.Now = clock.Now
		cfg.Auth.RateLimits = limits
	}
}

// clocks holds the rate limiters' clocks by data directory (one per server).
var clocks sync.Map

type manualClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// advance moves the rate limiters' clock of s on by d.
func advance(t *testing.T, s *testserver.Server, d time.Duration) {
	t.Helper()
	c, ok := clocks.Load(s.Config.DataDir)
	if !ok {
		t.Fatal("the server's limits were not set by withLimits")
	}
	clock := c.(*manualClock)
	clock.mu.Lock()
	defer clock.mu.Unlock()
	clock.now = clock.now.Add(d)
}

// TestRateLimits: a key or session that spends its burst is answered 429
// RATE_LIMITED with Retry-After, without touching other callers; anonymous
// callers share a bucket per IP; WebSocket connections count at init.
func TestRateLimits(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		ten := s.CreateTenant(t, "acme")
		key, _ := s.APIKey(t, ten.ID, schematype.ScopeRead)
		other, _ := s.APIKey(t, ten.ID, schematype.ScopeRead)
		_, session := s.Member(t, ten.ID, schematype.RoleAuditor, nil)
		const q = `{ tenants { totalCount } }`

		for i := 0; i < 3; i++ {
			s.GraphQL(t, key, q, nil).NoErrors(t)
		}
		res := s.GraphQL(t, key, q, nil)
		if res.Status != http.StatusTooManyRequests || !res.HasCode("RATE_LIMITED") {
			t.Fatalf("4th request in the burst: HTTP %d %s", res.Status, res.Body)
		}
		if secs, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || secs < 1 || secs > 2 {
			t.Fatalf("Retry-After %q", res.Header.Get("Retry-After"))
		}
		s.GraphQL(t, other, q, nil).NoErrors(t)
		s.GraphQL(t, session, q, nil).NoErrors(t)

		// Anonymous: per IP, on every route behind authentication.
		var limited bool
		for i := 0; i < 4; i++ {
			r := s.GraphQL(t, "", `{ viewer { user { id } } }`, nil)
			limited = limited || r.Status == http.StatusTooManyRequests
		}
		if !limited {
			t.Fatal("anonymous requests from one IP are not limited")
		}

		// The bucket refills.
		advance(t, s, 1100*time.Millisecond)
		s.GraphQL(t, key, q, nil).NoErrors(t)

		// A WebSocket connection counts against the caller's bucket at init.
		for i := 0; i < 3; i++ {
			s.GraphQL(t, session, q, nil)
		}
		if _, err := s.TrySubscribe(session, `subscription { heartbeat(seconds: 1) }`, nil); err == nil || !strings.Contains(err.Error(), "connection_init") {
			t.Fatalf("a limited caller opened a subscription: %v", err)
		}
		advance(t, s, 1100*time.Millisecond) // the upgrade itself is anonymous: let the IP's bucket refill
		sub := s.Subscribe(t, other, `subscription { heartbeat(seconds: 1) }`, nil)
		sub.NextData(t, 5*time.Second)
	}, withLimits(ratelimit.Config{
		Authenticated: ratelimit.Rate{PerSecond: 1, Burst: 3},
		Anonymous:     ratelimit.Rate{PerSecond: 1, Burst: 2},
	}))
}

// TestRateLimitsOff: TRAILMARK_RATE_LIMITS=off lifts request limits.
func TestRateLimitsOff(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		ten := s.CreateTenant(t, "acme")
		key, _ := s.APIKey(t, ten.ID, schematype.ScopeRead)
		for i := 0; i < 10; i++ {
			s.GraphQL(t, key, `{ tenants { totalCount } }`, nil).NoErrors(t)
		}
	}, withLimits(ratelimit.Config{Disabled: true, Authenticated: ratelimit.Rate{PerSecond: 1, Burst: 1}}))
}

// TestLoginThrottling: 10 attempts per IP and account, even with the right
// password; an IP's failures also count across accounts; all of it even
// with request limits off. The budget refills at
// 10 an hour here rather than the default 10 a minute, so that a slow
// machine (ten password hashes under the race detector take over 6 s)
// cannot earn an attempt back during the test.
func TestLoginThrottling(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		u := s.CreateUser(t, "target@example.test", "Target", false)
		s.SetPassword(t, u.ID, "correct horse battery")
		for i := 0; i < 10; i++ {
			res := login(t, s, "target@example.test", "guess number "+strconv.Itoa(i))
			if !res.HasCode("UNAUTHENTICATED") {
				t.Fatalf("attempt %d: %s", i, res.Body)
			}
		}
		res := login(t, s, "target@example.test", "correct horse battery")
		if !res.HasCode("RATE_LIMITED") || strings.Contains(string(res.Body), "tms_") {
			t.Fatalf("11th attempt: %s", res.Body)
		}
		if ra, ok := res.Errors[0].Extensions["retryAfter"].(float64); !ok || ra < 1 || ra > 360 {
			t.Fatalf("retryAfter: %s", res.Body)
		}
		// The IP's budget is spent too: another account from here is refused.
		other := s.CreateUser(t, "other@example.test", "Other", false)
		s.SetPassword(t, other.ID, "correct horse battery")
		if res := login(t, s, "other@example.test", "correct horse battery"); !res.HasCode("RATE_LIMITED") {
			t.Fatalf("per-IP throttle: %s", res.Body)
		}
		// Only the first 10 attempts are in the platform log.
		if n := len(platformLog(t, s)); n != 10 {
			t.Fatalf("%d platform log entries, want 10", n)
		}
	}, withLimits(ratelimit.Config{Disabled: true}), func(c *app.Config) {
		c.Auth.LoginRate = ratelimit.Rate{PerSecond: 10.0 / 3600, Burst: 10}
	})
}

// TestInvalidCredentialsSpendAnonymousBudget: a request with an unknown
// credential costs the client IP what an anonymous request costs; once
// that budget is spent, such requests are answered 429, while valid
// credentials from the same IP are not refused.
func TestInvalidCredentialsSpendAnonymousBudget(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		ten := s.CreateTenant(t, "acme")
		key, _ := s.APIKey(t, ten.ID, schematype.ScopeRead)
		const q = `{ viewer { user { id } } }`
		bad := "tmk_" + strings.Repeat("x", 40)
		for i := 0; i < 5; i++ {
			if res := s.GraphQL(t, bad, q, nil); res.Status != http.StatusUnauthorized || !res.HasCode("UNAUTHENTICATED") {
				t.Fatalf("bad key %d: HTTP %d %s", i, res.Status, res.Body)
			}
		}
		for _, token := range []string{bad, "tms_unknown-session"} {
			res := s.GraphQL(t, token, q, nil)
			if res.Status != http.StatusTooManyRequests || !res.HasCode("RATE_LIMITED") || res.Header.Get("Retry-After") == "" {
				t.Fatalf("invalid credential past the anonymous budget: HTTP %d %s", res.Status, res.Body)
			}
		}
		if res := s.GraphQL(t, "", q, nil); res.Status != http.StatusTooManyRequests {
			t.Fatalf("anonymous request from the same IP: HTTP %d %s", res.Status, res.Body)
		}
		s.GraphQL(t, key, `{ tenants { totalCount } }`, nil).NoErrors(t)
	}, withLimits(ratelimit.Config{Anonymous: ratelimit.Rate{PerSecond: 1.0 / 3600, Burst: 5}}))
}
