package searchindex

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/trailmark/trailmark/internal/db"
	"github.com/trailmark/trailmark/internal/testdb"
)

// TestRestAndRenew: the background loop rests four times a batch's time
// at the default share, renews its lease, and stops when another replica
// holds it (found when the claim is next written: a third of the lease's
// time after the last write at the latest).
func TestRestAndRenew(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		x := New(d.SQL, d.Dialect, Config{Lease: 600 * time.Millisecond}, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if held, err := x.claim(ctx); err != nil || !held {
			t.Fatalf("claim: %v %v", held, err)
		}
		start := time.Now()
		if err := x.restAndRenew(ctx, 25*time.Millisecond); err != nil {
			t.Fatal(err)
		}
		if took := time.Since(start); took < 100*time.Millisecond {
			t.Fatalf("rested %s after a 25 ms batch, want ≥ 100 ms (share 0.2)", took)
		}
		other := New(d.SQL, d.Dialect, Config{Lease: time.Minute}, x.log)
		if _, err := d.SQL.ExecContext(ctx, x.rebind(`UPDATE log_leases SET holder = $1, expires_at = $2 WHERE name = $3`),
			other.lease.Holder(), time.Now().Add(time.Minute).UnixMilli(), leaseName); err != nil {
			t.Fatal(err)
		}
		time.Sleep(x.cfg.Lease / 3)
		if err := x.restAndRenew(ctx, time.Millisecond); !errors.Is(err, errLeaseLost) {
			t.Fatalf("after a takeover: %v, want errLeaseLost", err)
		}
	})
}
