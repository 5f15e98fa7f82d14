package auth

import (
	"context"
	"maps"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/trailmark/trailmark/internal/selfaudit"
	"github.com/trailmark/trailmark/internal/viewer"
)

// OperationMeta is a gqlgen extension that adds the GraphQL operation name
// and variables to the viewer's request meta, so that self-audit entries
// name the operation (variables are redacted when an entry is written).
type OperationMeta struct{}

var (
	_ graphql.HandlerExtension     = OperationMeta{}
	_ graphql.OperationInterceptor = OperationMeta{}
)

// ExtensionName names the extension for gqlgen.
func (OperationMeta) ExtensionName() string { return "OperationMeta" }

// Validate accepts every schema.
func (OperationMeta) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptOperation runs the operation with a copy of the viewer whose
// request carries the operation name and variables.
func (OperationMeta) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	v := viewer.FromContext(ctx)
	if v.Request == nil || !graphql.HasOperationContext(ctx) {
		return next(ctx)
	}
	oc := graphql.GetOperationContext(ctx)
	cp := *v
	req := *v.Request
	req.OperationName = oc.OperationName
	if req.OperationName == "" && oc.Operation != nil {
		req.OperationName = oc.Operation.Name
	}
	req.Variables = redactSecretVariables(oc.Operation, oc.Variables)
	cp.Request = &req
	return next(viewer.NewContext(ctx, &cp))
}

// becomeViewer makes the rest of the request run as nv (after sign-in or
// sign-out): the viewer in the context is the request's own copy, so
// updating it in place reaches the fields resolved after the mutation.
func becomeViewer(ctx context.Context, nv *viewer.Viewer) {
	cur := viewer.FromContext(ctx)
	req := cur.Request
	*cur = *nv
	cur.Request = req
}

// redactSecretVariables replaces the variables that feed a secret-looking
// argument or input field (login(password: $p), acceptInvitation(token:
// $t)) whatever the client named them; secret-looking variable names are
// redacted again when the entry is written.
func redactSecretVariables(op *ast.OperationDefinition, vars map[string]any) map[string]any {
	if op == nil || len(vars) == 0 {
		return vars
	}
	secret := map[string]bool{}
	var value func(name string, v *ast.Value)
	value = func(name string, v *ast.Value) {
		if v == nil {
			return
		}
		if v.Kind == ast.Variable && selfaudit.IsSecretKey(name) {
			secret[v.Raw] = true
		}
		for _, c := range v.Children {
			n := c.Name
			if n == "" {
				n = name // list items inherit the argument's name
			}
			value(n, c.Value)
		}
	}
	var walk func(ast.SelectionSet)
	walk = func(set ast.SelectionSet) {
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				for _, a := range s.Arguments {
					value(a.Name, a.Value)
				}
				walk(s.SelectionSet)
			case *ast.InlineFragment:
				walk(s.SelectionSet)
			case *ast.FragmentSpread:
				if s.Definition != nil {
					walk(s.Definition.SelectionSet)
				}
			}
		}
	}
	walk(op.SelectionSet)
	if len(secret) == 0 {
		return vars
	}
	out := maps.Clone(vars)
	for name := range secret {
		if _, ok := out[name]; ok {
			out[name] = selfaudit.Redacted
		}
	}
	return out
}
