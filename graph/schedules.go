package graph

import (
	"context"
	"errors"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/rule"
	"github.com/trailmark/trailmark/ent/schedule"
	"github.com/trailmark/trailmark/internal/filter"
	"github.com/trailmark/trailmark/internal/jobs"
	"github.com/trailmark/trailmark/internal/viewer"
)

// scheduleInputError maps a *jobs.InputError to BAD_USER_INPUT (with the
// position of a bad filter, as everywhere).
func scheduleInputError(err error) error {
	var ie *jobs.InputError
	if !errors.As(err, &ie) {
		return err
	}
	var fe *filter.Error
	if errors.As(ie.Err, &fe) {
		return filterError(ie.Field, fe)
	}
	return badInput(ie.Field, ie.Msg)
}

// scheduleLog says which log a schedule call is about: a tenant's, or the
// platform log (platform: true, platform admins only).
func (r *Resolver) scheduleLog(ctx context.Context, tenantID *string, platform *bool) (*string, error) {
	return r.whichLog(ctx, tenantID, platform, "the platform log's schedules are for platform admins")
}

// schedulesOf lists a log's schedules, oldest first: a tenant's for its
// tenant-wide ADMINs (FORBIDDEN below, as Tenant.schedules), the platform
// log's for platform admins.
func (r *Resolver) schedulesOf(ctx context.Context, tenantID *string, platform *bool) ([]*ent.Schedule, error) {
	t, err := r.scheduleLog(ctx, tenantID, platform)
	if err != nil {
		return nil, err
	}
	q := r.Client.Schedule.Query()
	if t == nil {
		q.Where(schedule.TenantIDIsNil())
	} else {
		if !rule.HasTenantRole(viewer.FromContext(ctx), *t, viewer.Admin) {
			return nil, coded(CodeForbidden, "schedules need a tenant-wide ADMIN")
		}
		q.Where(schedule.TenantID(*t))
	}
	return q.Order(ent.Asc(schedule.FieldCreatedAt)).All(ctx)
}
