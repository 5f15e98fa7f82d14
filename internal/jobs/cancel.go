package jobs

import (
	"context"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/privacy"
	"github.com/trailmark/trailmark/ent/process"
	"github.com/trailmark/trailmark/ent/rule"
	"github.com/trailmark/trailmark/internal/clock"
	"github.com/trailmark/trailmark/internal/viewer"
)

// Cancel asks process id to stop, on c (a transaction's client), for the
// viewer in ctx, and returns the process as it is then. A QUEUED process is
// CANCELED at once; a RUNNING one is marked cancel_requested and stopped by
// its runner; a finished one is returned unchanged. Announce a Notice with
// Cancel after the commit, so that the runner holding it stops now.
func Cancel(ctx context.Context, c *ent.Client, id string) (*ent.Process, error) {
	cur, err := c.Process.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	// Checked here as well as by the write's privacy rule: a finished
	// process is answered without a write, and readers (AUDITOR) must not
	// get a cancel through.
	if !rule.CanManageProcesses(viewer.FromContext(ctx), cur.TenantID) {
		return nil, privacy.Denyf("%w", rule.ErrForbidden)
	}
	switch cur.Status {
	case process.StatusQUEUED:
		// Not started: canceled at once. (A runner that claims it
		// meanwhile stops it at its first heartbeat.)
		_, err := c.Process.UpdateOneID(id).Where(process.StatusEQ(process.StatusQUEUED)).
			SetCancelRequested(true).SetStatus(process.StatusCANCELED).SetFinishedAt(clock.Now()).SetError("canceled").Save(ctx)
		if ent.IsNotFound(err) {
			_, err = c.Process.UpdateOneID(id).SetCancelRequested(true).Save(ctx)
		}
		if err != nil {
			return nil, err
		}
	case process.StatusRUNNING:
		if _, err := c.Process.UpdateOneID(id).SetCancelRequested(true).Save(ctx); err != nil {
			return nil, err
		}
	default:
		return cur, nil
	}
	return c.Process.Get(ctx, id)
}
