package graph

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/validator"
)

// TestInputVariablesAsVariableValues checks InputVariables' judgement
// against gqlparser itself: for random values of every input object of
// the schema — valid ones, and ones with unknown fields, nulls, wrong
// kinds, enum values in any case or none, single values for lists, numbers
// for strings — whenever InputVariables would set a value aside,
// validator.VariableValues must accept the same value and return it
// unchanged.
func TestInputVariablesAsVariableValues(t *testing.T) {
	e := &InputVariables{}
	if err := e.Validate(NewSchema(&Resolver{})); err != nil {
		t.Fatal(err)
	}
	g := valueGen{schema: e.schema, r: rand.New(rand.NewPCG(12, 6))}
	kept, refused, inputs := 0, 0, 0
	for name, def := range e.schema.Types {
		if def.Kind != ast.InputObject {
			continue
		}
		inputs++
		typ := ast.NamedType(name, nil)
		op := &ast.OperationDefinition{VariableDefinitions: ast.VariableDefinitionList{
			{Variable: "v", Type: typ, Definition: def},
		}}
		for range 400 {
			v := g.object(def, 0)
			ok := e.unchanged(typ, v)
			got, err := validator.VariableValues(e.schema, op, map[string]any{"v": deepCopy(v)})
			if err != nil {
				refused++
			}
			if !ok {
				continue
			}
			kept++
			if err != nil {
				t.Fatalf("%s %s: set aside, but gqlparser refuses it: %v", name, show(v), err)
			}
			if !reflect.DeepEqual(got["v"], v) {
				t.Fatalf("%s %s: set aside, but gqlparser changes it to %s", name, show(v), show(got["v"]))
			}
		}
	}
	t.Logf("%d input types, %d values set aside, %d refused by gqlparser", inputs, kept, refused)
	if kept < inputs*400/5 || refused < inputs*400/5 {
		t.Errorf("the values do not exercise both sides: %d set aside, %d refused", kept, refused)
	}
}

// valueGen makes values as a JSON decoder with UseNumber does, mostly valid.
type valueGen struct {
	schema *ast.Schema
	r      *rand.Rand
}

func (g valueGen) odd() any {
	return []any{nil, true, "s", "NOPE", "12", json.Number("7"), json.Number("1.5"), json.Number("1e400"),
		[]any{}, []any{nil}, map[string]any{}, map[string]any{"nope": "x"}, 2.0}[g.r.IntN(13)]
}

func (g valueGen) value(typ *ast.Type, depth int) any {
	if g.r.IntN(20) == 0 {
		return g.odd()
	}
	if typ.Elem != nil {
		if g.r.IntN(8) == 0 {
			return g.value(typ.Elem, depth) // gqlparser makes it a list
		}
		list := []any{}
		for range g.r.IntN(4) {
			if g.r.IntN(20) == 0 {
				list = append(list, nil)
			} else {
				list = append(list, g.value(typ.Elem, depth))
			}
		}
		return list
	}
	def := g.schema.Types[typ.NamedType]
	switch def.Kind {
	case ast.Enum:
		s := def.EnumValues[g.r.IntN(len(def.EnumValues))].Name
		switch g.r.IntN(10) {
		case 0:
			return strings.ToLower(s)
		case 1:
			return s + "X"
		}
		return s
	case ast.InputObject:
		return g.object(def, depth+1)
	}
	switch typ.NamedType {
	case "Int":
		return []any{json.Number("42"), json.Number("-3"), "17", json.Number("99999999999999999999"), "x"}[g.r.IntN(5)]
	case "Float":
		return []any{json.Number("1.5"), json.Number("3"), "2.5", "y"}[g.r.IntN(4)]
	case "Boolean":
		return []any{true, false, "true"}[g.r.IntN(3)]
	case "String", "ID":
		return []any{"a", "", json.Number("5"), false}[g.r.IntN(4)]
	}
	return []any{"2026-01-02T03:04:05Z", json.Number("8"), map[string]any{"k": "v"}, []any{"x"}}[g.r.IntN(4)]
}

func (g valueGen) object(def *ast.Definition, depth int) any {
	m := map[string]any{}
	for _, f := range def.Fields {
		switch {
		case f.Type.NonNull && g.r.IntN(10) > 0:
		case g.r.IntN(len(def.Fields)) < 3 && (depth < 2 || g.schema.Types[f.Type.Name()].Kind != ast.InputObject):
		default:
			continue
		}
		if g.r.IntN(10) == 0 {
			m[f.Name] = nil
		} else {
			m[f.Name] = g.value(f.Type, depth)
		}
	}
	switch g.r.IntN(20) {
	case 0:
		m["nope"] = "x"
	case 1:
		m["__typename"] = def.Name
	}
	return m
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = deepCopy(e)
		}
		return l
	}
	return v
}

func show(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// BenchmarkVariableValues is the coercion of the peer benchmark's q2
// variables, as gqlgen's executor runs it on every request: by gqlparser
// alone, and with InputVariables setting `where` aside.
func BenchmarkVariableValues(b *testing.B) {
	schema := NewSchema(&Resolver{})
	e := &InputVariables{}
	if err := e.Validate(schema); err != nil {
		b.Fatal(err)
	}
	doc, errs := gqlparser.LoadQuery(e.schema, `query Q2($tenantID: ID!, $orderBy: AuditEntryOrder, $where: AuditEntryWhereInput) {
  auditEntries(tenantID: $tenantID, where: $where, orderBy: $orderBy, first: 25) { edges { cursor } } }`)
	if errs != nil {
		b.Fatal(errs)
	}
	op := doc.Operations[0]
	var vars map[string]any
	dec := json.NewDecoder(strings.NewReader(`{"tenantID": "t1", "orderBy": {"field": "OCCURRED_AT", "direction": "DESC"},
	  "where": {"action": "user.login", "occurredAtGTE": "2026-12-01T00:00:00Z", "occurredAtLT": "2026-12-08T00:00:00Z"}}`))
	dec.UseNumber()
	if err := dec.Decode(&vars); err != nil {
		b.Fatal(err)
	}
	b.Run("gqlparser", func(b *testing.B) {
		b.ReportAllocs()
		cpu := processCPU()
		for b.Loop() {
			if _, err := validator.VariableValues(e.schema, op, vars); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(processCPU()-cpu)/float64(b.N), "cpu-ns/op")
	})
	b.Run("set_aside", func(b *testing.B) {
		b.ReportAllocs()
		cpu := processCPU()
		defer func() { b.ReportMetric(float64(processCPU()-cpu)/float64(b.N), "cpu-ns/op") }()
		for b.Loop() {
			rest := map[string]any{}
			aside := map[string]any{}
			for _, v := range op.VariableDefinitions {
				val := vars[v.Variable]
				if !v.Type.NonNull && v.Type.Elem == nil && e.inputs[v.Type.NamedType] != nil && e.unchanged(v.Type, val) {
					aside[v.Variable] = val
				} else {
					rest[v.Variable] = val
				}
			}
			out, err := validator.VariableValues(e.schema, op, rest)
			if err != nil {
				b.Fatal(err)
			}
			for k, v := range aside {
				out[k] = v
			}
		}
	})
}

// processCPU is this process's CPU time so far (user and system), in ns:
// on a loaded machine wall time says little.
func processCPU() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
