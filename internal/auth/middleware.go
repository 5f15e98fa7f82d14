package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/apikey"
	"github.com/trailmark/trailmark/ent/membership"
	"github.com/trailmark/trailmark/ent/privacy"
	"github.com/trailmark/trailmark/ent/session"
	"github.com/trailmark/trailmark/internal/apierr"
	"github.com/trailmark/trailmark/internal/pubsub"
	"github.com/trailmark/trailmark/internal/ratelimit"
	"github.com/trailmark/trailmark/internal/viewer"
)

// SessionCookie is the browser session cookie of API.md.
const SessionCookie = "trailmark_session"

// ErrInvalidCredentials means a credential was presented and is not valid
// (unknown, expired, revoked or deactivated). It is never "anonymous".
var ErrInvalidCredentials = errors.New("invalid or expired credentials")

// Config is the sign-in configuration read by server.go.
type Config struct {
	// SessionIdle ends a session unused for this long (default 12 h).
	SessionIdle time.Duration
	// SessionMaxAge ends a session this long after sign-in (default 7 days).
	SessionMaxAge time.Duration
	// TrustProxy takes the client IP from X-Forwarded-For (the address the
	// trusted proxy appended, see clientIP) and TLS from X-Forwarded-Proto;
	// only behind a proxy that sets them.
	TrustProxy bool
	// TrustedProxies are the proxies in front (TRAILMARK_TRUSTED_PROXIES):
	// forwarded headers count only from them, and X-Forwarded-For is read
	// past them. Empty: the TCP peer is the one proxy.
	TrustedProxies []netip.Prefix
	// RateLimits are the per-key and per-IP request limits.
	RateLimits ratelimit.Config
	// LoginRate is each sign-in throttling budget of loginThrottle (default 10/min);
	// it stays on when RateLimits are off.
	LoginRate ratelimit.Rate
	// FlushEvery is how often last-used times are written (default 30 s).
	FlushEvery time.Duration
	// SessionRotate replaces a browser session's token by a new one this
	// long after it was issued (default 1 h); bearer tokens are not rotated.
	SessionRotate time.Duration
	// KeyCacheTTL is how long an active API key is remembered without a
	// query (default 30 s; negative: never). Deactivation evicts it at once
	// on every replica; the TTL only bounds a lost notification.
	KeyCacheTTL time.Duration
	// LookupTimeout bounds looking up a credential in the database (default
	// 15 s): past it, or when the database fails, the request is answered
	// 503 UNAVAILABLE, never 401.
	LookupTimeout time.Duration
}

func (c Config) withDefaults() Config {
	if c.SessionIdle <= 0 {
		c.SessionIdle = 12 * time.Hour
	}
	if c.SessionMaxAge <= 0 {
		c.SessionMaxAge = 7 * 24 * time.Hour
	}
	if c.LoginRate.PerSecond <= 0 {
		c.LoginRate = ratelimit.Rate{PerSecond: 10.0 / 60, Burst: 10}
	}
	if c.FlushEvery <= 0 {
		c.FlushEvery = 30 * time.Second
	}
	if c.SessionRotate <= 0 {
		c.SessionRotate = time.Hour
	}
	if c.KeyCacheTTL == 0 {
		c.KeyCacheTTL = 30 * time.Second
	}
	if c.LookupTimeout <= 0 {
		c.LookupTimeout = 15 * time.Second
	}
	return c
}

// Authenticator resolves credentials to viewers, signs users in and out,
// and limits request rates.
type Authenticator struct {
	Client *ent.Client
	Now    func() time.Time
	Log    *slog.Logger

	cfg      Config
	limiter  *ratelimit.Limiter
	throttle *loginThrottle
	usage    *usage
	keys     *keyCache
	broker   pubsub.Broker
}

// New returns an Authenticator; call Run to write last-used times and Close
// to flush them on shutdown.
func New(c *ent.Client, cfg Config) *Authenticator {
	cfg = cfg.withDefaults()
	return &Authenticator{
		Client:   c,
		cfg:      cfg,
		limiter:  ratelimit.New(cfg.RateLimits),
		throttle: newLoginThrottle(cfg.LoginRate),
		usage:    newUsage(c),
		keys:     newKeyCache(cfg.KeyCacheTTL, 10_000),
	}
}

// init gives a zero Authenticator{Client: c} working defaults.
func (a *Authenticator) init() {
	if a.throttle == nil {
		*a = *New(a.Client, a.cfg)
	}
}

func (a *Authenticator) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

// Middleware puts the request's viewer (and request meta) in the context,
// then applies the rate limits. A request without credentials is anonymous;
// one with an invalid bearer credential is answered 401 UNAUTHENTICATED at
// once, after taking a token from the client IP's anonymous budget (429
// when it is empty). A stale session cookie (expired, signed out) is
// dropped and the request goes on anonymous, so that the browser can sign
// in again.
func (a *Authenticator) Middleware(next http.Handler) http.Handler {
	a.init()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		device := ""
		if c, err := r.Cookie(DeviceCookie); err == nil {
			device = c.Value
		}
		ctx := withResponse(r.Context(), w, a.isTLS(r), device)
		meta := a.RequestMeta(r)
		token, fromCookie := bearer(r.Header.Get("Authorization")), false
		if token == "" {
			if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
				token, fromCookie = c.Value, true
			}
		}
		v, err := a.lookup(ctx, token)
		if err != nil && fromCookie && errors.Is(err, ErrInvalidCredentials) {
			clearSessionCookie(ctx)
			v, err = &viewer.Viewer{Kind: viewer.Anonymous}, nil
		}
		if err != nil {
			// A wrong credential costs the client IP what an anonymous
			// request costs, or guessing would be the cheapest request.
			if errors.Is(err, ErrInvalidCredentials) {
				anon := &viewer.Viewer{Kind: viewer.Anonymous, Request: meta}
				if ok, wait := a.limiter.Allow(anon); !ok {
					ratelimit.WriteLimited(w, wait)
					return
				}
			}
			writeUnauthenticated(w, err)
			return
		}
		if fromCookie && v.Kind == viewer.User {
			if err := a.rotate(ctx, v); err != nil && a.Log != nil {
				a.Log.WarnContext(ctx, "rotating a session", "err", err) // the old session still works
			}
		}
		v.Request = meta
		if ok, wait := a.limiter.Allow(v); !ok {
			ratelimit.WriteLimited(w, wait)
			return
		}
		next.ServeHTTP(w, r.WithContext(viewer.NewContext(ctx, v)))
	})
}

// WebSocket close codes of the graphql-ws protocol (and RFC 6455's "try
// again later" for what is not the credential's fault).
const (
	// closeUnauthorized: connection_init carried no credential and the
	// upgrade request no valid session cookie.
	closeUnauthorized = 4401
	// closeForbidden: the credential presented is invalid, expired or
	// deactivated.
	closeForbidden = 4403
	// closeTryAgainLater: rate limited, or the credential could not be
	// checked (the database failed).
	closeTryAgainLater = 1013
)

// errNoCredentials refuses a WebSocket without a caller: subscriptions
// need one.
var errNoCredentials = errors.New("sign in or send an API key")

// WebsocketInit authenticates a graphql-ws connection from the
// connection_init payload ({"authorization": "Bearer …"}), falling back to
// the viewer the HTTP upgrade request carried (the session cookie), and
// applies the caller's rate limit to the connection. A connection without a
// caller is closed with 4401, one with an invalid credential with 4403:
// nothing anonymous is held open.
func (a *Authenticator) WebsocketInit(ctx context.Context, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
	a.init()
	v := viewer.FromContext(ctx)
	if h := p.Authorization(); h != "" {
		token := bearer(h)
		if token == "" {
			return closeWith(ctx, closeForbidden, "Forbidden"), nil, ErrInvalidCredentials
		}
		nv, err := a.lookup(ctx, token)
		switch {
		case errors.Is(err, ErrInvalidCredentials):
			return closeWith(ctx, closeForbidden, "Forbidden"), nil, err
		case err != nil:
			if a.Log != nil {
				a.Log.WarnContext(ctx, "checking websocket credentials", "err", err)
			}
			return closeWith(ctx, closeTryAgainLater, "could not check credentials"), nil, err
		}
		nv.Request = v.Request
		ctx, v = viewer.NewContext(ctx, nv), nv
	}
	if v.Kind == viewer.Anonymous {
		return closeWith(ctx, closeUnauthorized, "Unauthorized"), nil, errNoCredentials
	}
	if ok, wait := a.limiter.Allow(v); !ok {
		return closeWith(ctx, closeTryAgainLater, "rate limited"), nil, &ratelimit.Error{RetryAfter: wait}
	}
	return ctx, nil, nil
}

// closeWith sets the close code and reason gqlgen uses when WebsocketInit
// refuses the connection.
func closeWith(ctx context.Context, code int, reason string) context.Context {
	return transport.AppendCloseReason(transport.WithWebsocketCloseCode(ctx, code), reason)
}

// lookup is Viewer bounded by LookupTimeout.
func (a *Authenticator) lookup(ctx context.Context, token string) (*viewer.Viewer, error) {
	ctx, cancel := context.WithTimeout(ctx, a.cfg.LookupTimeout)
	defer cancel()
	return a.Viewer(ctx, token)
}

// Viewer returns the viewer of a token: "" is anonymous, tmk_… an API key,
// anything else a session token.
func (a *Authenticator) Viewer(ctx context.Context, token string) (*viewer.Viewer, error) {
	a.init()
	if token == "" {
		return &viewer.Viewer{Kind: viewer.Anonymous}, nil
	}
	// Looking up credentials is Trailmark's own business, not the caller's.
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	if strings.HasPrefix(token, APIKeyPrefix) {
		return a.apiKeyViewer(ctx, token)
	}
	return a.sessionViewer(ctx, token)
}

// apiKeyViewer resolves an API key, from the cache when it was seen lately
// (a deactivated key is evicted from it at commit, see KeyHook); its
// last-used time is written later, in batches.
func (a *Authenticator) apiKeyViewer(ctx context.Context, secret string) (*viewer.Viewer, error) {
	hash, now := HashToken(secret), a.now()
	v, gen := a.keys.get(hash, now)
	if v == nil {
		k, err := a.Client.APIKey.Query().
			Where(apikey.SecretHash(hash), apikey.DeactivatedAtIsNil()).
			Only(ctx)
		if ent.IsNotFound(err) {
			return nil, ErrInvalidCredentials
		}
		if err != nil {
			return nil, fmt.Errorf("look up api key: %w", err)
		}
		v = &viewer.Viewer{
			Kind:           viewer.APIKey,
			APIKeyID:       k.ID,
			APIKeyName:     k.Name,
			APIKeyTenantID: k.TenantID,
			Scopes:         k.Scopes,
		}
		a.keys.put(hash, v, gen, now)
	}
	a.usage.key(v.APIKeyID, now)
	return v, nil
}

func (a *Authenticator) sessionViewer(ctx context.Context, token string) (*viewer.Viewer, error) {
	now := a.now()
	s, err := a.Client.Session.Query().
		Where(session.TokenHash(HashToken(token)), session.ExpiresAtGT(now)).
		WithUser().
		Only(ctx)
	if ent.IsNotFound(err) {
		return nil, ErrInvalidCredentials
	}
	if err != nil {
		return nil, fmt.Errorf("look up session: %w", err)
	}
	lastSeen := s.CreatedAt
	if s.LastSeenAt != nil && s.LastSeenAt.After(lastSeen) {
		lastSeen = *s.LastSeenAt
	}
	if pending, ok := a.usage.sessionSeen(s.ID); ok && pending.After(lastSeen) {
		lastSeen = pending
	}
	if now.Sub(lastSeen) > a.cfg.SessionIdle {
		return nil, ErrInvalidCredentials
	}
	a.usage.session(s.ID, now)
	return UserViewer(ctx, a.Client, s.Edges.User, s.ID)
}

// UserViewer builds the viewer of a signed-in user with their memberships.
func UserViewer(ctx context.Context, c *ent.Client, u *ent.User, sessionID string) (*viewer.Viewer, error) {
	ms, err := c.Membership.Query().Where(membership.UserID(u.ID)).
		All(privacy.DecisionContext(ctx, privacy.Allow))
	if err != nil {
		return nil, fmt.Errorf("load memberships: %w", err)
	}
	v := &viewer.Viewer{
		Kind:          viewer.User,
		UserID:        u.ID,
		UserName:      u.Name,
		UserEmail:     u.Email,
		PlatformAdmin: u.IsPlatformAdmin,
		SessionID:     sessionID,
	}
	for _, m := range ms {
		v.Memberships = append(v.Memberships, viewer.Membership{
			ID: m.ID, TenantID: m.TenantID, Role: m.Role, Workspace: m.Workspace,
		})
	}
	return v, nil
}

// RequestMeta describes r for self-audit entries.
func (a *Authenticator) RequestMeta(r *http.Request) *viewer.Request {
	return &viewer.Request{
		Method:    r.Method,
		Path:      r.URL.Path,
		SourceIP:  a.clientIP(r),
		UserAgent: truncate(r.UserAgent(), 500),
	}
}

// RequestMeta describes r for self-audit entries, without proxy headers.
func RequestMeta(r *http.Request) *viewer.Request { return (&Authenticator{}).RequestMeta(r) }

func bearer(h string) string {
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// writeUnauthenticated answers a credential that is not valid 401; a
// credential that could not be checked (the database failed or did not
// answer in time) is the server's failure: 503 UNAVAILABLE.
func writeUnauthenticated(w http.ResponseWriter, err error) {
	if !errors.Is(err, ErrInvalidCredentials) {
		apierr.WriteRetry(w, http.StatusServiceUnavailable, 1, apierr.New(apierr.CodeUnavailable,
			"could not check credentials: the database did not answer; try again"))
		return
	}
	apierr.Write(w, http.StatusUnauthorized, apierr.New(apierr.CodeUnauthenticated, ErrInvalidCredentials.Error()))
}
