package graph

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"

	"github.com/trailmark/trailmark/graph/generated"
)

// TestDirectReadVariablesAsVariableValues requires the variables the direct
// path takes to be exactly what gqlparser's coercion returns for them: the
// operation context's variables feed the self-audit's request record and
// the view's details, which the HTTP test's byte comparison does not see.
func TestDirectReadVariablesAsVariableValues(t *testing.T) {
	vars := &InputVariables{}
	if err := vars.Validate(generated.NewExecutableSchema(generated.Config{})); err != nil {
		t.Fatal(err)
	}
	d := &DirectRead{vars: vars}
	doc, err := parser.ParseQuery(&ast.Source{Input: `query Q($t: ID, $tt: ID!, $p: Boolean, $first: Int, $f2: Int, $s: String,
  $after: Cursor, $where: AuditEntryWhereInput, $order: AuditEntryOrder) {
  a: auditEntries(tenantID: $t, platform: $p, first: $first, after: $after, where: $where, orderBy: $order, filter: $s) { totalCount }
  b: auditEntries(tenantID: $tt, last: $f2) { totalCount } }`})
	if err != nil {
		t.Fatal(err)
	}
	if errs := validator.Validate(schemaDef, doc); len(errs) > 0 {
		t.Fatal(errs)
	}
	op := doc.Operations[0]
	num := func(s string) json.Number { return json.Number(s) }
	cases := []map[string]any{
		{"tt": "x"},
		{"tt": "x", "t": "y", "p": true, "first": num("25"), "f2": num("-3"), "s": "text", "after": "Y3Vyc29y"},
		{"tt": num("12"), "t": num("1.5")},
		{"tt": "x", "first": num("2147483647"), "f2": num("0")},
		{"tt": "x", "first": num("2147483648")},
		{"tt": "x", "first": num("9223372036854775808")},
		{"tt": "x", "first": num("1e3")},
		{"tt": "x", "first": num("2.5")},
		{"tt": "x", "first": "7"},
		{"tt": "x", "first": "seven"},
		{"tt": "x", "first": true},
		{"tt": "x", "t": nil, "first": nil, "where": nil},
		{"tt": nil},
		{},
		{"tt": "x", "undeclared": num("1")},
		{"tt": "x", "where": map[string]any{"action": "a", "occurredAtGTE": "2026-01-01T00:00:00Z", "actionIn": []any{"a", "b"}}},
		{"tt": "x", "where": map[string]any{"nope": 1}},
		{"tt": "x", "order": map[string]any{"field": "OCCURRED_AT", "direction": "DESC"}},
		{"tt": "x", "order": map[string]any{"field": "occurred_at", "direction": "desc"}},
		{"tt": "x", "order": map[string]any{"field": "OCCURRED_AT"}},
		{"tt": "x", "p": "true"},
		{"tt": "x", "s": num("5")},
	}
	taken := 0
	for _, given := range cases {
		got, ok := d.variables(op, given)
		if !ok {
			continue
		}
		taken++
		want, gqlErr := validator.VariableValues(schemaDef, op, given)
		if gqlErr != nil {
			t.Fatalf("%v: the direct path takes variables gqlparser refuses: %v", given, gqlErr)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%v: direct %#v, gqlparser %#v", given, got, want)
		}
	}
	if taken < 10 {
		t.Fatalf("only %d of %d cases taken", taken, len(cases))
	}
}
