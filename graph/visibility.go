package graph

import (
	"context"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/tenant"
)

// checkTenantVisible answers NOT_FOUND for a tenant the viewer may not see
// (or that does not exist): the privacy rules decide, through ent.
func (r *Resolver) checkTenantVisible(ctx context.Context, tenantID *string) error {
	if tenantID == nil {
		return nil
	}
	ok, err := r.Client.Tenant.Query().Where(tenant.ID(*tenantID)).Exist(ctx)
	if err != nil {
		return err
	}
	if !ok {
		return coded(CodeNotFound, "tenant not found")
	}
	return nil
}

// notFoundAs answers NOT_FOUND for an object that does not exist or that
// the viewer may not see (the privacy rules filter it out).
func notFoundAs(err error, msg string) error {
	if ent.IsNotFound(err) {
		return coded(CodeNotFound, msg)
	}
	return err
}
