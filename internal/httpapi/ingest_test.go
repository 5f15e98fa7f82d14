package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql/handler/lru"

	"github.com/trailmark/trailmark/graph/model"
)

const shortcutQuery = `mutation Ingest($t: ID!, $e: [AuditEntryInput!]!) {
  recordAuditEntries(tenantID: $t, entries: $e) { created entries { id } }
}`

// TestShortcutIngest: which ingest bodies the shortcut decodes itself
// (graph's TestIngestShortcutSameAsGqlgen holds what it decodes to the
// answers of gqlgen's path) and which it leaves to gqlgen.
func TestShortcutIngest(t *testing.T) {
	entry := `{"action":"a.b","resourceType":"r","actor":{"type":"USER","id":"u"},"newValue":{"b":1,"a":[2]},"request":{"httpStatus":200,"payload":null}}`
	body := func(query, vars string) []byte {
		return []byte(fmt.Sprintf(`{"query":%q,"operationName":"Ingest","variables":%s,"extensions":{"n":1.50}}`, query, vars))
	}
	// Each body is read without the document cache and twice through one
	// cache: the same decision every time.
	docs := lru.New[ingestDoc](100)
	take := func(b []byte) ([]byte, []*model.AuditEntryInput, bool) {
		short, entries, ok := shortcutIngest(context.Background(), nil, b)
		for range 2 {
			if _, _, cached := shortcutIngest(context.Background(), docs, b); cached != ok {
				t.Errorf("taken %v without the cache, %v with it: %s", ok, cached, b)
			}
		}
		return short, entries, ok
	}
	taken := map[string][]byte{
		"one entry":      body(shortcutQuery, `{"t":"x","e":[`+entry+`]}`),
		"two entries":    body(shortcutQuery, `{"e":[`+entry+`, `+entry+`],"t":"x"}`),
		"unknown member": []byte(fmt.Sprintf(`{"id":"abc","query":%q,"operationName":null,"variables":{"t":"x","e":[%s]},"extensions":{"n":1.50}}`, strings.Replace(shortcutQuery, "Ingest", "", 1), entry)),
		"list of one variable": body(`mutation Ingest($t: ID!, $entry: AuditEntryInput!) { recordAuditEntries(tenantID: $t, entries: [$entry]) { entries { id } } }`,
			`{"t":"x","entry":`+entry+`}`),
		"list of two variables": body(`mutation Ingest($b: AuditEntryInput!, $a: AuditEntryInput!) { recordAuditEntries(tenantID: "x", entries: [ $a , $b ]) { created } }`,
			`{"b":`+entry+`,"a":`+entry+`}`),
		"other var name": body(`mutation Ingest($entries: [AuditEntryInput!]!) { recordAuditEntries(tenantID: "x", entries: $entries) { created } }`, `{"entries":[`+entry+`]}`),
	}
	for name, b := range taken {
		short, entries, ok := take(b)
		if !ok {
			t.Errorf("%s: not taken", name)
			continue
		}
		var got struct {
			Query, OperationName string
			Variables            map[string]any
			Extensions           map[string]json.Number
		}
		if err := json.Unmarshal(short, &got); err != nil {
			t.Fatalf("%s: %v in %s", name, err, short)
		}
		for k, v := range got.Variables {
			if l, isList := v.([]any); isList && len(l) != 0 || k == "t" && v != "x" ||
				k != "t" && !isList && !reflect.DeepEqual(v, map[string]any{"action": "", "resourceType": ""}) {
				t.Errorf("%s: variable %s = %v in the body left for gqlgen", name, k, v)
			}
		}
		if got.OperationName != "Ingest" && name != "unknown member" || got.Extensions["n"] != "1.50" || len(entries) == 0 ||
			string(entries[0].NewValue) != `{"a":[2],"b":1}` || *entries[0].Request.HTTPStatus != 200 {
			t.Errorf("%s: %s, %+v", name, short, entries[0])
		}
	}
	left := map[string][]byte{
		"not ingest":              body(`query { viewer { id } }`, `{}`),
		"two operations":          body(shortcutQuery+` query Q { __typename }`, `{"t":"x","e":[`+entry+`]}`),
		"literal entries":         body(`mutation Ingest { recordAuditEntries(tenantID: "x", entries: [{action: "a.b", resourceType: "r"}]) { created } }`, `{}`),
		"list with a literal":     body(`mutation Ingest($a: AuditEntryInput!) { recordAuditEntries(tenantID: "x", entries: [$a, {action: "a.b", resourceType: "r"}]) { created } }`, `{"a":`+entry+`}`),
		"empty list literal":      body(`mutation Ingest { recordAuditEntries(tenantID: "x", entries: []) { created } }`, `{}`),
		"item variable twice":     body(`mutation Ingest($a: AuditEntryInput!) { recordAuditEntries(tenantID: "x", entries: [$a, $a]) { created } }`, `{"a":`+entry+`}`),
		"nullable item variable":  body(`mutation Ingest($a: AuditEntryInput) { recordAuditEntries(tenantID: "x", entries: [$a]) { created } }`, `{"a":`+entry+`}`),
		"item variable default":   body(`mutation Ingest($a: AuditEntryInput! = {action: "a.b", resourceType: "r"}) { recordAuditEntries(tenantID: "x", entries: [$a]) { created } }`, `{"a":`+entry+`}`),
		"list item variable":      body(`mutation Ingest($a: [AuditEntryInput!]!) { recordAuditEntries(tenantID: "x", entries: [$a]) { created } }`, `{"a":[`+entry+`]}`),
		"entry variable as list":  body(`mutation Ingest($a: AuditEntryInput!) { recordAuditEntries(tenantID: "x", entries: $a) { created } }`, `{"a":`+entry+`}`),
		"missing item variable":   body(`mutation Ingest($a: AuditEntryInput!, $b: AuditEntryInput!) { recordAuditEntries(tenantID: "x", entries: [$a, $b]) { created } }`, `{"a":`+entry+`}`),
		"null item variable":      body(`mutation Ingest($a: AuditEntryInput!) { recordAuditEntries(tenantID: "x", entries: [$a]) { created } }`, `{"a":null}`),
		"item variable is a list": body(`mutation Ingest($a: AuditEntryInput!) { recordAuditEntries(tenantID: "x", entries: [$a]) { created } }`, `{"a":[`+entry+`]}`),
		"item with unknown field": body(`mutation Ingest($a: AuditEntryInput!) { recordAuditEntries(tenantID: "x", entries: [$a]) { created } }`, `{"a":{"action":"a.b","resourceType":"r","x":1}}`),
		"nullable list":           body(`mutation Ingest($e: [AuditEntryInput!]) { recordAuditEntries(tenantID: "x", entries: $e) { created } }`, `{"e":[`+entry+`]}`),
		"default value":           body(`mutation Ingest($e: [AuditEntryInput!]! = []) { recordAuditEntries(tenantID: "x", entries: $e) { created } }`, `{"e":[`+entry+`]}`),
		"variable used twice":     body(`mutation Ingest($e: [AuditEntryInput!]!) { recordAuditEntries(tenantID: "x", entries: $e) { created } b: recordAuditEntries(tenantID: "x", entries: $e) { created } }`, `{"e":[`+entry+`]}`),
		"mentioned in a comment": body(`mutation Ingest($e: [AuditEntryInput!]!) { # $e
			recordAuditEntries(tenantID: "x", entries: $e) { created } }`, `{"e":[`+entry+`]}`),
		"directive":            body(`mutation Ingest($e: [AuditEntryInput!]!) { recordAuditEntries(tenantID: "x", entries: $e) @skip(if: true) { created } }`, `{"e":[`+entry+`]}`),
		"fragment":             body(`mutation Ingest($e: [AuditEntryInput!]!) { ...F } fragment F on Mutation { recordAuditEntries(tenantID: "x", entries: $e) { created } }`, `{"e":[`+entry+`]}`),
		"wrong operation":      []byte(fmt.Sprintf(`{"query":%q,"operationName":"Other","variables":{"t":"x","e":[%s]}}`, shortcutQuery, entry)),
		"unknown field":        body(shortcutQuery, `{"t":"x","e":[{"action":"a.b","resourceType":"r","x":1}]}`),
		"__typename":           body(shortcutQuery, `{"t":"x","e":[{"action":"a.b","resourceType":"r","__typename":"A"}]}`),
		"repeated field":       body(shortcutQuery, `{"t":"x","e":[{"action":"a.b","resourceType":"r","action":"c.d"}]}`),
		"one object":           body(shortcutQuery, `{"t":"x","e":`+entry+`}`),
		"null element":         body(shortcutQuery, `{"t":"x","e":[null]}`),
		"no entries":           body(shortcutQuery, `{"t":"x"}`),
		"missing action":       body(shortcutQuery, `{"t":"x","e":[{"resourceType":"r"}]}`),
		"number as string":     body(shortcutQuery, `{"t":"x","e":[{"action":"a.b","resourceType":"r","resourceID":7}]}`),
		"enum case":            body(shortcutQuery, `{"t":"x","e":[{"action":"a.b","resourceType":"r","status":"success"}]}`),
		"actor type":           body(shortcutQuery, `{"t":"x","e":[{"action":"a.b","resourceType":"r","actor":{"type":"ROBOT"}}]}`),
		"actor without type":   body(shortcutQuery, `{"t":"x","e":[{"action":"a.b","resourceType":"r","actor":{"id":"u"}}]}`),
		"bad time":             body(shortcutQuery, `{"t":"x","e":[{"action":"a.b","resourceType":"r","occurredAt":"now"}]}`),
		"string Int":           body(shortcutQuery, `{"t":"x","e":[{"action":"a.b","resourceType":"r","request":{"httpStatus":"200"}}]}`),
		"fractional Int":       body(shortcutQuery, `{"t":"x","e":[{"action":"a.b","resourceType":"r","request":{"httpStatus":2.5}}]}`),
		"huge Int":             body(shortcutQuery, `{"t":"x","e":[{"action":"a.b","resourceType":"r","request":{"httpStatus":1e3}}]}`),
		"Map not an object":    body(shortcutQuery, `{"t":"x","e":[{"action":"a.b","resourceType":"r","metadata":[1]}]}`),
		"name in another case": []byte(fmt.Sprintf(`{"Query":%q,"variables":{"t":"x","e":[%s]}}`, shortcutQuery, entry)),
		"repeated variables":   []byte(fmt.Sprintf(`{"query":%q,"variables":{"t":"x","e":[%s]},"variables":{}}`, shortcutQuery, entry)),
		"repeated variable":    []byte(fmt.Sprintf(`{"query":%q,"variables":{"t":"x","e":[%s],"e":[]}}`, shortcutQuery, entry)),
		"headers":              []byte(fmt.Sprintf(`{"query":%q,"variables":{"t":"x","e":[%s]},"headers":{}}`, shortcutQuery, entry)),
		"trailing data":        append(body(shortcutQuery, `{"t":"x","e":[`+entry+`]}`), " x"...),
		"invalid JSON":         []byte(`{"query":"mutation`),
	}
	for name, b := range left {
		if _, _, ok := take(b); ok {
			t.Errorf("%s: taken", name)
		}
	}
}
