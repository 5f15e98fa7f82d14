package auth_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/trailmark/trailmark/internal/app"
	"github.com/trailmark/trailmark/internal/auth"
	"github.com/trailmark/trailmark/internal/ratelimit"
	"github.com/trailmark/trailmark/internal/testserver"
)

// slowLoginRefill: 10 attempts, earned back at 10 an hour, so that no
// attempt is earned back during a test however slow the machine is.
func slowLoginRefill(c *app.Config) {
	c.Auth.LoginRate = ratelimit.Rate{PerSecond: 10.0 / 3600, Burst: 10}
}

// loginAs sends login from the client address the proxy in front reports
// (TrustProxy is on in these tests), with the browser's cookies.
func loginAs(t *testing.T, s *testserver.Server, ip string, cookies []*http.Cookie, email, password string) *testserver.Response {
	t.Helper()
	body := `{"query":` + quote(loginMutation) + `,"variables":{"email":` + quote(email) + `,"password":` + quote(password) + `}}`
	req, err := http.NewRequest(http.MethodPost, s.URL+"/graphql", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Forwarded-For", ip)
	for _, c := range cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	return s.Do(t, "", req)
}

func deviceCookie(res *testserver.Response) *http.Cookie {
	for _, line := range res.Header.Values("Set-Cookie") {
		if c, err := http.ParseSetCookie(line); err == nil && c.Name == auth.DeviceCookie {
			return c
		}
	}
	return nil
}

func throttled(t *testing.T, res *testserver.Response, what string) {
	t.Helper()
	if !res.HasCode("RATE_LIMITED") || strings.Contains(string(res.Body), "tms_") {
		t.Fatalf("%s: not throttled: %s", what, res.Body)
	}
}

// TestLoginLockoutSparesKnownBrowser: wrong passwords from many IPs throttle
// an account for clients it does not know, but a browser that has signed in
// to the account before (its device cookie) still signs in with the right
// password, from anywhere; that browser's own IP still gets at most 10
// attempts on the account.
func TestLoginLockoutSparesKnownBrowser(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		u := s.CreateUser(t, "ceo@example.test", "CEO", false)
		s.SetPassword(t, u.ID, "correct horse battery")
		first := loginAs(t, s, "198.51.100.1", nil, "ceo@example.test", "correct horse battery")
		signedIn(t, first, "first sign-in")
		var browser []*http.Cookie
		if c := deviceCookie(first); c != nil {
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure || c.Path != "/" ||
				time.Until(c.Expires) < 24*time.Hour {
				t.Fatalf("device cookie attributes: %+v", c)
			}
			browser = append(browser, c)
		}

		// Twelve IPs guess; the account's failures add up across them.
		var last *testserver.Response
		for i := 1; i <= 12; i++ {
			last = loginAs(t, s, "203.0.113."+strconv.Itoa(i), nil, "ceo@example.test", "guess "+strconv.Itoa(i))
			if !last.HasCode("UNAUTHENTICATED") && !last.HasCode("RATE_LIMITED") {
				t.Fatalf("guess %d: %s", i, last.Body)
			}
		}
		throttled(t, last, "12th IP guessing")
		throttled(t, loginAs(t, s, "192.0.2.50", nil, "ceo@example.test", "correct horse battery"),
			"a client without the device cookie during the attack")
		forged := []*http.Cookie{{Name: auth.DeviceCookie, Value: "bm9uY2U." + strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10) + ".AAAA"}}
		throttled(t, loginAs(t, s, "192.0.2.51", forged, "ceo@example.test", "correct horse battery"), "a forged device cookie")

		// The user's browser, now on another network, is not locked out.
		signedIn(t, loginAs(t, s, "198.51.100.2", browser, "ceo@example.test", "correct horse battery"),
			"the browser that signed in before, during the attack")

		// Its cookie vouches for this account only.
		other := s.CreateUser(t, "cfo@example.test", "CFO", false)
		s.SetPassword(t, other.ID, "correct horse battery")
		for i := 1; i <= 10; i++ {
			loginAs(t, s, "203.0.113."+strconv.Itoa(100+i), nil, "cfo@example.test", "guess")
		}
		throttled(t, loginAs(t, s, "198.51.100.2", browser, "cfo@example.test", "correct horse battery"),
			"the device cookie of another account")

		// One IP still gets 10 attempts a minute on the account, cookie or
		// not: 1 success above, 9 failures, then the right password is refused.
		for i := 0; i < 9; i++ {
			if res := loginAs(t, s, "198.51.100.2", browser, "ceo@example.test", "typo"); !res.HasCode("UNAUTHENTICATED") {
				t.Fatalf("browser's failure %d: %s", i, res.Body)
			}
		}
		throttled(t, loginAs(t, s, "198.51.100.2", browser, "ceo@example.test", "correct horse battery"),
			"11th attempt from one IP on one account")
	}, slowLoginRefill, withLimits(ratelimit.Config{Disabled: true}), func(c *app.Config) { c.Auth.TrustProxy = true })
}

// TestLoginThrottleRefusalCostsNothing: an attempt refused by one limit
// takes nothing from the others. An IP that spent its failures on one
// account is refused on a second one, and those refusals do not use up
// the second account's budget: its user still signs in from elsewhere.
func TestLoginThrottleRefusalCostsNothing(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		for _, e := range []string{"x@example.test", "y@example.test"} {
			u := s.CreateUser(t, e, e, false)
			s.SetPassword(t, u.ID, "correct horse battery")
		}
		for i := 0; i < 10; i++ {
			if res := loginAs(t, s, "203.0.113.1", nil, "x@example.test", "guess"); !res.HasCode("UNAUTHENTICATED") {
				t.Fatalf("guess %d: %s", i, res.Body)
			}
		}
		for i := 0; i < 10; i++ {
			throttled(t, loginAs(t, s, "203.0.113.1", nil, "y@example.test", "guess"), "the spent IP on another account")
		}
		signedIn(t, loginAs(t, s, "198.51.100.7", nil, "y@example.test", "correct horse battery"),
			"the other account's user, after the refused attempts")
		// Successes do not count as failures: the same client signs in again.
		for i := 0; i < 3; i++ {
			signedIn(t, loginAs(t, s, "198.51.100.7", nil, "y@example.test", "correct horse battery"), "signing in again")
		}
	}, slowLoginRefill, withLimits(ratelimit.Config{Disabled: true}), func(c *app.Config) { c.Auth.TrustProxy = true })
}
