package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/graph/generated"
)

// directives returns the schema directives. @hasRole is the field-level rule
// of API.md "Roles and visibility"; see docs/security.md.
func directives(r *Resolver) generated.DirectiveRoot {
	return generated.DirectiveRoot{
		HasRole: func(ctx context.Context, obj any, next graphql.Resolver, role schematype.Role, orSelf *bool) (any, error) {
			// Implemented with the identity work (issue "Identity, roles and tenant isolation").
			return next(ctx)
		},
	}
}
