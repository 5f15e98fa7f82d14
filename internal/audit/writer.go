package audit

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"entgo.io/ent/dialect"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/internal/ids"
	"github.com/trailmark/trailmark/internal/txn"
)

// Writer records ingested batches. With group commit on (PostgreSQL; SQLite
// with one committer), the
// batches of concurrent requests share one transaction — one BEGIN, one
// COMMIT, one WAL flush for all of them — and each request is answered only
// after that commit, so durability is what Record gives
// (docs/design/ingest-writer.md §1).
//
// Grouping is natural, not timed: a committer takes whatever requests are
// queued, writes each with the very code Record runs (its own privacy
// checks, idempotency and conflicts), and commits; the requests that arrive
// meanwhile form the next group. A lone request waits for nobody.
//
// One bad request must not fail the others: when anything in a group fails,
// the group is rolled back and each of its requests is written again alone,
// in its own transaction, so exactly the failing one gets its error.
type Writer struct {
	client *ent.Client
	queue  chan *pending
	max    int
	batch  int
	form   insertForm
	wg     sync.WaitGroup
	once   sync.Once
	stop   chan struct{}

	// Groups and Grouped count committed groups and the requests in them
	// (metrics; tests); Statements the INSERTs that wrote the committed
	// groups' entries with a shared statement (tests).
	Groups, Grouped, Retried, Statements atomic.Int64
}

// WriterOptions tune group commit.
type WriterOptions struct {
	// Committers is how many groups may be in flight at once (0: no group
	// commit: every request has its own transaction, as Record).
	Committers int
	// MaxEntries caps the entries of one group (default 5000).
	MaxEntries int
	// MaxBatch is the largest request that joins a group (default
	// DefaultMaxBatch entries); bigger ones have their own transaction.
	MaxBatch int
	// Arrays writes the rows of a batch, and of all the requests of a
	// group, with one INSERT instead of ent's multi-row INSERT a request:
	// of column arrays on PostgreSQL (measured: docs/performance.md "Batch
	// ingestion"), of VALUES rows on SQLite (Dialect; "SQLite's serial
	// time").
	Arrays bool
	// Dialect is the database's (entgo.io/ent/dialect): which statement
	// Arrays writes.
	Dialect string
}

// DefaultMaxBatch is the largest request that joins a group unless
// WriterOptions say otherwise. Batches up to 100 entries join: since a
// group's requests share one INSERT, 32 concurrent 50-entry batches written
// as a few groups cost PostgreSQL about a third less CPU an entry than as
// 32 concurrent transactions (each with its statement, its two
// statement-level triggers and its commit, and all of them contending for
// the same index pages), and the app a fifth less (docs/performance.md
// "2026-12-06 (late morning) — the ingest request's CPU"). Bigger batches
// keep their own transaction: at 1 000 entries a group saved nothing
// measurable, and a group of them would hold the small requests queued
// behind it for the length of a long statement. (The earlier limit, 16,
// dates from when each request of a group had its own INSERT: inside a
// group a batch then only waited behind the others.)
const DefaultMaxBatch = 100

type pending struct {
	ctx     context.Context
	entries []Entry
	rows    *readyBatch // for the shared statement (nil: not ready yet)
	done    chan struct{}
	res     *Result
	err     error
}

// NewWriter returns a writer on c; Close stops its committers.
func NewWriter(c *ent.Client, o WriterOptions) *Writer {
	w := &Writer{client: c, max: o.MaxEntries, batch: o.MaxBatch, stop: make(chan struct{})}
	switch {
	case o.Arrays && o.Dialect == dialect.SQLite:
		w.form = sqliteValues
	case o.Arrays:
		w.form = pgArrays
	}
	if w.max <= 0 {
		w.max = 5000
	}
	if w.batch <= 0 {
		w.batch = DefaultMaxBatch
	}
	if o.Committers <= 0 {
		return w
	}
	w.queue = make(chan *pending, 1024)
	for range o.Committers {
		w.wg.Add(1)
		go w.commitLoop()
	}
	return w
}

// Close stops the committers once the queued requests are written.
func (w *Writer) Close(context.Context) error {
	w.once.Do(func() { close(w.stop) })
	w.wg.Wait()
	return nil
}

// Record stores prepared entries of one tenant like the package's Record,
// sharing the commit with concurrent requests when group commit is on.
func (w *Writer) Record(ctx context.Context, entries []Entry) (*Result, error) {
	if w.queue == nil || len(entries) == 0 || len(entries) > w.batch {
		return recordTx(ctx, w.client, entries, w.form)
	}
	p := &pending{ctx: ctx, entries: entries, done: make(chan struct{})}
	if w.form != builders {
		// A batch it cannot ready fails in the committer, as before.
		p.rows, _ = readyRows(entries, w.form)
	}
	select {
	case w.queue <- p:
	case <-w.stop:
		return recordTx(ctx, w.client, entries, w.form)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	select {
	case <-p.done:
		return p.res, p.err
	case <-ctx.Done():
		// The group may still commit these entries; the client retries
		// with its idempotency keys, as after any lost answer.
		return nil, ctx.Err()
	}
}

func (w *Writer) commitLoop() {
	defer w.wg.Done()
	for {
		var first *pending
		select {
		case first = <-w.queue:
		case <-w.stop:
			// Drain what is queued, then stop.
			for {
				select {
				case p := <-w.queue:
					w.commit([]*pending{p})
				default:
					return
				}
			}
		}
		group, n := []*pending{first}, len(first.entries)
	collect:
		for n < w.max {
			select {
			case p := <-w.queue:
				group = append(group, p)
				n += len(p.entries)
			default:
				break collect
			}
		}
		w.commit(group)
	}
}

// commit writes a group in one transaction, or each request alone when the
// group fails (or holds one request).
func (w *Writer) commit(group []*pending) {
	live := group[:0]
	for _, p := range group {
		if err := p.ctx.Err(); err != nil {
			p.err = err
			close(p.done)
			continue
		}
		live = append(live, p)
	}
	if len(live) == 0 {
		return
	}
	if len(live) == 1 {
		p := live[0]
		p.res, p.err = recordTx(context.WithoutCancel(p.ctx), w.client, p.entries, w.form)
		close(p.done)
		return
	}
	results, err := w.recordGroup(live)
	if err == nil {
		w.Groups.Add(1)
		w.Grouped.Add(int64(len(live)))
		for i, p := range live {
			p.res = results[i]
			close(p.done)
		}
		return
	}
	// Someone's request failed (or the commit did): write each alone.
	for _, p := range live {
		w.Retried.Add(1)
		p.res, p.err = recordTx(context.WithoutCancel(p.ctx), w.client, p.entries, w.form)
		close(p.done)
	}
}

// recordGroup runs every request's record in one transaction. Each
// request's own context (its viewer, for the privacy rules) is used for its
// statements, without its cancellation: one client going away must not
// fail the group.
func (w *Writer) recordGroup(group []*pending) ([]*Result, error) {
	ctx := context.Background()
	if w.form == sqliteValues {
		ctx = txn.WithOwnForeignKeys(ctx) // recordShared checks the tenants
	}
	tx, err := w.client.Tx(ctx)
	if err != nil {
		return nil, err
	}
	results := make([]*Result, len(group))
	statements := 0
	if w.form != builders {
		statements, err = recordShared(tx.Client(), group, results, w.form)
	} else {
		for i, p := range group {
			var b batch
			if b, err = newBatch(p.entries); err != nil {
				break
			}
			if results[i], err = record(context.WithoutCancel(p.ctx), tx.Client(), b.tenantID, p.entries, b.firstOf, b.keys, builders); err != nil {
				break
			}
		}
	}
	if err != nil {
		_ = tx.Rollback()
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	for _, r := range results {
		detach(r)
	}
	w.Statements.Add(int64(statements))
	return results, nil
}

// recordShared writes the entries of every request of a group with one
// shared statement in c's transaction — column arrays on PostgreSQL, VALUES
// rows on SQLite (a few statements of power-of-two sizes: values.go) —
// sets results and says how many statements wrote the rows.
//
// Each request's rows pass the privacy rules and the other hooks with that
// request's own context first (checkRows), exactly as when it is written
// alone; only the INSERT is shared. One statement instead of one per
// request: PostgreSQL parses, plans and runs the INSERT, its
// statement-level triggers (the counters, the log leaves) and the round
// trip once a group rather than once a request (docs/performance.md,
// "one statement a group"); SQLite keeps a statement journal once a
// statement rather than once a request.
//
// Idempotency keys are settled as for a request alone (insertWithArrays):
// the statement skips the rows whose key is taken — stored before, by
// another replica's transaction (ON CONFLICT waits for it to end), or by
// an earlier row of this very statement (a key repeated across the group's
// requests) — and each request then reads the entries stored under its
// taken keys, which this transaction sees. Its answer is the one it would
// get written alone right after the requests whose rows won its keys; a
// key holding other content fails the group, and the writer then writes
// each request alone, so the conflicting one gets its error and the others
// theirs.
func recordShared(c *ent.Client, group []*pending, results []*Result, form insertForm) (statements int, err error) {
	var (
		rows   []Entry
		hashes []string
		args   []any
	)
	anyKey := false
	var tenants []string
	for _, p := range group {
		if p.rows == nil {
			if p.rows, err = readyRows(p.entries, form); err != nil {
				return 0, err
			}
		}
		if err := checkRows(context.WithoutCancel(p.ctx), c, p.rows.rows); err != nil {
			return 0, err
		}
		anyKey = anyKey || len(p.rows.b.keys) > 0
		if !slices.Contains(tenants, p.rows.b.tenantID) {
			tenants = append(tenants, p.rows.b.tenantID)
		}
		rows = append(rows, p.rows.rows...)
		hashes = append(hashes, p.rows.hashes...)
		args = append(args, p.rows.args...)
	}
	if form == sqliteValues {
		// The group's transaction runs without foreign keys.
		if err := tenantsExist(context.Background(), c, tenants); err != nil {
			return 0, err
		}
	}
	// No request's deadline bounds the statement: one client going away
	// must not fail the group (as for the transaction itself).
	nodes, statements, err := writeShared(context.Background(), c, sharedRows{rows: rows, hashes: hashes, args: args}, anyKey, form)
	if err != nil {
		return 0, err
	}
	for i, p := range group {
		pt := p.rows
		var byKey map[string]*ent.AuditEntry
		if len(pt.b.keys) > 0 {
			byKey = make(map[string]*ent.AuditEntry, len(pt.b.keys))
			var taken []string
			for _, e := range pt.rows {
				if e.IdempotencyKey == nil {
					continue
				}
				if n := nodes[e.ID]; n != nil {
					byKey[*e.IdempotencyKey] = n
				} else {
					taken = append(taken, *e.IdempotencyKey)
				}
			}
			if len(taken) > 0 {
				_, old, err := readStored(context.WithoutCancel(p.ctx), c, pt.b.tenantID, nil, taken)
				if err != nil {
					return 0, err
				}
				for k, n := range old {
					byKey[k] = n
				}
			}
		}
		res := &Result{Entries: make([]*ent.AuditEntry, len(p.entries)), Replayed: make([]bool, len(p.entries))}
		if results[i], err = answer(res, p.entries, pt.b.firstOf, pt.idOf, nodes, byKey); err != nil {
			return 0, err
		}
	}
	return statements, nil
}

// readyBatch is a request's new rows made ready for the group's shared
// statement: ids given, finished, hashed and, on SQLite, turned into the
// statement's values. The request's own goroutine does this before it
// queues, so that the group's committer — SQLite's one writer — only
// checks and writes them.
type readyBatch struct {
	b    batch
	idOf []string // the id of each entry's new row ("" for a repeat of a key)
	sharedRows
}

// sharedRows are rows for writeShared, with their hashes and (SQLite) the
// statement's values, insertColumns a row; nil when not computed yet.
type sharedRows struct {
	rows   []Entry
	hashes []string
	args   []any
}

func readyRows(entries []Entry, form insertForm) (*readyBatch, error) {
	b, err := newBatch(entries)
	if err != nil {
		return nil, err
	}
	r := &readyBatch{b: b, idOf: make([]string, len(entries))}
	for j, e := range entries {
		if b.firstOf[j] != j {
			continue // a repeat of an earlier entry's key
		}
		r.idOf[j] = ids.New("AuditEntry")
		e.ID = r.idOf[j]
		e = finish(e)
		r.rows = append(r.rows, e)
		r.hashes = append(r.hashes, Hash(e))
	}
	if form == sqliteValues {
		for i, e := range r.rows {
			if r.args, err = appendRowArgs(r.args, e, r.hashes[i]); err != nil {
				return nil, fmt.Errorf("insert entries: %w", err)
			}
		}
	}
	return r, nil
}

// errNoTenant: a batch without a tenant.
var errNoTenant = errors.New("record entries: a tenant is required")
