package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/privacy"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/ent/session"
	"github.com/trailmark/trailmark/ent/user"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/clock"
	"github.com/trailmark/trailmark/internal/ratelimit"
	"github.com/trailmark/trailmark/internal/selfaudit"
	"github.com/trailmark/trailmark/internal/txn"
	"github.com/trailmark/trailmark/internal/viewer"
)

// ErrBadCredentials is a failed sign-in: the message never says whether the
// account exists.
var ErrBadCredentials = errors.New("invalid email or password")

// LoginResult is a new session.
type LoginResult struct {
	Token     string
	ExpiresAt time.Time
	Viewer    *viewer.Viewer
}

// NormalizeEmail is how emails are stored and looked up: trimmed, lower case.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// Login checks email and password and opens a session. Attempts are
// throttled (a *ratelimit.Error, see loginThrottle), and every attempt that
// gets past the throttle is recorded in the platform log: user.login, or
// user.login_failed with the reason. A session cookie that came with the
// request is revoked, so each sign-in starts a fresh session (no fixation).
// The session cookie and a new device cookie are set on the HTTP response.
func (a *Authenticator) Login(ctx context.Context, email, password string) (*LoginResult, error) {
	a.init()
	email = NormalizeEmail(email)
	v := viewer.FromContext(ctx)
	ip := ""
	if v.Request != nil {
		ip = v.Request.SourceIP
	}
	actx := privacy.DecisionContext(ctx, privacy.Allow)
	var u *ent.User
	var err error
	cookie, device := presentedDevice(ctx), ""
	if cookie != "" {
		// Whether the cookie is this account's decides which buckets apply.
		if u, err = a.findLoginUser(actx, email); err != nil {
			return nil, err
		}
		device = deviceNonce(cookie, u, a.now())
	}
	attempt, wait, ok := a.throttle.begin(email, ip, device)
	if !ok {
		return nil, &ratelimit.Error{RetryAfter: wait}
	}
	if cookie == "" {
		if u, err = a.findLoginUser(actx, email); err != nil {
			return nil, err
		}
	}
	reason := ""
	switch {
	case u == nil:
		CheckPassword(dummyHash, password) // same cost as a wrong password
		reason = "unknown account"
	case u.PasswordHash == "":
		CheckPassword(dummyHash, password)
		reason = "no password set"
	case !CheckPassword(u.PasswordHash, password):
		reason = "wrong password"
	}
	if reason != "" {
		a.recordFailedLogin(ctx, email, u, reason)
		return nil, ErrBadCredentials
	}
	attempt.succeeded()

	token := NewSessionToken()
	now := clock.Stored(a.now())
	expires := now.Add(a.cfg.SessionMaxAge)
	var res *LoginResult
	err = txn.Do(actx, a.Client, func(tx *ent.Tx) error {
		if v.Kind == viewer.User && v.SessionID != "" {
			prev := []string{v.SessionID}
			if r, ok := ctx.Value(responseKey{}).(*response); ok && r.rotatedTo != "" {
				prev = append(prev, r.rotatedTo)
			}
			if _, err := tx.Session.Delete().Where(session.IDIn(prev...)).Exec(actx); err != nil {
				return fmt.Errorf("revoke previous session: %w", err)
			}
		}
		s, err := tx.Session.Create().
			SetUserID(u.ID).
			SetTokenHash(HashToken(token)).
			SetExpiresAt(expires).
			SetLastSeenAt(now).
			SetSourceIP(ip).
			SetUserAgent(userAgent(v)).
			Save(actx)
		if err != nil {
			return fmt.Errorf("create session: %w", err)
		}
		nv, err := UserViewer(actx, tx.Client(), u, s.ID)
		if err != nil {
			return err
		}
		nv.Request = v.Request
		res = &LoginResult{Token: token, ExpiresAt: expires, Viewer: nv}
		return selfaudit.Record(viewer.NewContext(ctx, nv), tx.Client(), selfaudit.Event{
			Action:       "user.login",
			ResourceType: "user",
			ResourceID:   &u.ID,
			ResourceName: &u.Email,
			Metadata:     map[string]any{"sessionID": s.ID},
		})
	})
	if err != nil {
		return nil, err
	}
	setSessionCookie(ctx, token, expires)
	deviceToken, deviceExpires := newDeviceToken(u, now)
	setDeviceCookie(ctx, deviceToken, deviceExpires)
	becomeViewer(ctx, res.Viewer)
	return res, nil
}

// findLoginUser is the account of email, or nil when there is none.
func (a *Authenticator) findLoginUser(ctx context.Context, email string) (*ent.User, error) {
	u, err := a.Client.User.Query().Where(user.EmailEqualFold(email)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("look up user: %w", err)
	}
	return u, nil
}

// recordFailedLogin writes user.login_failed to the platform log. It is
// best effort: a failure to record must not turn a wrong password into an
// internal error, so it is only logged.
func (a *Authenticator) recordFailedLogin(ctx context.Context, email string, u *ent.User, reason string) {
	actor := audit.Actor{Type: schematype.ActorUser, Email: &email}
	if u != nil {
		actor.ID, actor.Name = &u.ID, &u.Name
	}
	ev := selfaudit.Event{
		Action:       "user.login_failed",
		ResourceType: "user",
		ResourceName: &email,
		Status:       auditentry.StatusFAILURE,
		Actor:        &actor,
		Metadata:     map[string]any{"reason": reason},
	}
	if u != nil {
		ev.ResourceID = &u.ID
	}
	if err := selfaudit.Record(ctx, a.Client, ev); err != nil && a.Log != nil {
		a.Log.ErrorContext(ctx, "recording failed sign-in", "err", err)
	}
}

// Logout revokes the viewer's session (cookie and bearer token alike) and
// clears the cookie; it reports whether there was a session to revoke.
func (a *Authenticator) Logout(ctx context.Context) (bool, error) {
	a.init()
	clearSessionCookie(ctx)
	v := viewer.FromContext(ctx)
	if v.Kind != viewer.User || v.SessionID == "" {
		return false, nil
	}
	actx := privacy.DecisionContext(ctx, privacy.Allow)
	// Revoke the presented session, the one it was just rotated to, and
	// the user's rotated-out sessions still in their grace.
	revoke := []string{v.SessionID}
	if r, ok := ctx.Value(responseKey{}).(*response); ok && r.rotatedTo != "" {
		revoke = append(revoke, r.rotatedTo)
	}
	err := txn.Do(actx, a.Client, func(tx *ent.Tx) error {
		n, err := tx.Session.Delete().Where(session.Or(
			session.IDIn(revoke...),
			session.And(session.UserID(v.UserID), session.ExpiresAtLTE(a.now().Add(rotateGrace))),
		)).Exec(actx)
		if err != nil {
			return fmt.Errorf("revoke session: %w", err)
		}
		if n == 0 {
			return nil
		}
		return selfaudit.Record(ctx, tx.Client(), selfaudit.Event{
			Action:       "user.logout",
			ResourceType: "user",
			ResourceID:   &v.UserID,
			ResourceName: &v.UserEmail,
			Metadata:     map[string]any{"sessionID": v.SessionID},
		})
	})
	if err != nil {
		return false, err
	}
	becomeViewer(ctx, &viewer.Viewer{Kind: viewer.Anonymous})
	return true, nil
}

func userAgent(v *viewer.Viewer) string {
	if v.Request == nil {
		return ""
	}
	return v.Request.UserAgent
}

// responseKey carries the HTTP response writer to resolvers that set cookies.
type responseKey struct{}

type response struct {
	w      http.ResponseWriter
	secure bool
	// rotatedTo is the session this request's cookie was rotated to.
	rotatedTo string
	// device is the device cookie the request came with.
	device string
}

func withResponse(ctx context.Context, w http.ResponseWriter, secure bool, device string) context.Context {
	return context.WithValue(ctx, responseKey{}, &response{w: w, secure: secure, device: device})
}

// setSessionCookie sets the HttpOnly, SameSite=Lax session cookie, Secure
// when the request came over TLS. Over WebSocket there is no response to set
// it on: the client keeps the token.
func setSessionCookie(ctx context.Context, token string, expires time.Time) {
	setCookie(ctx, SessionCookie, token, expires)
}

// setCookie sets one of Trailmark's cookies on the response of ctx's
// request: HttpOnly, SameSite=Lax, Path=/, Secure when the request came
// over TLS. Over WebSocket there is no response to set it on.
func setCookie(ctx context.Context, name, value string, expires time.Time) {
	r, ok := ctx.Value(responseKey{}).(*response)
	if !ok {
		return
	}
	http.SetCookie(r.w, &http.Cookie{
		Name:     name,
		Value:    value,
		Path:     "/",
		Expires:  expires,
		HttpOnly: true,
		Secure:   r.secure,
		SameSite: http.SameSiteLaxMode,
	})
}

func clearSessionCookie(ctx context.Context) {
	r, ok := ctx.Value(responseKey{}).(*response)
	if !ok {
		return
	}
	http.SetCookie(r.w, &http.Cookie{
		Name:     SessionCookie,
		Value:    "",
		Path:     "/",
		MaxAge:   -1,
		HttpOnly: true,
		Secure:   r.secure,
		SameSite: http.SameSiteLaxMode,
	})
}
