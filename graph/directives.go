package graph

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/membership"
	"github.com/trailmark/trailmark/ent/privacy"
	"github.com/trailmark/trailmark/ent/rule"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/graph/generated"
	"github.com/trailmark/trailmark/graph/model"
	"github.com/trailmark/trailmark/internal/viewer"
)

// directives returns the schema directives. @hasRole is the field-level rule
// of API.md "Roles and visibility"; see docs/security.md.
func directives(r *Resolver) generated.DirectiveRoot {
	return generated.DirectiveRoot{
		HasRole: func(ctx context.Context, obj any, next graphql.Resolver, role schematype.Role, orSelf *bool) (any, error) {
			ok, err := r.fieldAllowed(ctx, obj, role, orSelf != nil && *orSelf)
			if err != nil {
				return nil, err
			}
			if !ok {
				return nil, forbiddenField(ctx, role)
			}
			return next(ctx)
		},
	}
}

// fieldAllowed decides @hasRole(role, orSelf) on a field of obj: the viewer
// needs at least role in the object's tenant, or (orSelf) to be the object.
// Rules at ADMIN and above are about managing the tenant and need a
// tenant-wide grant; AUDITOR reads what the viewer can already see, so a
// workspace-scoped grant counts. An object type without a rule here is
// denied: new fields fail closed.
func (r *Resolver) fieldAllowed(ctx context.Context, obj any, role schematype.Role, orSelf bool) (bool, error) {
	v := viewer.FromContext(ctx)
	if rule.SeesEverything(v) {
		return true, nil
	}
	inTenant := func(tenantID *string) bool {
		if tenantID == nil {
			return false // the platform log: platform admins only
		}
		if role.AtLeast(viewer.Admin) {
			return rule.HasTenantRole(v, *tenantID, role)
		}
		return rule.HasRole(v, *tenantID, role)
	}
	switch o := obj.(type) {
	case *ent.Tenant:
		return inTenant(&o.ID), nil
	case *ent.AuditEntry:
		return inTenant(o.TenantID) || echoesIngest(ctx, v, o.TenantID), nil
	case *model.Actor:
		if orSelf && o.ID != nil {
			switch {
			case o.Type == schematype.ActorUser && v.Kind == viewer.User && *o.ID == v.UserID,
				o.Type == schematype.ActorAPIKey && v.Kind == viewer.APIKey && *o.ID == v.APIKeyID:
				return true, nil
			}
		}
		return inTenant(o.TenantID) || echoesIngest(ctx, v, o.TenantID), nil
	case *ent.User:
		if orSelf && v.Kind == viewer.User && o.ID == v.UserID {
			return true, nil
		}
		tenants := rule.TenantsWith(v, role)
		if len(tenants) == 0 {
			return false, nil
		}
		// Whether the user shares a tenant where the viewer holds role is
		// Trailmark's question, not one the viewer's read rules answer.
		shared, err := r.Client.Membership.Query().
			Where(membership.UserID(o.ID), membership.TenantIDIn(tenants...)).
			Exist(privacy.DecisionContext(ctx, privacy.Allow))
		if err != nil {
			return false, fmt.Errorf("check shared tenant: %w", err)
		}
		return shared, nil
	}
	return false, nil
}

// forbiddenField is the error of a denied field: FORBIDDEN at its path; the
// field resolves to null and the rest of the response is kept.
func forbiddenField(ctx context.Context, role schematype.Role) *gqlerror.Error {
	name := "this field"
	if fc := graphql.GetFieldContext(ctx); fc != nil {
		name = fc.Object + "." + fc.Field.Name
	}
	return &gqlerror.Error{
		Message:    fmt.Sprintf("%s needs the %s role or above", name, role),
		Path:       graphql.GetPath(ctx),
		Extensions: map[string]any{"code": CodeForbidden},
	}
}

// echoesIngest reports whether the field belongs to the answer of a
// recordAuditEntries call the viewer may make in tenantID: an INGEST key
// reads back what it recorded, though it may not query the log. The stored
// entry a replayed idempotency key returns is not its echo: ReplaySeal
// (replay.go) denies those fields before this rule is asked.
func echoesIngest(ctx context.Context, v *viewer.Viewer, tenantID *string) bool {
	if tenantID == nil || !rule.CanIngest(v, *tenantID) {
		return false
	}
	// gqlgen names the root field of the operation in RootFieldContext.Object.
	root := graphql.GetRootFieldContext(ctx)
	return root != nil && root.Object == "recordAuditEntries" &&
		graphql.GetOperationContext(ctx).Operation.Operation == "mutation"
}
