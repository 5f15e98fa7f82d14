package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/auth"
	"github.com/trailmark/trailmark/internal/ledger"
	"github.com/trailmark/trailmark/internal/testdb"
	"github.com/trailmark/trailmark/internal/testserver"
	"github.com/trailmark/trailmark/internal/testwait"
)

// TestKilledSequencerKeepsLogsGapless runs two real server binaries on one
// PostgreSQL database while clients ingest into two tenants through both.
// The replica holding the sequencer lease is killed with SIGKILL mid-run;
// the other takes the lease over. Afterwards every tenant's seq is gapless,
// every acknowledged entry is in the tree, and the final tree is consistent
// with every checkpoint either replica signed.
func TestKilledSequencerKeepsLogsGapless(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	cfg := testdb.URL(t, dialect.Postgres)
	d := testdb.OpenConfig(t, cfg)
	dir := t.TempDir()
	bin := buildBinary(t, dir)
	ctx := testserver.SystemContext()

	type tenantKey struct{ id, key string }
	var tenants []tenantKey
	for _, slug := range []string{"acme", "globex"} {
		tn, err := d.Client.Tenant.Create().SetSlug(slug).SetName(slug).Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		secret, prefix := auth.NewAPIKeySecret()
		if _, err := d.Client.APIKey.Create().SetTenantID(tn.ID).SetName("ingest " + prefix).SetPrefix(prefix).
			SetSecretHash(auth.HashToken(secret)).SetScopes([]string{string(schematype.ScopeIngest)}).Save(ctx); err != nil {
			t.Fatal(err)
		}
		tenants = append(tenants, tenantKey{tn.ID, secret})
	}

	start := func(name string) *replica {
		r := startReplica(t, bin, dir, name, cfg.URL, "TRAILMARK_RATE_LIMITS=off",
			"TRAILMARK_LOG_MERGE_DELAY=200ms", "TRAILMARK_LOG_CHECKPOINT_EVERY=100ms")
		waitHealthy(t, r.base, r.exited)
		return r
	}
	replicas := []*replica{start("a"), start("b")}

	// Clients ingest through both replicas until told to stop; every
	// acknowledged entry id is kept.
	var (
		mu    sync.Mutex
		acked = map[string]string{} // entry id → tenant id
		stop  atomic.Bool
		wg    sync.WaitGroup
		fails atomic.Int64
	)
	for c := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tk := tenants[c%2]
			for i := 0; !stop.Load(); i++ {
				base := replicas[(c+i)%2].base
				ids, err := ingest(base, tk.key, tk.id, 1+i%5)
				if err != nil {
					fails.Add(1) // the killed replica's requests fail; the client moves on
					continue
				}
				mu.Lock()
				for _, id := range ids {
					acked[id] = tk.id
				}
				mu.Unlock()
			}
		}()
	}

	// Kill whichever replica holds the sequencer lease once it has
	// sequenced and signed for a while.
	var holder string
	testwait.Eventually(t, 30*time.Second, func() (bool, string) {
		var n int64
		_ = d.SQL.QueryRow(`SELECT coalesce(sum(checkpoint_size), 0) FROM log_heads`).Scan(&n)
		_ = d.SQL.QueryRow(`SELECT holder FROM log_leases WHERE name = 'sequencer'`).Scan(&holder)
		return n > 1500 && holder != "", fmt.Sprintf("%d entries checkpointed, lease holder %q", n, holder)
	})
	victim := -1
	for i, r := range replicas {
		if strings.Contains(holder, "-"+strconv.Itoa(r.cmd.Process.Pid)+"-") {
			victim = i
		}
	}
	if victim < 0 {
		t.Fatalf("lease holder %q is neither replica", holder)
	}
	replicas[victim].kill(t)
	survivor := replicas[1-victim]
	replicas[victim] = survivor // clients go on through the survivor only
	time.Sleep(3 * time.Second)
	stop.Store(true)
	wg.Wait()

	// Every acknowledged entry ends up sequenced and checkpointed by the
	// survivor once the dead replica's lease (10s) has expired.
	testwait.Eventually(t, 60*time.Second, func() (bool, string) {
		var pending, behind int
		_ = d.SQL.QueryRow(`SELECT count(*) FROM log_leaves WHERE seq IS NULL`).Scan(&pending)
		_ = d.SQL.QueryRow(`SELECT count(*) FROM log_heads WHERE checkpoint_size < next_seq OR tree_size < next_seq`).Scan(&behind)
		return pending == 0 && behind == 0, fmt.Sprintf("%d leaves unsequenced, %d logs behind", pending, behind)
	})
	mu.Lock()
	defer mu.Unlock()
	if len(acked) < 300 {
		t.Fatalf("only %d entries acknowledged", len(acked))
	}
	t.Logf("%d entries acknowledged, %d requests failed around the kill", len(acked), fails.Load())

	// Check with the survivor's public key, and an independent reading of
	// the database, that each log is gapless and every checkpoint ever
	// signed is consistent with the final tree.
	resp, err := http.Get(survivor.base + "/.well-known/trailmark/log-key")
	if err != nil {
		t.Fatal(err)
	}
	vkey, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	verifier, err := note.NewVerifier(strings.TrimSpace(string(vkey)))
	if err != nil {
		t.Fatal(err)
	}
	l, err := ledger.Open(context.Background(), d.SQL, d.Dialect, ledger.Config{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	for _, tk := range tenants {
		var count, maxSeq, distinct int64
		if err := d.SQL.QueryRow(`SELECT count(*), coalesce(max(seq), -1), count(DISTINCT seq) FROM log_leaves WHERE log_id = $1`, tk.id).
			Scan(&count, &maxSeq, &distinct); err != nil {
			t.Fatal(err)
		}
		if count != maxSeq+1 || distinct != count {
			t.Fatalf("tenant %s: %d leaves, max seq %d, %d distinct: not gapless", tk.id, count, maxSeq, distinct)
		}
		var inTenant int64
		for id, tid := range acked {
			if tid == tk.id {
				inTenant++
				var seq *int64
				if err := d.SQL.QueryRow(`SELECT seq FROM log_leaves WHERE entry_id = $1`, id).Scan(&seq); err != nil || seq == nil {
					t.Fatalf("acknowledged entry %s has no seq (%v)", id, err)
				}
			}
		}
		if count < inTenant {
			t.Fatalf("tenant %s: %d leaves for %d acknowledged entries", tk.id, count, inTenant)
		}
		cps, err := l.Checkpoints(context.Background(), tk.id, 0, 100000)
		if err != nil || len(cps) < 2 {
			t.Fatalf("tenant %s: %d checkpoints (%v)", tk.id, len(cps), err)
		}
		final := cps[0]
		finalNote, err := note.Open([]byte(final.Note), note.VerifierList(verifier))
		if err != nil {
			t.Fatalf("final checkpoint: %v", err)
		}
		finalRoot := rootOf(t, finalNote.Text, final.TreeSize)
		for _, cp := range cps[1:] {
			n, err := note.Open([]byte(cp.Note), note.VerifierList(verifier))
			if err != nil {
				t.Fatalf("checkpoint %d: %v", cp.TreeSize, err)
			}
			p, err := l.Consistency(context.Background(), tk.id, cp.TreeSize, final.TreeSize)
			if err != nil {
				t.Fatal(err)
			}
			if err := tlog.CheckTree(hashesOf(t, p.Hashes), final.TreeSize, finalRoot, cp.TreeSize, rootOf(t, n.Text, cp.TreeSize)); err != nil {
				t.Fatalf("tenant %s: checkpoint %d is not consistent with the final tree %d: %v", tk.id, cp.TreeSize, final.TreeSize, err)
			}
		}
		t.Logf("tenant %s: %d leaves, %d checkpoints, all consistent", tk.id, count, len(cps))
	}
}

// ingest records n entries over GraphQL and returns their ids.
func ingest(base, key, tenantID string, n int) ([]string, error) {
	entries := make([]map[string]any, n)
	for i := range entries {
		entries[i] = map[string]any{"action": "thing.happened", "resourceType": "thing", "actor": map[string]any{"type": "SYSTEM"}}
	}
	body, _ := json.Marshal(map[string]any{
		"query":     `mutation($t: ID!, $e: [AuditEntryInput!]!) { recordAuditEntries(tenantID: $t, entries: $e) { entries { id } } }`,
		"variables": map[string]any{"t": tenantID, "e": entries},
	})
	req, _ := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var out struct {
		Data struct {
			RecordAuditEntries struct{ Entries []struct{ ID string } }
		}
		Errors []json.RawMessage
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return nil, err
	}
	if len(out.Errors) > 0 {
		return nil, fmt.Errorf("graphql: %s", out.Errors[0])
	}
	var ids []string
	for _, e := range out.Data.RecordAuditEntries.Entries {
		ids = append(ids, e.ID)
	}
	if len(ids) != n {
		return nil, fmt.Errorf("%d of %d entries acknowledged", len(ids), n)
	}
	return ids, nil
}

func rootOf(t *testing.T, text string, size int64) tlog.Hash {
	t.Helper()
	lines := strings.Split(text, "\n")
	if len(lines) < 3 || lines[1] != strconv.FormatInt(size, 10) {
		t.Fatalf("checkpoint body %q", text)
	}
	h, err := tlog.ParseHash(lines[2])
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func hashesOf(t *testing.T, hexes []string) tlog.TreeProof {
	t.Helper()
	var out tlog.TreeProof
	for _, s := range hexes {
		b, err := hex.DecodeString(s)
		if err != nil || len(b) != tlog.HashSize {
			t.Fatalf("proof hash %q", s)
		}
		out = append(out, tlog.Hash(b))
	}
	return out
}
