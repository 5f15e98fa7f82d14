package auth

import (
	"time"

	"github.com/trailmark/trailmark/internal/ratelimit"
)

// loginThrottle limits sign-in attempts per account and per client IP, so
// that neither one password against many accounts nor many passwords
// against one account goes fast. It is always on (TRAILMARK_RATE_LIMITS=off
// does not disable it).
type loginThrottle struct {
	accounts *ratelimit.Keyed
	ips      *ratelimit.Keyed
}

func newLoginThrottle(r ratelimit.Rate) *loginThrottle {
	return &loginThrottle{
		accounts: ratelimit.NewKeyed(r, time.Hour),
		ips:      ratelimit.NewKeyed(r, time.Hour),
	}
}

// allow takes one attempt from the account's and the IP's budgets.
func (t *loginThrottle) allow(email, ip string) (time.Duration, bool) {
	okAcct, waitAcct := t.accounts.Allow(email)
	okIP, waitIP := t.ips.Allow(ip)
	if okAcct && okIP {
		return 0, true
	}
	return max(waitAcct, waitIP), false
}
