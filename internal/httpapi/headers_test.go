package httpapi

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"github.com/coder/websocket"

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
