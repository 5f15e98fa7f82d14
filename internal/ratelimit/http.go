package ratelimit

import (
	"fmt"
	"math"
	"net/http"
	"time"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/trailmark/trailmark/internal/apierr"
	"github.com/trailmark/trailmark/internal/viewer"
)

// Config is the request rate limits of API.md (env TRAILMARK_RATE_LIMITS).
type Config struct {
	// Disabled turns request limits off ("off"); sign-in throttling stays.
	Disabled bool
	// Authenticated is per API key or session.
	Authenticated Rate
	// Anonymous is per client IP.
	Anonymous Rate
	// Now is the buckets' clock (default time.Now): a test moves it on
	// instead of sleeping until a bucket refills.
	Now func() time.Time
}

// DefaultConfig: 1000/s (burst 2000) per key or session, 50/s (burst 100) per anonymous IP.
func DefaultConfig() Config {
	return Config{
		Authenticated: Rate{PerSecond: 1000, Burst: 2000},
		Anonymous:     Rate{PerSecond: 50, Burst: 100},
	}
}

// Limiter applies Config to viewers.
type Limiter struct {
	cfg  Config
	auth *Keyed
	anon *Keyed
}

// New returns a Limiter for cfg; zero rates take the defaults.
func New(cfg Config) *Limiter {
	def := DefaultConfig()
	if cfg.Authenticated.PerSecond <= 0 {
		cfg.Authenticated = def.Authenticated
	}
	if cfg.Anonymous.PerSecond <= 0 {
		cfg.Anonymous = def.Anonymous
	}
	l := &Limiter{
		cfg:  cfg,
		auth: NewKeyed(cfg.Authenticated, 10*time.Minute),
		anon: NewKeyed(cfg.Anonymous, 10*time.Minute),
	}
	if cfg.Now != nil {
		l.auth.now, l.anon.now = cfg.Now, cfg.Now
	}
	return l
}

// Allow takes a token for v's bucket: its API key, its session, or (for
// anonymous callers) the client IP.
func (l *Limiter) Allow(v *viewer.Viewer) (bool, time.Duration) {
	if l == nil || l.cfg.Disabled {
		return true, 0
	}
	switch {
	case v.Kind == viewer.APIKey:
		return l.auth.Allow("key:" + v.APIKeyID)
	case v.Kind == viewer.User && v.SessionID != "":
		return l.auth.Allow("ses:" + v.SessionID)
	case v.Kind == viewer.User:
		return l.auth.Allow("usr:" + v.UserID)
	}
	ip := ""
	if v.Request != nil {
		ip = v.Request.SourceIP
	}
	return l.anon.Allow("ip:" + ip)
}

// Middleware answers 429 RATE_LIMITED with Retry-After once the caller's
// bucket is empty. It runs after authentication, which puts the viewer (and
// the client IP) in the context.
func (l *Limiter) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ok, wait := l.Allow(viewer.FromContext(r.Context())); !ok {
			WriteLimited(w, wait)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// RetryAfterSeconds rounds a wait up to whole seconds (at least 1), as the
// Retry-After header counts.
func RetryAfterSeconds(d time.Duration) int {
	return max(1, int(math.Ceil(d.Seconds())))
}

// Error is the RATE_LIMITED error of API.md.
type Error struct{ RetryAfter time.Duration }

func (e *Error) Error() string {
	return fmt.Sprintf("rate limit exceeded: retry after %d s", RetryAfterSeconds(e.RetryAfter))
}

// Coded is e as API.md's RATE_LIMITED error, with extensions.retryAfter in
// seconds, for GraphQL and plain HTTP alike.
func (e *Error) Coded() *gqlerror.Error {
	c := apierr.New(apierr.CodeRateLimited, e.Error())
	c.Extensions["retryAfter"] = RetryAfterSeconds(e.RetryAfter)
	return c
}

// WriteLimited writes the 429 answer with Retry-After, GraphQL-shaped so
// that clients of /graphql read it like any other error.
func WriteLimited(w http.ResponseWriter, wait time.Duration) {
	apierr.WriteRetry(w, http.StatusTooManyRequests, RetryAfterSeconds(wait), (&Error{RetryAfter: wait}).Coded())
}
