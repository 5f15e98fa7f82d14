package graph

import (
	"fmt"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/trailmark/trailmark/internal/apierr"
)

// Error codes of API.md "Errors": internal/apierr's, under the names graph
// code has always used.
const (
	CodeBadUserInput    = apierr.CodeBadUserInput
	CodeUnauthenticated = apierr.CodeUnauthenticated
	CodeForbidden       = apierr.CodeForbidden
	CodeNotFound        = apierr.CodeNotFound
	CodeConflict        = apierr.CodeConflict
	CodeRateLimited     = apierr.CodeRateLimited
	CodeTooComplex      = apierr.CodeTooComplex
	CodeUnavailable     = apierr.CodeUnavailable
	CodeInternal        = apierr.CodeInternal
)

const (
	defaultPageSize = 25
	maxPageSize     = 1000
	maxNodes        = 100
)

// badInput is a BAD_USER_INPUT error naming the offending argument or field.
func badInput(field, msg string) *gqlerror.Error { return apierr.BadInput(field, msg) }

// coded is an error with a code and a message safe to show.
func coded(code, msg string) *gqlerror.Error { return apierr.New(code, msg) }

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
