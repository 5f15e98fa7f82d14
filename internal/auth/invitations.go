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
	"github.com/trailmark/trailmark/internal/clock"
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
	ErrInvitationOtherAccount = errors.New("this invitation is for another account: sign out first, then sign in as the invited account or create it")
	ErrNameRequired           = errors.New("a name is required to create the account")
	ErrPasswordRequired       = errors.New("a password is required to create the account")
	// An invitation never vouches for an existing account: whoever holds
	// the token (the invitee, but also the inviter) must sign in as it.
	ErrInvitationSignInRequired   = errors.New("this email already has an account: sign in as it, then accept the invitation")
	ErrNameForExistingAccount     = errors.New("this email already has an account, and accepting never renames it: sign in as it and accept without a name")
	ErrPasswordForExistingAccount = errors.New("this email already has an account, and accepting never sets its password: sign in as it and accept without a password")
)

// NewInvitation is a created invitation and its token, shown once.
type NewInvitation struct {
	Invitation *ent.Invitation
	Token      string
	AcceptURL  string
}

// Unwrap detaches the invitation from the transaction that created it
// (txn.Value calls it after the commit).
func (n *NewInvitation) Unwrap() *NewInvitation {
	n.Invitation = n.Invitation.Unwrap()
	return n
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
		SetExpiresAt(clock.Now().Add(InvitationTTL))
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

// InvitationPreview is what the holder of an invitation token may know
// before accepting it: the token proves receipt of the invitation, which
// names the email, the tenant and the role. AccountExists tells the accept
// page whether to ask for a sign-in or for a name and password.
type InvitationPreview struct {
	Email         string
	TenantName    string
	Role          viewer.Role
	Workspace     *string
	ExpiresAt     time.Time
	AccountExists bool
}

// PreviewInvitation describes a pending invitation to its token holder.
// The token is the authorisation, so this reads past the privacy rules.
func (a *Authenticator) PreviewInvitation(ctx context.Context, token string) (*InvitationPreview, error) {
	a.init()
	actx := privacy.DecisionContext(ctx, privacy.Allow)
	inv, err := a.pendingInvitation(actx, a.Client, token)
	if err != nil {
		return nil, err
	}
	t, err := inv.QueryTenant().Only(actx)
	if err != nil {
		return nil, fmt.Errorf("look up tenant: %w", err)
	}
	exists, err := a.Client.User.Query().Where(user.EmailEqualFold(inv.Email)).Exist(actx)
	if err != nil {
		return nil, fmt.Errorf("look up user: %w", err)
	}
	return &InvitationPreview{
		Email: inv.Email, TenantName: t.Name, Role: inv.Role, Workspace: inv.Workspace,
		ExpiresAt: inv.ExpiresAt, AccountExists: exists,
	}, nil
}

// pendingInvitation finds the invitation of token on c (actx must pass the
// privacy rules); one that can no longer be accepted is an error.
func (a *Authenticator) pendingInvitation(actx context.Context, c *ent.Client, token string) (*ent.Invitation, error) {
	inv, err := c.Invitation.Query().Where(invitation.TokenHash(HashToken(token))).Only(actx)
	if ent.IsNotFound(err) {
		return nil, ErrInvitationNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("look up invitation: %w", err)
	}
	switch {
	case inv.Status == invitation.StatusACCEPTED:
		return nil, ErrInvitationAccepted
	case inv.Status == invitation.StatusREVOKED:
		return nil, ErrInvitationRevoked
	case inv.Status == invitation.StatusEXPIRED || !inv.ExpiresAt.After(a.now()):
		return nil, ErrInvitationExpired
	}
	return inv, nil
}

// AcceptInvitation redeems a token, adds the membership and marks the
// invitation accepted, in one transaction that records invitation.accept
// with the invited user as actor. When the invited email has no account
// yet, the caller must be anonymous, and name and password create it.
// When it has one, the caller must be signed in as that account and send
// neither: the token alone never vouches for an existing account (an
// inviter holds it too), and accepting never changes the account. The
// token is the authorisation otherwise, so this runs past the privacy
// rules. The rest of the request runs as the invited user, so that the
// returned membership resolves.
func (a *Authenticator) AcceptInvitation(ctx context.Context, token string, name, password *string) (*ent.Membership, error) {
	a.init()
	caller := viewer.FromContext(ctx)
	actx := privacy.DecisionContext(ctx, privacy.Allow)
	var (
		m  *ent.Membership
		uv *viewer.Viewer
	)
	err := txn.Do(actx, a.Client, func(tx *ent.Tx) error {
		inv, err := a.pendingInvitation(actx, tx.Client(), token)
		if err != nil {
			return err
		}
		u, err := tx.User.Query().Where(user.EmailEqualFold(inv.Email)).Only(actx)
		if err != nil && !ent.IsNotFound(err) {
			return fmt.Errorf("look up user: %w", err)
		}
		if u != nil {
			switch {
			case password != nil:
				return ErrPasswordForExistingAccount
			case name != nil:
				return ErrNameForExistingAccount
			case caller.Kind == viewer.Anonymous:
				return ErrInvitationSignInRequired
			case caller.Kind != viewer.User || caller.UserID != u.ID:
				return ErrInvitationOtherAccount
			}
		} else {
			if caller.Kind != viewer.Anonymous {
				return ErrInvitationOtherAccount
			}
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
			SetAcceptedAt(clock.Stored(a.now())).
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
