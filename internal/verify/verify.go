// Package verify is Trailmark's built-in auditor (docs/processes.md
// "VERIFY"): it re-reads a log's stored entries and checks every one of
// them against the log's Merkle tree, which the latest signed checkpoint
// pins. It catches edits made directly in the database by someone who does
// not hold the signing key: changed, deleted, inserted, reordered or
// backdated entries, and a damaged or rewritten tree.
//
// Verify is pure reading: it writes nothing and reports what it found.
// The VERIFY process (process.go) runs it and records the outcome.
package verify

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/rule"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/ledger"
	"github.com/trailmark/trailmark/internal/sqltext"
)

// Defaults of Verifier's tunables.
const (
	DefaultChunk            = 500
	DefaultUnsequencedAfter = 5 * time.Minute
	DefaultBackdateSlack    = 5 * time.Minute
)

// Reasons name the kinds of finding (the prefix of Finding.Reason).
const (
	ReasonAltered     = "content altered"
	ReasonHashAltered = "hash column altered"
	ReasonLeafAltered = "leaf row altered"
	ReasonReordered   = "swapped or reordered"
	ReasonDeleted     = "deleted"
	ReasonBadPrune    = "pruned wrongly"
	ReasonLeafMissing = "leaf row missing"
	ReasonOtherLog    = "moved to another log"
	ReasonNotInLog    = "not in the log"
	ReasonUnsequenced = "not sequenced"
	ReasonBackdated   = "backdated"
	ReasonCheckpoint  = "checkpoint invalid"
	ReasonTreeDamaged = "tree damaged"
	ReasonFork        = "fork"
)

// Verifier checks logs of one database.
type Verifier struct {
	Ledger  *ledger.Ledger
	Client  *ent.Client
	DB      *sql.DB
	Dialect string
	// Chunk is how many leaves are read at once (default 500).
	Chunk int
	// UnsequencedAfter is how long a committed entry may wait for its seq
	// before it is reported (default 5m; the merge delay is ~1s).
	UnsequencedAfter time.Duration
	// BackdateSlack is how much older than a checkpoint that does not hold
	// it an entry's receivedAt may be (default 5m: transactions that
	// committed late).
	BackdateSlack time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Result is what one verification found.
type Result struct {
	LogID string
	// CheckpointSize is the size of the verified checkpoint (0: none).
	CheckpointSize int64
	// TreeSize is the size of the stored tree.
	TreeSize int64
	// Checked counts the entries re-hashed and found in their place.
	Checked int64
	// Pruned counts leaves whose entries retention deleted.
	Pruned int64
	// Later counts leaves past the checkpoint, left to the next run.
	Later int64
	// Older counts the earlier checkpoints checked against the leaves.
	Older int64
	// Findings are the problems, entry by entry where an entry is known.
	Findings []audit.Violation
	// Warnings are oddities that are not proof of tampering.
	Warnings []string
}

// OK reports whether everything verified.
func (r *Result) OK() bool { return len(r.Findings) == 0 }

func (r *Result) add(id string, seq *int64, reason string, args ...any) {
	if len(args) > 0 {
		reason = fmt.Sprintf(reason, args...)
	}
	r.Findings = append(r.Findings, audit.Violation{EntryID: id, Seq: seq, Reason: reason})
}

func ptr(n int64) *int64 { return &n }

func (v *Verifier) defaults() {
	if v.Chunk <= 0 {
		v.Chunk = DefaultChunk
	}
	if v.UnsequencedAfter <= 0 {
		v.UnsequencedAfter = DefaultUnsequencedAfter
	}
	if v.BackdateSlack <= 0 {
		v.BackdateSlack = DefaultBackdateSlack
	}
	if v.Now == nil {
		v.Now = time.Now
	}
}

// Verify checks the log logID (a tenant id or ledger.PlatformLog). An error
// means it could not finish (the database failed); what does not verify is
// in the result's findings. progress, when set, is told the fraction done.
func (v *Verifier) Verify(ctx context.Context, logID string, progress func(float64)) (*Result, error) {
	v.defaults()
	ctx = rule.AsSystem(ctx)
	res := &Result{LogID: logID}
	// The checkpoint first: the sequencer may grow the tree and sign a
	// newer one between the reads, and the tree read after it is then
	// never smaller than the checkpoint (no false fork).
	cp, err := v.Ledger.Latest(ctx, logID)
	if err != nil {
		return nil, err
	}
	head, err := v.Ledger.Head(ctx, logID)
	if err != nil {
		return nil, fmt.Errorf("read log head: %w", err)
	}
	res.TreeSize = head.TreeSize
	var tree tlog.Tree
	if cp != nil {
		var ok bool
		tree, ok = v.checkCheckpoint(ctx, res, logID, cp, head)
		if !ok {
			tree = tlog.Tree{}
		}
	} else if head.TreeSize > 0 {
		res.add("", nil, "%s: the stored tree has %d leaves but no checkpoint was ever signed (checkpoints deleted?)", ReasonCheckpoint, head.TreeSize)
	}
	res.CheckpointSize = tree.N
	if tree.N > 0 {
		if err := v.checkLeaves(ctx, res, logID, tree, head, progress); err != nil {
			return nil, err
		}
	}
	if err := v.checkUnlogged(ctx, res, logID); err != nil {
		return nil, err
	}
	if err := v.checkUnsequenced(ctx, res, logID, cp); err != nil {
		return nil, err
	}
	if res.Pruned > 0 {
		if err := v.checkRetention(ctx, res, logID); err != nil {
			return nil, err
		}
	}
	if progress != nil {
		progress(1)
	}
	return res, nil
}

// checkCheckpoint verifies the latest checkpoint's signature and that the
// stored tree extends it. It returns the tree the checkpoint signed (from
// the signed text, not the table's columns) and whether the leaves can be
// checked against it.
func (v *Verifier) checkCheckpoint(ctx context.Context, res *Result, logID string, cp *ledger.Checkpoint, head ledger.Head) (tlog.Tree, bool) {
	at := fmt.Sprintf("checkpoint of size %d signed %s", cp.TreeSize, cp.CreatedAt.UTC().Format(time.RFC3339))
	verifier, err := note.NewVerifier(v.Ledger.VerifierKey())
	if err != nil {
		res.add("", nil, "%s: the log key: %v", ReasonCheckpoint, err)
		return tlog.Tree{}, false
	}
	n, err := note.Open([]byte(cp.Note), note.VerifierList(verifier))
	if err != nil {
		res.add("", nil, "%s: %s: the signature does not verify with the log key: %v", ReasonCheckpoint, at, err)
		return tlog.Tree{}, false
	}
	tree, origin, err := parseCheckpoint(n.Text)
	if err != nil {
		res.add("", nil, "%s: %s: %v", ReasonCheckpoint, at, err)
		return tlog.Tree{}, false
	}
	if origin != v.Ledger.Origin(logID) {
		res.add("", nil, "%s: %s: signed for the log %q, not %q", ReasonCheckpoint, at, origin, v.Ledger.Origin(logID))
		return tlog.Tree{}, false
	}
	if tree.N != cp.TreeSize || hex.EncodeToString(tree.Hash[:]) != cp.RootHash {
		res.add("", nil, "%s: %s: the stored size or root differs from the signed note (size %d, root %s)",
			ReasonCheckpoint, at, tree.N, hex.EncodeToString(tree.Hash[:]))
	}
	// The stored tree must extend the signed one.
	if head.TreeSize < tree.N {
		res.add("", nil, "%s: the stored tree has %d leaves, fewer than the %d of the %s", ReasonFork, head.TreeSize, tree.N, at)
		return tree, true // its leaves may still be in the tiles
	}
	proof, err := v.Ledger.Consistency(ctx, logID, tree.N, head.TreeSize)
	if err != nil {
		if errors.Is(err, ledger.ErrTreeDamaged) {
			res.add("", nil, "%s: %v", ReasonTreeDamaged, err)
		} else {
			res.add("", nil, "%s: no consistency proof from the %s to the stored tree of size %d: %v", ReasonFork, at, head.TreeSize, err)
		}
		return tree, true
	}
	headRoot, err := hexHash(head.RootHash)
	if err != nil {
		res.add("", nil, "%s: the stored root: %v", ReasonTreeDamaged, err)
		return tree, true
	}
	hashes := make(tlog.TreeProof, len(proof.Hashes))
	for i, h := range proof.Hashes {
		if hashes[i], err = hexHash(h); err != nil {
			res.add("", nil, "%s: consistency proof: %v", ReasonTreeDamaged, err)
			return tree, true
		}
	}
	if err := tlog.CheckTree(hashes, head.TreeSize, headRoot, tree.N, tree.Hash); err != nil {
		res.add("", nil, "%s: the stored tree of size %d does not extend the %s: %v", ReasonFork, head.TreeSize, at, err)
	}
	return tree, true
}

// parseCheckpoint reads a C2SP checkpoint body: origin, size, base64 root.
func parseCheckpoint(text string) (tlog.Tree, string, error) {
	lines := strings.Split(text, "\n")
	if len(lines) < 4 {
		return tlog.Tree{}, "", errors.New("not a checkpoint body (origin, size, root)")
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 {
		return tlog.Tree{}, "", fmt.Errorf("bad tree size %q", lines[1])
	}
	root, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(root) != tlog.HashSize {
		return tlog.Tree{}, "", fmt.Errorf("bad root hash %q", lines[2])
	}
	t := tlog.Tree{N: size}
	copy(t.Hash[:], root)
	return t, lines[0], nil
}

func hexHash(s string) (tlog.Hash, error) {
	var h tlog.Hash
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != tlog.HashSize {
		return h, fmt.Errorf("%q is not a hex SHA-256", s)
	}
	copy(h[:], b)
	return h, nil
}

// leafHash is the RFC 6962 leaf hash of an entry's content hash (hex); ok
// is false when it is not 32 bytes of hex.
func leafHash(contentHash string) (tlog.Hash, bool) {
	b, err := hex.DecodeString(contentHash)
	if err != nil || len(b) != tlog.HashSize {
		return tlog.Hash{}, false
	}
	return tlog.RecordHash(b), true
}

// checkLeaves compares every seq in [0, tree.N) — the tree's leaf, the
// leaf row and the entry row — chunk by chunk.
func (v *Verifier) checkLeaves(ctx context.Context, res *Result, logID string, tree tlog.Tree, head ledger.Head, progress func(float64)) error {
	cps := &checkpointWalk{v: v, logID: logID}
	older := newOlderCheckpoints(v, res, logID, tree.N, cps)
	for from := int64(0); from < tree.N; from += int64(v.Chunk) {
		if err := ctx.Err(); err != nil {
			return err
		}
		to := min(from+int64(v.Chunk), tree.N)
		want, err := v.Ledger.TreeLeaves(ctx, logID, tree, from, to)
		if err != nil {
			if errors.Is(err, ledger.ErrTreeDamaged) {
				res.add("", nil, "%s: the leaves %d to %d cannot be read from the tree signed at size %d: %v", ReasonTreeDamaged, from, to-1, tree.N, err)
				return nil // nothing more can be checked against it
			}
			return fmt.Errorf("read tree leaves: %w", err)
		}
		leaves, err := v.Ledger.Leaves(ctx, logID, from, to)
		if err != nil {
			return err
		}
		bySeq := make(map[int64]ledger.Leaf, len(leaves))
		ids := make([]string, 0, len(leaves))
		for _, lf := range leaves {
			bySeq[lf.Seq] = lf
			ids = append(ids, lf.EntryID)
		}
		rows, err := v.Client.AuditEntry.Query().Where(auditentry.IDIn(ids...)).All(ctx)
		if err != nil {
			return fmt.Errorf("read entries: %w", err)
		}
		entries := make(map[string]*ent.AuditEntry, len(rows))
		for _, e := range rows {
			entries[e.ID] = e
		}
		if err := cps.upTo(ctx, to); err != nil {
			return err
		}
		var gone []ledger.Leaf
		for k := from; k < to; k++ {
			older.leaf(k, want[k-from])
			lf, ok := bySeq[k]
			if !ok {
				res.add("", ptr(k), "%s: no row in log_leaves holds seq %d (the entry of this leaf is unknown)", ReasonLeafMissing, k)
				continue
			}
			if entries[lf.EntryID] == nil && !lf.Pruned {
				gone = append(gone, lf)
			}
			v.checkOne(res, logID, k, want[k-from], lf, entries[lf.EntryID], head)
			if t, ok := cps.before(k); ok && lf.ReceivedAt.Before(t.Add(-v.BackdateSlack)) {
				res.add(lf.EntryID, ptr(k), "%s: received %s, but the checkpoint signed %s does not hold it",
					ReasonBackdated, lf.ReceivedAt.UTC().Format(time.RFC3339), t.UTC().Format(time.RFC3339))
			}
		}
		if err := v.recheckGone(ctx, res, logID, gone); err != nil {
			return err
		}
		if progress != nil {
			progress(0.9 * float64(to) / float64(tree.N))
		}
	}
	return nil
}

// recheckGone reads again the leaves whose entries were missing though not
// pruned: retention may have deleted them, and marked them pruned, between
// the reads of the leaves and of the entries. What is still not pruned was
// deleted.
func (v *Verifier) recheckGone(ctx context.Context, res *Result, logID string, gone []ledger.Leaf) error {
	for _, lf := range gone {
		now, err := v.Ledger.Leaves(ctx, logID, lf.Seq, lf.Seq+1)
		if err != nil {
			return err
		}
		if len(now) == 1 && now[0].EntryID == lf.EntryID && now[0].Pruned {
			res.Pruned++
			continue
		}
		res.add(lf.EntryID, ptr(lf.Seq), "%s: the entry is gone and retention did not delete it", ReasonDeleted)
	}
	return nil
}

// checkOne checks the entry at seq k against the tree's leaf want.
func (v *Verifier) checkOne(res *Result, logID string, k int64, want tlog.Hash, lf ledger.Leaf, e *ent.AuditEntry, head ledger.Head) {
	seq := ptr(k)
	rowLeaf, rowOK := leafHash(lf.Hash)
	if e == nil {
		if lf.Pruned {
			res.Pruned++
		} // else recheckGone decides: deleted, or pruned meanwhile
		if !rowOK || rowLeaf != want {
			res.add(lf.EntryID, seq, "%s: its hash in log_leaves is not the tree's leaf %d", ReasonLeafAltered, k)
		}
		return
	}
	if lf.Pruned {
		res.add(e.ID, seq, "%s: marked pruned by retention but still stored", ReasonBadPrune)
	}
	if ledger.LogID(e.TenantID) != logID {
		res.add(e.ID, seq, "%s: the entry now belongs to the log %s", ReasonOtherLog, ledger.LogID(e.TenantID))
		return
	}
	entry := audit.EntryOf(e)
	var recomputed string
	if k < head.LegacySize {
		recomputed = audit.HashV1(entry)
	} else {
		recomputed = audit.Hash(entry)
	}
	got, _ := leafHash(recomputed)
	switch {
	case got == want:
		res.Checked++
		if e.Hash != recomputed {
			res.add(e.ID, seq, "%s: the stored hash %s is not the entry's content hash", ReasonHashAltered, short(e.Hash))
		}
		if !rowOK || rowLeaf != want {
			res.add(e.ID, seq, "%s: its hash in log_leaves is not the tree's leaf %d", ReasonLeafAltered, k)
		}
	case rowOK && rowLeaf != want && recomputed == lf.Hash:
		// The entry matches its leaf row, but the tree holds another
		// entry at k: the rows' seq were exchanged.
		res.add(e.ID, seq, "%s: the tree holds another entry at seq %d", ReasonReordered, k)
	case e.Hash == lf.Hash && rowOK && rowLeaf == want:
		res.add(e.ID, seq, "%s: the stored row no longer hashes to its content hash %s", ReasonAltered, short(e.Hash))
	default:
		res.add(e.ID, seq, "%s: neither the row nor its hash match the tree's leaf %d", ReasonAltered, k)
	}
}

func short(h string) string {
	if len(h) > 16 {
		return h[:16] + "…"
	}
	return h
}

// checkpointWalk follows the log's checkpoints in tree-size order along
// the leaves: before(k) is the creation time of the newest checkpoint that
// does not hold seq k (the largest of size ≤ k).
type checkpointWalk struct {
	v     *Verifier
	logID string
	sizes []int64
	times []time.Time
	roots []string // root_hash column
	notes []string // the signed note
	read  int64    // checkpoints of size ≤ read are loaded
	i     int
}

func (w *checkpointWalk) upTo(ctx context.Context, to int64) error {
	if to <= w.read {
		return nil
	}
	rows, err := w.v.DB.QueryContext(ctx, w.v.sql(`SELECT tree_size, created_at, root_hash, note FROM log_checkpoints
WHERE log_id = $1 AND tree_size > $2 AND tree_size <= $3 ORDER BY tree_size`), w.logID, w.read, to)
	if err != nil {
		return fmt.Errorf("read checkpoints: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			n          int64
			t          time.Time
			root, text string
		)
		if err := rows.Scan(&n, &t, &root, &text); err != nil {
			return err
		}
		w.sizes = append(w.sizes, n)
		w.times = append(w.times, t)
		w.roots = append(w.roots, root)
		w.notes = append(w.notes, text)
	}
	w.read = to
	return rows.Err()
}

func (w *checkpointWalk) before(k int64) (time.Time, bool) {
	for w.i+1 < len(w.sizes) && w.sizes[w.i+1] <= k {
		w.i++
	}
	if len(w.sizes) == 0 || w.sizes[w.i] > k {
		return time.Time{}, false
	}
	return w.times[w.i], true
}

// olderCheckpoints checks the log's earlier checkpoints while checkLeaves
// walks the leaves of the latest one: each must carry a valid signature
// for this log and sign the root of exactly the first tree_size leaves.
// The API serves these checkpoints to clients that pin them (checkpoints,
// consistencyProof), so one forged or altered in the table, or one the key
// holder signed over a history since rewritten, is a finding. The roots
// come from a compact range (RFC 6962: the perfect subtrees of the prefix)
// grown leaf by leaf, so the whole walk costs one hash per leaf more.
type olderCheckpoints struct {
	v        *Verifier
	res      *Result
	logID    string
	latest   int64 // the latest checkpoint's size, checked apart
	cps      *checkpointWalk
	next     int // index in cps of the next checkpoint to check
	verifier note.Verifier
	stack    []subtree
}

// subtree is a perfect subtree of the prefix: its hash and leaf count.
type subtree struct {
	hash tlog.Hash
	size int64
}

func newOlderCheckpoints(v *Verifier, res *Result, logID string, latest int64, cps *checkpointWalk) *olderCheckpoints {
	o := &olderCheckpoints{v: v, res: res, logID: logID, latest: latest, cps: cps}
	// checkCheckpoint already verified this key; an error here leaves
	// verifier nil and every older checkpoint is reported.
	o.verifier, _ = note.NewVerifier(v.Ledger.VerifierKey())
	return o
}

// leaf appends the tree's leaf k (the leaves come in order from 0) and
// checks the checkpoints of size k+1. The caller has loaded cps up to
// at least k+1.
func (o *olderCheckpoints) leaf(k int64, h tlog.Hash) {
	o.stack = append(o.stack, subtree{hash: h, size: 1})
	for n := len(o.stack); n >= 2 && o.stack[n-2].size == o.stack[n-1].size; n = len(o.stack) {
		o.stack[n-2] = subtree{hash: tlog.NodeHash(o.stack[n-2].hash, o.stack[n-1].hash), size: 2 * o.stack[n-1].size}
		o.stack = o.stack[:n-1]
	}
	for ; o.next < len(o.cps.sizes) && o.cps.sizes[o.next] <= k+1; o.next++ {
		if size := o.cps.sizes[o.next]; size == k+1 && size < o.latest {
			o.res.Older++
			o.check(o.next)
		}
	}
}

// root is the root hash of the prefix appended so far.
func (o *olderCheckpoints) root() tlog.Hash {
	r := o.stack[len(o.stack)-1].hash
	for i := len(o.stack) - 2; i >= 0; i-- {
		r = tlog.NodeHash(o.stack[i].hash, r)
	}
	return r
}

func (o *olderCheckpoints) check(i int) {
	size, text := o.cps.sizes[i], o.cps.notes[i]
	at := fmt.Sprintf("checkpoint of size %d signed %s", size, o.cps.times[i].UTC().Format(time.RFC3339))
	if o.verifier == nil {
		o.res.add("", nil, "%s: %s: no log key to check it with", ReasonCheckpoint, at)
		return
	}
	n, err := note.Open([]byte(text), note.VerifierList(o.verifier))
	if err != nil {
		o.res.add("", nil, "%s: %s: the signature does not verify with the log key: %v", ReasonCheckpoint, at, err)
		return
	}
	tree, origin, err := parseCheckpoint(n.Text)
	switch {
	case err != nil:
		o.res.add("", nil, "%s: %s: %v", ReasonCheckpoint, at, err)
	case origin != o.v.Ledger.Origin(o.logID):
		o.res.add("", nil, "%s: %s: signed for the log %q, not %q", ReasonCheckpoint, at, origin, o.v.Ledger.Origin(o.logID))
	case tree.N != size || hex.EncodeToString(tree.Hash[:]) != o.cps.roots[i]:
		o.res.add("", nil, "%s: %s: the stored size or root differs from the signed note (size %d, root %s)",
			ReasonCheckpoint, at, tree.N, hex.EncodeToString(tree.Hash[:]))
	default:
		if root := o.root(); tree.Hash != root {
			o.res.add("", nil, "%s: the %s does not sign the first %d leaves of the latest checkpoint's tree (signed root %s, the leaves' %s)",
				ReasonFork, at, size, short(hex.EncodeToString(tree.Hash[:])), short(hex.EncodeToString(root[:])))
		}
	}
}

// maxListed caps the rows each of the whole-log queries below reports.
const maxListed = 1000

// maxUnsequenced caps the unsequenced leaves read (the oldest first): a
// healthy log has a merge delay's worth.
const maxUnsequenced = 20000

// checkUnlogged finds entries of the log that have no leaf at all: rows
// inserted with the trigger disabled.
func (v *Verifier) checkUnlogged(ctx context.Context, res *Result, logID string) error {
	where, args := "e.tenant_id = $1", []any{logID}
	if logID == ledger.PlatformLog {
		where, args = "e.tenant_id IS NULL", nil
	}
	rows, err := v.DB.QueryContext(ctx, v.sql(`SELECT e.id FROM audit_entries e WHERE `+where+`
AND NOT EXISTS (SELECT 1 FROM log_leaves l WHERE l.entry_id = e.id) ORDER BY e.id LIMIT `+strconv.Itoa(maxListed)), args...)
	if err != nil {
		return fmt.Errorf("find entries without a leaf: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return err
		}
		res.add(id, nil, "%s: the entry has no leaf (inserted around the log's trigger)", ReasonNotInLog)
	}
	return rows.Err()
}

// checkUnsequenced finds leaves left without a seq for too long, or
// received long before a checkpoint signed while they waited; and counts
// the sequenced leaves past the checkpoint.
func (v *Verifier) checkUnsequenced(ctx context.Context, res *Result, logID string, cp *ledger.Checkpoint) error {
	stale := v.Now().Add(-v.UnsequencedAfter)
	var cutoff time.Time
	if cp != nil {
		cutoff = cp.CreatedAt.Add(-v.BackdateSlack)
	}
	// Compared here, not in SQL: SQLite compares times as text.
	rows, err := v.DB.QueryContext(ctx, v.sql(`SELECT entry_id, received_at FROM log_leaves WHERE log_id = $1 AND seq IS NULL
ORDER BY received_at LIMIT `+strconv.Itoa(maxUnsequenced)), logID)
	if err != nil {
		return fmt.Errorf("find unsequenced leaves: %w", err)
	}
	defer rows.Close()
	listed := 0
	for rows.Next() && listed < maxListed {
		var (
			id string
			at time.Time
		)
		if err := rows.Scan(&id, &at); err != nil {
			return err
		}
		switch {
		case cp != nil && at.Before(cutoff):
			res.add(id, nil, "%s: received %s, but the checkpoint signed %s does not hold it", ReasonBackdated,
				at.UTC().Format(time.RFC3339), cp.CreatedAt.UTC().Format(time.RFC3339))
		case at.Before(stale):
			res.add(id, nil, "%s: received %s and still without a seq", ReasonUnsequenced, at.UTC().Format(time.RFC3339))
		default:
			continue
		}
		listed++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if cp != nil {
		err = v.DB.QueryRowContext(ctx, v.sql(`SELECT COUNT(*) FROM log_leaves WHERE log_id = $1 AND seq >= $2`),
			logID, cp.TreeSize).Scan(&res.Later)
	}
	return err
}

// checkRetention looks at the pruned leaves against the tenant's retention.
// Retention deletes an entry only after it was received, so a leaf pruned
// before its entry arrived was not pruned by retention. A tenant without a
// retention period may have had one when the leaves were pruned: that is a
// warning, not a finding.
func (v *Verifier) checkRetention(ctx context.Context, res *Result, logID string) error {
	rows, err := v.DB.QueryContext(ctx, v.sql(`SELECT entry_id, seq FROM log_leaves WHERE log_id = $1 AND pruned_at IS NOT NULL
AND pruned_at < received_at ORDER BY seq LIMIT `+strconv.Itoa(maxListed)), logID)
	if err != nil {
		return fmt.Errorf("check pruned leaves: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id  string
			seq sql.NullInt64
		)
		if err := rows.Scan(&id, &seq); err != nil {
			return err
		}
		var s *int64
		if seq.Valid {
			s = ptr(seq.Int64)
		}
		res.add(id, s, "%s: marked pruned before it was received", ReasonBadPrune)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if logID == ledger.PlatformLog {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%d leaves of the platform log are marked pruned; retention does not prune the platform log", res.Pruned))
		return nil
	}
	t, err := v.Client.Tenant.Get(ctx, logID)
	if err != nil {
		return fmt.Errorf("load tenant: %w", err)
	}
	if t.RetentionDays == nil {
		res.Warnings = append(res.Warnings, fmt.Sprintf(
			"%d leaves are marked pruned although the tenant now keeps entries forever (retention was turned off since?)", res.Pruned))
	}
	return nil
}

// sql rewrites $N placeholders for SQLite.
func (v *Verifier) sql(q string) string { return sqltext.Rebind(v.Dialect, q) }
