package audit

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/trailmark/trailmark/ent/schema/schematype"
)

// StoredJSON returns raw as encoding/json writes it after decoding it into
// an any with UseNumber: the form gqlgen's JSON scalar stores (object keys
// sorted, the last of a repeated key kept, no whitespace, strings escaped
// as encoding/json escapes them, numbers as written). raw must be valid
// JSON. It reads raw once without building maps: decoding into maps and
// encoding them again was a tenth of the CPU of ingestion
// (docs/performance.md, "2026-12-05 (evening) — ingest without
// reflection"); TestJSONFormsMatchEncodingJSON holds it to encoding/json.
func StoredJSON(raw []byte) []byte {
	w := jsonForm{src: raw}
	out, _ := w.value(make([]byte, 0, len(raw)), 1)
	return out
}

// canonicalJSON is appendCanonical of raw decoded, when raw is valid JSON
// that checkJSON accepts; ok is false otherwise (the caller then takes the
// decoding path, which reports what is wrong).
func canonicalJSON(raw []byte) (out []byte, ok bool) {
	if !json.Valid(raw) {
		return nil, false
	}
	w := jsonForm{src: raw, canonical: true}
	return w.value(make([]byte, 0, len(raw)+16), 1)
}

// jsonForm re-encodes one valid JSON value. With canonical set, numbers
// are written as plainNumber writes them, and what checkJSON refuses
// (depth, NUL characters, huge exponents) stops it.
type jsonForm struct {
	src       []byte
	pos       int
	canonical bool
}

func (w *jsonForm) skipSpace() byte {
	for w.pos < len(w.src) {
		switch c := w.src[w.pos]; c {
		case ' ', '\t', '\n', '\r':
			w.pos++
		default:
			return c
		}
	}
	return 0
}

func (w *jsonForm) value(dst []byte, depth int) ([]byte, bool) {
	if w.canonical && depth > MaxJSONDepth {
		return dst, false
	}
	switch c := w.skipSpace(); {
	case c == '{':
		return w.object(dst, depth)
	case c == '[':
		return w.array(dst, depth)
	case c == '"':
		s, ok := w.string()
		if !ok {
			return dst, false
		}
		return appendStringBytes(dst, s), true
	case c == 't' || c == 'f' || c == 'n':
		start := w.pos
		for w.pos < len(w.src) && w.src[w.pos] >= 'a' && w.src[w.pos] <= 'z' {
			w.pos++
		}
		return append(dst, w.src[start:w.pos]...), true
	default: // a number
		start := w.pos
		for w.pos < len(w.src) && strings.IndexByte("+-.0123456789eE", w.src[w.pos]) >= 0 {
			w.pos++
		}
		num := w.src[start:w.pos]
		if !w.canonical {
			return append(dst, num...), true
		}
		n, ok := plainNumber(string(num))
		return append(dst, n...), ok
	}
}

func (w *jsonForm) array(dst []byte, depth int) ([]byte, bool) {
	w.pos++ // [
	dst = append(dst, '[')
	if w.skipSpace() == ']' {
		w.pos++
		return append(dst, ']'), true
	}
	for first := true; ; first = false {
		if !first {
			dst = append(dst, ',')
		}
		var ok bool
		if dst, ok = w.value(dst, depth+1); !ok {
			return dst, false
		}
		switch w.skipSpace() {
		case ',':
			w.pos++
		case ']':
			w.pos++
			return append(dst, ']'), true
		default:
			return dst, false
		}
	}
}

// member is one name and value of an object, the value already written
// (vals[start:end] of the object's buffer).
type member struct {
	name       []byte
	start, end int
}

func (w *jsonForm) object(dst []byte, depth int) ([]byte, bool) {
	w.pos++ // {
	var members []member
	var vals []byte
	if w.skipSpace() == '}' {
		w.pos++
		return append(dst, "{}"...), true
	}
	for {
		if w.skipSpace() != '"' {
			return dst, false
		}
		name, ok := w.string()
		if !ok || w.skipSpace() != ':' {
			return dst, false
		}
		w.pos++
		start := len(vals)
		if vals, ok = w.value(vals, depth+1); !ok {
			return dst, false
		}
		members = append(members, member{name: name, start: start, end: len(vals)})
		switch w.skipSpace() {
		case ',':
			w.pos++
		case '}':
			w.pos++
			return writeMembers(dst, members, vals), true
		default:
			return dst, false
		}
	}
}

// writeMembers writes an object's members sorted by name, the last of a
// repeated name winning (as decoding into a map, then encoding it, does).
func writeMembers(dst []byte, members []member, vals []byte) []byte {
	slices.SortStableFunc(members, func(a, b member) int { return bytes.Compare(a.name, b.name) })
	dst = append(dst, '{')
	wrote := false
	for i, m := range members {
		if i+1 < len(members) && bytes.Equal(members[i+1].name, m.name) {
			continue // a later one of the same name wins
		}
		if wrote {
			dst = append(dst, ',')
		}
		wrote = true
		dst = appendStringBytes(dst, m.name)
		dst = append(dst, ':')
		dst = append(dst, vals[m.start:m.end]...)
	}
	return append(dst, '}')
}

// string reads the string at pos, decoded as encoding/json decodes it.
// Text without escapes, control or non-ASCII bytes is returned in place;
// anything else is decoded by encoding/json itself (U+FFFD for invalid
// UTF-8, surrogate pairs). In canonical form a NUL character stops it.
func (w *jsonForm) string() ([]byte, bool) {
	start := w.pos
	plain := true
	for i := start + 1; i < len(w.src); i++ {
		switch c := w.src[i]; {
		case c == '"':
			w.pos = i + 1
			if plain {
				return w.src[start+1 : i], true
			}
			var s string
			if err := json.Unmarshal(w.src[start:w.pos], &s); err != nil {
				return nil, false
			}
			if w.canonical && strings.IndexByte(s, 0) >= 0 {
				return nil, false
			}
			return []byte(s), true
		case c == '\\':
			plain = false
			i++
		case c < 0x20 || c >= utf8.RuneSelf:
			plain = false
		}
	}
	return nil, false
}

// appendStringBytes is appendString of s.
func appendStringBytes(b, s []byte) []byte {
	for _, c := range s {
		if c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return appendString(b, string(s))
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// canonicalRequest is the request's part of the content hash,
// canonical(json.Marshal(r)), written directly: the reflective encoding and
// the decoding of it were half of the hash's CPU. Its members are those of
// RequestInfo's JSON encoding in sorted order; text that is not valid
// UTF-8 (which encoding/json would rewrite) or a payload canonicalJSON
// refuses takes the definition's path.
func canonicalRequest(r *schematype.RequestInfo) []byte {
	var payload []byte
	if len(r.Payload) > 0 {
		var ok bool
		if payload, ok = canonicalJSON(r.Payload); !ok {
			return canonicalRequestSlow(r)
		}
	}
	texts := []struct {
		name string
		s    *string
	}{{"method", r.Method}, {"operationName", r.OperationName}, {"path", r.Path}, {"sourceIP", r.SourceIP}, {"userAgent", r.UserAgent}}
	for _, t := range texts {
		if t.s != nil && !utf8.ValidString(*t.s) {
			return canonicalRequestSlow(r)
		}
	}
	b := make([]byte, 0, 128+len(payload))
	b = append(b, '{')
	member := func(name string) {
		if len(b) > 1 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = append(b, name...)
		b = append(b, `":`...)
	}
	if r.HTTPStatus != nil {
		member("httpStatus")
		b = strconv.AppendInt(b, int64(*r.HTTPStatus), 10)
	}
	for _, t := range texts {
		if t.name == "sourceIP" && payload != nil { // "path" < "payload" < "sourceIP"
			member("payload")
			b = append(b, payload...)
		}
		if t.s != nil {
			member(t.name)
			b = appendString(b, *t.s)
		}
	}
	return append(b, '}')
}

// canonicalRequestSlow is the definition of canonicalRequest.
func canonicalRequestSlow(r *schematype.RequestInfo) []byte {
	b, _ := json.Marshal(r)
	return canonical(b)
}

// holdsSecret reports whether Redact could change raw (valid JSON): some
// member has a secret name (IsSecretKey) and a value other than the string
// Redacted. It reads raw in place; deciding so by decoding every payload
// into maps was most of Redact's cost, and payloads rarely hold a secret
// that is not redacted already. When it cannot tell, it says true.
func holdsSecret(raw []byte) bool {
	w := jsonForm{src: raw}
	found, ok := w.secrets()
	return found || !ok
}

// secrets walks one value for holdsSecret.
func (w *jsonForm) secrets() (found, ok bool) {
	switch w.skipSpace() {
	case '{':
		w.pos++
		if w.skipSpace() == '}' {
			w.pos++
			return false, true
		}
		for {
			if w.skipSpace() != '"' {
				return false, false
			}
			name, ok := w.string()
			if !ok || w.skipSpace() != ':' {
				return false, false
			}
			w.pos++
			if IsSecretKey(string(name)) {
				if w.skipSpace() != '"' {
					return true, true
				}
				if s, ok := w.string(); !ok || string(s) != Redacted {
					return true, true
				}
			} else if found, ok := w.secrets(); found || !ok {
				return found, ok
			}
			switch w.skipSpace() {
			case ',':
				w.pos++
			case '}':
				w.pos++
				return false, true
			default:
				return false, false
			}
		}
	case '[':
		w.pos++
		if w.skipSpace() == ']' {
			w.pos++
			return false, true
		}
		for {
			if found, ok := w.secrets(); found || !ok {
				return found, ok
			}
			switch w.skipSpace() {
			case ',':
				w.pos++
			case ']':
				w.pos++
				return false, true
			default:
				return false, false
			}
		}
	default:
		_, ok := w.value(nil, 1) // a scalar: nothing to redact in it
		return false, ok
	}
}
