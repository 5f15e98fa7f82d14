package audit_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"entgo.io/ent/privacy"
	"github.com/lib/pq"

	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/rule"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/db"
	"github.com/trailmark/trailmark/internal/sqltext"
	"github.com/trailmark/trailmark/internal/testdb"
	"github.com/trailmark/trailmark/internal/testwait"
	"github.com/trailmark/trailmark/internal/viewer"
)

type outcome struct {
	res *audit.Result
	err error
}

// groupOf queues every batch on a paused writer, starts it, and returns
// each batch's outcome: the batches form one group.
func groupOf(t *testing.T, d *db.DB, batches [][]audit.Entry, arrays bool) (*audit.Writer, []outcome) {
	t.Helper()
	return groupAs(t, d, batches, nil, arrays)
}

// groupAs is groupOf with batch i recorded as the viewer of ctxs[i] (the
// system when ctxs[i] is nil).
func groupAs(t *testing.T, d *db.DB, batches [][]audit.Entry, ctxs []context.Context, arrays bool) (*audit.Writer, []outcome) {
	t.Helper()
	w := audit.NewWriter(d.Client, audit.WriterOptions{Arrays: arrays, Dialect: d.Dialect})
	start, queued := audit.NewPausedWriter(w, 1)
	t.Cleanup(func() { _ = w.Close(context.Background()) })
	out := make([]outcome, len(batches))
	var wg sync.WaitGroup
	for i, b := range batches {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := rule.AsSystem(context.Background())
			if i < len(ctxs) && ctxs[i] != nil {
				ctx = ctxs[i]
			}
			res, err := w.Record(ctx, b)
			out[i] = outcome{res, err}
		}()
		// One at a time: the group holds the batches in their order.
		testwait.Eventually(t, 10*time.Second, func() (bool, string) {
			return queued() == i+1, fmt.Sprintf("%d of %d queued", queued(), i+1)
		})
	}
	start()
	wg.Wait()
	return w, out
}

func prepared(t *testing.T, tenantID string, n int, key string) []audit.Entry {
	t.Helper()
	var in []audit.Input
	for i := range n {
		e := audit.Input{Action: fmt.Sprintf("thing.%d", i), ResourceType: "thing", Actor: &audit.Actor{Type: schematype.ActorSystem}}
		if key != "" {
			k := fmt.Sprintf("%s-%d", key, i)
			e.IdempotencyKey = &k
		}
		in = append(in, e)
	}
	es, err := audit.Prepare(tenantID, in, audit.Actor{Type: schematype.ActorSystem}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return es
}

func TestGroupCommit(t *testing.T) {
	testdb.Each(t, groupCommitOn)
}

func groupCommitOn(t *testing.T, d *db.DB) {
	ctx := rule.AsSystem(context.Background())
	tn, err := d.Client.Tenant.Create().SetSlug("acme").SetName("Acme").Save(ctx)
	if err != nil {
		t.Fatal(err)
	}
	count := func() int {
		n, err := d.Client.AuditEntry.Query().Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	// With and without the shared statement (what the server uses: column
	// arrays on PostgreSQL, VALUES rows on SQLite): the same outcomes.
	for _, arrays := range []bool{false, true} {
		t.Run(fmt.Sprintf("arrays=%v", arrays), func(t *testing.T) { testGroupCommit(t, d, tn.ID, count, arrays) })
	}
	// The tenant's counter (totalCount) counted every entry the groups
	// and their retries stored — on SQLite, through the trigger that
	// inserts a missing counter row and then adds one.
	var counted int
	if err := d.SQL.QueryRowContext(ctx, sqltext.Rebind(d.Dialect, `SELECT COALESCE(SUM(n), 0) FROM audit_entry_counts WHERE tenant_id = $1`), tn.ID).Scan(&counted); err != nil {
		t.Fatal(err)
	}
	if n, err := d.Client.AuditEntry.Query().Where(auditentry.TenantID(tn.ID)).Count(ctx); err != nil || counted != n {
		t.Fatalf("the tenant's counter says %d, %d entries stored (%v)", counted, n, err)
	}
}

func testGroupCommit(t *testing.T, d *db.DB, tenantID string, count func() int, arrays bool) {
	ctx := rule.AsSystem(context.Background())
	t.Run("many requests, one commit", func(t *testing.T) {
		before := count()
		var batches [][]audit.Entry
		for i := range 30 {
			batches = append(batches, prepared(t, tenantID, 1+i%3, ""))
		}
		w, out := groupOf(t, d, batches, arrays)
		want := 0
		for i, o := range out {
			if o.err != nil || o.res.Created != len(batches[i]) {
				t.Fatalf("request %d: %+v %v", i, o.res, o.err)
			}
			want += len(batches[i])
		}
		if w.Groups.Load() != 1 || w.Grouped.Load() != 30 || w.Retried.Load() != 0 {
			t.Fatalf("groups %d, grouped %d, retried %d: want one group of 30", w.Groups.Load(), w.Grouped.Load(), w.Retried.Load())
		}
		if got := count() - before; got != want {
			t.Fatalf("%d entries stored, want %d", got, want)
		}
		if arrays {
			// Requests without idempotency keys share one INSERT.
			var stored []string
			for _, o := range out {
				for _, e := range o.res.Entries {
					stored = append(stored, e.ID)
				}
			}
			if n := statementsThatWrote(t, d, w, stored); n != sharedStatements(d, len(stored)) {
				t.Fatalf("the group's %d entries were written by %d statements, want %d", len(stored), n, sharedStatements(d, len(stored)))
			}
		}
	})

	t.Run("a request its viewer may not write, among many", func(t *testing.T) {
		before := count()
		readOnly := viewer.NewContext(context.Background(), &viewer.Viewer{Kind: viewer.APIKey, APIKeyID: "key_read",
			APIKeyTenantID: tenantID, Scopes: []string{string(schematype.ScopeRead)}})
		ingest := viewer.NewContext(context.Background(), &viewer.Viewer{Kind: viewer.APIKey, APIKeyID: "key_ingest",
			APIKeyTenantID: tenantID, Scopes: []string{string(schematype.ScopeIngest)}})
		var batches [][]audit.Entry
		ctxs := make([]context.Context, 10)
		for i := range 10 {
			batches = append(batches, prepared(t, tenantID, 1, ""))
			ctxs[i] = ingest
		}
		ctxs[4] = readOnly
		w, out := groupAs(t, d, batches, ctxs, arrays)
		for i, o := range out {
			if i == 4 {
				if !errors.Is(o.err, privacy.Deny) {
					t.Fatalf("the read-only key's request: %+v %v, want a privacy denial", o.res, o.err)
				}
				continue
			}
			if o.err != nil || o.res.Created != 1 || o.res.Entries[0] == nil {
				t.Fatalf("request %d failed with the denied one: %+v %v", i, o.res, o.err)
			}
		}
		if w.Retried.Load() != 10 {
			t.Fatalf("retried %d, want every request of the failed group alone", w.Retried.Load())
		}
		if got := count() - before; got != 9 {
			t.Fatalf("%d entries stored, want 9", got)
		}
	})

	t.Run("one failing request among many", func(t *testing.T) {
		before := count()
		var batches [][]audit.Entry
		for i := range 20 {
			tenant := tenantID
			if i == 7 {
				tenant = "ten_01JQ0000000000000000000000" // no such tenant
			}
			batches = append(batches, prepared(t, tenant, 2, ""))
		}
		w, out := groupOf(t, d, batches, arrays)
		for i, o := range out {
			if i == 7 {
				if !errors.Is(o.err, audit.ErrTenantNotFound) {
					t.Fatalf("the bad request: %v", o.err)
				}
				continue
			}
			if o.err != nil || o.res.Created != 2 {
				t.Fatalf("request %d failed with the bad one: %+v %v", i, o.res, o.err)
			}
		}
		if w.Retried.Load() != 20 {
			t.Fatalf("retried %d, want every request of the failed group alone", w.Retried.Load())
		}
		if got := count() - before; got != 19*2 {
			t.Fatalf("%d entries stored, want %d", got, 19*2)
		}
	})

	t.Run("50-entry batches of many tenants, one commit", func(t *testing.T) {
		// The size of the peer benchmark's q4b: such batches join groups
		// (audit.DefaultMaxBatch); bigger ones are written alone.
		tenants := []string{tenantID, newTenant(t, d, fmt.Sprintf("q4b-a-%v", arrays)), newTenant(t, d, fmt.Sprintf("q4b-b-%v", arrays))}
		before := count()
		var batches [][]audit.Entry
		for i := range 6 {
			batches = append(batches, prepared(t, tenants[i%len(tenants)], 50, ""))
		}
		w, out := groupOf(t, d, batches, arrays)
		var stored []string
		seen := map[string]bool{}
		for i, o := range out {
			if o.err != nil || o.res.Created != 50 || len(o.res.Entries) != 50 {
				t.Fatalf("request %d: %+v %v", i, o.res, o.err)
			}
			for j, e := range o.res.Entries {
				if e.TenantID == nil || *e.TenantID != *batches[i][j].TenantID || e.Action != batches[i][j].Action || seen[e.ID] {
					t.Fatalf("request %d entry %d: %+v is not its own entry", i, j, e)
				}
				seen[e.ID] = true
				stored = append(stored, e.ID)
			}
		}
		if w.Groups.Load() != 1 || w.Grouped.Load() != 6 || w.Retried.Load() != 0 {
			t.Fatalf("groups %d, grouped %d, retried %d: want one group of 6", w.Groups.Load(), w.Grouped.Load(), w.Retried.Load())
		}
		if got := count() - before; got != 300 {
			t.Fatalf("%d entries stored, want 300", got)
		}
		if arrays {
			if n := statementsThatWrote(t, d, w, stored); n != sharedStatements(d, 300) {
				t.Fatalf("the group's 300 entries were written by %d statements, want %d", n, sharedStatements(d, 300))
			}
		}
	})

	t.Run("a batch above the group's limit is written alone", func(t *testing.T) {
		before := count()
		w := audit.NewWriter(d.Client, audit.WriterOptions{Arrays: arrays, Dialect: d.Dialect})
		start, queued := audit.NewPausedWriter(w, 1)
		t.Cleanup(func() { _ = w.Close(context.Background()) })
		// The writer is paused: a batch that joined its queue would wait.
		res, err := w.Record(ctx, prepared(t, tenantID, audit.DefaultMaxBatch+1, ""))
		if err != nil || res.Created != audit.DefaultMaxBatch+1 || queued() != 0 {
			t.Fatalf("%+v %v, %d queued: want it written alone", res, err, queued())
		}
		start()
		if got := count() - before; got != audit.DefaultMaxBatch+1 {
			t.Fatalf("%d entries stored, want %d", got, audit.DefaultMaxBatch+1)
		}
	})

	t.Run("a failing 50-entry batch among many", func(t *testing.T) {
		before := count()
		key := fmt.Sprintf("big-%v", arrays)
		var batches [][]audit.Entry
		for i := range 5 {
			batches = append(batches, prepared(t, tenantID, 50, fmt.Sprintf("%s-%d", key, i)))
		}
		// The same keys as batch 1 with other content at entry 30: a
		// conflict, which fails this request alone, all or nothing.
		bad := prepared(t, tenantID, 50, key+"-1")
		bad[30].Action = "something.else"
		batches = append(batches[:3], append([][]audit.Entry{prepared2(t, tenantID, bad)}, batches[3:]...)...)
		w, out := groupOf(t, d, batches, arrays)
		for i, o := range out {
			if i == 3 {
				var ce *audit.ConflictError
				if !errors.As(o.err, &ce) || len(ce.Indexes) != 1 || ce.Indexes[0] != 30 {
					t.Fatalf("the conflicting batch: %+v %v, want a conflict at entry 30", o.res, o.err)
				}
				continue
			}
			if o.err != nil || o.res.Created != 50 || o.res.Duplicates != 0 {
				t.Fatalf("request %d failed with the bad one: %+v %v", i, o.res, o.err)
			}
		}
		if w.Retried.Load() != 6 {
			t.Fatalf("retried %d, want every request of the failed group alone", w.Retried.Load())
		}
		if got := count() - before; got != 5*50 {
			t.Fatalf("%d entries stored, want %d: none of the conflicting batch", got, 5*50)
		}
	})

	t.Run("a key twice in a 50-entry batch, and a batch replaying another's keys", func(t *testing.T) {
		before := count()
		key := fmt.Sprintf("twice-big-%v", arrays)
		first := prepared(t, tenantID, 50, key)
		first = append(first, first[7]) // key-7 twice in one request: one entry
		replay := prepared(t, tenantID, 50, key)
		w, out := groupOf(t, d, [][]audit.Entry{first, replay, prepared(t, tenantID, 50, "")}, arrays)
		for i, o := range out {
			if o.err != nil {
				t.Fatalf("request %d: %v", i, o.err)
			}
		}
		if r := out[0].res; r.Created != 50 || r.Duplicates != 1 || r.Entries[50].ID != r.Entries[7].ID || r.Replayed[50] {
			t.Fatalf("the batch with a key twice: created %d, duplicates %d", r.Created, r.Duplicates)
		}
		r := out[1].res
		if r.Created != 0 || r.Duplicates != 50 {
			t.Fatalf("the replaying batch: created %d, duplicates %d; want 0, 50", r.Created, r.Duplicates)
		}
		for j, e := range r.Entries {
			if !r.Replayed[j] || e.ID != out[0].res.Entries[j].ID {
				t.Fatalf("the replaying batch's entry %d: %s, want the first batch's %s, replayed", j, e.ID, out[0].res.Entries[j].ID)
			}
		}
		if out[2].res.Created != 50 {
			t.Fatalf("the bystander: %+v", out[2].res)
		}
		if w.Groups.Load() != 1 || w.Grouped.Load() != 3 || w.Retried.Load() != 0 {
			t.Fatalf("groups %d, grouped %d, retried %d: want one group of 3", w.Groups.Load(), w.Grouped.Load(), w.Retried.Load())
		}
		if got := count() - before; got != 100 {
			t.Fatalf("%d entries stored, want 100", got)
		}
	})

	t.Run("idempotency keys across requests of one group", func(t *testing.T) {
		before := count()
		key := fmt.Sprintf("replay-%v", arrays)
		if _, err := audit.Record(ctx, d.Client, prepared(t, tenantID, 3, key)); err != nil {
			t.Fatal(err)
		}
		again := prepared(t, tenantID, 3, key)
		other := prepared(t, tenantID, 3, key)
		other[1].Action = "something.else"
		other = prepared2(t, tenantID, other)
		w, out := groupOf(t, d, [][]audit.Entry{again, other, prepared(t, tenantID, 1, "")}, arrays)
		if out[0].err != nil || out[0].res.Duplicates != 3 || out[0].res.Created != 0 {
			t.Fatalf("the replay: %+v %v", out[0].res, out[0].err)
		}
		var ce *audit.ConflictError
		if !errors.As(out[1].err, &ce) || len(ce.Indexes) != 1 || ce.Indexes[0] != 1 {
			t.Fatalf("the replay with other content: %v, want a conflict at entry 1", out[1].err)
		}
		if out[2].err != nil || out[2].res.Created != 1 {
			t.Fatalf("the bystander: %+v %v", out[2].res, out[2].err)
		}
		if w.Retried.Load() != 3 {
			t.Fatalf("retried %d, want 3", w.Retried.Load())
		}
		if got := count() - before; got != 4 {
			t.Fatalf("%d entries stored, want 4", got)
		}
	})
	t.Run("keyed requests of one group", func(t *testing.T) { testGroupKeys(t, d, tenantID, count, arrays) })
}

// testGroupKeys: requests with idempotency keys in one group get the
// answers they would get written one by one in the group's order — with
// the array statement, from one shared INSERT.
func testGroupKeys(t *testing.T, d *db.DB, tenantID string, count func() int, arrays bool) {
	ctx := rule.AsSystem(context.Background())
	ids := func(out []outcome) []string {
		var ids []string
		for _, o := range out {
			for _, e := range o.res.Entries {
				ids = append(ids, e.ID)
			}
		}
		return ids
	}
	oneGroup := func(t *testing.T, w *audit.Writer, n int) {
		t.Helper()
		if w.Groups.Load() != 1 || w.Grouped.Load() != int64(n) || w.Retried.Load() != 0 {
			t.Fatalf("groups %d, grouped %d, retried %d: want one group of %d", w.Groups.Load(), w.Grouped.Load(), w.Retried.Load(), n)
		}
	}

	t.Run("distinct keys share one statement", func(t *testing.T) {
		before := count()
		var batches [][]audit.Entry
		for i := range 12 {
			key := ""
			if i%4 != 3 {
				key = fmt.Sprintf("distinct-%v-%d", arrays, i)
			}
			batches = append(batches, prepared(t, tenantID, 1+i%2, key))
		}
		w, out := groupOf(t, d, batches, arrays)
		for i, o := range out {
			if o.err != nil || o.res.Created != len(batches[i]) || o.res.Duplicates != 0 {
				t.Fatalf("request %d: %+v %v", i, o.res, o.err)
			}
			for j, e := range o.res.Entries {
				if o.res.Replayed[j] || e.ID == "" || (e.IdempotencyKey == nil) != (batches[i][j].IdempotencyKey == nil) {
					t.Fatalf("request %d entry %d: %+v replayed %v", i, j, e, o.res.Replayed[j])
				}
			}
		}
		oneGroup(t, w, len(batches))
		if got := count() - before; got != 18 {
			t.Fatalf("%d entries stored, want 18", got)
		}
		if arrays {
			if n := statementsThatWrote(t, d, w, ids(out)); n != sharedStatements(d, 18) {
				t.Fatalf("the group's entries were written by %d statements, want %d", n, sharedStatements(d, 18))
			}
		}
	})

	t.Run("a key repeated across the group's requests", func(t *testing.T) {
		before := count()
		key := fmt.Sprintf("repeated-%v", arrays)
		first := prepared(t, tenantID, 2, key)  // keys key-0, key-1
		second := prepared(t, tenantID, 1, key) // key-0 again, same content
		third := prepared(t, tenantID, 3, key)  // key-0, key-1 again and a new key-2
		w, out := groupOf(t, d, [][]audit.Entry{first, second, third, prepared(t, tenantID, 1, "")}, arrays)
		for i, o := range out {
			if o.err != nil {
				t.Fatalf("request %d: %v", i, o.err)
			}
		}
		if r := out[0].res; r.Created != 2 || r.Duplicates != 0 || r.Replayed[0] || r.Replayed[1] {
			t.Fatalf("the first request: %+v", r)
		}
		if r := out[1].res; r.Created != 0 || r.Duplicates != 1 || !r.Replayed[0] || r.Entries[0].ID != out[0].res.Entries[0].ID {
			t.Fatalf("the second request: %+v, want the first's entry, replayed", r)
		}
		r := out[2].res
		if r.Created != 1 || r.Duplicates != 2 || !r.Replayed[0] || !r.Replayed[1] || r.Replayed[2] ||
			r.Entries[0].ID != out[0].res.Entries[0].ID || r.Entries[1].ID != out[0].res.Entries[1].ID {
			t.Fatalf("the third request: %+v", r)
		}
		oneGroup(t, w, 4)
		if got := count() - before; got != 4 {
			t.Fatalf("%d entries stored, want 4", got)
		}
		if arrays {
			// Seven rows go in; the statement skips the repeated keys.
			if n := statementsThatWrote(t, d, w, []string{out[0].res.Entries[0].ID, r.Entries[2].ID, out[3].res.Entries[0].ID}); n != sharedStatements(d, 7) {
				t.Fatalf("the group's new entries were written by %d statements, want %d", n, sharedStatements(d, 7))
			}
		}
	})

	t.Run("a key repeated within a request, and one stored before", func(t *testing.T) {
		before := count()
		key := fmt.Sprintf("stored-%v", arrays)
		stored, err := audit.Record(ctx, d.Client, prepared(t, tenantID, 1, key)) // key-0
		if err != nil {
			t.Fatal(err)
		}
		twice := prepared(t, tenantID, 2, key+"-twice")
		twice = append(twice, twice[0]) // key-twice-0 twice in one request
		w, out := groupOf(t, d, [][]audit.Entry{prepared(t, tenantID, 2, key), twice}, arrays)
		for i, o := range out {
			if o.err != nil {
				t.Fatalf("request %d: %v", i, o.err)
			}
		}
		if r := out[0].res; r.Created != 1 || r.Duplicates != 1 || !r.Replayed[0] || r.Replayed[1] || r.Entries[0].ID != stored.Entries[0].ID {
			t.Fatalf("the replay of a stored key: %+v, want the stored entry, replayed", r)
		}
		if r := out[1].res; r.Created != 2 || r.Duplicates != 1 || r.Replayed[2] || r.Entries[2].ID != r.Entries[0].ID {
			t.Fatalf("the request with a key twice: %+v", r)
		}
		oneGroup(t, w, 2)
		if got := count() - before; got != 4 {
			t.Fatalf("%d entries stored, want 4", got)
		}
	})

	if d.Dialect != dialect.Postgres {
		return // one writer at a time: no transaction of another replica to race
	}
	for _, commit := range []bool{true, false} {
		t.Run(fmt.Sprintf("a key stored concurrently by another replica, commit=%v", commit), func(t *testing.T) {
			before := count()
			key := fmt.Sprintf("race-%v-%v", arrays, commit)
			tx, err := d.Client.Tx(ctx)
			if err != nil {
				t.Fatal(err)
			}
			other, err := audit.Create(tx.Client().AuditEntry, prepared(t, tenantID, 1, key)[0]).Save(ctx)
			if err != nil {
				t.Fatal(err)
			}
			w := audit.NewWriter(d.Client, audit.WriterOptions{Arrays: arrays, Dialect: d.Dialect})
			start, queued := audit.NewPausedWriter(w, 1)
			t.Cleanup(func() { _ = w.Close(context.Background()) })
			batches := [][]audit.Entry{prepared(t, tenantID, 1, ""), prepared(t, tenantID, 1, key), prepared(t, tenantID, 1, key+"-x")}
			out := make([]outcome, len(batches))
			var wg sync.WaitGroup
			for i, b := range batches {
				wg.Add(1)
				go func() {
					defer wg.Done()
					res, err := w.Record(ctx, b)
					out[i] = outcome{res, err}
				}()
				testwait.Eventually(t, 10*time.Second, func() (bool, string) {
					return queued() == i+1, fmt.Sprintf("%d of %d queued", queued(), i+1)
				})
			}
			start()
			// The group's insert waits for the other transaction's key.
			testwait.Eventually(t, 10*time.Second, func() (bool, string) {
				var n int
				if err := d.SQL.QueryRowContext(ctx, `SELECT count(*) FROM pg_stat_activity
					WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n > 0, "the group is not waiting for the other transaction"
			})
			if commit {
				err = tx.Commit()
			} else {
				err = tx.Rollback()
			}
			if err != nil {
				t.Fatal(err)
			}
			wg.Wait()
			for i, o := range out {
				if o.err != nil {
					t.Fatalf("request %d: %v", i, o.err)
				}
			}
			r := out[1].res
			if commit && (r.Created != 0 || r.Duplicates != 1 || !r.Replayed[0] || r.Entries[0].ID != other.ID) {
				t.Fatalf("the key the other replica stored: %+v, want its entry, replayed", r)
			}
			if !commit && (r.Created != 1 || r.Replayed[0] || r.Entries[0].ID == other.ID) {
				t.Fatalf("the key the other replica rolled back: %+v, want it created", r)
			}
			if out[0].res.Created != 1 || out[2].res.Created != 1 {
				t.Fatalf("the bystanders: %+v %+v", out[0].res, out[2].res)
			}
			oneGroup(t, w, 3)
			if got := count() - before; got != 3 {
				t.Fatalf("%d entries stored, want 3", got)
			}
		})
	}
}

// statementsThatWrote counts the statements that inserted the entries ids
// (PostgreSQL: rows written by one command share its cmin; SQLite: the
// statements w's groups ran).
func statementsThatWrote(t *testing.T, d *db.DB, w *audit.Writer, ids []string) int {
	t.Helper()
	if d.Dialect == dialect.SQLite {
		return int(w.Statements.Load())
	}
	var n int
	if err := d.SQL.QueryRowContext(context.Background(),
		`SELECT count(DISTINCT cmin::text) FROM audit_entries WHERE id = ANY($1)`, pq.Array(ids)).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// sharedStatements is how many statements write n rows shared by a
// group: one array statement on PostgreSQL; on SQLite one VALUES statement
// per power of two of rows (up to 128) n is made of.
func sharedStatements(d *db.DB, n int) int {
	if d.Dialect == dialect.Postgres {
		return 1
	}
	s := n / 128
	for n %= 128; n > 0; n &= n - 1 {
		s++
	}
	return s
}

// newTenant creates a tenant and returns its id.
func newTenant(t *testing.T, d *db.DB, slug string) string {
	t.Helper()
	tn, err := d.Client.Tenant.Create().SetSlug(slug).SetName(slug).Save(rule.AsSystem(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	return tn.ID
}

// prepared2 re-prepares entries after a change, so their hashes match.
func prepared2(t *testing.T, tenantID string, es []audit.Entry) []audit.Entry {
	t.Helper()
	var in []audit.Input
	for _, e := range es {
		in = append(in, audit.Input{Action: e.Action, ResourceType: e.ResourceType, Actor: &audit.Actor{Type: schematype.ActorSystem},
			IdempotencyKey: e.IdempotencyKey})
	}
	out, err := audit.Prepare(tenantID, in, audit.Actor{Type: schematype.ActorSystem}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return out
}
