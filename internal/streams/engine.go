// Package streams delivers tenants' logs (and the platform log) to log
// streams: webhooks signed per Standard Webhooks, Splunk HEC, Datadog and
// buckets. See docs/streams.md.
//
// Each stream is delivered by one replica at a time, under a lease on its
// row (locked_by, locked_until) claimed by compare-and-set and renewed while
// the replica works; when a replica dies its lease expires and another one
// claims the stream. A worker reads the entries after the stream's cursor
// (cursor.go: a seq in the stream's tamper-evident log) that match its
// filter, in seq order, and sends them in
// batches of up to batch_size, once the batch is full or its oldest entry has
// waited max_delay_seconds. The cursor moves, in the same transaction as the
// delivery record, only after the destination accepted the batch, and only
// while this replica still holds the lease: delivery is at least once, and a
// batch is sent again only when its acceptance was not recorded (a crash, a
// lost lease, a failed answer).
//
// Failures are retried with exponential backoff and full jitter, no sooner
// than the destination's Retry-After. After FailingAfter of continuous
// failure the stream turns FAILING (retried every RetryMax) and an entry
// log_stream.failing is recorded in the stream's log; the next success
// records log_stream.recovered.
package streams

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/logstream"
	"github.com/trailmark/trailmark/ent/logstreamdelivery"
	"github.com/trailmark/trailmark/ent/predicate"
	"github.com/trailmark/trailmark/ent/rule"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/clock"
	"github.com/trailmark/trailmark/internal/metrics"
	"github.com/trailmark/trailmark/internal/pubsub"
	"github.com/trailmark/trailmark/internal/selfaudit"
)

// Topic is the broker topic of stream changes (logStreamUpdated).
const Topic = "log_streams"

// Notice is the broker message about a changed stream.
type Notice struct {
	Tenant string `json:"t,omitempty"` // empty: the platform log
	ID     string `json:"id"`
	Delete bool   `json:"d,omitempty"`
}

// Options tune the engine; the zero value is the production default.
type Options struct {
	// WorkerID names this replica in locked_by (default host-pid-random).
	WorkerID string
	// Lease is how long a claim holds without renewal (default 30s).
	Lease time.Duration
	// Poll is how often unclaimed streams are looked for, and how often an
	// idle stream looks for new entries (default 1s).
	Poll time.Duration
	// FailingAfter is how long a stream fails continuously before it turns
	// FAILING (default 5m).
	FailingAfter time.Duration
	// RetryBase is the first retry delay; it doubles per failure up to
	// RetryMax (defaults 1s and 5m), with full jitter.
	RetryBase, RetryMax time.Duration
	// RequestTimeout bounds one request to a destination (default 10s).
	RequestTimeout time.Duration
	// KeepDeliveries is how many delivery records are kept per stream (default 200).
	KeepDeliveries int
	// Policy is what streams may reach.
	Policy Policy
	// Dialect is the database's (dialect.Postgres or dialect.SQLite), for
	// the few statements written by hand (cursor.go).
	Dialect string
	// Now is the clock (default clock.Now); tests inject their own.
	Now func() time.Time
	// Disabled delivers nothing (tests that only use the API).
	Disabled bool
}

func (o *Options) defaults() {
	if o.WorkerID == "" {
		host, _ := os.Hostname()
		b := make([]byte, 4)
		_, _ = rand.Read(b)
		o.WorkerID = fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.Lease, 30*time.Second)
	def(&o.Poll, time.Second)
	def(&o.FailingAfter, 5*time.Minute)
	def(&o.RetryBase, time.Second)
	def(&o.RetryMax, 5*time.Minute)
	def(&o.RequestTimeout, 10*time.Second)
	if o.KeepDeliveries <= 0 {
		o.KeepDeliveries = 200
	}
	if o.Now == nil {
		o.Now = clock.Now
	}
}

// Engine delivers the streams this replica holds the lease of.
type Engine struct {
	client  *ent.Client
	broker  pubsub.Broker
	log     *slog.Logger
	metrics *metrics.Streams
	o       Options
	deps    deps

	mu      sync.Mutex
	workers map[string]context.CancelFunc
	stop    chan struct{}
	wg      sync.WaitGroup
	once    sync.Once
}

// New returns an engine; Start it to deliver.
func New(client *ent.Client, broker pubsub.Broker, log *slog.Logger, m *metrics.Metrics, o Options) *Engine {
	o.defaults()
	e := &Engine{client: client, broker: broker, log: log.With("worker", o.WorkerID), o: o,
		workers: map[string]context.CancelFunc{}, stop: make(chan struct{})}
	if m != nil {
		e.metrics = m.Streams()
	}
	e.deps = deps{client: NewHTTPClient(o.RequestTimeout, o.Policy.AllowPrivate), now: func() time.Time { return e.o.Now() }}
	return e
}

// Policy is what streams may reach (for the API's checks).
func (e *Engine) Policy() Policy { return e.o.Policy }

// WorkerID names this replica in locked_by.
func (e *Engine) WorkerID() string { return e.o.WorkerID }

// Start claims and delivers streams until Stop.
func (e *Engine) Start() {
	if e.o.Disabled {
		return
	}
	e.wg.Add(1)
	go e.scan()
}

// Stop ends delivery and releases this replica's leases, so that another
// replica takes the streams over at once.
func (e *Engine) Stop(ctx context.Context) error {
	e.once.Do(func() { close(e.stop) })
	e.mu.Lock()
	for _, cancel := range e.workers {
		cancel()
	}
	e.mu.Unlock()
	done := make(chan struct{})
	go func() { e.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		return ctx.Err()
	}
	if e.o.Disabled {
		return nil
	}
	_, err := e.client.LogStream.Update().Where(logstream.LockedBy(e.o.WorkerID)).
		ClearLockedBy().ClearLockedUntil().Save(rule.AsSystem(ctx))
	return err
}

// Running reports how many streams this replica is delivering.
func (e *Engine) Running() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.workers)
}

func (e *Engine) scan() {
	defer e.wg.Done()
	t := time.NewTicker(e.o.Poll)
	defer t.Stop()
	for {
		if err := e.claim(); err != nil {
			e.log.Warn("streams: claim", "err", err)
		}
		select {
		case <-e.stop:
			return
		case <-t.C:
		}
	}
}

// claimable are the streams a replica may take: not paused, and not held
// by another replica's live lease.
func (e *Engine) claimable(now time.Time) predicate.LogStream {
	return logstream.And(logstream.StatusNEQ(logstream.StatusPAUSED),
		logstream.Or(logstream.LockedUntilIsNil(), logstream.LockedUntilLT(now), logstream.LockedBy(e.o.WorkerID)))
}

// claim takes the claimable streams by compare-and-set on their lease (the
// pattern of internal/jobs' expired leases: one replica wins each row).
func (e *Engine) claim() error {
	ctx := rule.AsSystem(context.Background())
	now := e.o.Now()
	ids, err := e.client.LogStream.Query().Where(e.claimable(now)).IDs(ctx)
	if err != nil {
		return fmt.Errorf("find streams: %w", err)
	}
	for _, id := range ids {
		e.mu.Lock()
		_, running := e.workers[id]
		e.mu.Unlock()
		if running {
			continue
		}
		n, err := e.client.LogStream.Update().Where(logstream.ID(id), e.claimable(now)).
			SetLockedBy(e.o.WorkerID).SetLockedUntil(now.Add(e.o.Lease)).Save(ctx)
		if err != nil {
			return fmt.Errorf("claim stream %s: %w", id, err)
		}
		if n == 1 {
			e.startWorker(id)
		}
	}
	return nil
}

func (e *Engine) startWorker(id string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	select {
	case <-e.stop:
		return
	default:
	}
	ctx, cancel := context.WithCancel(rule.AsSystem(context.Background()))
	e.workers[id] = cancel
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		defer func() {
			cancel()
			e.mu.Lock()
			delete(e.workers, id)
			e.mu.Unlock()
		}()
		w := &worker{e: e, id: id}
		w.run(ctx)
	}()
}

// worker delivers one stream while its replica holds the lease.
type worker struct {
	e        *Engine
	id       string
	dest     destination
	destAt   time.Time // the stream's updated_at the destination was built from
	attempts int
}

func (w *worker) run(ctx context.Context) {
	e := w.e
	defer func() {
		if w.dest != nil {
			_ = w.dest.close()
		}
		// Hand the stream back unless it is gone or held by another now.
		_, _ = e.client.LogStream.Update().Where(logstream.ID(w.id), logstream.LockedBy(e.o.WorkerID)).
			ClearLockedBy().ClearLockedUntil().Save(context.WithoutCancel(ctx))
	}()
	for ctx.Err() == nil {
		wait, err := w.step(ctx)
		if err != nil {
			if !errors.Is(err, errLeaseLost) && !errors.Is(err, errStopped) && ctx.Err() == nil {
				e.log.Warn("streams: deliver", "stream", w.id, "err", err)
			}
			if errors.Is(err, errLeaseLost) || errors.Is(err, errStopped) {
				return
			}
			wait = e.o.Poll
		}
		if wait <= 0 {
			continue
		}
		// Wake at least three times per lease to renew it and notice a pause
		// (a retry due later is waited for again by the next step).
		t := time.NewTimer(min(wait, e.o.Lease/3))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

var (
	errLeaseLost = errors.New("lease lost")
	errStopped   = errors.New("stream paused or deleted")
)

// step renews the lease and delivers at most one batch; it returns how long
// to wait before the next step.
func (w *worker) step(ctx context.Context) (time.Duration, error) {
	e := w.e
	now := e.o.Now()
	n, err := e.client.LogStream.Update().
		Where(logstream.ID(w.id), logstream.LockedBy(e.o.WorkerID), logstream.StatusNEQ(logstream.StatusPAUSED)).
		SetLockedUntil(now.Add(e.o.Lease)).Save(ctx)
	if err != nil {
		return 0, fmt.Errorf("renew lease: %w", err)
	}
	if n == 0 {
		s, err := e.client.LogStream.Get(ctx, w.id)
		if ent.IsNotFound(err) {
			if e.metrics != nil {
				e.metrics.Forget(w.id) // deleted: its series go too
			}
			return 0, errStopped
		}
		if err == nil && s.Status == logstream.StatusPAUSED {
			return 0, errStopped
		}
		return 0, errLeaseLost
	}
	s, err := e.client.LogStream.Get(ctx, w.id)
	if err != nil {
		return 0, fmt.Errorf("load stream: %w", err)
	}
	// Never sleep past a third of the lease: it is renewed here.
	maxWait := e.o.Lease / 3
	if s.NextAttemptAt != nil && now.Before(*s.NextAttemptAt) {
		return min(s.NextAttemptAt.Sub(now), maxWait), nil
	}
	entries, err := e.pending(ctx, s, now, s.BatchSize)
	if errors.Is(err, errNotYet) {
		return min(e.o.Poll, maxWait), nil
	}
	if err != nil {
		return 0, err
	}
	if e.metrics != nil {
		lag := 0.0
		if len(entries) > 0 {
			lag = now.Sub(entries[0].ReceivedAt).Seconds()
		}
		e.metrics.Lag(s.ID, lag)
	}
	if len(entries) == 0 {
		return min(e.o.Poll, maxWait), nil
	}
	if len(entries) < s.BatchSize {
		ready := entries[0].ReceivedAt.Add(time.Duration(s.MaxDelaySeconds) * time.Second)
		if now.Before(ready) {
			return min(ready.Sub(now), e.o.Poll, maxWait), nil
		}
	}
	if w.dest == nil || !w.destAt.Equal(s.UpdatedAt) {
		if w.dest != nil {
			_ = w.dest.close()
		}
		w.dest, err = newDestination(ctx, s, e.deps)
		if err != nil {
			w.dest = nil
			res := Result{Err: err}
			return w.e.record(ctx, s, entries, res, false)
		}
		w.destAt = s.UpdatedAt
	}
	res := w.dest.send(ctx, newBatch(s.ID, entries))
	if ctx.Err() != nil {
		return 0, errStopped // stopping: the batch is sent again by whoever holds the stream next
	}
	w.attempts++
	return e.record(ctx, s, entries, res, w.attempts%50 == 0)
}

// pending reads up to limit entries of s's log after its cursor, matching
// its filter, in seq order (cursor.go). The worker holds s's lease: a
// legacy cursor is turned into a seq and stored.
//
// It reads a window of leaves by seq (an index range of log_leaves), then
// their entries by primary key with the filter, and orders them by seq
// here. Two simple statements rather than one join: asked for the first
// leaves after the cursor in one join, PostgreSQL sorted the whole backlog
// for every batch (20 000 leaves behind: 0.4–1 s a batch), and with a
// filter on an indexed column it may walk the tenant's whole index.
func (e *Engine) pending(ctx context.Context, s *ent.LogStream, now time.Time, limit int) ([]pendingEntry, error) {
	after, err := e.cursorSeq(ctx, s, true)
	if err != nil {
		return nil, err
	}
	ps, err := e.selection(s, now)
	if err != nil {
		return nil, err
	}
	window := int64(max(limit, pendingWindow))
	var out []pendingEntry
	for lo := after; len(out) < limit; lo += window {
		leaves, more, err := e.leaves(ctx, logOf(s), lo, window)
		if err != nil {
			return nil, err
		}
		if len(leaves) > 0 {
			ids := make([]string, len(leaves))
			seqs := make(map[string]int64, len(leaves))
			for i, l := range leaves {
				ids[i], seqs[l.id] = l.id, l.seq
			}
			rows, err := e.client.AuditEntry.Query().Where(append(ps, auditentry.IDIn(ids...))...).All(ctx)
			if err != nil {
				return nil, err
			}
			got := make([]pendingEntry, len(rows))
			for i, r := range rows {
				got[i] = pendingEntry{AuditEntry: r, Seq: seqs[r.ID]}
			}
			slices.SortFunc(got, func(a, b pendingEntry) int { return cmp.Compare(a.Seq, b.Seq) })
			out = append(out, got[:min(len(got), limit-len(out))]...)
		}
		if !more {
			break
		}
	}
	return out, nil
}

// pendingWindow is the least number of seqs one read of pending covers.
const pendingWindow = 1000

// record stores the outcome of an attempt: on success the cursor moves and
// the stream is HEALTHY; on failure the next attempt is scheduled and, after
// FailingAfter, the stream turns FAILING. Either way only while this
// replica holds the lease. It returns how long to wait.
func (e *Engine) record(ctx context.Context, s *ent.LogStream, entries []pendingEntry, res Result, prune bool) (time.Duration, error) {
	now := e.o.Now()
	tx, err := e.client.Tx(ctx)
	if err != nil {
		return 0, err
	}
	defer func() { _ = tx.Rollback() }()
	mine := []predicate.LogStream{logstream.ID(s.ID), logstream.LockedBy(e.o.WorkerID)}
	var (
		wait       time.Duration
		transition string
		statusNow  = s.Status
	)
	upd := tx.LogStream.Update().Where(mine...)
	if res.Err == nil {
		last := entries[len(entries)-1]
		upd.SetCursorSeq(last.Seq).SetCursorReceivedAt(last.ReceivedAt).SetCursorID(last.ID).SetLastDeliveredAt(now).
			AddDeliveredEntries(int64(len(entries))).SetFailures(0).ClearFailingSince().
			ClearNextAttemptAt().ClearLastError()
		if s.Status == logstream.StatusFAILING {
			transition = "log_stream.recovered"
		}
		if s.Status != logstream.StatusPAUSED {
			statusNow = logstream.StatusHEALTHY
		}
	} else {
		failures := s.Failures + 1
		since := now
		if s.FailingSince != nil {
			since = *s.FailingSince
		}
		wait = e.backoff(failures)
		if s.Status == logstream.StatusFAILING {
			wait = e.o.RetryMax
		}
		if res.RetryAfter > wait {
			wait = min(res.RetryAfter, time.Hour)
		}
		msg := truncate(res.Err.Error(), 2000)
		upd.SetFailures(failures).SetFailingSince(since).SetNextAttemptAt(now.Add(wait)).SetLastError(msg)
		if s.Status != logstream.StatusFAILING && s.Status != logstream.StatusPAUSED && now.Sub(since) >= e.o.FailingAfter {
			statusNow = logstream.StatusFAILING
			transition = "log_stream.failing"
		}
	}
	if statusNow != s.Status {
		// Never over a pause made meanwhile.
		upd.Where(logstream.StatusNEQ(logstream.StatusPAUSED)).SetStatus(statusNow)
	}
	n, err := upd.Save(ctx)
	if err != nil {
		return 0, fmt.Errorf("record attempt: %w", err)
	}
	if n == 0 {
		if statusNow != s.Status {
			// Paused meanwhile: record the cursor, leave the status.
			paused := *s
			paused.Status = logstream.StatusPAUSED
			_ = tx.Rollback()
			return e.record(ctx, &paused, entries, res, prune)
		}
		return 0, errLeaseLost
	}
	d := tx.LogStreamDelivery.Create().SetStreamID(s.ID).SetAt(now).SetEntries(len(entries)).
		SetLatencyMs(int(res.Latency.Milliseconds())).SetOk(res.Err == nil).
		SetFirstEntryID(entries[0].ID).SetLastEntryID(entries[len(entries)-1].ID).
		SetNillableHTTPStatus(res.HTTPStatus)
	if res.Response != "" {
		d.SetResponse(truncate(res.Response, 2000))
	}
	if res.Err != nil {
		d.SetError(truncate(res.Err.Error(), 2000))
	}
	if err := d.Exec(ctx); err != nil {
		return 0, fmt.Errorf("record delivery: %w", err)
	}
	if transition != "" {
		if err := recordTransition(ctx, tx.Client(), s, transition, res); err != nil {
			return 0, err
		}
	}
	if prune {
		if err := pruneDeliveries(ctx, tx.Client(), s.ID, e.o.KeepDeliveries); err != nil {
			return 0, err
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("commit attempt: %w", err)
	}
	if e.metrics != nil {
		if res.Err == nil {
			e.metrics.Delivered(s.ID, len(entries))
		} else {
			e.metrics.Failed(s.ID)
		}
	}
	if transition != "" {
		e.log.Warn("streams: "+transition, "stream", s.ID, "err", res.Err)
	}
	e.Announce(ctx, s, false)
	return wait, nil
}

// backoff is the delay after the n-th consecutive failure: RetryBase
// doubled per failure up to RetryMax, with full jitter (uniform in
// [d/2, d]) so that streams failing together do not retry together.
func (e *Engine) backoff(n int) time.Duration {
	d := float64(e.o.RetryBase) * math.Pow(2, float64(min(n-1, 30)))
	d = min(d, float64(e.o.RetryMax))
	var b [8]byte
	_, _ = rand.Read(b[:])
	f := float64(binary.BigEndian.Uint64(b[:])>>11) / (1 << 53)
	return time.Duration(d/2 + f*d/2)
}

// recordTransition writes log_stream.failing / log_stream.recovered in the
// stream's log, as Trailmark itself.
func recordTransition(ctx context.Context, c *ent.Client, s *ent.LogStream, action string, res Result) error {
	meta := map[string]any{"kind": s.Kind}
	if res.Err != nil {
		meta["error"] = truncate(res.Err.Error(), 500)
	}
	if res.HTTPStatus != nil {
		meta["httpStatus"] = *res.HTTPStatus
	}
	if s.FailingSince != nil {
		meta["failingSince"] = s.FailingSince.UTC().Format(time.RFC3339Nano)
	}
	name := s.Name
	id := s.ID
	return selfaudit.Record(ctx, c, selfaudit.Event{
		TenantID: s.TenantID, Action: action, ResourceType: "log_stream",
		ResourceID: &id, ResourceName: &name, Metadata: meta,
		Status: map[bool]auditentry.Status{true: auditentry.StatusFAILURE, false: auditentry.StatusSUCCESS}[res.Err != nil],
		Actor:  &audit.Actor{Type: schematype.ActorSystem, Name: ptr("trailmark")},
	})
}

func ptr(s string) *string { return &s }

// pruneDeliveries keeps the newest keep delivery records of a stream.
func pruneDeliveries(ctx context.Context, c *ent.Client, streamID string, keep int) error {
	old, err := c.LogStreamDelivery.Query().Where(logstreamdelivery.StreamID(streamID)).
		Order(ent.Desc(logstreamdelivery.FieldAt), ent.Desc(logstreamdelivery.FieldID)).Offset(keep).Limit(1).First(ctx)
	if ent.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("prune deliveries: %w", err)
	}
	_, err = c.LogStreamDelivery.Delete().Where(logstreamdelivery.StreamID(streamID),
		logstreamdelivery.AtLTE(old.At), logstreamdelivery.IDLTE(old.ID)).Exec(ctx)
	return err
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	r := []rune(s[:n])
	return string(r[:len(r)-1]) + "…"
}

// Announce tells subscribers (logStreamUpdated) that s changed.
func (e *Engine) Announce(ctx context.Context, s *ent.LogStream, deleted bool) {
	Announce(ctx, e.broker, e.log, s, deleted)
}

// Announce publishes a stream notice; failures are only logged
// (subscribers resync on reconnects).
func Announce(ctx context.Context, b pubsub.Broker, log *slog.Logger, s *ent.LogStream, deleted bool) {
	if b == nil {
		return
	}
	n := Notice{ID: s.ID, Delete: deleted}
	if s.TenantID != nil {
		n.Tenant = *s.TenantID
	}
	payload, _ := json.Marshal(n)
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := b.Publish(ctx, Topic, payload); err != nil {
		log.Warn("streams: announce", "stream", s.ID, "err", err)
	}
}
