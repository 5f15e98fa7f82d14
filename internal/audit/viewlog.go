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
	"github.com/trailmark/trailmark/internal/clock"
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
//
// Repeats are folded so that a person paging and refreshing does not drown
// the log in their own reads: the first read of a viewer with given
// arguments opens a window and is recorded as usual; identical reads within
// the window are only counted, and when the window ends (or at Close) one
// more entry records their count and first and last time. Recorded entries
// are never updated. The windows live in this process's memory: each
// replica folds its own reads, and a killed process loses the counts of its
// open windows.
type ViewLog struct {
	client *ent.Client
	log    *slog.Logger
	now    func() time.Time

	// FlushInterval and FlushSize bound how long and how many entries wait.
	flushInterval time.Duration
	flushSize     int
	// window is how long identical reads are folded; <= 0 records each.
	window time.Duration

	queue chan viewRead
	flush chan chan struct{}
	done  chan struct{}

	mu     sync.RWMutex
	closed bool
}

// DefaultViewWindow is how long identical reads are folded into one entry.
const DefaultViewWindow = 10 * time.Minute

// ViewLogOptions tune a ViewLog; zero values take the defaults.
type ViewLogOptions struct {
	FlushInterval time.Duration // default 1s
	FlushSize     int           // default 100
	QueueSize     int           // default 10 000
	// Window folds identical reads of one viewer (default
	// DefaultViewWindow); negative records every read.
	Window time.Duration
	// Now is the clock (default time.Now); tests move it to close windows.
	Now func() time.Time
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
	if opts.Window == 0 {
		opts.Window = DefaultViewWindow
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	l := &ViewLog{
		client: client, log: log, now: opts.Now,
		flushInterval: opts.FlushInterval, flushSize: opts.FlushSize,
		window: opts.Window,
		queue:  make(chan viewRead, opts.QueueSize),
		flush:  make(chan chan struct{}),
		done:   make(chan struct{}),
	}
	go l.run()
	return l
}

// View describes one read of the log.
type View struct {
	// TenantIDs are the tenants whose log was read; nil in the list is the
	// platform log. Each gets its own entry.
	TenantIDs []*string
	// Details say what was read (the filter, where, search, order…): they
	// go into the entry's metadata, and reads with equal Details fold.
	Details map[string]any
	// Paging says which part was read (page size, offset): it goes into the
	// metadata of the first read only and does not tell reads apart. Record
	// keeps the map (the writer reads it): do not change it afterwards.
	Paging map[string]any
}

// viewRead is one queued read: its entry and what folds it with others.
// The entry's metadata (the Details and the Paging) is written by the
// writer, and only for a read it records: most reads fold into a window
// and never need it.
type viewRead struct {
	entry Entry
	key   foldKey
	// details is the Details' JSON, the metadata of a folded entry;
	// detailsOK is false when they could not be written.
	details   []byte
	detailsOK bool
	paging    map[string]any
}

// foldKey tells reads apart: the tenant, the viewer and the Details.
type foldKey struct {
	tenant, who, details string
}

// metadata is the metadata of a recorded read: the Details and the Paging
// in one object, as json.Marshal writes the union of the two maps (the
// Details' values as Record wrote them, keys sorted); nil when both are
// empty or cannot be written.
func (r viewRead) metadata() schematype.RawJSON {
	if !r.detailsOK {
		return nil
	}
	all := map[string]json.RawMessage{}
	if err := json.Unmarshal(r.details, &all); err != nil {
		return nil
	}
	for k, v := range r.paging {
		b, err := json.Marshal(v)
		if err != nil {
			return nil
		}
		all[k] = b
	}
	if len(all) == 0 {
		return nil
	}
	b, err := json.Marshal(all)
	if err != nil {
		return nil
	}
	return b
}

// foldWindow counts the reads folded after the first of a key.
type foldWindow struct {
	opened      time.Time
	count       int
	first, last time.Time
	latest      Entry // the last folded read: its actor and request
	details     []byte
}

// FoldedReads is the metadata member of an entry that closes a window.
type FoldedReads struct {
	Count   int       `json:"count"`
	FirstAt time.Time `json:"firstAt"`
	LastAt  time.Time `json:"lastAt"`
}

// Record queues a read by v of each tenant's log; the writer records it,
// or counts it in the window of an identical earlier read. It does not
// wait for the database; if the queue is full (the database is far behind)
// it waits rather than lose the record.
func (l *ViewLog) Record(v *viewer.Viewer, view View) {
	if l == nil || len(view.TenantIDs) == 0 {
		return
	}
	now := l.now()
	details, err := json.Marshal(view.Details)
	detailsOK := err == nil
	if err != nil || view.Details == nil {
		details = []byte("{}")
	}
	actor := ActorOf(v)
	who := string(actor.Type)
	if actor.ID != nil {
		who += " " + *actor.ID
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
			Actor:        actor,
			Request:      requestOf(v),
		}
		tenantKey := ""
		if t == nil {
			e.ResourceID = nil
		} else {
			tenantKey = *t
		}
		l.queue <- viewRead{entry: e, key: foldKey{tenantKey, who, string(details)},
			details: details, detailsOK: detailsOK, paging: view.Paging}
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
	windows := map[foldKey]*foldWindow{}
	write := func() {
		if len(pending) > 0 {
			l.write(pending)
			pending = pending[:0]
		}
	}
	// closeWindow queues the entry that ends w, if it folded any read.
	closeWindow := func(w *foldWindow) {
		if w.count == 0 {
			return
		}
		meta := map[string]any{}
		_ = json.Unmarshal(w.details, &meta)
		meta["folded"] = FoldedReads{Count: w.count, FirstAt: clock.Stored(w.first), LastAt: clock.Stored(w.last)}
		e := w.latest
		e.Metadata, _ = json.Marshal(meta)
		e.OccurredAt = w.last
		e.ReceivedAt = l.now()
		pending = append(pending, e)
	}
	// closeEnded closes the windows that have ended by now.
	closeEnded := func() {
		now := l.now()
		for k, w := range windows {
			if !now.Before(w.opened.Add(l.window)) {
				closeWindow(w)
				delete(windows, k)
			}
		}
	}
	add := func(r viewRead) {
		if l.window <= 0 {
			r.entry.Metadata = r.metadata()
			pending = append(pending, r.entry)
			return
		}
		at := r.entry.OccurredAt
		if w, ok := windows[r.key]; ok {
			if at.Before(w.opened.Add(l.window)) {
				if w.count == 0 {
					w.first = at
				}
				w.count++
				w.last = at
				w.latest = r.entry
				return
			}
			closeWindow(w)
		}
		windows[r.key] = &foldWindow{opened: at, details: r.details}
		r.entry.Metadata = r.metadata()
		pending = append(pending, r.entry)
	}
	for {
		select {
		case r, ok := <-l.queue:
			if !ok {
				for _, w := range windows {
					closeWindow(w)
				}
				write()
				return
			}
			add(r)
			if len(pending) >= l.flushSize {
				write()
			}
		case ack := <-l.flush:
			for drained := false; !drained; {
				select {
				case r, ok := <-l.queue:
					if !ok {
						drained = true
						break
					}
					add(r)
				default:
					drained = true
				}
			}
			closeEnded()
			write()
			close(ack)
		case <-tick.C:
			closeEnded()
			write()
		}
	}
}

// write stores a batch as the system; entries of tenants deleted since the
// read are dropped so they cannot fail the rest. The resource name of an
// entry is its tenant's name, so that people see which log was read.
func (l *ViewLog) write(batch []Entry) {
	ctx, cancel := context.WithTimeout(rule.AsSystem(context.Background()), 30*time.Second)
	defer cancel()
	var tenantIDs []string
	for _, e := range batch {
		if e.TenantID != nil {
			tenantIDs = append(tenantIDs, *e.TenantID)
		}
	}
	names := map[string]string{}
	if len(tenantIDs) > 0 {
		ts, err := l.client.Tenant.Query().Where(tenant.IDIn(tenantIDs...)).
			Select(tenant.FieldID, tenant.FieldName).All(ctx)
		if err != nil {
			l.log.Error("record audit_log.view: look up tenants", "err", err, "entries", len(batch))
			return
		}
		for _, t := range ts {
			names[t.ID] = t.Name
		}
	}
	var keep []Entry
	for _, e := range batch {
		if e.TenantID == nil {
			keep = append(keep, e)
		} else if name, ok := names[*e.TenantID]; ok {
			e.ResourceName = &name
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
