package graph_test

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/app"
	"github.com/trailmark/trailmark/internal/testserver"
)

// slowLedger keeps the sequencer from running during a test (one pass at
// start, then hourly): the test sequences and signs with Pass and SyncAll.
func slowLedger(c *app.Config) {
	c.Ledger.MergeDelay = 2 * time.Hour
	c.Ledger.CheckpointEvery = time.Hour
}

type integrityEntry struct {
	ID             string
	Seq            *int64
	InclusionProof *proofJSON
}

func entryProofs(t *testing.T, s *testserver.Server, tok string, ids []string, treeSize *int) []integrityEntry {
	t.Helper()
	res := s.GraphQL(t, tok, `query($ids: [ID!]!, $n: Int) { nodes(ids: $ids) { ... on AuditEntry {
	  id seq inclusionProof(treeSize: $n) { leafIndex treeSize rootHash hashes checkpointNote legacyHash } } } }`, map[string]any{"ids": ids, "n": treeSize}).NoErrors(t)
	var d struct{ Nodes []integrityEntry }
	res.Decode(t, &d)
	return d.Nodes
}

func fieldOf(res *testserver.Response) string {
	for _, e := range res.Errors {
		if f, ok := e.Extensions["field"].(string); ok {
			return f
		}
	}
	return ""
}

// TestIntegritySequencing: seq and proofs are null until the entry is
// sequenced and a checkpoint covers it; checkpoint and consistencyProof are
// null while the log has none; bad sizes are BAD_USER_INPUT naming the
// argument.
func TestIntegritySequencing(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		ctx := context.Background()
		l := s.App.Ledger
		// slowLedger's one pass at start may come after the entries below
		// are recorded when the machine is loaded, and number them (seen in
		// CI): stop the loop, so that only this test's SyncAll sequences.
		if err := l.Stop(ctx); err != nil {
			t.Fatal(err)
		}
		tenant := s.CreateTenant(t, "seq")
		_, tok := s.Member(t, tenant.ID, schematype.RoleAuditor, nil)
		_, member := s.Member(t, tenant.ID, schematype.RoleMember, nil)
		vars := map[string]any{"t": tenant.ID}
		logQ := `query($t: ID) { checkpoint(tenantID: $t) { treeSize } consistencyProof(tenantID: $t, fromSize: 1) { toSize }
		  checkpoints(tenantID: $t) { totalCount edges { cursor } pageInfo { hasNextPage hasPreviousPage } } }`

		res := s.GraphQL(t, tok, logQ, vars).NoErrors(t)
		if want := `{"data":{"checkpoint":null,"consistencyProof":null,"checkpoints":{"totalCount":0,"edges":null,"pageInfo":{"hasNextPage":false,"hasPreviousPage":false}}}}`; string(res.Body) != want {
			t.Fatalf("a log without checkpoints:\n got %s\nwant %s", res.Body, want)
		}

		var ids []string
		for _, e := range s.RecordEntries(t, testserver.Entry(&tenant.ID, "s.a", time.Time{}), testserver.Entry(&tenant.ID, "s.b", time.Time{}),
			testserver.Entry(&tenant.ID, "s.c", time.Time{})) {
			ids = append(ids, e.ID)
		}
		for _, e := range entryProofs(t, s, tok, ids, nil) {
			if e.Seq != nil || e.InclusionProof != nil {
				t.Fatalf("unsequenced entry %s has seq %v, proof %+v", e.ID, e.Seq, e.InclusionProof)
			}
		}
		if err := l.SyncAll(ctx); err != nil {
			t.Fatal(err)
		}
		seen := map[int64]bool{}
		for _, e := range entryProofs(t, s, tok, ids, nil) {
			if e.Seq == nil || *e.Seq < 0 || *e.Seq > 2 || seen[*e.Seq] || e.InclusionProof == nil || e.InclusionProof.TreeSize != 3 {
				t.Fatalf("after a sync: %s seq %v proof %+v", e.ID, e.Seq, e.InclusionProof)
			}
			seen[*e.Seq] = true
			// The proof carries the signed checkpoint of its size, so whoever
			// may read the entry can check the root's signature.
			p := e.InclusionProof
			if p.LegacyHash || p.CheckpointNote == nil {
				t.Fatalf("proof of %s: legacy %v, note %v", e.ID, p.LegacyHash, p.CheckpointNote)
			}
			v, err := note.NewVerifier(l.VerifierKey())
			if err != nil {
				t.Fatal(err)
			}
			n, err := note.Open([]byte(*p.CheckpointNote), note.VerifierList(v))
			if err != nil {
				t.Fatalf("the proof's checkpoint note: %v", err)
			}
			lines := strings.Split(n.Text, "\n")
			root, _ := hex.DecodeString(p.RootHash)
			if len(lines) < 3 || lines[1] != "3" || lines[2] != base64.StdEncoding.EncodeToString(root) {
				t.Fatalf("the proof's checkpoint %q is not of its tree (3, %s)", n.Text, p.RootHash)
			}
		}

		// Two more, sequenced but not yet in a checkpoint (the last is
		// younger than CheckpointEvery): seq, but no proof by default; a
		// proof in the unsigned tree when asked for its size.
		var more []string
		for _, e := range s.RecordEntries(t, testserver.Entry(&tenant.ID, "s.d", time.Time{}), testserver.Entry(&tenant.ID, "s.e", time.Time{})) {
			more = append(more, e.ID)
		}
		if err := l.Pass(ctx); err != nil {
			t.Fatal(err)
		}
		for _, e := range entryProofs(t, s, tok, more, nil) {
			if e.Seq == nil || *e.Seq < 3 || e.InclusionProof != nil {
				t.Fatalf("sequenced, not signed: %s seq %v proof %+v", e.ID, e.Seq, e.InclusionProof)
			}
		}
		five := 5
		for _, e := range entryProofs(t, s, tok, append(ids, more...), &five) {
			if e.InclusionProof == nil || e.InclusionProof.TreeSize != 5 || e.InclusionProof.LeafIndex != *e.Seq ||
				e.InclusionProof.CheckpointNote != nil {
				t.Fatalf("proof in the unsigned tree of 5: %s %+v", e.ID, e.InclusionProof)
			}
		}
		// The leaves a log started with (entries from before tamper
		// evidence) say that their hash is the legacy form.
		if _, err := s.DB.SQL.Exec(`UPDATE log_heads SET legacy_size = 2 WHERE log_id = '` + tenant.ID + `'`); err != nil {
			t.Fatal(err)
		}
		for _, e := range entryProofs(t, s, tok, append(ids, more...), &five) {
			if e.InclusionProof.LegacyHash != (*e.Seq < 2) {
				t.Fatalf("seq %d: legacyHash %v with a legacy size of 2", *e.Seq, e.InclusionProof.LegacyHash)
			}
		}
		if _, err := s.DB.SQL.Exec(`UPDATE log_heads SET legacy_size = 0 WHERE log_id = '` + tenant.ID + `'`); err != nil {
			t.Fatal(err)
		}
		// A tree too small to hold the entry: no proof, no error.
		three := 3
		for _, e := range entryProofs(t, s, tok, more, &three) {
			if e.InclusionProof != nil {
				t.Fatalf("proof of seq %d in the tree of 3: %+v", *e.Seq, e.InclusionProof)
			}
		}
		// A MEMBER reads no one else's entries, so no proof of them either.
		res = s.GraphQL(t, member, `query($ids: [ID!]!) { nodes(ids: $ids) { ... on AuditEntry { seq inclusionProof { hashes } } } }`,
			map[string]any{"ids": ids}).NoErrors(t)
		if string(res.Body) != `{"data":{"nodes":[null,null,null]}}` {
			t.Fatalf("MEMBER reads others' proofs: %s", res.Body)
		}

		for _, c := range []struct {
			q     string
			vars  map[string]any
			field string
		}{
			{`query($id: ID!) { node(id: $id) { ... on AuditEntry { inclusionProof(treeSize: 6) { treeSize } } } }`, map[string]any{"id": ids[0]}, "treeSize"},
			{`query($id: ID!) { node(id: $id) { ... on AuditEntry { inclusionProof(treeSize: -1) { treeSize } } } }`, map[string]any{"id": ids[0]}, "treeSize"},
			{`query($t: ID) { consistencyProof(tenantID: $t, fromSize: 0) { toSize } }`, vars, "fromSize"},
			{`query($t: ID) { consistencyProof(tenantID: $t, fromSize: 4) { toSize } }`, vars, "fromSize"}, // past the checkpoint of 3
			{`query($t: ID) { consistencyProof(tenantID: $t, fromSize: 2, toSize: 1) { toSize } }`, vars, "toSize"},
			{`query($t: ID) { consistencyProof(tenantID: $t, fromSize: 2, toSize: 6) { toSize } }`, vars, "toSize"},
			{`query($t: ID) { checkpoint(tenantID: $t, platform: true) { treeSize } }`, vars, "platform"},
			{`query($t: ID) { checkpoint(tenantID: $t) { treeSize } }`, map[string]any{"t": ids[0]}, "tenantID"},
		} {
			res := s.GraphQL(t, tok, c.q, c.vars)
			if !res.HasCode("BAD_USER_INPUT") || fieldOf(res) != c.field {
				t.Fatalf("%s %v: want BAD_USER_INPUT on %s: %s", c.q, c.vars, c.field, res.Body)
			}
		}
		// Within the stored tree, a consistency proof may end past the latest checkpoint.
		res = s.GraphQL(t, tok, `query($t: ID) { consistencyProof(tenantID: $t, fromSize: 3, toSize: 5) { fromSize toSize } }`, vars).NoErrors(t)
		if !strings.Contains(string(res.Body), `"fromSize":3,"toSize":5`) {
			t.Fatalf("consistency 3 → 5: %s", res.Body)
		}
	}, slowLedger)
}

// TestCheckpointsConnection pages a log's checkpoints newest first, forwards
// and backwards, with cursors by tree size.
func TestCheckpointsConnection(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		tenant := s.CreateTenant(t, "pages")
		tok, _ := s.APIKey(t, tenant.ID, schematype.ScopeRead)
		for i := range 5 {
			s.RecordEntries(t, testserver.Entry(&tenant.ID, fmt.Sprintf("p.%d", i), time.Time{}))
			if err := s.App.Ledger.SyncAll(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		type page struct {
			Checkpoints struct {
				TotalCount int
				Edges      []struct {
					Cursor string
					Node   struct{ TreeSize int }
				}
				PageInfo struct {
					HasNextPage, HasPreviousPage bool
					StartCursor, EndCursor       *string
				}
			}
		}
		get := func(args string, vars map[string]any) (sizes []int, p page) {
			t.Helper()
			if vars == nil {
				vars = map[string]any{}
			}
			decl, call := "", ""
			for _, v := range []string{"a", "b"} {
				if _, ok := vars[v]; ok {
					decl += "$" + v + ": Cursor "
				}
			}
			if decl != "" {
				decl = "(" + decl + ")"
			}
			if args != "" {
				call = "(" + args + ")"
			}
			res := s.GraphQL(t, tok, `query`+decl+` { checkpoints`+call+` {
			  totalCount edges { cursor node { treeSize } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`, vars).NoErrors(t)
			res.Decode(t, &p)
			for _, e := range p.Checkpoints.Edges {
				sizes = append(sizes, e.Node.TreeSize)
			}
			if p.Checkpoints.TotalCount != 5 {
				t.Fatalf("totalCount %d, want 5", p.Checkpoints.TotalCount)
			}
			return sizes, p
		}
		eq := func(got []int, want ...int) {
			t.Helper()
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("sizes %v, want %v", got, want)
			}
		}
		all, _ := get("", nil) // no tenantID: the key's tenant
		eq(all, 5, 4, 3, 2, 1)
		got, p := get("first: 2", nil)
		eq(got, 5, 4)
		if !p.Checkpoints.PageInfo.HasNextPage {
			t.Fatal("first page: hasNextPage false")
		}
		got, p = get("first: 2, after: $a", map[string]any{"a": *p.Checkpoints.PageInfo.EndCursor})
		eq(got, 3, 2)
		got, p = get("first: 2, after: $a", map[string]any{"a": *p.Checkpoints.PageInfo.EndCursor})
		eq(got, 1)
		if p.Checkpoints.PageInfo.HasNextPage {
			t.Fatal("last page: hasNextPage true")
		}
		got, p = get("last: 2", nil)
		eq(got, 2, 1)
		if !p.Checkpoints.PageInfo.HasPreviousPage {
			t.Fatal("last: hasPreviousPage false")
		}
		got, _ = get("last: 2, before: $b", map[string]any{"b": *p.Checkpoints.PageInfo.StartCursor})
		eq(got, 4, 3)
		got, _ = get("first: 10, after: $a, before: $b", map[string]any{"a": *p.Checkpoints.PageInfo.StartCursor, "b": *p.Checkpoints.PageInfo.StartCursor})
		eq(got)
		res := s.GraphQL(t, tok, `{ checkpoints(first: 1001) { totalCount } }`, nil)
		if !res.HasCode("BAD_USER_INPUT") || fieldOf(res) != "first" {
			t.Fatalf("first: 1001: %s", res.Body)
		}
	})
}
