package selfaudit

import (
	"github.com/trailmark/trailmark/internal/audit"
)

// Redacted replaces the value of a secret.
const Redacted = audit.Redacted

// IsSecretKey reports whether a JSON key names a secret; the rule is
// internal/audit's, shared with ingested request payloads.
func IsSecretKey(k string) bool { return audit.IsSecretKey(k) }

// Redact returns a copy of a decoded JSON value with the values of
// secret-looking keys, and Trailmark's own secrets inside any string,
// replaced by "[REDACTED]", at any depth.
func Redact(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			if IsSecretKey(k) {
				out[k] = Redacted
				continue
			}
			out[k] = Redact(x)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = Redact(x)
		}
		return out
	case string:
		// Trailmark's own secrets, under any key (audit.Create redacts
		// them again in every stored value).
		s, _ := audit.RedactSecrets(t)
		return s
	}
	return v
}
