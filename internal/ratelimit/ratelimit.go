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
)

// Rate is a sustained rate per second and a burst.
type Rate struct {
	PerSecond float64
	Burst     int
}

// Keyed holds one token bucket per key.
type Keyed struct {
	rate  float64
	burst float64
	idle  time.Duration
	now   func() time.Time

	mu        sync.Mutex
	buckets   map[string]*bucket
	lastSweep time.Time
}

// bucket holds tokens as of last; it gains rate tokens a second up to burst.
type bucket struct {
	tokens float64
	last   time.Time
	used   time.Time
}

// NewKeyed returns buckets of r, evicted after idle without use (at least
// the time an empty bucket takes to fill up again).
func NewKeyed(r Rate, idle time.Duration) *Keyed {
	if full := time.Duration(float64(r.Burst) / r.PerSecond * float64(time.Second)); idle < full {
		idle = full
	}
	return &Keyed{
		rate:    r.PerSecond,
		burst:   float64(r.Burst),
		idle:    idle,
		now:     time.Now,
		buckets: map[string]*bucket{},
	}
}

// Allow takes a token from key's bucket. When none is left it takes nothing
// and says how long until one is.
func (k *Keyed) Allow(key string) (ok bool, retryAfter time.Duration) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.take(key, k.now())
}

// take is Allow with k.mu held.
func (k *Keyed) take(key string, now time.Time) (bool, time.Duration) {
	k.sweep(now)
	b := k.buckets[key]
	if b == nil {
		b = &bucket{tokens: k.burst, last: now}
		k.buckets[key] = b
	}
	b.used = now
	k.refill(b, now)
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	if k.burst < 1 || k.rate <= 0 {
		return false, time.Minute
	}
	return false, time.Duration((1 - b.tokens) / k.rate * float64(time.Second))
}

// refill adds the tokens earned since b.last.
func (k *Keyed) refill(b *bucket, now time.Time) {
	if now.After(b.last) {
		b.tokens = min(k.burst, b.tokens+now.Sub(b.last).Seconds()*k.rate)
		b.last = now
	}
}

// giveBack returns a token taken from key's bucket. A bucket evicted in the
// meantime was full again, so there is nothing to return it to.
func (k *Keyed) giveBack(key string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if b := k.buckets[key]; b != nil {
		k.refill(b, k.now())
		b.tokens = min(k.burst, b.tokens+1)
	}
}

// Bucket names the bucket of Key in Keyed.
type Bucket struct {
	Keyed *Keyed
	Key   string
}

// Token is one token taken by TakeAll.
type Token struct{ b Bucket }

// GiveBack returns the token to its bucket: the action it paid for turned
// out not to count (a sign-in that succeeded, for a limit on failures).
func (t Token) GiveBack() { t.b.Keyed.giveBack(t.b.Key) }

// TakeAll takes one token from every bucket, or none at all: when one of
// them is empty, the tokens already taken are given back, so that an action
// refused by one limit costs nothing from the others. It says how long
// until the refusing buckets have a token again.
func TakeAll(bs ...Bucket) ([]Token, time.Duration, bool) {
	taken := make([]Token, 0, len(bs))
	refused, wait := false, time.Duration(0)
	for _, b := range bs {
		if ok, d := b.Keyed.Allow(b.Key); !ok {
			refused, wait = true, max(wait, d)
			continue
		}
		taken = append(taken, Token{b})
	}
	if refused {
		for _, t := range taken {
			t.GiveBack()
		}
		return nil, wait, false
	}
	return taken, 0, true
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
