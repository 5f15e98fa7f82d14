package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"

	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/graph/model"
	"github.com/trailmark/trailmark/internal/audit"
)

// DecodeIngestEntries decodes the JSON value of recordAuditEntries'
// `entries` variable straight into the inputs the resolver takes, without
// the map[string]any of the whole body, gqlparser's reflective coercion
// (validator.VariableValues) and gqlgen's argument unmarshalling — together
// ~40% of the server's CPU for a 50-entry batch (docs/performance.md,
// "2026-12-05 (evening) — ingest without reflection").
//
// It accepts only values that gqlgen's own path turns into inputs without
// an error, and gives the same inputs for them: every scalar goes through
// the unmarshaller the generated code calls. Anything else — an unknown or
// repeated field, a missing or null required one, a value of the wrong JSON
// type, an enum name in the wrong case, a number that is not a plain Int —
// makes ok false, and the caller hands the request to gqlgen unchanged, so
// that bad input gets gqlgen's errors, paths and codes, byte for byte.
// raw must be valid JSON (the caller has decoded the body around it).
func DecodeIngestEntries(raw []byte) (entries []*model.AuditEntryInput, ok bool) {
	d := ingestDecoder{b: raw}
	if !d.array(func() bool {
		e := new(model.AuditEntryInput)
		entries = append(entries, e)
		return d.entry(e)
	}) || d.skipSpace() != len(raw) {
		return nil, false
	}
	if entries == nil {
		entries = []*model.AuditEntryInput{}
	}
	return entries, true
}

// DecodeIngestEntry decodes the JSON value of one variable given as an item
// of a list literal of variables (`entries: [$a, $b]`), as DecodeIngestEntries
// decodes each element of the list: ok is false for anything gqlgen's path
// might answer differently (null, a list, an unknown field…).
func DecodeIngestEntry(raw []byte) (*model.AuditEntryInput, bool) {
	d := ingestDecoder{b: raw}
	e := new(model.AuditEntryInput)
	if !d.entry(e) || d.skipSpace() != len(raw) {
		return nil, false
	}
	return e, true
}

type decodedEntriesKey struct{}

// WithDecodedEntries returns ctx carrying entries decoded by
// DecodeIngestEntries (or DecodeIngestEntry, one a variable) for the
// request's one recordAuditEntries field, whose `entries` variables the
// transport has replaced by placeholders.
func WithDecodedEntries(ctx context.Context, entries []*model.AuditEntryInput) context.Context {
	return context.WithValue(ctx, decodedEntriesKey{}, entries)
}

// decodedEntries is what WithDecodedEntries put in ctx.
func decodedEntries(ctx context.Context) ([]*model.AuditEntryInput, bool) {
	e, ok := ctx.Value(decodedEntriesKey{}).([]*model.AuditEntryInput)
	return e, ok
}

// ingestDecoder reads one valid JSON value; pos is the next byte.
type ingestDecoder struct {
	b   []byte
	pos int
}

func (d *ingestDecoder) skipSpace() int {
	for d.pos < len(d.b) {
		switch d.b[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return d.pos
		}
	}
	return d.pos
}

// peek is the first byte of the next token (0 at the end).
func (d *ingestDecoder) peek() byte {
	if d.skipSpace() >= len(d.b) {
		return 0
	}
	return d.b[d.pos]
}

// array calls elem for every element of a JSON array; false when the value
// is not an array or elem says so.
func (d *ingestDecoder) array(elem func() bool) bool {
	if d.peek() != '[' {
		return false
	}
	d.pos++
	if d.peek() == ']' {
		d.pos++
		return true
	}
	for {
		if !elem() {
			return false
		}
		switch d.peek() {
		case ',':
			d.pos++
		case ']':
			d.pos++
			return true
		default:
			return false
		}
	}
}

// object calls field for every member of a JSON object, refusing a name
// given twice (encoding/json would keep the last; gqlgen's path is left to
// decide what that means).
func (d *ingestDecoder) object(field func(name string) bool) bool {
	if d.peek() != '{' {
		return false
	}
	d.pos++
	if d.peek() == '}' {
		d.pos++
		return true
	}
	var seen []string
	for {
		name, ok := d.string()
		if !ok || d.peek() != ':' {
			return false
		}
		for _, s := range seen {
			if s == name {
				return false
			}
		}
		seen = append(seen, name)
		d.pos++
		if !field(name) {
			return false
		}
		switch d.peek() {
		case ',':
			d.pos++
		case '}':
			d.pos++
			return true
		default:
			return false
		}
	}
}

// null consumes a JSON null.
func (d *ingestDecoder) null() bool {
	if d.peek() == 'n' && bytes.HasPrefix(d.b[d.pos:], []byte("null")) {
		d.pos += len("null")
		return true
	}
	return false
}

// string reads a JSON string as encoding/json decodes it. Text without
// escapes, control or non-ASCII bytes (the common case) is taken as it is;
// anything else is decoded by encoding/json itself (U+FFFD for invalid
// UTF-8, surrogate pairs).
func (d *ingestDecoder) string() (string, bool) {
	if d.peek() != '"' {
		return "", false
	}
	start := d.pos
	plain := true
	for i := start + 1; i < len(d.b); i++ {
		switch c := d.b[i]; {
		case c == '"':
			d.pos = i + 1
			if plain {
				return string(d.b[start+1 : i]), true
			}
			var s string
			if err := json.Unmarshal(d.b[start:d.pos], &s); err != nil {
				return "", false
			}
			return s, true
		case c == '\\':
			plain = false
			i++ // the escaped byte cannot end the string
		case c < 0x20 || c >= utf8.RuneSelf:
			plain = false
		}
	}
	return "", false
}

// optString reads a String: null is nil.
func (d *ingestDecoder) optString(dst **string) bool {
	if d.null() {
		*dst = nil
		return true
	}
	s, ok := d.string()
	if ok {
		*dst = &s
	}
	return ok
}

// value skips one JSON value and returns its bytes.
func (d *ingestDecoder) value() ([]byte, bool) {
	start := d.skipSpace()
	depth := 0
	for d.pos < len(d.b) {
		switch c := d.b[d.pos]; c {
		case '"':
			if _, ok := d.skipString(); !ok {
				return nil, false
			}
			if depth == 0 {
				return d.b[start:d.pos], true
			}
			continue
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return d.b[start:d.pos], d.pos > start
			}
			depth--
			if depth == 0 {
				d.pos++
				return d.b[start:d.pos], true
			}
		case ',', ' ', '\t', '\n', '\r', ':':
			if depth == 0 {
				return d.b[start:d.pos], d.pos > start
			}
		}
		d.pos++
	}
	return d.b[start:d.pos], depth == 0 && d.pos > start
}

// skipString moves past the string at pos.
func (d *ingestDecoder) skipString() (int, bool) {
	for i := d.pos + 1; i < len(d.b); i++ {
		switch d.b[i] {
		case '\\':
			i++
		case '"':
			d.pos = i + 1
			return d.pos, true
		}
	}
	return 0, false
}

// jsonValue reads a JSON scalar (a Map when object is set) as gqlgen
// does: scalar.UnmarshalJSON of the value decoded with numbers as written
// is encoding/json's encoding of it, which audit.StoredJSON writes without
// the decoding. A Map that is not an object is left to gqlgen (its error).
// null is nil.
func (d *ingestDecoder) jsonValue(dst *schematype.RawJSON, object bool) bool {
	if d.null() {
		*dst = nil
		return true
	}
	if object && d.peek() != '{' {
		return false
	}
	raw, ok := d.value()
	if !ok {
		return false
	}
	*dst = audit.StoredJSON(raw)
	return true
}

func (d *ingestDecoder) entry(e *model.AuditEntryInput) bool {
	var hasAction, hasResourceType bool
	ok := d.object(func(name string) bool {
		switch name {
		case "idempotencyKey":
			return d.optString(&e.IdempotencyKey)
		case "occurredAt":
			return d.time(&e.OccurredAt)
		case "action":
			e.Action, hasAction = d.string()
			return hasAction
		case "resourceType":
			e.ResourceType, hasResourceType = d.string()
			return hasResourceType
		case "resourceID":
			return d.optString(&e.ResourceID)
		case "resourceName":
			return d.optString(&e.ResourceName)
		case "workspace":
			return d.optString(&e.Workspace)
		case "actor":
			return d.actor(&e.Actor)
		case "status":
			return d.status(&e.Status)
		case "oldValue":
			return d.jsonValue(&e.OldValue, false)
		case "newValue":
			return d.jsonValue(&e.NewValue, false)
		case "metadata":
			return d.jsonValue(&e.Metadata, true)
		case "request":
			return d.request(&e.Request)
		}
		return false // unknown (or __typename): gqlgen's path decides
	})
	return ok && hasAction && hasResourceType
}

func (d *ingestDecoder) time(dst **time.Time) bool {
	if d.null() {
		*dst = nil
		return true
	}
	s, ok := d.string()
	if !ok {
		return false
	}
	t, err := graphql.UnmarshalTime(s)
	*dst = &t
	return err == nil
}

// status reads an AuditStatus: only a name as the schema spells it
// (gqlparser would let other cases through to the unmarshaller).
func (d *ingestDecoder) status(dst **auditentry.Status) bool {
	if d.null() {
		*dst = nil
		return true
	}
	s, ok := d.string()
	if !ok || auditentry.StatusValidator(auditentry.Status(s)) != nil {
		return false
	}
	st := new(auditentry.Status)
	*dst = st
	return st.UnmarshalGQL(s) == nil
}

func (d *ingestDecoder) actor(dst **model.ActorInput) bool {
	if d.null() {
		*dst = nil
		return true
	}
	a := new(model.ActorInput)
	*dst = a
	var hasType bool
	ok := d.object(func(name string) bool {
		switch name {
		case "type":
			s, ok := d.string()
			if !ok || !slices.Contains(schematype.ActorType("").Values(), s) {
				return false
			}
			hasType = a.Type.UnmarshalGQL(s) == nil
			return hasType
		case "id":
			return d.optString(&a.ID)
		case "name":
			return d.optString(&a.Name)
		case "email":
			return d.optString(&a.Email)
		}
		return false
	})
	return ok && hasType
}

func (d *ingestDecoder) request(dst **model.RequestInput) bool {
	if d.null() {
		*dst = nil
		return true
	}
	r := new(model.RequestInput)
	*dst = r
	return d.object(func(name string) bool {
		switch name {
		case "method":
			return d.optString(&r.Method)
		case "path":
			return d.optString(&r.Path)
		case "operationName":
			return d.optString(&r.OperationName)
		case "payload":
			return d.jsonValue(&r.Payload, false)
		case "sourceIP":
			return d.optString(&r.SourceIP)
		case "userAgent":
			return d.optString(&r.UserAgent)
		case "httpStatus":
			return d.int(&r.HTTPStatus)
		}
		return false
	})
}

// int reads an Int given as a JSON integer that gqlparser accepts (a
// 64-bit integer) and gqlgen's unmarshaller converts without error.
func (d *ingestDecoder) int(dst **int) bool {
	if d.null() {
		*dst = nil
		return true
	}
	if c := d.peek(); c != '-' && (c < '0' || c > '9') {
		return false
	}
	raw, ok := d.value()
	if !ok {
		return false
	}
	if _, err := strconv.ParseInt(string(raw), 10, 64); err != nil {
		return false
	}
	n, err := graphql.UnmarshalInt(json.Number(raw))
	*dst = &n
	return err == nil
}

// IngestRequest is what the ingest shortcut reads of a JSON GraphQL
// request body: the document, the operation's name and where each
// variable's value lies in the body.
type IngestRequest struct {
	Query         string
	OperationName string
	Variables     map[string][2]int // name → [start, end) of its value
}

// ReadIngestRequest reads the top of a request body that is valid JSON
// (the caller checks) without decoding the variables, in place of
// encoding/json's two passes over the whole body (~10% of the server's CPU
// for a 50-entry batch). It takes only bodies whose member names are
// spelt exactly as gqlgen's graphql.RawParams spells them, each once, so
// that gqlgen's decoding of the same body (which matches names in any case
// and lets a repeated one win) means the same; "headers" is left to
// gqlgen too.
func ReadIngestRequest(body []byte) (IngestRequest, bool) {
	d := ingestDecoder{b: body}
	req := IngestRequest{Variables: map[string][2]int{}}
	ok := d.object(func(name string) bool {
		switch name {
		case "query":
			var ok bool
			req.Query, ok = d.string()
			return ok
		case "operationName":
			if d.null() {
				return true
			}
			var ok bool
			req.OperationName, ok = d.string()
			return ok
		case "variables":
			if d.null() {
				return true
			}
			return d.object(func(v string) bool {
				start := d.skipSpace()
				_, ok := d.value()
				req.Variables[v] = [2]int{start, d.pos}
				return ok
			})
		}
		for _, known := range []string{"query", "operationName", "variables", "extensions", "headers"} {
			if strings.EqualFold(name, known) && name != "extensions" {
				return false
			}
		}
		_, ok := d.value() // extensions, or a member gqlgen ignores
		return ok
	})
	return req, ok && d.skipSpace() == len(body)
}
