package streams_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/logstream"
	"github.com/trailmark/trailmark/internal/app"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/filter"
	"github.com/trailmark/trailmark/internal/streams"
	"github.com/trailmark/trailmark/internal/testserver"
	"github.com/trailmark/trailmark/internal/testwait"
)

// fast makes delivery quick for tests: short polls and backoff.
func fast(allowPrivate bool, tweak ...func(*streams.Options)) testserver.Option {
	return func(c *app.Config) {
		c.Streams = streams.Options{Poll: 20 * time.Millisecond, Lease: 3 * time.Second,
			RetryBase: 20 * time.Millisecond, RetryMax: 200 * time.Millisecond, FailingAfter: time.Hour,
			RequestTimeout: 2 * time.Second, Policy: streams.Policy{AllowPrivate: allowPrivate}}
		for _, f := range tweak {
			f(&c.Streams)
		}
	}
}

// row is what a receiver reads of an event.
type row struct {
	ID         string         `json:"id"`
	TenantID   *string        `json:"tenantID"`
	ReceivedAt string         `json:"receivedAt"`
	Action     string         `json:"action"`
	Hash       string         `json:"hash"`
	Seq        *int64         `json:"seq"`
	Metadata   map[string]any `json:"metadata"`
}

// receiver is a webhook endpoint on loopback that verifies signatures and
// records the batches it accepted; fail decides, per request number (from
// 1), to fail a request instead (it writes the failure itself).
type receiver struct {
	t      testing.TB
	srv    *httptest.Server
	mu     sync.Mutex
	secret string
	fail   func(n int, w http.ResponseWriter) bool
	n      int
	// accepted are the batches answered 2xx, in order; failed the ids of
	// batches that were not.
	accepted [][]row
	failed   [][]string
	msgIDs   map[string][]string // webhook-id -> entry ids, to check retries repeat it
	headers  []http.Header
	bodies   [][]byte
	badSig   int
}

func newReceiver(t testing.TB) *receiver {
	r := &receiver{t: t, msgIDs: map[string][]string{}}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) setSecret(s string) { r.mu.Lock(); r.secret = s; r.mu.Unlock() }

func parseBody(ct string, body []byte) ([]row, error) {
	var rows []row
	if ct == "application/json" {
		err := json.Unmarshal(body, &rows)
		return rows, err
	}
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var x row
		if err := json.Unmarshal(sc.Bytes(), &x); err != nil {
			return nil, err
		}
		rows = append(rows, x)
	}
	return rows, sc.Err()
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	rows, err := parseBody(req.Header.Get("Content-Type"), body)
	r.mu.Lock()
	r.n++
	n, secret, fail := r.n, r.secret, r.fail
	r.headers = append(r.headers, req.Header.Clone())
	r.bodies = append(r.bodies, body)
	ids := make([]string, len(rows))
	for i, x := range rows {
		ids[i] = x.ID
	}
	id := req.Header.Get("webhook-id")
	if prev, ok := r.msgIDs[id]; ok && fmt.Sprint(prev) != fmt.Sprint(ids) {
		r.t.Errorf("webhook-id %s reused for other entries", id)
	}
	r.msgIDs[id] = ids
	if !streams.Verify(secret, id, req.Header.Get("webhook-timestamp"), body, req.Header.Get("webhook-signature")) {
		r.badSig++
	}
	r.mu.Unlock()
	if err != nil {
		r.t.Errorf("request body: %v", err)
		w.WriteHeader(400)
		return
	}
	if fail != nil && fail(n, w) {
		r.mu.Lock()
		r.failed = append(r.failed, ids)
		r.mu.Unlock()
		return
	}
	r.mu.Lock()
	r.accepted = append(r.accepted, rows)
	r.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// acceptedIDs are the ids of every accepted event, in order.
func (r *receiver) acceptedIDs() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, b := range r.accepted {
		for _, x := range b {
			out = append(out, x.ID)
		}
	}
	return out
}

const createStream = `mutation($t: ID, $p: Boolean, $in: LogStreamInput!) {
  createLogStream(tenantID: $t, platform: $p, input: $in) { secret logStream { id status kind } } }`

// create makes a stream through the API and returns its id and secret.
func create(t testing.TB, s *testserver.Server, token string, tenantID *string, in map[string]any) (string, string) {
	t.Helper()
	var out struct {
		CreateLogStream struct {
			Secret    string
			LogStream struct{ ID string }
		}
	}
	vars := map[string]any{"in": in}
	if tenantID != nil {
		vars["t"] = *tenantID
	} else {
		vars["p"] = true
	}
	s.GraphQL(t, token, createStream, vars).NoErrors(t).Decode(t, &out)
	return out.CreateLogStream.LogStream.ID, out.CreateLogStream.Secret
}

// expected are the ids a stream must deliver: its log's entries after its
// creation, matching filterText, in delivery order (seq). It waits until
// the entries recorded so far are sequenced.
func expected(t testing.TB, s *testserver.Server, streamID string, filterText string) []string {
	t.Helper()
	ctx := testserver.SystemContext()
	st, err := s.Client().LogStream.Get(ctx, streamID)
	if err != nil {
		t.Fatal(err)
	}
	query := func() *ent.AuditEntryQuery {
		q := s.Client().AuditEntry.Query().Where(auditentry.ReceivedAtGT(st.CreatedAt))
		if st.TenantID != nil {
			q.Where(auditentry.TenantID(*st.TenantID))
		} else {
			q.Where(auditentry.TenantIDIsNil())
		}
		if filterText != "" {
			p, err := filter.Compile(filterText, filter.AuditEntries, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			q.Where(p)
		}
		return q
	}
	waitSequenced(t, s, query)
	rows, err := query().Modify(func(sel *entsql.Selector) {
		l := entsql.Table("log_leaves").As("l")
		sel.Join(l).On(sel.C(auditentry.FieldID), l.C("entry_id"))
		sel.OrderBy(l.C("seq"))
	}).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	return ids
}

// waitSequenced waits until every entry query selects has its seq.
func waitSequenced(t testing.TB, s *testserver.Server, query func() *ent.AuditEntryQuery) {
	t.Helper()
	testwait.Eventually(t, 10*time.Second, func() (bool, string) {
		n, err := query().Where(func(sel *entsql.Selector) {
			l := entsql.Table("log_leaves")
			sel.Where(entsql.Exists(entsql.Select(l.C("entry_id")).From(l).
				Where(entsql.And(entsql.ColumnsEQ(l.C("entry_id"), sel.C(auditentry.FieldID)), entsql.IsNull(l.C("seq"))))))
		}).Count(testserver.SystemContext())
		if err != nil {
			t.Fatal(err)
		}
		return n == 0, fmt.Sprintf("%d entries without seq", n)
	})
}

// record stores n entries of the tenant in batches of per, as ingestion does.
func record(t testing.TB, s *testserver.Server, tenantID *string, prefix string, n, per int) []*ent.AuditEntry {
	var out []*ent.AuditEntry
	for done := 0; done < n; {
		var es []audit.Entry
		for j := 0; j < per && done < n; j++ {
			es = append(es, testserver.Entry(tenantID, fmt.Sprintf("%s.%d", prefix, done), time.Time{}))
			done++
		}
		out = append(out, s.RecordEntries(t, es...)...)
	}
	return out
}

func streamRow(t testing.TB, s *testserver.Server, id string) *ent.LogStream {
	t.Helper()
	st, err := s.Client().LogStream.Get(testserver.SystemContext(), id)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func statusIs(st logstream.Status) func(*ent.LogStream) bool {
	return func(s *ent.LogStream) bool { return s.Status == st }
}
