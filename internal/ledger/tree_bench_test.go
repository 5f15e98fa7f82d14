package ledger

import (
	"context"
	"crypto/sha256"
	"fmt"
	"syscall"
	"testing"

	"golang.org/x/mod/sumdb/tlog"
)

// memTree is a log's tree held in memory: its stored hashes and its tiles.
type memTree struct {
	hashes []tlog.Hash
	tree   tlog.Tree
}

func (m *memTree) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		out[i] = m.hashes[x]
	}
	return out, nil
}

func leafHash(i int64) tlog.Hash { return sha256.Sum256(fmt.Appendf(nil, "leaf %d", i)) }

func newMemTree(tb testing.TB, n int64) *memTree {
	tb.Helper()
	m := &memTree{}
	for i := range n {
		leaf := leafHash(i)
		hs, err := tlog.StoredHashes(i, leaf[:], m)
		if err != nil {
			tb.Fatal(err)
		}
		m.hashes = append(m.hashes, hs...)
	}
	root, err := tlog.TreeHash(n, m)
	if err != nil {
		tb.Fatal(err)
	}
	m.tree = tlog.Tree{N: n, Hash: root}
	return m
}

// tiles are the tree's tiles at its size, as the sequencer stored them.
func (m *memTree) tiles(tb testing.TB) map[tlog.Tile][]byte {
	tb.Helper()
	out := map[tlog.Tile][]byte{}
	for _, t := range tlog.NewTiles(TileHeight, 0, m.tree.N) {
		data, err := tlog.ReadTileData(t, m)
		if err != nil {
			tb.Fatal(err)
		}
		out[t] = data
	}
	return out
}

// TestExtendTreeMatchesTlog: the tree a pass extends in memory has the
// root and tiles tlog computes for the whole log, for appends that stay
// in a tile, fill one and cross levels; and a stored tile that does not
// match the root is refused.
func TestExtendTreeMatchesTlog(t *testing.T) {
	for _, c := range []struct{ from, add int64 }{{0, 1}, {1, 1}, {5, 7}, {250, 6}, {256, 1}, {1000, 300}, {65530, 12}, {70000, 1}} {
		t.Run(fmt.Sprintf("%d+%d", c.from, c.add), func(t *testing.T) {
			old := newMemTree(t, c.from)
			all := newMemTree(t, c.from+c.add)
			var leaves []tlog.Hash
			for i := c.from; i < c.from+c.add; i++ {
				leaves = append(leaves, leafHash(i))
			}
			grown, tiles, err := extendTree(context.Background(), nil, nil, "log", old.tree, leaves, old.tiles(t))
			if err != nil {
				t.Fatal(err)
			}
			if grown != all.tree {
				t.Fatalf("tree %v, want %v", grown, all.tree)
			}
			want := all.tiles(t)
			for _, nt := range tiles {
				if string(nt.data) != string(want[nt.tile]) {
					t.Fatalf("tile %v differs from tlog's", nt.tile)
				}
			}
			if len(tiles) != len(tlog.NewTiles(TileHeight, c.from, c.from+c.add)) {
				t.Fatalf("%d tiles written, want %d", len(tiles), len(tlog.NewTiles(TileHeight, c.from, c.from+c.add)))
			}
			if c.from == 0 {
				return
			}
			// The last hash of every stored tile altered: the tree is not
			// extended.
			bad := old.tiles(t)
			for tile, data := range bad {
				data = append([]byte(nil), data...)
				data[len(data)-1] ^= 1
				bad[tile] = data
			}
			if _, _, err := extendTree(context.Background(), nil, nil, "log", old.tree, leaves, bad); err == nil {
				t.Fatal("a damaged tile was not noticed")
			}
		})
	}
}

// BenchmarkExtendTree is a pass's work in memory for one log: a few new
// leaves on a tree whose edge tiles the pass read (prefetchEdges).
func BenchmarkExtendTree(b *testing.B) {
	for _, c := range []struct{ from, add int64 }{{1000, 5}, {1000, 15}, {30000, 15}} {
		b.Run(fmt.Sprintf("tree=%d/leaves=%d", c.from, c.add), func(b *testing.B) {
			old := newMemTree(b, c.from)
			read := old.tiles(b)
			var leaves []tlog.Hash
			for i := c.from; i < c.from+c.add; i++ {
				leaves = append(leaves, leafHash(i))
			}
			b.ReportAllocs()
			cpu := cpuTime()
			for b.Loop() {
				if _, _, err := extendTree(context.Background(), nil, nil, "log", old.tree, leaves, read); err != nil {
					b.Fatal(err)
				}
			}
			// CPU, not wall time: the machine is shared.
			b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
		})
	}
}

// cpuTime is the process's user and system CPU time, in ns.
func cpuTime() int64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Utime.Nano() + ru.Stime.Nano()
}
