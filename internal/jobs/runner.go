// Package jobs runs Trailmark's background processes. The Process row is the
// job: a runner claims a QUEUED row (FOR UPDATE SKIP LOCKED on PostgreSQL, so
// any replica can; the write lock serialises claims on SQLite), holds it
// under a lease it renews with a heartbeat, writes progress and log lines as
// they happen, and finishes it. A process whose lease expires (its server
// died) is re-queued with exponential backoff and retried by any replica, up
// to its max_attempts, then FAILED. Schedules (schedule.go) create processes
// on cron expressions. See docs/processes.md.
package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/process"
	"github.com/trailmark/trailmark/ent/processlog"
	"github.com/trailmark/trailmark/ent/rule"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/clock"
	"github.com/trailmark/trailmark/internal/db"
	"github.com/trailmark/trailmark/internal/live"
	"github.com/trailmark/trailmark/internal/pubsub"
)

// Handler does the work of one process kind. It returns nil on success, an
// error to retry (with backoff, while attempts remain) or Permanent(err) to
// fail at once. ctx ends when the process is canceled, its lease is lost or
// the server stops; the handler should return promptly then.
type Handler func(ctx context.Context, r *Run) error

// Config tunes a Runner; the zero value is the production default.
type Config struct {
	// WorkerID names this runner in locked_by (default host-pid-random).
	WorkerID string
	// Concurrency is how many processes run at once (default 2; 1 on SQLite).
	Concurrency int
	// Lease is how long a claim holds without a heartbeat (default 30s).
	Lease time.Duration
	// Heartbeat renews the lease and polls for cancellation (default Lease/3).
	Heartbeat time.Duration
	// Poll is how often an idle runner looks for work it was not told
	// about, and for expired leases (default 2s).
	Poll time.Duration
	// RetryBase is the first retry delay; it doubles per attempt (default 5s, at most 10m).
	RetryBase time.Duration
	// ScheduleTick is how often due schedules are looked for (default 5s).
	ScheduleTick time.Duration
	// RetentionHour is the UTC hour of the daily retention run (default 3).
	RetentionHour int
	// NoDailyRetention turns the daily retention run off (tests that start
	// RETENTION processes themselves).
	NoDailyRetention bool
	// Disabled starts no workers and no scheduler (tests that drive work by hand).
	Disabled bool
}

// Runner claims and runs processes.
type Runner struct {
	client  *ent.Client
	dialect string
	broker  pubsub.Broker
	log     *slog.Logger
	cfg     Config

	handlers map[schematype.ProcessKind]Handler

	mu      sync.Mutex
	running map[string]*Run

	wake   chan struct{}
	idle   atomic.Int32 // workers waiting for wake (see Idle)
	stop   chan struct{}
	wg     sync.WaitGroup
	bsub   *pubsub.Subscription
	stopMu sync.Once
}

// New returns a runner on d; register handlers with Handle, then Start.
func New(d *db.DB, broker pubsub.Broker, log *slog.Logger, cfg Config) *Runner {
	if cfg.WorkerID == "" {
		host, _ := os.Hostname()
		b := make([]byte, 4)
		_, _ = rand.Read(b)
		cfg.WorkerID = fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 2
		if d.Dialect == dialect.SQLite {
			cfg.Concurrency = 1
		}
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 30 * time.Second
	}
	if cfg.Heartbeat <= 0 {
		cfg.Heartbeat = cfg.Lease / 3
	}
	if cfg.Poll <= 0 {
		cfg.Poll = 2 * time.Second
	}
	if cfg.RetryBase <= 0 {
		cfg.RetryBase = 5 * time.Second
	}
	if cfg.ScheduleTick <= 0 {
		cfg.ScheduleTick = 5 * time.Second
	}
	if cfg.RetentionHour == 0 {
		cfg.RetentionHour = 3
	}
	return &Runner{
		client:   d.Client,
		dialect:  d.Dialect,
		broker:   broker,
		log:      log.With("worker", cfg.WorkerID),
		cfg:      cfg,
		handlers: map[schematype.ProcessKind]Handler{},
		running:  map[string]*Run{},
		wake:     make(chan struct{}, 1),
		stop:     make(chan struct{}),
	}
}

// Handle registers the handler of a process kind.
func (r *Runner) Handle(kind schematype.ProcessKind, h Handler) { r.handlers[kind] = h }

// WorkerID is this runner's name in locked_by.
func (r *Runner) WorkerID() string { return r.cfg.WorkerID }

// Idle is how many workers have found nothing to claim and wait to be
// woken (a test waits for them before queuing).
func (r *Runner) Idle() int { return int(r.idle.Load()) }

// Start launches the workers and the scheduler.
func (r *Runner) Start() {
	if r.cfg.Disabled {
		return
	}
	r.bsub = r.broker.Subscribe(live.TopicProcesses)
	r.wg.Add(1)
	go r.listen()
	for range r.cfg.Concurrency {
		r.wg.Add(1)
		go r.work()
	}
	r.wg.Add(1)
	go r.schedule()
}

// Stop ends the workers: running processes are interrupted and handed back
// to the queue (their attempt does not count), so another replica — or this
// one after a restart — picks them up at once.
func (r *Runner) Stop(ctx context.Context) error {
	r.stopMu.Do(func() {
		close(r.stop)
		if r.bsub != nil {
			r.bsub.Close()
		}
	})
	r.mu.Lock()
	for _, run := range r.running {
		run.cancel(errStopping)
	}
	r.mu.Unlock()
	done := make(chan struct{})
	go func() { r.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("stop runner: %w", ctx.Err())
	}
}

var (
	errStopping   = errors.New("server stopping")
	errCanceled   = errors.New("canceled")
	errLeaseLost  = errors.New("lease lost to another worker")
	errNoHandler  = errors.New("no handler for this kind of process")
	errPermanent  = errors.New("permanent")
	errFinishedBy = errors.New("process already finished")
)

// Permanent marks err as not worth retrying: the process fails at once.
func Permanent(err error) error { return fmt.Errorf("%w: %w", errPermanent, err) }

// Notice is the broker message about a process (live.TopicProcesses).
type Notice struct {
	Tenant string `json:"t"`
	ID     string `json:"id"`
	// Queued asks idle runners to claim; Cancel asks the runner holding
	// the process to stop it now.
	Queued bool `json:"q,omitempty"`
	Cancel bool `json:"c,omitempty"`
}

// LogNotice is the broker message about a stored log line (live.TopicProcessLogs).
type LogNotice struct {
	Process string `json:"p"`
	Seq     int    `json:"s"`
}

// Announce publishes a process notice; failures are logged (subscribers and
// runners also poll).
func Announce(ctx context.Context, b pubsub.Broker, log *slog.Logger, n Notice) {
	payload, _ := json.Marshal(n)
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := b.Publish(ctx, live.TopicProcesses, payload); err != nil {
		log.Warn("jobs: announce process", "id", n.ID, "err", err)
	}
}

func (r *Runner) announce(p *ent.Process, queued bool) {
	Announce(context.Background(), r.broker, r.log, Notice{Tenant: p.TenantID, ID: p.ID, Queued: queued})
}

// listen wakes workers for new processes and cancels local ones on request.
func (r *Runner) listen() {
	defer r.wg.Done()
	for {
		select {
		case m, ok := <-r.bsub.C:
			if !ok {
				return
			}
			var n Notice
			if json.Unmarshal(m.Payload, &n) != nil {
				continue
			}
			if n.Queued {
				r.poke()
			}
			if n.Cancel {
				r.mu.Lock()
				if run := r.running[n.ID]; run != nil {
					run.cancel(errCanceled)
				}
				r.mu.Unlock()
			}
		case <-r.bsub.Resync:
			r.poke()
		case <-r.stop:
			return
		}
	}
}

func (r *Runner) poke() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

func (r *Runner) work() {
	defer r.wg.Done()
	t := time.NewTicker(r.cfg.Poll)
	defer t.Stop()
	for {
		for {
			select {
			case <-r.stop:
				return
			default:
			}
			if err := r.requeueExpired(); err != nil {
				r.log.Error("jobs: requeue expired", "err", err)
			}
			p, err := r.claim()
			if err != nil {
				r.log.Error("jobs: claim", "err", err)
				break
			}
			if p == nil {
				break
			}
			// More may be due (a batch was queued under one wake-up):
			// an idle sibling looks now instead of at its next poll.
			r.poke()
			r.execute(p)
		}
		r.idle.Add(1)
		select {
		case <-r.stop:
			return
		case <-r.wake:
		case <-t.C:
		}
		r.idle.Add(-1)
	}
}

// claim takes the oldest due QUEUED process, or returns nil.
func (r *Runner) claim() (*ent.Process, error) {
	ctx := rule.AsSystem(context.Background())
	tx, err := r.client.Tx(ctx)
	if err != nil {
		return nil, fmt.Errorf("begin claim: %w", err)
	}
	now := clock.Now()
	q := tx.Process.Query().
		Where(process.StatusEQ(process.StatusQUEUED), process.RunAfterLTE(now)).
		Order(process.ByRunAfter(), process.ByID())
	if r.dialect == dialect.Postgres {
		// Replicas skip rows another one is claiming instead of waiting.
		q = q.ForUpdate(sql.WithLockAction(sql.SkipLocked))
	}
	// First reads (and locks) one row. Not Only: that reads two to check
	// there is no second, so with two or more processes due it failed
	// with "not singular" on every attempt and none ever ran.
	p, err := q.First(ctx)
	if ent.IsNotFound(err) {
		return nil, tx.Rollback()
	}
	if err != nil {
		_ = tx.Rollback()
		return nil, fmt.Errorf("find queued process: %w", err)
	}
	upd := tx.Process.UpdateOneID(p.ID).Where(process.StatusEQ(process.StatusQUEUED)).
		SetStatus(process.StatusRUNNING).
		SetLockedBy(r.cfg.WorkerID).
		SetLockedUntil(now.Add(r.cfg.Lease)).
		AddAttempts(1)
	if p.StartedAt == nil {
		upd.SetStartedAt(now)
	}
	p, err = upd.Save(ctx)
	if err != nil {
		_ = tx.Rollback()
		return nil, fmt.Errorf("claim process: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit claim: %w", err)
	}
	return p.Unwrap(), nil
}

// requeueExpired hands processes whose worker stopped renewing its lease
// back to the queue with backoff, or fails them after max_attempts.
func (r *Runner) requeueExpired() error {
	ctx := rule.AsSystem(context.Background())
	now := clock.Now()
	expired, err := r.client.Process.Query().
		Where(process.StatusEQ(process.StatusRUNNING), process.LockedUntilLT(now)).
		Limit(20).All(ctx)
	if err != nil {
		return fmt.Errorf("find expired leases: %w", err)
	}
	for _, p := range expired {
		// Compare-and-set on the expired lease: one replica wins.
		upd := r.client.Process.Update().Where(process.ID(p.ID), process.StatusEQ(process.StatusRUNNING),
			process.LockedUntilEQ(*p.LockedUntil)).ClearLockedBy().ClearLockedUntil()
		var msg string
		if p.Attempts >= p.MaxAttempts {
			msg = fmt.Sprintf("worker %s stopped responding; giving up after %d attempts", deref(p.LockedBy), p.Attempts)
			upd.SetStatus(process.StatusFAILED).SetFinishedAt(now).SetError(msg)
		} else {
			delay := r.backoff(p.Attempts)
			msg = fmt.Sprintf("worker %s stopped responding; retrying in %s (attempt %d of %d)",
				deref(p.LockedBy), delay, p.Attempts+1, p.MaxAttempts)
			upd.SetStatus(process.StatusQUEUED).SetRunAfter(now.Add(delay))
		}
		n, err := upd.Save(ctx)
		if err != nil {
			return fmt.Errorf("requeue %s: %w", p.ID, err)
		}
		if n == 1 {
			r.log.Warn("jobs: lease expired", "process", p.ID, "detail", msg)
			r.appendLog(ctx, p.ID, processlog.LevelWARN, msg)
			r.announce(p, false)
		}
	}
	return nil
}

func (r *Runner) backoff(attempt int) time.Duration {
	d := r.cfg.RetryBase
	for i := 1; i < attempt && d < 10*time.Minute; i++ {
		d *= 2
	}
	return min(d, 10*time.Minute)
}

// execute runs a claimed process to its end.
func (r *Runner) execute(p *ent.Process) {
	ctx, cancel := context.WithCancelCause(context.Background())
	run := &Run{Process: p, runner: r, cancel: cancel, ctx: ctx}
	r.mu.Lock()
	r.running[p.ID] = run
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		delete(r.running, p.ID)
		r.mu.Unlock()
		cancel(nil)
	}()
	run.initSeq()
	r.announce(p, false)
	if p.CancelRequested {
		cancel(errCanceled)
	}

	hbDone := make(chan struct{})
	go func() {
		defer close(hbDone)
		run.heartbeat()
	}()

	h := r.handlers[p.Kind]
	var err error
	if ctx.Err() != nil {
		err = context.Cause(ctx)
	} else if h == nil {
		err = Permanent(errNoHandler)
	} else {
		run.Logf(processlog.LevelINFO, "started by %s (attempt %d of %d)", r.cfg.WorkerID, p.Attempts, p.MaxAttempts)
		err = safely(ctx, h, run)
	}
	cause := context.Cause(ctx)
	cancel(errFinishedBy) // stop the heartbeat
	<-hbDone
	r.finish(run, err, cause)
}

func safely(ctx context.Context, h Handler, run *Run) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = Permanent(fmt.Errorf("handler panicked: %v", v))
		}
	}()
	return h(ctx, run)
}

// finish records the outcome under the lease (a worker that lost its lease
// changes nothing).
func (r *Runner) finish(run *Run, err, cause error) {
	ctx := rule.AsSystem(context.Background())
	p := run.Process
	now := clock.Now()
	fenced := r.client.Process.Update().Where(process.ID(p.ID), process.StatusEQ(process.StatusRUNNING),
		process.LockedBy(r.cfg.WorkerID))
	var msg string
	switch {
	case run.succeeded:
		return // Succeed already finished it, atomically with its outcome
	case errors.Is(cause, errLeaseLost):
		r.log.Warn("jobs: lease lost; another worker retries", "process", p.ID)
		return
	case errors.Is(cause, errStopping):
		// Not the process's fault: give it back without using an attempt.
		fenced.SetStatus(process.StatusQUEUED).SetRunAfter(now).AddAttempts(-1).ClearLockedBy().ClearLockedUntil()
		msg = "interrupted: the server is stopping; another worker resumes it"
		run.Logf(processlog.LevelWARN, "%s", msg)
	case errors.Is(cause, errCanceled):
		fenced.SetStatus(process.StatusCANCELED).SetFinishedAt(now).SetError("canceled").ClearLockedBy().ClearLockedUntil()
		run.Logf(processlog.LevelWARN, "canceled")
	case err == nil:
		fenced.SetStatus(process.StatusSUCCEEDED).SetFinishedAt(now).SetProgress(1).ClearLockedBy().ClearLockedUntil()
		if run.result != nil {
			fenced.SetResult(run.result)
		}
		run.Logf(processlog.LevelINFO, "succeeded")
	case errors.Is(err, errPermanent) || p.Attempts >= p.MaxAttempts:
		msg = errorText(err)
		fenced.SetStatus(process.StatusFAILED).SetFinishedAt(now).SetError(msg).ClearLockedBy().ClearLockedUntil()
		run.Logf(processlog.LevelERROR, "failed: %s", msg)
	default:
		delay := r.backoff(p.Attempts)
		msg = errorText(err)
		fenced.SetStatus(process.StatusQUEUED).SetRunAfter(now.Add(delay)).SetError(msg).ClearLockedBy().ClearLockedUntil()
		run.Logf(processlog.LevelWARN, "attempt %d failed: %s; retrying in %s", p.Attempts, msg, delay)
	}
	if _, err := fenced.Save(ctx); err != nil {
		r.log.Error("jobs: finish process", "process", p.ID, "err", err)
	}
	r.announce(p, errors.Is(cause, errStopping))
}

func errorText(err error) string {
	if err == nil {
		return ""
	}
	msg := err.Error()
	if after, ok := cutPrefix(msg, errPermanent.Error()+": "); ok {
		msg = after
	}
	return msg
}

func cutPrefix(s, p string) (string, bool) {
	if len(s) >= len(p) && s[:len(p)] == p {
		return s[len(p):], true
	}
	return s, false
}

func deref(s *string) string {
	if s == nil {
		return "?"
	}
	return *s
}
