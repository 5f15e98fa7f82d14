package httpapi

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"entgo.io/ent/dialect"
	"github.com/coder/websocket"

	"github.com/trailmark/trailmark/graph"
	"github.com/trailmark/trailmark/internal/auth"
	"github.com/trailmark/trailmark/internal/testdb"
)

func request(t *testing.T, method, url string, header ...string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// wsStatus dials /graphql as a browser page of origin would and returns the
// handshake's HTTP status (101 when the WebSocket was accepted).
func wsStatus(t *testing.T, srv *testServer, origin string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/graphql", &websocket.DialOptions{
		Subprotocols: []string{"graphql-transport-ws"},
		HTTPHeader:   http.Header{"Origin": []string{origin}},
	})
	if err == nil {
		conn.CloseNow()
	}
	if resp == nil {
		t.Fatalf("dial from %s: %v", origin, err)
	}
	return resp.StatusCode
}

// TestCORS: without TRAILMARK_CORS_ORIGINS the API is same-origin only: no
// CORS header answers another origin, its preflights get no grant and its
// WebSockets are refused. Configured origins, and only they, are granted.
func TestCORS(t *testing.T) {
	d := testdb.Open(t, dialect.SQLite)
	const evil, dash = "https://evil.example", "https://dash.example"
	corsHeaders := func(r *http.Response) map[string]string {
		out := map[string]string{}
		for k, v := range r.Header {
			if strings.HasPrefix(k, "Access-Control-") {
				out[k] = strings.Join(v, ", ")
			}
		}
		return out
	}
	preflight := func(srv *testServer, origin string) *http.Response {
		return request(t, http.MethodOptions, srv.URL+"/graphql", "Origin", origin,
			"Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization, content-type")
	}

	same := startAPI(t, d, Config{}, nil)
	for _, path := range []string{"/graphql", "/", "/healthz"} {
		if h := corsHeaders(request(t, http.MethodOptions, same.URL+path, "Origin", evil,
			"Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type")); len(h) > 0 {
			t.Errorf("unset origins: preflight of %s from %s granted %v", path, evil, h)
		}
	}
	if r := same.post(t, `{ __typename }`, nil, "Origin", evil); r.Status != http.StatusOK || len(corsHeaders(&http.Response{Header: r.Header})) > 0 {
		t.Errorf("unset origins: POST from %s: HTTP %d, CORS headers %v", evil, r.Status, r.Header)
	}
	if st := wsStatus(t, same, evil); st != http.StatusForbidden {
		t.Errorf("unset origins: WebSocket from %s: HTTP %d, want 403", evil, st)
	}
	if st := wsStatus(t, same, same.URL); st != http.StatusSwitchingProtocols {
		t.Errorf("unset origins: WebSocket from the server's own origin: HTTP %d, want 101", st)
	}

	listed := startAPI(t, d, Config{CORSOrigins: []string{dash}}, nil)
	h := corsHeaders(preflight(listed, dash))
	if h["Access-Control-Allow-Origin"] != dash || h["Access-Control-Allow-Credentials"] != "true" {
		t.Errorf("listed origin: preflight headers %v", h)
	}
	if h := corsHeaders(preflight(listed, evil)); len(h) > 0 {
		t.Errorf("origin not listed: preflight granted %v", h)
	}
	if st := wsStatus(t, listed, dash); st != http.StatusSwitchingProtocols {
		t.Errorf("listed origin: WebSocket: HTTP %d, want 101", st)
	}
	if st := wsStatus(t, listed, evil); st != http.StatusForbidden {
		t.Errorf("origin not listed: WebSocket: HTTP %d, want 403", st)
	}
}

// TestSecurityHeaders: every page of the SPA (the history-mode routes
// served from index.html, the playground included) carries a Content
// Security Policy that forbids framing and foreign code; every response,
// the API's included, forbids sniffing and referrers.
func TestSecurityHeaders(t *testing.T) {
	d := testdb.Open(t, dialect.SQLite)
	spa := fstest.MapFS{
		"index.html":      {Data: []byte(`<!doctype html><script type="module" src="/assets/index.js"></script>`)},
		"assets/index.js": {Data: []byte(`console.log("trailmark")`)},
	}
	api := New(Config{}, Deps{
		DB: d, SPA: spa, Auth: &auth.Authenticator{Client: d.Client},
		Schema: graph.NewSchema(&graph.Resolver{DB: d, Client: d.Client}),
		Log:    slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)

	for _, path := range []string{"/", "/playground", "/sign-in", "/accept-invitation?token=tmi_x", "/t/acme/activity/audit-log"} {
		r := request(t, http.MethodGet, srv.URL+path)
		csp := r.Header.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "script-src 'self';", "frame-ancestors 'none'", "object-src 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: Content-Security-Policy %q lacks %s", path, csp, want)
			}
		}
		for _, never := range []string{"unsafe-eval", "http:", "https:", "*"} {
			if strings.Contains(csp, never) {
				t.Errorf("%s: Content-Security-Policy %q admits %s", path, csp, never)
			}
		}
		if got := r.Header.Get("X-Frame-Options"); got != "DENY" {
			t.Errorf("%s: X-Frame-Options %q", path, got)
		}
	}
	for _, r := range []*http.Response{
		request(t, http.MethodGet, srv.URL+"/"),
		request(t, http.MethodGet, srv.URL+"/playground"),
		request(t, http.MethodGet, srv.URL+"/assets/index.js"),
		request(t, http.MethodGet, srv.URL+"/graphql?query=%7B__typename%7D"),
		request(t, http.MethodGet, srv.URL+"/healthz"),
	} {
		if got := r.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options %q", r.Request.URL.Path, got)
		}
		if got := r.Header.Get("Referrer-Policy"); got != "no-referrer" {
			t.Errorf("%s: Referrer-Policy %q", r.Request.URL.Path, got)
		}
	}
}
