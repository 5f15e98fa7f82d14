package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"entgo.io/ent/dialect"
	"github.com/robfig/cron/v3"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/process"
	"github.com/trailmark/trailmark/ent/rule"
	"github.com/trailmark/trailmark/ent/schedule"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/ent/tenant"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/clock"
)

// cronParser reads standard 5-field expressions (minute hour day-of-month
// month day-of-week) and the @daily-style descriptors; times are UTC.
var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ParseCron checks a cron expression.
func ParseCron(expr string) (cron.Schedule, error) {
	s, err := cronParser.Parse(expr)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// NextRun is the first time after t that expr fires, in UTC.
func NextRun(expr string, t time.Time) (time.Time, error) {
	s, err := ParseCron(expr)
	if err != nil {
		return time.Time{}, err
	}
	next := s.Next(t.UTC())
	if next.IsZero() {
		return time.Time{}, errors.New("the expression never fires")
	}
	return next.UTC(), nil
}

// Spec describes a process to start.
type Spec struct {
	// TenantID owns the process; "" for a process of the platform log
	// (VERIFY, platform admins only).
	TenantID   string
	Kind       schematype.ProcessKind
	Input      schematype.RawJSON
	ScheduleID *string
	Initiator  audit.Actor
}

// Create inserts a QUEUED process on c (a transaction's client, so that it
// commits with the caller's other writes). Announce it after the commit.
func Create(ctx context.Context, c *ent.Client, s Spec) (*ent.Process, error) {
	cr := c.Process.Create().
		SetKind(s.Kind).
		SetInitiatorType(s.Initiator.Type).
		SetNillableInitiatorID(s.Initiator.ID).
		SetNillableInitiatorName(s.Initiator.Name).
		SetNillableInitiatorEmail(s.Initiator.Email).
		SetNillableScheduleID(s.ScheduleID).
		SetRunAfter(clock.Now())
	if s.TenantID != "" { // "": a process of the platform log
		cr.SetTenantID(s.TenantID)
	}
	if len(s.Input) > 0 {
		cr.SetInput(s.Input)
	}
	p, err := cr.Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("create %s process: %w", s.Kind, err)
	}
	return p, nil
}

// schedule fires due schedules and the daily retention runs.
func (r *Runner) schedule() {
	defer r.wg.Done()
	t := time.NewTicker(r.cfg.ScheduleTick)
	defer t.Stop()
	for {
		if err := r.fireDue(); err != nil {
			r.log.Error("jobs: fire schedules", "err", err)
		}
		if err := r.dailyRetention(); err != nil {
			r.log.Error("jobs: daily retention", "err", err)
		}
		select {
		case <-r.stop:
			return
		case <-t.C:
		}
	}
}

// FireDue starts a process for every enabled schedule whose next run has
// come. Each firing is claimed with a compare-and-set on next_run_at, so
// with many replicas a schedule fires once.
func (r *Runner) FireDue() error { return r.fireDue() }

func (r *Runner) fireDue() error {
	ctx := rule.AsSystem(context.Background())
	now := clock.Now()
	due, err := r.client.Schedule.Query().
		Where(schedule.Enabled(true), schedule.NextRunAtLTE(now)).
		Order(schedule.ByNextRunAt()).Limit(100).All(ctx)
	if err != nil {
		return fmt.Errorf("find due schedules: %w", err)
	}
	for _, s := range due {
		if err := r.fire(ctx, s, now); err != nil {
			r.log.Error("jobs: fire schedule", "schedule", s.ID, "err", err)
		}
	}
	return nil
}

func (r *Runner) fire(ctx context.Context, s *ent.Schedule, now time.Time) error {
	firedAt := *s.NextRunAt
	// Missed runs (the servers were down) are not made up: the next run
	// is the first one after now.
	next, err := NextRun(s.Cron, now)
	if err != nil {
		// A schedule whose expression no longer parses stops.
		_, err2 := r.client.Schedule.UpdateOneID(s.ID).ClearNextRunAt().Save(ctx)
		return errors.Join(err, err2)
	}
	tx, err := r.client.Tx(ctx)
	if err != nil {
		return err
	}
	n, err := tx.Schedule.Update().
		Where(schedule.ID(s.ID), schedule.NextRunAtEQ(firedAt), schedule.Enabled(true)).
		SetNextRunAt(next).Save(ctx)
	if err != nil || n == 0 { // another replica fired it
		_ = tx.Rollback()
		return err
	}
	input, skip, err := scheduledInput(ctx, tx.Client(), s, firedAt)
	if err != nil {
		_ = tx.Rollback()
		return err
	}
	if skip != "" {
		// The firing is claimed (next_run_at moves on) but starts nothing.
		if err := tx.Commit(); err != nil {
			return err
		}
		r.log.Info("jobs: schedule firing skipped", "schedule", s.ID, "reason", skip)
		return nil
	}
	name := "schedule " + s.Cron
	p, err := Create(ctx, tx.Client(), Spec{
		TenantID: s.TenantID, Kind: s.Kind, Input: input, ScheduleID: &s.ID,
		Initiator: audit.Actor{Type: schematype.ActorSystem, ID: &s.ID, Name: &name},
	})
	if err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	r.log.Info("jobs: schedule fired", "schedule", s.ID, "process", p.ID)
	r.announce(p, true)
	return nil
}

// dailyRetention queues one RETENTION process a day for each tenant with a
// retention period and no enabled RETENTION schedule of its own, at
// RetentionHour UTC. A replica claims the day's sweep under a lock (an
// advisory lock on PostgreSQL, the write lock on SQLite), and a tenant that
// already had a RETENTION process since the sweep hour is skipped, so each
// tenant gets one run per day.
func (r *Runner) dailyRetention() error {
	if r.cfg.NoDailyRetention {
		return nil
	}
	now := clock.Now()
	since := time.Date(now.Year(), now.Month(), now.Day(), r.cfg.RetentionHour, 0, 0, 0, time.UTC)
	if now.Before(since) {
		return nil
	}
	return r.SweepRetention(context.Background(), since)
}

// SweepRetention queues the RETENTION processes due since the given time
// (see dailyRetention).
func (r *Runner) SweepRetention(ctx context.Context, since time.Time) error {
	ctx = rule.AsSystem(ctx)
	tx, err := r.client.Tx(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	if r.dialect == dialect.Postgres {
		var locked bool
		rows, err := tx.QueryContext(ctx, `SELECT pg_try_advisory_xact_lock(hashtext(current_schema() || '.trailmark.retention'))`)
		if err != nil {
			return err
		}
		if rows.Next() {
			_ = rows.Scan(&locked)
		}
		rows.Close()
		if !locked {
			return nil // another replica sweeps
		}
	}
	tenants, err := tx.Tenant.Query().Where(tenant.RetentionDaysNotNil()).
		Where(tenant.Not(tenant.HasSchedulesWith(schedule.KindEQ(schematype.ProcessRetention), schedule.Enabled(true)))).
		Where(tenant.Not(tenant.HasProcessesWith(process.KindEQ(schematype.ProcessRetention), process.CreatedAtGTE(since)))).
		All(ctx)
	if err != nil {
		return fmt.Errorf("find tenants due for retention: %w", err)
	}
	var created []*ent.Process
	name := "daily retention"
	for _, t := range tenants {
		p, err := Create(ctx, tx.Client(), Spec{
			TenantID: t.ID, Kind: schematype.ProcessRetention, Initiator: audit.Actor{Type: schematype.ActorSystem, Name: &name},
		})
		if err != nil {
			return err
		}
		created = append(created, p)
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	for _, p := range created {
		r.announce(p, true)
	}
	return nil
}
