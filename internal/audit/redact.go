package audit

import (
	"encoding/json"
	"strings"

	"github.com/trailmark/trailmark/ent/schema/schematype"
)

// Redacted replaces the value of a secret in a stored request payload.
const Redacted = "[REDACTED]"

// secretWords mark a key as holding a secret when its normalised form (lower
// case, letters and digits only) contains one of them: "X-Api-Key" ->
// "xapikey", "access_token" -> "accesstoken".
var secretWords = []string{
	"password", "passwd", "passphrase", "token", "secret", "authorization",
	"cookie", "apikey", "privatekey", "credential",
}

// IsSecretKey reports whether a payload key names a secret.
func IsSecretKey(key string) bool {
	norm := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			return r
		case r >= 'A' && r <= 'Z':
			return r + ('a' - 'A')
		}
		return -1
	}, key)
	for _, w := range secretWords {
		if strings.Contains(norm, w) {
			return true
		}
	}
	return false
}

// Redact returns payload with the value of every secret key, at any depth
// and whatever its type, replaced by "[REDACTED]". A payload without
// secrets is returned unchanged, byte for byte.
func Redact(payload schematype.RawJSON) schematype.RawJSON {
	if len(payload) == 0 {
		return payload
	}
	v, err := decodeJSON(payload)
	if err != nil {
		return payload // validated before; nothing to redact in a non-value
	}
	if !redact(v) {
		return payload
	}
	b, err := json.Marshal(v)
	if err != nil {
		return payload
	}
	return b
}

// redact replaces secrets in place and reports whether it replaced any.
func redact(v any) bool {
	changed := false
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			if IsSecretKey(k) {
				if s, ok := c.(string); !ok || s != Redacted {
					x[k] = Redacted
					changed = true
				}
				continue
			}
			if redact(c) {
				changed = true
			}
		}
	case []any:
		for _, c := range x {
			if redact(c) {
				changed = true
			}
		}
	}
	return changed
}
