package auth

import (
	"context"
	"fmt"
	"strings"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/privacy"
	"github.com/trailmark/trailmark/ent/session"
	"github.com/trailmark/trailmark/ent/user"
)

// NewUser describes a user to create.
type NewUser struct {
	// ID is optional (the demo people have fixed IDs).
	ID            string
	Email         string
	Name          string
	Password      string // "": the user cannot sign in with a password
	PlatformAdmin bool
}

// CreateUser creates a user on c with a hashed password. Users are created
// by Trailmark itself (the CLI, the first start, the demo, accepted
// invitations), so this runs past the privacy rules.
func CreateUser(ctx context.Context, c *ent.Client, u NewUser) (*ent.User, error) {
	email, err := CheckEmail(u.Email)
	if err != nil {
		return nil, err
	}
	name := strings.TrimSpace(u.Name)
	if name == "" {
		return nil, ErrNameRequired
	}
	cr := c.User.Create().SetEmail(email).SetName(name).SetIsPlatformAdmin(u.PlatformAdmin)
	if u.ID != "" {
		cr.SetID(u.ID)
	}
	if u.Password != "" {
		hash, err := HashPassword(u.Password)
		if err != nil {
			return nil, err
		}
		cr.SetPasswordHash(hash)
	}
	created, err := cr.Save(privacy.DecisionContext(ctx, privacy.Allow))
	if err != nil {
		return nil, fmt.Errorf("create user %s: %w", email, err)
	}
	return created, nil
}

// SetPassword replaces a user's password and ends all of their sessions
// (pass a transaction's client, as the CLI does, to make that one change):
// whoever held the account before (a forgotten password, or an account
// created by an inviter, docs/security.md) is signed out on their next
// request.
func SetPassword(ctx context.Context, c *ent.Client, email, password string) error {
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	email = NormalizeEmail(email)
	actx := privacy.DecisionContext(ctx, privacy.Allow)
	u, err := c.User.Query().Where(user.EmailEqualFold(email)).Only(actx)
	if ent.IsNotFound(err) {
		return fmt.Errorf("no user with email %s", email)
	}
	if err != nil {
		return fmt.Errorf("look up user: %w", err)
	}
	if err := c.User.UpdateOne(u).SetPasswordHash(hash).Exec(actx); err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	if _, err := c.Session.Delete().Where(session.UserID(u.ID)).Exec(actx); err != nil {
		return fmt.Errorf("end sessions: %w", err)
	}
	return nil
}

// GeneratePassword returns a random password for accounts created without
// one (20 base62 characters, about 119 bits).
func GeneratePassword() string { return randomBase62(15)[:20] }

// AdminBootstrap is the first platform admin (TRAILMARK_ADMIN_EMAIL and
// TRAILMARK_ADMIN_PASSWORD).
type AdminBootstrap struct {
	Email    string
	Password string // "": generate one and report it once
}

// BootstrapResult says what EnsurePlatformAdmin did.
type BootstrapResult struct {
	// Created is true when the admin was created by this call.
	Created bool
	Email   string
	// GeneratedPassword is set when Trailmark chose the password: the only
	// time it is ever shown.
	GeneratedPassword string
}

// DefaultAdminEmail is the first admin's email when none is configured.
const DefaultAdminEmail = "admin@trailmark.local"

// EnsurePlatformAdmin creates the first platform admin when there is none.
// With an existing admin it changes nothing (the password in the
// environment is not applied again), so restarting is safe.
func EnsurePlatformAdmin(ctx context.Context, c *ent.Client, b AdminBootstrap) (*BootstrapResult, error) {
	actx := privacy.DecisionContext(ctx, privacy.Allow)
	existing, err := c.User.Query().Where(user.IsPlatformAdmin(true)).Order(ent.Asc(user.FieldCreatedAt)).First(actx)
	if err != nil && !ent.IsNotFound(err) {
		return nil, fmt.Errorf("look for a platform admin: %w", err)
	}
	if existing != nil {
		return &BootstrapResult{Email: existing.Email}, nil
	}
	email := b.Email
	if email == "" {
		email = DefaultAdminEmail
	}
	res := &BootstrapResult{Created: true, Email: NormalizeEmail(email)}
	password := b.Password
	if password == "" {
		password = GeneratePassword()
		res.GeneratedPassword = password
	}
	u, err := c.User.Query().Where(user.EmailEqualFold(res.Email)).Only(actx)
	switch {
	case ent.IsNotFound(err):
		_, err = CreateUser(ctx, c, NewUser{Email: res.Email, Name: "Platform admin", Password: password, PlatformAdmin: true})
	case err == nil:
		// The account exists (made with the CLI): promote it and set the password.
		var hash string
		if hash, err = HashPassword(password); err == nil {
			err = u.Update().SetIsPlatformAdmin(true).SetPasswordHash(hash).Exec(actx)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("create the first platform admin: %w", err)
	}
	return res, nil
}
