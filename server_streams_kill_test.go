package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/logstream"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/streams"
	"github.com/trailmark/trailmark/internal/testdb"
	"github.com/trailmark/trailmark/internal/testserver"
	"github.com/trailmark/trailmark/internal/testwait"
)

// TestKilledServerStreamIsTakenOver runs two server binaries on one
// PostgreSQL database. The one delivering a log stream is killed with SIGKILL
// while a batch is at the receiver; once its lease expires the other one
// claims the stream and resumes from the cursor: every entry arrives, in
// order, and only the batch in flight at the kill arrives twice.
func TestKilledServerStreamIsTakenOver(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	cfg := testdb.URL(t, dialect.Postgres)
	d := testdb.OpenConfig(t, cfg)
	dir := t.TempDir()
	bin := buildBinary(t, dir)
	ctx := testserver.SystemContext()
	tn, err := d.Client.Tenant.Create().SetSlug("acme").SetName("Acme").Save(ctx)
	if err != nil {
		t.Fatal(err)
	}

	// The receiver holds its 4th request until the test lets it go.
	var (
		mu       sync.Mutex
		requests int
		batches  [][]string // in arrival order
		inFlight []string   // the held batch
	)
	held, release := make(chan struct{}), make(chan struct{})
	secret := streams.NewSecret()
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if !streams.Verify(secret, r.Header.Get("webhook-id"), r.Header.Get("webhook-timestamp"), body, r.Header.Get("webhook-signature")) {
			t.Errorf("bad signature")
		}
		var ids []string
		sc := bufio.NewScanner(bytes.NewReader(body))
		for sc.Scan() {
			var row struct{ ID string }
			_ = json.Unmarshal(sc.Bytes(), &row)
			ids = append(ids, row.ID)
		}
		mu.Lock()
		requests++
		n := requests
		if n == 4 {
			inFlight = ids
		} else {
			batches = append(batches, ids)
		}
		mu.Unlock()
		if n == 4 {
			close(held)
			<-release
		}
		w.WriteHeader(204)
	}))
	defer rcv.Close()
	defer func() {
		select {
		case <-release:
		default:
			close(release)
		}
	}()

	st, err := d.Client.LogStream.Create().SetTenantID(tn.ID).SetName("siem").SetKind(logstream.KindWEBHOOK).
		SetEndpoint(rcv.URL).SetSecret(secret).SetBatchSize(20).SetMaxDelaySeconds(0).
		SetCreatedByType(schematype.ActorSystem).Save(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		tx, err := d.Client.Tx(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for j := 0; j < 40; j++ {
			if err := audit.Create(tx.AuditEntry, testserver.Entry(&tn.ID, fmt.Sprintf("x.%d.%d", i, j), time.Time{})).Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	// Delivery is in seq order; with no server running yet, the first
	// sequencer pass numbers all 200 in (received_at, id) order.
	want, err := d.Client.AuditEntry.Query().Where(auditentry.TenantID(tn.ID)).
		Order(auditentry.ByReceivedAt(), auditentry.ByID()).IDs(ctx)
	if err != nil || len(want) != 200 {
		t.Fatalf("%d entries (%v)", len(want), err)
	}

	start := func(name string) *replica {
		return startReplica(t, bin, dir, name, cfg.URL, "TRAILMARK_JOB_LEASE=2s", "TRAILMARK_STREAMS_ALLOW_PRIVATE=true",
			"TRAILMARK_LOG_LEVEL=debug")
	}
	pidOf := func() int {
		cur, err := d.Client.LogStream.Get(ctx, st.ID)
		if err != nil || cur.LockedBy == nil {
			return 0
		}
		parts := strings.Split(*cur.LockedBy, "-")
		pid, _ := strconv.Atoi(parts[len(parts)-2])
		return pid
	}
	a := start("a")
	select {
	case <-held:
	case <-time.After(60 * time.Second):
		t.Fatal("server A never sent a 4th batch")
	}
	if pidOf() != a.cmd.Process.Pid {
		t.Fatalf("the stream is held by pid %d, not A (%d)", pidOf(), a.cmd.Process.Pid)
	}
	b := start("b")
	a.kill(t)
	close(release)

	var got []string
	testwait.Eventually(t, 60*time.Second, func() (bool, string) {
		mu.Lock()
		defer mu.Unlock()
		got = slices.Concat(batches...)
		return len(got) >= len(want), fmt.Sprintf("%d of %d delivered after the kill", len(got), len(want))
	})
	if !slices.Equal(got, want) {
		t.Fatalf("accepted batches do not hold every entry once in order (%d vs %d)", len(got), len(want))
	}
	// The batch in flight at the kill was sent again, first, by B.
	mu.Lock()
	defer mu.Unlock()
	if len(inFlight) == 0 || !slices.Equal(batches[3][:len(inFlight)], inFlight) {
		t.Fatalf("the killed batch %v was not resent first (next batch %v)", inFlight, batches[3])
	}
	testwait.Eventually(t, 10*time.Second, func() (bool, string) {
		p := pidOf()
		return p == b.cmd.Process.Pid, fmt.Sprintf("held by pid %d, want B (%d)", p, b.cmd.Process.Pid)
	})
}
