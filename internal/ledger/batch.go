package ledger

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"golang.org/x/mod/sumdb/tlog"
)

// sequenceLogs sequences the logs of a pass: first all together in one
// transaction (sequenceAll), then each log the batch left over, or every
// log when the batch failed, alone in its own transactions (sequence), as
// before. It returns the error of each log that failed alone.
//
// The batch exists because the sequencer's cost is per log and pass, not
// per entry: alone, each active log costs a transaction of ~13 statements
// and a commit on every pass (docs/performance.md "the sequencer's cost per
// pass"). A log the batch cannot take — one this process found damaged, or
// any error in the batch — goes the per-log way, which isolates it and
// reports it (Pass) exactly as before, so one damaged log never blocks the
// others.
func (l *Ledger) sequenceLogs(ctx context.Context, logs []string) map[string]error {
	var together, alone []string
	for _, id := range logs {
		if _, damaged := l.violated.Load(id); damaged {
			alone = append(alone, id)
		} else {
			together = append(together, id)
		}
	}
	if len(together) < 2 {
		alone = logs // one log: its own transaction is the same work
	} else if rest, err := l.sequenceAll(ctx, together); err != nil {
		if ctx.Err() != nil {
			return map[string]error{together[0]: err}
		}
		l.log.Debug("ledger: sequencing the logs together failed; each alone", "err", err)
		alone = logs
	} else {
		alone = append(alone, rest...)
	}
	errs := map[string]error{}
	for _, id := range alone {
		for {
			more, err := l.sequence(ctx, id)
			if err != nil {
				errs[id] = err
				break
			}
			if !more {
				break
			}
		}
	}
	return errs
}

// sequenceAll runs one transaction over the logs: their heads locked with
// one statement, their waiting leaves read with one statement and numbered
// with another, the trees extended in memory (each log's tiles read and
// checked against its root, as alone), the changed tiles of every log
// written with one statement and the heads moved with one. Any error rolls
// all of it back. It returns the logs that still have work for the
// per-log path: more leaves than Batch waiting, or a tree behind its seq
// (leaves numbered by the migration).
func (l *Ledger) sequenceAll(ctx context.Context, logs []string) (rest []string, err error) {
	ids, err := json.Marshal(logs)
	if err != nil {
		return nil, err
	}
	tx, err := l.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	heads, err := l.lockHeads(ctx, tx, logs, string(ids))
	if err != nil {
		return nil, err
	}
	var even []string // logs whose tree holds every numbered leaf
	for _, id := range logs {
		if h := heads[id]; h.nextSeq == h.treeSize {
			even = append(even, id)
		} else {
			rest = append(rest, id)
		}
	}
	numbered, err := l.numberAll(ctx, tx, heads, even)
	if err != nil {
		return nil, err
	}
	var (
		tiles []newTile
		moves []headMove
	)
	read, err := l.prefetchEdges(ctx, tx, heads, numbered)
	if err != nil {
		return nil, err
	}
	for _, id := range even {
		leaves := numbered[id]
		if len(leaves) == 0 {
			continue
		}
		h := heads[id]
		hashes, err := gapless(h.nextSeq, leaves)
		if err != nil {
			return nil, fmt.Errorf("log %s: %w", id, err)
		}
		tree, changed, err := extendTree(ctx, tx, l.sql, id, tlog.Tree{N: h.treeSize, Hash: h.root}, hashes, read[id])
		if err != nil {
			return nil, fmt.Errorf("log %s: %w", id, err)
		}
		tiles = append(tiles, changed...)
		moves = append(moves, headMove{LogID: id, NextSeq: tree.N, TreeSize: tree.N, RootHash: hex.EncodeToString(tree.Hash[:]),
			OldNext: h.nextSeq, OldTree: h.treeSize})
		if len(leaves) == l.cfg.Batch {
			rest = append(rest, id)
		}
	}
	if len(moves) == 0 {
		return rest, tx.Rollback()
	}
	if err := writeTiles(ctx, tx, l.sql, l.isPostgres(), tiles); err != nil {
		return nil, err
	}
	if err := l.moveHeads(ctx, tx, moves); err != nil {
		return nil, err
	}
	return rest, tx.Commit()
}

// waitingLeavesSQL reads the oldest committed, unsequenced leaves of the
// logs in the JSON array $1, at most $2 a log, in the order they are
// numbered: by log, then by receipt (received_at, entry_id).
//
// On PostgreSQL each log is one probe of the partial index
// log_leaves_unsequenced, which holds exactly that order (a LATERAL
// subquery with its LIMIT). The window over `log_id IN (SELECT
// jsonb_array_elements_text($1))` that SQLite still runs was planned there
// as a nested-loop semi join that expanded the JSON array again for every
// waiting leaf — leaves × logs comparisons: 19–21 ms of CPU a pass for
// 1 500 leaves of 100 logs, against 2 ms this way (docs/performance.md
// "2026-12-06 (morning) — the writer's and sequencer's cost per request").
func (l *Ledger) waitingLeavesSQL() string {
	if l.isPostgres() {
		return `SELECT w.log_id, x.entry_id, x.hash FROM jsonb_array_elements_text($1::jsonb) AS w(log_id)
CROSS JOIN LATERAL (
  SELECT entry_id, hash, received_at FROM log_leaves
  WHERE log_id = w.log_id AND seq IS NULL ORDER BY received_at, entry_id LIMIT $2) x
ORDER BY w.log_id, x.received_at, x.entry_id`
	}
	return `SELECT log_id, entry_id, hash FROM (
  SELECT log_id, entry_id, hash, row_number() OVER (PARTITION BY log_id ORDER BY received_at, entry_id) AS rn
  FROM log_leaves WHERE seq IS NULL AND log_id IN (` + l.idList() + `)) w
WHERE rn <= $2 ORDER BY log_id, rn`
}

// idList is a subquery of the log ids in the JSON array argument $1.
func (l *Ledger) idList() string {
	if l.isPostgres() {
		return `SELECT jsonb_array_elements_text($1::jsonb)`
	}
	return `SELECT value FROM json_each($1)`
}

// lockHeads reads and locks the heads of the logs (ids: their JSON array),
// creating those a log's first pass lacks.
func (l *Ledger) lockHeads(ctx context.Context, tx *sql.Tx, logs []string, ids string) (map[string]head, error) {
	query := `SELECT log_id, next_seq, tree_size, root_hash, legacy_size, checkpoint_size FROM log_heads WHERE log_id IN (` + l.idList() + `) ORDER BY log_id`
	if l.isPostgres() {
		query += ` FOR UPDATE`
	}
	read := func() (map[string]head, error) {
		rows, err := tx.QueryContext(ctx, l.sql(query), ids)
		if err != nil {
			return nil, fmt.Errorf("read log heads: %w", err)
		}
		defer rows.Close()
		out := make(map[string]head, len(logs))
		for rows.Next() {
			var (
				id, root string
				h        head
			)
			if err := rows.Scan(&id, &h.nextSeq, &h.treeSize, &root, &h.legacySize, &h.checkpointSize); err != nil {
				return nil, err
			}
			if h.root, err = parseRoot(root); err != nil {
				return nil, fmt.Errorf("log %s: %w", id, err)
			}
			out[id] = h
		}
		return out, rows.Err()
	}
	heads, err := read()
	if err != nil || len(heads) == len(logs) {
		return heads, err
	}
	for _, id := range logs {
		if _, ok := heads[id]; ok {
			continue
		}
		if _, err := tx.ExecContext(ctx, l.sql(`INSERT INTO log_heads (log_id, updated_at) VALUES ($1, $2) ON CONFLICT (log_id) DO NOTHING`),
			id, l.now().UTC()); err != nil {
			return nil, fmt.Errorf("create log head: %w", err)
		}
	}
	if heads, err = read(); err == nil && len(heads) != len(logs) {
		err = errors.New("log heads missing after creating them")
	}
	return heads, err
}

// numberedLeaf is a leaf the pass gives its seq.
type numberedLeaf struct {
	entryID string
	seq     int64
	hash    string
}

// numberAll numbers the oldest committed, unsequenced leaves of the logs,
// at most Batch a log, from each log's next seq (the heads are locked), and
// returns them by log. As alone (sequence), under READ COMMITTED an entry
// whose transaction has not committed is not seen and gets the next numbers
// when it has.
//
// It reads the leaves with one statement and writes their seqs with a
// second, keyed by entry id. One UPDATE that numbers with a window function
// over all the logs, as alone, was tried first: PostgreSQL planned it as a
// hash join over a sequential scan of all of log_leaves (177 ms a pass,
// against ~1 ms a log alone).
func (l *Ledger) numberAll(ctx context.Context, tx *sql.Tx, heads map[string]head, logs []string) (map[string][]numberedLeaf, error) {
	out := map[string][]numberedLeaf{}
	if len(logs) == 0 {
		return out, nil
	}
	ids, err := json.Marshal(logs)
	if err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, l.sql(l.waitingLeavesSQL()), string(ids), l.cfg.Batch)
	if err != nil {
		return nil, fmt.Errorf("read leaves to number: %w", err)
	}
	defer rows.Close()
	type seqOf struct {
		E string `json:"e"`
		S int64  `json:"s"`
	}
	var seqs []seqOf
	for rows.Next() {
		var (
			id   string
			leaf numberedLeaf
		)
		if err := rows.Scan(&id, &leaf.entryID, &leaf.hash); err != nil {
			return nil, err
		}
		leaf.seq = heads[id].nextSeq + int64(len(out[id]))
		out[id] = append(out[id], leaf)
		seqs = append(seqs, seqOf{E: leaf.entryID, S: leaf.seq})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(seqs) == 0 {
		return out, nil
	}
	arg, err := json.Marshal(seqs)
	if err != nil {
		return nil, err
	}
	from := `jsonb_to_recordset($1::jsonb) AS v(e text, s bigint)`
	if !l.isPostgres() {
		from = `(SELECT json_extract(value, '$.e') AS e, json_extract(value, '$.s') AS s FROM json_each($1)) AS v`
	}
	res, err := tx.ExecContext(ctx, l.sql(`UPDATE log_leaves SET seq = v.s FROM `+from+` WHERE log_leaves.entry_id = v.e AND log_leaves.seq IS NULL`), string(arg))
	if err != nil {
		return nil, fmt.Errorf("assign seq: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != int64(len(seqs)) {
		return nil, fmt.Errorf("assign seq: %d of %d leaves numbered (%v)", n, len(seqs), err)
	}
	return out, nil
}

// gapless puts a log's numbered leaves in seq order, checks that they are
// from, from+1, … and returns their leaf hashes.
func gapless(from int64, leaves []numberedLeaf) ([]tlog.Hash, error) {
	sort.Slice(leaves, func(i, j int) bool { return leaves[i].seq < leaves[j].seq })
	out := make([]tlog.Hash, len(leaves))
	for i, leaf := range leaves {
		if leaf.seq != from+int64(i) {
			return nil, fmt.Errorf("numbered leaf %d where %d belongs", leaf.seq, from+int64(i))
		}
		h, err := leafData(leaf.hash)
		if err != nil {
			return nil, fmt.Errorf("%w: leaf %d: %v", ErrTreeDamaged, leaf.seq, err)
		}
		out[i] = h
	}
	return out, nil
}

// headMove is a log's head after a batch, and the head it replaces.
type headMove struct {
	LogID    string `json:"log_id"`
	NextSeq  int64  `json:"next_seq"`
	TreeSize int64  `json:"tree_size"`
	RootHash string `json:"root_hash"`
	OldNext  int64  `json:"old_next"`
	OldTree  int64  `json:"old_tree"`
}

// moveHeads moves the heads of a batch with one statement; each must still
// be the one the batch read (else another sequencer moved it: all of the
// batch rolls back).
func (l *Ledger) moveHeads(ctx context.Context, tx *sql.Tx, moves []headMove) error {
	arg, err := json.Marshal(moves)
	if err != nil {
		return err
	}
	from := `jsonb_to_recordset($1::jsonb) AS v(log_id text, next_seq bigint, tree_size bigint, root_hash text, old_next bigint, old_tree bigint)`
	if !l.isPostgres() {
		from = `(SELECT json_extract(value, '$.log_id') AS log_id, json_extract(value, '$.next_seq') AS next_seq,
  json_extract(value, '$.tree_size') AS tree_size, json_extract(value, '$.root_hash') AS root_hash,
  json_extract(value, '$.old_next') AS old_next, json_extract(value, '$.old_tree') AS old_tree FROM json_each($1)) AS v`
	}
	res, err := tx.ExecContext(ctx, l.sql(`UPDATE log_heads SET next_seq = v.next_seq, tree_size = v.tree_size, root_hash = v.root_hash, updated_at = $2
FROM `+from+`
WHERE log_heads.log_id = v.log_id AND log_heads.next_seq = v.old_next AND log_heads.tree_size = v.old_tree`), string(arg), l.now().UTC())
	if err != nil {
		return fmt.Errorf("move log heads: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != int64(len(moves)) {
		return fmt.Errorf("%d of %d log heads moved under the sequencer (another replica?)", int64(len(moves))-n, len(moves))
	}
	return nil
}

// prefetchEdges reads the right-edge tiles (edgeTiles) of every log that
// gets leaves with one statement, by log: alone, tlog asks for them a
// tile at a time (~3 statements a log and pass). They go into each log's
// tile store for this transaction only and are checked against the log's
// root by tlog.TileHashReader like any tile read; a tile it asks for that
// is not among them (or a stored one narrower than the edge) is read, or
// found missing, as alone.
func (l *Ledger) prefetchEdges(ctx context.Context, tx *sql.Tx, heads map[string]head, numbered map[string][]numberedLeaf) (map[string]map[tlog.Tile][]byte, error) {
	want := map[tileKey]tlog.Tile{}
	for id, leaves := range numbered {
		if len(leaves) == 0 {
			continue
		}
		for _, t := range edgeTiles(heads[id].treeSize) {
			want[tileKey{Log: id, Level: t.L, N: t.N}] = t
		}
	}
	return l.readLogTiles(ctx, tx, want)
}

// tileKey is a tile of one log, as readLogTiles asks for it.
type tileKey struct {
	Log   string `json:"l"`
	Level int    `json:"v"`
	N     int64  `json:"n"`
}

// readLogTiles reads the tiles of many logs with one statement and returns
// them by log, each cut to the width asked for. A tile not stored, or
// stored narrower, is left out: the log's tile store reads it again and
// reports it (these are only a cache of that store, checked against the
// log's root by tlog.TileHashReader like any tile read).
func (l *Ledger) readLogTiles(ctx context.Context, q querier, want map[tileKey]tlog.Tile) (map[string]map[tlog.Tile][]byte, error) {
	out := map[string]map[tlog.Tile][]byte{}
	if len(want) == 0 {
		return out, nil
	}
	keys := make([]tileKey, 0, len(want))
	for k := range want {
		keys = append(keys, k)
	}
	arg, err := json.Marshal(keys)
	if err != nil {
		return nil, err
	}
	from := `jsonb_to_recordset($1::jsonb) AS v(l text, v int, n bigint)`
	if !l.isPostgres() {
		from = `(SELECT json_extract(value, '$.l') AS l, json_extract(value, '$.v') AS v, json_extract(value, '$.n') AS n FROM json_each($1)) AS v`
	}
	rows, err := q.QueryContext(ctx, l.sql(`SELECT t.log_id, t.level, t.n, t.width, t.data FROM `+from+`
JOIN log_tiles t ON t.log_id = v.l AND t.level = v.v AND t.n = v.n`), string(arg))
	if err != nil {
		return nil, fmt.Errorf("read tiles: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			k     tileKey
			width int
			data  []byte
		)
		if err := rows.Scan(&k.Log, &k.Level, &k.N, &width, &data); err != nil {
			return nil, fmt.Errorf("read tiles: %w", err)
		}
		t := want[k]
		if width < t.W || len(data) < t.W*tlog.HashSize {
			continue // read again, and reported, by the tile store
		}
		if out[k.Log] == nil {
			out[k.Log] = map[tlog.Tile][]byte{}
		}
		out[k.Log][t] = data[:t.W*tlog.HashSize]
	}
	return out, rows.Err()
}
