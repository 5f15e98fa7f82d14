// Package verifytest checks Trailmark's tamper evidence as a third party
// would: it talks to a real server over HTTP GraphQL and verifies the
// checkpoints' signatures, entries' inclusion proofs and consistency proofs
// with only the standard library and golang.org/x/mod/sumdb/{tlog,note}.
// No product package is used but to start the server, make credentials and
// wait (testwait).
package verifytest

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/testserver"
	"github.com/trailmark/trailmark/internal/testwait"
)

// client is a minimal GraphQL-over-HTTP client.
type client struct {
	url, token string
}

type gqlError struct {
	Message    string
	Extensions struct{ Code string }
}

func (c client) do(t *testing.T, query string, vars map[string]any, out any) []gqlError {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequest(http.MethodPost, c.url+"/graphql", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var r struct {
		Data   json.RawMessage
		Errors []gqlError
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	if out != nil && len(r.Data) > 0 {
		if err := json.Unmarshal(r.Data, out); err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
	}
	return r.Errors
}

func (c client) must(t *testing.T, query string, vars map[string]any, out any) {
	t.Helper()
	if errs := c.do(t, query, vars, out); len(errs) > 0 {
		t.Fatalf("%s: %+v", query, errs)
	}
}

type checkpoint struct {
	Origin, RootHash, Note string
	TreeSize               int64
}

type inclusionProof struct {
	LeafIndex, TreeSize int64
	RootHash            string
	Hashes              []string
}

type entry struct {
	ID, Action, Hash string
	Seq              *int64
	InclusionProof   *inclusionProof
}

func parseHash(t *testing.T, h string) tlog.Hash {
	t.Helper()
	b, err := hex.DecodeString(h)
	if err != nil || len(b) != tlog.HashSize || h != strings.ToLower(h) {
		t.Fatalf("not a lowercase hex SHA-256: %q", h)
	}
	var x tlog.Hash
	copy(x[:], b)
	return x
}

func parseHashes(t *testing.T, hs []string) []tlog.Hash {
	out := make([]tlog.Hash, len(hs))
	for i, h := range hs {
		out[i] = parseHash(t, h)
	}
	return out
}

// openCheckpoint checks the note's signature with the verifier key and
// parses the C2SP checkpoint body: origin, tree size, base64 root hash.
func openCheckpoint(vkey string, cp checkpoint) (tlog.Tree, error) {
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return tlog.Tree{}, err
	}
	n, err := note.Open([]byte(cp.Note), note.VerifierList(v))
	if err != nil {
		return tlog.Tree{}, err
	}
	lines := strings.Split(n.Text, "\n")
	if len(lines) < 4 || lines[len(lines)-1] != "" {
		return tlog.Tree{}, fmt.Errorf("checkpoint body %q: want origin, size, root", n.Text)
	}
	if lines[0] != cp.Origin {
		return tlog.Tree{}, fmt.Errorf("signed origin %q, API says %q", lines[0], cp.Origin)
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size != cp.TreeSize {
		return tlog.Tree{}, fmt.Errorf("signed size %q, API says %d", lines[1], cp.TreeSize)
	}
	root, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(root) != tlog.HashSize || hex.EncodeToString(root) != cp.RootHash {
		return tlog.Tree{}, fmt.Errorf("signed root %q, API says %s", lines[2], cp.RootHash)
	}
	var h tlog.Hash
	copy(h[:], root)
	return tlog.Tree{N: size, Hash: h}, nil
}

// checkInclusion verifies an entry's proof against a signed tree: the leaf
// is the 32 raw bytes of the entry's content hash.
func checkInclusion(t *testing.T, e entry, tree tlog.Tree) error {
	p := e.InclusionProof
	if p == nil || e.Seq == nil {
		return fmt.Errorf("entry %s: no seq or proof", e.ID)
	}
	if p.LeafIndex != *e.Seq || p.TreeSize != tree.N || parseHash(t, p.RootHash) != tree.Hash {
		return fmt.Errorf("entry %s: proof of leaf %d in tree %d (%s), want leaf %d in the signed tree %d", e.ID, p.LeafIndex, p.TreeSize, p.RootHash, *e.Seq, tree.N)
	}
	raw, err := hex.DecodeString(e.Hash)
	if err != nil {
		return err
	}
	return tlog.CheckRecord(parseHashes(t, p.Hashes), tree.N, tree.Hash, p.LeafIndex, tlog.RecordHash(raw))
}

// record ingests n entries and returns their IDs.
func record(t *testing.T, c client, tenantID, prefix string, n int) []string {
	var in []map[string]any
	for i := range n {
		in = append(in, map[string]any{"action": fmt.Sprintf("%s.%d", prefix, i), "resourceType": "doc", "resourceID": strconv.Itoa(i)})
	}
	var d struct {
		RecordAuditEntries struct{ Entries []struct{ ID string } }
	}
	c.must(t, `mutation($t: ID!, $e: [AuditEntryInput!]!) { recordAuditEntries(tenantID: $t, entries: $e) { entries { id } } }`,
		map[string]any{"t": tenantID, "e": in}, &d)
	var ids []string
	for _, e := range d.RecordAuditEntries.Entries {
		ids = append(ids, e.ID)
	}
	return ids
}

// waitCheckpoint waits until the log has a checkpoint of at least size
// leaves (the sequencer's merge delay and checkpoint interval).
func waitCheckpoint(t *testing.T, c client, tenantID string, size int64) checkpoint {
	t.Helper()
	var got *checkpoint
	testwait.Eventually(t, 15*time.Second, func() (bool, string) {
		var d struct{ Checkpoint *checkpoint }
		c.must(t, `query($t: ID) { checkpoint(tenantID: $t) { origin treeSize rootHash note } }`, map[string]any{"t": tenantID}, &d)
		got = d.Checkpoint
		return got != nil && got.TreeSize >= size, fmt.Sprintf("want a checkpoint of %d leaves; latest: %+v", size, got)
	})
	return *got
}

func entries(t *testing.T, c client, tenantID string, treeSize int64) []entry {
	var d struct {
		AuditEntries struct{ Edges []struct{ Node entry } }
	}
	c.must(t, `query($t: ID, $n: Int) { auditEntries(tenantID: $t, first: 1000, filter: "action like 'v.%'") {
	  edges { node { id action hash seq inclusionProof(treeSize: $n) { leafIndex treeSize rootHash hashes } } } } }`,
		map[string]any{"t": tenantID, "n": treeSize}, &d)
	var out []entry
	for _, e := range d.AuditEntries.Edges {
		out = append(out, e.Node)
	}
	return out
}

func TestIndependentVerifier(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		tenant := s.CreateTenant(t, "verified")
		tok, _ := s.APIKey(t, tenant.ID, schematype.ScopeRead, schematype.ScopeIngest)
		c := client{url: s.URL, token: tok}

		var k struct{ LogKey string }
		c.must(t, `{ logKey }`, nil, &k)
		if _, err := note.NewVerifier(k.LogKey); err != nil {
			t.Fatalf("logKey %q: %v", k.LogKey, err)
		}

		// The first signed tree and the proofs of its entries.
		first := record(t, c, tenant.ID, "v.first", 5)
		cp1 := waitCheckpoint(t, c, tenant.ID, 5)
		tree1, err := openCheckpoint(k.LogKey, cp1)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(cp1.Origin, "/"+tenant.ID) {
			t.Fatalf("origin %q does not name the tenant", cp1.Origin)
		}
		es := entries(t, c, tenant.ID, tree1.N)
		if len(es) != len(first) {
			t.Fatalf("%d entries, want %d", len(es), len(first))
		}
		seen := map[int64]bool{}
		for _, e := range es {
			if err := checkInclusion(t, e, tree1); err != nil {
				t.Fatal(err)
			}
			if seen[*e.Seq] {
				t.Fatalf("seq %d twice", *e.Seq)
			}
			seen[*e.Seq] = true
		}

		// The log grows: the new signed tree extends the first one, and the
		// old entries are in it too.
		record(t, c, tenant.ID, "v.second", 7)
		cp2 := waitCheckpoint(t, c, tenant.ID, tree1.N+7)
		tree2, err := openCheckpoint(k.LogKey, cp2)
		if err != nil {
			t.Fatal(err)
		}
		var cons struct {
			ConsistencyProof *struct {
				FromSize, ToSize int64
				Hashes           []string
			}
		}
		c.must(t, `query($t: ID, $from: Int!, $to: Int) { consistencyProof(tenantID: $t, fromSize: $from, toSize: $to) { fromSize toSize hashes } }`,
			map[string]any{"t": tenant.ID, "from": tree1.N, "to": tree2.N}, &cons)
		cp := cons.ConsistencyProof
		if cp == nil || cp.FromSize != tree1.N || cp.ToSize != tree2.N {
			t.Fatalf("consistency proof %+v, want %d → %d", cp, tree1.N, tree2.N)
		}
		proof := parseHashes(t, cp.Hashes)
		if err := tlog.CheckTree(proof, tree2.N, tree2.Hash, tree1.N, tree1.Hash); err != nil {
			t.Fatalf("consistency %d → %d: %v", tree1.N, tree2.N, err)
		}
		es = entries(t, c, tenant.ID, tree2.N)
		if len(es) != 12 {
			t.Fatalf("%d entries, want 12", len(es))
		}
		for _, e := range es {
			if err := checkInclusion(t, e, tree2); err != nil {
				t.Fatal(err)
			}
		}

		// The checks fail on what they must catch: a changed proof hash, a
		// changed entry hash, a forged root, another key, a rewritten note.
		bad := es[0]
		p := *bad.InclusionProof
		if len(p.Hashes) > 0 {
			p.Hashes = append([]string{flip(p.Hashes[0])}, p.Hashes[1:]...)
			bad.InclusionProof = &p
			if checkInclusion(t, bad, tree2) == nil {
				t.Fatal("a tampered proof verified")
			}
		}
		bad = es[1]
		bad.Hash = flip(bad.Hash)
		if checkInclusion(t, bad, tree2) == nil {
			t.Fatal("a tampered entry hash verified")
		}
		if tlog.CheckTree(proof, tree2.N, tree2.Hash, tree1.N, parseHash(t, flip(cp1.RootHash))) == nil {
			t.Fatal("a consistency proof verified a forged old root")
		}
		_, otherKey, err := note.GenerateKey(rand.Reader, "test.trailmark")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := openCheckpoint(otherKey, cp2); err == nil {
			t.Fatal("a checkpoint verified with another key")
		}
		forged := cp2
		forged.Note = strings.Replace(cp2.Note, "\n"+strconv.FormatInt(cp2.TreeSize, 10)+"\n", "\n"+strconv.FormatInt(cp2.TreeSize+1, 10)+"\n", 1)
		forged.TreeSize++
		if _, err := openCheckpoint(k.LogKey, forged); err == nil {
			t.Fatal("a rewritten checkpoint note verified")
		}

		// Every listed checkpoint is signed, newest first, and each extends
		// the one before it.
		var list struct {
			Checkpoints struct {
				TotalCount int
				Edges      []struct{ Node checkpoint }
			}
		}
		c.must(t, `query($t: ID) { checkpoints(tenantID: $t, first: 1000) { totalCount edges { node { origin treeSize rootHash note } } } }`,
			map[string]any{"t": tenant.ID}, &list)
		if list.Checkpoints.TotalCount != len(list.Checkpoints.Edges) || len(list.Checkpoints.Edges) < 2 {
			t.Fatalf("checkpoints: %+v", list.Checkpoints)
		}
		var newer *tlog.Tree
		for _, e := range list.Checkpoints.Edges {
			tr, err := openCheckpoint(k.LogKey, e.Node)
			if err != nil {
				t.Fatal(err)
			}
			if newer != nil {
				if tr.N >= newer.N {
					t.Fatalf("checkpoints not newest first: %d after %d", tr.N, newer.N)
				}
				c.must(t, `query($t: ID, $from: Int!, $to: Int) { consistencyProof(tenantID: $t, fromSize: $from, toSize: $to) { fromSize toSize hashes } }`,
					map[string]any{"t": tenant.ID, "from": tr.N, "to": newer.N}, &cons)
				if err := tlog.CheckTree(parseHashes(t, cons.ConsistencyProof.Hashes), newer.N, newer.Hash, tr.N, tr.Hash); err != nil {
					t.Fatalf("checkpoint %d → %d: %v", tr.N, newer.N, err)
				}
			}
			newer = &tr
		}
	})
}

// TestLogKeyOverHTTP: the public verifier key is the one the API gives.
func TestLogKeyOverHTTP(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		tenant := s.CreateTenant(t, "keyed")
		tok, _ := s.APIKey(t, tenant.ID, schematype.ScopeRead)
		var k struct{ LogKey string }
		client{url: s.URL, token: tok}.must(t, `{ logKey }`, nil, &k)

		res, err := http.Get(s.URL + "/.well-known/trailmark/log-key") // no credentials: public
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK || strings.TrimSpace(string(body)) != k.LogKey || k.LogKey == "" {
			t.Fatalf("GET log-key: HTTP %d %q, API logKey %q", res.StatusCode, body, k.LogKey)
		}
		if _, err := note.NewVerifier(strings.TrimSpace(string(body))); err != nil {
			t.Fatalf("log-key %q: %v", body, err)
		}

		// Anonymous callers of the API are told to sign in.
		errs := client{url: s.URL}.do(t, `{ logKey }`, nil, nil)
		if len(errs) == 0 || errs[0].Extensions.Code != "UNAUTHENTICATED" {
			t.Fatalf("anonymous logKey: %+v", errs)
		}
	})
}

// flip changes the last hex digit of h.
func flip(h string) string {
	last := h[len(h)-1]
	repl := byte('0')
	if last == '0' {
		repl = '1'
	}
	return h[:len(h)-1] + string(repl)
}
