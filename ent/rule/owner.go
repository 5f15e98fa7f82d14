package rule

import (
	"context"
	"errors"
	"fmt"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/membership"
	"github.com/trailmark/trailmark/ent/schema/schematype"
)

var (
	// ErrLastOwner refuses to demote or remove a tenant's last OWNER.
	ErrLastOwner = errors.New("the last owner of a tenant cannot be demoted or removed")
	// ErrScopedOwner refuses an OWNER membership limited to a workspace: an
	// owner holds the whole tenant.
	ErrScopedOwner = errors.New("an owner cannot be limited to a workspace")
)

const owner = schematype.RoleOwner

// MembershipInvariants is a hook on Membership that keeps every tenant with
// at least one OWNER and every OWNER tenant-wide, whoever makes the change
// (Trailmark itself included).
func MembershipInvariants() ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, mu ent.Mutation) (ent.Value, error) {
			m, ok := mu.(*ent.MembershipMutation)
			if !ok {
				return next.Mutate(ctx, mu)
			}
			if err := checkOwnerInvariants(ctx, m); err != nil {
				return nil, err
			}
			return next.Mutate(ctx, m)
		})
	}
}

func checkOwnerInvariants(ctx context.Context, m *ent.MembershipMutation) error {
	actx := allowed(ctx)
	newRole, roleSet := m.Role()
	ws, wsSet := m.Workspace()
	if m.Op().Is(ent.OpCreate) {
		if roleSet && newRole == owner && wsSet && ws != "" {
			return ErrScopedOwner
		}
		return nil
	}
	ids, err := m.IDs(actx)
	if err != nil {
		return fmt.Errorf("membership ids: %w", err)
	}
	c := m.Client()
	for _, id := range ids {
		old, err := c.Membership.Get(actx, id)
		if err != nil {
			return fmt.Errorf("load membership: %w", err)
		}
		role := old.Role
		if roleSet {
			role = newRole
		}
		scoped := old.Workspace != nil && !m.WorkspaceCleared()
		if wsSet {
			scoped = ws != ""
		}
		if m.Op().Is(ent.OpUpdate|ent.OpUpdateOne) && role == owner && scoped {
			return ErrScopedOwner
		}
		losesOwner := old.Role == owner && (m.Op().Is(ent.OpDelete|ent.OpDeleteOne) || role != owner)
		if !losesOwner {
			continue
		}
		// Lock the tenant's owner rows on PostgreSQL so that two concurrent
		// demotions cannot both see the other as the remaining owner (SQLite
		// serialises writers already).
		others, err := c.Membership.Query().
			Where(membership.TenantID(old.TenantID), membership.RoleEQ(owner), membership.IDNEQ(id)).
			Modify(func(s *sql.Selector) {
				if s.Dialect() == dialect.Postgres {
					s.ForUpdate()
				}
			}).
			IDs(actx)
		if err != nil {
			return fmt.Errorf("count owners: %w", err)
		}
		remaining := 0
		for _, o := range others {
			if !contains(ids, o) {
				remaining++
			}
		}
		if remaining == 0 {
			return ErrLastOwner
		}
	}
	return nil
}

func contains(ids []string, id string) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}
