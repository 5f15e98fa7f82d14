package verify

import (
	"fmt"
	"testing"

	"golang.org/x/mod/sumdb/tlog"
)

// TestPrefixRoot: the compact range olderCheckpoints grows leaf by leaf
// gives, after every leaf, the RFC 6962 root of that many leaves.
func TestPrefixRoot(t *testing.T) {
	var leaves []tlog.Hash
	o := &olderCheckpoints{cps: &checkpointWalk{}}
	for n := 1; n <= 300; n++ {
		h := tlog.RecordHash([]byte(fmt.Sprint("entry ", n)))
		leaves = append(leaves, h)
		o.leaf(int64(n-1), h)
		if got, want := o.root(), mth(leaves); got != want {
			t.Fatalf("size %d: root %x, want %x", n, got, want)
		}
	}
	if len(o.stack) != 4 { // 300 = 256 + 32 + 8 + 4
		t.Fatalf("%d subtrees for 300 leaves", len(o.stack))
	}
}

// mth is RFC 6962's Merkle tree hash, as the RFC defines it: split at the
// largest power of two below n.
func mth(leaves []tlog.Hash) tlog.Hash {
	if len(leaves) == 1 {
		return leaves[0]
	}
	k := 1
	for 2*k < len(leaves) {
		k *= 2
	}
	return tlog.NodeHash(mth(leaves[:k]), mth(leaves[k:]))
}
