// Package ratelimit keeps token buckets per key (an API key, a session, an
// IP address, an account) and turns them into HTTP middleware.
//
// Buckets live in memory, per replica: the limits of API.md are per process.
// A bucket that has not been used for the idle time is evicted, so memory is
// bounded by the keys active recently, not by every key ever seen.
package ratelimit

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Rate is a sustained rate per second and a burst.
type Rate struct {
	PerSecond float64
	Burst     int
}

// Keyed holds one token bucket per key.
type Keyed struct {
	rate  rate.Limit
	burst int
	idle  time.Duration
	now   func() time.Time

	mu        sync.Mutex
	buckets   map[string]*bucket
	lastSweep time.Time
}

type bucket struct {
	lim  *rate.Limiter
	used time.Time
}

// NewKeyed returns buckets of r, evicted after idle without use (at least
// the time an empty bucket takes to fill up again).
func NewKeyed(r Rate, idle time.Duration) *Keyed {
	if full := time.Duration(float64(r.Burst) / r.PerSecond * float64(time.Second)); idle < full {
		idle = full
	}
	return &Keyed{
		rate:    rate.Limit(r.PerSecond),
		burst:   r.Burst,
		idle:    idle,
		now:     time.Now,
		buckets: map[string]*bucket{},
	}
}

// Allow takes a token from key's bucket. When none is left it takes nothing
// and says how long until one is.
func (k *Keyed) Allow(key string) (ok bool, retryAfter time.Duration) {
	now := k.now()
	k.mu.Lock()
	defer k.mu.Unlock()
	k.sweep(now)
	b := k.buckets[key]
	if b == nil {
		b = &bucket{lim: rate.NewLimiter(k.rate, k.burst)}
		k.buckets[key] = b
	}
	b.used = now
	r := b.lim.ReserveN(now, 1)
	if !r.OK() {
		return false, time.Minute
	}
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// Len is the number of buckets held (for tests and metrics).
func (k *Keyed) Len() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.buckets)
}

// sweep evicts idle buckets, at most every half idle period so that the
// cost is amortised over many calls. A bucket idle that long is full again,
// so evicting it forgets nothing.
func (k *Keyed) sweep(now time.Time) {
	if now.Sub(k.lastSweep) < k.idle/2 {
		return
	}
	k.lastSweep = now
	for key, b := range k.buckets {
		if now.Sub(b.used) >= k.idle {
			delete(k.buckets, key)
		}
	}
}
