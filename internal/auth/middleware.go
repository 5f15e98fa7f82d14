package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/apikey"
	"github.com/trailmark/trailmark/ent/membership"
	"github.com/trailmark/trailmark/ent/privacy"
	"github.com/trailmark/trailmark/ent/session"
	"github.com/trailmark/trailmark/internal/viewer"
)

// SessionCookie is the browser session cookie of API.md.
const SessionCookie = "trailmark_session"

// ErrInvalidCredentials means a credential was presented and is not valid
// (unknown, expired, revoked or deactivated). It is never "anonymous".
var ErrInvalidCredentials = errors.New("invalid or expired credentials")

// Authenticator resolves credentials to viewers.
type Authenticator struct {
	Client *ent.Client
	Now    func() time.Time
}

func (a *Authenticator) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

// Middleware puts the request's viewer (and request meta) in the context.
// A request without credentials is anonymous; one with invalid credentials
// is answered 401 UNAUTHENTICATED at once.
func (a *Authenticator) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token := bearer(r.Header.Get("Authorization"))
		if token == "" {
			if c, err := r.Cookie(SessionCookie); err == nil {
				token = c.Value
			}
		}
		v, err := a.Viewer(r.Context(), token)
		if err != nil {
			writeUnauthenticated(w, err)
			return
		}
		v.Request = RequestMeta(r)
		next.ServeHTTP(w, r.WithContext(viewer.NewContext(r.Context(), v)))
	})
}

// WebsocketInit authenticates a graphql-ws connection from the
// connection_init payload ({"authorization": "Bearer …"}), falling back to
// the viewer the HTTP upgrade request carried (the session cookie).
func (a *Authenticator) WebsocketInit(ctx context.Context, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
	if token := bearer(p.Authorization()); token != "" {
		v, err := a.Viewer(ctx, token)
		if err != nil {
			return ctx, nil, err
		}
		v.Request = viewer.FromContext(ctx).Request
		return viewer.NewContext(ctx, v), nil, nil
	}
	return ctx, nil, nil
}

// Viewer returns the viewer of a token: "" is anonymous, tmk_… an API key,
// anything else a session token.
func (a *Authenticator) Viewer(ctx context.Context, token string) (*viewer.Viewer, error) {
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

func (a *Authenticator) apiKeyViewer(ctx context.Context, secret string) (*viewer.Viewer, error) {
	k, err := a.Client.APIKey.Query().
		Where(apikey.SecretHash(HashToken(secret)), apikey.DeactivatedAtIsNil()).
		Only(ctx)
	if ent.IsNotFound(err) {
		return nil, ErrInvalidCredentials
	}
	if err != nil {
		return nil, fmt.Errorf("look up api key: %w", err)
	}
	return &viewer.Viewer{
		Kind:           viewer.APIKey,
		APIKeyID:       k.ID,
		APIKeyName:     k.Name,
		APIKeyTenantID: k.TenantID,
		Scopes:         k.Scopes,
	}, nil
}

func (a *Authenticator) sessionViewer(ctx context.Context, token string) (*viewer.Viewer, error) {
	s, err := a.Client.Session.Query().
		Where(session.TokenHash(HashToken(token)), session.ExpiresAtGT(a.now())).
		WithUser().
		Only(ctx)
	if ent.IsNotFound(err) {
		return nil, ErrInvalidCredentials
	}
	if err != nil {
		return nil, fmt.Errorf("look up session: %w", err)
	}
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
func RequestMeta(r *http.Request) *viewer.Request {
	ip := r.RemoteAddr
	if host, _, err := net.SplitHostPort(ip); err == nil {
		ip = host
	}
	return &viewer.Request{
		Method:    r.Method,
		Path:      r.URL.Path,
		SourceIP:  ip,
		UserAgent: r.UserAgent(),
	}
}

func bearer(h string) string {
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

func writeUnauthenticated(w http.ResponseWriter, err error) {
	msg := ErrInvalidCredentials.Error()
	if !errors.Is(err, ErrInvalidCredentials) {
		msg = "could not check credentials"
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusUnauthorized)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"errors": []map[string]any{{"message": msg, "extensions": map[string]any{"code": "UNAUTHENTICATED"}}},
	})
}
