// Package requestid gives every HTTP request an id that appears in its log
// lines, in the X-Request-ID response header and in INTERNAL error messages,
// so a user's report can be matched with the server's log.
package requestid

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
)

// Header is the request and response header carrying the id.
const Header = "X-Request-ID"

type ctxKey struct{}

// NewContext returns ctx carrying id.
func NewContext(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, ctxKey{}, id)
}

// FromContext returns the request id of ctx, or "" outside a request.
func FromContext(ctx context.Context) string {
	id, _ := ctx.Value(ctxKey{}).(string)
	return id
}

// New returns a fresh random id.
func New() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// FromRequest returns the id a proxy in front of us sent, when it is a short
// token of safe characters (it is echoed into logs and headers), or a new one.
func FromRequest(r *http.Request) string {
	if id := r.Header.Get(Header); valid(id) {
		return id
	}
	return New()
}

func valid(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c == '.':
		default:
			return false
		}
	}
	return true
}
