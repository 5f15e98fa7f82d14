// Package apierr is the error vocabulary of API.md "Errors": the codes, the
// coded error every failure leaves the API as (a *gqlerror.Error whose
// extensions carry the code), and the JSON bodies that carry such an error
// in a plain-HTTP answer. GraphQL resolvers return the errors made here;
// handlers outside gqlgen (authentication, rate limits, downloads and
// exports, the /graphql guards) write them with Write or WriteGraphQL.
package apierr

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// The codes of API.md "Errors", in extensions.code.
const (
	CodeBadUserInput    = "BAD_USER_INPUT"
	CodeUnauthenticated = "UNAUTHENTICATED"
	CodeForbidden       = "FORBIDDEN"
	CodeNotFound        = "NOT_FOUND"
	CodeConflict        = "CONFLICT"
	CodeRateLimited     = "RATE_LIMITED"
	CodeTooComplex      = "QUERY_TOO_COMPLEX"
	CodeUnavailable     = "UNAVAILABLE"
	CodeInternal        = "INTERNAL"
)

// New is an error with a code and a message safe to show.
func New(code, msg string) *gqlerror.Error {
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": code}}
}

// BadInput is a BAD_USER_INPUT error naming the offending argument or field
// in extensions.field and at the start of the message.
func BadInput(field, msg string) *gqlerror.Error {
	e := New(CodeBadUserInput, fmt.Sprintf("%s: %s", field, msg))
	e.Extensions["field"] = field
	return e
}

// Write answers status with e as the one error of the body
// {"errors":[{"extensions":{"code":…},"message":…}]}, the shape of every
// plain-HTTP error answer.
func Write(w http.ResponseWriter, status int, e *gqlerror.Error) {
	writeJSON(w, status, map[string]any{"errors": []map[string]any{{
		"message": e.Message, "extensions": e.Extensions,
	}}})
}

// WriteRetry is Write with a Retry-After of secs seconds: the failure is
// not the caller's, who may try again then.
func WriteRetry(w http.ResponseWriter, status, secs int, e *gqlerror.Error) {
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	Write(w, status, e)
}

// WriteGraphQL answers status with e in gqlgen's own response shape
// ({"errors":[…],"data":null}): for refusing a /graphql request before
// gqlgen reads it, so that the answer reads like gqlgen's.
func WriteGraphQL(w http.ResponseWriter, status int, e *gqlerror.Error) {
	writeJSON(w, status, graphql.Response{Errors: gqlerror.List{e}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
