package auth

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

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
	req.Variables = oc.Variables
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
