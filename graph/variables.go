package graph

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/validator"
)

// InputVariables spares gqlparser's coercion of the variables that cost it
// most: a nullable input object such as `$where: AuditEntryWhereInput`.
// validator.VariableValues walks every field the input type defines
// (AuditEntryWhereInput has 183), allocating a path element and a
// reflect.Value for each whatever the value holds: ~590 allocations and
// ~40 µs of a q2 request's CPU (docs/performance.md "2026-12-06 (morning)
// — the fixed cost of a request").
//
// For a document gqlgen has validated before (in its query cache), the
// operation parameter step checks each such variable against its type,
// walking the keys the value has; when the value is one gqlparser would
// accept and hand back unchanged, the variable is set aside and gqlparser
// sees it as not given (it is nullable, without a default: it is skipped).
// The operation context step, which runs before any other reads the
// variables, puts it back. Anything else — a value that is not valid, that
// gqlparser would coerce (a list given as one value, a float ID), a
// missing non-null field with a default, a type it does not know — is left
// to gqlparser, which answers as before. So the coerced variables, and
// every error with its message and path, are gqlparser's.
//
// Use it before the other extensions that read the variables in
// MutateOperationContext (the complexity limit).
type InputVariables struct {
	Cache  graphql.Cache[*ast.QueryDocument]
	schema *ast.Schema
	inputs map[string]*inputType
}

// inputType is an input object's fields by name, and those that must be
// given.
type inputType struct {
	fields   map[string]*ast.FieldDefinition
	required []*ast.FieldDefinition
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
	graphql.OperationContextMutator
} = (*InputVariables)(nil)

// setAside is the Stats extension holding the variables set aside.
const setAside = "TrailmarkInputVariables"

func (*InputVariables) ExtensionName() string { return "TrailmarkInputVariables" }

// Validate indexes the schema's input objects (gqlgen calls it when the
// extension is added).
func (e *InputVariables) Validate(es graphql.ExecutableSchema) error {
	e.schema = es.Schema()
	e.inputs = map[string]*inputType{}
	for name, def := range e.schema.Types {
		if def.Kind != ast.InputObject {
			continue
		}
		in := &inputType{fields: make(map[string]*ast.FieldDefinition, len(def.Fields))}
		for _, f := range def.Fields {
			in.fields[f.Name] = f
			if f.Type.NonNull {
				in.required = append(in.required, f)
			}
		}
		e.inputs[name] = in
	}
	return nil
}

// MutateOperationParameters sets aside the nullable input-object variables
// whose values gqlparser would accept unchanged.
func (e *InputVariables) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if e.Cache == nil || len(p.Variables) == 0 {
		return nil
	}
	doc, ok := e.Cache.Get(ctx, p.Query)
	if !ok {
		return nil
	}
	op := doc.Operations.ForName(p.OperationName)
	if op == nil {
		return nil
	}
	var aside map[string]any
	for _, v := range op.VariableDefinitions {
		if v.Type.NonNull || v.Type.Elem != nil || v.DefaultValue != nil || e.inputs[v.Type.NamedType] == nil {
			continue
		}
		val, ok := p.Variables[v.Variable]
		if !ok || val == nil || !e.unchanged(v.Type, val) {
			continue
		}
		if aside == nil {
			aside = map[string]any{}
		}
		aside[v.Variable] = val
	}
	if aside == nil {
		return nil
	}
	// A copy: the transport's map stays as it was decoded.
	vars := make(map[string]any, len(p.Variables))
	for k, v := range p.Variables {
		if _, ok := aside[k]; !ok {
			vars[k] = v
		}
	}
	p.Variables = vars
	graphql.GetOperationContext(ctx).Stats.SetExtension(setAside, aside)
	if onSetAside != nil {
		onSetAside(p.Query)
	}
	return nil
}

// onSetAside, when set (by tests only), is told the document of each
// request whose variables were set aside.
var onSetAside func(query string)

// MutateOperationContext puts back what MutateOperationParameters set
// aside, once gqlparser has coerced the other variables without an error.
func (e *InputVariables) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	aside, _ := oc.Stats.GetExtension(setAside).(map[string]any)
	for k, v := range aside {
		oc.Variables[k] = v
	}
	return nil
}

// unchanged reports whether validator.VariableValues accepts val (decoded
// from JSON: nil, bool, string, json.Number, []any, map[string]any) as a
// value of typ and returns it as it is. False means "not sure", never
// "invalid".
func (e *InputVariables) unchanged(typ *ast.Type, val any) bool {
	if typ.Elem != nil {
		list, ok := val.([]any)
		if !ok {
			return false // gqlparser wraps a single value in a new list
		}
		for _, x := range list {
			if x == nil {
				if typ.Elem.NonNull {
					return false
				}
				continue
			}
			if !e.unchanged(typ.Elem, x) {
				return false
			}
		}
		return true
	}
	def := e.schema.Types[typ.NamedType]
	if def == nil {
		return false
	}
	switch def.Kind {
	case ast.Enum:
		s, ok := stringKind(val)
		if !ok {
			return false
		}
		for _, ev := range def.EnumValues {
			if strings.EqualFold(s, ev.Name) {
				return true
			}
		}
		return false
	case ast.Scalar:
		s, isString := stringKind(val)
		switch typ.NamedType {
		case "Int":
			return isString && validator.IsValidIntString(reflect.ValueOf(s), reflect.String)
		case "Float":
			return isString && validator.IsValidFloatString(reflect.ValueOf(s), reflect.String)
		case "String", "ID":
			return isString
		case "Boolean":
			_, ok := val.(bool)
			return ok
		}
		// gqlparser accepts any value of a custom scalar as it is; the
		// scalar's unmarshaller judges it later.
		return true
	case ast.InputObject:
		m, ok := val.(map[string]any)
		in := e.inputs[typ.NamedType]
		if !ok || in == nil {
			return false
		}
		for k, x := range m {
			if k == "__typename" {
				continue
			}
			f := in.fields[k]
			if f == nil {
				return false
			}
			if x == nil {
				if f.Type.NonNull {
					return false
				}
				continue
			}
			if !e.unchanged(f.Type, x) {
				return false
			}
		}
		for _, f := range in.required {
			if _, ok := m[f.Name]; !ok {
				return false // an error, or a default gqlparser checks
			}
		}
		return true
	}
	return false
}

// stringKind is the text of a value gqlparser sees as a reflect.String:
// a string or a json.Number.
func stringKind(val any) (string, bool) {
	switch s := val.(type) {
	case string:
		return s, true
	case json.Number:
		return string(s), true
	}
	return "", false
}
