package graph

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/rule"
	"github.com/trailmark/trailmark/graph/model"
	"github.com/trailmark/trailmark/internal/auth"
	"github.com/trailmark/trailmark/internal/ratelimit"
	"github.com/trailmark/trailmark/internal/viewer"
)

// identityError maps the errors of internal/auth and ent/rule to the coded
// errors of API.md; anything else is left to the error presenter.
func identityError(err error) error {
	var limited *ratelimit.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &limited):
		return limited.Coded()
	case errors.Is(err, auth.ErrBadCredentials), errors.Is(err, auth.ErrInvitationSignInRequired):
		return coded(CodeUnauthenticated, err.Error())
	case errors.Is(err, rule.ErrLastOwner), errors.Is(err, auth.ErrAlreadyMember),
		errors.Is(err, auth.ErrAlreadyInvited), errors.Is(err, auth.ErrInvitationAccepted),
		errors.Is(err, auth.ErrInvitationRevoked), errors.Is(err, auth.ErrInvitationExpired),
		errors.Is(err, auth.ErrInvitationNotPending):
		return coded(CodeConflict, innermostMessage(err))
	case errors.Is(err, auth.ErrInvitationNotFound):
		return coded(CodeNotFound, err.Error())
	case errors.Is(err, auth.ErrInvitationOtherAccount):
		return coded(CodeForbidden, err.Error())
	case errors.Is(err, rule.ErrScopedOwner):
		return badInput("workspace", err.Error())
	case errors.Is(err, auth.ErrInvalidEmail):
		return badInput("email", err.Error())
	case errors.Is(err, auth.ErrNameRequired), errors.Is(err, auth.ErrNameForExistingAccount):
		return badInput("name", err.Error())
	case errors.Is(err, auth.ErrPasswordRequired), errors.Is(err, auth.ErrWeakPassword),
		errors.Is(err, auth.ErrPasswordForExistingAccount):
		return badInput("password", err.Error())
	case errors.Is(err, auth.ErrNoScopes):
		return badInput("scopes", err.Error())
	}
	return err
}

// innermostMessage is the message of the sentinel at the end of err's chain.
func innermostMessage(err error) string {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err.Error()
		}
		err = next
	}
}

// viewerModel is the Viewer of a signed-in user, read as that user.
func (r *Resolver) viewerModel(ctx context.Context, v *viewer.Viewer) (*model.Viewer, error) {
	if v.Kind != viewer.User {
		return nil, nil
	}
	u, err := r.Client.User.Get(ctx, v.UserID)
	if err != nil {
		return nil, fmt.Errorf("load viewer: %w", err)
	}
	ms, err := u.QueryMemberships().WithTenant().Order(ent.Asc("created_at")).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load memberships: %w", err)
	}
	if ms == nil {
		ms = []*ent.Membership{}
	}
	return &model.Viewer{User: u, Memberships: ms}, nil
}

// loadTenant loads a tenant the viewer may see; an invisible one is NOT_FOUND
// exactly like a missing one.
func (r *Resolver) loadTenant(ctx context.Context, id string) (*ent.Tenant, error) {
	t, err := r.Client.Tenant.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, coded(CodeNotFound, "tenant not found")
	}
	return t, err
}

func notFound(err error, what string) error {
	if ent.IsNotFound(err) {
		return coded(CodeNotFound, what+" not found")
	}
	return err
}

func itoa(n int) string { return strconv.Itoa(n) }
