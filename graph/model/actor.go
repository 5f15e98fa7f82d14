package model

import "github.com/trailmark/trailmark/ent/schema/schematype"

// Actor is who did something: a user, an API key or Trailmark itself.
//
// TenantID is not part of the schema: it is the tenant of the entry, process
// or archive the actor appears in (nil for the platform log), which the
// field rule on email (@hasRole(role: AUDITOR, orSelf: true)) needs. An
// Actor built without it shows its email to platform admins and to the
// actor only.
type Actor struct {
	Type     schematype.ActorType `json:"type"`
	ID       *string              `json:"id,omitempty"`
	Name     *string              `json:"name,omitempty"`
	Email    *string              `json:"email,omitempty"`
	TenantID *string              `json:"-"`
}
