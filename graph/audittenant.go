package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/rule"
	"github.com/trailmark/trailmark/internal/viewer"
)

// tenantRefsOnly reports whether a page may answer `tenant` from each row's
// tenant_id instead of loading the tenants (a second statement, ~8% of a
// page's CPU; docs/performance.md): every tenant selected under
// edges.node asks for nothing but `id` and `__typename`, and no row of the
// page can be of the platform log (tenant_id NULL, whose tenant is null) —
// the page is one tenant's, or the viewer does not see the platform log.
func tenantRefsOnly(ctx context.Context, sel *pageSelection, oneTenant bool) bool {
	if !oneTenant && rule.SeesEverything(viewer.FromContext(ctx)) {
		return false
	}
	return sel.tenantIDOnly
}

// tenantRefs gives each entry whose tenant the viewer may load
// (rule.SeesTenant: what the Tenant query rule lets through) that tenant as
// a Tenant holding only its ID, what the eager load would have given for a
// selection of `id`. Every entry a viewer reads is of such a tenant or of
// the platform log (rule.AuditEntryVisible), so none is left; one that were
// would load its tenant through ent's privacy on its own (Tenant(ctx)).
func tenantRefs(ctx context.Context, nodes []*ent.AuditEntry) {
	v := viewer.FromContext(ctx)
	refs := map[string]*ent.Tenant{}
	for _, n := range nodes {
		if n.TenantID == nil || !rule.SeesTenant(v, *n.TenantID) {
			continue
		}
		t := refs[*n.TenantID]
		if t == nil {
			t = &ent.Tenant{ID: *n.TenantID}
			refs[*n.TenantID] = t
		}
		n.Edges.Tenant = t
	}
	if onTenantRefs != nil {
		onTenantRefs(graphql.GetOperationContext(ctx).RawQuery)
	}
}

// onTenantRefs, when set (by tests only), is told the document of each page
// whose tenants came from the rows.
var onTenantRefs func(query string)
