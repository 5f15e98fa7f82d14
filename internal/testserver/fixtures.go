package testserver

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/auth"
	"github.com/trailmark/trailmark/internal/ids"
)

// CreateTenant creates a tenant with the slug (its name is derived).
func (s *Server) CreateTenant(t testing.TB, slug string) *ent.Tenant {
	t.Helper()
	tn, err := s.Client().Tenant.Create().SetSlug(slug).SetName("Tenant " + slug).
		Save(System(context.Background()))
	if err != nil {
		t.Fatalf("create tenant %s: %v", slug, err)
	}
	return tn
}

// CreateUser creates a user; password may be "" (no password sign-in).
func (s *Server) CreateUser(t testing.TB, email, name string, platformAdmin bool) *ent.User {
	t.Helper()
	u, err := s.Client().User.Create().SetEmail(email).SetName(name).
		SetIsPlatformAdmin(platformAdmin).Save(System(context.Background()))
	if err != nil {
		t.Fatalf("create user %s: %v", email, err)
	}
	return u
}

// AddMember gives userID role in tenantID, optionally scoped to a workspace.
func (s *Server) AddMember(t testing.TB, tenantID, userID string, role schematype.Role, workspace *string) *ent.Membership {
	t.Helper()
	m, err := s.Client().Membership.Create().SetTenantID(tenantID).SetUserID(userID).
		SetRole(role).SetNillableWorkspace(workspace).Save(System(context.Background()))
	if err != nil {
		t.Fatalf("add member: %v", err)
	}
	return m
}

// SessionToken signs userID in (a session row, as login makes) and returns the bearer token.
func (s *Server) SessionToken(t testing.TB, userID string) string {
	t.Helper()
	token := auth.NewSessionToken()
	_, err := s.Client().Session.Create().SetUserID(userID).SetTokenHash(auth.HashToken(token)).
		SetExpiresAt(time.Now().Add(time.Hour)).Save(System(context.Background()))
	if err != nil {
		t.Fatalf("create session: %v", err)
	}
	return token
}

// APIKey creates an API key for tenantID with scopes and returns its secret.
func (s *Server) APIKey(t testing.TB, tenantID string, scopes ...schematype.Scope) (string, *ent.APIKey) {
	t.Helper()
	stored := []string{}
	for _, sc := range scopes {
		stored = append(stored, string(sc))
	}
	secret, prefix := auth.NewAPIKeySecret()
	k, err := s.Client().APIKey.Create().SetTenantID(tenantID).SetName("test key " + prefix).
		SetPrefix(prefix).SetSecretHash(auth.HashToken(secret)).SetScopes(stored).
		Save(System(context.Background()))
	if err != nil {
		t.Fatalf("create api key: %v", err)
	}
	return secret, k
}

// PlatformAdmin creates a platform admin and returns their token.
func (s *Server) PlatformAdmin(t testing.TB) string {
	t.Helper()
	u := s.CreateUser(t, uniqueEmail("admin"), "Platform Admin", true)
	return s.SessionToken(t, u.ID)
}

// Member creates a user with role in tenantID (workspace may be nil) and returns them and their token.
func (s *Server) Member(t testing.TB, tenantID string, role schematype.Role, workspace *string) (*ent.User, string) {
	t.Helper()
	u := s.CreateUser(t, uniqueEmail(string(role)), "User "+string(role), false)
	s.AddMember(t, tenantID, u.ID, role, workspace)
	return u, s.SessionToken(t, u.ID)
}

func uniqueEmail(kind string) string {
	return fmt.Sprintf("%s-%s@example.test", kind, ids.New("User")[4:])
}

// SetPassword gives a user a password for sign-in through login.
func (s *Server) SetPassword(t testing.TB, userID, password string) {
	t.Helper()
	hash, err := auth.HashPassword(password)
	if err != nil {
		t.Fatalf("hash password: %v", err)
	}
	if err := s.Client().User.UpdateOneID(userID).SetPasswordHash(hash).Exec(System(context.Background())); err != nil {
		t.Fatalf("set password: %v", err)
	}
}
