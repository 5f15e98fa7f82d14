package ledger

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/mod/sumdb/tlog"
)

// TileHeight is the height of the stored tiles: a tile holds up to 256
// hashes of one tree level, so a proof in a tree of a billion leaves reads
// four tiles.
const TileHeight = 8

// querier is what the tree reads through: the database or a transaction.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// tileStore reads one log's tiles from log_tiles. A stored tile may be
// wider than asked for (the tree grew since): hashes are only ever appended
// to a tile, so its prefix is the narrower tile.
type tileStore struct {
	ctx   context.Context
	q     querier
	sql   sqlText
	logID string
	cache map[tlog.Tile][]byte // within one pass: tiles do not change under it
	// verified holds, by level and n, the widest data of each tile that
	// tlog.TileHashReader has authenticated against the tree's root (it
	// hands them to SaveTiles only then).
	verified map[[2]int64][]byte
}

func (s *tileStore) Height() int { return TileHeight }

// ReadTiles reads the tiles tlog asks for that this store has not read yet
// with one statement: tlog asks for a log's right edge (~3.5 tiles) in one
// call, which took a statement a tile (docs/performance.md "the
// sequencer's cost per pass"). tlog checks what it returns against the
// tree's root.
func (s *tileStore) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	var (
		where strings.Builder
		args  = []any{s.logID}
	)
	for i, t := range tiles {
		if d, ok := s.cache[t]; ok {
			out[i] = d
			continue
		}
		if len(args) > 1 {
			where.WriteString(" OR ")
		}
		fmt.Fprintf(&where, "(level = $%d AND n = $%d)", len(args)+1, len(args)+2)
		args = append(args, t.L, t.N)
	}
	if len(args) == 1 {
		return out, nil
	}
	stored, err := s.readStored(where.String(), args)
	if err != nil {
		return nil, err
	}
	for i, t := range tiles {
		if out[i] != nil {
			continue
		}
		data, ok := stored[[2]int64{int64(t.L), t.N}]
		if !ok || len(data) < t.W*tlog.HashSize {
			return nil, fmt.Errorf("%w: tile %d/%d of width %d", ErrTreeDamaged, t.L, t.N, t.W)
		}
		out[i] = data[:t.W*tlog.HashSize]
		s.cache[t] = out[i]
	}
	return out, nil
}

// readStored reads the tiles of the log that match where, by level and n;
// a tile's data is cut to its stored width.
func (s *tileStore) readStored(where string, args []any) (map[[2]int64][]byte, error) {
	rows, err := s.q.QueryContext(s.ctx, s.sql(`SELECT level, n, width, data FROM log_tiles WHERE log_id = $1 AND (`+where+`)`), args...)
	if err != nil {
		return nil, fmt.Errorf("read tile: %w", err)
	}
	defer rows.Close()
	stored := map[[2]int64][]byte{}
	for rows.Next() {
		var (
			level, n int64
			width    int
			data     []byte
		)
		if err := rows.Scan(&level, &n, &width, &data); err != nil {
			return nil, fmt.Errorf("read tile: %w", err)
		}
		stored[[2]int64{level, n}] = data[:min(len(data), width*tlog.HashSize)]
	}
	return stored, rows.Err()
}

// SaveTiles keeps the tiles tlog authenticated, for hashReader (a store
// read by tlog alone keeps nothing).
func (s *tileStore) SaveTiles(tiles []tlog.Tile, data [][]byte) {
	if s.verified == nil {
		return
	}
	for i, t := range tiles {
		k := [2]int64{int64(t.L), t.N}
		if len(data[i]) > len(s.verified[k]) {
			s.verified[k] = data[i]
		}
	}
}

// verifiedHash is the stored hash x from a tile already authenticated
// against the tree's root, if one holds it.
func (s *tileStore) verifiedHash(x int64) (tlog.Hash, bool) {
	t := tlog.TileForIndex(TileHeight, x)
	data := s.verified[[2]int64{int64(t.L), t.N}]
	if len(data) < t.W*tlog.HashSize {
		return tlog.Hash{}, false
	}
	h, err := tlog.HashFromTile(t, data[:t.W*tlog.HashSize], x)
	return h, err == nil
}

// ErrTreeDamaged is returned when the stored tree does not match its own
// root: a tile is missing or was altered.
var ErrTreeDamaged = errors.New("the stored Merkle tree is damaged")

// hashReader reads stored hashes of the tree (verified against its root by
// tlog.TileHashReader) and, while a pass appends, the hashes it has
// computed but not yet written.
//
// tlog authenticates the tiles of the tree's right edge against the root
// again on every call, and extending a tree calls it for leaves appended,
// for the new root and for every new tile: each time hashing the edge
// tiles again (up to 255 hashes a tile). A hash in a tile tlog has
// authenticated for this reader's tree is taken from that tile instead:
// -35 to -45% CPU a log and pass (BenchmarkExtendTree; docs/performance.md
// "2026-12-06 (morning) — the writer's and sequencer's cost per
// request"). A tree of a given size and root never changes: stored tiles
// only grow wider, and what was authenticated stays authentic.
type hashReader struct {
	stored tlog.HashReader
	tiles  *tileStore
	added  map[int64]tlog.Hash
}

func (r *hashReader) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	var (
		missing []int64
		at      []int
	)
	for i, x := range indexes {
		if h, ok := r.added[x]; ok {
			out[i] = h
			continue
		}
		if h, ok := r.tiles.verifiedHash(x); ok {
			out[i] = h
			continue
		}
		missing = append(missing, x)
		at = append(at, i)
	}
	if len(missing) == 0 {
		return out, nil
	}
	hs, err := r.stored.ReadHashes(missing)
	if err != nil {
		return nil, treeErr(err)
	}
	for j, h := range hs {
		out[at[j]] = h
	}
	return out, nil
}

// treeErr marks tlog's verification failures as damage to the tree.
func treeErr(err error) error {
	if err == nil || errors.Is(err, ErrTreeDamaged) {
		return err
	}
	return fmt.Errorf("%w: %v", ErrTreeDamaged, err)
}

// readerAt reads the tree of the given size and root from q.
func readerAt(ctx context.Context, q querier, st sqlText, logID string, tree tlog.Tree) *hashReader {
	return newHashReader(tree, &tileStore{ctx: ctx, q: q, sql: st, logID: logID, cache: map[tlog.Tile][]byte{}})
}

// newHashReader reads the tree of the given size and root through s.
func newHashReader(tree tlog.Tree, s *tileStore) *hashReader {
	s.verified = map[[2]int64][]byte{}
	return &hashReader{stored: tlog.TileHashReader(tree, s), tiles: s, added: map[int64]tlog.Hash{}}
}

// appendLeaves adds the leaves (content hashes, in seq order, starting at
// tree.N) to the tree and writes the tiles that changed. It returns the new
// tree. The old tree's tiles are read through r, which checks them against
// the old root: a damaged tree is never extended.
func appendLeaves(ctx context.Context, q querier, st sqlText, pg bool, logID string, tree tlog.Tree, leaves []tlog.Hash) (tlog.Tree, error) {
	grown, tiles, err := extendTree(ctx, q, st, logID, tree, leaves, nil)
	if err != nil {
		return tlog.Tree{}, err
	}
	if err := writeTiles(ctx, q, st, pg, tiles); err != nil {
		return tlog.Tree{}, err
	}
	return grown, nil
}

// newTile is a tile of one log to store (a partial tile rewritten wider, or
// a new one).
type newTile struct {
	logID string
	tile  tlog.Tile
	data  []byte
}

// extendTree computes the tree with the leaves appended and the tiles that
// changed, without writing them. The old tree's tiles are read from q and
// checked against its root.
//
// read holds tiles of the log already read from q in this transaction
// (prefetchEdges; nil: none). They are checked against the root like those
// read here.
func extendTree(ctx context.Context, q querier, st sqlText, logID string, tree tlog.Tree, leaves []tlog.Hash, read map[tlog.Tile][]byte) (tlog.Tree, []newTile, error) {
	if read == nil {
		read = map[tlog.Tile][]byte{}
	}
	r := newHashReader(tree, &tileStore{ctx: ctx, q: q, sql: st, logID: logID, cache: read})
	for i, leaf := range leaves {
		n := tree.N + int64(i)
		hs, err := tlog.StoredHashesForRecordHash(n, tlog.RecordHash(leaf[:]), r)
		if err != nil {
			return tlog.Tree{}, nil, treeErr(err)
		}
		base := tlog.StoredHashIndex(0, n)
		for j, h := range hs {
			r.added[base+int64(j)] = h
		}
	}
	size := tree.N + int64(len(leaves))
	root, err := tlog.TreeHash(size, r)
	if err != nil {
		return tlog.Tree{}, nil, treeErr(err)
	}
	var tiles []newTile
	for _, t := range tlog.NewTiles(TileHeight, tree.N, size) {
		data, err := tlog.ReadTileData(t, r)
		if err != nil {
			return tlog.Tree{}, nil, treeErr(err)
		}
		tiles = append(tiles, newTile{logID: logID, tile: t, data: data})
	}
	return tlog.Tree{N: size, Hash: root}, tiles, nil
}

// tileRowsPerStatement bounds one tile INSERT (5 arguments a row; SQLite
// takes at most 32 766).
const tileRowsPerStatement = 500

// writeTiles stores tiles, of one log or many, in one multi-row INSERT per
// tileRowsPerStatement tiles: a pass over many logs writes its tiles with
// one statement instead of one a tile (docs/performance.md "the
// sequencer's cost per pass").
//
// On PostgreSQL the tile goes over the wire as hex (decode(…, 'hex')): the
// connections hand []byte arguments over as text (internal/db/pgconn.go).
func writeTiles(ctx context.Context, q querier, st sqlText, pg bool, tiles []newTile) error {
	for len(tiles) > 0 {
		chunk := tiles[:min(len(tiles), tileRowsPerStatement)]
		tiles = tiles[len(chunk):]
		var (
			b    strings.Builder
			args = make([]any, 0, 5*len(chunk))
		)
		b.WriteString(`INSERT INTO log_tiles (log_id, level, n, width, data) VALUES `)
		for i, t := range chunk {
			k := 5 * i
			if i > 0 {
				b.WriteString(", ")
			}
			data := fmt.Sprintf("$%d", k+5)
			var arg any = t.data
			if pg {
				data, arg = "decode("+data+", 'hex')", hex.EncodeToString(t.data)
			}
			fmt.Fprintf(&b, "($%d, $%d, $%d, $%d, %s)", k+1, k+2, k+3, k+4, data)
			args = append(args, t.logID, t.tile.L, t.tile.N, t.tile.W, arg)
		}
		b.WriteString(` ON CONFLICT (log_id, level, n) DO UPDATE SET width = EXCLUDED.width, data = EXCLUDED.data`)
		if _, err := q.ExecContext(ctx, st(b.String()), args...); err != nil {
			return fmt.Errorf("write tile: %w", err)
		}
	}
	return nil
}

// leafData is the leaf an entry's content hash (hex) stands for: its 32 raw
// bytes.
func leafData(contentHash string) (tlog.Hash, error) {
	var h tlog.Hash
	b, err := hex.DecodeString(contentHash)
	if err != nil || len(b) != tlog.HashSize {
		return h, fmt.Errorf("content hash %q is not 32 bytes of hex", contentHash)
	}
	copy(h[:], b)
	return h, nil
}

// parseRoot reads a stored hex root ("" for the empty tree).
func parseRoot(s string) (tlog.Hash, error) {
	var h tlog.Hash
	if s == "" {
		return h, nil
	}
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != tlog.HashSize {
		return h, fmt.Errorf("%w: root %q", ErrTreeDamaged, s)
	}
	copy(h[:], b)
	return h, nil
}

// hexHashes encodes proof hashes for the API.
func hexHashes(hs []tlog.Hash) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = hex.EncodeToString(h[:])
	}
	return out
}

// edgeTiles are the partial tiles at the right edge of a tree of size n,
// one a tile level: the tiles tlog reads to append to it.
func edgeTiles(n int64) []tlog.Tile {
	var out []tlog.Tile
	for level := 0; n>>(TileHeight*level) > 0; level++ {
		if w := int((n >> (TileHeight * level)) & (1<<TileHeight - 1)); w > 0 {
			out = append(out, tlog.Tile{H: TileHeight, L: level, N: n >> (TileHeight * (level + 1)), W: w})
		}
	}
	return out
}
