package ledger

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// A multi-leaf proof (docs/integrity.md "Archive manifests") proves a set of
// leaves of a tree of size n at once: the hashes of the largest subtrees
// holding none of them, in the order a depth-first, left-to-right walk of
// the RFC 6962 tree meets them. With the leaves' own hashes they give the
// root, so one proof covers every entry of an archive: for a contiguous run
// of seqs it is about 2·log2(n) hashes, however long the run.

// MultiProof proves the leaves seqs (any order, no duplicates) of the log's
// tree of size treeSize, which must not exceed the stored tree.
func (l *Ledger) MultiProof(ctx context.Context, logID string, treeSize int64, seqs []int64) ([]string, error) {
	cur, err := l.currentTree(ctx, logID)
	if err != nil {
		return nil, err
	}
	if treeSize <= 0 || treeSize > cur.N {
		return nil, fmt.Errorf("%w: the tree has %d leaves", ErrBadSize, cur.N)
	}
	hs, err := multiProof(treeSize, seqs, readerAt(ctx, l.db, l.sql, logID, cur))
	if err != nil {
		return nil, err
	}
	return hexHashes(hs), nil
}

// multiProof is MultiProof over the stored hashes of r.
func multiProof(n int64, seqs []int64, r tlog.HashReader) ([]tlog.Hash, error) {
	sorted, err := sortedLeaves(n, seqs)
	if err != nil {
		return nil, err
	}
	// Plan: the uncovered ranges, then the stored hashes of the complete
	// subtrees that make each up, read in one go.
	var ranges [][2]int64
	multiWalk(0, n, sorted, func(lo, hi int64) { ranges = append(ranges, [2]int64{lo, hi}) })
	var idx []int64
	for _, r := range ranges {
		for _, p := range pieces(r[0], r[1]) {
			idx = append(idx, tlog.StoredHashIndex(p.level, p.n))
		}
	}
	hs, err := r.ReadHashes(idx)
	if err != nil {
		return nil, treeErr(err)
	}
	out := make([]tlog.Hash, 0, len(ranges))
	i := 0
	for _, r := range ranges {
		ps := pieces(r[0], r[1])
		// Fold right to left, as tlog.TreeHash does for [0, n).
		h := hs[i+len(ps)-1]
		for j := len(ps) - 2; j >= 0; j-- {
			h = tlog.NodeHash(hs[i+j], h)
		}
		i += len(ps)
		out = append(out, h)
	}
	return out, nil
}

// MultiRoot computes the root of a tree of size n from the leaves (RFC 6962
// leaf hashes by seq: tlog.RecordHash of the content hash) and a multi-leaf
// proof; compare it with the signed root. It fails when the proof has too
// few or too many hashes.
func MultiRoot(n int64, leaves map[int64]tlog.Hash, proof []tlog.Hash) (tlog.Hash, error) {
	seqs := make([]int64, 0, len(leaves))
	for s := range leaves {
		seqs = append(seqs, s)
	}
	sorted, err := sortedLeaves(n, seqs)
	if err != nil {
		return tlog.Hash{}, err
	}
	used := 0
	var short bool
	var root func(lo, hi int64, in []int64) tlog.Hash
	root = func(lo, hi int64, in []int64) tlog.Hash {
		if len(in) == 0 {
			if used >= len(proof) {
				short = true
				return tlog.Hash{}
			}
			used++
			return proof[used-1]
		}
		if hi-lo == 1 {
			return leaves[lo]
		}
		k := split(hi - lo)
		cut, _ := slices.BinarySearch(in, lo+k)
		left := root(lo, lo+k, in[:cut])
		right := root(lo+k, hi, in[cut:])
		return tlog.NodeHash(left, right)
	}
	h := root(0, n, sorted)
	if short {
		return tlog.Hash{}, errors.New("the proof has too few hashes")
	}
	if used != len(proof) {
		return tlog.Hash{}, fmt.Errorf("the proof has %d hashes too many", len(proof)-used)
	}
	return h, nil
}

func sortedLeaves(n int64, seqs []int64) ([]int64, error) {
	if n <= 0 {
		return nil, ErrBadSize
	}
	sorted := slices.Clone(seqs)
	slices.Sort(sorted)
	for i, s := range sorted {
		if s < 0 || s >= n {
			return nil, fmt.Errorf("%w: leaf %d of a tree of %d", ErrNotSequenced, s, n)
		}
		if i > 0 && sorted[i-1] == s {
			return nil, fmt.Errorf("leaf %d twice", s)
		}
	}
	return sorted, nil
}

// multiWalk calls uncovered for each maximal subtree [lo, hi) of the RFC
// 6962 tree over [lo, hi) that holds none of the sorted leaves in, in
// depth-first, left-to-right order.
func multiWalk(lo, hi int64, in []int64, uncovered func(lo, hi int64)) {
	if len(in) == 0 {
		uncovered(lo, hi)
		return
	}
	if hi-lo == 1 {
		return
	}
	k := split(hi - lo)
	cut, _ := slices.BinarySearch(in, lo+k)
	multiWalk(lo, lo+k, in[:cut], uncovered)
	multiWalk(lo+k, hi, in[cut:], uncovered)
}

// split is RFC 6962's k: the largest power of two smaller than n (n > 1).
func split(n int64) int64 { return 1 << (bits.Len64(uint64(n-1)) - 1) }

type piece struct {
	level int
	n     int64
}

// pieces are the complete subtrees of [lo, hi), largest first, as stored
// hashes (level, index). lo is the start of a node of the RFC 6962 tree, so
// it is a multiple of every piece's width.
func pieces(lo, hi int64) []piece {
	var out []piece
	for lo < hi {
		size := hi - lo
		level := bits.Len64(uint64(size)) - 1 // largest power of two ≤ size
		out = append(out, piece{level: level, n: lo >> level})
		lo += 1 << level
	}
	return out
}

// manifestNoteHeader starts the signed text of an archive manifest. It can
// never read as a checkpoint: its second line is not a tree size.
const manifestNoteHeader = "trailmark-archive-manifest/v1"

// SignManifest signs an archive manifest's digest (SHA-256 of its exact
// bytes) with the log key, as a signed note:
//
//	trailmark-archive-manifest/v1
//	<archive id>
//	<hex sha-256 of the manifest>
func (l *Ledger) SignManifest(archiveID string, manifest []byte) (string, error) {
	if archiveID == "" || strings.ContainsAny(archiveID, "\n") {
		return "", errors.New("sign manifest: bad archive id")
	}
	sum := sha256.Sum256(manifest)
	msg, err := note.Sign(&note.Note{Text: ManifestNoteText(archiveID, sum)}, l.signer)
	if err != nil {
		return "", fmt.Errorf("sign manifest: %w", err)
	}
	return string(msg), nil
}

// ManifestNoteText is the text SignManifest signs.
func ManifestNoteText(archiveID string, sum [32]byte) string {
	return manifestNoteHeader + "\n" + archiveID + "\n" + hex.EncodeToString(sum[:]) + "\n"
}

// ParsedCheckpoint is the body of a checkpoint note, checked.
type ParsedCheckpoint struct {
	Origin string
	Size   int64
	Root   tlog.Hash
}

// OpenCheckpoint checks a signed checkpoint note with the verifier key and
// parses its body (C2SP tlog-checkpoint: origin, decimal size, base64
// root; extension lines are ignored).
func OpenCheckpoint(msg string, verifier note.Verifier) (ParsedCheckpoint, error) {
	var c ParsedCheckpoint
	n, err := note.Open([]byte(msg), note.VerifierList(verifier))
	if err != nil {
		return c, fmt.Errorf("checkpoint signature: %w", err)
	}
	lines := strings.Split(n.Text, "\n")
	if len(lines) < 4 || lines[0] == "" {
		return c, errors.New("checkpoint: not origin, size and root")
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 || strconv.FormatInt(size, 10) != lines[1] {
		return c, fmt.Errorf("checkpoint: bad tree size %q", lines[1])
	}
	root, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(root) != tlog.HashSize {
		return c, fmt.Errorf("checkpoint: bad root hash %q", lines[2])
	}
	c.Origin, c.Size = lines[0], size
	copy(c.Root[:], root)
	return c, nil
}

// WaitSequenced waits (at most until deadline) until every leaf of the log
// received up to before has its seq and a signed checkpoint covers them. It
// wakes the sequencer of this replica; another replica's runs within its
// merge delay. It reports whether that held by the deadline.
func (l *Ledger) WaitSequenced(ctx context.Context, logID string, before, deadline time.Time) (bool, error) {
	for {
		var pending int64
		if err := l.db.QueryRowContext(ctx, l.sql(`SELECT COUNT(*) FROM log_leaves WHERE log_id = $1 AND seq IS NULL AND received_at <= $2`),
			logID, before.UTC()).Scan(&pending); err != nil {
			return false, fmt.Errorf("count unsequenced leaves: %w", err)
		}
		if pending == 0 {
			h, err := l.Head(ctx, logID)
			if err != nil {
				return false, err
			}
			if h.NextSeq == 0 {
				return true, nil
			}
			ok, err := l.WaitCheckpoint(ctx, logID, h.NextSeq, deadline)
			return ok, err
		}
		if !l.pause(ctx, deadline) {
			return false, ctx.Err()
		}
	}
}

// WaitCheckpoint waits (at most until deadline) for a checkpoint of at
// least size leaves and reports whether there is one.
func (l *Ledger) WaitCheckpoint(ctx context.Context, logID string, size int64, deadline time.Time) (bool, error) {
	for {
		c, err := l.Latest(ctx, logID)
		if err != nil {
			return false, err
		}
		if c != nil && c.TreeSize >= size {
			return true, nil
		}
		if !l.pause(ctx, deadline) {
			return false, ctx.Err()
		}
	}
}

// pause wakes the sequencer and sleeps a little; false once the deadline
// has passed or ctx ended.
func (l *Ledger) pause(ctx context.Context, deadline time.Time) bool {
	if !time.Now().Before(deadline) {
		return false
	}
	l.Wake()
	select {
	case <-ctx.Done():
		return false
	case <-time.After(100 * time.Millisecond):
		return true
	}
}
