package audit

import (
	"bytes"
	"encoding/json"
	"net/url"
	"slices"
	"strings"

	"github.com/trailmark/trailmark/ent/schema/schematype"
)

// Redacted replaces the value of a secret in a stored request payload.
const Redacted = "[REDACTED]"

// secretWords mark a key as holding a secret when its normalised form (lower
// case, letters and digits only) contains one of them: "X-Api-Key" ->
// "xapikey", "access_token" -> "accesstoken", "X-Amz-Signature" ->
// "xamzsignature".
var secretWords = []string{
	"password", "passwd", "passphrase", "token", "secret", "authorization",
	"cookie", "apikey", "privatekey", "credential", "signature", "accesskey",
	"sessionid", "authcode",
}

// secretNames mark a key as holding a secret when its normalised form is
// one of them: too short to look for inside longer names ("keyboard",
// "countryCode", "author"), they are secrets on their own, as in an OAuth
// redirect's "?code=" or a signed URL's "&sig=".
var secretNames = []string{"key", "code", "sig", "auth", "otp", "jwt", "sid"}

// IsSecretKey reports whether a payload key or query parameter names a
// secret.
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
	return slices.Contains(secretNames, norm)
}

// Redact returns payload with the value of every secret key, at any depth
// and whatever its type, replaced by "[REDACTED]". A payload without
// secrets is returned unchanged, byte for byte.
func Redact(payload schematype.RawJSON) schematype.RawJSON {
	if len(payload) == 0 || json.Valid(payload) && !holdsSecret(payload) {
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

// secretPrefixes start Trailmark's own secrets: API keys, session tokens
// and invitation tokens (internal/auth), each followed by 43 base62 digits.
var secretPrefixes = []string{"tmk_", "tms_", "tmi_"}

// minSecretDigits is the shortest run of base62 digits after a prefix that
// is taken for (a part of) a secret. An API key's visible prefix ("tmk_"
// and 8 digits) is shown in the console and the key's own entries on
// purpose, and stays.
const minSecretDigits = 16

// RedactSecrets returns s with every Trailmark secret in it — a whole
// value, or inside text like "Bearer tmk_…" or "?token=tms_…" — replaced by
// "[REDACTED]", and whether it replaced any.
func RedactSecrets(s string) (string, bool) {
	var b strings.Builder
	last, changed := 0, false
	for i := 0; i+len("tmk_") < len(s); {
		j := strings.Index(s[i:], "tm")
		if j < 0 {
			break
		}
		i += j
		if n := secretAt(s, i); n > 0 {
			b.WriteString(s[last:i])
			b.WriteString(Redacted)
			i += n
			last, changed = i, true
			continue
		}
		i += 2
	}
	if !changed {
		return s, false
	}
	b.WriteString(s[last:])
	return b.String(), true
}

// secretAt is the length of the secret starting at s[i], 0 when none does.
func secretAt(s string, i int) int {
	if !hasSecretPrefix(s[i:]) {
		return 0
	}
	n := len("tmk_")
	for i+n < len(s) && isBase62(s[i+n]) {
		n++
	}
	if n-len("tmk_") < minSecretDigits {
		return 0
	}
	return n
}

func hasSecretPrefix(s string) bool {
	for _, p := range secretPrefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

func isBase62(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// redactSecretsJSON replaces Trailmark secrets inside the strings (values
// and keys) of a JSON value. A value without any is returned unchanged,
// byte for byte, without being decoded.
func redactSecretsJSON(raw schematype.RawJSON) (schematype.RawJSON, bool) {
	// A secret can only hide behind a \u escape or show as itself.
	if len(raw) == 0 || !bytes.Contains(raw, []byte(`\u`)) && !mayHoldSecret(raw) {
		return raw, false
	}
	v, err := decodeJSON(raw)
	if err != nil {
		return raw, false
	}
	v, changed := redactSecretsValue(v)
	if !changed {
		return raw, false
	}
	b, err := json.Marshal(v)
	if err != nil {
		return raw, false
	}
	return b, true
}

// mayHoldSecret reports whether raw holds one of secretPrefixes followed
// by a secret; it copies raw only when a prefix is there.
func mayHoldSecret(raw []byte) bool {
	for _, p := range secretPrefixes {
		if bytes.Contains(raw, []byte(p)) {
			_, found := RedactSecrets(string(raw))
			return found
		}
	}
	return false
}

// redactSecretsValue replaces secrets in a decoded JSON value, in place
// where it can, and reports whether it replaced any.
func redactSecretsValue(v any) (any, bool) {
	changed := false
	switch x := v.(type) {
	case string:
		return RedactSecrets(x)
	case map[string]any:
		for k, c := range x {
			c, ch := redactSecretsValue(c)
			if nk, kch := RedactSecrets(k); kch {
				delete(x, k)
				k, ch = nk, true
			}
			if ch {
				x[k] = c
				changed = true
			}
		}
	case []any:
		for i, c := range x {
			if c, ch := redactSecretsValue(c); ch {
				x[i] = c
				changed = true
			}
		}
	}
	return v, changed
}

// RedactPath returns a request path with the values of its secret query
// parameters (by IsSecretKey, like payload keys: ?token=…, &api_key=…,
// &X-Amz-Signature=…) replaced by "[REDACTED]"; the rest is kept as sent.
func RedactPath(path string) string {
	q := strings.IndexByte(path, '?')
	if q < 0 {
		return path
	}
	end := len(path)
	if h := strings.IndexByte(path[q:], '#'); h >= 0 {
		end = q + h
	}
	params := strings.Split(path[q+1:end], "&")
	changed := false
	for i, p := range params {
		k, v, ok := strings.Cut(p, "=")
		if !ok || v == Redacted {
			continue
		}
		name, err := url.QueryUnescape(k)
		if err != nil {
			name = k
		}
		if IsSecretKey(name) {
			params[i] = k + "=" + Redacted
			changed = true
		}
	}
	if !changed {
		return path
	}
	return path[:q+1] + strings.Join(params, "&") + path[end:]
}

// redactEntry removes Trailmark's secrets from every stored value of e
// (its text fields, JSON values and request) and secret query parameters
// from its request path. It runs in Prepare, so that a prepared entry is
// what will be stored (and hashed), and again in Create for entries made
// elsewhere; a second run changes nothing.
func redactEntry(e *Entry) {
	for _, p := range []**string{&e.ResourceID, &e.ResourceName, &e.Workspace, &e.Actor.ID, &e.Actor.Name, &e.Actor.Email} {
		*p = redactOpt(*p)
	}
	e.ResourceType, _ = RedactSecrets(e.ResourceType)
	var changed bool
	if e.OldValue, changed = redactSecretsJSON(e.OldValue); changed {
		e.canonical.oldValue = nil
	}
	if e.NewValue, changed = redactSecretsJSON(e.NewValue); changed {
		e.canonical.newValue = nil
	}
	if e.Metadata, changed = redactSecretsJSON(e.Metadata); changed {
		e.canonical.metadata = nil
	}
	if e.Request != nil {
		r := *e.Request // the caller's RequestInfo is not changed
		r.Method = redactOpt(r.Method)
		r.OperationName = redactOpt(r.OperationName)
		r.UserAgent = redactOpt(r.UserAgent)
		if p := redactOpt(r.Path); p != nil {
			s := RedactPath(*p)
			r.Path = &s
		}
		r.Payload, _ = redactSecretsJSON(r.Payload)
		e.Request = &r
	}
}

// redactOpt is RedactSecrets of an optional value, s itself when nothing
// changes.
func redactOpt(s *string) *string {
	if s == nil {
		return nil
	}
	if r, ok := RedactSecrets(*s); ok {
		return &r
	}
	return s
}
