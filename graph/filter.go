package graph

import (
	"errors"
	"fmt"
	"time"

	"entgo.io/ent/dialect/sql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/trailmark/trailmark/internal/filter"
)

// compileFilter compiles a filter argument (nil or blank: no condition) for
// schema s; a bad filter is BAD_USER_INPUT naming the argument, with the
// 1-based position of API.md "The filter language".
func compileFilter(field string, src *string, s filter.Schema, now time.Time) (func(*sql.Selector), error) {
	if src == nil {
		return nil, nil
	}
	p, err := filter.Compile(*src, s, now)
	if err != nil {
		return nil, filterError(field, err)
	}
	return p, nil
}

// filterError maps a *filter.Error to BAD_USER_INPUT with extensions.position.
func filterError(field string, err error) error {
	var fe *filter.Error
	if !errors.As(err, &fe) {
		return err
	}
	return &gqlerror.Error{
		Message:    fmt.Sprintf("%s: %s", field, fe.Error()),
		Extensions: map[string]any{"code": CodeBadUserInput, "field": field, "position": fe.Pos},
	}
}
