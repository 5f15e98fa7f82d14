package graph

import (
	"errors"

	"github.com/trailmark/trailmark/internal/filter"
	"github.com/trailmark/trailmark/internal/jobs"
)

// scheduleInputError maps a *jobs.InputError to BAD_USER_INPUT (with the
// position of a bad filter, as everywhere).
func scheduleInputError(err error) error {
	var ie *jobs.InputError
	if !errors.As(err, &ie) {
		return err
	}
	var fe *filter.Error
	if errors.As(ie.Err, &fe) {
		return filterError(ie.Field, fe)
	}
	return badInput(ie.Field, ie.Msg)
}
