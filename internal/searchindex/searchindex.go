// Package searchindex fills the search index (audit_search, migration
// audit_search; docs/indexes.md "Search: a side index off the commit path")
// in the background, so that no ingest transaction pays for it.
//
// It follows each log in seq order, as streams do: the ledger's sequencer
// numbers the committed leaves of a log (internal/ledger), and the indexer
// copies the searched text of the entries below the log's next seq into
// audit_search and moves the log's watermark (audit_search_heads) in the
// same transaction. A search then reads the index for entries below the
// watermark and scans the rest — entries not numbered yet or numbered
// since — which is what audit.Search does, so a search is complete the
// moment an entry is acknowledged. One replica indexes at a time (a lease
// in log_leases).
package searchindex

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"entgo.io/ent/dialect"
	"github.com/trailmark/trailmark/internal/lease"
	"github.com/trailmark/trailmark/internal/sqltext"
)

// Config tunes the indexer. Zero values take the defaults.
type Config struct {
	// Every is the time between two passes (default 1s): how long an entry
	// may stay in the scanned tail after it was numbered.
	Every time.Duration
	// Batch caps the entries one transaction indexes (default 5000 on
	// PostgreSQL, 500 on SQLite), so a backfill after the migration
	// proceeds in short transactions. SQLite has one writer: 5 000 entries
	// held it for 350 ms on the loaded test machine, 500 hold it for about
	// what a batch of ingestion does.
	Batch int
	// Lease is how long the indexer's claim holds without renewal
	// (default 10s).
	Lease time.Duration
	// Off runs no background passes (tests that need entries to stay in
	// the tail call Pass themselves).
	Off bool
	// Share is the most of its wall time the background loop spends
	// indexing (default 0.2): after a batch that took d it rests
	// d·(1/Share − 1). Indexing costs the database about what inserting the
	// entries did (docs/performance.md), so at full speed a backfill or a
	// burst of ingestion would take a core from the requests; at 0.2 the
	// index falls behind instead, and searches scan the longer tail until it
	// catches up. 1 disables the rest.
	Share float64
}

func (c *Config) defaults() {
	if c.Every <= 0 {
		c.Every = time.Second
	}
	if c.Batch <= 0 {
		c.Batch = 5000
	}
	if c.Lease <= 0 {
		c.Lease = 10 * time.Second
	}
	if c.Share <= 0 || c.Share > 1 {
		c.Share = 0.2
	}
}

// leaseName is the indexer's row in log_leases (the sequencer's is
// "sequencer").
const leaseName = "search-indexer"

// Indexer keeps audit_search up with the sequenced logs of one database.
type Indexer struct {
	db    *sql.DB
	dia   string
	cfg   Config
	log   *slog.Logger
	lease *lease.Lease

	stop     chan struct{}
	done     chan struct{}
	stopOnce sync.Once
}

// New returns an indexer of db; Start runs it.
func New(db *sql.DB, dia string, cfg Config, log *slog.Logger) *Indexer {
	if cfg.Batch <= 0 && dia == dialect.SQLite {
		cfg.Batch = 500
	}
	cfg.defaults()
	return &Indexer{db: db, dia: dia, cfg: cfg, log: log, lease: lease.New(db, dia, leaseName, cfg.Lease),
		stop: make(chan struct{}), done: make(chan struct{})}
}

// Start runs passes every Config.Every until Stop (unless Config.Off).
func (x *Indexer) Start() {
	if x.cfg.Off {
		close(x.done)
		return
	}
	go x.run()
}

// Stop ends the passes and releases the lease.
func (x *Indexer) Stop(ctx context.Context) error {
	x.stopOnce.Do(func() { close(x.stop) })
	select {
	case <-x.done:
	case <-ctx.Done():
		return ctx.Err()
	}
	return x.lease.Release(ctx)
}

func (x *Indexer) run() {
	defer close(x.done)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-x.stop
		cancel()
	}()
	tick := time.NewTicker(x.cfg.Every)
	defer tick.Stop()
	for {
		if held, err := x.claim(ctx); err != nil {
			if ctx.Err() == nil {
				x.log.Warn("search index: lease", "err", err)
			}
		} else if held {
			if err := x.pass(ctx, x.restAndRenew); err != nil && ctx.Err() == nil && !errors.Is(err, errLeaseLost) {
				x.log.Warn("search index: pass failed", "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// claim takes or renews the indexer's lease.
func (x *Indexer) claim(ctx context.Context) (bool, error) { return x.lease.Claim(ctx, time.Now()) }

// Pass indexes every numbered entry of every log that is not indexed yet,
// Config.Batch entries a transaction. The background loop runs it under
// the lease; tests call it to index at once.
func (x *Indexer) Pass(ctx context.Context) error {
	return x.pass(ctx, func(context.Context, time.Duration) error { return nil })
}

// errLeaseLost ends a background pass whose lease another replica took.
var errLeaseLost = errors.New("search index: the lease was taken over")

// restAndRenew waits after a batch that took took, so that indexing keeps
// to Config.Share of the loop's time, and renews the lease (a backfill is
// one long pass).
func (x *Indexer) restAndRenew(ctx context.Context, took time.Duration) error {
	if x.cfg.Share < 1 {
		t := time.NewTimer(time.Duration(float64(took) * (1/x.cfg.Share - 1)))
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
	held, err := x.claim(ctx)
	if err == nil && !held {
		err = errLeaseLost
	}
	return err
}

// pass is Pass with after called after each batch; its error ends the pass.
func (x *Indexer) pass(ctx context.Context, after func(context.Context, time.Duration) error) error {
	behind, err := x.behind(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, h := range behind {
		for h.from < h.to {
			upTo := min(h.to, h.from+int64(x.cfg.Batch))
			start := time.Now()
			if err := x.index(ctx, h.logID, h.from, upTo); err != nil {
				errs = append(errs, fmt.Errorf("log %s: %w", h.logID, err))
				break
			}
			h.from = upTo
			if err := after(ctx, time.Since(start)); err != nil {
				return errors.Join(append(errs, err)...)
			}
		}
	}
	return errors.Join(errs...)
}

// lag is a log whose seqs [from, to) are numbered but not indexed.
type lag struct {
	logID    string
	from, to int64
}

// behind lists the logs whose watermark is below their next seq.
func (x *Indexer) behind(ctx context.Context) ([]lag, error) {
	rows, err := x.db.QueryContext(ctx, `SELECT h.log_id, COALESCE(s.indexed_seq, 0), h.next_seq FROM log_heads h
LEFT JOIN audit_search_heads s ON s.log_id = h.log_id WHERE h.next_seq > COALESCE(s.indexed_seq, 0)`)
	if err != nil {
		return nil, fmt.Errorf("find logs to index: %w", err)
	}
	defer rows.Close()
	var out []lag
	for rows.Next() {
		var l lag
		if err := rows.Scan(&l.logID, &l.from, &l.to); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// Doc is the indexed text of an entry: its searched columns, lowered, one
// per line (audit.Search's candidates are the entries whose text contains
// the search text; its exact per-column check decides). The order and
// the columns are internal/audit's searchColumns.
const Doc = `LOWER(COALESCE(e.action, '') || CHR(10) || COALESCE(e.resource_type, '') || CHR(10) ||
COALESCE(e.resource_id, '') || CHR(10) || COALESCE(e.resource_name, '') || CHR(10) ||
COALESCE(e.actor_name, '') || CHR(10) || COALESCE(e.actor_email, '') || CHR(10) ||
COALESCE(e.actor_id, '') || CHR(10) || COALESCE(e.workspace, ''))`

// index copies the entries of seqs [from, to) of a log into audit_search
// (with their log, so that a tenant's search reads only its own rows) and
// moves the log's watermark to `to`, in one transaction. Entries that
// retention deleted are skipped (their leaves stay). The watermark moves
// only from `from`: a second indexer (a lease taken over) that got there
// first makes this one roll back.
func (x *Indexer) index(ctx context.Context, logID string, from, to int64) (err error) {
	tx, err := x.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	// PostgreSQL's rows carry the entry's occurred_at: a common text's page
	// walks them in that order (audit.SearchWalk).
	cols, vals := "entry_id, log_id, doc", "e.id, l.log_id, "+x.doc()
	if x.dia == dialect.Postgres {
		cols, vals = "entry_id, log_id, occurred_at, doc", "e.id, l.log_id, e.occurred_at, "+x.doc()
	}
	if _, err := tx.ExecContext(ctx, x.rebind(`INSERT INTO audit_search (`+cols+`)
SELECT `+vals+` FROM log_leaves l JOIN audit_entries e ON e.id = l.entry_id
WHERE l.log_id = $1 AND l.seq >= $2 AND l.seq < $3
ON CONFLICT (entry_id) DO NOTHING`), logID, from, to); err != nil {
		return fmt.Errorf("index entries: %w", err)
	}
	res, err := tx.ExecContext(ctx, x.rebind(`INSERT INTO audit_search_heads (log_id, indexed_seq) VALUES ($1, $3)
ON CONFLICT (log_id) DO UPDATE SET indexed_seq = EXCLUDED.indexed_seq WHERE audit_search_heads.indexed_seq = $2`),
		logID, from, to)
	if err != nil {
		return fmt.Errorf("move search watermark: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("search watermark of %s moved under the indexer (another replica?)", logID)
	}
	return tx.Commit()
}

// doc is Doc for the dialect: SQLite spells CHR as CHAR.
func (x *Indexer) doc() string {
	if x.dia == dialect.SQLite {
		return strings.ReplaceAll(Doc, "CHR(10)", "CHAR(10)")
	}
	return Doc
}

// rebind rewrites $N placeholders as ?N on SQLite.
func (x *Indexer) rebind(q string) string { return sqltext.Rebind(x.dia, q) }
