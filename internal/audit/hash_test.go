package audit

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/clock"
)

// marshalCanonical is the definition appendCanonical implements faster:
// decode with numbers kept as written, then encoding/json's Marshal
// (sorted keys, HTML-safe escaping).
func marshalCanonical(raw []byte) []byte {
	if len(raw) == 0 {
		return []byte("null")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return []byte("null")
	}
	b, _ := json.Marshal(v)
	return b
}

var trickyStrings = []string{
	"", "plain", "<script>&amp;</script>", "quote \" and \\ backslash", "tab\tnew\nline\rcr",
	"\b\f\x00\x01\x1f\x7f", "é ü ß 日本語 🎉", "\u2028 and \u2029", "\xff\xfe invalid utf-8",
	"ok/slash", "'single'", "%_like", "\u00e9\u0301",
}

func randomJSON(r *rand.Rand, depth int) any {
	switch k := r.IntN(8); {
	case depth > 3 || k == 0:
		return trickyStrings[r.IntN(len(trickyStrings))]
	case k == 1:
		return json.Number([]string{"0", "-1", "1.50", "1e10", "12345678901234567890", "3.14159"}[r.IntN(6)])
	case k == 2:
		return r.IntN(2) == 0
	case k == 3:
		return nil
	case k <= 5:
		m := map[string]any{}
		for range r.IntN(5) {
			m[trickyStrings[r.IntN(len(trickyStrings))]+fmt.Sprint(r.IntN(3))] = randomJSON(r, depth+1)
		}
		return m
	default:
		var a []any
		for range r.IntN(4) {
			a = append(a, randomJSON(r, depth+1))
		}
		return a
	}
}

// TestCanonicalMatchesMarshal: the hand-written canonical encoder writes
// exactly what encoding/json writes, so every stored hash stays valid.
func TestCanonicalMatchesMarshal(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	inputs := [][]byte{nil, []byte("null"), []byte(`{"b":1,"a":[1,2,{"z":null,"y":"<>"}]}`), []byte("not json"),
		[]byte(`"\u003c\u2028"`), []byte(`{"n": 1.000, "e": 1E+2}`)}
	for range 3000 {
		b, err := json.Marshal(randomJSON(r, 0))
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, b)
	}
	for _, in := range inputs {
		want, got := marshalCanonical(in), canonical(in)
		if !bytes.Equal(got, want) {
			t.Fatalf("canonical(%s)\n got %s\nwant %s", in, got, want)
		}
	}
}

// hashReference is the content hash as docs/api.md defines it, through
// encoding/json: Hash must agree with it on every entry.
func hashReference(e Entry) string {
	type hashed struct {
		ID             string          `json:"id"`
		TenantID       *string         `json:"tenantID"`
		OccurredAt     string          `json:"occurredAt"`
		ReceivedAt     string          `json:"receivedAt"`
		Action         string          `json:"action"`
		ResourceType   string          `json:"resourceType"`
		ResourceID     *string         `json:"resourceID"`
		ResourceName   *string         `json:"resourceName"`
		Workspace      *string         `json:"workspace"`
		ActorType      string          `json:"actorType"`
		ActorID        *string         `json:"actorID"`
		ActorName      *string         `json:"actorName"`
		ActorEmail     *string         `json:"actorEmail"`
		Status         string          `json:"status"`
		OldValue       json.RawMessage `json:"oldValue"`
		NewValue       json.RawMessage `json:"newValue"`
		Metadata       json.RawMessage `json:"metadata"`
		Request        json.RawMessage `json:"request"`
		IdempotencyKey *string         `json:"idempotencyKey"`
	}
	var req json.RawMessage
	if e.Request != nil {
		b, _ := json.Marshal(e.Request)
		req = marshalCanonical(b)
	}
	b, _ := json.Marshal(hashed{
		ID: e.ID, TenantID: e.TenantID, OccurredAt: clock.Stored(e.OccurredAt).Format("2006-01-02T15:04:05.000000Z"),
		ReceivedAt: clock.Stored(e.ReceivedAt).Format("2006-01-02T15:04:05.000000Z"),
		Action:     e.Action, ResourceType: e.ResourceType, ResourceID: e.ResourceID, ResourceName: e.ResourceName,
		Workspace: e.Workspace, ActorType: string(e.Actor.Type), ActorID: e.Actor.ID, ActorName: e.Actor.Name,
		ActorEmail: e.Actor.Email, Status: string(e.Status),
		OldValue: marshalCanonical(e.OldValue), NewValue: marshalCanonical(e.NewValue), Metadata: marshalCanonical(e.Metadata),
		Request: req, IdempotencyKey: e.IdempotencyKey,
	})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func TestHashMatchesDefinition(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	str := func() *string {
		if r.IntN(4) == 0 {
			return nil
		}
		s := trickyStrings[r.IntN(len(trickyStrings))]
		return &s
	}
	js := func() schematype.RawJSON {
		if r.IntN(4) == 0 {
			return nil
		}
		b, _ := json.Marshal(randomJSON(r, 0))
		return b
	}
	for i := range 2000 {
		e := Entry{
			ID: *cmp.Or(str(), new(string)), ReceivedAt: time.Unix(int64(r.IntN(2e9)), int64(r.IntN(1e9))),
			TenantID: str(), OccurredAt: time.Unix(int64(r.IntN(2e9)), int64(r.IntN(1e9))),
			Action: *cmp.Or(str(), new(string)), ResourceType: "workspace", ResourceID: str(), ResourceName: str(),
			Workspace: str(), Actor: Actor{Type: schematype.ActorUser, ID: str(), Name: str(), Email: str()},
			Status: "SUCCESS", OldValue: js(), NewValue: js(), Metadata: js(), IdempotencyKey: str(),
		}
		if i%3 == 0 {
			status := 200 + r.IntN(300)
			e.Request = &schematype.RequestInfo{Method: str(), Path: str(), UserAgent: str(), Payload: js(), HTTPStatus: &status}
		}
		if got, want := Hash(e), hashReference(e); got != want {
			t.Fatalf("entry %d: Hash %s, definition %s (%+v)", i, got, want, e)
		}
	}
}

func BenchmarkHash(b *testing.B) {
	tenant, id, name := "ten_01J", "res-42", "Acme Production <EU>"
	e := Entry{
		TenantID: &tenant, OccurredAt: time.Now(), Action: "workspace.settings.update", ResourceType: "workspace",
		ResourceID: &id, ResourceName: &name, Actor: Actor{Type: schematype.ActorUser, ID: &id, Name: &name},
		OldValue: schematype.RawJSON(`{"plan":"pro","limits":{"seats":5,"projects":20},"tags":["a","b"]}`),
		NewValue: schematype.RawJSON(`{"plan":"enterprise","limits":{"seats":50,"projects":200},"tags":["a","b","c"]}`),
		Metadata: schematype.RawJSON(`{"region":"eu-west-1","reason":"upgrade requested by ` + strings.Repeat("x", 40) + `"}`),
		Request: &schematype.RequestInfo{Method: &name, Path: &name,
			Payload: schematype.RawJSON(`{"input":{"plan":"enterprise","password":"[REDACTED]"}}`)},
	}
	for b.Loop() {
		Hash(e)
	}
}

// TestPreparedHashMatchesDefinition: entries from Prepare carry the
// canonical forms computed during validation; their hash must be the one
// of the definition (which re-decodes the stored values).
func TestPreparedHashMatchesDefinition(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	var in []Input
	for range 500 {
		js := func() schematype.RawJSON {
			if r.IntN(3) == 0 {
				return nil
			}
			b, _ := json.Marshal(randomJSON(r, 1))
			return b
		}
		// Written by hand: unsorted keys, spaces, escapes that differ from
		// encoding/json's.
		k, _ := json.Marshal(randomJSON(r, 1))
		meta := []byte(fmt.Sprintf(`{ "z" : %s , "<&>": "\u2028\/", "a": [ 1.50 , 1e3 ] }`, k))
		in = append(in, Input{Action: "member.role.update", ResourceType: "member", OldValue: js(), NewValue: js(),
			Metadata: meta, Request: &schematype.RequestInfo{Payload: js()}})
	}
	// Valid JSON only: strip NUL characters, which validation rejects.
	for i := range in {
		for _, v := range []*schematype.RawJSON{&in[i].OldValue, &in[i].NewValue, &in[i].Metadata, &in[i].Request.Payload} {
			*v = bytes.ReplaceAll(*v, []byte(`\u0000`), []byte("x"))
		}
	}
	entries, err := Prepare("ten_1", in, Actor{Type: schematype.ActorSystem}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range entries {
		if e.canonical.metadata == nil {
			t.Fatalf("entry %d: Prepare left no canonical metadata", i)
		}
		if got, want := Hash(e), hashReference(e); got != want {
			t.Fatalf("entry %d: Hash %s, definition %s", i, got, want)
		}
	}
}
