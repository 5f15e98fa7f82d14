package ledger

import (
	"context"
	"encoding/hex"
	"fmt"
	"sync"

	"golang.org/x/mod/sumdb/tlog"
)

// Prover proves leaves of one tree of a log, reading each tile once: the
// inclusion proofs of a page of entries cost a few tile reads, not a few
// per entry. It answers as Inclusion does. Safe for concurrent use; it
// reads with the context it was made with.
type Prover struct {
	logID string
	size  int64
	root  string

	pc proofContext

	mu sync.Mutex
	r  *hashReader
}

// Prover returns a prover of the log's tree of treeSize leaves (0: the
// latest checkpoint's). Errors: ErrNoCheckpoint, ErrBadSize.
func (l *Ledger) Prover(ctx context.Context, logID string, treeSize int64) (*Prover, error) {
	size, err := l.treeSizeOrLatest(ctx, logID, treeSize)
	if err != nil {
		return nil, err
	}
	cur, err := l.currentTree(ctx, logID)
	if err != nil {
		return nil, err
	}
	if size > cur.N || size <= 0 {
		return nil, fmt.Errorf("%w: the tree has %d leaves", ErrBadSize, cur.N)
	}
	r := readerAt(ctx, l.db, l.sql, logID, cur)
	root, err := tlog.TreeHash(size, r)
	if err != nil {
		return nil, treeErr(err)
	}
	p := &Prover{logID: logID, size: size, root: hex.EncodeToString(root[:]), r: r}
	if err := p.pc.load(ctx, l, logID, size); err != nil {
		return nil, err
	}
	return p, nil
}

// TreeSize is the size of the tree the prover proves leaves of.
func (p *Prover) TreeSize() int64 { return p.size }

// Prove proves leaf seq; ErrNotSequenced when the tree does not hold it.
func (p *Prover) Prove(seq int64) (*InclusionProof, error) {
	if seq < 0 || seq >= p.size {
		return nil, ErrNotSequenced
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	proof, err := tlog.ProveRecord(p.size, seq, p.r)
	if err != nil {
		return nil, treeErr(err)
	}
	return &InclusionProof{LeafIndex: seq, TreeSize: p.size, RootHash: p.root, Hashes: hexHashes(proof),
		CheckpointNote: p.pc.note, LegacyHash: seq < p.pc.legacy}, nil
}
