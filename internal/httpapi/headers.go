package httpapi

import (
	"net/http"

	"github.com/rs/cors"
)

// contentSecurityPolicy admits what the built SPA and its bundled GraphiQL
// load, all from the server itself: module scripts and Monaco's workers
// (files under /assets, no eval, no blob: workers), styles from files and
// inline (Mantine and Monaco set style attributes and <style> elements),
// fonts and images inline as data: URLs (GraphiQL's CSS, the favicon),
// fetch and WebSocket to /graphql. No page may frame the dashboard.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; worker-src 'self'; " +
	"style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; " +
	"frame-ancestors 'none'"

// securityHeaders are sent with every response: no content sniffing, no
// Referer sent to anyone (an invitation link carries its token in the URL).
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}

// setPageHeaders marks an HTML page of the SPA: its content security policy,
// and no framing for browsers without frame-ancestors.
func setPageHeaders(h http.Header) {
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Frame-Options", "DENY")
}

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
