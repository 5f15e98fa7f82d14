package graph

import (
	"fmt"

	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Error codes of API.md "Errors".
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

const (
	defaultPageSize = 25
	maxPageSize     = 1000
	maxNodes        = 100
)

// badInput is a BAD_USER_INPUT error naming the offending argument or field.
func badInput(field, msg string) *gqlerror.Error {
	return &gqlerror.Error{
		Message:    fmt.Sprintf("%s: %s", field, msg),
		Extensions: map[string]any{"code": CodeBadUserInput, "field": field},
	}
}

// coded is an error with a code and a message safe to show.
func coded(code, msg string) *gqlerror.Error {
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": code}}
}

// checkPageSize enforces the first/last cap of API.md.
func checkPageSize(first, last *int) error {
	for name, v := range map[string]*int{"first": first, "last": last} {
		if v == nil {
			continue
		}
		if *v < 0 {
			return badInput(name, "must not be negative")
		}
		if *v > maxPageSize {
			return badInput(name, fmt.Sprintf("at most %d", maxPageSize))
		}
	}
	return nil
}
