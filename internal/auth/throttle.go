package auth

import (
	"time"

	"github.com/trailmark/trailmark/internal/ratelimit"
)

// loginThrottle limits sign-in attempts so that neither many passwords
// against one account nor one password against many accounts goes fast,
// without letting strangers lock a user out (OWASP's "device cookies"):
//
//   - every attempt from one client IP on one account counts (attempts);
//   - a failure from a browser without the account's device cookie counts
//     against the account, whatever the IP (accounts), and against the IP,
//     whatever the account (ips);
//   - a failure from a browser with the account's device cookie counts only
//     against that cookie (devices), so that other clients' failures never
//     refuse a browser that has signed in to the account before.
//
// An attempt takes a token from each of its buckets or from none, and a
// success gives the failure tokens back. It is always on
// (TRAILMARK_RATE_LIMITS=off does not disable it).
type loginThrottle struct {
	attempts *ratelimit.Keyed
	accounts *ratelimit.Keyed
	ips      *ratelimit.Keyed
	devices  *ratelimit.Keyed
}

func newLoginThrottle(r ratelimit.Rate) *loginThrottle {
	return &loginThrottle{
		attempts: ratelimit.NewKeyed(r, time.Hour),
		accounts: ratelimit.NewKeyed(r, time.Hour),
		ips:      ratelimit.NewKeyed(r, time.Hour),
		devices:  ratelimit.NewKeyed(r, time.Hour),
	}
}

// loginAttempt holds the tokens an admitted attempt took.
type loginAttempt struct{ failure []ratelimit.Token }

// begin admits an attempt on email from ip; device is the nonce of a valid
// device cookie of the account, or "".
func (t *loginThrottle) begin(email, ip, device string) (*loginAttempt, time.Duration, bool) {
	buckets := []ratelimit.Bucket{{Keyed: t.attempts, Key: ip + "\x00" + email}}
	if device != "" {
		buckets = append(buckets, ratelimit.Bucket{Keyed: t.devices, Key: device})
	} else {
		buckets = append(buckets,
			ratelimit.Bucket{Keyed: t.accounts, Key: email},
			ratelimit.Bucket{Keyed: t.ips, Key: ip})
	}
	taken, wait, ok := ratelimit.TakeAll(buckets...)
	if !ok {
		return nil, wait, false
	}
	return &loginAttempt{failure: taken[1:]}, 0, true
}

// succeeded gives back the tokens that count failures only.
func (a *loginAttempt) succeeded() {
	for _, t := range a.failure {
		t.GiveBack()
	}
}
