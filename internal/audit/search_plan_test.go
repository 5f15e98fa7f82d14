package audit_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/testdb"
)

// TestSearchTailPlan: the search's candidates, its count from the index
// and the walk of a common text's page read the leaves above a log's
// search watermark as a range of the
// (log_id, seq) index, also for a log that holds most of the leaves. With
// the watermark's lower bound alone PostgreSQL guessed a third of the
// big log's leaves and scanned every leaf of every log (75–110 ms a count
// on a million leaves, seconds at 32 clients; docs/performance.md
// "2026-12-06 (late morning)"). PostgreSQL only: the plans are its
// planner's (the walk is PostgreSQL's alone); SQLite's statements are
// unchanged, and the answers are TestSearchCountFromIndex's and the walk's
// own tests'.
func TestSearchTailPlan(t *testing.T) {
	d := testdb.Open(t, dialect.Postgres)
	ctx := context.Background()
	// Leaves alone, as the planner sees them after ANALYZE: 90% of them
	// in one log, a few above its watermark.
	for _, q := range []string{
		`INSERT INTO log_leaves (entry_id, log_id, seq, hash, received_at)
		 SELECT 'e' || g, CASE WHEN g % 10 = 0 THEN 'small' ELSE 'big' END, g, md5(g::text) || md5(g::text), now()
		 FROM generate_series(1, 200000) g`,
		`INSERT INTO log_heads (log_id, next_seq, tree_size) VALUES ('big', 200001, 200001), ('small', 200001, 200001)`,
		`INSERT INTO audit_search_heads (log_id, indexed_seq) VALUES ('big', 199990), ('small', 200001)`,
		`ANALYZE log_leaves`, `ANALYZE log_heads`, `ANALYZE audit_search_heads`,
	} {
		if _, err := d.SQL.ExecContext(ctx, q); err != nil {
			t.Fatalf("%.60s: %v", q, err)
		}
	}
	from, ok := audit.IndexedCount(dialect.Postgres, "needle", 1000)
	if !ok {
		t.Fatal("needle: not countable from the index")
	}
	count, countArgs := sql.Dialect(dialect.Postgres).Select("COUNT(*)").FromExpr(from("big")).Query()
	cands, candArgs := audit.CandidatesQuery(dialect.Postgres, "needle", "big")
	walk, walkArgs := sql.Dialect(dialect.Postgres).Select("id").From(sql.Table("audit_entries")).
		Where(sql.P(func(b *sql.Builder) {
			b.WriteString("id IN (").Join(audit.NewSearchWalk("big", "needle").IDs(true, nil, nil, 25, 0)).WriteString(")")
		})).Query()
	for _, c := range []struct {
		name, query string
		args        []any
	}{
		{"count", count, countArgs},
		{"candidates", cands, candArgs},
		{"walk", walk, walkArgs},
	} {
		rows, err := d.SQL.QueryContext(ctx, "EXPLAIN "+c.query, c.args...)
		if err != nil {
			t.Fatalf("explain %s: %v", c.name, err)
		}
		var plan []string
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, line)
		}
		rows.Close()
		text := strings.Join(plan, "\n")
		if strings.Contains(text, "Seq Scan on log_leaves") || !strings.Contains(text, "log_leaves_log_id_seq") {
			t.Errorf("%s: the leaves above the watermark are not a range of the (log_id, seq) index:\n%s", c.name, text)
		}
		// Nor guessed as a big part of the log, which inflates the
		// statement's cost (and, on bigger tables, picks the scan).
		for _, line := range plan {
			if !strings.Contains(line, "on log_leaves") {
				continue
			}
			var rows int
			if i := strings.Index(line, " rows="); i >= 0 {
				fmt.Sscanf(line[i+len(" rows="):], "%d", &rows)
			}
			if rows > 10000 {
				t.Errorf("%s: %d leaves guessed for the range (5%% of the table at most):\n%s", c.name, rows, text)
			}
		}
		rows, err = d.SQL.QueryContext(ctx, c.query, c.args...)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		for rows.Next() {
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		rows.Close()
	}
}
