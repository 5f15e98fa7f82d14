// Package schematype holds the Go types stored in JSON columns.
package schematype

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
