package graph_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/testserver"
)

const searchQuery = `query($t: ID, $search: String) {
  auditEntries(tenantID: $t, search: $search, first: 50,
      where: { actionNEQ: "audit_log.view" }) {
    totalCount
    totalCountCapped
    edges { node { resourceID } }
  }
}`

type searched struct {
	TotalCount       int
	TotalCountCapped bool
	Edges            []struct{ Node struct{ ResourceID *string } }
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

// TestSearchWordStart covers search through the word indexes of both
// dialects (docs/api.md "search"): a match starts a word, case does not
// matter, only the searched columns count, a MEMBER finds only their own
// entries and a tenant's search never counts another tenant's entries.
func TestSearchWordStart(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		f := newFixture(t, s, "acme")
		g := newFixture(t, s, "globex")
		long := strings.Repeat("a", 60) + strings.Repeat("b", 90)
		member, memberTok := s.Member(t, f.tenantID, schematype.RoleMember, nil)
		at := time.Now().Add(-time.Hour).UTC().Truncate(time.Second).Format(time.RFC3339)
		mustRecord(t, s, f.ingest, f.tenantID,
			entry("invoice.paid", "resourceID", "inv-2024-0001", "resourceName", "Pipeline 12 nightly",
				"workspace", "Zürich-Office", "occurredAt", at,
				"actor", map[string]any{"type": "USER", "id": member.ID, "name": "Grace Hopper", "email": "grace@navy.mil"},
				"metadata", map[string]any{"note": "quasar"}, "newValue", map[string]any{"plan": "nebula"}),
			entry("member.add", "resourceID", "other", "occurredAt", at,
				"actor", map[string]any{"type": "USER", "id": "u-zebra", "name": "Zebra Crossing"}),
			// A word longer than the 100 characters PostgreSQL indexes.
			entry("doc.write", "resourceID", "long", "resourceName", "x "+long, "occurredAt", at,
				"actor", map[string]any{"type": "SYSTEM", "id": "writer"}))
		mustRecord(t, s, g.ingest, g.tenantID,
			entry("invoice.paid", "resourceID", "globex-1", "occurredAt", at,
				"actor", map[string]any{"type": "USER", "id": "u-g", "name": "Grace Hopper"}))

		tests := []struct {
			name, text, want string
		}{
			{"a word, any case", "HOPPER", "inv-2024-0001"},
			{"a word's start", "hop", "inv-2024-0001"},
			{"not inside a word", "opper", ""},
			{"two words, the last a prefix", "pipeline 1", "inv-2024-0001"},
			{"two words, not from inside a word", "line 12", ""},
			{"two words in another order", "12 pipeline", ""},
			{"words of two columns do not join", "nightly zürich", ""},
			{"punctuation is part of the text", "navy.mil", "inv-2024-0001"},
			{"punctuation must match", "navy mil", ""},
			{"a text starting with a separator matches anywhere", "-2024", "inv-2024-0001"},
			{"non-ASCII letters are word characters", "zürich", "inv-2024-0001"},
			{"after a hyphen", "office", "inv-2024-0001"},
			{"a literal GLOB or regexp character", "pipeline*", ""},
			{"metadata is not searched", "quasar", ""},
			{"values are not searched", "nebula", ""},
			{"action", "paid", "inv-2024-0001"},
			{"another actor", "zebra", "other"},
			{"a long word's start, beyond what is indexed", long[:120], "long"},
			{"a long word", long, "long"},
			{"a long word, then more", long + "c", ""},
			{"a long word, then another", long + " x", ""},
		}
		for _, tt := range tests {
			got := search(t, s, f.admin, &f.tenantID, tt.text)
			n := 0
			if tt.want != "" {
				n = 1
			}
			if got.resources() != tt.want || got.TotalCount != n || got.TotalCountCapped {
				t.Errorf("%s: search %q got %q (totalCount %d, capped %v), want %q", tt.name, tt.text,
					got.resources(), got.TotalCount, got.TotalCountCapped, tt.want)
			}
		}

		// Across the tenants a key may read (its own) and the other
		// tenant's own view: never the other tenant's entries.
		if got := search(t, s, f.reader, nil, "grace"); got.resources() != "inv-2024-0001" || got.TotalCount != 1 {
			t.Errorf("acme key without tenantID: got %q (%d)", got.resources(), got.TotalCount)
		}
		if got := search(t, s, g.admin, &g.tenantID, "grace"); got.resources() != "globex-1" || got.TotalCount != 1 {
			t.Errorf("globex admin: got %q (%d)", got.resources(), got.TotalCount)
		}
		if got := search(t, s, g.admin, &f.tenantID, "grace"); got.TotalCount != 0 || len(got.Edges) != 0 {
			t.Errorf("globex admin reading acme: got %q (%d)", got.resources(), got.TotalCount)
		}

		// A MEMBER sees only entries they acted in: another actor's
		// entry is neither listed nor counted.
		if got := search(t, s, memberTok, &f.tenantID, "zebra"); got.TotalCount != 0 || len(got.Edges) != 0 {
			t.Errorf("member, another actor's entry: got %q (%d)", got.resources(), got.TotalCount)
		}
		if got := search(t, s, memberTok, &f.tenantID, "hopper"); got.resources() != "inv-2024-0001" || got.TotalCount != 1 {
			t.Errorf("member, own entry: got %q (%d)", got.resources(), got.TotalCount)
		}
		// A text without words uses no index: only the exact check, which
		// must stay inside the privacy rules (every entry holds a ".").
		for _, tenantID := range []*string{&f.tenantID, nil} {
			if got := search(t, s, memberTok, tenantID, "."); got.resources() != "inv-2024-0001" || got.TotalCount != 1 {
				t.Errorf("member, a text of punctuation (tenantID %v): got %q (%d)", tenantID != nil, got.resources(), got.TotalCount)
			}
			if got := search(t, s, g.admin, tenantID, "."); got.resources() != "" && got.resources() != "globex-1" {
				t.Errorf("globex admin, a text of punctuation (tenantID %v): got %q (%d)", tenantID != nil, got.resources(), got.TotalCount)
			}
		}
	})
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
