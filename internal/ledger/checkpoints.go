package ledger

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// dueCheckpoint is a log whose tree grew past its last checkpoint, with
// that checkpoint (lastSize 0 and hasLast false: none yet).
type dueCheckpoint struct {
	logID    string
	tree     tlog.Tree
	hasLast  bool
	lastSize int64
	lastRoot string
	lastAt   time.Time
}

// signedCheckpoint is a checkpoint of a pass, signed and not yet stored.
type signedCheckpoint struct {
	logID string
	tree  tlog.Tree
	note  string
}

// checkpoints signs the checkpoints of the logs that are due: the tree grew
// past the log's last checkpoint, and the last one is at least
// CheckpointEvery old (force: regardless of age). Before signing, each
// tree is proven to extend its log's last checkpoint (else ErrFork, and
// that log is not signed).
//
// All the logs of a pass are read, proven and stored together: their heads
// and last checkpoints with one statement, the tiles of their consistency
// proofs with one, the checkpoints with one multi-row INSERT and the heads'
// checkpoint_size with one UPDATE in one transaction, and the metric's
// receipt times with one. One by one this was six statements and a commit
// a checkpoint, 83% of the ledger's statements under q4a
// (docs/performance.md "the sequencer's cost per pass"). Each checkpoint
// is still its own note with its own signature: what is signed did not
// change.
//
// It returns the error of each log that failed on its own (a fork, a
// damaged tree) and an error that failed them all (the database).
func (l *Ledger) checkpoints(ctx context.Context, logs []string, force bool) (map[string]error, error) {
	var ask []string
	for _, id := range logs {
		if at, ok := l.signedAt.Load(id); ok && !force && l.now().Sub(at.(time.Time)) < l.cfg.CheckpointEvery {
			continue
		}
		ask = append(ask, id)
	}
	if len(ask) == 0 {
		return nil, nil
	}
	due, err := l.dueCheckpoints(ctx, ask)
	if err != nil {
		return nil, err
	}
	failed := map[string]error{}
	var prove []dueCheckpoint
	for _, d := range due {
		if d.hasLast {
			l.signedAt.Store(d.logID, d.lastAt)
			if !force && l.now().Sub(d.lastAt) < l.cfg.CheckpointEvery {
				continue
			}
			if d.lastSize > d.tree.N {
				failed[d.logID] = fmt.Errorf("%w: the tree has %d leaves, the checkpoint of %s signed %d", ErrFork, d.tree.N,
					d.lastAt.UTC().Format(time.RFC3339), d.lastSize)
				continue
			}
		}
		prove = append(prove, d)
	}
	if len(prove) == 0 {
		return failed, nil
	}
	read, err := l.proofTiles(ctx, prove)
	if err != nil {
		return failed, err
	}
	var signed []signedCheckpoint
	for _, d := range prove {
		if d.hasLast {
			if err := l.extendsLast(ctx, d, read[d.logID]); err != nil {
				failed[d.logID] = err
				continue
			}
		}
		body := fmt.Sprintf("%s\n%d\n%s\n", l.Origin(d.logID), d.tree.N, base64.StdEncoding.EncodeToString(d.tree.Hash[:]))
		msg, err := note.Sign(&note.Note{Text: body}, l.signer)
		if err != nil {
			return failed, fmt.Errorf("sign checkpoint: %w", err)
		}
		signed = append(signed, signedCheckpoint{logID: d.logID, tree: d.tree, note: string(msg)})
	}
	if len(signed) == 0 {
		return failed, nil
	}
	now := l.now().UTC()
	if err := l.storeCheckpoints(ctx, signed, now); err != nil {
		return failed, err
	}
	for _, c := range signed {
		l.signedAt.Store(c.logID, now)
	}
	if l.OnCheckpoint != nil {
		l.reportLag(ctx, signed, now)
	}
	return failed, nil
}

// dueCheckpoints reads, for each of the logs whose tree grew past its last
// checkpoint, its head and its last checkpoint, with one statement.
func (l *Ledger) dueCheckpoints(ctx context.Context, logs []string) ([]dueCheckpoint, error) {
	ids, err := json.Marshal(logs)
	if err != nil {
		return nil, err
	}
	rows, err := l.db.QueryContext(ctx, l.sql(`SELECT h.log_id, h.tree_size, h.root_hash, c.tree_size, c.root_hash, c.created_at
FROM log_heads h LEFT JOIN log_checkpoints c ON c.log_id = h.log_id
  AND c.tree_size = (SELECT max(m.tree_size) FROM log_checkpoints m WHERE m.log_id = h.log_id)
WHERE h.log_id IN (`+l.idList()+`) AND h.tree_size > 0 AND h.tree_size > h.checkpoint_size
ORDER BY h.log_id`), string(ids))
	if err != nil {
		return nil, fmt.Errorf("read log heads and checkpoints: %w", err)
	}
	defer rows.Close()
	var out []dueCheckpoint
	for rows.Next() {
		var (
			d        dueCheckpoint
			root     string
			lastSize *int64
			lastRoot *string
			lastAt   *time.Time
		)
		if err := rows.Scan(&d.logID, &d.tree.N, &root, &lastSize, &lastRoot, &lastAt); err != nil {
			return nil, fmt.Errorf("read log heads and checkpoints: %w", err)
		}
		if d.tree.Hash, err = parseRoot(root); err != nil {
			return nil, fmt.Errorf("log %s: %w", d.logID, err)
		}
		if lastSize != nil && lastRoot != nil && lastAt != nil {
			d.hasLast, d.lastSize, d.lastRoot, d.lastAt = true, *lastSize, *lastRoot, *lastAt
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// errTilesAsked ends tlog's first walk of a proof (tileRecorder): it only
// learns which tiles the proof reads.
var errTilesAsked = errors.New("tiles asked for")

// tileRecorder is a tlog.TileReader that records the tiles asked for and
// returns none.
type tileRecorder struct{ asked []tlog.Tile }

func (r *tileRecorder) Height() int { return TileHeight }

func (r *tileRecorder) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	r.asked = append(r.asked, tiles...)
	return nil, errTilesAsked
}

func (r *tileRecorder) SaveTiles([]tlog.Tile, [][]byte) {}

// proofTiles reads the tiles of every log's consistency proof (with the
// tiles that check them against the root) with one statement, by log
// (readLogTiles). tlog asks for them in one call a proof; a dry walk of
// each proof with a tileRecorder learns which.
func (l *Ledger) proofTiles(ctx context.Context, due []dueCheckpoint) (map[string]map[tlog.Tile][]byte, error) {
	want := map[tileKey]tlog.Tile{}
	for _, d := range due {
		if !d.hasLast || d.lastSize == 0 {
			continue
		}
		rec := &tileRecorder{}
		if _, err := tlog.ProveTree(d.tree.N, d.lastSize, tlog.TileHashReader(d.tree, rec)); err != nil && !errors.Is(err, errTilesAsked) {
			continue // reported by the proof itself (extendsLast)
		}
		for _, t := range rec.asked {
			want[tileKey{Log: d.logID, Level: t.L, N: t.N}] = t
		}
	}
	return l.readLogTiles(ctx, l.db, want)
}

// extendsLast proves that the log's tree extends its last checkpoint, from
// the stored tiles (read: those proofTiles read), each checked against the
// tree's root.
func (l *Ledger) extendsLast(ctx context.Context, d dueCheckpoint, read map[tlog.Tile][]byte) error {
	if read == nil {
		read = map[tlog.Tile][]byte{}
	}
	r := tlog.TileHashReader(d.tree, &tileStore{ctx: ctx, q: l.db, sql: l.sql, logID: d.logID, cache: read})
	proof, err := tlog.ProveTree(d.tree.N, d.lastSize, r)
	if err != nil {
		return treeErr(err)
	}
	lastRoot, err := parseRoot(d.lastRoot)
	if err != nil {
		return err
	}
	if err := tlog.CheckTree(proof, d.tree.N, d.tree.Hash, d.lastSize, lastRoot); err != nil {
		return fmt.Errorf("%w: tree of size %d vs checkpoint of size %d: %v", ErrFork, d.tree.N, d.lastSize, err)
	}
	return nil
}

// checkpointRowsPerStatement bounds one checkpoint INSERT (5 arguments a
// row; SQLite takes at most 32 766).
const checkpointRowsPerStatement = 500

// storeCheckpoints stores the checkpoints and moves their heads'
// checkpoint_size, in one transaction.
func (l *Ledger) storeCheckpoints(ctx context.Context, signed []signedCheckpoint, now time.Time) error {
	tx, err := l.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // after Commit: a no-op
	type size struct {
		Log  string `json:"l"`
		Size int64  `json:"s"`
	}
	sizes := make([]size, 0, len(signed))
	for rest := signed; len(rest) > 0; {
		chunk := rest[:min(len(rest), checkpointRowsPerStatement)]
		rest = rest[len(chunk):]
		var (
			q    strings.Builder
			args = make([]any, 0, 5*len(chunk))
		)
		q.WriteString(`INSERT INTO log_checkpoints (log_id, tree_size, root_hash, note, created_at) VALUES `)
		for i, c := range chunk {
			if i > 0 {
				q.WriteString(", ")
			}
			n := len(args)
			fmt.Fprintf(&q, "($%d, $%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4, n+5)
			args = append(args, c.logID, c.tree.N, hex.EncodeToString(c.tree.Hash[:]), c.note, now)
			sizes = append(sizes, size{Log: c.logID, Size: c.tree.N})
		}
		q.WriteString(` ON CONFLICT (log_id, tree_size) DO NOTHING`)
		if _, err := tx.ExecContext(ctx, l.sql(q.String()), args...); err != nil {
			return fmt.Errorf("store checkpoints: %w", err)
		}
	}
	arg, err := json.Marshal(sizes)
	if err != nil {
		return err
	}
	from := `jsonb_to_recordset($1::jsonb) AS v(l text, s bigint)`
	if !l.isPostgres() {
		from = `(SELECT json_extract(value, '$.l') AS l, json_extract(value, '$.s') AS s FROM json_each($1)) AS v`
	}
	if _, err := tx.ExecContext(ctx, l.sql(`UPDATE log_heads SET checkpoint_size = v.s FROM `+from+`
WHERE log_heads.log_id = v.l AND log_heads.checkpoint_size < v.s`), string(arg)); err != nil {
		return fmt.Errorf("store checkpoints: %w", err)
	}
	return tx.Commit()
}

// reportLag calls OnCheckpoint for each checkpoint stored, with the time
// from the receipt of its newest leaf, read for all of them with one
// statement.
func (l *Ledger) reportLag(ctx context.Context, signed []signedCheckpoint, now time.Time) {
	type last struct {
		Log string `json:"l"`
		Seq int64  `json:"s"`
	}
	keys := make([]last, len(signed))
	size := make(map[string]int64, len(signed))
	for i, c := range signed {
		keys[i] = last{Log: c.logID, Seq: c.tree.N - 1}
		size[c.logID] = c.tree.N
	}
	arg, err := json.Marshal(keys)
	if err != nil {
		return
	}
	from := `jsonb_to_recordset($1::jsonb) AS v(l text, s bigint)`
	if !l.isPostgres() {
		from = `(SELECT json_extract(value, '$.l') AS l, json_extract(value, '$.s') AS s FROM json_each($1)) AS v`
	}
	rows, err := l.db.QueryContext(ctx, l.sql(`SELECT t.log_id, t.received_at FROM `+from+`
JOIN log_leaves t ON t.log_id = v.l AND t.seq = v.s`), string(arg))
	if err != nil {
		return
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id     string
			newest time.Time
		)
		if err := rows.Scan(&id, &newest); err != nil {
			return
		}
		l.OnCheckpoint(id, size[id], now.Sub(newest))
	}
}
