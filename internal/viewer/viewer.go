// Package viewer carries who is calling through a request's context.
//
// Every read and write of ent runs with a Viewer in its context; the privacy
// rules (ent/rule) and the self-audit hooks decide from it. A context without
// a Viewer is anonymous and sees nothing.
package viewer

import (
	"context"
	"slices"

	"github.com/trailmark/trailmark/ent/schema/schematype"
)

// Role is a membership role (the type stored by ent).
type Role = schematype.Role

// The roles, most powerful first.
const (
	Owner   = schematype.RoleOwner
	Admin   = schematype.RoleAdmin
	Auditor = schematype.RoleAuditor
	Member  = schematype.RoleMember
)

// Kind says what sort of caller a Viewer is.
type Kind int

const (
	Anonymous Kind = iota
	User
	APIKey
	System // internal work: migrations, the demo seed, the process runner
)

// Membership is a viewer's role in one tenant.
type Membership struct {
	ID        string
	TenantID  string
	Role      Role
	Workspace *string // nil: the whole tenant
}

// Request describes the HTTP request behind a call, for self-audit entries.
type Request struct {
	Method        string
	Path          string
	OperationName string
	Variables     map[string]any
	SourceIP      string
	UserAgent     string
}

// Viewer is the caller.
type Viewer struct {
	Kind Kind

	// User callers.
	UserID        string
	UserName      string
	UserEmail     string
	PlatformAdmin bool
	SessionID     string
	Memberships   []Membership

	// API key callers.
	APIKeyID       string
	APIKeyName     string
	APIKeyTenantID string
	Scopes         []string // schematype.Scope values, as the key stores them

	Request *Request
}

// SystemViewer is the viewer of Trailmark's own background work.
func SystemViewer() *Viewer { return &Viewer{Kind: System} }

// HasScope reports whether an API key viewer has scope s.
func (v *Viewer) HasScope(s schematype.Scope) bool { return slices.Contains(v.Scopes, string(s)) }

// MembershipIn returns the viewer's membership in tenantID, if any.
func (v *Viewer) MembershipIn(tenantID string) (Membership, bool) {
	for _, m := range v.Memberships {
		if m.TenantID == tenantID {
			return m, true
		}
	}
	return Membership{}, false
}

type ctxKey int

const (
	viewerKey ctxKey = iota
	retentionKey
)

// NewContext returns ctx carrying v.
func NewContext(ctx context.Context, v *Viewer) context.Context {
	return context.WithValue(ctx, viewerKey, v)
}

// FromContext returns the viewer of ctx, or an anonymous one.
func FromContext(ctx context.Context) *Viewer {
	if v, ok := ctx.Value(viewerKey).(*Viewer); ok && v != nil {
		return v
	}
	return &Viewer{Kind: Anonymous}
}

// WithRetentionDelete marks ctx as the retention process, the only caller
// allowed to delete audit entries.
func WithRetentionDelete(ctx context.Context) context.Context {
	return context.WithValue(ctx, retentionKey, true)
}

// RetentionDeleteAllowed reports whether ctx may delete audit entries.
func RetentionDeleteAllowed(ctx context.Context) bool {
	ok, _ := ctx.Value(retentionKey).(bool)
	return ok
}
