// Package rule holds Trailmark's privacy rules: who may read and write what,
// decided from the viewer in the context (internal/viewer). Every ent schema's
// Policy() is built from these rules, so every query and mutation — GraphQL
// connections, totalCount, node(id), edges, background work — goes through
// them. Code that bypasses ent queries (raw facet SQL, subscriptions,
// exports) asks the same functions for its predicate (AuditEntryVisible).
//
// Reads are filters, never denials, for signed-in viewers: an object the
// viewer may not see behaves exactly as one that does not exist. Anonymous
// viewers are denied with ErrUnauthenticated. Writes are checked against the
// viewer's role in the object's tenant and denied with ErrForbidden.
//
// Policies are composed as in ent's privacytenant example: ent/schema's
// BaseMixin puts DenyAnonymous and AllowSystemAndPlatformAdmins (reads) or
// AllowSystem (writes) in front of each type's own rule, so a type's query
// rule never sees anonymous viewers, Trailmark itself or platform admins
// (Session's aside: it leaves BaseMixin out), and its mutation rule never
// sees anonymous viewers or Trailmark itself. Code outside ent asks the
// functions of this file (GrantIn, HasRole, BelongsTo, SeesEverything …)
// rather than reading roles and memberships itself, and acts as Trailmark
// with AsSystem.
package rule

import (
	"errors"
	"slices"

	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/viewer"
)

var (
	// ErrUnauthenticated denies every read and write of an anonymous viewer.
	ErrUnauthenticated = errors.New("sign in required")
	// ErrForbidden denies a write the viewer's role does not allow.
	ErrForbidden = errors.New("not allowed")
)

// Grant is what a viewer may do in one tenant.
type Grant struct {
	Role viewer.Role
	// Workspace limits the grant to one workspace's entries; nil is the whole tenant.
	Workspace *string
}

// TenantWide reports whether the grant covers the whole tenant.
func (g Grant) TenantWide() bool { return g.Workspace == nil }

// GrantIn returns the viewer's grant in tenantID. Platform admins and
// Trailmark itself hold OWNER everywhere; a READ API key reads its tenant as
// an AUDITOR; an INGEST-only key has no read grant (see CanIngest).
func GrantIn(v *viewer.Viewer, tenantID string) (Grant, bool) {
	switch v.Kind {
	case viewer.System:
		return Grant{Role: viewer.Owner}, true
	case viewer.User:
		if v.PlatformAdmin {
			return Grant{Role: viewer.Owner}, true
		}
		if m, ok := v.MembershipIn(tenantID); ok {
			return Grant{Role: m.Role, Workspace: m.Workspace}, true
		}
	case viewer.APIKey:
		if v.APIKeyTenantID == tenantID && v.HasScope(schematype.ScopeRead) {
			return Grant{Role: viewer.Auditor}, true
		}
	}
	return Grant{}, false
}

// HasRole reports whether the viewer holds at least min in tenantID, a
// workspace-scoped grant included: the rule of fields that read what the
// viewer already sees (@hasRole below ADMIN, SeesRequests).
func HasRole(v *viewer.Viewer, tenantID string, min viewer.Role) bool {
	g, ok := GrantIn(v, tenantID)
	return ok && g.Role.AtLeast(min)
}

// SeesRequests reports whether the viewer may read AuditEntry.request in
// tenantID: AUDITOR or above there (a READ API key reads as an AUDITOR), as
// the field's @hasRole(role: AUDITOR) says in graph/schema.
func SeesRequests(v *viewer.Viewer, tenantID string) bool {
	return HasRole(v, tenantID, viewer.Auditor)
}

// HasTenantRole reports whether the viewer holds at least min over the whole
// of tenantID. Managing a tenant (members, keys, archives, schedules,
// settings) and reading its processes and archives need a tenant-wide grant:
// a workspace-scoped membership covers that workspace's entries only.
func HasTenantRole(v *viewer.Viewer, tenantID string, min viewer.Role) bool {
	g, ok := GrantIn(v, tenantID)
	return ok && g.TenantWide() && g.Role.AtLeast(min)
}

// CanManageProcesses reports whether the viewer may start and cancel the
// processes of tenantID: a tenant-wide ADMIN or above (ProcessMutationRule).
func CanManageProcesses(v *viewer.Viewer, tenantID string) bool {
	return HasTenantRole(v, tenantID, viewer.Admin)
}

// CanVerify reports whether the viewer may start a VERIFY process of
// tenantID's log (startVerification): a signed-in user holding AUDITOR or
// above over the whole tenant — verifying is an auditor's job, and it
// changes nothing — or a platform admin. API keys may not: a READ key
// reads, and starting a process is a write.
func CanVerify(v *viewer.Viewer, tenantID string) bool {
	return v.Kind == viewer.User && HasTenantRole(v, tenantID, viewer.Auditor)
}

// CanIngest reports whether the viewer may record entries in tenantID: an API
// key with the INGEST scope for its own tenant, or a tenant-wide ADMIN or
// above (so that admins can try the API from the playground).
func CanIngest(v *viewer.Viewer, tenantID string) bool {
	if v.Kind == viewer.APIKey {
		return v.APIKeyTenantID == tenantID && v.HasScope(schematype.ScopeIngest)
	}
	return v.Kind == viewer.User && HasTenantRole(v, tenantID, viewer.Admin)
}

// SeesEverything reports whether the viewer reads every tenant and the
// platform log: Trailmark itself and platform admins.
func SeesEverything(v *viewer.Viewer) bool {
	return v.Kind == viewer.System || (v.Kind == viewer.User && v.PlatformAdmin)
}

// TenantsWith lists the tenants where the viewer holds at least min over the
// whole tenant. It is not meaningful for viewers that see everything.
func TenantsWith(v *viewer.Viewer, min viewer.Role) []string {
	var out []string
	switch v.Kind {
	case viewer.User:
		for _, m := range v.Memberships {
			if m.Workspace == nil && m.Role.AtLeast(min) {
				out = append(out, m.TenantID)
			}
		}
	case viewer.APIKey:
		if HasTenantRole(v, v.APIKeyTenantID, min) {
			out = append(out, v.APIKeyTenantID)
		}
	}
	return out
}

// BelongsTo reports whether tenantID is one of the viewer's tenants
// (MemberOf), or the viewer sees everything.
func BelongsTo(v *viewer.Viewer, tenantID string) bool {
	return SeesEverything(v) || slices.Contains(MemberOf(v), tenantID)
}

// MemberOf lists every tenant the viewer belongs to in any way: its
// memberships, or an API key's tenant when the key has any scope. It is not
// meaningful for viewers that see everything.
func MemberOf(v *viewer.Viewer) []string {
	var out []string
	switch v.Kind {
	case viewer.User:
		for _, m := range v.Memberships {
			out = append(out, m.TenantID)
		}
	case viewer.APIKey:
		if len(v.Scopes) > 0 {
			out = append(out, v.APIKeyTenantID)
		}
	}
	return out
}
