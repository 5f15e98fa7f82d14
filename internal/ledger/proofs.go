package ledger

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"golang.org/x/mod/sumdb/tlog"
)

// Checkpoint is a signed statement of a log's tree.
type Checkpoint struct {
	LogID    string
	Origin   string
	TreeSize int64
	RootHash string // hex
	// Note is the signed note: the C2SP checkpoint body (origin, size,
	// base64 root), a blank line and the signature line.
	Note      string
	CreatedAt time.Time
}

// InclusionProof proves that leaf LeafIndex is in the tree of TreeSize
// leaves whose root is RootHash (hashes hex, RFC 6962 audit-path order as
// tlog.ProveRecord returns them).
type InclusionProof struct {
	LeafIndex, TreeSize int64
	RootHash            string
	Hashes              []string
	// CheckpointNote is the signed checkpoint of TreeSize leaves, nil when
	// none was signed at that size: with it, anyone who may read the entry
	// checks the root's signature (it holds no other entry's content).
	CheckpointNote *string
	// LegacyHash: the leaf is one the log started with (recorded before
	// tamper evidence), whose content hash is the legacy form.
	LegacyHash bool
}

// ConsistencyProof proves that the tree of ToSize extends the tree of
// FromSize (hashes hex, RFC 6962 order as tlog.ProveTree returns them).
type ConsistencyProof struct {
	FromSize, ToSize int64
	Hashes           []string
}

// ErrNoCheckpoint: the log has no checkpoint (yet).
var ErrNoCheckpoint = errors.New("no checkpoint yet")

// ErrBadSize: a tree size outside the log's tree.
var ErrBadSize = errors.New("tree size out of range")

// ErrNotSequenced: the entry has no seq yet, or the tree of the requested
// size does not hold it.
var ErrNotSequenced = errors.New("the entry is not in that tree")

const checkpointColumns = `log_id, tree_size, root_hash, note, created_at`

func (l *Ledger) scanCheckpoint(row interface{ Scan(...any) error }) (*Checkpoint, error) {
	var c Checkpoint
	if err := row.Scan(&c.LogID, &c.TreeSize, &c.RootHash, &c.Note, &c.CreatedAt); err != nil {
		return nil, err
	}
	c.Origin = l.Origin(c.LogID)
	return &c, nil
}

// Latest is the log's newest checkpoint, nil when it has none.
func (l *Ledger) Latest(ctx context.Context, logID string) (*Checkpoint, error) {
	c, err := l.scanCheckpoint(l.db.QueryRowContext(ctx, l.sql(`SELECT `+checkpointColumns+
		` FROM log_checkpoints WHERE log_id = $1 ORDER BY tree_size DESC LIMIT 1`), logID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read checkpoint: %w", err)
	}
	return c, nil
}

// CheckpointAt is the log's checkpoint of exactly size leaves, nil when
// none was signed at that size.
func (l *Ledger) CheckpointAt(ctx context.Context, logID string, size int64) (*Checkpoint, error) {
	c, err := l.scanCheckpoint(l.db.QueryRowContext(ctx, l.sql(`SELECT `+checkpointColumns+
		` FROM log_checkpoints WHERE log_id = $1 AND tree_size = $2`), logID, size))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read checkpoint: %w", err)
	}
	return c, nil
}

// Checkpoints lists a log's checkpoints newest first: at most limit, of a
// tree smaller than before (0: no bound).
func (l *Ledger) Checkpoints(ctx context.Context, logID string, before int64, limit int) ([]*Checkpoint, error) {
	return l.CheckpointPage(ctx, logID, 0, before, limit, false)
}

// currentTree is the log's stored tree (size 0 when it has none).
func (l *Ledger) currentTree(ctx context.Context, logID string) (tlog.Tree, error) {
	h, err := l.readHead(ctx, l.db, logID, false)
	if errors.Is(err, sql.ErrNoRows) {
		return tlog.Tree{}, nil
	}
	if err != nil {
		return tlog.Tree{}, fmt.Errorf("read log head: %w", err)
	}
	return tlog.Tree{N: h.treeSize, Hash: h.root}, nil
}

// treeSizeOrLatest resolves an optional tree size: 0 means the latest
// checkpoint's.
func (l *Ledger) treeSizeOrLatest(ctx context.Context, logID string, size int64) (int64, error) {
	if size > 0 {
		return size, nil
	}
	c, err := l.Latest(ctx, logID)
	if err != nil {
		return 0, err
	}
	if c == nil {
		return 0, ErrNoCheckpoint
	}
	return c.TreeSize, nil
}

// Inclusion proves leaf seq in the log's tree of size treeSize (0: the
// latest checkpoint's). To prove many leaves of one tree, use a Prover.
func (l *Ledger) Inclusion(ctx context.Context, logID string, seq, treeSize int64) (*InclusionProof, error) {
	p, err := l.Prover(ctx, logID, treeSize)
	if err != nil {
		return nil, err
	}
	return p.Prove(seq)
}

// proofContext is what a proof carries beside its hashes: the signed note
// of its tree size and the log's legacy size.
type proofContext struct {
	note   *string
	legacy int64
}

func (c *proofContext) load(ctx context.Context, l *Ledger, logID string, size int64) error {
	cp, err := l.CheckpointAt(ctx, logID, size)
	if err != nil {
		return err
	}
	if cp != nil {
		c.note = &cp.Note
	}
	h, err := l.Head(ctx, logID)
	if err != nil {
		return err
	}
	c.legacy = h.LegacySize
	return nil
}

// Consistency proves that the log's tree of toSize (0: the latest
// checkpoint's) extends its tree of fromSize.
func (l *Ledger) Consistency(ctx context.Context, logID string, fromSize, toSize int64) (*ConsistencyProof, error) {
	to, err := l.treeSizeOrLatest(ctx, logID, toSize)
	if err != nil {
		return nil, err
	}
	cur, err := l.currentTree(ctx, logID)
	if err != nil {
		return nil, err
	}
	if to > cur.N || fromSize < 1 || fromSize > to {
		return nil, fmt.Errorf("%w: need 1 ≤ fromSize ≤ toSize ≤ %d", ErrBadSize, cur.N)
	}
	r := readerAt(ctx, l.db, l.sql, logID, cur)
	proof, err := tlog.ProveTree(to, fromSize, r)
	if err != nil {
		return nil, treeErr(err)
	}
	return &ConsistencyProof{FromSize: fromSize, ToSize: to, Hashes: hexHashes(proof)}, nil
}

// Seqs returns the seq of each sequenced entry among ids (unsequenced
// entries are absent).
func (l *Ledger) Seqs(ctx context.Context, ids []string) (map[string]int64, error) {
	out := make(map[string]int64, len(ids))
	for start := 0; start < len(ids); start += 500 {
		part := ids[start:min(start+500, len(ids))]
		args := make([]any, len(part))
		ph := make([]byte, 0, len(part)*4)
		for i, id := range part {
			args[i] = id
			if i > 0 {
				ph = append(ph, ',')
			}
			ph = fmt.Appendf(ph, "$%d", i+1)
		}
		rows, err := l.db.QueryContext(ctx, l.sql(`SELECT entry_id, seq FROM log_leaves WHERE seq IS NOT NULL AND entry_id IN (`+string(ph)+`)`), args...)
		if err != nil {
			return nil, fmt.Errorf("read seq: %w", err)
		}
		for rows.Next() {
			var (
				id  string
				seq int64
			)
			if err := rows.Scan(&id, &seq); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = seq
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Leaf is one leaf of a log as stored beside the tree.
type Leaf struct {
	Seq        int64
	EntryID    string
	Hash       string // the entry's content hash when it was recorded
	ReceivedAt time.Time
	Pruned     bool // deleted by retention
}

// Head describes a log's state.
type Head struct {
	LogID          string
	NextSeq        int64 // leaves numbered
	TreeSize       int64 // leaves in the tree
	RootHash       string
	LegacySize     int64 // leaves from before tamper evidence (hash without id, receivedAt)
	CheckpointSize int64
}

// Head reads a log's head (zero when the log has none).
func (l *Ledger) Head(ctx context.Context, logID string) (Head, error) {
	h, err := l.readHead(ctx, l.db, logID, false)
	if errors.Is(err, sql.ErrNoRows) {
		return Head{LogID: logID}, nil
	}
	if err != nil {
		return Head{}, err
	}
	root := ""
	if h.treeSize > 0 {
		root = hex.EncodeToString(h.root[:])
	}
	return Head{LogID: logID, NextSeq: h.nextSeq, TreeSize: h.treeSize, RootHash: root,
		LegacySize: h.legacySize, CheckpointSize: h.checkpointSize}, nil
}

// Leaves reads the leaves of [from, to) in seq order, as stored in
// log_leaves (which anyone with database access can edit: verification
// compares them with the tree, see TreeLeaves).
func (l *Ledger) Leaves(ctx context.Context, logID string, from, to int64) ([]Leaf, error) {
	rows, err := l.db.QueryContext(ctx, l.sql(`SELECT seq, entry_id, hash, received_at, pruned_at IS NOT NULL FROM log_leaves
WHERE log_id = $1 AND seq >= $2 AND seq < $3 ORDER BY seq`), logID, from, to)
	if err != nil {
		return nil, fmt.Errorf("read leaves: %w", err)
	}
	defer rows.Close()
	var out []Leaf
	for rows.Next() {
		var lf Leaf
		if err := rows.Scan(&lf.Seq, &lf.EntryID, &lf.Hash, &lf.ReceivedAt, &lf.Pruned); err != nil {
			return nil, err
		}
		out = append(out, lf)
	}
	return out, rows.Err()
}

// TreeLeaves returns the leaf hashes (RFC 6962 leaf hashes, SHA-256(0x00 ‖
// content hash)) of [from, to) as the tree holds them, checked against the
// tree of size treeSize (which must not exceed the stored tree) whose root
// is root: the authority verification compares entries with.
func (l *Ledger) TreeLeaves(ctx context.Context, logID string, tree tlog.Tree, from, to int64) ([]tlog.Hash, error) {
	if from < 0 || to > tree.N || from > to {
		return nil, ErrBadSize
	}
	r := readerAt(ctx, l.db, l.sql, logID, tree)
	idx := make([]int64, 0, to-from)
	for n := from; n < to; n++ {
		idx = append(idx, tlog.StoredHashIndex(0, n))
	}
	hs, err := r.ReadHashes(idx)
	if err != nil {
		return nil, err
	}
	return hs, nil
}

// MarkPruned records that retention deleted these entries: their leaves
// stay in the tree, reported as pruned. q is the deleting transaction.
func MarkPruned(ctx context.Context, q interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}, dia string, ids []string, at time.Time) error {
	st := rebind(dia)
	for start := 0; start < len(ids); start += 500 {
		part := ids[start:min(start+500, len(ids))]
		args := []any{at.UTC()}
		ph := make([]byte, 0, len(part)*4)
		for i, id := range part {
			args = append(args, id)
			if i > 0 {
				ph = append(ph, ',')
			}
			ph = fmt.Appendf(ph, "$%d", i+2)
		}
		if _, err := q.ExecContext(ctx, st(`UPDATE log_leaves SET pruned_at = $1 WHERE entry_id IN (`+string(ph)+`)`), args...); err != nil {
			return fmt.Errorf("mark pruned leaves: %w", err)
		}
	}
	return nil
}
