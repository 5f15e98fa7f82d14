package ledger

import (
	"crypto/sha256"
	"math/rand/v2"
	"testing"

	"golang.org/x/mod/sumdb/tlog"
)

type memHashes []tlog.Hash

func (m memHashes) ReadHashes(idx []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(idx))
	for i, x := range idx {
		out[i] = m[x]
	}
	return out, nil
}

// TestMultiProof proves random sets of leaves of trees of every size up to
// 70 and some larger ones, and checks that MultiRoot gives tlog's root,
// and that a changed leaf, a changed proof hash, a missing or an extra
// hash do not.
func TestMultiProof(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var stored memHashes
	var content []tlog.Hash
	grow := func(n int64) {
		for int64(len(content)) < n {
			c := sha256.Sum256([]byte{byte(len(content)), byte(len(content) >> 8)})
			hs, err := tlog.StoredHashes(int64(len(content)), c[:], stored)
			if err != nil {
				t.Fatal(err)
			}
			stored = append(stored, hs...)
			content = append(content, c)
		}
	}
	sizes := []int64{}
	for n := int64(1); n <= 70; n++ {
		sizes = append(sizes, n)
	}
	sizes = append(sizes, 255, 256, 257, 1000, 1023)
	for _, n := range sizes {
		grow(n)
		want, err := tlog.TreeHash(n, stored)
		if err != nil {
			t.Fatal(err)
		}
		for trial := 0; trial < 8; trial++ {
			var seqs []int64
			switch trial {
			case 0: // every leaf
				for i := int64(0); i < n; i++ {
					seqs = append(seqs, i)
				}
			case 1: // a contiguous run
				a := rng.Int64N(n)
				b := a + rng.Int64N(n-a)
				for i := a; i <= b; i++ {
					seqs = append(seqs, i)
				}
			default:
				for i := int64(0); i < n; i++ {
					if rng.IntN(4) == 0 {
						seqs = append(seqs, i)
					}
				}
			}
			if len(seqs) == 0 {
				seqs = []int64{n - 1}
			}
			proof, err := multiProof(n, seqs, stored)
			if err != nil {
				t.Fatal(err)
			}
			leaves := map[int64]tlog.Hash{}
			for _, s := range seqs {
				leaves[s] = tlog.RecordHash(content[s][:])
			}
			got, err := MultiRoot(n, leaves, proof)
			if err != nil || got != want {
				t.Fatalf("n=%d seqs=%v: root %v, %v", n, seqs, got, err)
			}
			if trial == 1 && len(proof) > 2*64 {
				t.Fatalf("n=%d: a run needs %d hashes", n, len(proof))
			}
			// Tampering.
			s := seqs[rng.IntN(len(seqs))]
			bad := leaves[s]
			bad[0] ^= 1
			leaves2 := map[int64]tlog.Hash{}
			for k, v := range leaves {
				leaves2[k] = v
			}
			leaves2[s] = bad
			if got, _ := MultiRoot(n, leaves2, proof); got == want {
				t.Fatalf("n=%d: a changed leaf %d still gives the root", n, s)
			}
			if len(proof) > 0 {
				p2 := append([]tlog.Hash(nil), proof...)
				p2[rng.IntN(len(p2))][3] ^= 8
				if got, _ := MultiRoot(n, leaves, p2); got == want {
					t.Fatalf("n=%d: a changed proof hash still gives the root", n)
				}
				if _, err := MultiRoot(n, leaves, proof[:len(proof)-1]); err == nil {
					t.Fatalf("n=%d: a short proof passes", n)
				}
			}
			if _, err := MultiRoot(n, leaves, append(append([]tlog.Hash(nil), proof...), tlog.Hash{})); err == nil {
				t.Fatalf("n=%d: a long proof passes", n)
			}
		}
	}
}
