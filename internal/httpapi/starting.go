package httpapi

import (
	"net/http"

	"github.com/trailmark/trailmark/internal/apierr"
)

// Starting answers while the server listens but cannot serve yet (its
// database is not reachable): /healthz is fine (the process runs: a restart
// would not help), /readyz and everything else 503, so that a load balancer
// keeps traffic away and clients retry. reason says why, for /readyz.
func Starting(reason func() string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "5")
		switch r.URL.Path {
		case "/healthz":
			writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
		case "/readyz":
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "starting", "reason": reason()})
		default:
			apierr.WriteGraphQL(w, http.StatusServiceUnavailable, apierr.New(apierr.CodeUnavailable,
				"Trailmark is starting: its database is not reachable yet; try again"))
		}
	})
}
