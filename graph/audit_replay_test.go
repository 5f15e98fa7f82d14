package graph_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

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

// TestRecordAuditEntriesReplayConflict replays keys with other content:
// CONFLICT on each such entry's idempotencyKey, and nothing of the batch is
// stored. Identical content, after defaults and redaction, is a duplicate.
func TestRecordAuditEntriesReplayConflict(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		f := newFixture(t, s, "acme")
		spy, _ := s.APIKey(t, f.tenantID, "INGEST")
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
