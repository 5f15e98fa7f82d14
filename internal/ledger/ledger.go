// Package ledger keeps Trailmark's tamper-evident logs (docs/integrity.md):
// one RFC 6962 Merkle tree per tenant and one for the platform log, whose
// leaves are the entries' content hashes in seq order, and signed
// checkpoints of those trees in the C2SP tlog-checkpoint format.
//
// Every audit entry gets a row in log_leaves in its own transaction (a
// database trigger, so no path that writes entries can skip it). The
// sequencer, on one replica at a time (a lease), gives the committed leaves
// of each log their gapless seq, appends them to the tree (tiles in
// log_tiles, via golang.org/x/mod/sumdb/tlog) and moves the log's head, all
// in one transaction: a crash leaves the old tree or the new one, never a
// gap, a fork or a leaf twice. It then signs a checkpoint, at most every
// CheckpointEvery per log, after checking that the new tree extends the
// last signed one.
package ledger

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"entgo.io/ent/dialect"
	"github.com/trailmark/trailmark/internal/lease"
	"github.com/trailmark/trailmark/internal/sqltext"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// PlatformLog is the log id of the platform log (entries without a tenant).
const PlatformLog = "platform"

// LogID is the log of a tenant's entries ("" or nil: the platform log).
func LogID(tenantID *string) string {
	if tenantID == nil || *tenantID == "" {
		return PlatformLog
	}
	return *tenantID
}

// Config tunes the ledger. Zero values take the defaults.
type Config struct {
	// Origin names this deployment in checkpoints ("<Origin>/<log id>")
	// and is the name of a generated key (default "trailmark").
	Origin string
	// Key is a note signer key ("PRIVATE+KEY+name+hash+key") or the path
	// of a file holding one (TRAILMARK_LOG_KEY). Empty: the key kept in the
	// database, generated on first start.
	Key string
	// MergeDelay bounds how long a committed entry waits for its seq and
	// its place in the tree (default 1s): the sequencer runs a pass every
	// MergeDelay/2.
	MergeDelay time.Duration
	// CheckpointEvery is the least time between two checkpoints of one log
	// (default 2s).
	CheckpointEvery time.Duration
	// Lease is how long the sequencer's claim holds without renewal
	// (default 10s).
	Lease time.Duration
	// Batch caps the leaves one pass appends to one log (default 20000).
	Batch int
	// ThinEvery is how often the sequencer thins old checkpoints (thin.go;
	// default 1h).
	ThinEvery time.Duration
	// KeepAllFor keeps every checkpoint this recent (default 24h); older
	// ones are thinned to the last of each hour until KeepHourlyFor
	// (default 30 days), then to the last of each day.
	KeepAllFor, KeepHourlyFor time.Duration
}

func (c *Config) defaults() {
	if c.Origin == "" {
		c.Origin = "trailmark"
	}
	if c.MergeDelay <= 0 {
		c.MergeDelay = time.Second
	}
	if c.CheckpointEvery <= 0 {
		c.CheckpointEvery = 2 * time.Second
	}
	if c.Lease <= 0 {
		c.Lease = 10 * time.Second
	}
	if c.Batch <= 0 {
		c.Batch = 20000
	}
	if c.ThinEvery <= 0 {
		c.ThinEvery = time.Hour
	}
	if c.KeepAllFor <= 0 {
		c.KeepAllFor = 24 * time.Hour
	}
	if c.KeepHourlyFor < c.KeepAllFor {
		c.KeepHourlyFor = max(30*24*time.Hour, c.KeepAllFor)
	}
}

// Ledger sequences and proves the logs of one database.
type Ledger struct {
	db       *sql.DB
	dia      string
	sql      sqlText
	cfg      Config
	log      *slog.Logger
	signer   note.Signer
	verifier note.Verifier
	vkey     string
	lease    *lease.Lease
	now      func() time.Time

	// OnViolation is called (outside any transaction) when the sequencer
	// finds the stored tree damaged or inconsistent with a checkpoint it
	// signed: the app records an integrity.violation entry.
	OnViolation func(ctx context.Context, logID, detail string)
	// OnCheckpoint is called after a checkpoint is stored, with the time
	// from the receipt of its newest leaf to its signing (metrics).
	OnCheckpoint func(logID string, size int64, lag time.Duration)

	wake     chan struct{}
	stop     chan struct{}
	done     chan struct{}
	stopOnce sync.Once
	violated sync.Map // log id → true once reported, so a damaged log is reported once per process
	// signedAt holds, per log, the creation time of its latest checkpoint
	// this process read or signed: while it is younger than
	// CheckpointEvery, checkpoints skips the log in its read of heads and
	// latest checkpoints, which found nothing due on 28% of its calls
	// (docs/performance.md "the sequencer's cost per pass"). Only a hint:
	// checkpoints only get newer, so a stale time delays a checkpoint by
	// at most CheckpointEvery, and what is signed is still read and
	// checked against the last signed checkpoint.
	signedAt sync.Map // log id → time.Time
}

// Open loads (or generates) the signing key and returns a ledger; Start
// runs its sequencer.
func Open(ctx context.Context, db *sql.DB, dia string, cfg Config, log *slog.Logger) (*Ledger, error) {
	cfg.defaults()
	if strings.ContainsAny(cfg.Origin, "+ \t\n") {
		return nil, fmt.Errorf("log origin %q: no spaces or '+'", cfg.Origin)
	}
	l := &Ledger{db: db, dia: dia, sql: rebind(dia), cfg: cfg, log: log, now: time.Now,
		lease: lease.New(db, dia, "sequencer", cfg.Lease),
		wake:  make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	if err := l.loadKey(ctx); err != nil {
		return nil, err
	}
	return l, nil
}

// VerifierKey is the note verifier key of checkpoints ("name+hash+key", as
// note.NewVerifier reads it).
func (l *Ledger) VerifierKey() string { return l.vkey }

// Origin is the checkpoint origin line of a log.
func (l *Ledger) Origin(logID string) string { return l.cfg.Origin + "/" + logID }

func (l *Ledger) loadKey(ctx context.Context) error {
	skey := strings.TrimSpace(l.cfg.Key)
	if skey != "" && !strings.HasPrefix(skey, "PRIVATE+KEY+") {
		b, err := os.ReadFile(skey)
		if err != nil {
			return fmt.Errorf("TRAILMARK_LOG_KEY: neither a signer key nor a readable file: %w", err)
		}
		skey = strings.TrimSpace(string(b))
	}
	if skey == "" {
		var err error
		if skey, err = l.storedKey(ctx); err != nil {
			return err
		}
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		return fmt.Errorf("log signing key: %w", err)
	}
	vkey, err := verifierKeyOf(skey)
	if err != nil {
		return err
	}
	verifier, err := note.NewVerifier(vkey)
	if err != nil {
		return fmt.Errorf("log verifier key: %w", err)
	}
	l.signer, l.verifier, l.vkey = signer, verifier, vkey
	return nil
}

// storedKey returns the key kept in the database, generating it on the
// first start (every replica then reads the same one).
func (l *Ledger) storedKey(ctx context.Context) (string, error) {
	var skey string
	err := l.db.QueryRowContext(ctx, l.sql(`SELECT signer FROM log_keys ORDER BY created_at LIMIT 1`)).Scan(&skey)
	if err == nil {
		return skey, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("read log key: %w", err)
	}
	skey, vkey, err := note.GenerateKey(rand.Reader, l.cfg.Origin)
	if err != nil {
		return "", err
	}
	if _, err := l.db.ExecContext(ctx, l.sql(`INSERT INTO log_keys (name, signer, verifier, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING`),
		l.cfg.Origin, skey, vkey, l.now().UTC()); err != nil {
		return "", fmt.Errorf("store log key: %w", err)
	}
	if err := l.db.QueryRowContext(ctx, l.sql(`SELECT signer FROM log_keys ORDER BY created_at LIMIT 1`)).Scan(&skey); err != nil {
		return "", fmt.Errorf("read log key: %w", err)
	}
	l.log.Warn("ledger: NO TRAILMARK_LOG_KEY SET — generated a checkpoint signing key and stored it IN THE DATABASE. "+
		"Anyone who can read the database can sign checkpoints with it. For production set TRAILMARK_LOG_KEY "+
		"(docs/integrity.md \"The signing key\").", "verifier_key", vkey)
	return skey, nil
}

// verifierKeyOf derives the verifier key of a note signer key
// ("PRIVATE+KEY+name+hash+base64(alg ‖ seed)").
func verifierKeyOf(skey string) (string, error) {
	parts := strings.SplitN(skey, "+", 5) // the base64 key may hold '+'
	if len(parts) != 5 || parts[0] != "PRIVATE" || parts[1] != "KEY" {
		return "", errors.New("log signing key: not a note signer key")
	}
	raw, err := base64.StdEncoding.DecodeString(parts[4])
	if err != nil || len(raw) != 33 || raw[0] != 1 {
		return "", errors.New("log signing key: not an Ed25519 note key")
	}
	return note.NewEd25519VerifierKey(parts[2], ed25519Public(raw[1:]))
}

// Start runs the sequencer until Stop.
func (l *Ledger) Start() { go l.run() }

// Stop ends the sequencer and releases its lease.
func (l *Ledger) Stop(ctx context.Context) error {
	l.stopOnce.Do(func() { close(l.stop) })
	select {
	case <-l.done:
	case <-ctx.Done():
		return ctx.Err()
	}
	return l.lease.Release(ctx)
}

// Wake asks for a pass soon (entries were committed).
func (l *Ledger) Wake() {
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

func (l *Ledger) run() {
	defer close(l.done)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-l.stop
		cancel()
	}()
	tick := time.NewTicker(l.cfg.MergeDelay / 2)
	defer tick.Stop()
	var thinned time.Time
	for {
		if held, err := l.claim(ctx); err != nil {
			if ctx.Err() == nil {
				l.log.Warn("ledger: lease", "err", err)
			}
		} else if held {
			if err := l.Pass(ctx); err != nil && ctx.Err() == nil {
				l.log.Warn("ledger: sequencing pass failed", "err", err)
			}
			if now := l.now(); now.Sub(thinned) >= l.cfg.ThinEvery {
				thinned = now
				if n, err := l.Thin(ctx); err != nil && ctx.Err() == nil {
					l.log.Warn("ledger: thinning checkpoints failed", "err", err)
				} else if n > 0 {
					l.log.Info("ledger: old checkpoints thinned", "deleted", n)
				}
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-l.wake:
		}
	}
}

// claim takes or renews the sequencer lease.
func (l *Ledger) claim(ctx context.Context) (bool, error) { return l.lease.Claim(ctx, l.now()) }

// Pass sequences every log with committed, unsequenced leaves and signs
// the checkpoints that are due. The sequencer runs it under its lease;
// tests call it to sequence at once.
func (l *Ledger) Pass(ctx context.Context) error {
	logs, err := l.pending(ctx)
	if err != nil {
		return err
	}
	failed := l.sequenceLogs(ctx, logs)
	unsigned, err := l.checkpoints(ctx, logs, false)
	errs := []error{err}
	for _, id := range logs {
		for _, err := range []error{failed[id], unsigned[id]} {
			if err != nil {
				l.violation(ctx, id, err)
				errs = append(errs, fmt.Errorf("log %s: %w", id, err))
			}
		}
	}
	return errors.Join(errs...)
}

// pending lists the logs with work: unsequenced leaves, a tree behind its
// seq, or a checkpoint behind its tree.
//
// The logs with unsequenced leaves are found by walking the partial index
// log_leaves_unsequenced from log to log (a loose index scan: one probe a
// log with work, each for the next log_id after the last). A DISTINCT over
// `seq IS NULL` was planned by PostgreSQL as a parallel sequential scan of
// all of log_leaves whenever its statistics guessed many leaves waiting
// (they are taken while a load is being sequenced), and by SQLite, which
// has no statistics here, as a scan of all of log_id_seq
// (docs/performance.md "the sequencer's checkpoints and its pending
// scan"). SQLite is told the index: left to choose, it walks
// log_leaves_log_id_seq, a probe a log over every leaf of the next log.
func (l *Ledger) pending(ctx context.Context) ([]string, error) {
	index := ""
	if !l.isPostgres() {
		index = " INDEXED BY log_leaves_unsequenced"
	}
	ids, err := l.logIDs(ctx, `WITH RECURSIVE waiting(log_id) AS (
  SELECT (SELECT log_id FROM log_leaves`+index+` WHERE seq IS NULL ORDER BY log_id LIMIT 1)
  UNION ALL
  SELECT (SELECT n.log_id FROM log_leaves n`+index+` WHERE n.seq IS NULL AND n.log_id > w.log_id ORDER BY n.log_id LIMIT 1)
  FROM waiting w WHERE w.log_id IS NOT NULL)
SELECT log_id FROM waiting WHERE log_id IS NOT NULL
UNION SELECT log_id FROM log_heads WHERE next_seq > tree_size OR tree_size > checkpoint_size`)
	if err != nil {
		return nil, fmt.Errorf("find logs to sequence: %w", err)
	}
	return ids, nil
}

// logIDs runs a query of one string column (log ids) and returns its rows.
func (l *Ledger) logIDs(ctx context.Context, query string, args ...any) ([]string, error) {
	rows, err := l.db.QueryContext(ctx, l.sql(query), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

func (l *Ledger) violation(ctx context.Context, logID string, err error) {
	if !errors.Is(err, ErrTreeDamaged) && !errors.Is(err, ErrFork) {
		return
	}
	if _, seen := l.violated.LoadOrStore(logID, true); seen {
		return
	}
	l.log.Error("ledger: INTEGRITY VIOLATION: the log will not be extended or signed until repaired", "log", logID, "err", err)
	if l.OnViolation != nil {
		l.OnViolation(context.WithoutCancel(ctx), logID, err.Error())
	}
}

// ErrFork is returned when the tree does not extend the last checkpoint
// signed for it: it was rewritten. Nothing is signed.
var ErrFork = errors.New("the tree does not extend the last signed checkpoint")

type head struct {
	nextSeq, treeSize, legacySize, checkpointSize int64
	root                                          tlog.Hash
}

func (l *Ledger) readHead(ctx context.Context, q querier, logID string, lock bool) (head, error) {
	var (
		h    head
		root string
	)
	query := `SELECT next_seq, tree_size, root_hash, legacy_size, checkpoint_size FROM log_heads WHERE log_id = $1`
	if lock && l.isPostgres() {
		query += ` FOR UPDATE`
	}
	err := q.QueryRowContext(ctx, l.sql(query), logID).Scan(&h.nextSeq, &h.treeSize, &root, &h.legacySize, &h.checkpointSize)
	if err != nil {
		return h, err
	}
	h.root, err = parseRoot(root)
	return h, err
}

func (l *Ledger) isPostgres() bool { return l.dia == dialect.Postgres }

// sequence runs one transaction on one log: seq for up to Batch committed
// leaves, their place in the tree, the new head. It reports whether more
// leaves are waiting.
func (l *Ledger) sequence(ctx context.Context, logID string) (more bool, err error) {
	tx, err := l.db.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	h, err := l.lockHead(ctx, tx, logID)
	if err != nil {
		return false, err
	}
	// Number the oldest committed leaves that have no seq yet. Under READ
	// COMMITTED an entry whose transaction has not committed is not seen
	// here and gets the next numbers when it has: seq is the order in
	// which the sequencer saw entries committed.
	res, err := tx.ExecContext(ctx, l.sql(`UPDATE log_leaves SET seq = $1 + r.rn - 1
FROM (SELECT entry_id, row_number() OVER (ORDER BY received_at, entry_id) AS rn FROM log_leaves
      WHERE log_id = $2 AND seq IS NULL ORDER BY received_at, entry_id LIMIT $3) r
WHERE log_leaves.entry_id = r.entry_id`), h.nextSeq, logID, l.cfg.Batch)
	if err != nil {
		return false, fmt.Errorf("assign seq: %w", err)
	}
	numbered, err := res.RowsAffected()
	if err != nil {
		return false, err
	}
	next := h.nextSeq + numbered
	// Append every numbered leaf the tree does not hold yet (entries
	// numbered by the migration start out ahead of the tree).
	to := min(next, h.treeSize+int64(l.cfg.Batch))
	if to == h.treeSize && numbered == 0 {
		return false, tx.Rollback()
	}
	leaves, err := l.leafHashes(ctx, tx, logID, h.treeSize, to)
	if err != nil {
		return false, err
	}
	tree, err := appendLeaves(ctx, tx, l.sql, l.isPostgres(), logID, tlog.Tree{N: h.treeSize, Hash: h.root}, leaves)
	if err != nil {
		return false, err
	}
	up, err := tx.ExecContext(ctx, l.sql(`UPDATE log_heads SET next_seq = $1, tree_size = $2, root_hash = $3, updated_at = $4
WHERE log_id = $5 AND next_seq = $6 AND tree_size = $7`),
		next, tree.N, hex.EncodeToString(tree.Hash[:]), l.now().UTC(), logID, h.nextSeq, h.treeSize)
	if err != nil {
		return false, fmt.Errorf("move log head: %w", err)
	}
	if n, err := up.RowsAffected(); err != nil || n != 1 {
		return false, fmt.Errorf("log head of %s moved under the sequencer (another replica?)", logID)
	}
	if err := tx.Commit(); err != nil {
		return false, err
	}
	return numbered == int64(l.cfg.Batch) || to < next, nil
}

// lockHead reads and locks the log's head in tx, creating it first when
// the log has none. The head exists on every pass but a log's first, so it
// is read before it is created: one statement a log and pass fewer than an
// upsert ahead of every read (docs/performance.md "one statement a group").
func (l *Ledger) lockHead(ctx context.Context, tx *sql.Tx, logID string) (head, error) {
	h, err := l.readHead(ctx, tx, logID, true)
	if !errors.Is(err, sql.ErrNoRows) {
		if err != nil {
			return h, fmt.Errorf("read log head: %w", err)
		}
		return h, nil
	}
	if _, err := tx.ExecContext(ctx, l.sql(`INSERT INTO log_heads (log_id, updated_at) VALUES ($1, $2) ON CONFLICT (log_id) DO NOTHING`),
		logID, l.now().UTC()); err != nil {
		return h, fmt.Errorf("create log head: %w", err)
	}
	if h, err = l.readHead(ctx, tx, logID, true); err != nil {
		return h, fmt.Errorf("read log head: %w", err)
	}
	return h, nil
}

// leafHashes reads the content hashes of the leaves [from, to) in seq order;
// every seq must be there.
func (l *Ledger) leafHashes(ctx context.Context, q querier, logID string, from, to int64) ([]tlog.Hash, error) {
	rows, err := q.QueryContext(ctx, l.sql(`SELECT seq, hash FROM log_leaves WHERE log_id = $1 AND seq >= $2 AND seq < $3 ORDER BY seq`),
		logID, from, to)
	if err != nil {
		return nil, fmt.Errorf("read leaves: %w", err)
	}
	defer rows.Close()
	out := make([]tlog.Hash, 0, to-from)
	for rows.Next() {
		var (
			seq int64
			h   string
		)
		if err := rows.Scan(&seq, &h); err != nil {
			return nil, err
		}
		if seq != from+int64(len(out)) {
			return nil, fmt.Errorf("%w: leaf %d is missing", ErrTreeDamaged, from+int64(len(out)))
		}
		leaf, err := leafData(h)
		if err != nil {
			return nil, fmt.Errorf("%w: leaf %d: %v", ErrTreeDamaged, seq, err)
		}
		out = append(out, leaf)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if int64(len(out)) != to-from {
		return nil, fmt.Errorf("%w: leaf %d is missing", ErrTreeDamaged, from+int64(len(out)))
	}
	return out, nil
}

// SyncAll sequences every pending log and signs a checkpoint of each at
// once, whatever the age of the last: tests and `trailmark` commands that
// need a checkpoint now.
func (l *Ledger) SyncAll(ctx context.Context) error {
	logs, err := l.pending(ctx)
	if err != nil {
		return err
	}
	failed := l.sequenceLogs(ctx, logs)
	for _, id := range logs {
		if err := failed[id]; err != nil {
			return fmt.Errorf("log %s: %w", id, err)
		}
	}
	unsigned, err := l.checkpoints(ctx, logs, true)
	if err != nil {
		return err
	}
	for _, id := range logs {
		if err := unsigned[id]; err != nil {
			return fmt.Errorf("log %s: %w", id, err)
		}
	}
	return nil
}

// sqlText rewrites $N placeholders for the dialect.
type sqlText func(string) string

func rebind(dia string) sqlText {
	return func(q string) string { return sqltext.Rebind(dia, q) }
}

func ed25519Public(seed []byte) ed25519.PublicKey {
	return ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey)
}
