package app_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/app"
	"github.com/trailmark/trailmark/internal/testdb"
	"github.com/trailmark/trailmark/internal/testserver"
	"github.com/trailmark/trailmark/internal/testwait"
)

// TestReadsCannotStarveIngestion holds more slow GraphQL reads in flight
// than the pool has connections — each blocked in PostgreSQL behind a lock
// on a table no background work writes to, as an expensive filter would
// keep it busy — and records entries meanwhile: ingestion must get a
// connection and succeed. The reads are a query through the ent client
// (archives) and a search, whose index statements run on the pool itself
// (db.ReadSlots.Hold). (PostgreSQL: it can block a read on demand. The
// same gate serves SQLite, see internal/db TestReadGate and
// TestReadSlotsHold.)
func TestReadsCannotStarveIngestion(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, table, read string
	}{
		{"archives", "archives", `query($t: ID!) { archives(tenantID: $t) { edges { node { id } } } }`},
		// A search's first statements read the search index only.
		{"search", "audit_search", `query($t: ID!) { auditEntries(tenantID: $t, search: "needle") { totalCount } }`},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			readsCannotStarveIngestion(t, c.table, c.read)
		})
	}
}

func readsCannotStarveIngestion(t *testing.T, table, read string) {
	d := testdb.Open(t, dialect.Postgres)
	pool := d.SQL.Stats().MaxOpenConnections
	s := testserver.NewOnDB(t, d, func(c *app.Config) { c.HTTP.RequestTimeout = time.Minute })
	tn := s.CreateTenant(t, "busy")
	reader, _ := s.APIKey(t, tn.ID, schematype.ScopeRead)
	ingest, _ := s.APIKey(t, tn.ID, schematype.ScopeIngest)
	vars := map[string]any{"t": tn.ID}
	record := `mutation($t: ID!) { recordAuditEntries(tenantID: $t, entries: [{action: "x.recorded", resourceType: "x"}]) { created } }`
	s.GraphQL(t, ingest, record, vars).NoErrors(t) // both keys cached
	s.GraphQL(t, reader, read, vars).NoErrors(t)

	// Block every read of the table until released.
	admin, err := sql.Open("postgres", testdb.PostgresURL())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	ctx := context.Background()
	lock, err := admin.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	released := false
	release := func() {
		if !released {
			released = true
			_ = lock.Rollback()
		}
	}
	defer release()
	schema := schemaOf(t, d.URL)
	if _, err := lock.ExecContext(ctx, `LOCK TABLE `+schema+`.`+table+` IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}

	var reads sync.WaitGroup
	for range pool + 4 {
		reads.Add(1)
		go func() {
			defer reads.Done()
			s.GraphQL(t, reader, read, vars)
		}()
	}
	waiting := func() int {
		var n int
		if err := admin.QueryRowContext(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE wait_event_type = 'Lock' AND query LIKE '%'||$1||'%' AND pid <> pg_backend_pid()`, table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// Wait until the reads hold connections (generous: only bounds a failure)…
	testwait.Eventually(t, 30*time.Second, func() (bool, string) {
		n := waiting()
		return n >= 2, fmt.Sprintf("the reads never reached the database: %d waiting", n)
	})
	// …and give the rest of them a moment to take theirs: without a cap
	// they take the whole pool.
	for end := time.Now().Add(2 * time.Second); time.Now().Before(end) && waiting() < pool; {
		time.Sleep(20 * time.Millisecond)
	}
	held := waiting()

	start := time.Now()
	ingestCtx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ingestCtx, http.MethodPost, s.URL+"/graphql",
		strings.NewReader(`{"query":`+quote(record)+`,"variables":{"t":"`+tn.ID+`"}}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+ingest)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("ingestion while %d reads hold connections (pool %d): %v after %v", held, pool, err, time.Since(start))
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("ingestion while %d reads hold connections: HTTP %d", held, resp.StatusCode)
	}
	if held >= pool {
		t.Errorf("%d reads held all %d connections", held, pool)
	}
	release()
	reads.Wait()
	// The reads that waited for a slot finish once the lock goes.
	s.GraphQL(t, reader, read, vars).NoErrors(t)
}

func schemaOf(t *testing.T, u string) string {
	t.Helper()
	i := strings.Index(u, "search_path=")
	if i < 0 {
		t.Fatalf("no search_path in %s", u)
	}
	s := u[i+len("search_path="):]
	if j := strings.IndexByte(s, '&'); j >= 0 {
		s = s[:j]
	}
	return s
}

func quote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}
