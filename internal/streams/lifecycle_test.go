package streams_test

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/logstream"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/streams"
	"github.com/trailmark/trailmark/internal/testserver"
	"github.com/trailmark/trailmark/internal/testwait"
)

const (
	pauseQ  = `mutation($id: ID!) { pauseLogStream(id: $id) { id status } }`
	resumeQ = `mutation($id: ID!) { resumeLogStream(id: $id) { id status } }`
)

// A paused stream delivers nothing; resumed, it continues from its cursor:
// what was recorded while it was paused is delivered, nothing twice.
func TestPausedStreamResumesFromItsCursor(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		tn := s.CreateTenant(t, "acme")
		_, admin := s.Member(t, tn.ID, schematype.RoleAdmin, nil)
		rcv := newReceiver(t)
		id, secret := create(t, s, admin, &tn.ID, map[string]any{
			"name": "p", "kind": "WEBHOOK", "endpoint": rcv.srv.URL, "batchSize": 20, "maxDelaySeconds": 0,
			"filter": "action like 'x.%'",
		})
		rcv.setSecret(secret)
		record(t, s, &tn.ID, "x.before", 30, 30)
		testwait.Eventually(t, 20*time.Second, func() (bool, string) {
			n := len(rcv.acceptedIDs())
			return n == 30, fmt.Sprintf("%d delivered", n)
		})
		var out struct{ PauseLogStream struct{ Status string } }
		s.GraphQL(t, admin, pauseQ, map[string]any{"id": id}).NoErrors(t).Decode(t, &out)
		if out.PauseLogStream.Status != "PAUSED" {
			t.Fatalf("status %s", out.PauseLogStream.Status)
		}
		// Paused: the replica lets the stream go.
		testwait.Eventually(t, 10*time.Second, func() (bool, string) {
			st := streamRow(t, s, id)
			return st.LockedBy == nil && s.App.Streams.Running() == 0, fmt.Sprintf("locked by %v", st.LockedBy)
		})
		record(t, s, &tn.ID, "x.paused", 45, 45)
		// Several polls pass: nothing is sent.
		time.Sleep(400 * time.Millisecond)
		if n := len(rcv.acceptedIDs()); n != 30 {
			t.Fatalf("a paused stream delivered: %d", n)
		}
		s.GraphQL(t, admin, resumeQ, map[string]any{"id": id}).NoErrors(t)
		want := expected(t, s, id, "action like 'x.%'")
		testwait.Eventually(t, 20*time.Second, func() (bool, string) {
			n := len(rcv.acceptedIDs())
			return n >= len(want), fmt.Sprintf("%d of %d delivered", n, len(want))
		})
		if got := rcv.acceptedIDs(); !slices.Equal(got, want) {
			t.Fatalf("after resume: %s", firstDiff(got, want))
		}
		// Both changes are in the tenant's log.
		for _, a := range []string{"log_stream.pause", "log_stream.resume", "log_stream.create"} {
			n, err := s.Client().AuditEntry.Query().Where(auditentry.TenantID(tn.ID), auditentry.Action(a)).Count(testserver.SystemContext())
			if err != nil || n != 1 {
				t.Fatalf("%s recorded %d times (%v)", a, n, err)
			}
		}
	}, fast(true))
}

// After FailingAfter of continuous failure the stream is FAILING and
// log_stream.failing is in the tenant's log; the next success makes it
// HEALTHY again and records log_stream.recovered.
func TestFailingStreamIsRecordedAndRecovers(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		tn := s.CreateTenant(t, "acme")
		_, admin := s.Member(t, tn.ID, schematype.RoleAdmin, nil)
		rcv := newReceiver(t)
		var mu sync.Mutex
		down := true
		rcv.fail = func(_ int, w http.ResponseWriter) bool {
			mu.Lock()
			defer mu.Unlock()
			if down {
				w.WriteHeader(503)
				_, _ = w.Write([]byte("maintenance"))
			}
			return down
		}
		id, secret := create(t, s, admin, &tn.ID, map[string]any{
			"name": "down", "kind": "WEBHOOK", "endpoint": rcv.srv.URL, "maxDelaySeconds": 0,
		})
		rcv.setSecret(secret)
		record(t, s, &tn.ID, "y", 5, 5)
		ctx := testserver.SystemContext()
		testwait.Eventually(t, 20*time.Second, func() (bool, string) {
			st := streamRow(t, s, id)
			return st.Status == logstream.StatusFAILING, fmt.Sprintf("status %s, error %v", st.Status, st.LastError)
		})
		failing, err := s.Client().AuditEntry.Query().Where(auditentry.TenantID(tn.ID),
			auditentry.Action("log_stream.failing")).Only(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if failing.ResourceID == nil || *failing.ResourceID != id || failing.Status != auditentry.StatusFAILURE ||
			!strings.Contains(string(failing.Metadata), "503") {
			t.Fatalf("failing entry %+v", failing)
		}
		// The deliveries show the attempts with the destination's answer.
		var q struct {
			Node struct {
				Status     string
				LastError  *string
				Deliveries struct {
					Edges []struct {
						Node struct {
							Ok         bool
							HTTPStatus *int
							Response   *string
						}
					}
				}
			}
		}
		s.GraphQL(t, admin, `query($id: ID!) { node(id: $id) { ... on LogStream { status lastError
			deliveries(first: 5) { edges { node { ok httpStatus response } } } } } }`, map[string]any{"id": id}).NoErrors(t).Decode(t, &q)
		d := q.Node.Deliveries.Edges
		if q.Node.Status != "FAILING" || len(d) == 0 || d[0].Node.Ok || d[0].Node.HTTPStatus == nil ||
			*d[0].Node.HTTPStatus != 503 || d[0].Node.Response == nil || *d[0].Node.Response != "maintenance" {
			t.Fatalf("stream as seen by the API: %+v", q)
		}
		mu.Lock()
		down = false
		mu.Unlock()
		testwait.Eventually(t, 20*time.Second, func() (bool, string) {
			st := streamRow(t, s, id)
			return st.Status == logstream.StatusHEALTHY, fmt.Sprintf("status %s", st.Status)
		})
		if n, _ := s.Client().AuditEntry.Query().Where(auditentry.TenantID(tn.ID),
			auditentry.Action("log_stream.recovered")).Count(ctx); n != 1 {
			t.Fatalf("log_stream.recovered recorded %d times", n)
		}
	}, fast(true, func(o *streams.Options) { o.FailingAfter = 300 * time.Millisecond; o.RetryMax = 100 * time.Millisecond }))
}

// BUCKET streams write gzip JSON Lines objects whose names sort in delivery order.
func TestBucketStreamWritesOrderedObjects(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		tn := s.CreateTenant(t, "acme")
		_, admin := s.Member(t, tn.ID, schematype.RoleAdmin, nil)
		dir := t.TempDir()
		id, _ := create(t, s, admin, &tn.ID, map[string]any{
			"name": "bucket", "kind": "BUCKET", "endpoint": "file://" + dir + "?metadata=skip",
			"batchSize": 15, "maxDelaySeconds": 0, "options": map[string]any{"prefix": "trailmark/"},
		})
		record(t, s, &tn.ID, "b", 50, 25)
		want := expected(t, s, id, "")
		var got []string
		testwait.Eventually(t, 20*time.Second, func() (bool, string) {
			got = readObjects(t, filepath.Join(dir, "trailmark"))
			return len(got) >= len(want), fmt.Sprintf("%d of %d in objects", len(got), len(want))
		})
		if !slices.Equal(got, want) {
			t.Fatalf("objects hold %s", firstDiff(got, want))
		}
	}, fast(true))
}

// readObjects reads every object under dir in name order and returns the ids.
func readObjects(t testing.TB, dir string) []string {
	var names []string
	_ = filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() && strings.HasSuffix(p, ".jsonl.gz") {
			names = append(names, p)
		}
		return nil
	})
	sort.Strings(names)
	var ids []string
	for _, n := range names {
		f, err := os.Open(n)
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(f)
		if err != nil {
			f.Close()
			continue // being written
		}
		sc := bufio.NewScanner(zr)
		for sc.Scan() {
			var r row
			if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, r.ID)
		}
		f.Close()
	}
	return ids
}

// Splunk HEC and Datadog receivers check path, auth header and body shape.
func TestSplunkAndDatadogShapes(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		tn := s.CreateTenant(t, "acme")
		_, admin := s.Member(t, tn.ID, schematype.RoleAdmin, nil)
		var mu sync.Mutex
		var hec, dd []string
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			mu.Lock()
			defer mu.Unlock()
			switch r.URL.Path {
			case "/services/collector/event":
				if r.Header.Get("Authorization") != "Splunk hec-token" {
					w.WriteHeader(401)
					return
				}
				dec := json.NewDecoder(strings.NewReader(string(body)))
				for dec.More() {
					var ev struct {
						Time       float64 `json:"time"`
						Index      string  `json:"index"`
						Sourcetype string  `json:"sourcetype"`
						Event      row     `json:"event"`
					}
					if err := dec.Decode(&ev); err != nil || ev.Time == 0 || ev.Index != "audit" || ev.Sourcetype != "trailmark:audit" {
						t.Errorf("HEC event %+v (%v)", ev, err)
						w.WriteHeader(400)
						return
					}
					hec = append(hec, ev.Event.ID)
				}
				_, _ = w.Write([]byte(`{"text":"Success","code":0}`))
			case "/api/v2/logs":
				if r.Header.Get("DD-API-KEY") != "dd-key" || r.Header.Get("Content-Type") != "application/json" {
					w.WriteHeader(403)
					return
				}
				var items []struct {
					DDSource string `json:"ddsource"`
					Service  string `json:"service"`
					DDTags   string `json:"ddtags"`
					Message  string `json:"message"`
				}
				if err := json.Unmarshal(body, &items); err != nil {
					t.Errorf("Datadog body: %v", err)
					w.WriteHeader(400)
					return
				}
				for _, it := range items {
					var x row
					if err := json.Unmarshal([]byte(it.Message), &x); err != nil || it.DDSource != "trailmark" ||
						it.Service != "audit" || it.DDTags != "env:test,team:sec" {
						t.Errorf("Datadog item %+v (%v)", it, err)
					}
					dd = append(dd, x.ID)
				}
				w.WriteHeader(202)
			default:
				w.WriteHeader(404)
			}
		}))
		defer srv.Close()
		filter := "action like 'z.%'"
		hecID, _ := create(t, s, admin, &tn.ID, map[string]any{"name": "splunk", "kind": "SPLUNK_HEC", "endpoint": srv.URL,
			"token": "hec-token", "options": map[string]any{"index": "audit"}, "filter": filter, "maxDelaySeconds": 0})
		ddID, _ := create(t, s, admin, &tn.ID, map[string]any{"name": "dd", "kind": "DATADOG", "endpoint": srv.URL + "/api/v2/logs",
			"token": "dd-key", "options": map[string]any{"service": "audit", "ddtags": []string{"env:test", "team:sec"}},
			"filter": filter, "maxDelaySeconds": 0})
		record(t, s, &tn.ID, "z", 30, 30)
		wantHEC, wantDD := expected(t, s, hecID, filter), expected(t, s, ddID, filter)
		testwait.Eventually(t, 20*time.Second, func() (bool, string) {
			mu.Lock()
			defer mu.Unlock()
			return len(hec) >= len(wantHEC) && len(dd) >= len(wantDD), fmt.Sprintf("hec %d dd %d", len(hec), len(dd))
		})
		mu.Lock()
		defer mu.Unlock()
		if !slices.Equal(hec, wantHEC) || !slices.Equal(dd, wantDD) {
			t.Fatalf("hec %s; datadog %s", firstDiff(hec, wantHEC), firstDiff(dd, wantDD))
		}
	}, fast(true))
}
