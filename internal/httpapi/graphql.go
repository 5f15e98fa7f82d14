package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/coder/websocket"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/trailmark/trailmark/graph"
	"github.com/trailmark/trailmark/internal/apierr"
	"github.com/trailmark/trailmark/internal/auth"
	"github.com/trailmark/trailmark/internal/db"
	"github.com/trailmark/trailmark/internal/viewer"
)

// bodyReadTimeout bounds the upload of a request body (8 MiB at a slow
// 300 KiB/s still fits).
const bodyReadTimeout = 30 * time.Second

// ingestField is the one mutation allowed the larger body.
const ingestField = "recordAuditEntries"

func graphQLHandler(cfg Config, d Deps, ws *wsTracker) http.Handler {
	srv := handler.New(d.Schema)
	srv.AddTransport(&transport.Websocket{
		KeepAlivePingInterval: 15 * time.Second,
		InitTimeout:           10 * time.Second,
		InitFunc:              wsInit(d),
		Implementation: trackingWebsocket{tracker: ws, impl: transport.CoderWebsocketImplementation{
			AcceptOptions: websocket.AcceptOptions{
				Subprotocols:   []string{"graphql-transport-ws"},
				OriginPatterns: originPatterns(cfg.CORSOrigins),
			},
		}},
	})
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	// POST: our response writer (post.go) in front of gqlgen's executor, and
	// the ingest shortcut (ingest.go) in front of that.
	cache := graph.NewQueryCache()
	var metricsExt graphql.HandlerExtension
	if d.Metrics != nil {
		metricsExt = d.Metrics.GraphQL()
	}
	pt := postTransport{}
	if !cfg.GenericReads && !cfg.SlowPages {
		if read := graph.NewDirectRead(d.Schema, cache, cfg.Limits, graph.RecoverFunc(d.Log)); read != nil {
			pt.direct = &directRead{read: read}
			if metricsExt != nil {
				pt.direct.metrics = metricsExt.(graphql.ResponseInterceptor)
			}
		}
	}
	var post graphql.Transport = pt
	if cfg.gqlgenPOST {
		post = transport.POST{}
	}
	if !cfg.GenericIngestDecoder {
		post = newIngestPOST(post)
	}
	srv.AddTransport(post)
	srv.SetErrorPresenter(graph.ErrorPresenter(d.Log))
	srv.SetRecoverFunc(graph.RecoverFunc(d.Log))
	// Order matters: the HTTP rules and the limits reject an operation
	// before introspection or metrics see it run.
	srv.Use(httpRules{})
	if !cfg.GenericVariables {
		// Before the limits: the complexity limit reads the variables.
		srv.Use(&graph.InputVariables{Cache: cache})
	}
	cfg.Limits.Install(srv, cache)
	srv.Use(auth.OperationMeta{})
	srv.Use(graph.ReplaySeal{})
	if !cfg.SlowPages {
		srv.Use(graph.FastPage{})
	}
	if cfg.Introspection {
		srv.Use(extension.Introspection{})
	} else {
		graph.HideSuggestions(srv)
	}
	if metricsExt != nil {
		srv.Use(metricsExt)
	}
	return guardGraphQL(cfg, srv)
}

func wsInit(d Deps) transport.WebsocketInitFunc {
	if d.Auth == nil {
		return nil
	}
	return d.Auth.WebsocketInit
}

// guardGraphQL answers what gqlgen would answer without an error code
// (wrong method or content type) and enforces the body caps and the
// request timeout before gqlgen reads anything.
func guardGraphQL(cfg Config, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") != "" {
			next.ServeHTTP(w, r) // WebSocket: long-lived, no timeout
			return
		}
		// The server has no Read/WriteTimeout (they would cut WebSockets):
		// bound this request's body upload and response here instead.
		rc := http.NewResponseController(w)
		_ = rc.SetReadDeadline(time.Now().Add(bodyReadTimeout))
		if cfg.RequestTimeout > 0 {
			_ = rc.SetWriteDeadline(time.Now().Add(bodyReadTimeout + cfg.RequestTimeout))
		}
		switch r.Method {
		case http.MethodGet, http.MethodOptions:
		case http.MethodPost:
			mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
			if mt != "application/json" {
				apierr.WriteGraphQL(w, http.StatusUnsupportedMediaType, apierr.New(apierr.CodeBadUserInput,
					"send the GraphQL request as JSON with Content-Type: application/json"))
				return
			}
			body, status, msg := readBody(r, cfg)
			if status != 0 {
				apierr.WriteGraphQL(w, status, apierr.New(apierr.CodeTooComplex, msg))
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.ContentLength = int64(len(body))
		default:
			w.Header().Set("Allow", "GET, POST, OPTIONS")
			apierr.WriteGraphQL(w, http.StatusMethodNotAllowed, apierr.New(apierr.CodeBadUserInput,
				"use POST (or GET for queries) on /graphql"))
			return
		}
		ctx := context.WithValue(r.Context(), methodKey{}, r.Method)
		if cfg.RequestTimeout > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, cfg.RequestTimeout)
			defer cancel()
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// readBody reads a POST body under the caps: MaxBodyBytes for anything,
// MaxIngestBodyBytes when every operation of the document is a
// recordAuditEntries mutation. A non-zero status means the body is refused.
func readBody(r *http.Request, cfg Config) (body []byte, status int, msg string) {
	body, err := io.ReadAll(io.LimitReader(r.Body, cfg.MaxIngestBodyBytes+1))
	if err != nil {
		return nil, http.StatusBadRequest, "could not read the request body"
	}
	if int64(len(body)) > cfg.MaxIngestBodyBytes {
		return nil, http.StatusRequestEntityTooLarge,
			fmt.Sprintf("request body exceeds %s (the limit for recordAuditEntries)", sizeText(cfg.MaxIngestBodyBytes))
	}
	if int64(len(body)) > cfg.MaxBodyBytes && !onlyIngest(body) {
		return nil, http.StatusRequestEntityTooLarge,
			fmt.Sprintf("request body exceeds %s; only recordAuditEntries may send up to %s",
				sizeText(cfg.MaxBodyBytes), sizeText(cfg.MaxIngestBodyBytes))
	}
	return body, 0, ""
}

// onlyIngest reports whether the document of a JSON GraphQL request holds
// only mutations whose every root field is recordAuditEntries.
func onlyIngest(body []byte) bool {
	var req struct {
		Query string `json:"query"`
	}
	if err := json.Unmarshal(body, &req); err != nil || req.Query == "" {
		return false
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: req.Query}, 10_000)
	if err != nil || len(doc.Operations) == 0 || len(doc.Fragments) > 0 {
		return false
	}
	for _, op := range doc.Operations {
		if op.Operation != ast.Mutation || len(op.SelectionSet) == 0 {
			return false
		}
		for _, sel := range op.SelectionSet {
			f, ok := sel.(*ast.Field)
			if !ok || f.Name != ingestField {
				return false
			}
		}
	}
	return true
}

func sizeText(n int64) string {
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

type methodKey struct{}

// httpRules are the operation rules that depend on the transport: a
// subscription needs a caller (over GET or POST it would otherwise wait for
// an event; a WebSocket without one is closed at connection_init, see
// auth.WebsocketInit), a mutation over GET is refused (a link or an <img>
// must not change anything: CSRF), and the operation's name and type are
// noted for the request log.
type httpRules struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
	graphql.OperationInterceptor
	graphql.ResponseInterceptor
} = httpRules{}

// InterceptOperation marks queries and subscriptions as reads, which share
// a bounded part of the database pool (db.Reads): however costly, they
// cannot take the connections ingestion needs.
func (httpRules) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if oc := graphql.GetOperationContext(ctx); oc.Operation != nil && oc.Operation.Operation != ast.Mutation {
		ctx = db.Reads(ctx)
	}
	return next(ctx)
}

func (httpRules) ExtensionName() string                   { return "TrailmarkHTTPRules" }
func (httpRules) Validate(graphql.ExecutableSchema) error { return nil }

func (httpRules) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	info := infoFrom(ctx)
	name := oc.OperationName
	if name == "" {
		name = oc.Operation.Name
	}
	info.setOperation(name, string(oc.Operation.Operation))
	if oc.Operation.Operation == ast.Subscription && viewer.FromContext(ctx).Kind == viewer.Anonymous {
		info.forceStatus(http.StatusUnauthorized)
		return apierr.New(apierr.CodeUnauthenticated, "a subscription needs a caller: sign in or send an API key")
	}
	if m, _ := ctx.Value(methodKey{}).(string); m == http.MethodGet && oc.Operation.Operation != ast.Query {
		info.forceStatus(http.StatusMethodNotAllowed)
		return apierr.New(apierr.CodeBadUserInput, fmt.Sprintf("a %s cannot be sent with GET; use POST", oc.Operation.Operation))
	}
	return nil
}

// InterceptResponse answers 503 when the database failed the operation
// (an UNAVAILABLE error): load balancers and clients retry a 503, and the
// status tells the server's failure from the caller's.
func (httpRules) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp != nil {
		for _, e := range resp.Errors {
			if code, _ := e.Extensions["code"].(string); code == apierr.CodeUnavailable {
				infoFrom(ctx).forceStatus(http.StatusServiceUnavailable)
				break
			}
		}
	}
	return resp
}
