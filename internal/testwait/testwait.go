// Package testwait lets a test wait for something to happen instead of for
// time to pass. Eventually polls a condition until it holds and fails the
// test with the condition's own account of what it last saw:
//
//	testwait.Eventually(t, 10*time.Second, func() (bool, string) {
//		st := status(t, id)
//		return st == "SUCCEEDED", "process is " + st
//	})
//
// Prefer a real signal (a channel, a hook, a subscription message) where
// the code offers one; poll where the only witness is state (a row, a
// metric, an HTTP answer).
package testwait

import (
	"testing"
	"time"
)

// Poll is the time between two looks at a condition.
const Poll = 20 * time.Millisecond

// Eventually calls cond until it reports ok, and fails t with cond's last
// reason when timeout has passed without. Looks start at most every Poll;
// a cond that blocks (reading a subscription, say) is called again at once.
// cond may fail t itself for what no wait can mend.
func Eventually(t testing.TB, timeout time.Duration, cond func() (ok bool, why string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		start := time.Now()
		ok, why := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("not within %s: %s", timeout, why)
		}
		time.Sleep(Poll - time.Since(start))
	}
}
