package httpapi

import (
	"context"
	"net/http"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/trailmark/trailmark/graph"
	"github.com/trailmark/trailmark/internal/auth"
	"github.com/trailmark/trailmark/internal/db"
)

// directRead puts graph.DirectRead in the POST transport, doing around it
// what gqlgen's extensions do around a query operation (graphQLHandler
// installs them): the request log's operation name and type (httpRules),
// the read pool (httpRules), the viewer's request meta for the self-audit
// (auth.OperationMeta) and the GraphQL metrics. The limits are judged by
// graph.DirectRead itself, with the limit extension's own code.
type directRead struct {
	read    *graph.DirectRead
	metrics graphql.ResponseInterceptor // nil: no metrics
}

// serve answers the request when the direct path can (its page copied
// from pages by the response write); otherwise it returns
// false and the context gqlgen's run of the request starts from (which may
// carry the page the direct path read, see graph.ReplayContext).
func (t *directRead) serve(ctx context.Context, w http.ResponseWriter, params *graphql.RawParams, pages *graph.WrittenPages) (bool, context.Context) {
	op, ok := t.read.Prepare(ctx, params)
	if !ok {
		return false, ctx
	}
	octx := graphql.WithOperationContext(ctx, op.OC)
	name := op.OC.OperationName
	if name == "" {
		name = op.OC.Operation.Name
	}
	infoFrom(ctx).setOperation(name, string(ast.Query))
	octx = db.Reads(octx)
	var data []byte
	var replay context.Context
	auth.OperationMeta{}.InterceptOperation(octx, func(ctx context.Context) graphql.ResponseHandler {
		data, replay, ok = op.Run(ctx)
		return nil
	})
	if !ok {
		if replay != nil {
			ctx = graph.ReplayContext(ctx, replay)
		}
		return false, ctx
	}
	resp := &graphql.Response{Data: data}
	if t.metrics != nil {
		resp = t.metrics.InterceptResponse(octx, func(context.Context) *graphql.Response { return resp })
	}
	writeResponseWith(w, resp, pages.Pages())
	if onDirectServed != nil {
		onDirectServed()
	}
	return true, ctx
}

// onDirectServed, when set (by tests only), is told of each response the
// direct path wrote.
var onDirectServed func()
