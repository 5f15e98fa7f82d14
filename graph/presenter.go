package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/lib/pq"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/privacy"
	"github.com/trailmark/trailmark/internal/db"
	"github.com/trailmark/trailmark/internal/requestid"
	"github.com/trailmark/trailmark/internal/viewer"
)

// Codes gqlgen and gqlparser use for operation-level failures; both become
// QUERY_TOO_COMPLEX.
const (
	gqlgenComplexityCode = "COMPLEXITY_LIMIT_EXCEEDED"
	tokenLimitPrefix     = "exceeded token limit"
	parserNestingPrefix  = "exceeded maximum nesting depth"
	badJSONBodyPrefix    = "json request body could not be decoded"
)

func init() {
	// Operation-level errors with these codes (from the limit extensions) are
	// answered with HTTP 422, as gqlgen answers parse and validation errors.
	errcode.RegisterErrorType(CodeTooComplex, errcode.KindProtocol)
}

// ErrorPresenter gives every error leaving the API an extensions.code of
// API.md. Errors already coded (badInput, coded, gqlgen's parse and validation
// errors) pass through; ent, privacy, driver and context errors are mapped;
// anything else becomes INTERNAL with a request id, and only the log sees the
// real error: no SQL, table names, stack traces or other tenants' names reach
// the client.
func ErrorPresenter(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		return present(ctx, log, err)
	}
}

// RecoverFunc turns a panic in a resolver into an INTERNAL error; the panic
// and its stack go to the log.
func RecoverFunc(log *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		id := requestid.FromContext(ctx)
		log.ErrorContext(ctx, "panic while resolving graphql",
			"request_id", id, "path", pathString(graphql.GetPath(ctx)),
			"operation", operationName(ctx), "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		return internalError(id)
	}
}

func present(ctx context.Context, log *slog.Logger, err error) *gqlerror.Error {
	if err == nil {
		return nil
	}
	outer, _ := errors.AsType[*gqlerror.Error](err)
	out := &gqlerror.Error{}
	if outer != nil {
		out.Path, out.Locations, out.Rule = outer.Path, outer.Locations, outer.Rule
	} else {
		out.Path = graphql.GetPath(ctx)
	}
	set := func(code, msg string, ext ...any) *gqlerror.Error {
		out.Message = msg
		out.Extensions = map[string]any{"code": code}
		for i := 0; i+1 < len(ext); i += 2 {
			out.Extensions[ext[i].(string)] = ext[i+1]
		}
		return out
	}

	if c := findCoded(err); c != nil {
		out.Message, out.Extensions = c.Message, c.Extensions
		if out.Path == nil {
			out.Path = c.Path
		}
		if out.Locations == nil {
			out.Locations = c.Locations
		}
		switch code, _ := c.Extensions["code"].(string); {
		case code == gqlgenComplexityCode,
			code == errcode.ParseFailed && (strings.HasPrefix(c.Message, tokenLimitPrefix) || strings.HasPrefix(c.Message, parserNestingPrefix)):
			out.Extensions = cloneExt(c.Extensions)
			out.Extensions["code"] = CodeTooComplex
		}
		return out
	}

	id := requestid.FromContext(ctx)
	switch {
	case errors.Is(err, privacy.Deny):
		if viewer.FromContext(ctx).Kind == viewer.Anonymous {
			return set(CodeUnauthenticated, "sign in or send an API key")
		}
		return set(CodeForbidden, "not allowed")
	case isValidation(err):
		ve, _ := errors.AsType[*ent.ValidationError](err)
		field := gqlFieldName(ve.Name)
		return set(CodeBadUserInput, field+": "+innermost(ve).Error(), "field", field)
	case isUnique(err):
		return set(CodeConflict, "conflicts with an existing record")
	case ent.IsConstraintError(err) || isConstraint(err):
		return set(CodeConflict, "conflicts with a related record")
	case ent.IsNotFound(err):
		nf, _ := errors.AsType[*ent.NotFoundError](err)
		return set(CodeNotFound, strings.TrimPrefix(nf.Error(), "ent: "))
	case errors.Is(err, context.Canceled) || errors.Is(ctx.Err(), context.Canceled):
		// The caller went away (it closed the connection): whatever the
		// error says — a statement or commit cut short, a transaction
		// already rolled back — nobody reads the answer, and it is neither
		// the database's failure nor the server's. Recording is durable
		// only once answered, so an unanswered write may or may not have
		// committed; idempotency keys make the retry safe.
		log.DebugContext(ctx, "graphql: request canceled by the caller", "request_id", id, "path", pathString(out.Path),
			"operation", operationName(ctx), "err", err)
		return set(CodeInternal, "request canceled", "requestId", id)
	case db.IsUnavailable(err):
		// The request ran out of time (the database did not answer, or a
		// statement hit its timeout) or the database refused: the server's
		// failure, answered 503 (see httpapi), never the caller's.
		log.WarnContext(ctx, "graphql: database unavailable or too slow", "request_id", id, "path", pathString(out.Path),
			"operation", operationName(ctx), "err", err)
		return set(CodeUnavailable, fmt.Sprintf("the database did not answer in time; try again (request id %s)", id), "requestId", id)
	}

	if outer != nil && outer.Err != nil && outer.Err.Error() == "introspection disabled" {
		return set(CodeForbidden, "introspection is disabled on this server")
	}
	if outer != nil && outer.Err != nil && isArgumentPath(ctx, outer.Path) {
		// gqlgen could not coerce an argument (a bad Time, Cursor, JSON…):
		// the path continues past the field into the argument.
		field := argumentPath(outer.Path[len(graphql.GetPath(ctx)):])
		return set(CodeBadUserInput, field+": "+outer.Err.Error(), "field", field)
	}
	if outer != nil && outer.Err == nil && len(outer.Path) == 0 {
		// gqlgen's own request-level complaints (unreadable body, …). The JSON
		// one quotes the whole body: never echo that.
		if strings.HasPrefix(outer.Message, badJSONBodyPrefix) {
			return set(CodeBadUserInput, "the request body is not valid JSON")
		}
		return set(CodeBadUserInput, outer.Message)
	}

	log.ErrorContext(ctx, "graphql internal error", "request_id", id, "path", pathString(out.Path),
		"operation", operationName(ctx), "err", err)
	return set(CodeInternal, internalError(id).Message, "requestId", id)
}

// internalError is the only thing a client learns about an unexpected failure.
func internalError(id string) *gqlerror.Error {
	return &gqlerror.Error{
		Message:    fmt.Sprintf("internal error (request id %s)", id),
		Extensions: map[string]any{"code": CodeInternal, "requestId": id},
	}
}

// findCoded returns the first *gqlerror.Error carrying a code in err's chain.
func findCoded(err error) *gqlerror.Error {
	if err == nil {
		return nil
	}
	if g, ok := err.(*gqlerror.Error); ok && g != nil {
		if _, ok := g.Extensions["code"].(string); ok {
			return g
		}
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		return findCoded(u.Unwrap())
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			if c := findCoded(e); c != nil {
				return c
			}
		}
	}
	return nil
}

func cloneExt(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func isValidation(err error) bool {
	ve, ok := errors.AsType[*ent.ValidationError](err)
	return ok && ve != nil
}

// innermost is the validator's own message ("value is less than the required
// length"), without ent's prefix naming the Go type.
func innermost(err error) error {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}

// gqlFieldName turns an ent field name into the GraphQL one: resource_type →
// resourceType, tenant_id → tenantID.
func gqlFieldName(s string) string {
	parts := strings.Split(s, "_")
	for i := 1; i < len(parts); i++ {
		switch p := parts[i]; {
		case p == "id":
			parts[i] = "ID"
		case p != "":
			parts[i] = strings.ToUpper(p[:1]) + p[1:]
		}
	}
	return strings.Join(parts, "")
}

func isUnique(err error) bool {
	if pe, ok := errors.AsType[*pq.Error](err); ok {
		return pe.Code == "23505"
	}
	if se, ok := errors.AsType[*sqlite.Error](err); ok {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

func isConstraint(err error) bool {
	if pe, ok := errors.AsType[*pq.Error](err); ok {
		return pe.Code.Class() == "23"
	}
	if se, ok := errors.AsType[*sqlite.Error](err); ok {
		return se.Code()&0xff == sqlite3.SQLITE_CONSTRAINT
	}
	return false
}

// isArgumentPath reports whether p points below the field being resolved in
// ctx, into one of its arguments.
func isArgumentPath(ctx context.Context, p ast.Path) bool {
	fieldPath := graphql.GetPath(ctx)
	if graphql.GetFieldContext(ctx) == nil || len(p) <= len(fieldPath) {
		return false
	}
	for i := range fieldPath {
		if fmt.Sprint(fieldPath[i]) != fmt.Sprint(p[i]) {
			return false
		}
	}
	return true
}

// argumentPath renders an argument path the way API.md names fields:
// entries[3].occurredAt.
func argumentPath(p ast.Path) string {
	var b strings.Builder
	for _, el := range p {
		switch el := el.(type) {
		case ast.PathIndex:
			fmt.Fprintf(&b, "[%d]", int(el))
		case ast.PathName:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(string(el))
		}
	}
	return b.String()
}

func pathString(p ast.Path) string {
	if len(p) == 0 {
		return ""
	}
	return p.String()
}

func operationName(ctx context.Context) string {
	if !graphql.HasOperationContext(ctx) {
		return ""
	}
	oc := graphql.GetOperationContext(ctx)
	if oc.OperationName != "" {
		return oc.OperationName
	}
	if oc.Operation != nil {
		return oc.Operation.Name
	}
	return ""
}
