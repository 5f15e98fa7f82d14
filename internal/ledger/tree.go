package ledger

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"

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
}

func (s *tileStore) Height() int { return TileHeight }

func (s *tileStore) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		if d, ok := s.cache[t]; ok {
			out[i] = d
			continue
		}
		var (
			width int
			data  []byte
		)
		err := s.q.QueryRowContext(s.ctx, s.sql(`SELECT width, data FROM log_tiles WHERE log_id = $1 AND level = $2 AND n = $3`),
			s.logID, t.L, t.N).Scan(&width, &data)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && (width < t.W || len(data) < t.W*tlog.HashSize)) {
			return nil, fmt.Errorf("%w: tile %d/%d of width %d", ErrTreeDamaged, t.L, t.N, t.W)
		}
		if err != nil {
			return nil, fmt.Errorf("read tile: %w", err)
		}
		out[i] = data[:t.W*tlog.HashSize]
		s.cache[t] = out[i]
	}
	return out, nil
}

func (s *tileStore) SaveTiles([]tlog.Tile, [][]byte) {}

// ErrTreeDamaged is returned when the stored tree does not match its own
// root: a tile is missing or was altered.
var ErrTreeDamaged = errors.New("the stored Merkle tree is damaged")

// hashReader reads stored hashes of the tree (verified against its root by
// tlog.TileHashReader) and, while a pass appends, the hashes it has
// computed but not yet written.
type hashReader struct {
	stored tlog.HashReader
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
	return &hashReader{
		stored: tlog.TileHashReader(tree, &tileStore{ctx: ctx, q: q, sql: st, logID: logID, cache: map[tlog.Tile][]byte{}}),
		added:  map[int64]tlog.Hash{},
	}
}

// appendLeaves adds the leaves (content hashes, in seq order, starting at
// tree.N) to the tree and writes the tiles that changed. It returns the new
// tree. The old tree's tiles are read through r, which checks them against
// the old root: a damaged tree is never extended.
//
// On PostgreSQL the tile goes over the wire as hex (decode(…, 'hex')): the
// connections hand []byte arguments over as text (internal/db/pgconn.go).
func appendLeaves(ctx context.Context, q querier, st sqlText, pg bool, logID string, tree tlog.Tree, leaves []tlog.Hash) (tlog.Tree, error) {
	dataArg := "$5"
	if pg {
		dataArg = "decode($5, 'hex')"
	}
	r := readerAt(ctx, q, st, logID, tree)
	for i, leaf := range leaves {
		n := tree.N + int64(i)
		hs, err := tlog.StoredHashesForRecordHash(n, tlog.RecordHash(leaf[:]), r)
		if err != nil {
			return tlog.Tree{}, treeErr(err)
		}
		base := tlog.StoredHashIndex(0, n)
		for j, h := range hs {
			r.added[base+int64(j)] = h
		}
	}
	size := tree.N + int64(len(leaves))
	root, err := tlog.TreeHash(size, r)
	if err != nil {
		return tlog.Tree{}, treeErr(err)
	}
	for _, t := range tlog.NewTiles(TileHeight, tree.N, size) {
		data, err := tlog.ReadTileData(t, r)
		if err != nil {
			return tlog.Tree{}, treeErr(err)
		}
		var arg any = data
		if pg {
			arg = hex.EncodeToString(data)
		}
		if _, err := q.ExecContext(ctx, st(`INSERT INTO log_tiles (log_id, level, n, width, data) VALUES ($1, $2, $3, $4, `+dataArg+`)
ON CONFLICT (log_id, level, n) DO UPDATE SET width = EXCLUDED.width, data = EXCLUDED.data`),
			logID, t.L, t.N, t.W, arg); err != nil {
			return tlog.Tree{}, fmt.Errorf("write tile: %w", err)
		}
	}
	return tlog.Tree{N: size, Hash: root}, nil
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
