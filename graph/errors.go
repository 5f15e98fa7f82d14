package graph

import (
	"errors"
	"fmt"
	"time"

	"entgo.io/ent/dialect/sql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/trailmark/trailmark/internal/apiarg"
	"github.com/trailmark/trailmark/internal/apierr"
	"github.com/trailmark/trailmark/internal/filter"
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

// compileFilter compiles a filter argument (nil: no condition) for schema
// s; a bad filter is BAD_USER_INPUT naming the argument, with the 1-based
// position of API.md "The filter language", as the export endpoints answer.
func compileFilter(field string, src *string, s filter.Schema, now time.Time) (func(*sql.Selector), error) {
	if src == nil {
		return nil, nil
	}
	p, err := apiarg.Filter(field, *src, s, now)
	if err != nil {
		return nil, err
	}
	return p, nil
}

// filterError maps a *filter.Error to BAD_USER_INPUT with
// extensions.position; other errors are left to the presenter.
func filterError(field string, err error) error {
	var fe *filter.Error
	if !errors.As(err, &fe) {
		return err
	}
	return apiarg.FilterError(field, fe)
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
