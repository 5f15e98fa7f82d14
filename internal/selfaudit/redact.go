package selfaudit

import "strings"

// Redacted replaces the value of a secret-looking key.
const Redacted = "[REDACTED]"

// secretWords are the key names whose values never reach an audit entry
// (API.md: password, token, secret, authorization, cookie, api_key).
var secretWords = []string{"password", "passwd", "token", "secret", "authorization", "cookie", "apikey"}

// IsSecretKey reports whether a JSON key names a secret: "password",
// "newPassword", "X-Api-Key", "session_token" and so on.
func IsSecretKey(k string) bool {
	k = strings.ToLower(strings.NewReplacer("_", "", "-", "", " ", "").Replace(k))
	for _, w := range secretWords {
		if strings.Contains(k, w) {
			return true
		}
	}
	return false
}

// Redact returns a copy of a decoded JSON value with the values of
// secret-looking keys replaced by "[REDACTED]", at any depth.
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
		if looksLikeSecret(t) {
			return Redacted
		}
	}
	return v
}

// secretPrefixes start Trailmark's own secrets (API keys, session and
// invitation tokens): such a value is redacted under any key.
var secretPrefixes = []string{"tmk_", "tms_", "tmi_"}

func looksLikeSecret(s string) bool {
	for _, p := range secretPrefixes {
		if strings.HasPrefix(s, p) && len(s) > 30 {
			return true
		}
	}
	return false
}
