package ratelimit

import (
	"testing"
	"time"
)

func TestKeyed(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	k := NewKeyed(Rate{PerSecond: 2, Burst: 2}, time.Minute)
	k.now = func() time.Time { return now }
	for i := 0; i < 2; i++ {
		if ok, _ := k.Allow("a"); !ok {
			t.Fatalf("request %d within the burst refused", i)
		}
	}
	ok, wait := k.Allow("a")
	if ok || wait <= 0 || wait > 500*time.Millisecond {
		t.Fatalf("over the burst: ok=%v wait=%v", ok, wait)
	}
	if ok, _ := k.Allow("b"); !ok {
		t.Fatal("another key has its own bucket")
	}
	now = now.Add(500 * time.Millisecond)
	if ok, _ := k.Allow("a"); !ok {
		t.Fatal("the bucket refills at the rate")
	}
	// Idle buckets are evicted.
	now = now.Add(2 * time.Minute)
	k.Allow("c")
	if n := k.Len(); n != 1 {
		t.Fatalf("%d buckets after the idle time, want 1", n)
	}
	if RetryAfterSeconds(100*time.Millisecond) != 1 || RetryAfterSeconds(1500*time.Millisecond) != 2 {
		t.Fatal("Retry-After rounds up to whole seconds")
	}
}

// TestTakeAll: tokens are taken from every bucket or from none, and a
// token given back is usable again.
func TestTakeAll(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	a := NewKeyed(Rate{PerSecond: 0.001, Burst: 1}, time.Minute)
	b := NewKeyed(Rate{PerSecond: 0.001, Burst: 2}, time.Minute)
	a.now = func() time.Time { return now }
	b.now = a.now
	if _, _, ok := TakeAll(Bucket{a, "k"}, Bucket{b, "k"}); !ok {
		t.Fatal("first take refused")
	}
	if _, wait, ok := TakeAll(Bucket{a, "k"}, Bucket{b, "k"}); ok || wait <= 0 {
		t.Fatalf("a is empty: ok=%v wait=%v", ok, wait)
	}
	// The refused take left b's second token in place.
	if ok, _ := b.Allow("k"); !ok {
		t.Fatal("a refused take spent b's token")
	}
	tokens, _, ok := TakeAll(Bucket{b, "other"})
	if !ok {
		t.Fatal("other key refused")
	}
	tokens[0].GiveBack()
	for i := 0; i < 2; i++ {
		if ok, _ := b.Allow("other"); !ok {
			t.Fatalf("token %d not given back", i)
		}
	}
}
