package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/clock"
	"github.com/trailmark/trailmark/internal/viewer"
)

// ScheduleSpec is a schedule to create. Input is as ValidateSchedule
// returned it; a nil Enabled keeps the schema's default.
type ScheduleSpec struct {
	// TenantID owns the schedule and its processes; "" for a schedule of
	// the platform log, which runs VERIFY only.
	TenantID string
	Kind     schematype.ProcessKind
	Cron     string
	Input    schematype.RawJSON
	Enabled  *bool
}

// CreateSchedule creates a schedule on c (a transaction's client), created
// by the viewer in ctx; its first run is the first firing from now.
func CreateSchedule(ctx context.Context, c *ent.Client, s ScheduleSpec) (*ent.Schedule, error) {
	next, _ := NextRun(s.Cron, time.Now())
	cr := c.Schedule.Create().SetKind(s.Kind).SetCron(s.Cron).
		SetInput(s.Input).SetNextRunAt(clock.Stored(next)).
		SetNillableEnabled(s.Enabled).SetNillableCreatedByID(creatorID(viewer.FromContext(ctx)))
	switch {
	case s.TenantID != "":
		cr.SetTenantID(s.TenantID)
	case s.Kind != schematype.ProcessVerify:
		// The platform log has no archives, exports or retention of its own.
		return nil, &InputError{Field: "input.kind", Msg: fmt.Sprintf("a schedule of the platform log runs VERIFY, not %s", s.Kind)}
	}
	return cr.Save(ctx)
}

// creatorID is who creates a schedule: the signed-in user or the API key;
// nobody for Trailmark itself.
func creatorID(v *viewer.Viewer) *string {
	switch v.Kind {
	case viewer.User:
		return &v.UserID
	case viewer.APIKey:
		return &v.APIKeyID
	}
	return nil
}

// ScheduleChange changes a schedule; nil fields keep what is stored.
type ScheduleChange struct {
	Cron    *string
	Input   schematype.RawJSON
	Enabled *bool
}

// UpdateSchedule changes schedule id on c (a transaction's client). The cron
// and input are validated together for the schedule's kind (an *InputError
// when bad). A new expression, or enabling a disabled schedule, counts the
// next run from now.
func UpdateSchedule(ctx context.Context, c *ent.Client, id string, ch ScheduleChange) (*ent.Schedule, error) {
	old, err := c.Schedule.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	cronExpr, in := old.Cron, old.Input
	if ch.Cron != nil {
		cronExpr = *ch.Cron
	}
	if ch.Input != nil {
		in = ch.Input
	}
	in, err = ValidateSchedule(old.Kind, cronExpr, in)
	if err != nil {
		return nil, err
	}
	u := c.Schedule.UpdateOneID(id).SetCron(cronExpr).SetInput(in).SetNillableEnabled(ch.Enabled)
	if ch.Cron != nil || (ch.Enabled != nil && *ch.Enabled && !old.Enabled) {
		next, _ := NextRun(cronExpr, time.Now())
		u.SetNextRunAt(clock.Stored(next))
	}
	return u.Save(ctx)
}
