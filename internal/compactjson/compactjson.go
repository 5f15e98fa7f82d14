package httpapi

// appendCompactJSON appends src, valid JSON, to dst as json.Marshal writes a
// json.RawMessage: whitespace outside strings dropped, and <, >, & and
// U+2028, U+2029 escaped as \u003c, \u003e, \u0026, \u2028, \u2029
// (encoding/json's appendCompact with HTML escaping). Unlike appendCompact
// it does not validate src: a response's data is JSON that gqlgen or
// graph.FastPage wrote (TestAppendCompactJSON compares the two on valid
// JSON). It copies runs of plain bytes whole instead of stepping a
// scanner state machine per byte.
func appendCompactJSON(dst, src []byte) []byte {
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

// stringSpecial marks the bytes inside a string that end a plain run.
var stringSpecial = [256]bool{'"': true, '\\': true, '<': true, '>': true, '&': true, 0xE2: true}
