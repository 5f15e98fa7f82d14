package cli

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/ledger"
)

type logOptions struct {
	url, tenant, token, key, state string
	// platform: the platform log instead of a tenant's (tenant is then "").
	platform, full bool
	// client is the HTTP client (tests); nil: one with a 60 s timeout.
	client *http.Client
}

// LogState is what `trailmark verify log --state FILE` keeps between runs:
// the key pinned on the first run and the last checkpoint that verified.
type LogState struct {
	URL         string          `json:"url"`
	Tenant      string          `json:"tenant,omitempty"`
	TenantID    string          `json:"tenantID,omitempty"`
	Platform    bool            `json:"platform,omitempty"`
	VerifierKey string          `json:"verifierKey"`
	Checkpoint  SavedCheckpoint `json:"checkpoint"`
	CheckedAt   time.Time       `json:"checkedAt"`
}

// SavedCheckpoint is a checkpoint as the state file keeps it.
type SavedCheckpoint struct {
	Origin   string `json:"origin"`
	TreeSize int64  `json:"treeSize"`
	RootHash string `json:"rootHash"`
	Note     string `json:"note"`
}

func (c SavedCheckpoint) String() string {
	return fmt.Sprintf("%s size %d root %s", c.Origin, c.TreeSize, c.RootHash)
}

// verifyLog checks a live server's log (docs/integrity.md "Verifying a
// live log").
func verifyLog(ctx context.Context, o logOptions, stdout, stderr io.Writer) int {
	fatal := func(format string, args ...any) int {
		fmt.Fprintf(stderr, "trailmark verify log: "+format+"\n", args...)
		return 1
	}
	var state *LogState
	if o.state != "" {
		b, err := os.ReadFile(o.state)
		switch {
		case errors.Is(err, os.ErrNotExist):
		case err != nil:
			return fatal("read the state file: %v", err)
		default:
			state = &LogState{}
			if err := json.Unmarshal(b, state); err != nil {
				return fatal("the state file %s is not a verify-log state: %v", o.state, err)
			}
		}
	}
	if state != nil && (state.Tenant != o.tenant || state.Platform != o.platform) {
		return fatal("the state file %s is for %s, not %s: use one state file per log", o.state, logName(state.Tenant, state.Platform), o.name())
	}
	if state != nil && strings.TrimRight(state.URL, "/") != strings.TrimRight(o.url, "/") {
		// A moved server is fine: the saved checkpoint still binds it.
		fmt.Fprintf(stdout, "note: the state was saved from %s; checking %s against it\n", state.URL, o.url)
	}
	// The key comes from the user or from the state pinned on the first
	// run, never from the server: a server could sign with any key.
	keyArg := o.key
	if keyArg == "" {
		if state == nil {
			return fatal("no key: pass --key with the verifier key you trust (compare it with GET /.well-known/trailmark/log-key and with a copy from a channel you trust); with --state it is pinned for later runs")
		}
		keyArg = state.VerifierKey
	}
	verifier, vkey, err := loadVerifier(keyArg)
	if err != nil {
		return fatal("%v", err)
	}
	if state != nil && state.VerifierKey != vkey {
		return fatal("FAIL: KEY CHANGED: --key is %s but the state file %s pinned %s (at the checkpoint %s). "+
			"If the operator really replaced the key, check why before starting a new state file", vkey, o.state, state.VerifierKey, state.Checkpoint)
	}
	c := &gqlClient{url: strings.TrimRight(o.url, "/") + "/graphql", token: o.token, http: o.client}
	if c.http == nil {
		c.http = &http.Client{Timeout: 60 * time.Second}
	}
	log := logRef{platform: o.platform}
	if !o.platform {
		var t struct {
			Tenant *struct{ ID string } `json:"tenant"`
		}
		if err := c.do(ctx, `query($slug: String!) { tenant(slug: $slug) { id } }`, map[string]any{"slug": o.tenant}, &t); err != nil {
			return fatal("%v", err)
		}
		if t.Tenant == nil {
			return fatal("tenant %q not found (or not visible to this token)", o.tenant)
		}
		log.tenantID = t.Tenant.ID
		if state != nil && state.TenantID != "" && state.TenantID != log.tenantID {
			return fatal("FAIL: the tenant %s is now %s, the state file has %s", o.tenant, log.tenantID, state.TenantID)
		}
	}
	var q struct {
		Checkpoint *SavedCheckpoint `json:"checkpoint"`
	}
	if err := c.do(ctx, `query($t: ID, $p: Boolean) { checkpoint(tenantID: $t, platform: $p) { origin treeSize rootHash note } }`, log.vars(nil), &q); err != nil {
		return fatal("%v", err)
	}
	if q.Checkpoint == nil {
		return fatal("%s has no checkpoint yet", o.name())
	}
	latest := *q.Checkpoint
	cp, err := ledger.OpenCheckpoint(latest.Note, verifier)
	if err != nil {
		hint := ""
		if state != nil {
			hint = fmt.Sprintf(" (the last good one, saved in %s: %s)", o.state, state.Checkpoint)
		}
		return fatal("FAIL: the server's latest checkpoint %s is not signed by the key %s%s: %v", latest, vkey, hint, err)
	}
	if !strings.HasSuffix(cp.Origin, "/"+log.id()) || cp.Size != latest.TreeSize || hex.EncodeToString(cp.Root[:]) != latest.RootHash {
		return fatal("FAIL: the checkpoint's signed body (%s size %d) does not match what the server says about it (%s)", cp.Origin, cp.Size, latest)
	}
	fmt.Fprintf(stdout, "checkpoint %s: signature OK (key %s)\n", latest, verifier.Name())
	if state == nil {
		fmt.Fprintf(stdout, "first run: pinning the key %s\n", vkey)
	} else if err := checkConsistent(ctx, c, log, state.Checkpoint, latest, cp, verifier); err != nil {
		return fatal("FAIL: %v", err)
	} else {
		fmt.Fprintf(stdout, "consistent with the saved checkpoint %s\n", state.Checkpoint)
	}
	if o.full {
		n, skipped, fails, err := checkEntries(ctx, c, log, cp)
		if err != nil {
			return fatal("%v", err)
		}
		for _, f := range fails {
			fmt.Fprintln(stdout, f)
		}
		if len(fails) > 0 {
			fmt.Fprintf(stdout, "FAILED: %d of %d entries do not verify against the checkpoint %s\n", len(fails), n, latest)
			return 1
		}
		fmt.Fprintf(stdout, "all %d entries in the checkpoint re-hashed and proven (%d newer ones left for the next run)\n", n-skipped, skipped)
	}
	if o.state != "" {
		// Keep the larger of the saved and the new checkpoint: a server
		// showing an older one must not roll the state back.
		keep := latest
		if state != nil && state.Checkpoint.TreeSize > latest.TreeSize {
			keep = state.Checkpoint
		}
		b, _ := json.MarshalIndent(LogState{URL: o.url, Tenant: o.tenant, TenantID: log.tenantID, Platform: o.platform, VerifierKey: vkey,
			Checkpoint: keep, CheckedAt: time.Now().UTC()}, "", "  ")
		if err := writeFileAtomic(o.state, append(b, '\n')); err != nil {
			return fatal("save the state: %v", err)
		}
	}
	fmt.Fprintf(stdout, "OK: %s verifies at size %d\n", o.name(), cp.Size)
	return 0
}

// logRef is the log being checked: a tenant's (by id) or the platform's.
type logRef struct {
	tenantID string
	platform bool
}

// id is the log id that ends the checkpoint's origin (docs/integrity.md).
func (l logRef) id() string {
	if l.platform {
		return ledger.PlatformLog
	}
	return l.tenantID
}

// vars are the GraphQL variables $t and $p that name the log, with more.
func (l logRef) vars(more map[string]any) map[string]any {
	v := map[string]any{"t": nil, "p": nil}
	if l.platform {
		v["p"] = true
	} else {
		v["t"] = l.tenantID
	}
	for k, x := range more {
		v[k] = x
	}
	return v
}

func (o logOptions) name() string { return logName(o.tenant, o.platform) }

func logName(tenant string, platform bool) string {
	if platform {
		return "the platform log"
	}
	return "the log of tenant " + tenant
}

// checkConsistent proves that the new checkpoint's tree extends the saved
// one's (or, when the server shows an older one, the other way round).
func checkConsistent(ctx context.Context, c *gqlClient, log logRef, saved, latest SavedCheckpoint, cp ledger.ParsedCheckpoint,
	verifier note.Verifier) error {
	old, err := ledger.OpenCheckpoint(saved.Note, verifier)
	if err != nil {
		return fmt.Errorf("the saved checkpoint %s does not verify: %v", saved, err)
	}
	name := func() string { return fmt.Sprintf("the saved checkpoint %s and the server's %s", saved, latest) }
	from, to := old, cp
	if cp.Size < old.Size {
		// A server may lag behind (another replica): prove that the saved
		// tree extends the one shown, which must then be a prefix.
		from, to = cp, old
	}
	if from.Size == to.Size {
		if from.Root != to.Root {
			return fmt.Errorf("FORK: %s have the same size and different roots: history was rewritten", name())
		}
		return nil
	}
	var q struct {
		ConsistencyProof *struct{ Hashes []string } `json:"consistencyProof"`
	}
	err = c.do(ctx, `query($t: ID, $p: Boolean, $from: Int!, $to: Int!) { consistencyProof(tenantID: $t, platform: $p, fromSize: $from, toSize: $to) { hashes } }`,
		log.vars(map[string]any{"from": from.Size, "to": to.Size}), &q)
	if err != nil {
		return fmt.Errorf("%s: the server gives no consistency proof (%v): history was rewritten", name(), err)
	}
	if q.ConsistencyProof == nil {
		return fmt.Errorf("%s: the server gives no consistency proof: history was rewritten", name())
	}
	proof, err := hashesOf(q.ConsistencyProof.Hashes)
	if err != nil {
		return err
	}
	if err := tlog.CheckTree(proof, to.Size, to.Root, from.Size, from.Root); err != nil {
		return fmt.Errorf("INCONSISTENT: %s: the newer tree does not extend the older (%v): history was rewritten", name(), err)
	}
	return nil
}

func hashesOf(hexes []string) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(hexes))
	for i, h := range hexes {
		b, err := hex.DecodeString(h)
		if err != nil || len(b) != tlog.HashSize {
			return nil, fmt.Errorf("proof hash %q is not 32 bytes of hex", h)
		}
		copy(out[i][:], b)
	}
	return out, nil
}

const entriesQuery = `query($t: ID, $p: Boolean, $after: Cursor, $size: Int!) {
  auditEntries(tenantID: $t, platform: $p, first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node {
      id seq occurredAt receivedAt action resourceType resourceID resourceName workspace status
      oldValue newValue metadata idempotencyKey hash
      actor { type id name email }
      request { method path operationName payload sourceIP userAgent httpStatus }
      inclusionProof(treeSize: $size) { leafIndex treeSize rootHash hashes }
    } }
  }
}`

type gqlEntry struct {
	ID             string          `json:"id"`
	Seq            *int64          `json:"seq"`
	OccurredAt     time.Time       `json:"occurredAt"`
	ReceivedAt     time.Time       `json:"receivedAt"`
	Action         string          `json:"action"`
	ResourceType   string          `json:"resourceType"`
	ResourceID     *string         `json:"resourceID"`
	ResourceName   *string         `json:"resourceName"`
	Workspace      *string         `json:"workspace"`
	Status         string          `json:"status"`
	OldValue       json.RawMessage `json:"oldValue"`
	NewValue       json.RawMessage `json:"newValue"`
	Metadata       json.RawMessage `json:"metadata"`
	IdempotencyKey *string         `json:"idempotencyKey"`
	Hash           string          `json:"hash"`
	Actor          struct {
		Type  string  `json:"type"`
		ID    *string `json:"id"`
		Name  *string `json:"name"`
		Email *string `json:"email"`
	} `json:"actor"`
	Request *struct {
		Method        *string         `json:"method"`
		Path          *string         `json:"path"`
		OperationName *string         `json:"operationName"`
		Payload       json.RawMessage `json:"payload"`
		SourceIP      *string         `json:"sourceIP"`
		UserAgent     *string         `json:"userAgent"`
		HTTPStatus    *int            `json:"httpStatus"`
	} `json:"request"`
	InclusionProof *struct {
		LeafIndex int64    `json:"leafIndex"`
		TreeSize  int64    `json:"treeSize"`
		Hashes    []string `json:"hashes"`
	} `json:"inclusionProof"`
}

func rawOrNil(b json.RawMessage) schematype.RawJSON {
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	return schematype.RawJSON(b)
}

// checkEntries pages through every entry the token may read, re-hashes it
// and checks its inclusion in the checkpoint's tree. Entries sequenced
// after the checkpoint are counted in skipped.
func checkEntries(ctx context.Context, c *gqlClient, log logRef, cp ledger.ParsedCheckpoint) (n, skipped int, fails []failure, err error) {
	var after *string
	for {
		var q struct {
			AuditEntries struct {
				PageInfo struct {
					HasNextPage bool    `json:"hasNextPage"`
					EndCursor   *string `json:"endCursor"`
				} `json:"pageInfo"`
				Edges []struct {
					Node gqlEntry `json:"node"`
				} `json:"edges"`
			} `json:"auditEntries"`
		}
		vars := log.vars(map[string]any{"after": after, "size": cp.Size})
		if err := c.do(ctx, entriesQuery, vars, &q); err != nil {
			return n, skipped, fails, err
		}
		for _, edge := range q.AuditEntries.Edges {
			g := edge.Node
			n++
			if g.Seq != nil && *g.Seq >= cp.Size || g.Seq == nil && g.InclusionProof == nil {
				skipped++
				continue
			}
			fails = append(fails, checkEntry(log, g, cp)...)
		}
		if !q.AuditEntries.PageInfo.HasNextPage {
			return n, skipped, fails, nil
		}
		after = q.AuditEntries.PageInfo.EndCursor
	}
}

func checkEntry(log logRef, g gqlEntry, cp ledger.ParsedCheckpoint) []failure {
	seq := seqText(g.Seq)
	fail := func(format string, args ...any) []failure {
		return []failure{{seq: seq, id: g.ID, reason: fmt.Sprintf(format, args...)}}
	}
	if g.Seq == nil {
		return fail("an inclusion proof but no seq")
	}
	var tid *string // platform entries have no tenant
	if !log.platform {
		tid = &log.tenantID
	}
	e := audit.Entry{
		ID: g.ID, TenantID: tid, OccurredAt: g.OccurredAt, ReceivedAt: g.ReceivedAt, Action: g.Action,
		ResourceType: g.ResourceType, ResourceID: g.ResourceID, ResourceName: g.ResourceName, Workspace: g.Workspace,
		Actor:  audit.Actor{Type: schematype.ActorType(g.Actor.Type), ID: g.Actor.ID, Name: g.Actor.Name, Email: g.Actor.Email},
		Status: auditentry.Status(g.Status), OldValue: rawOrNil(g.OldValue), NewValue: rawOrNil(g.NewValue),
		Metadata: rawOrNil(g.Metadata), IdempotencyKey: g.IdempotencyKey,
	}
	if r := g.Request; r != nil {
		e.Request = &schematype.RequestInfo{Method: r.Method, Path: r.Path, OperationName: r.OperationName,
			Payload: rawOrNil(r.Payload), SourceIP: r.SourceIP, UserAgent: r.UserAgent, HTTPStatus: r.HTTPStatus}
	}
	// An entry recorded before tamper evidence is a leaf of its old hash
	// (without id and receivedAt): accepted when that is what the tree holds.
	full, v1 := audit.Hash(e), audit.HashV1(e)
	if g.Hash != full && g.Hash != v1 {
		return fail("the entry's content does not match its hash (edited)")
	}
	if g.InclusionProof == nil {
		return fail("no inclusion proof in the tree of size %d", cp.Size)
	}
	p := g.InclusionProof
	if p.LeafIndex != *g.Seq || p.TreeSize != cp.Size {
		return fail("the proof is for leaf %d of a tree of %d, not seq %d of %d", p.LeafIndex, p.TreeSize, *g.Seq, cp.Size)
	}
	proof, err := hashesOf(p.Hashes)
	if err != nil {
		return fail("%v", err)
	}
	leaf, _ := hex.DecodeString(g.Hash)
	if err := tlog.CheckRecord(proof, cp.Size, cp.Root, *g.Seq, tlog.RecordHash(leaf)); err != nil {
		return fail("not in the signed tree at seq %d: %v", *g.Seq, err)
	}
	return nil
}

// gqlClient posts GraphQL requests with a bearer token.
type gqlClient struct {
	url, token string
	http       *http.Client
}

func (c *gqlClient) do(ctx context.Context, query string, vars map[string]any, out any) error {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.token)
	res, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("ask the server: %w", err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 256<<20))
	if err != nil {
		return fmt.Errorf("read the answer: %w", err)
	}
	var r struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Message    string         `json:"message"`
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return fmt.Errorf("the server answered %s: %.200s", res.Status, b)
	}
	if len(r.Errors) > 0 {
		msgs := make([]string, len(r.Errors))
		for i, e := range r.Errors {
			msgs[i] = fmt.Sprintf("%s (%v)", e.Message, e.Extensions["code"])
		}
		return fmt.Errorf("the server answered: %s", strings.Join(msgs, "; "))
	}
	return json.Unmarshal(r.Data, out)
}

// writeFileAtomic replaces path with data (a temporary file renamed over
// it), so that an interrupted run leaves the old state.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}
