package ledger_test

import (
	"context"
	"errors"
	"reflect"
	"sync"
	"testing"

	"github.com/trailmark/trailmark/internal/db"
	"github.com/trailmark/trailmark/internal/ledger"
	"github.com/trailmark/trailmark/internal/testdb"
)

// TestProverMatchesInclusion: a prover shared by many goroutines gives the
// proofs Inclusion gives, in the latest checkpoint's tree and in an older
// one, and the same errors.
func TestProverMatchesInclusion(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l := open(t, d, ledger.Config{})
		tn := tenant(t, d, "prover")
		logID := ledger.LogID(tn)
		if _, err := l.Prover(ctx, logID, 0); !errors.Is(err, ledger.ErrNoCheckpoint) {
			t.Fatalf("no checkpoint yet: %v", err)
		}
		record(t, d, tn, 300) // past one tile (height 8: 256 leaves)
		if err := l.SyncAll(ctx); err != nil {
			t.Fatal(err)
		}
		record(t, d, tn, 20)
		if err := l.SyncAll(ctx); err != nil {
			t.Fatal(err)
		}
		for _, size := range []int64{0, 300, 1, 257} {
			p, err := l.Prover(ctx, logID, size)
			if err != nil {
				t.Fatal(err)
			}
			seqs := []int64{-1, 255, 256, 257, 299, 300, 319, 320}
			for seq := int64(0); seq < 320; seq += 11 {
				seqs = append(seqs, seq)
			}
			var wg sync.WaitGroup
			for _, seq := range seqs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					got, gerr := p.Prove(seq)
					want, werr := l.Inclusion(ctx, logID, seq, size)
					if !reflect.DeepEqual(got, want) || !errors.Is(gerr, werr) && (gerr == nil || werr == nil || gerr.Error() != werr.Error()) {
						t.Errorf("size %d seq %d: prover %+v %v, Inclusion %+v %v", size, seq, got, gerr, want, werr)
					}
				}()
			}
			wg.Wait()
		}
		if _, err := l.Prover(ctx, logID, 321); !errors.Is(err, ledger.ErrBadSize) {
			t.Fatalf("past the tree: %v", err)
		}
	})
}
