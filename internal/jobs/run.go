package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/process"
	"github.com/trailmark/trailmark/ent/processlog"
	"github.com/trailmark/trailmark/ent/rule"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/clock"
	"github.com/trailmark/trailmark/internal/live"
)

// Run is a claimed process in the hands of its handler.
type Run struct {
	// Process is the row as claimed (its Input is the handler's input).
	Process *ent.Process

	runner *Runner
	ctx    context.Context
	cancel context.CancelCauseFunc

	mu           sync.Mutex
	seq          int
	lastProgress time.Time
	result       schematype.RawJSON
	succeeded    bool
}

// Input decodes the process input into v.
func (r *Run) Input(v any) error {
	if len(r.Process.Input) == 0 {
		return nil
	}
	if err := json.Unmarshal(r.Process.Input, v); err != nil {
		return Permanent(fmt.Errorf("bad process input: %w", err))
	}
	return nil
}

// SetResult sets the result stored when the process succeeds.
func (r *Run) SetResult(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode result: %w", err)
	}
	r.mu.Lock()
	r.result = b
	r.mu.Unlock()
	return nil
}

func (r *Run) initSeq() {
	ctx := rule.AsSystem(context.Background())
	last, err := r.runner.client.ProcessLog.Query().Where(processlog.ProcessID(r.Process.ID)).
		Order(ent.Desc(processlog.FieldSeq)).First(ctx)
	if err == nil {
		r.seq = last.Seq
	}
}

// Logf stores a log line now and announces it to processLogAppended.
func (r *Run) Logf(level processlog.Level, format string, args ...any) {
	r.mu.Lock()
	r.seq++
	seq := r.seq
	r.mu.Unlock()
	r.runner.storeLog(rule.AsSystem(context.Background()), r.Process.ID, seq, level, fmt.Sprintf(format, args...))
}

// Infof logs at INFO.
func (r *Run) Infof(format string, args ...any) { r.Logf(processlog.LevelINFO, format, args...) }

// Progress records the fraction done (0..1); writes are throttled to a few
// per second, and each is announced to processUpdated.
func (r *Run) Progress(f float64) {
	r.mu.Lock()
	if time.Since(r.lastProgress) < 250*time.Millisecond && f < 1 {
		r.mu.Unlock()
		return
	}
	r.lastProgress = time.Now()
	r.mu.Unlock()
	ctx := rule.AsSystem(context.Background())
	n, err := r.runner.client.Process.Update().Where(process.ID(r.Process.ID), process.LockedBy(r.runner.cfg.WorkerID)).
		SetProgress(min(max(f, 0), 1)).Save(ctx)
	if err == nil && n == 1 {
		r.runner.announce(r.Process, false)
	}
}

// Succeed finishes the process in one transaction with fn's writes (the
// archive row, say), provided this worker still holds the lease: a worker
// that lost it (and whose process another worker now runs) writes nothing,
// so a retried process has exactly one outcome.
func (r *Run) Succeed(ctx context.Context, fn func(ctx context.Context, tx *ent.Tx) error) error {
	ctx = rule.AsSystem(ctx)
	tx, err := r.runner.client.Tx(ctx)
	if err != nil {
		return fmt.Errorf("begin finish: %w", err)
	}
	now := clock.Now()
	upd := tx.Process.Update().Where(process.ID(r.Process.ID), process.StatusEQ(process.StatusRUNNING),
		process.LockedBy(r.runner.cfg.WorkerID)).
		SetStatus(process.StatusSUCCEEDED).SetFinishedAt(now).SetProgress(1).ClearLockedBy().ClearLockedUntil()
	r.mu.Lock()
	if r.result != nil {
		upd.SetResult(r.result)
	}
	r.mu.Unlock()
	n, err := upd.Save(ctx)
	if err != nil {
		_ = tx.Rollback()
		return fmt.Errorf("finish process: %w", err)
	}
	if n == 0 {
		_ = tx.Rollback()
		return errLeaseLost
	}
	if fn != nil {
		if err := fn(ctx, tx); err != nil {
			_ = tx.Rollback()
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit finish: %w", err)
	}
	r.mu.Lock()
	r.succeeded = true
	r.mu.Unlock()
	r.Logf(processlog.LevelINFO, "succeeded")
	r.runner.announce(r.Process, false)
	return nil
}

// Commit runs fn in a transaction that first checks this worker still holds
// the lease (and renews it), for writes that must happen before the process
// ends — and must not happen if another worker has taken it over.
func (r *Run) Commit(ctx context.Context, fn func(ctx context.Context, tx *ent.Tx) error) error {
	ctx = rule.AsSystem(ctx)
	tx, err := r.runner.client.Tx(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	n, err := tx.Process.Update().Where(process.ID(r.Process.ID), process.StatusEQ(process.StatusRUNNING),
		process.LockedBy(r.runner.cfg.WorkerID)).SetLockedUntil(clock.Now().Add(r.runner.cfg.Lease)).Save(ctx)
	if err != nil {
		_ = tx.Rollback()
		return fmt.Errorf("check lease: %w", err)
	}
	if n == 0 {
		_ = tx.Rollback()
		return errLeaseLost
	}
	if err := fn(ctx, tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// heartbeat renews the lease until the run ends, and stops the run when
// cancellation is requested or the lease was lost.
func (r *Run) heartbeat() {
	t := time.NewTicker(r.runner.cfg.Heartbeat)
	defer t.Stop()
	for {
		select {
		case <-r.ctx.Done():
			return
		case <-t.C:
		}
		ctx := rule.AsSystem(context.Background())
		n, err := r.runner.client.Process.Update().
			Where(process.ID(r.Process.ID), process.StatusEQ(process.StatusRUNNING), process.LockedBy(r.runner.cfg.WorkerID)).
			SetLockedUntil(clock.Now().Add(r.runner.cfg.Lease)).Save(ctx)
		if err != nil {
			r.runner.log.Warn("jobs: heartbeat", "process", r.Process.ID, "err", err)
			continue
		}
		if n == 0 {
			r.cancel(errLeaseLost)
			return
		}
		p, err := r.runner.client.Process.Get(ctx, r.Process.ID)
		if err == nil && p.CancelRequested {
			r.cancel(errCanceled)
			return
		}
	}
}

// storeLog appends one line; a conflict on seq means another worker wrote
// it (this one lost the lease), so it is dropped.
func (r *Runner) storeLog(ctx context.Context, processID string, seq int, level processlog.Level, msg string) {
	_, err := r.client.ProcessLog.Create().SetProcessID(processID).SetSeq(seq).SetAt(clock.Now()).
		SetLevel(level).SetMessage(msg).Save(ctx)
	if err != nil {
		r.log.Warn("jobs: store log line", "process", processID, "err", err)
		return
	}
	payload, _ := json.Marshal(LogNotice{Process: processID, Seq: seq})
	pctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := r.broker.Publish(pctx, live.TopicProcessLogs, payload); err != nil {
		r.log.Warn("jobs: announce log line", "err", err)
	}
}

// appendLog adds a line to a process this runner does not hold (lease expiry).
func (r *Runner) appendLog(ctx context.Context, processID string, level processlog.Level, msg string) {
	seq := 1
	if last, err := r.client.ProcessLog.Query().Where(processlog.ProcessID(processID)).
		Order(ent.Desc(processlog.FieldSeq)).First(ctx); err == nil {
		seq = last.Seq + 1
	}
	r.storeLog(ctx, processID, seq, level, msg)
}
