package rule

import (
	"context"

	"github.com/trailmark/trailmark/ent/privacy"
	"github.com/trailmark/trailmark/internal/viewer"
)

// DenyAnonymous denies every read and write of an anonymous viewer with
// ErrUnauthenticated. It comes first in every policy (ent/schema BaseMixin).
func DenyAnonymous() privacy.QueryMutationRule {
	return privacy.ContextQueryMutationRule(func(ctx context.Context) error {
		if viewer.FromContext(ctx).Kind == viewer.Anonymous {
			return unauthenticated()
		}
		return privacy.Skip
	})
}

// AllowSystem allows Trailmark itself everything.
func AllowSystem() privacy.QueryMutationRule {
	return privacy.ContextQueryMutationRule(func(ctx context.Context) error {
		if viewer.FromContext(ctx).Kind == viewer.System {
			return privacy.Allow
		}
		return privacy.Skip
	})
}

// AllowSystemAndPlatformAdmins allows the viewers that see everything
// (SeesEverything): Trailmark itself and platform admins.
func AllowSystemAndPlatformAdmins() privacy.QueryMutationRule {
	return privacy.ContextQueryMutationRule(func(ctx context.Context) error {
		if SeesEverything(viewer.FromContext(ctx)) {
			return privacy.Allow
		}
		return privacy.Skip
	})
}

// AsSystem returns ctx acting as Trailmark itself: the system viewer, with
// an allow decision so that no rule is even asked. Self-audit does not
// record its changes unless the context names an actor
// (selfaudit.WithSystemActor). It is for work no caller asked for (the
// process runner, the demo seed, the live feed's own look) or whose rights
// were already checked (reading back the entries a caller just recorded).
func AsSystem(ctx context.Context) context.Context {
	return viewer.NewContext(privacy.DecisionContext(ctx, privacy.Allow), viewer.SystemViewer())
}
