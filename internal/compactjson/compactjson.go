// Package compactjson writes JSON in the form json.Marshal gives a
// json.RawMessage: no whitespace outside strings, and <, >, &, U+2028 and
// U+2029 escaped inside them. GraphQL responses are written in that form
// (gqlgen's transports marshal the data as a RawMessage), so bytes written
// in it once need no second pass.
package compactjson

// Append appends src, valid JSON, to dst as json.Marshal writes a
// json.RawMessage: whitespace outside strings dropped, and <, >, & and
// U+2028, U+2029 escaped as \u003c, \u003e, \u0026, \u2028, \u2029
// (encoding/json's appendCompact with HTML escaping). Unlike appendCompact
// it does not validate src: a response's data is JSON that gqlgen or
// graph.FastPage wrote, and stored JSON values (TestAppend compares the
// two on valid JSON). It copies runs of plain bytes whole instead of stepping a
// scanner state machine per byte.
func Append(dst, src []byte) []byte {
	start := 0 // src[start:i] is still to be copied
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '"':
			dst, start, i = appendCompactString(dst, src, start, i+1)
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			dst = append(dst, src[start:i]...)
			for i < len(src) && (src[i] == ' ' || src[i] == '\t' || src[i] == '\n' || src[i] == '\r') {
				i++
			}
			start = i
		default:
			i++
		}
	}
	return append(dst, src[start:]...)
}

// appendCompactString copies the string whose contents start at src[i]
// through its closing quote, escaping the HTML-sensitive characters; it
// returns the new copy start and the index after the string.
func appendCompactString(dst, src []byte, start, i int) ([]byte, int, int) {
	for i < len(src) {
		c := src[i]
		if !stringSpecial[c] {
			i++
			continue
		}
		switch c {
		case '"':
			return dst, start, i + 1
		case '\\':
			i += 2
		case '<', '>', '&':
			dst = append(dst, src[start:i]...)
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			i++
			start = i
		default: // 0xE2, the first byte of U+2028 and U+2029
			if i+2 < len(src) && src[i+1] == 0x80 && src[i+2]&^1 == 0xA8 {
				dst = append(dst, src[start:i]...)
				dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[src[i+2]&0xF])
				i += 3
				start = i
			} else {
				i++
			}
		}
	}
	return dst, start, i
}

const hexDigits = "0123456789abcdef"

// upperHexDigits are gqlgen's (graphql.MarshalString's encodeHex).
const upperHexDigits = "0123456789ABCDEF"

// stringSpecial marks the bytes inside a string that end a plain run.
var stringSpecial = [256]bool{'"': true, '\\': true, '<': true, '>': true, '&': true, 0xE2: true}

// AppendString appends s as a JSON string in the form a response holds it:
// what gqlgen's graphql.MarshalString writes (control characters, quote
// and backslash escaped, \t \r \n by name, the others as \u00XX in upper
// case, every other byte as is) after
// Append has escaped <, >, &, U+2028 and U+2029 in it.
func AppendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !quoteSpecial[c] {
			continue
		}
		switch c {
		case '\t':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 't')
		case '\r':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'r')
		case '\n':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'n')
		case '\\', '"':
			b = append(b, s[start:i]...)
			b = append(b, '\\', c)
		case 0xE2: // U+2028 and U+2029 are E2 80 A8 and E2 80 A9
			if i+2 >= len(s) || s[i+1] != 0x80 || s[i+2]&^1 != 0xA8 {
				continue
			}
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[s[i+2]&0xF])
			i += 2
		case '<', '>', '&': // escaped by json.Marshal, in lower case
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
		default: // other control characters, escaped by gqlgen in upper case
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '0', '0', upperHexDigits[c>>4], upperHexDigits[c&0xF])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// quoteSpecial marks the bytes AppendString does not copy as they are.
var quoteSpecial = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = true
	}
	for _, c := range []byte{'"', '\\', '<', '>', '&', 0xE2} {
		t[c] = true
	}
	return t
}()
