// Package schematype holds the Go types stored in JSON columns.
package schematype

import (
	"bytes"
	"database/sql/driver"
	"encoding/json"
	"fmt"

	"entgo.io/ent/schema/field"
)

// RequestInfo is the HTTP request behind an audit entry.
type RequestInfo struct {
	Method        *string `json:"method,omitempty"`
	Path          *string `json:"path,omitempty"`
	OperationName *string `json:"operationName,omitempty"`
	Payload       RawJSON `json:"payload,omitempty"`
	SourceIP      *string `json:"sourceIP,omitempty"`
	UserAgent     *string `json:"userAgent,omitempty"`
	HTTPStatus    *int    `json:"httpStatus,omitempty"`
}

// RawJSON is a JSON value kept byte for byte as it was given.
type RawJSON []byte

// MarshalJSON returns the stored bytes (null when empty).
func (r RawJSON) MarshalJSON() ([]byte, error) {
	if len(r) == 0 {
		return []byte("null"), nil
	}
	return r, nil
}

// UnmarshalJSON keeps a copy of the bytes.
func (r *RawJSON) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*r = nil
		return nil
	}
	*r = append((*r)[0:0], b...)
	return nil
}

// StreamHeader is a custom header a log stream sends with every request; its
// value is write-only in the API.
type StreamHeader struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// JSONValue stores and reads a RawJSON column (an ent field.ValueScanner)
// as a JSON field does, without json.Unmarshal on the read: the stored bytes
// are json.Marshal's (compacted, HTML-escaped), and the read is the column's
// text with JSON whitespace trimmed, a JSON null read as nil: what
// json.Unmarshal into RawJSON gives for the valid JSON a json or jsonb column
// holds. Unlike json.Unmarshal it does not validate what it reads.
type JSONValue struct{}

// Value is json.Marshal of v, as ent writes a JSON field.
func (JSONValue) Value(v RawJSON) (driver.Value, error) {
	return json.Marshal(v)
}

// ScanValue reads the column's text.
func (JSONValue) ScanValue() field.ValueScanner { return new(jsonText) }

// FromValue returns the RawJSON scanned into a jsonText.
func (JSONValue) FromValue(v driver.Value) (RawJSON, error) {
	t, ok := v.(*jsonText)
	if !ok {
		return nil, fmt.Errorf("unexpected input for FromValue: %T", v)
	}
	return t.v, nil
}

// jsonText scans a JSON column's text into a RawJSON of its own.
type jsonText struct{ v RawJSON }

func (t *jsonText) Scan(src any) error {
	var b []byte
	switch s := src.(type) {
	case nil:
		t.v = nil
		return nil
	case []byte:
		b = s
	case string:
		b = []byte(s)
	default:
		return fmt.Errorf("scan JSON column: unexpected %T", src)
	}
	b = bytes.Trim(b, " \t\r\n")
	if len(b) == 0 || string(b) == "null" {
		t.v = nil
		return nil
	}
	t.v = RawJSON(bytes.Clone(b))
	return nil
}

func (t *jsonText) Value() (driver.Value, error) { return []byte(t.v), nil }
