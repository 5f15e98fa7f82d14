// Package httpapi assembles Trailmark's HTTP surface: /graphql (POST, GET,
// WebSocket), health and readiness, metrics, and the SPA.
package httpapi

import (
	"context"
	"encoding/json"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/trailmark/trailmark/graph"
	"github.com/trailmark/trailmark/internal/auth"
	"github.com/trailmark/trailmark/internal/db"
	"github.com/trailmark/trailmark/internal/metrics"
)

// Config is the HTTP configuration read at start.
type Config struct {
	// CORSOrigins may call the API from a browser; none: same-origin only.
	CORSOrigins   []string
	Introspection bool
	// SlowPages serves every auditEntries page through gqlgen's per-field
	// execution (graph.FastPage off): for the tests that compare the two.
	SlowPages bool
	// gqlgenPOST writes POST responses with gqlgen's transport.POST instead
	// of postTransport: the reference of TestPostTransportSameAsGqlgen.
	gqlgenPOST bool
	// Limits bound each GraphQL operation (zero fields: API.md defaults).
	Limits graph.Limits
	// MaxBodyBytes caps a POST /graphql body (default 1 MiB).
	MaxBodyBytes int64
	// MaxIngestBodyBytes caps the body of a recordAuditEntries mutation
	// (default 8 MiB).
	MaxIngestBodyBytes int64
	// RequestTimeout bounds a query or mutation, database work included
	// (default 15 s; negative: none). WebSockets are not bounded.
	RequestTimeout time.Duration
	// GenericIngestDecoder turns off ingestPOST's shortcut: every request
	// is decoded by gqlgen alone (the behaviour the shortcut is tested
	// against, and an A/B switch for the bench).
	GenericIngestDecoder bool
	// GenericVariables leaves the coercion of every variable to gqlparser
	// (graph.InputVariables off): the behaviour the shortcut is tested
	// against, and an A/B switch for the bench.
	GenericVariables bool
	// GenericReads turns off the direct path for auditEntries queries
	// (graph.DirectRead): every query runs through gqlgen's executor (the
	// behaviour the direct path is tested against, and an A/B switch for
	// the bench).
	GenericReads bool
}

// Defaults of Config.
const (
	DefaultMaxBodyBytes       = 1 << 20
	DefaultMaxIngestBodyBytes = 8 << 20
	DefaultRequestTimeout     = 15 * time.Second
)

func (c Config) withDefaults() Config {
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.MaxIngestBodyBytes <= 0 {
		c.MaxIngestBodyBytes = DefaultMaxIngestBodyBytes
	}
	if c.MaxIngestBodyBytes < c.MaxBodyBytes {
		c.MaxIngestBodyBytes = c.MaxBodyBytes
	}
	if c.RequestTimeout == 0 {
		c.RequestTimeout = DefaultRequestTimeout
	}
	return c
}

// Deps are what the handlers need.
type Deps struct {
	DB     *db.DB
	Schema graphql.ExecutableSchema
	SPA    fs.FS
	Log    *slog.Logger
	// Metrics, when set, is recorded into and served at /metrics.
	Metrics *metrics.Metrics
	// Auth puts the caller's viewer in the context of /graphql and Routes
	// requests, and authenticates WebSocket connection_init payloads.
	Auth *auth.Authenticator
	// Routes are further handlers by ServeMux pattern (downloads, exports),
	// served behind Auth.
	Routes map[string]http.Handler
}

// API is the root handler.
type API struct {
	handler http.Handler
	ws      *wsTracker
}

func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.handler.ServeHTTP(w, r) }

// GoingAway closes every open WebSocket with status 1001 (going away), so
// clients reconnect to another replica. http.Server.Shutdown does not touch
// hijacked connections: register this with RegisterOnShutdown.
func (a *API) GoingAway() { a.ws.goingAway() }

// New returns the root handler.
func New(cfg Config, d Deps) *API {
	cfg = cfg.withDefaults()
	if d.Log == nil {
		d.Log = slog.Default()
	}
	auth := func(h http.Handler) http.Handler { return h }
	if d.Auth != nil {
		auth = d.Auth.Middleware
	}
	ws := &wsTracker{conns: map[*trackedConn]struct{}{}}
	mux := http.NewServeMux()
	mux.Handle("/graphql", auth(graphQLHandler(cfg, d, ws)))
	for pattern, h := range d.Routes {
		mux.Handle(pattern, auth(h))
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		status, body := readiness(r.Context(), d.DB)
		writeJSON(w, status, body)
	})
	if d.Metrics != nil {
		mux.Handle("GET /metrics", d.Metrics.Handler())
	}
	mux.Handle("/", spaHandler(d.SPA))
	h := securityHeaders(withCORS(cfg.CORSOrigins, mux))
	return &API{handler: observe(d.Log, d.Metrics, h), ws: ws}
}

// ReadyTimeout bounds the readiness check: /readyz answers 503 after it
// whatever the database does.
const ReadyTimeout = 2 * time.Second

// readiness pings the database and checks its migrations, answering within
// ReadyTimeout even if a database call were to ignore its context.
func readiness(ctx context.Context, d *db.DB) (int, any) {
	ctx, cancel := context.WithTimeout(ctx, ReadyTimeout)
	defer cancel()
	type result struct {
		status int
		body   any
	}
	done := make(chan result, 1)
	go func() {
		if err := d.Ping(ctx); err != nil {
			done <- result{http.StatusServiceUnavailable, map[string]string{"status": "database unreachable"}}
			return
		}
		// An error here (no migrations table) means never migrated.
		if pending, err := d.Pending(ctx); err != nil || len(pending) > 0 {
			done <- result{http.StatusServiceUnavailable, map[string]any{"status": "migrations pending", "pending": pending}}
			return
		}
		done <- result{http.StatusOK, map[string]string{"status": "ready"}}
	}()
	select {
	case r := <-done:
		return r.status, r.body
	case <-ctx.Done():
		return http.StatusServiceUnavailable, map[string]string{"status": "database unreachable"}
	}
}

// spaHandler serves the built SPA with a history-mode fallback to index.html.
func spaHandler(dist fs.FS) http.Handler {
	if dist == nil {
		dist = emptyFS{}
	}
	files := http.FileServerFS(dist)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
		if p != "" {
			if st, err := fs.Stat(dist, p); err == nil && !st.IsDir() {
				if strings.HasPrefix(p, "assets/") {
					w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
				}
				files.ServeHTTP(w, r)
				return
			}
		}
		index, err := fs.ReadFile(dist, "index.html")
		setPageHeaders(w.Header())
		if err != nil {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte("Trailmark is running. The dashboard was not built into this binary: run `make build`.\nGraphQL: POST /graphql\n"))
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = w.Write(index)
	})
}

// emptyFS stands in for a missing SPA build.
type emptyFS struct{}

func (emptyFS) Open(string) (fs.File, error) { return nil, fs.ErrNotExist }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
