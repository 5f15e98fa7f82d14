package testwait_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/trailmark/trailmark/internal/testwait"
)

func TestEventuallyReturnsOnceTheConditionHolds(t *testing.T) {
	n := 0
	testwait.Eventually(t, 5*time.Second, func() (bool, string) {
		n++
		return n == 3, fmt.Sprintf("n = %d", n)
	})
	if n != 3 {
		t.Fatalf("cond called %d times, want 3", n)
	}
}

// TestEventuallyFailsWithTheLastReason runs Eventually against a recorder
// that stands for the test: the failure names the last reason given.
func TestEventuallyFailsWithTheLastReason(t *testing.T) {
	r := &recorder{TB: t}
	n := 0
	done := make(chan struct{})
	go func() { // Fatalf ends the goroutine, as it ends a test
		defer close(done)
		testwait.Eventually(r, 50*time.Millisecond, func() (bool, string) {
			n++
			return false, fmt.Sprintf("look %d", n)
		})
	}()
	<-done
	if want := fmt.Sprintf("look %d", n); n < 2 || !strings.HasSuffix(r.failed, want) {
		t.Fatalf("failed with %q after %d looks, want it to end in %q", r.failed, n, want)
	}
}

type recorder struct {
	testing.TB
	failed string
}

func (r *recorder) Helper() {}

func (r *recorder) Fatalf(format string, args ...any) {
	r.failed = fmt.Sprintf(format, args...)
	runtime.Goexit()
}
