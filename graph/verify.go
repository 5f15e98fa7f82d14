package graph

import (
	"context"
	"encoding/json"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/privacy"
	"github.com/trailmark/trailmark/ent/rule"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/ids"
	"github.com/trailmark/trailmark/internal/jobs"
	"github.com/trailmark/trailmark/internal/viewer"
)

// startVerification queues a VERIFY process of a tenant's log
// (internal/verify) for a viewer rule.CanVerify allows. The process is
// created under an explicit allow decision — AUDITORs may start this one
// kind of process, which ProcessMutationRule (ADMIN) would refuse — with
// the caller still in the context, so the self-audit entry
// (integrity.verify) names them.
func (r *Resolver) startVerification(ctx context.Context, tenantID *string, platform *bool) (*ent.Process, error) {
	switch {
	case platform != nil && *platform && tenantID != nil:
		return nil, badInput("platform", "cannot be combined with tenantID")
	case platform != nil && *platform:
		return nil, badInput("platform", "verifying the platform log in a process is not supported yet")
	case tenantID == nil:
		return nil, badInput("tenantID", "required (the tenant whose log to verify)")
	case ids.TypeOf(*tenantID) != "Tenant":
		return nil, badInput("tenantID", "not a tenant ID")
	}
	if err := r.checkTenantVisible(ctx, tenantID); err != nil {
		return nil, err
	}
	if !rule.CanVerify(viewer.FromContext(ctx), *tenantID) {
		return nil, coded(CodeForbidden, "starting a verification needs AUDITOR or above over the whole tenant")
	}
	in, err := json.Marshal(jobs.VerifyInput{})
	if err != nil {
		return nil, err
	}
	return r.startProcess(privacy.DecisionContext(ctx, privacy.Allow), jobs.Spec{
		TenantID: *tenantID, Kind: schematype.ProcessVerify, Input: in, Initiator: initiatorOf(ctx),
	})
}
