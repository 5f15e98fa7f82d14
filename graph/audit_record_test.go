package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/testserver"
)

const recordMutation = `mutation($t: ID!, $e: [AuditEntryInput!]!) {
  recordAuditEntries(tenantID: $t, entries: $e) {
    created duplicates
    entries { id action resourceType resourceID idempotencyKey occurredAt hash status
      actor { type id name email } tenant { id slug }
      request { payload } newValue metadata }
  }
}`

type recordedEntry struct {
	ID             string
	Action         string
	ResourceType   string
	ResourceID     *string
	IdempotencyKey *string
	OccurredAt     time.Time
	Hash           string
	Status         string
	Actor          struct {
		Type, ID, Name string
		Email          *string
	}
	Tenant  *struct{ ID, Slug string }
	Request *struct {
		Payload json.RawMessage
	}
	NewValue json.RawMessage
	Metadata json.RawMessage
}

type recordResult struct {
	RecordAuditEntries struct {
		Created, Duplicates int
		Entries             []recordedEntry
	}
}

// fixture is a tenant with the credentials tests use.
type fixture struct {
	tenantID string
	ingest   string // an INGEST API key
	keyID    string
	keyName  string
	admin    string // an ADMIN's session token
	adminID  string
	reader   string // a READ API key
}

func newFixture(t *testing.T, s *testserver.Server, slug string) fixture {
	t.Helper()
	tn := s.CreateTenant(t, slug)
	ingest, key := s.APIKey(t, tn.ID, schematype.ScopeIngest)
	reader, _ := s.APIKey(t, tn.ID, schematype.ScopeRead)
	u, admin := s.Member(t, tn.ID, schematype.RoleAdmin, nil)
	return fixture{tenantID: tn.ID, ingest: ingest, keyID: key.ID, keyName: key.Name, admin: admin, adminID: u.ID, reader: reader}
}

func record(t *testing.T, s *testserver.Server, token, tenantID string, entries ...map[string]any) *testserver.Response {
	t.Helper()
	return s.GraphQL(t, token, recordMutation, map[string]any{"t": tenantID, "e": entries})
}

func mustRecord(t *testing.T, s *testserver.Server, token, tenantID string, entries ...map[string]any) recordResult {
	t.Helper()
	var out recordResult
	record(t, s, token, tenantID, entries...).NoErrors(t).Decode(t, &out)
	return out
}

// mustRecordIDs records entries selecting only what an INGEST-only key may
// read of a replayed entry.
func mustRecordIDs(t *testing.T, s *testserver.Server, token, tenantID string, entries ...map[string]any) recordResult {
	t.Helper()
	var out recordResult
	s.GraphQL(t, token, recordIDsMutation, map[string]any{"t": tenantID, "e": entries}).NoErrors(t).Decode(t, &out)
	return out
}

const recordIDsMutation = `mutation($t: ID!, $e: [AuditEntryInput!]!) {
  recordAuditEntries(tenantID: $t, entries: $e) { created duplicates entries { id hash } }
}`

func entry(action string, kv ...any) map[string]any {
	e := map[string]any{"action": action, "resourceType": strings.SplitN(action, ".", 2)[0]}
	for i := 0; i+1 < len(kv); i += 2 {
		e[kv[i].(string)] = kv[i+1]
	}
	return e
}

func countEntries(t *testing.T, s *testserver.Server, tenantID string) int {
	t.Helper()
	n, err := s.Client().AuditEntry.Query().
		Where(auditentry.TenantID(tenantID), auditentry.ActionNEQ(audit.ViewAction)).
		Count(testserver.System(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestRecordAuditEntries(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		f := newFixture(t, s, "acme")
		at := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
		res := mustRecord(t, s, f.ingest, f.tenantID,
			entry("workspace.create", "resourceID", "ws_1", "occurredAt", at.Format(time.RFC3339),
				"newValue", map[string]any{"plan": "pro", "limits": map[string]any{"seats": 5}},
				"metadata", map[string]any{"region": "eu"}),
			entry("member.role.update", "status", "FAILURE",
				"actor", map[string]any{"type": "USER", "id": "ext-42", "name": "Ada", "email": "ada@acme.io"}),
		).RecordAuditEntries
		if res.Created != 2 || res.Duplicates != 0 || len(res.Entries) != 2 {
			t.Fatalf("created/duplicates = %d/%d, %d entries", res.Created, res.Duplicates, len(res.Entries))
		}
		e0, e1 := res.Entries[0], res.Entries[1]
		if !strings.HasPrefix(e0.ID, "aud_") || e0.Action != "workspace.create" || *e0.ResourceID != "ws_1" || !e0.OccurredAt.Equal(at) {
			t.Errorf("entry 0 = %+v", e0)
		}
		if e0.Tenant == nil || e0.Tenant.ID != f.tenantID || e0.Tenant.Slug != "acme" {
			t.Errorf("entry 0 tenant = %+v", e0.Tenant)
		}
		// The actor defaults to the calling API key.
		if e0.Actor.Type != "API_KEY" || e0.Actor.ID != f.keyID || e0.Actor.Name != f.keyName {
			t.Errorf("default actor = %+v; want the key %s %q", e0.Actor, f.keyID, f.keyName)
		}
		if e1.Actor.Type != "USER" || e1.Actor.ID != "ext-42" || e1.Status != "FAILURE" || e0.Status != "SUCCESS" {
			t.Errorf("entry 1 = %+v", e1)
		}
		if len(e0.Hash) != 64 || e0.Hash == e1.Hash {
			t.Errorf("hashes %q %q", e0.Hash, e1.Hash)
		}
		if string(e0.Metadata) != `{"region":"eu"}` {
			t.Errorf("metadata = %s", e0.Metadata)
		}
		// Durable before the answer: the rows are there, and a user of the
		// tenant defaults the actor to themselves.
		if n := countEntries(t, s, f.tenantID); n != 2 {
			t.Fatalf("stored %d entries, want 2", n)
		}
		res = mustRecord(t, s, f.admin, f.tenantID, entry("settings.update")).RecordAuditEntries
		if a := res.Entries[0].Actor; a.Type != "USER" || a.ID != f.adminID || a.Name == "" || a.Email == nil {
			t.Errorf("user actor = %+v; want the admin %s with name and email", a, f.adminID)
		}
	})
}

func TestRecordAuditEntriesValidation(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		f := newFixture(t, s, "acme")
		now := time.Now().UTC()
		res := record(t, s, f.ingest, f.tenantID,
			entry("workspace.create"),
			entry("Bad Action"),
			entry("workspace.update", "occurredAt", now.Add(4*time.Minute).Format(time.RFC3339Nano)),
			entry("workspace.delete", "occurredAt", now.Add(6*time.Minute).Format(time.RFC3339Nano), "resourceType", ""),
		)
		var fields []string
		for _, e := range res.Errors {
			if e.Code() != "BAD_USER_INPUT" {
				t.Errorf("code %q in %s", e.Code(), res.Body)
			}
			fields = append(fields, fmt.Sprint(e.Extensions["field"]))
		}
		want := "entries[1].action entries[3].resourceType entries[3].occurredAt"
		if got := strings.Join(fields, " "); got != want {
			t.Fatalf("error fields = %s; want %s\n%s", got, want, res.Body)
		}
		if n := countEntries(t, s, f.tenantID); n != 0 {
			t.Fatalf("a rejected batch stored %d entries", n)
		}
		// 4 minutes ahead is within the allowed clock skew.
		mustRecord(t, s, f.ingest, f.tenantID, entry("workspace.update", "occurredAt", now.Add(4*time.Minute).Format(time.RFC3339Nano)))

		big := make([]map[string]any, audit.MaxBatch+1)
		for i := range big {
			big[i] = entry("workspace.create")
		}
		res = record(t, s, f.ingest, f.tenantID, big...)
		if len(res.Errors) != 1 || res.Errors[0].Code() != "BAD_USER_INPUT" || res.Errors[0].Extensions["field"] != "entries" {
			t.Fatalf("1001 entries: %s", res.Body[:min(len(res.Body), 500)])
		}
		mustRecord(t, s, f.ingest, f.tenantID, big[:audit.MaxBatch]...)
		if n := countEntries(t, s, f.tenantID); n != 1+audit.MaxBatch {
			t.Fatalf("stored %d entries, want %d", n, 1+audit.MaxBatch)
		}
		res = record(t, s, f.ingest, "not-an-id", entry("workspace.create"))
		if !res.HasCode("BAD_USER_INPUT") {
			t.Fatalf("bad tenant id: %s", res.Body)
		}
	})
}

func TestRecordAuditEntriesIdempotency(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		f := newFixture(t, s, "acme")
		batch := []map[string]any{
			entry("invoice.paid", "idempotencyKey", "k1", "resourceID", "first"),
			entry("invoice.paid", "idempotencyKey", "k2"),
			entry("invoice.paid", "idempotencyKey", "k1", "resourceID", "first"), // same key in the batch
			entry("invoice.paid"), // no key: always new
		}
		first := mustRecord(t, s, f.ingest, f.tenantID, batch...).RecordAuditEntries
		if first.Created != 3 || first.Duplicates != 1 {
			t.Fatalf("first call created/duplicates = %d/%d, want 3/1", first.Created, first.Duplicates)
		}
		if first.Entries[2].ID != first.Entries[0].ID || *first.Entries[2].ResourceID != "first" {
			t.Errorf("in-batch duplicate = %+v; want the first entry", first.Entries[2])
		}
		// The key is INGEST-only: replays answer what it may read, ids and
		// hashes (audit_replay_test.go).
		replay := mustRecordIDs(t, s, f.ingest, f.tenantID, batch...).RecordAuditEntries
		if replay.Created != 1 || replay.Duplicates != 3 {
			t.Fatalf("replay created/duplicates = %d/%d, want 1/3", replay.Created, replay.Duplicates)
		}
		for i := range 3 {
			if replay.Entries[i].ID != first.Entries[i].ID || replay.Entries[i].Hash != first.Entries[i].Hash {
				t.Errorf("replayed entry %d = %s; want the stored %s", i, replay.Entries[i].ID, first.Entries[i].ID)
			}
		}
		if replay.Entries[3].ID == first.Entries[3].ID {
			t.Errorf("an entry without key was deduplicated")
		}
		// Across batches, mixed with new keys.
		mixed := mustRecordIDs(t, s, f.ingest, f.tenantID,
			entry("invoice.paid", "idempotencyKey", "k3"), entry("invoice.paid", "idempotencyKey", "k2")).RecordAuditEntries
		if mixed.Created != 1 || mixed.Duplicates != 1 || mixed.Entries[1].ID != first.Entries[1].ID {
			t.Fatalf("mixed = %+v", mixed)
		}
		// Keys are per tenant: another tenant may use k1.
		g := newFixture(t, s, "globex")
		other := mustRecord(t, s, g.ingest, g.tenantID, entry("invoice.paid", "idempotencyKey", "k1")).RecordAuditEntries
		if other.Created != 1 || other.Entries[0].ID == first.Entries[0].ID {
			t.Fatalf("tenant globex reusing k1: %+v", other)
		}
		if n := countEntries(t, s, f.tenantID); n != 5 {
			t.Fatalf("acme holds %d entries, want 5", n)
		}
	})
}

// TestRecordAuditEntriesConcurrentReplay sends one key from many clients at
// once: exactly one entry is stored; with the same content nobody gets an
// error, with different contents all but the one stored get CONFLICT.
func TestRecordAuditEntriesConcurrentReplay(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		f := newFixture(t, s, "acme")
		const n = 8
		var (
			wg      sync.WaitGroup
			mu      sync.Mutex
			created int
			ids     = map[string]bool{}
		)
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var out recordResult
				res := s.GraphQL(t, f.ingest, recordIDsMutation, map[string]any{"t": f.tenantID,
					"e": []map[string]any{entry("payment.capture", "idempotencyKey", "race", "resourceID", "r")}})
				if len(res.Errors) > 0 {
					t.Errorf("concurrent replay: %s", res.Body)
					return
				}
				res.Decode(t, &out)
				mu.Lock()
				defer mu.Unlock()
				created += out.RecordAuditEntries.Created
				ids[out.RecordAuditEntries.Entries[0].ID] = true
			}()
		}
		wg.Wait()
		if created != 1 || len(ids) != 1 {
			t.Fatalf("created %d, distinct ids %d; want 1 and 1", created, len(ids))
		}

		var ok, conflicts int
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res := s.GraphQL(t, f.ingest, recordIDsMutation, map[string]any{"t": f.tenantID,
					"e": []map[string]any{entry("payment.capture", "idempotencyKey", "race2", "resourceID", fmt.Sprint(i))}})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case len(res.Errors) == 0:
					ok++
				case len(res.Errors) == 1 && res.Errors[0].Code() == "CONFLICT":
					conflicts++
				default:
					t.Errorf("concurrent conflicting replay: %s", res.Body)
				}
			}()
		}
		wg.Wait()
		if ok != 1 || conflicts != n-1 || countEntries(t, s, f.tenantID) != 2 {
			t.Fatalf("different contents: %d stored, %d CONFLICT, %d entries; want 1, %d, 2", ok, conflicts, countEntries(t, s, f.tenantID), n-1)
		}
	})
}

func TestRecordAuditEntriesRedaction(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		f := newFixture(t, s, "acme")
		payload := map[string]any{
			"email":    "ada@acme.io",
			"password": "hunter2",
			"headers":  map[string]any{"X-Api-Key": "k", "Authorization": "Bearer x", "Accept": "json"},
			"oauth":    []any{map[string]any{"access_token": "t", "scope": "read"}},
		}
		res := mustRecord(t, s, f.ingest, f.tenantID, entry("user.login",
			"request", map[string]any{"method": "POST", "path": "/login", "payload": payload, "sourceIP": "10.0.0.1"}))
		id := res.RecordAuditEntries.Entries[0].ID
		// Read back as an auditor-level reader: the stored payload is redacted.
		var out struct {
			Node struct {
				Request struct{ Payload map[string]any }
			}
		}
		s.GraphQL(t, f.reader, `query($id: ID!) { node(id: $id) { ... on AuditEntry { request { payload } } } }`,
			map[string]any{"id": id}).NoErrors(t).Decode(t, &out)
		got, _ := json.Marshal(out.Node.Request.Payload)
		want := `{"email":"ada@acme.io","headers":{"Accept":"json","Authorization":"[REDACTED]","X-Api-Key":"[REDACTED]"},"oauth":[{"access_token":"[REDACTED]","scope":"read"}],"password":"[REDACTED]"}`
		if string(got) != want {
			t.Fatalf("stored payload = %s\nwant %s", got, want)
		}
		if strings.Contains(string(s.GraphQL(t, f.reader, `{ auditEntries { edges { node { request { payload } } } } }`, nil).Body), "hunter2") {
			t.Fatal("the password is readable")
		}
	})
}
