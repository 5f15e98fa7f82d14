package schematype

// Actor is who did something: a user, an API key or Trailmark itself — the
// GraphQL Actor (graph/model.Actor is this type). It lives here, beside
// ActorType, so that ent's AuditEntry can build it in a plain method: gqlgen
// resolves a field bound to a method without a context inline, where a
// resolver costs a goroutine per entry of a page (docs/performance.md).
//
// TenantID is not part of the schema: it is the tenant of the entry, process
// or archive the actor appears in (nil for the platform log), which the
// field rule on email (@hasRole(role: AUDITOR, orSelf: true)) needs. An
// Actor built without it shows its email to platform admins and to the
// actor only.
type Actor struct {
	Type     ActorType `json:"type"`
	ID       *string   `json:"id,omitempty"`
	Name     *string   `json:"name,omitempty"`
	Email    *string   `json:"email,omitempty"`
	TenantID *string   `json:"-"`
}
