package ledger_test

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/trailmark/trailmark/ent/rule"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/db"
	"github.com/trailmark/trailmark/internal/ledger"
	"github.com/trailmark/trailmark/internal/testdb"
	"github.com/trailmark/trailmark/internal/verify"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func open(t *testing.T, d *db.DB, cfg ledger.Config) *ledger.Ledger {
	t.Helper()
	l, err := ledger.Open(context.Background(), d.SQL, d.Dialect, cfg, quiet())
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// record writes n entries of tenantID (nil: platform) the way every entry
// is written, and returns their ids.
func record(t *testing.T, d *db.DB, tenantID *string, n int) []string {
	t.Helper()
	ctx := rule.AsSystem(context.Background())
	var out []string
	for i := range n {
		e, err := audit.Create(d.Client.AuditEntry, audit.Entry{
			TenantID: tenantID, OccurredAt: time.Now(), Action: fmt.Sprintf("thing.%d", i), ResourceType: "thing",
			Actor: audit.Actor{Type: schematype.ActorSystem},
		}).Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e.ID)
	}
	return out
}

func tenant(t *testing.T, d *db.DB, slug string) *string {
	t.Helper()
	tn, err := d.Client.Tenant.Create().SetSlug(slug).SetName(slug).Save(rule.AsSystem(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	return &tn.ID
}

// verifyLog checks, with only tlog and note, that every leaf of the log's
// latest checkpoint is proven against its signed root and that the
// checkpoint extends every earlier one.
func verifyLog(t *testing.T, d *db.DB, l *ledger.Ledger, logID string, want int) {
	t.Helper()
	ctx := context.Background()
	cp, err := l.Latest(ctx, logID)
	if err != nil || cp == nil {
		t.Fatalf("latest checkpoint: %v %v", cp, err)
	}
	v, err := note.NewVerifier(l.VerifierKey())
	if err != nil {
		t.Fatal(err)
	}
	n, err := note.Open([]byte(cp.Note), note.VerifierList(v))
	if err != nil {
		t.Fatalf("checkpoint signature: %v", err)
	}
	tree, err := parseCheckpointBody(n.Text, l.Origin(logID))
	if err != nil {
		t.Fatal(err)
	}
	if tree.N != int64(want) {
		t.Fatalf("checkpoint of %d leaves, want %d", tree.N, want)
	}
	leaves, err := l.Leaves(ctx, logID, 0, tree.N)
	if err != nil {
		t.Fatal(err)
	}
	if len(leaves) != want {
		t.Fatalf("%d leaves, want %d", len(leaves), want)
	}
	for i, lf := range leaves {
		if lf.Seq != int64(i) {
			t.Fatalf("leaf %d has seq %d: not gapless", i, lf.Seq)
		}
		p, err := l.Inclusion(ctx, logID, lf.Seq, 0)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := hex.DecodeString(lf.Hash)
		var proof tlog.RecordProof
		for _, h := range p.Hashes {
			hh, _ := hex.DecodeString(h)
			proof = append(proof, tlog.Hash(hh))
		}
		if err := tlog.CheckRecord(proof, tree.N, tree.Hash, lf.Seq, tlog.RecordHash(raw)); err != nil {
			t.Fatalf("inclusion of leaf %d: %v", i, err)
		}
	}
	all, err := l.Checkpoints(ctx, logID, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, old := range all[1:] {
		p, err := l.Consistency(ctx, logID, old.TreeSize, tree.N)
		if err != nil {
			t.Fatal(err)
		}
		var proof tlog.TreeProof
		for _, h := range p.Hashes {
			hh, _ := hex.DecodeString(h)
			proof = append(proof, tlog.Hash(hh))
		}
		oldRoot, _ := hex.DecodeString(old.RootHash)
		if err := tlog.CheckTree(proof, tree.N, tree.Hash, old.TreeSize, tlog.Hash(oldRoot)); err != nil {
			t.Fatalf("consistency %d → %d: %v", old.TreeSize, tree.N, err)
		}
	}
}

func parseCheckpointBody(text, origin string) (tlog.Tree, error) {
	var (
		o    string
		size int64
		root string
	)
	if _, err := fmt.Sscanf(text, "%s\n%d\n%s\n", &o, &size, &root); err != nil {
		return tlog.Tree{}, err
	}
	if o != origin {
		return tlog.Tree{}, fmt.Errorf("origin %q, want %q", o, origin)
	}
	h, err := tlog.ParseHash(root)
	return tlog.Tree{N: size, Hash: h}, err
}

func TestSequenceProveAndSign(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l := open(t, d, ledger.Config{Origin: "test.example"})
		acme := tenant(t, d, "acme")
		total := 0
		for _, n := range []int{1, 2, 5, 250, 7, 300} {
			record(t, d, acme, n)
			record(t, d, nil, 1)
			total += n
			if err := l.SyncAll(ctx); err != nil {
				t.Fatal(err)
			}
		}
		verifyLog(t, d, l, *acme, total)
		verifyLog(t, d, l, ledger.PlatformLog, 6)
		seqs, err := l.Seqs(ctx, record(t, d, acme, 3))
		if err != nil || len(seqs) != 0 {
			t.Fatalf("unsequenced entries have seq: %v %v", seqs, err)
		}
		if err := l.Pass(ctx); err != nil {
			t.Fatal(err)
		}
		if h, _ := l.Head(ctx, *acme); h.TreeSize != int64(total+3) {
			t.Fatalf("tree size %d after a pass, want %d", h.TreeSize, total+3)
		}
	})
}

// A tile altered in the database: the sequencer refuses to extend the tree
// and reports the violation once; proofs fail instead of lying.
func TestDamagedTreeIsNotExtended(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l := open(t, d, ledger.Config{})
		var reports atomic.Int32
		l.OnViolation = func(context.Context, string, string) { reports.Add(1) }
		acme := tenant(t, d, "acme")
		record(t, d, acme, 20)
		if err := l.SyncAll(ctx); err != nil {
			t.Fatal(err)
		}
		var data []byte
		if err := d.SQL.QueryRow(`SELECT data FROM log_tiles WHERE log_id = '` + *acme + `' AND level = 0 AND n = 0`).Scan(&data); err != nil {
			t.Fatal(err)
		}
		data[40] ^= 1
		var (
			set     = "?"
			arg any = data
		)
		if d.Dialect == dialect.Postgres {
			set, arg = "decode($1, 'hex')", hex.EncodeToString(data)
		}
		if _, err := d.SQL.Exec(`UPDATE log_tiles SET data = `+set+` WHERE level = 0 AND n = 0`, arg); err != nil {
			t.Fatal(err)
		}
		if _, err := l.Inclusion(ctx, *acme, 1, 0); !errors.Is(err, ledger.ErrTreeDamaged) {
			t.Fatalf("proof over a damaged tile: %v", err)
		}
		record(t, d, acme, 2)
		for range 2 {
			if err := l.Pass(ctx); !errors.Is(err, ledger.ErrTreeDamaged) {
				t.Fatalf("pass over a damaged tree: %v", err)
			}
		}
		if reports.Load() != 1 {
			t.Fatalf("%d violation reports, want 1", reports.Load())
		}
		if h, _ := l.Head(ctx, *acme); h.TreeSize != 20 {
			t.Fatalf("damaged tree extended to %d", h.TreeSize)
		}
	})
}

// Someone with database access rebuilds the tree from altered leaves: the
// sequencer does not sign a tree that does not extend its last checkpoint.
func TestRewrittenTreeIsNotSigned(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l := open(t, d, ledger.Config{})
		acme := tenant(t, d, "acme")
		record(t, d, acme, 10)
		if err := l.SyncAll(ctx); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{
			`DELETE FROM log_tiles`,
			`UPDATE log_heads SET tree_size = 0, root_hash = '', checkpoint_size = 0`,
			`UPDATE log_leaves SET hash = '` + fmt.Sprintf("%064x", 7) + `' WHERE seq = 3`,
		} {
			if _, err := d.SQL.Exec(q); err != nil {
				t.Fatal(err)
			}
		}
		if err := l.SyncAll(ctx); !errors.Is(err, ledger.ErrFork) {
			t.Fatalf("sync over a rewritten history: %v", err)
		}
		cps, _ := l.Checkpoints(ctx, *acme, 0, 10)
		if len(cps) != 1 {
			t.Fatalf("%d checkpoints after the rewrite, want the first only", len(cps))
		}
	})
}

// Two sequencers (two replicas) and many writers at once: one holds the
// lease; seq stays gapless and every checkpoint extends the ones before.
func TestConcurrentSequencers(t *testing.T) {
	testdb.RequirePostgres(t)
	d := testdb.Open(t, dialect.Postgres)
	ctx := context.Background()
	cfg := ledger.Config{MergeDelay: 40 * time.Millisecond, CheckpointEvery: 30 * time.Millisecond, Lease: 300 * time.Millisecond}
	a, b := open(t, d, cfg), open(t, d, cfg)
	if a.VerifierKey() != b.VerifierKey() {
		t.Fatal("replicas generated different keys")
	}
	a.Start()
	b.Start()
	acme := tenant(t, d, "acme")
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 40 {
				record(t, d, acme, 1+w%3)
			}
		}()
		if w == 4 {
			time.Sleep(100 * time.Millisecond)
			_ = a.Stop(ctx) // one replica goes away mid-run; the other takes over
		}
	}
	wg.Wait()
	want := 0
	for w := range 8 {
		want += 40 * (1 + w%3)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		h, err := b.Head(ctx, *acme)
		if err != nil {
			t.Fatal(err)
		}
		if h.CheckpointSize == int64(want) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 10s: %+v, want %d leaves checkpointed", h, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
	_ = b.Stop(ctx)
	verifyLog(t, d, b, *acme, want)
}

// TestThinCheckpoints: old checkpoints are thinned to the last of each
// hour, then of each day; the last day's and the latest stay; a second
// run deletes nothing.
func TestThinCheckpoints(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l := open(t, d, ledger.Config{Origin: "test.example"})
		acme := tenant(t, d, "acme")
		record(t, d, acme, 100)
		if err := l.SyncAll(ctx); err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC()
		day := now.Truncate(24 * time.Hour)
		at := map[int64]time.Time{}
		for n := int64(1); n <= 40; n++ {
			switch {
			case n <= 10: // one day, 40 days ago: the last of the day stays
				at[n] = day.AddDate(0, 0, -40).Add(time.Duration(n) * time.Hour)
			case n <= 20: // the next day
				at[n] = day.AddDate(0, 0, -39).Add(time.Duration(n-10) * time.Minute)
			case n <= 30: // three days ago, 10:00-10:45: the last of the hour
				at[n] = day.AddDate(0, 0, -3).Add(10*time.Hour + time.Duration(n-21)*5*time.Minute)
			case n <= 35: // and 11:00-11:20
				at[n] = day.AddDate(0, 0, -3).Add(11*time.Hour + time.Duration(n-31)*5*time.Minute)
			default: // the last day: all stay
				at[n] = now.Add(-2*time.Hour + time.Duration(n)*time.Minute)
			}
			q := `INSERT INTO log_checkpoints (log_id, tree_size, root_hash, note, created_at) VALUES ($1, $2, $3, $4, $5)`
			if d.Dialect != dialect.Postgres {
				q = `INSERT INTO log_checkpoints (log_id, tree_size, root_hash, note, created_at) VALUES (?, ?, ?, ?, ?)`
			}
			if _, err := d.SQL.ExecContext(ctx, q, *acme, n, "00", "synthetic", at[n]); err != nil {
				t.Fatal(err)
			}
		}
		n, err := l.Thin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		cps, err := l.Checkpoints(ctx, *acme, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		var kept []int64
		for _, c := range cps {
			kept = append(kept, c.TreeSize)
		}
		want := []int64{100, 40, 39, 38, 37, 36, 35, 30, 20, 10}
		if fmt.Sprint(kept) != fmt.Sprint(want) || n != 31 {
			t.Fatalf("deleted %d, kept %v; want 31 deleted, %v kept", n, kept, want)
		}
		if n, err := l.Thin(ctx); err != nil || n != 0 {
			t.Fatalf("second run deleted %d (%v)", n, err)
		}
	})
}

// A pass sequences its logs together, in one transaction (on PostgreSQL
// the heads it moved carry one xmin), and the trees stay provable; a
// damaged log among them is reported once and does not hold the others
// back: they go on being sequenced.
func TestPassSequencesLogsTogether(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l := open(t, d, ledger.Config{CheckpointEvery: time.Hour})
		var reports atomic.Int32
		l.OnViolation = func(context.Context, string, string) { reports.Add(1) }
		logs := []*string{tenant(t, d, "acme"), tenant(t, d, "globex"), tenant(t, d, "initech"), nil}
		want := map[string]int{}
		for round, n := range []int{3, 1, 260, 2} {
			before := map[string]int{}
			for id, n := range want {
				before[id] = n
			}
			for i, tn := range logs {
				record(t, d, tn, n+i)
				want[ledger.LogID(tn)] += n + i
			}
			if err := l.Pass(ctx); err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
			if d.Dialect == dialect.Postgres {
				txs := map[string]bool{}
				for _, tn := range logs {
					var xmin string
					if err := d.SQL.QueryRow(`SELECT DISTINCT xmin::text FROM log_leaves WHERE log_id = $1 AND seq >= $2`,
						ledger.LogID(tn), before[ledger.LogID(tn)]).Scan(&xmin); err != nil {
						t.Fatal(err)
					}
					txs[xmin] = true
				}
				if len(txs) != 1 {
					t.Fatalf("round %d: the pass moved the heads of %d logs in %d transactions", round, len(logs), len(txs))
				}
			}
			for id, n := range want {
				if h, _ := l.Head(ctx, id); h.TreeSize != int64(n) {
					t.Fatalf("round %d: log %s has %d leaves in its tree, want %d", round, id, h.TreeSize, n)
				}
			}
		}
		if err := l.SyncAll(ctx); err != nil {
			t.Fatal(err)
		}
		for id, n := range want {
			verifyLog(t, d, l, id, n)
		}
		// Damage globex's tree: the others are still sequenced.
		if _, err := d.SQL.Exec(`DELETE FROM log_tiles WHERE log_id = '` + *logs[1] + `'`); err != nil {
			t.Fatal(err)
		}
		for round := range 2 {
			for _, tn := range logs {
				record(t, d, tn, 2)
				want[ledger.LogID(tn)] += 2
			}
			if err := l.Pass(ctx); !errors.Is(err, ledger.ErrTreeDamaged) {
				t.Fatalf("round %d: pass over a damaged log: %v", round, err)
			}
			for _, tn := range logs {
				id, n := ledger.LogID(tn), want[ledger.LogID(tn)]
				if tn == logs[1] {
					n -= 2 * (round + 1)
				}
				if h, _ := l.Head(ctx, id); h.TreeSize != int64(n) {
					t.Fatalf("round %d: log %s has %d leaves in its tree, want %d", round, id, h.TreeSize, n)
				}
			}
		}
		if reports.Load() != 1 {
			t.Fatalf("%d violation reports, want 1", reports.Load())
		}
	})
}

// A pass numbers each log's leaves in the order they were received (then by
// entry id), at most Batch a log in its shared transaction and the rest
// alone: the leaves read for the batch must be each log's oldest, in that
// order. The entries here are received in the reverse of the order they are
// created (their ids), in pairs received at the same instant.
func TestPassNumbersInReceiptOrder(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l := open(t, d, ledger.Config{CheckpointEvery: time.Hour, Batch: 4})
		logs := []*string{tenant(t, d, "acme"), tenant(t, d, "globex"), nil}
		base := time.Now().Add(-time.Hour)
		for round := range 2 {
			for _, tn := range logs {
				for i := range 10 {
					// i = 0, 1 received last (together), 8, 9 first.
					at := base.Add(time.Duration(round*100+(9-i)/2) * time.Second)
					if _, err := audit.Create(d.Client.AuditEntry, audit.Entry{
						TenantID: tn, OccurredAt: at, ReceivedAt: at, Action: fmt.Sprintf("thing.%d", i), ResourceType: "thing",
						Actor: audit.Actor{Type: schematype.ActorSystem},
					}).Save(rule.AsSystem(ctx)); err != nil {
						t.Fatal(err)
					}
				}
			}
			if err := l.Pass(ctx); err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
			for _, tn := range logs {
				id := ledger.LogID(tn)
				bySeq := leafOrder(t, d, id, "seq")
				byReceipt := leafOrder(t, d, id, "received_at, entry_id")
				if len(bySeq) != 10*(round+1) {
					t.Fatalf("round %d: log %s has %d numbered leaves, want %d", round, id, len(bySeq), 10*(round+1))
				}
				for i := range bySeq {
					if bySeq[i] != byReceipt[i] {
						t.Fatalf("round %d: log %s: seq %d is %s, but %s was received before it", round, id, i, bySeq[i], byReceipt[i])
					}
				}
			}
			if err := l.SyncAll(ctx); err != nil {
				t.Fatal(err)
			}
			for _, tn := range logs {
				verifyLog(t, d, l, ledger.LogID(tn), 10*(round+1))
			}
		}
	})
}

// leafOrder lists the entry ids of a log's numbered leaves in the given
// order.
func leafOrder(t *testing.T, d *db.DB, logID, order string) []string {
	t.Helper()
	rows, err := d.SQL.Query(`SELECT entry_id FROM log_leaves WHERE log_id = '` + logID + `' AND seq IS NOT NULL ORDER BY ` + order)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// A pass signs the due checkpoints of all its logs together: stored in one
// transaction (on PostgreSQL one xmin), each its own note signed with the
// key and extending the log's last one, OnCheckpoint told of each. A log
// whose tree was rewritten is not signed and is reported; the others are.
// A process that stopped between the seqs and the checkpoints (here: a
// sequencer whose checkpoints were not due yet) leaves work that the next
// one finds and signs, and VERIFY of every log is clean.
func TestPassSignsCheckpointsTogether(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l := open(t, d, ledger.Config{CheckpointEvery: time.Nanosecond})
		signed := map[string]int64{}
		var mu sync.Mutex
		l.OnCheckpoint = func(logID string, size int64, lag time.Duration) {
			mu.Lock()
			defer mu.Unlock()
			if lag < 0 || lag > time.Minute {
				t.Errorf("log %s: checkpoint lag %v", logID, lag)
			}
			signed[logID] = size
		}
		logs := []*string{tenant(t, d, "acme"), tenant(t, d, "globex"), tenant(t, d, "initech"), nil}
		want := map[string]int64{}
		pass := func(round int, wantErr error) {
			t.Helper()
			clear(signed)
			if err := l.Pass(ctx); !errors.Is(err, wantErr) {
				t.Fatalf("round %d: pass: %v, want %v", round, err, wantErr)
			}
		}
		for round, n := range []int{3, 1, 260, 2} {
			for i, tn := range logs {
				record(t, d, tn, n+i)
				want[ledger.LogID(tn)] += int64(n + i)
			}
			pass(round, nil)
			if len(signed) != len(logs) {
				t.Fatalf("round %d: OnCheckpoint for %d logs, want %d", round, len(signed), len(logs))
			}
			xmins := map[string]bool{}
			for id, n := range want {
				cp, err := l.Latest(ctx, id)
				if err != nil || cp == nil || cp.TreeSize != n || signed[id] != n {
					t.Fatalf("round %d: log %s: latest checkpoint %+v (%v), reported size %d, want %d", round, id, cp, err, signed[id], n)
				}
				if d.Dialect == dialect.Postgres {
					var xmin string
					if err := d.SQL.QueryRow(`SELECT xmin::text FROM log_checkpoints WHERE log_id = $1 AND tree_size = $2`, id, n).Scan(&xmin); err != nil {
						t.Fatal(err)
					}
					xmins[xmin] = true
				}
			}
			if d.Dialect == dialect.Postgres && len(xmins) != 1 {
				t.Fatalf("round %d: the checkpoints of %d logs were stored in %d transactions", round, len(logs), len(xmins))
			}
		}
		for id, n := range want {
			verifyLog(t, d, l, id, int(n))
		}

		// Stopped between the seqs and the checkpoints: the next process
		// signs what is left.
		slow := open(t, d, ledger.Config{CheckpointEvery: time.Hour})
		if err := slow.SyncAll(ctx); err != nil { // learns each log's last checkpoint
			t.Fatal(err)
		}
		for _, tn := range logs {
			record(t, d, tn, 5)
			want[ledger.LogID(tn)] += 5
		}
		if err := slow.Pass(ctx); err != nil {
			t.Fatal(err)
		}
		for id, n := range want {
			if h, _ := slow.Head(ctx, id); h.TreeSize != n {
				t.Fatalf("log %s: tree of %d leaves, want %d", id, h.TreeSize, n)
			}
			if cp, _ := slow.Latest(ctx, id); cp.TreeSize != n-5 {
				t.Fatalf("log %s: a checkpoint of %d leaves before one was due", id, cp.TreeSize)
			}
		}
		pass(4, nil)
		for id, n := range want {
			if signed[id] != n {
				t.Fatalf("log %s: signed %d after the restart, want %d", id, signed[id], n)
			}
			v := verify.Verifier{Ledger: l, Client: d.Client, DB: d.SQL, Dialect: d.Dialect}
			res, err := v.Verify(ctx, id, nil)
			if err != nil || !res.OK() || res.CheckpointSize != n {
				t.Fatalf("verify log %s: %+v (%v)", id, res, err)
			}
		}

		// Rewrite globex's history: it is not signed, the others are.
		var reported []string
		l.OnViolation = func(_ context.Context, logID, _ string) { reported = append(reported, logID) }
		globex := *logs[1]
		for _, q := range []string{
			`DELETE FROM log_tiles WHERE log_id = '` + globex + `'`,
			`UPDATE log_heads SET tree_size = 0, root_hash = '', checkpoint_size = 0 WHERE log_id = '` + globex + `'`,
			`UPDATE log_leaves SET hash = '` + fmt.Sprintf("%064x", 7) + `' WHERE seq = 3 AND log_id = '` + globex + `'`,
		} {
			if _, err := d.SQL.Exec(q); err != nil {
				t.Fatal(err)
			}
		}
		for _, tn := range logs {
			record(t, d, tn, 2)
			want[ledger.LogID(tn)] += 2
		}
		pass(5, ledger.ErrFork)
		if len(reported) != 1 || reported[0] != globex {
			t.Fatalf("violations reported for %v, want [%s]", reported, globex)
		}
		for id, n := range want {
			cp, _ := l.Latest(ctx, id)
			if id == globex {
				if _, ok := signed[id]; ok || cp.TreeSize == n {
					t.Fatalf("the rewritten log was signed at %d", cp.TreeSize)
				}
				continue
			}
			if signed[id] != n || cp.TreeSize != n {
				t.Fatalf("log %s: signed %d, latest %d, want %d", id, signed[id], cp.TreeSize, n)
			}
		}
	})
}

// pending finds every log with work through the partial index, as the
// DISTINCT it replaced did: unsequenced leaves (many logs, first and last
// in log_id order), a tree behind its checkpoint.
func TestPendingFindsEveryLog(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l := open(t, d, ledger.Config{CheckpointEvery: time.Hour})
		var logs []*string
		for i := range 12 {
			logs = append(logs, tenant(t, d, fmt.Sprintf("t%02d", i)))
		}
		logs = append(logs, nil)
		for _, tn := range logs {
			record(t, d, tn, 2)
		}
		if err := l.SyncAll(ctx); err != nil {
			t.Fatal(err)
		}
		old := func() map[string]bool {
			rows, err := d.SQL.Query(`SELECT DISTINCT log_id FROM log_leaves WHERE seq IS NULL
UNION SELECT log_id FROM log_heads WHERE next_seq > tree_size OR tree_size > checkpoint_size`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			out := map[string]bool{}
			for rows.Next() {
				var id string
				if err := rows.Scan(&id); err != nil {
					t.Fatal(err)
				}
				out[id] = true
			}
			return out
		}
		for round, pick := range [][]int{{}, {0}, {12}, {0, 1, 5, 11, 12}, {3, 4, 5, 6, 7, 8, 9, 10}} {
			for _, i := range pick {
				record(t, d, logs[i], 1+i%3)
			}
			got, err := ledger.PendingLogs(ctx, l)
			if err != nil {
				t.Fatal(err)
			}
			wantSet := old()
			if len(got) != len(wantSet) || len(got) != len(pick) {
				t.Fatalf("round %d: pending %v, the DISTINCT finds %v, %d logs written", round, got, wantSet, len(pick))
			}
			for _, id := range got {
				if !wantSet[id] {
					t.Fatalf("round %d: pending %v, the DISTINCT finds %v", round, got, wantSet)
				}
			}
			// Sequenced but not signed (the checkpoint is not due): still pending.
			if err := l.Pass(ctx); err != nil {
				t.Fatal(err)
			}
			if got, _ := ledger.PendingLogs(ctx, l); len(got) != len(pick) {
				t.Fatalf("round %d: %d logs pending with their checkpoints behind, want %d", round, len(got), len(pick))
			}
			if err := l.SyncAll(ctx); err != nil {
				t.Fatal(err)
			}
		}
	})
}
