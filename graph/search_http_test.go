package graph_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/app"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/testserver"
	"github.com/trailmark/trailmark/internal/viewer"
)

const searchQuery = `query($t: ID, $search: String) {
  auditEntries(tenantID: $t, search: $search, first: 50,
      where: { actionNEQ: "audit_log.view" }) {
    totalCount
    totalCountCapped
    totalCountEstimated
    edges { node { resourceID } }
  }
}`

type searched struct {
	TotalCount          int
	TotalCountCapped    bool
	TotalCountEstimated bool
	Edges               []struct{ Node struct{ ResourceID *string } }
}

func (p searched) resources() string {
	out := ""
	for i, e := range p.Edges {
		if i > 0 {
			out += ","
		}
		out += *e.Node.ResourceID
	}
	return out
}

func search(t *testing.T, s *testserver.Server, token string, tenantID *string, text string) searched {
	t.Helper()
	var out struct{ AuditEntries searched }
	s.GraphQL(t, token, searchQuery, map[string]any{"t": tenantID, "search": text}).NoErrors(t).Decode(t, &out)
	return out.AuditEntries
}

// searchCorpus is what TestSearchIndexed records: every searched column,
// case, punctuation, LIKE, GLOB and FTS5 syntax, and text in columns that
// are not searched.
func searchCorpus(memberID, at string) []map[string]any {
	return []map[string]any{
		entry("invoice.paid", "resourceID", "inv-2024-0001", "resourceName", "Pipeline 12 nightly",
			"workspace", "Zürich-Office", "occurredAt", at,
			"actor", map[string]any{"type": "USER", "id": memberID, "name": "Grace Hopper", "email": "grace@navy.mil"},
			"metadata", map[string]any{"note": "quasar"}, "newValue", map[string]any{"plan": "nebula"}),
		entry("member.add", "resourceID", "other", "occurredAt", at,
			"actor", map[string]any{"type": "USER", "id": "u-zebra", "name": "Zebra Crossing"}),
		entry("quota.set", "resourceID", "pct", "resourceName", `100% of a_b, say "hi" [*]`, "occurredAt", at,
			"actor", map[string]any{"type": "SYSTEM", "id": "quota-bot"}),
		entry("doc.write", "resourceID", "long", "resourceName", "x "+strings.Repeat("ab", 100), "occurredAt", at,
			"actor", map[string]any{"type": "SYSTEM", "id": "writer"}),
	}
}

// searchTerms are searched in every state of the index; matchesSearch
// gives the expected answer.
var searchTerms = []string{
	"HOPPER", "hop", "opp", "e hop", "grace@navy", "navy.mil", "navy mil", "pipeline 1", "12 N",
	"2024-0", "-2024", "zürich", "ZÜRICH-office", "office", "paid", "nvoice", "zebra", "member.add",
	"100%", "0%", "a_b", "ab_", `"hi"`, `say "`, "[*]", "*", "pipeline*", "ab", "o", "abababab",
	strings.Repeat("ab", 90), strings.Repeat("ab", 90) + "c", "quasar", "nebula",
	"hopper grace@", "u-zebra", "quota-bot", "system", "zz",
}

// matchesSearch is search's contract (docs/api.md): a case-insensitive
// substring of one searched column. The corpus has no non-ASCII letter
// whose case differs between text and entry (SQLite folds ASCII only).
func matchesSearch(e map[string]any, text string) bool {
	text = strings.ToLower(strings.TrimSpace(text))
	fields := []any{e["action"], e["resourceType"], e["resourceID"], e["resourceName"], e["workspace"]}
	if a, ok := e["actor"].(map[string]any); ok {
		fields = append(fields, a["id"], a["name"], a["email"])
	}
	for _, f := range fields {
		if v, ok := f.(string); ok && strings.Contains(strings.ToLower(v), text) {
			return true
		}
	}
	return false
}

// expectSearch checks every search term against matchesSearch over the
// corpus: the same entries, counted exactly (below the cap).
func expectSearch(t *testing.T, s *testserver.Server, token string, tenantID *string, corpus []map[string]any, state string) {
	t.Helper()
	for _, text := range searchTerms {
		var want []string
		for i := len(corpus) - 1; i >= 0; i-- { // newest first, as recorded
			if matchesSearch(corpus[i], text) {
				want = append(want, corpus[i]["resourceID"].(string))
			}
		}
		got := search(t, s, token, tenantID, text)
		if got.resources() != strings.Join(want, ",") || got.TotalCount != len(want) || got.TotalCountCapped || got.TotalCountEstimated {
			t.Errorf("%s: search %q got %q (totalCount %d, capped %v), want %q", state, text,
				got.resources(), got.TotalCount, got.TotalCountCapped, strings.Join(want, ","))
		}
	}
}

func searchIndexOff(c *app.Config) { c.Search.Off = true }

// TestSearchIndexed: search answers the same as a scan of the columns
// (docs/api.md "search") whether entries are not numbered yet, numbered
// but not indexed (the tail), indexed, or a mix — on both dialects. The
// indexer runs only when the test says so (searchIndexOff), so each state
// is certain; a search that left out the tail, or an index that missed a
// column, fails here.
func TestSearchIndexed(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		ctx := context.Background()
		f := newFixture(t, s, "acme")
		g := newFixture(t, s, "globex")
		member, memberTok := s.Member(t, f.tenantID, schematype.RoleMember, nil)
		at := time.Now().Add(-time.Hour).UTC().Truncate(time.Second).Format(time.RFC3339)
		corpus := searchCorpus(member.ID, at)
		first, later := corpus[:2], corpus[2:]
		for _, e := range first {
			mustRecord(t, s, f.ingest, f.tenantID, e)
		}
		mustRecord(t, s, g.ingest, g.tenantID, entry("invoice.paid", "resourceID", "globex-1", "occurredAt", at,
			"actor", map[string]any{"type": "USER", "id": "u-g", "name": "Grace Hopper"}))

		expectSearch(t, s, f.admin, &f.tenantID, first, "nothing indexed")
		if err := s.App.Ledger.SyncAll(ctx); err != nil {
			t.Fatal(err)
		}
		expectSearch(t, s, f.admin, &f.tenantID, first, "numbered, not indexed")
		if err := s.App.Search.Pass(ctx); err != nil {
			t.Fatal(err)
		}
		if n := indexedRows(t, s); n < len(first)+1 {
			t.Fatalf("after a pass audit_search holds %d rows, want at least %d", n, len(first)+1)
		}
		expectSearch(t, s, f.admin, &f.tenantID, first, "indexed")
		for _, e := range later {
			mustRecord(t, s, f.ingest, f.tenantID, e)
		}
		expectSearch(t, s, f.admin, &f.tenantID, corpus, "indexed and a tail")
		if err := s.App.Ledger.SyncAll(ctx); err != nil {
			t.Fatal(err)
		}
		if err := s.App.Search.Pass(ctx); err != nil {
			t.Fatal(err)
		}
		expectSearch(t, s, f.admin, &f.tenantID, corpus, "all indexed")
		expectSearch(t, s, f.reader, nil, corpus, "all indexed, without tenantID")

		// Across the tenants a key may read (its own) and the other
		// tenant's own view: never the other tenant's entries.
		if got := search(t, s, g.admin, &g.tenantID, "grace"); got.resources() != "globex-1" || got.TotalCount != 1 {
			t.Errorf("globex admin: got %q (%d)", got.resources(), got.TotalCount)
		}
		if got := search(t, s, g.admin, &f.tenantID, "grace"); got.TotalCount != 0 || len(got.Edges) != 0 {
			t.Errorf("globex admin reading acme: got %q (%d)", got.resources(), got.TotalCount)
		}
		if got := search(t, s, g.admin, nil, "grace"); got.resources() != "globex-1" || got.TotalCount != 1 {
			t.Errorf("globex admin without tenantID: got %q (%d)", got.resources(), got.TotalCount)
		}
		// A MEMBER sees only entries they acted in: another actor's
		// entry is neither listed nor counted, through the index or not.
		for _, text := range []string{"zebra", "e", "."} {
			if got := search(t, s, memberTok, &f.tenantID, text); got.TotalCount != 0 && got.resources() != "inv-2024-0001" {
				t.Errorf("member, search %q: got %q (%d)", text, got.resources(), got.TotalCount)
			}
		}
		if got := search(t, s, memberTok, nil, "hopper"); got.resources() != "inv-2024-0001" || got.TotalCount != 1 {
			t.Errorf("member, own entry: got %q (%d)", got.resources(), got.TotalCount)
		}
	}, searchIndexOff)
}

// indexedRows counts audit_search's rows.
func indexedRows(t *testing.T, s *testserver.Server) int {
	t.Helper()
	var n int
	if err := s.DB.SQL.QueryRow(`SELECT count(*) FROM audit_search`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSearchIndexRetention: retention's delete takes an entry's row out of
// the search index (and, on SQLite, out of the FTS5 table), and a pass
// after it neither fails nor brings it back.
func TestSearchIndexRetention(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		ctx := context.Background()
		f := newFixture(t, s, "acme")
		at := time.Now().Add(-time.Hour).UTC().Truncate(time.Second).Format(time.RFC3339)
		mustRecord(t, s, f.ingest, f.tenantID,
			entry("secret.rotate", "resourceID", "old", "resourceName", "kestrel", "occurredAt", at),
			entry("secret.rotate", "resourceID", "new", "resourceName", "kestrel", "occurredAt", at))
		if err := s.App.Ledger.SyncAll(ctx); err != nil {
			t.Fatal(err)
		}
		if err := s.App.Search.Pass(ctx); err != nil {
			t.Fatal(err)
		}
		if got := search(t, s, f.admin, &f.tenantID, "kestrel"); got.TotalCount != 2 {
			t.Fatalf("before retention: %q (%d)", got.resources(), got.TotalCount)
		}
		before := indexedRows(t, s)
		n, err := s.Client().AuditEntry.Delete().Where(auditentry.ResourceID("old")).
			Exec(viewer.WithRetentionDelete(testserver.System(ctx)))
		if err != nil || n != 1 {
			t.Fatalf("retention delete: %d, %v", n, err)
		}
		if after := indexedRows(t, s); after != before-1 {
			t.Errorf("audit_search rows: %d before, %d after deleting one entry", before, after)
		}
		if s.DB.Dialect == dialect.SQLite {
			var fts int
			if err := s.DB.SQL.QueryRow(`SELECT count(*) FROM audit_search_fts WHERE audit_search_fts MATCH '"kestrel"'`).Scan(&fts); err != nil || fts != 1 {
				t.Errorf("FTS5 rows matching after the delete: %d (%v), want 1", fts, err)
			}
		}
		if got := search(t, s, f.admin, &f.tenantID, "kestrel"); got.resources() != "new" || got.TotalCount != 1 {
			t.Errorf("after retention: %q (%d)", got.resources(), got.TotalCount)
		}
		if err := s.App.Search.Pass(ctx); err != nil {
			t.Fatal(err)
		}
	}, searchIndexOff)
}

// TestSearchIndexBackfill: entries recorded before the search index existed
// (here: by a server whose indexer is off, so audit_search is as empty as
// the migration leaves it, and no log has a watermark) are found by search
// at once — through the tail — and are indexed in the background by the
// next server (an upgraded replica, default settings): every numbered
// entry gets its row and every log's watermark reaches its next seq.
func TestSearchIndexBackfill(t *testing.T) {
	testserver.Each(t, func(t *testing.T, old *testserver.Server) {
		ctx := context.Background()
		f := newFixture(t, old, "acme")
		batch := make([]map[string]any, 30)
		for i := range batch {
			batch[i] = entry("bulk.import", "resourceID", fmt.Sprintf("r%02d", i))
		}
		mustRecord(t, old, f.ingest, f.tenantID, batch...)
		if err := old.App.Ledger.SyncAll(ctx); err != nil {
			t.Fatal(err)
		}
		if n := indexedRows(t, old); n != 0 {
			t.Fatalf("audit_search holds %d rows before any indexer ran", n)
		}
		if got := search(t, old, f.admin, &f.tenantID, "r07"); got.resources() != "r07" || got.TotalCount != 1 {
			t.Errorf("not indexed yet: %q (%d)", got.resources(), got.TotalCount)
		}

		s := testserver.NewOnDB(t, old.DB)
		deadline := time.Now().Add(20 * time.Second)
		for {
			var behind, leaves, rows int
			err := s.DB.SQL.QueryRow(`SELECT (SELECT coalesce(sum(h.next_seq - coalesce(w.indexed_seq, 0)), 0) FROM log_heads h
LEFT JOIN audit_search_heads w ON w.log_id = h.log_id), (SELECT count(*) FROM log_leaves), (SELECT count(*) FROM audit_search)`).Scan(&behind, &leaves, &rows)
			if err != nil {
				t.Fatal(err)
			}
			if behind == 0 && rows == leaves {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("indexer: %d entries behind, %d rows for %d leaves", behind, rows, leaves)
			}
			time.Sleep(50 * time.Millisecond)
		}
		if got := search(t, s, f.admin, &f.tenantID, "r07"); got.resources() != "r07" || got.TotalCount != 1 {
			t.Errorf("backfilled: %q (%d)", got.resources(), got.TotalCount)
		}
	}, searchIndexOff)
}

// TestSearchCountCapped: a search counts at most 1 000 entries and says so;
// a read without a search counts them all.
func TestSearchCountCapped(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		f := newFixture(t, s, "acme")
		at := time.Now().Add(-time.Hour).UTC().Truncate(time.Second).Format(time.RFC3339)
		for b := range 2 {
			batch := make([]map[string]any, 501)
			for i := range batch {
				batch[i] = entry("bulk.import", "resourceID", fmt.Sprintf("b%d-%03d", b, i), "occurredAt", at,
					"actor", map[string]any{"type": "SYSTEM", "id": "importer"})
			}
			mustRecord(t, s, f.ingest, f.tenantID, batch...)
		}
		mustRecord(t, s, f.ingest, f.tenantID, entry("bulk.export", "resourceID", "one", "occurredAt", at,
			"actor", map[string]any{"type": "SYSTEM", "id": "exporter"}))

		if got := search(t, s, f.admin, &f.tenantID, "import"); got.TotalCount != 1000 || !got.TotalCountCapped || len(got.Edges) != 50 {
			t.Errorf("common text: totalCount %d, capped %v, %d edges; want 1000, true, 50", got.TotalCount, got.TotalCountCapped, len(got.Edges))
		}
		if got := search(t, s, f.admin, &f.tenantID, "bulk.export"); got.TotalCount != 1 || got.TotalCountCapped {
			t.Errorf("rare text: totalCount %d, capped %v; want 1, false", got.TotalCount, got.TotalCountCapped)
		}
		if got := search(t, s, f.admin, &f.tenantID, " "); got.TotalCount != 1003 || got.TotalCountCapped {
			t.Errorf("blank search: totalCount %d, capped %v; want 1003, false", got.TotalCount, got.TotalCountCapped)
		}
		var out struct {
			AuditEntries struct {
				TotalCountCapped bool
				Edges            []struct{ Node struct{ ID string } }
			}
		}
		s.GraphQL(t, f.admin, `query($t: ID) { auditEntries(tenantID: $t, search: "bulk", first: 1) { totalCountCapped edges { node { id } } } }`,
			map[string]any{"t": f.tenantID}).NoErrors(t).Decode(t, &out)
		if !out.AuditEntries.TotalCountCapped || len(out.AuditEntries.Edges) != 1 {
			t.Errorf("totalCountCapped alone: %+v", out.AuditEntries)
		}
	})
}

// TestSearchCommonText: a text with more candidates than the index hands
// out (audit.MaxSearchCandidates) runs the plain scan — indexed or not,
// the first page is the newest matches and the count stops at the cap.
func TestSearchCommonText(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		ctx := context.Background()
		f := newFixture(t, s, "acme")
		_, memberTok := s.Member(t, f.tenantID, schematype.RoleMember, nil)
		base := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
		n := audit.MaxSearchCandidates + 5
		for start := 0; start < n; start += 1000 {
			batch := make([]map[string]any, 0, 1000)
			for i := start; i < min(n, start+1000); i++ {
				batch = append(batch, entry("bulk.import", "resourceID", fmt.Sprintf("r%05d", i),
					"occurredAt", base.Add(time.Duration(i)*time.Second).Format(time.RFC3339)))
			}
			mustRecord(t, s, f.ingest, f.tenantID, batch...)
		}
		check := func(state string) {
			t.Helper()
			got := search(t, s, f.admin, &f.tenantID, "LK.IMP")
			if got.TotalCount != 1000 || !got.TotalCountCapped || len(got.Edges) != 50 ||
				*got.Edges[0].Node.ResourceID != fmt.Sprintf("r%05d", n-1) || *got.Edges[49].Node.ResourceID != fmt.Sprintf("r%05d", n-50) {
				t.Errorf("%s: totalCount %d, capped %v, %d edges, first %q", state, got.TotalCount, got.TotalCountCapped,
					len(got.Edges), got.resources()[:min(20, len(got.resources()))])
			}
			if got := search(t, s, f.admin, &f.tenantID, "r00042"); got.resources() != "r00042" || got.TotalCount != 1 {
				t.Errorf("%s: a rare text among them: %q (%d)", state, got.resources(), got.TotalCount)
			}
			// Counted from the search index (a tenant and a search alone).
			got = searchAll(t, s, f.admin, &f.tenantID, "LK.IMP")
			if got.TotalCount != 1000 || !got.TotalCountCapped || len(got.Edges) != 50 ||
				*got.Edges[0].Node.ResourceID != fmt.Sprintf("r%05d", n-1) {
				t.Errorf("%s, from the index: totalCount %d, capped %v, %d edges, first %q", state, got.TotalCount,
					got.TotalCountCapped, len(got.Edges), got.resources()[:min(20, len(got.resources()))])
			}
			// A MEMBER acted in none of them: nothing listed or counted,
			// though the index holds the tenant's matches.
			if got := searchAll(t, s, memberTok, &f.tenantID, "LK.IMP"); got.TotalCount != 0 || len(got.Edges) != 0 {
				t.Errorf("%s, member: totalCount %d, %d edges", state, got.TotalCount, len(got.Edges))
			}
		}
		check("not indexed")
		if err := s.App.Ledger.SyncAll(ctx); err != nil {
			t.Fatal(err)
		}
		if err := s.App.Search.Pass(ctx); err != nil {
			t.Fatal(err)
		}
		check("indexed")
	}, searchIndexOff)
}

// TestSearchCommonSample: on PostgreSQL a text common in the searched log
// is found so in the search index's sample (the rows whose entry id ends
// in '0', one in 32): totalCount is the cap, flagged as estimated, and the
// page is still the exact newest matches. The sample decides nothing for
// a text with fewer than 1 000 matches (999 here: counted exactly), for a
// query the index cannot count alone (a filter, a MEMBER's rule: those
// count their entries), for another tenant, or on SQLite (no sample).
func TestSearchCommonSample(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		ctx := context.Background()
		f := newFixture(t, s, "acme")
		g := newFixture(t, s, "globex")
		_, memberTok := s.Member(t, f.tenantID, schematype.RoleMember, nil)
		base := time.Now().Add(-2 * time.Hour).UTC().Truncate(time.Second)
		// 5 000 entries hold "bulk.import" (about 156 of them in the
		// sample; fewer than 80 has a chance below 1e-11), 999 of them
		// also "batch-7"; every entry "export" in globex's log.
		const common, some = 5000, 999
		for start := 0; start < common; start += 1000 {
			batch := make([]map[string]any, 0, 1000)
			for i := start; i < start+1000; i++ {
				id := fmt.Sprintf("r%05d", i)
				if i >= common-some {
					id = fmt.Sprintf("batch-7-%05d", i)
				}
				batch = append(batch, entry("bulk.import", "resourceID", id,
					"occurredAt", base.Add(time.Duration(i)*time.Second).Format(time.RFC3339)))
			}
			mustRecord(t, s, f.ingest, f.tenantID, batch...)
			for i := range batch {
				batch[i]["action"] = "bulk.export"
			}
			mustRecord(t, s, g.ingest, g.tenantID, batch...)
		}
		if err := s.App.Ledger.SyncAll(ctx); err != nil {
			t.Fatal(err)
		}
		if err := s.App.Search.Pass(ctx); err != nil {
			t.Fatal(err)
		}
		sampled := s.DB.Dialect == dialect.Postgres
		newest := fmt.Sprintf("batch-7-%05d", common-1)

		got := searchAll(t, s, f.admin, &f.tenantID, "LK.IMP")
		if got.TotalCount != 1000 || !got.TotalCountCapped || got.TotalCountEstimated != sampled ||
			len(got.Edges) != 50 || *got.Edges[0].Node.ResourceID != newest ||
			*got.Edges[49].Node.ResourceID != fmt.Sprintf("batch-7-%05d", common-50) {
			t.Errorf("common text: totalCount %d, capped %v, estimated %v (want %v), %d edges, first %q", got.TotalCount,
				got.TotalCountCapped, got.TotalCountEstimated, sampled, len(got.Edges), got.resources()[:min(30, len(got.resources()))])
		}
		// 999 matches: counted, whatever the sample holds of them.
		if got := searchAll(t, s, f.admin, &f.tenantID, "batch-7"); got.TotalCount != some || got.TotalCountCapped ||
			got.TotalCountEstimated || *got.Edges[0].Node.ResourceID != newest {
			t.Errorf("999 matches: totalCount %d, capped %v, estimated %v", got.TotalCount, got.TotalCountCapped, got.TotalCountEstimated)
		}
		// A filter: the entries are counted (to the cap), not estimated.
		if got := search(t, s, f.admin, &f.tenantID, "LK.IMP"); got.TotalCount != 1000 || !got.TotalCountCapped ||
			got.TotalCountEstimated || *got.Edges[0].Node.ResourceID != newest {
			t.Errorf("with a filter: totalCount %d, capped %v, estimated %v", got.TotalCount, got.TotalCountCapped, got.TotalCountEstimated)
		}
		// A MEMBER acted in none of them: nothing, though the sample holds
		// the tenant's matches.
		if got := searchAll(t, s, memberTok, &f.tenantID, "LK.IMP"); got.TotalCount != 0 || got.TotalCountEstimated || len(got.Edges) != 0 {
			t.Errorf("member: totalCount %d, estimated %v, %d edges", got.TotalCount, got.TotalCountEstimated, len(got.Edges))
		}
		// Another tenant: common in globex's log, absent from acme's.
		if got := searchAll(t, s, f.admin, &f.tenantID, "export"); got.TotalCount != 0 || got.TotalCountEstimated || len(got.Edges) != 0 {
			t.Errorf("another tenant's text: totalCount %d, estimated %v", got.TotalCount, got.TotalCountEstimated)
		}
		if got := searchAll(t, s, g.admin, &g.tenantID, "export"); got.TotalCount != 1000 || got.TotalCountEstimated != sampled {
			t.Errorf("globex: totalCount %d, estimated %v", got.TotalCount, got.TotalCountEstimated)
		}
		// totalCountEstimated alone runs the count (and the fast page
		// writes it, as gqlgen would).
		var out struct {
			AuditEntries struct{ TotalCountEstimated bool }
		}
		s.GraphQL(t, f.admin, `query($t: ID) { auditEntries(tenantID: $t, search: "bulk.import") { totalCountEstimated } }`,
			map[string]any{"t": f.tenantID}).NoErrors(t).Decode(t, &out)
		if out.AuditEntries.TotalCountEstimated != sampled {
			t.Errorf("totalCountEstimated alone: %v, want %v", out.AuditEntries.TotalCountEstimated, sampled)
		}
	}, searchIndexOff)
}

// searchAllQuery is searchQuery without its where: a tenant and a search
// alone, which the search index counts (audit.IndexedCount).
const searchAllQuery = `query($t: ID, $search: String) {
  auditEntries(tenantID: $t, search: $search, first: 50) {
    totalCount
    totalCountCapped
    totalCountEstimated
    edges { node { resourceID } }
  }
}`

func searchAll(t *testing.T, s *testserver.Server, token string, tenantID *string, text string) searched {
	t.Helper()
	var out struct{ AuditEntries searched }
	s.GraphQL(t, token, searchAllQuery, map[string]any{"t": tenantID, "search": text}).NoErrors(t).Decode(t, &out)
	return out.AuditEntries
}

// TestSearchCountFromIndex: with a tenant and a search alone, totalCount
// comes from the search index (audit.IndexedCount). It must be what the
// entries' columns give (searchQuery's where makes the same search count
// the entries: the differential) in every state of the index — entries
// not numbered, numbered and not indexed, indexed, indexed with a tail —
// and never count another tenant's matches, a MEMBER's unseen entries
// (their privacy rule narrows the query, so the index does not count it),
// or a text that spans two columns of the indexed text.
func TestSearchCountFromIndex(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		ctx := context.Background()
		f := newFixture(t, s, "acme")
		g := newFixture(t, s, "globex")
		member, memberTok := s.Member(t, f.tenantID, schematype.RoleMember, nil)
		at := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
		var corpus []map[string]any // acme's, oldest first
		n := 0
		add := func(count int) {
			for range count {
				actor := map[string]any{"type": "SYSTEM", "id": "sweeper"}
				if n%3 == 0 {
					actor = map[string]any{"type": "USER", "id": member.ID}
				}
				name := "Haystack"
				if n%2 == 0 {
					name = fmt.Sprintf("Needle %d", n)
				}
				e := entry("barn.search", "resourceID", fmt.Sprintf("nd-%02d", n), "resourceName", name, "actor", actor,
					"occurredAt", at.Add(time.Duration(n)*time.Second).Format(time.RFC3339))
				corpus = append(corpus, e)
				mustRecord(t, s, f.ingest, f.tenantID, e)
				mustRecord(t, s, g.ingest, g.tenantID, entry("barn.search", "resourceID", fmt.Sprintf("g-%02d", n),
					"resourceName", "needle in globex", "occurredAt", at.Format(time.RFC3339)))
				n++
			}
		}
		check := func(state string) {
			t.Helper()
			for _, text := range []string{"NEEDLE", "eedle 1", "nd-0", "haystack", "barn.s", "needle in", "nd-02\nneedle"} {
				var want, mine []string
				for i := len(corpus) - 1; i >= 0; i-- {
					if matchesSearch(corpus[i], text) {
						want = append(want, corpus[i]["resourceID"].(string))
						if corpus[i]["actor"].(map[string]any)["id"] == member.ID {
							mine = append(mine, corpus[i]["resourceID"].(string))
						}
					}
				}
				for _, c := range []struct {
					name string
					got  searched
					want []string
				}{
					{"from the index", searchAll(t, s, f.admin, &f.tenantID, text), want},
					{"from the entries", search(t, s, f.admin, &f.tenantID, text), want},
					{"member", searchAll(t, s, memberTok, &f.tenantID, text), mine},
				} {
					if c.got.resources() != strings.Join(c.want, ",") || c.got.TotalCount != len(c.want) || c.got.TotalCountCapped {
						t.Errorf("%s, %s: search %q got %q (totalCount %d, capped %v), want %q", state, c.name, text,
							c.got.resources(), c.got.TotalCount, c.got.TotalCountCapped, strings.Join(c.want, ","))
					}
				}
			}
		}
		add(5)
		check("nothing numbered")
		if err := s.App.Ledger.SyncAll(ctx); err != nil {
			t.Fatal(err)
		}
		check("numbered, not indexed")
		if err := s.App.Search.Pass(ctx); err != nil {
			t.Fatal(err)
		}
		check("indexed")
		add(4)
		check("indexed and a tail")
		if err := s.App.Ledger.SyncAll(ctx); err != nil {
			t.Fatal(err)
		}
		check("indexed and a numbered tail")
		if err := s.App.Search.Pass(ctx); err != nil {
			t.Fatal(err)
		}
		check("all indexed")
	}, searchIndexOff)
}
