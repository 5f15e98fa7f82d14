package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/internal/app"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/testserver"
)

// ingestCompareQuery selects everything an entry stores but its id, hash
// and receipt time (which differ between two recordings).
const ingestCompareQuery = `mutation Ingest($t: ID!, $e: [AuditEntryInput!]!) {
  recordAuditEntries(tenantID: $t, entries: $e) {
    created duplicates
    entries { action resourceType resourceID resourceName workspace idempotencyKey occurredAt status
      actor { type id name email }
      request { method path operationName payload sourceIP userAgent httpStatus }
      oldValue newValue metadata }
  }
}`

// goodEntries are entries values gqlgen's path accepts; the first ones are
// what the shortcut decodes itself, the last ones what it hands back.
var goodEntries = []string{
	`[{"action":"invoice.paid","resourceType":"invoice","occurredAt":"2026-12-01T10:00:00.123456789Z",
	  "resourceID":"inv_1","resourceName":"Invoice <1> & co","workspace":null,
	  "actor":{"type":"USER","id":"u1","name":"Ada","email":"ada@example.com"},"status":"FAILURE",
	  "oldValue":{"z":1,"a":[1.50,2e3,-0.0,"x<y\u2028"],"m":{"b":null,"a":true},"a":"dup"},
	  "newValue":"caf\u00e9 \ud83d\ude00 \"q\"","metadata":{"k":"v","\u0041":"x"},
	  "request":{"method":"POST","path":"/x?token=abc&q=1","operationName":"Op",
	    "payload":{"password":"hunter2","n":12345678901234567890,"key":"tmk_0123456789abcdefghijABCDEFGHIJ0123456789abcd"},
	    "sourceIP":"10.0.0.1","userAgent":"ua","httpStatus":201}},
	 { "resourceType" : "doc" , "action" : "doc.view" , "actor" : null , "request" : null ,
	   "oldValue" : null , "metadata" : { } , "newValue" : [ ] , "occurredAt" : "2026-12-01T10:00:00Z" },
	 {"action":"doc.edit","resourceType":"doc\u00e9","occurredAt":"2026-12-01 10:00:00","resourceName":"bad ` + "\xff" + ` utf8",
	  "actor":{"type":"SYSTEM"},"status":null,"newValue":17,"request":{"httpStatus":null,"payload":"s"}}]`,
	`[{"action":"a.b","resourceType":"r","occurredAt":"2026-12-01T10:00:00Z","idempotencyKey":"k-1"},
	  {"action":"a.b","resourceType":"r","occurredAt":"2026-12-01T10:00:00Z","idempotencyKey":"k-1"}]`,
	// Handed to gqlgen (the shortcut does not decode these), accepted there:
	`[{"action":"a.b","resourceType":"r","occurredAt":"2026-12-01T10:00:00Z","__typename":"X"}]`,
	`{"action":"a.single","resourceType":"r","occurredAt":"2026-12-01T10:00:00Z"}`,
	`[{"action":"a.b","action":"a.c","resourceType":"r","occurredAt":"2026-12-01T10:00:00Z"}]`,
	`[{"action":"a.b","resourceType":"r","occurredAt":"2026-12-01T10:00:00Z","request":{"httpStatus":"200"}}]`,
	`[{"action":"a.b","resourceType":"r","occurredAt":"2026-12-01T10:00:00Z","resourceID":7}]`,
}

// badEntries are entries values some layer refuses.
var badEntries = []string{
	`[` + strings.Repeat(`{"action":"a.b","resourceType":"r"},`, 37) + `{"action":"a.b","resourceType":"r","actor":{"type":"ROBOT","id":"x"}}]`,
	`[` + strings.Repeat(`{"action":"a.b","resourceType":"r"},`, 37) + `{"action":"a.b","resourceType":"r","actor":{"type":5,"id":"x"}}]`,
	`[{"action":"a.b","resourceType":"r","actor":{"type":"user","id":"x"}}]`,
	`[{"action":"a.b","resourceType":"r","actor":{"id":"x"}}]`,
	`[{"action":"a.b","resourceType":"r","actor":{"type":"USER"}}]`,
	`[{"action":"a.b","resourceType":"r","actor":"USER"}]`,
	`[{"action":"a.b","resourceType":"r","status":"success"}]`,
	`[{"action":"a.b","resourceType":"r","status":"MAYBE"}]`,
	`[{"action":"a.b","resourceType":"r","foo":1}]`,
	`[{"resourceType":"r"}]`,
	`[{"action":null,"resourceType":"r"}]`,
	`[{"action":5,"resourceType":"r"}]`,
	`[{"action":"Bad Action","resourceType":""}]`,
	`[{"action":"a.b","resourceType":"r"},null]`,
	`null`,
	`[]`,
	`[{"action":"a.b","resourceType":"r","occurredAt":"yesterday"}]`,
	`[{"action":"a.b","resourceType":"r","occurredAt":12345}]`,
	`[{"action":"a.b","resourceType":"r","occurredAt":"2099-01-01T00:00:00Z"}]`,
	`[{"action":"a.b","resourceType":"r","request":{"httpStatus":2.5}}]`,
	`[{"action":"a.b","resourceType":"r","request":{"httpStatus":1e3}}]`,
	`[{"action":"a.b","resourceType":"r","request":{"httpStatus":99999999999999999999}}]`,
	`[{"action":"a.b","resourceType":"r","request":{"httpStatus":700,"sourceIP":"nope"}}]`,
	`[{"action":"a.b","resourceType":"r","request":{"verb":"GET"}}]`,
	`[{"action":"a.b","resourceType":"r","metadata":[1,2]}]`,
	`[{"action":"a.b","resourceType":"r","metadata":"s"}]`,
	`[{"action":"a.b","resourceType":"r","oldValue":` + strings.Repeat(`[`, 40) + strings.Repeat(`]`, 40) + `}]`,
	`[{"action":"a.b","resourceType":"r","newValue":{"n":1e999}}]`,
	`[{"action":"a.b","resourceType":"r","newValue":"nul\u0000"}]`,
	`[{"action":"a.b","resourceType":"r","actor":{"type":"USER","email":"no-at"}}]`,
	`[` + strings.Repeat(`{"action":"a.b","resourceType":"r"},`, audit.MaxBatch) + `{"action":"a.b","resourceType":"r"}]`,
}

func ingestBody(query, tenantID, entries string) []byte {
	return []byte(fmt.Sprintf(`{"query":%q,"variables":{"t":%q,"e":%s}}`, query, tenantID, entries))
}

// ingestShape is ingestCompareQuery with `entries` given otherwise (decls
// declares the variables in place of $e, entries is the argument's value)
// and the variables' values besides "t".
type ingestShape struct{ decls, entries, vars string }

func (c ingestShape) body(tenantID string) []byte {
	q := strings.NewReplacer("$e: [AuditEntryInput!]!", c.decls, "entries: $e", "entries: "+c.entries).Replace(ingestCompareQuery)
	vars := fmt.Sprintf(`"t":%q`, tenantID)
	if c.vars != "" {
		vars += "," + c.vars
	}
	return []byte(fmt.Sprintf(`{"query":%q,"variables":{%s}}`, q, vars))
}

const (
	oneEntryDecl  = "$a: AuditEntryInput!"
	twoEntryDecls = "$a: AuditEntryInput!, $b: AuditEntryInput!"
	// shapeEntry is an entry with fields of every kind.
	shapeEntry = `{"action":"shape.one","resourceType":"invoice","occurredAt":"2026-12-01T10:00:00.5Z","resourceID":"inv_1",
	  "actor":{"type":"USER","id":"u1","email":"ada@example.com"},"status":"FAILURE","oldValue":{"z":1,"a":[1.50,"x<y"]},
	  "newValue":"caf\u00e9","metadata":{"k":"v"},"request":{"method":"POST","payload":{"password":"hunter2"},"httpStatus":201}}`
)

// shapeOf is a plain entry with the given action.
func shapeOf(action string, more string) string {
	return `{"action":"` + action + `","resourceType":"r","occurredAt":"2026-12-01T10:00:00Z"` + more + `}`
}

// goodShapes are documents giving entries as a list literal of variables
// (how one entry is commonly sent: `entries: [$entry]`) that gqlgen's path
// accepts; the first ones the shortcut decodes itself.
var goodShapes = []ingestShape{
	{oneEntryDecl, "[$a]", `"a":` + shapeEntry},
	{twoEntryDecls, "[ $b , $a ]", `"a":` + shapeOf("shape.second", "") + `,"b":` + shapeOf("shape.first", `,"workspace":null,"newValue":[]`)},
	{twoEntryDecls, "[$a, $b]", `"a":` + shapeOf("shape.keyed", `,"idempotencyKey":"k-2"`) + `,"b":` + shapeOf("shape.keyed", `,"idempotencyKey":"k-2"`)},
	// Handed to gqlgen, accepted there:
	{oneEntryDecl, "[$a, $a]", `"a":` + shapeOf("shape.twice", "")},
	{oneEntryDecl, "[$a]", `"a":` + shapeOf("shape.typename", `,"__typename":"X"`)},
	{oneEntryDecl, `[$a, {action: "shape.literal", resourceType: "r", occurredAt: "2026-12-01T10:00:00Z"}]`, `"a":` + shapeOf("shape.with.literal", "")},
	{oneEntryDecl, "[$a]", `"a":` + shapeOf("shape.repeated", `,"action":"shape.repeated2"`)},
}

// badShapes are such documents, or their values, that some layer refuses.
var badShapes = []ingestShape{
	{twoEntryDecls, "[$a, $b]", `"a":` + shapeOf("a.b", "")},
	{oneEntryDecl, "[$a]", `"a":null`},
	{twoEntryDecls, "[$a, $b]", `"a":` + shapeOf("a.b", "") + `,"b":null`},
	{oneEntryDecl, "[$a]", `"a":[` + shapeOf("a.b", "") + `]`},
	{oneEntryDecl, "[$a]", `"a":` + shapeOf("a.b", `,"foo":1`)},
	{oneEntryDecl, "[$a]", `"a":{"action":5,"resourceType":"r"}`},
	{oneEntryDecl, "[$a]", `"a":{"resourceType":"r"}`},
	{oneEntryDecl, "[$a]", `"a":` + shapeOf("a.b", `,"status":"success"`)},
	{oneEntryDecl, "[$a]", `"a":` + shapeOf("a.b", `,"request":{"httpStatus":2.5}`)},
	{oneEntryDecl, "[$a]", `"a":` + shapeOf("a.b", `,"metadata":[1]`)},
	{oneEntryDecl, "[$a]", `"a":"entry"`},
	{twoEntryDecls, "[$a, $b]", `"a":` + shapeOf("a.b", "") + `,"b":{"action":"Bad Action","resourceType":""}`},
	{twoEntryDecls, "[$a, $b]", `"a":{"action":"a.b","resourceType":"r","occurredAt":"2099-01-01T00:00:00Z"},"b":` + shapeOf("a.b", "")},
	{twoEntryDecls, "[$a, $b]", `"a":` + shapeOf("a.b", `,"idempotencyKey":"k-3"`) + `,"b":` + shapeOf("a.c", `,"idempotencyKey":"k-3"`)},
	{"$a: AuditEntryInput", "[$a]", `"a":` + shapeOf("a.b", "")},
	{oneEntryDecl, "$a", `"a":` + shapeOf("a.b", "")},
	{oneEntryDecl + ", $c: AuditEntryInput!", "[$a]", `"a":` + shapeOf("a.b", "") + `,"c":` + shapeOf("a.c", "")},
	{"$a: [AuditEntryInput!]!", "[$a]", `"a":[` + shapeOf("a.b", "") + `]`},
	{"", "[]", ""},
	manyEntryVariables(audit.MaxBatch + 1),
}

// manyEntryVariables is a list literal of n variables.
func manyEntryVariables(n int) ingestShape {
	decls, items, vars := make([]string, n), make([]string, n), make([]string, n)
	for i := range n {
		decls[i] = fmt.Sprintf("$v%d: AuditEntryInput!", i)
		items[i] = fmt.Sprintf("$v%d", i)
		vars[i] = fmt.Sprintf(`"v%d":{"action":"a.b","resourceType":"r"}`, i)
	}
	return ingestShape{strings.Join(decls, ", "), "[" + strings.Join(items, ", ") + "]", strings.Join(vars, ",")}
}

// TestIngestShortcutSameAsGqlgen sends the same bodies to a server with
// the ingest shortcut and to one decoding with gqlgen alone (on one
// database): refused bodies must get the same answer byte for byte, and
// accepted ones the same entries and stored rows.
func TestIngestShortcutSameAsGqlgen(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		g := testserver.NewOnDB(t, s.DB, func(c *app.Config) { c.HTTP.GenericIngestDecoder = true })
		fs, fg := newFixture(t, s, "shortcut"), newFixture(t, s, "generic")
		var bad, good []func(tenantID string) []byte
		for _, e := range badEntries {
			bad = append(bad, func(tenantID string) []byte { return ingestBody(ingestCompareQuery, tenantID, e) })
		}
		for _, c := range badShapes {
			bad = append(bad, c.body)
		}
		for _, e := range goodEntries {
			good = append(good, func(tenantID string) []byte { return ingestBody(ingestCompareQuery, tenantID, e) })
		}
		for _, c := range goodShapes {
			good = append(good, c.body)
		}
		for i, body := range bad {
			rs := s.Post(t, fs.ingest, "/graphql", "application/json", body(fs.tenantID))
			rg := g.Post(t, fs.ingest, "/graphql", "application/json", body(fs.tenantID))
			if rs.Status != rg.Status || !bytes.Equal(rs.Body, rg.Body) {
				t.Errorf("bad body %d: shortcut HTTP %d %s\ngqlgen HTTP %d %s", i, rs.Status, rs.Body, rg.Status, rg.Body)
			}
			if len(rs.Errors) == 0 {
				t.Errorf("bad body %d was accepted: %s", i, rs.Body)
			}
		}
		for i, body := range good {
			rs := s.Post(t, fs.ingest, "/graphql", "application/json", body(fs.tenantID)).NoErrors(t)
			rg := g.Post(t, fg.ingest, "/graphql", "application/json", body(fg.tenantID)).NoErrors(t)
			bs := strings.NewReplacer(fs.keyID, "KEY", fs.keyName, "KEYNAME").Replace(string(rs.Body))
			bg := strings.NewReplacer(fg.keyID, "KEY", fg.keyName, "KEYNAME").Replace(string(rg.Body))
			if bs != bg {
				t.Errorf("good body %d: shortcut %s\ngqlgen %s", i, bs, bg)
			}
		}
		if n := countEntries(t, s, fs.tenantID); n == 0 || n != countEntries(t, s, fg.tenantID) {
			t.Fatalf("stored %d entries with the shortcut, %d without", n, countEntries(t, s, fg.tenantID))
		}
		// The stored rows are the same, and their hashes recompute.
		ctx := testserver.System(context.Background())
		rows := func(tenantID string) []string {
			es, err := s.Client().AuditEntry.Query().Where(auditentry.TenantID(tenantID), auditentry.ActionNEQ(audit.ViewAction)).
				Order(auditentry.ByAction(), auditentry.ByResourceType(), auditentry.ByOccurredAt()).All(ctx)
			if err != nil {
				t.Fatal(err)
			}
			out := make([]string, len(es))
			for i, e := range es {
				if h := audit.Hash(audit.EntryOf(e)); h != e.Hash {
					t.Errorf("entry %s: stored hash %s, recomputed %s", e.ID, e.Hash, h)
				}
				b, err := json.Marshal([]any{e.Action, e.ResourceType, e.OccurredAt.UTC(), e.ResourceID, e.ResourceName, e.Workspace,
					e.IdempotencyKey, e.ActorType, e.ActorName, e.ActorEmail, e.Status, string(e.OldValue), string(e.NewValue),
					string(e.Metadata), e.Request})
				if err != nil {
					t.Fatal(err)
				}
				out[i] = string(b)
			}
			return out
		}
		a := strings.ReplaceAll(strings.Join(rows(fs.tenantID), "\n"), fs.keyName, "KEYNAME")
		if b := strings.ReplaceAll(strings.Join(rows(fg.tenantID), "\n"), fg.keyName, "KEYNAME"); a != b {
			t.Errorf("stored rows differ:\nshortcut %s\ngqlgen   %s", a, b)
		}
	})
}

// TestIngestShortcutMalformedRequests: requests around the entries (the
// body, the document) get gqlgen's answers too.
func TestIngestShortcutMalformedRequests(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		g := testserver.NewOnDB(t, s.DB, func(c *app.Config) { c.HTTP.GenericIngestDecoder = true })
		f := newFixture(t, s, "malformed")
		one := `[{"action":"a.b","resourceType":"r","occurredAt":"2099-01-01T00:00:00Z"}]`
		bodies := []string{
			string(ingestBody(ingestCompareQuery, f.tenantID, one)) + ` trailing`,
			string(ingestBody(ingestCompareQuery, f.tenantID, one))[:60],
			fmt.Sprintf(`{"query":%q,"operationName":"Other","variables":{"t":%q,"e":%s}}`, ingestCompareQuery, f.tenantID, one),
			fmt.Sprintf(`{"query":%q,"variables":{"t":%q}}`, ingestCompareQuery, f.tenantID),
			fmt.Sprintf(`{"query":%q,"variables":{"t":%q,"e":%s},"headers":5}`, ingestCompareQuery, f.tenantID, one),
			fmt.Sprintf(`{"query":%q,"variables":{"t":5,"e":%s}}`, ingestCompareQuery, one),
			fmt.Sprintf(`{"query":%q,"variables":{"t":%q,"e":%s}}`, strings.Replace(ingestCompareQuery, "created", "created nope", 1), f.tenantID, one),
			fmt.Sprintf(`{"query":%q,"variables":{"t":%q,"e":%s}}`, ingestCompareQuery+` query Q { __typename }`, f.tenantID, one),
		}
		for i, b := range bodies {
			rs := s.Post(t, f.ingest, "/graphql", "application/json", []byte(b))
			rg := g.Post(t, f.ingest, "/graphql", "application/json", []byte(b))
			if rs.Status != rg.Status || !bytes.Equal(rs.Body, rg.Body) {
				t.Errorf("body %d: shortcut HTTP %d %s\ngqlgen HTTP %d %s", i, rs.Status, rs.Body, rg.Status, rg.Body)
			}
			if rs.Status == http.StatusOK && len(rs.Errors) == 0 {
				t.Errorf("body %d accepted: %s", i, rs.Body)
			}
		}
	})
}
