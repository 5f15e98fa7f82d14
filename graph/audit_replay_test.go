package graph_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/testserver"
)

// replayAt is the occurredAt of replayed entries: fixed, so that two calls
// of replayed build the same content.
var replayAt = time.Now().Add(-time.Hour).UTC().Truncate(time.Second)

// replayed is an entry with every client-sent field set, the actor given
// explicitly, so that any caller may replay it with identical content.
func replayed(key string, kv ...any) map[string]any {
	e := entry("invoice.refund",
		"idempotencyKey", key,
		"occurredAt", replayAt.Format(time.RFC3339),
		"resourceID", "inv_7", "resourceName", "Invoice 7", "workspace", "billing",
		"actor", map[string]any{"type": "USER", "id": "ext-ada", "name": "Ada", "email": "ada@victim.example"},
		"status", "FAILURE",
		"oldValue", map[string]any{"amount": 100},
		"newValue", map[string]any{"amount": 0, "iban": "DE00-SECRET-IBAN"},
		"metadata", map[string]any{"reason": "private-reason"},
		"request", map[string]any{"method": "POST", "path": "/refunds", "payload": map[string]any{"note": "private-note"}},
	)
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(e, kv[i].(string))
			continue
		}
		e[kv[i].(string)] = kv[i+1]
	}
	return e
}

// TestRecordAuditEntriesReplayReadRules replays an idempotency key recorded
// by another caller: an INGEST-only key gets the entry's id and none of its
// nullable fields (FORBIDDEN at each path); a READ+INGEST key and an ADMIN
// read it as they would read it anywhere.
func TestRecordAuditEntriesReplayReadRules(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		f := newFixture(t, s, "acme")
		orig := replayed("evt-1")
		stored := mustRecord(t, s, f.ingest, f.tenantID, orig).RecordAuditEntries.Entries[0]

		spy, _ := s.APIKey(t, f.tenantID, schematype.ScopeIngest)
		res := record(t, s, spy, f.tenantID, orig)
		var out recordResult
		res.Decode(t, &out)
		got := out.RecordAuditEntries
		if got.Created != 0 || got.Duplicates != 1 || len(got.Entries) != 1 || got.Entries[0].ID != stored.ID {
			t.Fatalf("INGEST-only replay = %s; want the stored id %s as a duplicate", res.Body, stored.ID)
		}
		for _, secret := range []string{"ada@victim.example", "DE00-SECRET-IBAN", "private-reason", "private-note", "ext-ada", "Invoice 7", "acme"} {
			if strings.Contains(string(res.Body), secret) {
				t.Errorf("INGEST-only replay reveals %q: %s", secret, res.Body)
			}
		}
		var paths []string
		for _, e := range res.Errors {
			if e.Code() != "FORBIDDEN" {
				t.Errorf("error %q with code %q; want FORBIDDEN only", e.Message, e.Code())
			}
			paths = append(paths, strings.TrimSpace(fmt.Sprintln(e.Path...)))
		}
		slices.Sort(paths)
		want := []string{
			"recordAuditEntries entries 0 actor email", "recordAuditEntries entries 0 actor id",
			"recordAuditEntries entries 0 actor name", "recordAuditEntries entries 0 idempotencyKey",
			"recordAuditEntries entries 0 metadata", "recordAuditEntries entries 0 newValue",
			"recordAuditEntries entries 0 request", "recordAuditEntries entries 0 resourceID",
			"recordAuditEntries entries 0 tenant",
		}
		if !slices.Equal(paths, want) {
			t.Errorf("FORBIDDEN paths = %q\nwant %q\n%s", paths, want, res.Body)
		}

		// Below the entry too: changes name their paths (what the caller
		// sent), not their values; actor.user is denied like the rest.
		res = s.GraphQL(t, spy, `mutation($t: ID!, $e: [AuditEntryInput!]!) {
		  recordAuditEntries(tenantID: $t, entries: $e) { entries { id changes { path old new } actor { type user { id } } } } }`,
			map[string]any{"t": f.tenantID, "e": []any{orig}})
		paths = paths[:0]
		for _, e := range res.Errors {
			if e.Code() == "FORBIDDEN" {
				paths = append(paths, strings.TrimSpace(fmt.Sprintln(e.Path[3:]...)))
			}
		}
		slices.Sort(paths)
		if got := strings.Join(paths, ","); got != "actor user,changes 0 new,changes 0 old,changes 1 new,changes 1 old" ||
			len(res.Errors) != len(paths) || strings.Contains(string(res.Body), "DE00-SECRET-IBAN") ||
			!strings.Contains(string(res.Body), `"path":"iban"`) {
			t.Errorf("INGEST-only replay of changes and actor.user = %s", res.Body)
		}

		// Callers that may read the tenant read the replay in full.
		both, _ := s.APIKey(t, f.tenantID, schematype.ScopeIngest, schematype.ScopeRead)
		for name, token := range map[string]string{"READ+INGEST key": both, "ADMIN": f.admin} {
			e := mustRecord(t, s, token, f.tenantID, orig).RecordAuditEntries.Entries[0]
			if e.ID != stored.ID || e.Actor.Email == nil || *e.Actor.Email != "ada@victim.example" ||
				!strings.Contains(string(e.NewValue), "DE00-SECRET-IBAN") || e.Request == nil ||
				!strings.Contains(string(e.Request.Payload), "private-note") {
				t.Errorf("%s replay = %+v; want the stored entry in full", name, e)
			}
		}

		// The key that recorded the entry is INGEST-only too: its own
		// replay answers the id, and its fresh entries stay readable.
		res = record(t, s, f.ingest, f.tenantID, orig, entry("invoice.paid", "newValue", map[string]any{"amount": 5}))
		res.Decode(t, &out)
		if e := out.RecordAuditEntries.Entries; e[0].ID != stored.ID || !isNull(e[0].NewValue) || string(e[1].NewValue) != `{"amount":5}` {
			t.Errorf("own replay + fresh entry = %s", res.Body)
		}
	})
}

// TestRecordAuditEntriesReplayConflict replays keys with other content:
// CONFLICT on each such entry's idempotencyKey, and nothing of the batch is
// stored. Identical content, after defaults and redaction, is a duplicate.
func TestRecordAuditEntriesReplayConflict(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		f := newFixture(t, s, "acme")
		spy, _ := s.APIKey(t, f.tenantID, schematype.ScopeIngest)
		orig := replayed("evt-1")
		mustRecord(t, s, f.ingest, f.tenantID, orig)
		count := countEntries(t, s, f.tenantID)

		differ := map[string]map[string]any{
			"action":                     replayed("evt-1", "action", "invoice.paid"),
			"resourceType":               replayed("evt-1", "resourceType", "payment"),
			"resourceID":                 replayed("evt-1", "resourceID", nil),
			"workspace":                  replayed("evt-1", "workspace", "other"),
			"occurredAt":                 replayed("evt-1", "occurredAt", time.Now().UTC().Format(time.RFC3339)),
			"actor.email":                replayed("evt-1", "actor", map[string]any{"type": "USER", "id": "ext-ada", "name": "Ada", "email": "eve@x.example"}),
			"actor omitted (the caller)": replayed("evt-1", "actor", nil),
			"status":                     replayed("evt-1", "status", nil),
			"oldValue":                   replayed("evt-1", "oldValue", map[string]any{"amount": 101}),
			"newValue":                   replayed("evt-1", "newValue", map[string]any{"amount": 0}),
			"metadata":                   replayed("evt-1", "metadata", map[string]any{"reason": "x"}),
			"request.payload":            replayed("evt-1", "request", map[string]any{"method": "POST", "path": "/refunds", "payload": map[string]any{"note": "guess"}}),
		}
		for name, e := range differ {
			res := record(t, s, spy, f.tenantID, entry("invoice.create", "idempotencyKey", "fresh"), e)
			if len(res.Errors) != 1 || res.Errors[0].Code() != "CONFLICT" ||
				res.Errors[0].Extensions["field"] != "entries[1].idempotencyKey" || string(res.Data) != "null" {
				t.Errorf("replay with other %s = %s; want one CONFLICT on entries[1].idempotencyKey", name, res.Body)
			}
			if strings.Contains(string(res.Body), "victim") || strings.Contains(string(res.Body), "private") {
				t.Errorf("conflict answer reveals the stored entry: %s", res.Body)
			}
		}
		// Every conflicting entry is reported; same key twice in one batch
		// with other content conflicts too.
		res := record(t, s, f.ingest, f.tenantID,
			replayed("evt-1", "newValue", nil), entry("invoice.create", "idempotencyKey", "k2"),
			entry("invoice.create", "idempotencyKey", "k2", "resourceID", "other"))
		if got := fmt.Sprint(res.Codes(), fieldsOf(res)); got != "[CONFLICT CONFLICT] [entries[0].idempotencyKey entries[2].idempotencyKey]" {
			t.Errorf("two conflicts = %s", res.Body)
		}
		if n := countEntries(t, s, f.tenantID); n != count {
			t.Fatalf("conflicting batches stored %d entries; want %d", n-count, 0)
		}

		// Same content: a duplicate. An omitted occurredAt matches the
		// stored one, and secrets redacted on both sides compare equal.
		secret := func(pw string) map[string]any {
			return entry("user.login", "idempotencyKey", "login-1",
				"request", map[string]any{"payload": map[string]any{"user": "ada", "password": pw}})
		}
		first := mustRecordIDs(t, s, f.ingest, f.tenantID, secret("hunter2")).RecordAuditEntries
		again := mustRecordIDs(t, s, f.ingest, f.tenantID, secret("other"), replayed("evt-1", "occurredAt", nil)).RecordAuditEntries
		if again.Duplicates != 2 || again.Entries[0].ID != first.Entries[0].ID {
			t.Errorf("identical replays = %+v; want 2 duplicates", again)
		}
	})
}

func fieldsOf(r *testserver.Response) []string {
	var out []string
	for _, e := range r.Errors {
		out = append(out, fmt.Sprint(e.Extensions["field"]))
	}
	return out
}

func isNull(raw []byte) bool { return len(raw) == 0 || string(raw) == "null" }
