package audit

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/rule"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/ent/tenant"
	"github.com/trailmark/trailmark/internal/txn"
	"github.com/trailmark/trailmark/internal/viewer"
)

// ViewAction is recorded for each read of an audit log (API.md "Trailmark
// audits itself").
const ViewAction = "audit_log.view"

// ViewLog records audit_log.view entries without slowing the reads it
// records: Record only queues; a goroutine writes the queue in one
// multi-row INSERT every FlushInterval or FlushSize entries. Close flushes
// what is queued; the server calls it on shutdown after the HTTP server has
// drained.
type ViewLog struct {
	client *ent.Client
	log    *slog.Logger

	// FlushInterval and FlushSize bound how long and how many entries wait.
	flushInterval time.Duration
	flushSize     int

	queue chan Entry
	flush chan chan struct{}
	done  chan struct{}

	mu     sync.RWMutex
	closed bool
}

// ViewLogOptions tune a ViewLog; zero values take the defaults.
type ViewLogOptions struct {
	FlushInterval time.Duration // default 1s
	FlushSize     int           // default 100
	QueueSize     int           // default 10 000
}

// NewViewLog starts a writer of audit_log.view entries into client.
func NewViewLog(client *ent.Client, log *slog.Logger, opts ViewLogOptions) *ViewLog {
	if opts.FlushInterval <= 0 {
		opts.FlushInterval = time.Second
	}
	if opts.FlushSize <= 0 {
		opts.FlushSize = 100
	}
	if opts.QueueSize <= 0 {
		opts.QueueSize = 10_000
	}
	l := &ViewLog{
		client: client, log: log,
		flushInterval: opts.FlushInterval, flushSize: opts.FlushSize,
		queue: make(chan Entry, opts.QueueSize),
		flush: make(chan chan struct{}),
		done:  make(chan struct{}),
	}
	go l.run()
	return l
}

// View describes one read of the log.
type View struct {
	// TenantIDs are the tenants whose log was read; nil in the list is the
	// platform log. Each gets its own entry.
	TenantIDs []*string
	// Details go into the entry's metadata (the filter, where, search…).
	Details map[string]any
}

// Record queues an audit_log.view entry per tenant read by v. It does not
// wait for the database; if the queue is full (the database is far behind)
// it waits rather than lose the record.
func (l *ViewLog) Record(v *viewer.Viewer, view View) {
	if l == nil || len(view.TenantIDs) == 0 {
		return
	}
	now := time.Now()
	var meta schematype.RawJSON
	if len(view.Details) > 0 {
		if b, err := json.Marshal(view.Details); err == nil {
			meta = b
		}
	}
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.closed {
		l.log.Warn("audit_log.view after shutdown not recorded")
		return
	}
	for _, t := range view.TenantIDs {
		e := Entry{
			TenantID:     t,
			OccurredAt:   now,
			ReceivedAt:   now,
			Action:       ViewAction,
			ResourceType: "audit_log",
			ResourceID:   t,
			Actor:        ActorOf(v),
			Metadata:     meta,
			Request:      requestOf(v),
		}
		if t == nil {
			e.ResourceID = nil
		}
		l.queue <- e
	}
}

// Flush writes everything queued so far and waits for it (tests use it to
// observe the entries without sleeping).
func (l *ViewLog) Flush(ctx context.Context) error {
	ack := make(chan struct{})
	select {
	case l.flush <- ack:
	case <-l.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-ack:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close stops accepting entries, writes what is queued and returns when it
// is stored or ctx ends.
func (l *ViewLog) Close(ctx context.Context) error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	if !l.closed {
		l.closed = true
		close(l.queue)
	}
	l.mu.Unlock()
	select {
	case <-l.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (l *ViewLog) run() {
	defer close(l.done)
	tick := time.NewTicker(l.flushInterval)
	defer tick.Stop()
	var pending []Entry
	write := func() {
		if len(pending) > 0 {
			l.write(pending)
			pending = pending[:0]
		}
	}
	for {
		select {
		case e, ok := <-l.queue:
			if !ok {
				write()
				return
			}
			pending = append(pending, e)
			if len(pending) >= l.flushSize {
				write()
			}
		case ack := <-l.flush:
			for drained := false; !drained; {
				select {
				case e, ok := <-l.queue:
					if !ok {
						drained = true
						break
					}
					pending = append(pending, e)
				default:
					drained = true
				}
			}
			write()
			close(ack)
		case <-tick.C:
			write()
		}
	}
}

// write stores a batch as the system; entries of tenants deleted since the
// read are dropped so they cannot fail the rest.
func (l *ViewLog) write(batch []Entry) {
	ctx, cancel := context.WithTimeout(rule.AsSystem(context.Background()), 30*time.Second)
	defer cancel()
	var tenantIDs []string
	for _, e := range batch {
		if e.TenantID != nil {
			tenantIDs = append(tenantIDs, *e.TenantID)
		}
	}
	exists := map[string]bool{}
	if len(tenantIDs) > 0 {
		ids, err := l.client.Tenant.Query().Where(tenant.IDIn(tenantIDs...)).IDs(ctx)
		if err != nil {
			l.log.Error("record audit_log.view: look up tenants", "err", err, "entries", len(batch))
			return
		}
		for _, id := range ids {
			exists[id] = true
		}
	}
	var keep []Entry
	for _, e := range batch {
		if e.TenantID == nil || exists[*e.TenantID] {
			keep = append(keep, e)
		}
	}
	for start := 0; start < len(keep); start += insertChunk {
		chunk := keep[start:min(start+insertChunk, len(keep))]
		if err := l.writeChunk(ctx, chunk); err != nil {
			l.log.Error("record audit_log.view", "err", err, "entries", len(chunk))
		}
	}
}

// writeChunk inserts entries in one transaction, so that the live feed
// announces them in one notification on commit rather than one per row.
func (l *ViewLog) writeChunk(ctx context.Context, entries []Entry) error {
	return txn.Do(ctx, l.client, func(tx *ent.Tx) error {
		builders := make([]*ent.AuditEntryCreate, len(entries))
		for i, e := range entries {
			builders[i] = Create(tx.AuditEntry, e)
		}
		return tx.AuditEntry.CreateBulk(builders...).Exec(ctx)
	})
}

func requestOf(v *viewer.Viewer) *schematype.RequestInfo {
	r := v.Request
	if r == nil {
		return nil
	}
	return &schematype.RequestInfo{
		Method:        nonEmpty(r.Method),
		Path:          nonEmpty(r.Path),
		OperationName: nonEmpty(r.OperationName),
		SourceIP:      nonEmpty(r.SourceIP),
		UserAgent:     nonEmpty(r.UserAgent),
	}
}
