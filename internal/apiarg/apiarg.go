// Package apiarg reads the arguments that GraphQL fields and plain-HTTP
// endpoints share (a filter in the filter language), so that both accept
// the same values and refuse a bad one with the same BAD_USER_INPUT error.
package apiarg

import (
	"errors"
	"time"

	"entgo.io/ent/dialect/sql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/trailmark/trailmark/internal/apierr"
	"github.com/trailmark/trailmark/internal/filter"
)

// Filter compiles src, the filter argument named field, for schema s with
// now for now(); a filter that does not compile is BAD_USER_INPUT (see
// FilterError). A blank filter is no condition.
func Filter(field, src string, s filter.Schema, now time.Time) (func(*sql.Selector), *gqlerror.Error) {
	p, err := filter.Compile(src, s, now)
	if err != nil {
		return nil, FilterError(field, err)
	}
	return p, nil
}

// FilterError is the BAD_USER_INPUT error of a filter argument named field
// that does not compile: for a *filter.Error with extensions.position, the
// 1-based character API.md "The filter language" points at.
func FilterError(field string, err error) *gqlerror.Error {
	var fe *filter.Error
	if !errors.As(err, &fe) {
		return apierr.BadInput(field, err.Error())
	}
	e := apierr.BadInput(field, fe.Error())
	e.Extensions["position"] = fe.Pos
	return e
}
