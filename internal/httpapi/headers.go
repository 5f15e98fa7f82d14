package httpapi

import (
	"net/http"

	"github.com/rs/cors"
)

// withCORS lets the configured origins call the API from a browser. Without
// any the API is same-origin only: no CORS headers at all, so browsers
// refuse other origins' preflights and do not let their pages read answers.
func withCORS(origins []string, next http.Handler) http.Handler {
	if len(origins) == 0 {
		return next
	}
	return cors.New(cors.Options{
		AllowedOrigins:   origins,
		AllowedMethods:   []string{http.MethodGet, http.MethodPost},
		AllowedHeaders:   []string{"Authorization", "Content-Type"},
		AllowCredentials: true,
	}).Handler(next)
}
