package auth

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"time"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/invitation"
	"github.com/trailmark/trailmark/ent/membership"
	"github.com/trailmark/trailmark/ent/privacy"
	"github.com/trailmark/trailmark/ent/rule"
	"github.com/trailmark/trailmark/ent/user"
	"github.com/trailmark/trailmark/internal/selfaudit"
	"github.com/trailmark/trailmark/internal/txn"
	"github.com/trailmark/trailmark/internal/viewer"
)

// InvitationTTL is how long an invitation can be accepted.
const InvitationTTL = 7 * 24 * time.Hour

var (
	ErrInvalidEmail           = errors.New("not a valid email address")
	ErrAlreadyMember          = errors.New("already a member of this tenant")
	ErrAlreadyInvited         = errors.New("an invitation for this email is already pending")
	ErrInvitationNotFound     = errors.New("invitation not found")
	ErrInvitationAccepted     = errors.New("invitation was already accepted")
	ErrInvitationRevoked      = errors.New("invitation was revoked")
	ErrInvitationExpired      = errors.New("invitation has expired")
	ErrInvitationNotPending   = errors.New("invitation is no longer pending")
	ErrInvitationOtherAccount = errors.New("this invitation is for another account: sign out first")
	ErrNameRequired           = errors.New("a name is required to create the account")
	ErrPasswordRequired       = errors.New("a password is required to create the account")
)

// NewInvitation is a created invitation and its token, shown once.
type NewInvitation struct {
	Invitation *ent.Invitation
	Token      string
	AcceptURL  string
}

// CheckEmail normalises and validates an email address.
func CheckEmail(email string) (string, error) {
	email = NormalizeEmail(email)
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || len(email) > 320 {
		return "", ErrInvalidEmail
	}
	return email, nil
}

// Invite creates an invitation on c (a transaction's client); the caller's
// rights are checked by the privacy rules.
func Invite(ctx context.Context, c *ent.Client, tenantID, email string, role viewer.Role, workspace *string) (*NewInvitation, error) {
	email, err := CheckEmail(email)
	if err != nil {
		return nil, err
	}
	if workspace != nil && strings.TrimSpace(*workspace) == "" {
		workspace = nil
	}
	if role == viewer.Owner && workspace != nil {
		return nil, rule.ErrScopedOwner
	}
	actx := privacy.DecisionContext(ctx, privacy.Allow)
	member, err := c.Membership.Query().
		Where(membership.TenantID(tenantID), membership.HasUserWith(user.EmailEqualFold(email))).
		Exist(actx)
	if err != nil {
		return nil, fmt.Errorf("check membership: %w", err)
	}
	if member {
		return nil, ErrAlreadyMember
	}
	pending, err := c.Invitation.Query().
		Where(invitation.TenantID(tenantID), invitation.Email(email),
			invitation.StatusEQ(invitation.StatusPENDING), invitation.ExpiresAtGT(time.Now())).
		Exist(actx)
	if err != nil {
		return nil, fmt.Errorf("check invitations: %w", err)
	}
	if pending {
		return nil, ErrAlreadyInvited
	}
	token := NewInvitationToken()
	cr := c.Invitation.Create().
		SetTenantID(tenantID).
		SetEmail(email).
		SetRole(role).
		SetNillableWorkspace(workspace).
		SetTokenHash(HashToken(token)).
		SetExpiresAt(time.Now().UTC().Truncate(time.Microsecond).Add(InvitationTTL))
	if v := viewer.FromContext(ctx); v.Kind == viewer.User {
		cr.SetInvitedByID(v.UserID)
	}
	inv, err := cr.Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("create invitation: %w", err)
	}
	return &NewInvitation{
		Invitation: inv,
		Token:      token,
		AcceptURL:  "/accept-invitation?token=" + url.QueryEscape(token),
	}, nil
}

// AcceptInvitation redeems a token: it creates the user when the invited
// email has no account yet (name and password are then required), adds the
// membership and marks the invitation accepted, in one transaction that
// records invitation.accept with the invited user as actor. The token is
// the authorisation, so this runs past the privacy rules; a signed-in
// caller must be the invited account. The rest of the request runs as the
// invited user, so that the returned membership resolves.
func (a *Authenticator) AcceptInvitation(ctx context.Context, token string, name, password *string) (*ent.Membership, error) {
	a.init()
	caller := viewer.FromContext(ctx)
	actx := privacy.DecisionContext(ctx, privacy.Allow)
	var (
		m  *ent.Membership
		uv *viewer.Viewer
	)
	err := txn.Do(actx, a.Client, func(tx *ent.Tx) error {
		inv, err := tx.Invitation.Query().Where(invitation.TokenHash(HashToken(token))).Only(actx)
		if ent.IsNotFound(err) {
			return ErrInvitationNotFound
		}
		if err != nil {
			return fmt.Errorf("look up invitation: %w", err)
		}
		switch {
		case inv.Status == invitation.StatusACCEPTED:
			return ErrInvitationAccepted
		case inv.Status == invitation.StatusREVOKED:
			return ErrInvitationRevoked
		case inv.Status == invitation.StatusEXPIRED || !inv.ExpiresAt.After(a.now()):
			return ErrInvitationExpired
		}
		u, err := tx.User.Query().Where(user.EmailEqualFold(inv.Email)).Only(actx)
		if err != nil && !ent.IsNotFound(err) {
			return fmt.Errorf("look up user: %w", err)
		}
		if caller.Kind == viewer.User && (u == nil || u.ID != caller.UserID) {
			return ErrInvitationOtherAccount
		}
		if u == nil {
			if name == nil || strings.TrimSpace(*name) == "" {
				return ErrNameRequired
			}
			if password == nil || *password == "" {
				return ErrPasswordRequired
			}
			hash, err := HashPassword(*password)
			if err != nil {
				return err
			}
			u, err = tx.User.Create().SetEmail(inv.Email).SetName(strings.TrimSpace(*name)).
				SetPasswordHash(hash).Save(actx)
			if err != nil {
				return fmt.Errorf("create user: %w", err)
			}
		}
		member, err := tx.Membership.Query().
			Where(membership.TenantID(inv.TenantID), membership.UserID(u.ID)).Exist(actx)
		if err != nil {
			return fmt.Errorf("check membership: %w", err)
		}
		if member {
			return ErrAlreadyMember
		}
		if uv, err = UserViewer(actx, tx.Client(), u, caller.SessionID); err != nil {
			return err
		}
		uv.Request = caller.Request
		uctx := viewer.NewContext(actx, uv)
		m, err = tx.Membership.Create().
			SetTenantID(inv.TenantID).
			SetUserID(u.ID).
			SetRole(inv.Role).
			SetNillableWorkspace(inv.Workspace).
			Save(selfaudit.Covered(uctx))
		if err != nil {
			return fmt.Errorf("create membership: %w", err)
		}
		err = tx.Invitation.UpdateOne(inv).
			SetStatus(invitation.StatusACCEPTED).
			SetAcceptedAt(a.now().UTC().Truncate(time.Microsecond)).
			Exec(uctx)
		if err != nil {
			return fmt.Errorf("accept invitation: %w", err)
		}
		uv.Memberships = append(uv.Memberships, viewer.Membership{
			ID: m.ID, TenantID: m.TenantID, Role: m.Role, Workspace: m.Workspace,
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	becomeViewer(ctx, uv)
	return m.Unwrap(), nil
}
