package graph

import (
	"fmt"

	"github.com/trailmark/trailmark/ent"
)

// savedFilterError names the conflict of a duplicate name (the unique index
// on tenant, owner, page and name) and answers NOT_FOUND for a filter that
// does not exist or that the viewer may not see.
func savedFilterError(err error, name string) error {
	switch {
	case err == nil:
		return nil
	case ent.IsConstraintError(err) || isUnique(err):
		return coded(CodeConflict, fmt.Sprintf("you already have a saved filter named %q on this page", name))
	}
	return notFoundAs(err, "saved filter not found")
}
