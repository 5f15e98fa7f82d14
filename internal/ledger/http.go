package ledger

import (
	"net/http"
)

// Routes serves the verifier key, public, at
// /.well-known/trailmark/log-key: anyone checking a checkpoint or an
// archive needs it, and it reveals nothing.
func Routes(l *Ledger) map[string]http.Handler {
	return map[string]http.Handler{
		"GET /.well-known/trailmark/log-key": http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.Header().Set("Cache-Control", "public, max-age=300")
			_, _ = w.Write([]byte(l.VerifierKey() + "\n"))
		}),
	}
}
