package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/trailmark/trailmark/internal/httpapi"
	"github.com/trailmark/trailmark/internal/testdb"
	"github.com/trailmark/trailmark/internal/testwait"
)

// TestServeWithHungDatabase starts the server against a PostgreSQL address
// that accepts connections and never answers. It must listen anyway and say
// it is not ready: /healthz 200, /readyz 503, /graphql 503 UNAVAILABLE; and
// once the database answers, become ready without a restart.
func TestServeWithHungDatabase(t *testing.T) {
	testdb.RequirePostgres(t)
	cfg := testdb.URL(t, "postgres")
	proxy := testdb.NewStallProxy(t, hostOf(t, cfg.URL))
	proxy.Stall()
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() {
		served <- serve(ctx, config{
			Addr: addr, DatabaseURL: proxy.ViaProxy(t, cfg.URL), DataDir: t.TempDir(),
			ShutdownGrace: 5 * time.Second, DBMaxConns: 4,
			HTTP: httpapi.Config{RequestTimeout: 2 * time.Second},
		}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-served:
			if err != nil {
				t.Errorf("serve: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("serve did not return after its context ended")
		}
	})

	client := &http.Client{Timeout: 20 * time.Second}
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := client.Get("http://" + addr + path)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	// Listening comes first; wait for it (generously: only bounds a failure).
	testwait.Eventually(t, 20*time.Second, func() (bool, string) {
		code, body := get("/healthz")
		return code == http.StatusOK, fmt.Sprintf("not listening with a hung database: /healthz %d %s", code, body)
	})
	if code, body := get("/readyz"); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz with a hung database: %d %s, want 503", code, body)
	}
	resp, err := client.Post("http://"+addr+"/graphql", "application/json", strings.NewReader(`{"query":"{ __typename }"}`))
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Errors []struct {
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || len(body.Errors) != 1 || body.Errors[0].Extensions["code"] != "UNAVAILABLE" {
		t.Errorf("/graphql with a hung database: %d %+v, want 503 UNAVAILABLE", resp.StatusCode, body)
	}

	// The database answers again: the server becomes ready by itself.
	proxy.Resume()
	testwait.Eventually(t, 90*time.Second, func() (bool, string) {
		code, body := get("/readyz")
		return code == http.StatusOK, fmt.Sprintf("not ready after the database came back: %d %s", code, body)
	})
}

func hostOf(t *testing.T, u string) string {
	t.Helper()
	pu, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	return pu.Host
}
