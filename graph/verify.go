package graph

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/privacy"
	"github.com/trailmark/trailmark/ent/process"
	"github.com/trailmark/trailmark/ent/rule"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/ids"
	"github.com/trailmark/trailmark/internal/jobs"
	"github.com/trailmark/trailmark/internal/viewer"
)

// startPlatformVerification queues a VERIFY process of the platform log: a
// process of no tenant, which only platform admins see.
func (r *Resolver) startPlatformVerification(ctx context.Context) (*ent.Process, error) {
	v := viewer.FromContext(ctx)
	switch {
	case v.Kind == viewer.Anonymous:
		return nil, coded(CodeUnauthenticated, "sign in required")
	case v.Kind != viewer.User || !rule.SeesEverything(v):
		return nil, coded(CodeForbidden, "verifying the platform log needs a platform admin")
	}
	if err := r.noVerificationPending(ctx, ""); err != nil {
		return nil, err
	}
	in, err := json.Marshal(jobs.VerifyInput{})
	if err != nil {
		return nil, err
	}
	return r.startProcess(privacy.DecisionContext(ctx, privacy.Allow), jobs.Spec{
		Kind: schematype.ProcessVerify, Input: in, Initiator: initiatorOf(ctx),
	})
}

// noVerificationPending refuses (CONFLICT) a verification of a log that
// one is already queued or running for: each reads the whole log, and an
// AUDITOR should not be able to pile them up.
func (r *Resolver) noVerificationPending(ctx context.Context, tenantID string) error {
	q := r.Client.Process.Query().Where(process.KindEQ(schematype.ProcessVerify),
		process.StatusIn(process.StatusQUEUED, process.StatusRUNNING))
	if tenantID == "" {
		q.Where(process.TenantIDIsNil())
	} else {
		q.Where(process.TenantID(tenantID))
	}
	p, err := q.First(rule.AsSystem(ctx))
	switch {
	case ent.IsNotFound(err):
		return nil
	case err != nil:
		return err
	}
	return coded(CodeConflict, "a verification of this log is already "+strings.ToLower(string(p.Status))+": "+p.ID)
}

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
		return r.startPlatformVerification(ctx)
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
	if err := r.noVerificationPending(ctx, *tenantID); err != nil {
		return nil, err
	}
	in, err := json.Marshal(jobs.VerifyInput{})
	if err != nil {
		return nil, err
	}
	return r.startProcess(privacy.DecisionContext(ctx, privacy.Allow), jobs.Spec{
		TenantID: *tenantID, Kind: schematype.ProcessVerify, Input: in, Initiator: initiatorOf(ctx),
	})
}
