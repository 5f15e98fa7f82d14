// Package scalar marshals Trailmark's custom GraphQL scalars.
//
// JSON and Map values travel as schematype.RawJSON so that a value is stored
// and returned byte for byte as it was given (numbers keep their precision).
package scalar

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/99designs/gqlgen/graphql"

	"github.com/trailmark/trailmark/ent/schema/schematype"
)

// MarshalJSON writes any JSON value.
func MarshalJSON(v schematype.RawJSON) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		if len(v) == 0 {
			_, _ = io.WriteString(w, "null")
			return
		}
		_, _ = w.Write(v)
	})
}

// UnmarshalJSON accepts any JSON value from a variable or literal.
func UnmarshalJSON(v any) (schematype.RawJSON, error) {
	if v == nil {
		return nil, nil
	}
	if n, ok := v.(json.Number); ok { // keep the number exactly as sent
		return schematype.RawJSON(n.String()), nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("not a JSON value: %w", err)
	}
	return b, nil
}

// MarshalMap writes a JSON object.
func MarshalMap(v schematype.RawJSON) graphql.Marshaler { return MarshalJSON(v) }

// UnmarshalMap accepts a JSON object only.
func UnmarshalMap(v any) (schematype.RawJSON, error) {
	if v == nil {
		return nil, nil
	}
	if _, ok := v.(map[string]any); !ok {
		return nil, fmt.Errorf("a Map must be a JSON object")
	}
	return UnmarshalJSON(v)
}
