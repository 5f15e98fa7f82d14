package graph_test

import (
	"context"
	"encoding/hex"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/trailmark/trailmark/internal/testserver"
)

// Tamper evidence in the authorization matrix (docs/api.md "Tamper
// evidence"): an entry's seq and proof follow the entry; a log's
// checkpoints and consistency proofs need a tenant-wide AUDITOR or above (or
// a READ key); the platform log's need a platform admin; a tenant the viewer
// cannot see answers NOT_FOUND exactly as a tenant that does not exist;
// logKey is for every signed-in viewer.

// readsCheckpoints is who reads acme's checkpoints.
var readsCheckpoints = map[string]bool{rPlatform: true, rOwner: true, rAdmin: true, rAuditor: true, rRead: true}

type proofJSON struct {
	LeafIndex, TreeSize int64
	RootHash            string
	Hashes              []string
	CheckpointNote      *string
	LegacyHash          bool
}

func (w *world) checkIntegrity(t *testing.T, role string) {
	if err := w.s.App.Ledger.SyncAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	w.checkEntryProofs(t, role)
	w.checkCheckpointQueries(t, role)
	w.checkForeignLogs(t, role)
	w.checkPlatformLog(t, role)

	res := w.gql(t, role, `{ logKey }`, nil)
	if refused(t, role, res) {
		return
	}
	var k struct{ LogKey string }
	res.NoErrors(t).Decode(t, &k)
	if k.LogKey != w.s.App.Ledger.VerifierKey() || !strings.HasPrefix(k.LogKey, "test.trailmark+") {
		t.Fatalf("%s: logKey %q, want %q", role, k.LogKey, w.s.App.Ledger.VerifierKey())
	}
}

// checkEntryProofs: every entry the role reads comes with its seq and a
// proof that verifies; the proof holds hashes only, never another entry's
// content hash.
func (w *world) checkEntryProofs(t *testing.T, role string) {
	res := w.gql(t, role, `query($w: AuditEntryWhereInput) { auditEntries(where: $w, first: 100) {
	  edges { node { id action hash seq inclusionProof { leafIndex treeSize rootHash hashes } } } } }`,
		map[string]any{"w": map[string]any{"actionHasPrefix": "a."}})
	if refused(t, role, res) {
		return
	}
	var p struct {
		AuditEntries struct {
			Edges []struct {
				Node struct {
					ID, Action, Hash string
					Seq              *int64
					InclusionProof   *proofJSON
				}
			}
		}
	}
	res.NoErrors(t).Decode(t, &p)
	var got []string
	for _, e := range p.AuditEntries.Edges {
		n := e.Node
		got = append(got, n.Action)
		if n.Seq == nil || n.InclusionProof == nil {
			t.Fatalf("%s: %s has no seq or proof after a sync: %s", role, n.Action, res.Body)
		}
		pr := n.InclusionProof
		if pr.LeafIndex != *n.Seq {
			t.Fatalf("%s: proof of leaf %d for seq %d", role, pr.LeafIndex, *n.Seq)
		}
		if err := checkInclusion(n.Hash, pr); err != nil {
			t.Fatalf("%s: proof of %s does not verify: %v (%s)", role, n.Action, err, res.Body)
		}
		for _, other := range w.entries {
			if other.ID != n.ID && strings.Contains(string(res.Body), other.Hash) && !contains(visibleActions[role], other.Action) {
				t.Fatalf("%s: the response carries the content hash of %s, an entry it may not read", role, other.Action)
			}
		}
	}
	if !sameSet(got, visibleActions[role]) {
		t.Fatalf("%s: proofs of %v, want %v", role, got, visibleActions[role])
	}

	// A tree size outside the tree is BAD_USER_INPUT; a tree that does not
	// hold the entry yet gives no proof.
	if len(visibleActions[role]) == 0 {
		return
	}
	e := w.entries[visibleActions[role][0]]
	res = w.gql(t, role, `query($id: ID!) { node(id: $id) { ... on AuditEntry { seq big: inclusionProof(treeSize: 1000000) { treeSize } } } }`,
		map[string]any{"id": e.ID})
	if !res.HasCode("BAD_USER_INPUT") || !strings.Contains(string(res.Body), `"big":null`) {
		t.Fatalf("%s: treeSize past the tree: %s", role, res.Body)
	}
	res = w.gql(t, role, `query($id: ID!) { node(id: $id) { ... on AuditEntry { zero: inclusionProof(treeSize: 0) { treeSize } } } }`,
		map[string]any{"id": e.ID})
	if !res.HasCode("BAD_USER_INPUT") {
		t.Fatalf("%s: treeSize 0: %s", role, res.Body)
	}
}

// checkInclusion verifies an inclusion proof of the entry whose content
// hash is contentHex, as any RFC 6962 verifier would.
func checkInclusion(contentHex string, p *proofJSON) error {
	raw, err := hex.DecodeString(contentHex)
	if err != nil {
		return err
	}
	root, err := tlog.ParseHash(hexToB64(p.RootHash))
	if err != nil {
		return err
	}
	var proof tlog.RecordProof
	for _, h := range p.Hashes {
		ph, err := tlog.ParseHash(hexToB64(h))
		if err != nil {
			return err
		}
		proof = append(proof, ph)
	}
	return tlog.CheckRecord(proof, p.TreeSize, root, p.LeafIndex, tlog.RecordHash(raw))
}

func (w *world) checkCheckpointQueries(t *testing.T, role string) {
	res := w.gql(t, role, `query($t: ID) {
	  checkpoint(tenantID: $t) { origin treeSize rootHash note createdAt }
	  checkpoints(tenantID: $t, first: 5) { totalCount edges { cursor node { treeSize } } }
	  consistencyProof(tenantID: $t, fromSize: 1) { fromSize toSize hashes } }`, map[string]any{"t": w.acme.ID})
	if refused(t, role, res) {
		return
	}
	var d struct {
		Checkpoint *struct {
			Origin, RootHash, Note string
			TreeSize               int64
		}
		Checkpoints      *struct{ TotalCount int }
		ConsistencyProof *struct {
			FromSize, ToSize int64
			Hashes           []string
		}
	}
	if !readsCheckpoints[role] {
		for _, f := range []string{"checkpoint", "checkpoints", "consistencyProof"} {
			// A key without scope does not even see its tenant.
			if !forbiddenAt(res, f) && !(role == rNoScope && codeAt(res, "NOT_FOUND", f)) {
				t.Fatalf("%s: %s must be FORBIDDEN: %s", role, f, res.Body)
			}
		}
		res.Decode(t, &d)
		if d.Checkpoint != nil || d.Checkpoints != nil || d.ConsistencyProof != nil {
			t.Fatalf("%s: refused but answered: %s", role, res.Body)
		}
		return
	}
	res.NoErrors(t).Decode(t, &d)
	// Without tenantID: the viewer's one tenant; a platform admin must name it.
	def := w.gql(t, role, `{ checkpoint { origin } }`, nil)
	if role == rPlatform {
		if !def.HasCode("BAD_USER_INPUT") {
			t.Fatalf("platform admin without tenantID: %s", def.Body)
		}
	} else if !strings.Contains(string(def.NoErrors(t).Body), `"origin":"test.trailmark/`+w.acme.ID+`"`) {
		t.Fatalf("%s: checkpoint without tenantID: %s", role, def.Body)
	}
	if d.Checkpoint == nil || d.Checkpoint.TreeSize < 4 || d.Checkpoint.Origin != "test.trailmark/"+w.acme.ID ||
		!strings.HasPrefix(d.Checkpoint.Note, d.Checkpoint.Origin+"\n") || d.Checkpoints.TotalCount < 1 ||
		d.ConsistencyProof == nil || d.ConsistencyProof.ToSize != d.Checkpoint.TreeSize {
		t.Fatalf("%s: %s", role, res.Body)
	}
}

// checkForeignLogs: the foreign tenant's log is NOT_FOUND for everyone but
// the platform admin, answered exactly as a tenant that does not exist.
func (w *world) checkForeignLogs(t *testing.T, role string) {
	const missing = "ten_01J0000000000000000000000Z"
	for _, q := range []string{
		`query($t: ID) { checkpoint(tenantID: $t) { origin treeSize rootHash note } }`,
		`query($t: ID) { checkpoints(tenantID: $t) { totalCount edges { node { origin note } } } }`,
		`query($t: ID) { consistencyProof(tenantID: $t, fromSize: 1) { toSize hashes } }`,
		`query($t: ID) { auditEntries(tenantID: $t) { edges { node { seq inclusionProof { rootHash hashes } } } } }`,
	} {
		res := w.gql(t, role, q, map[string]any{"t": w.foreign.ID})
		if refused(t, role, res) {
			return
		}
		if role == rPlatform {
			res.NoErrors(t)
			if strings.Contains(q, "origin") && !strings.Contains(string(res.Body), "test.trailmark/"+w.foreign.ID) {
				t.Fatalf("the platform admin reads the foreign log: %s", res.Body)
			}
			continue
		}
		if strings.Contains(q, "auditEntries") {
			continue // the entries' own rules: no foreign entry (noLeak)
		}
		if !res.HasCode("NOT_FOUND") {
			t.Fatalf("%s: a foreign tenant's log must be NOT_FOUND: %s", role, res.Body)
		}
		none := w.gql(t, role, q, map[string]any{"t": missing})
		if string(none.Body) != string(res.Body) {
			t.Fatalf("%s: a foreign log must answer exactly as a missing tenant:\n%s\n%s", role, res.Body, none.Body)
		}
	}
	// The foreign entry's proof through node(id): null like the entry.
	res := w.gql(t, role, `query($id: ID!) { node(id: $id) { ... on AuditEntry { seq inclusionProof { rootHash hashes } } } }`,
		map[string]any{"id": w.foreignE.ID})
	if role != rPlatform && !strings.Contains(string(res.Body), `"node":null`) {
		t.Fatalf("%s: foreign entry's proof: %s", role, res.Body)
	}
}

func (w *world) checkPlatformLog(t *testing.T, role string) {
	res := w.gql(t, role, `{ checkpoint(platform: true) { origin treeSize } checkpoints(platform: true) { totalCount } }`, nil)
	if refused(t, role, res) {
		return
	}
	if role == rPlatform {
		res.NoErrors(t)
		if !strings.Contains(string(res.Body), `"origin":"test.trailmark/platform"`) {
			t.Fatalf("platform log checkpoint: %s", res.Body)
		}
		// A platform-log entry's proof is in the platform log's tree.
		res = w.gql(t, role, `query($id: ID!) { node(id: $id) { ... on AuditEntry { hash seq inclusionProof { leafIndex treeSize rootHash hashes } } }
		  checkpoint(platform: true) { treeSize rootHash } }`, map[string]any{"id": w.platform.ID}).NoErrors(t)
		var d struct {
			Node struct {
				Hash           string
				Seq            *int64
				InclusionProof *proofJSON
			}
			Checkpoint struct {
				TreeSize int64
				RootHash string
			}
		}
		res.Decode(t, &d)
		p := d.Node.InclusionProof
		if d.Node.Seq == nil || p == nil || p.TreeSize != d.Checkpoint.TreeSize || p.RootHash != d.Checkpoint.RootHash {
			t.Fatalf("platform entry's proof: %s", res.Body)
		}
		if err := checkInclusion(d.Node.Hash, p); err != nil {
			t.Fatalf("platform entry's proof: %v", err)
		}
		return
	}
	if !forbiddenAt(res, "checkpoint") || !forbiddenAt(res, "checkpoints") {
		t.Fatalf("%s: the platform log's checkpoints must be FORBIDDEN: %s", role, res.Body)
	}
}

func hexToB64(h string) string {
	b, err := hex.DecodeString(h)
	if err != nil {
		return "!"
	}
	var x tlog.Hash
	copy(x[:], b)
	return x.String()
}

func codeAt(res *testserver.Response, code, field string) bool {
	for _, e := range res.Errors {
		if e.Code() == code && len(e.Path) > 0 && e.Path[len(e.Path)-1] == field {
			return true
		}
	}
	return false
}
