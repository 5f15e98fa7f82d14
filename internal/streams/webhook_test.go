package streams_test

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trailmark/trailmark/ent/logstream"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/streams"
	"github.com/trailmark/trailmark/internal/testserver"
	"github.com/trailmark/trailmark/internal/testwait"
)

// Every entry recorded after the stream's creation reaches the webhook once,
// in seq order, in batches of at most batchSize, each signed.
func TestWebhookDeliversEveryEntryInOrderSigned(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		tn := s.CreateTenant(t, "acme")
		_, admin := s.Member(t, tn.ID, schematype.RoleAdmin, nil)
		rcv := newReceiver(t)
		id, secret := create(t, s, admin, &tn.ID, map[string]any{
			"name": "siem", "kind": "WEBHOOK", "endpoint": rcv.srv.URL + "/hook", "token": "bearer-tok-123",
			"headers":   []map[string]any{{"name": "X-Team", "value": "header-secret-456"}},
			"batchSize": 25, "maxDelaySeconds": 0,
		})
		if !strings.HasPrefix(secret, "whsec_") {
			t.Fatalf("secret %q", secret)
		}
		rcv.setSecret(secret)
		record(t, s, &tn.ID, "bulk", 180, 60)
		want := expected(t, s, id, "")
		testwait.Eventually(t, 30*time.Second, func() (bool, string) {
			got := rcv.acceptedIDs()
			return len(got) >= len(want), fmt.Sprintf("%d of %d delivered", len(got), len(want))
		})
		got := rcv.acceptedIDs()
		if !slices.Equal(got, want) {
			t.Fatalf("delivered %d entries, want %d in order; first diff near %v", len(got), len(want), firstDiff(got, want))
		}
		rcv.mu.Lock()
		badSig, accepted, h, body := rcv.badSig, rcv.accepted, rcv.headers[0], rcv.bodies[0]
		rcv.mu.Unlock()
		// Export rows, each with its seq: streams deliver sequenced entries only.
		if !strings.Contains(string(body), `"seq":`) || !strings.Contains(string(body), `"hash":`) {
			t.Fatalf("event is not an export row: %s", body)
		}
		for _, x := range rcv.acceptedRows() {
			if x.Seq == nil {
				t.Fatalf("event without seq: %+v", x)
			}
		}
		if badSig != 0 {
			t.Fatalf("%d requests with a bad signature", badSig)
		}
		for _, b := range accepted {
			if len(b) > 25 {
				t.Fatalf("batch of %d > batchSize", len(b))
			}
		}
		if h.Get("Authorization") != "Bearer bearer-tok-123" || h.Get("X-Team") != "header-secret-456" ||
			h.Get("Content-Type") != "application/x-ndjson" || !strings.HasPrefix(h.Get("Webhook-Signature"), "v1,") {
			t.Fatalf("headers %v", h)
		}
		// The acceptance is recorded just after the answer.
		testwait.Eventually(t, 10*time.Second, func() (bool, string) {
			st := streamRow(t, s, id)
			return st.Status == logstream.StatusHEALTHY && st.DeliveredEntries == int64(len(want)),
				fmt.Sprintf("stream %s delivered %d", st.Status, st.DeliveredEntries)
		})
		// /metrics counts the stream's deliveries.
		resp, err := http.Get(s.URL + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		metrics, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, m := range []string{
			fmt.Sprintf("trailmark_log_stream_delivered_entries_total{stream=%q} %d", id, len(want)),
			fmt.Sprintf("trailmark_log_stream_lag_seconds{stream=%q}", id),
		} {
			if !strings.Contains(string(metrics), m) {
				t.Fatalf("/metrics lacks %s", m)
			}
		}
	}, fast(true))
}

func firstDiff(a, b []string) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return fmt.Sprintf("index %d: %s vs %s", i, a[i], b[i])
		}
	}
	return fmt.Sprintf("lengths %d vs %d", len(a), len(b))
}

// A receiver that answers 500, times out and drops connections for a while
// loses nothing: every entry is accepted exactly once, in order, and only
// entries of failed requests are sent more than once.
func TestWebhookFailuresLoseNothing(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		tn := s.CreateTenant(t, "acme")
		_, admin := s.Member(t, tn.ID, schematype.RoleAdmin, nil)
		rcv := newReceiver(t)
		rcv.fail = func(n int, w http.ResponseWriter) bool {
			switch {
			case n%3 == 1 && n < 12: // 500 with Retry-After
				w.Header().Set("Retry-After", "0")
				w.WriteHeader(500)
				return true
			case n%3 == 2 && n < 12: // a timeout (RequestTimeout is 500ms here)
				time.Sleep(800 * time.Millisecond)
				w.WriteHeader(204)
				return true
			case n == 6 || n == 9: // the connection closes mid-answer
				hj, _ := w.(http.Hijacker)
				c, _, err := hj.Hijack()
				if err == nil {
					c.Close()
				}
				return true
			}
			return false
		}
		id, secret := create(t, s, admin, &tn.ID, map[string]any{
			"name": "flaky", "kind": "WEBHOOK", "endpoint": rcv.srv.URL, "format": "JSON_ARRAY",
			"batchSize": 10, "maxDelaySeconds": 0, "filter": "action like 'bulk.%'",
		})
		rcv.setSecret(secret)
		record(t, s, &tn.ID, "bulk", 120, 40)
		want := expected(t, s, id, "action like 'bulk.%'")
		testwait.Eventually(t, 60*time.Second, func() (bool, string) {
			got := rcv.acceptedIDs()
			return len(got) >= len(want), fmt.Sprintf("%d of %d delivered", len(got), len(want))
		})
		if got := rcv.acceptedIDs(); !slices.Equal(got, want) {
			t.Fatalf("accepted %d entries, want each of %d once in order (%s)", len(got), len(want), firstDiff(got, want))
		}
		rcv.mu.Lock()
		defer rcv.mu.Unlock()
		if len(rcv.failed) == 0 {
			t.Fatal("the receiver never failed a request")
		}
		// A failed batch is sent again from its first entry: each failed
		// request's entries are the start of the next batch sent.
		accepted := map[string]bool{}
		for _, b := range rcv.accepted {
			for _, x := range b {
				accepted[x.ID] = true
			}
		}
		for _, f := range rcv.failed {
			for _, id := range f {
				if !accepted[id] {
					t.Fatalf("entry %s of a failed batch never accepted", id)
				}
			}
		}
		if rcv.badSig != 0 {
			t.Fatalf("%d bad signatures", rcv.badSig)
		}
	}, fast(true, func(o *streams.Options) { o.RequestTimeout = 500 * time.Millisecond }))
}
