package lease_test

import (
	"context"
	"testing"
	"time"

	"github.com/trailmark/trailmark/internal/db"
	"github.com/trailmark/trailmark/internal/lease"
	"github.com/trailmark/trailmark/internal/testdb"
)

// TestLease: one holder at a time; the holder renews; another takes over
// once the claim expired or was released.
func TestLease(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a := lease.New(d.SQL, d.Dialect, "test-job", time.Minute)
		b := lease.New(d.SQL, d.Dialect, "test-job", time.Minute)
		now := time.Now()
		claim := func(l *lease.Lease, at time.Time, want bool) {
			t.Helper()
			if got, err := l.Claim(ctx, at); err != nil || got != want {
				t.Fatalf("%s claims at +%s: %v (%v), want %v", l.Holder(), at.Sub(now), got, err, want)
			}
		}
		claim(a, now, true)
		claim(b, now.Add(time.Second), false)
		claim(a, now.Add(10*time.Second), true) // a third of ttl not over: not written again
		claim(a, now.Add(30*time.Second), true) // renewed until +90s
		claim(b, now.Add(80*time.Second), false)
		claim(b, now.Add(91*time.Second), true) // expired: taken over
		claim(a, now.Add(92*time.Second), false)
		if err := b.Release(ctx); err != nil {
			t.Fatal(err)
		}
		claim(a, now.Add(93*time.Second), true)
		if err := b.Release(ctx); err != nil { // not b's: a keeps it
			t.Fatal(err)
		}
		claim(b, now.Add(94*time.Second), false)

		// The renewal a third of ttl after the last is not written: the
		// claim expires at the time that last one wrote.
		c := lease.New(d.SQL, d.Dialect, "test-job-2", time.Minute)
		e := lease.New(d.SQL, d.Dialect, "test-job-2", time.Minute)
		claim(c, now, true)
		claim(c, now.Add(19*time.Second), true)
		claim(e, now.Add(61*time.Second), true)
		claim(c, now.Add(62*time.Second), false)
	})
}
