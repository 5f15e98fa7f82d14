package streams_test

import (
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trailmark/trailmark/ent/logstream"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/streams"
	"github.com/trailmark/trailmark/internal/testdb"
	"github.com/trailmark/trailmark/internal/testserver"
	"github.com/trailmark/trailmark/internal/testwait"
)

// The delivery loop runs on the injected clock: with an hour's backoff and
// an hour's failing threshold nothing happens until the test moves the
// clock two hours on; then the retry is due and the stream turns FAILING.
func TestDeliveryFollowsTheInjectedClock(t *testing.T) {
	for _, dia := range testdb.Dialects {
		t.Run(dia, func(t *testing.T) {
			t.Parallel()
			var offset atomic.Int64
			now := func() time.Time { return time.Now().Add(time.Duration(offset.Load())).UTC().Truncate(time.Microsecond) }
			s := testserver.New(t, dia, fast(true, func(o *streams.Options) {
				o.Now = now
				o.RetryBase, o.RetryMax, o.FailingAfter = time.Hour, time.Hour, time.Hour
			}))
			tn := s.CreateTenant(t, "acme")
			_, admin := s.Member(t, tn.ID, schematype.RoleAdmin, nil)
			rcv := newReceiver(t)
			rcv.fail = func(_ int, w http.ResponseWriter) bool { w.WriteHeader(500); return true }
			id, secret := create(t, s, admin, &tn.ID, map[string]any{"name": "c", "kind": "WEBHOOK", "endpoint": rcv.srv.URL, "maxDelaySeconds": 0})
			rcv.setSecret(secret)
			record(t, s, &tn.ID, "c", 3, 3)
			testwait.Eventually(t, 10*time.Second, func() (bool, string) {
				st := streamRow(t, s, id)
				return st.Failures == 1, fmt.Sprintf("%d failures", st.Failures)
			})
			// An hour's backoff: the stream waits (several polls pass).
			time.Sleep(300 * time.Millisecond)
			if st := streamRow(t, s, id); st.Failures != 1 || st.Status == logstream.StatusFAILING {
				t.Fatalf("retried before its time: %d failures, %s", st.Failures, st.Status)
			}
			offset.Add(int64(2 * time.Hour))
			testwait.Eventually(t, 10*time.Second, func() (bool, string) {
				st := streamRow(t, s, id)
				return st.Status == logstream.StatusFAILING, fmt.Sprintf("%s after %d failures", st.Status, st.Failures)
			})
		})
	}
}
