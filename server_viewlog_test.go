package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSIGTERMWritesFoldedLogReads runs the built binary, reads the platform
// log three times (one first read, two folded into its window) and sends
// SIGTERM: after a restart the log holds the first read and one entry with
// the count of the folded two, written on the way out.
func TestSIGTERMWritesFoldedLogReads(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := buildBinary(t, dir)
	const email, password = "admin@example.com", "view-log-test-password"
	start := func() (base string, cmd *exec.Cmd, exited chan error) {
		addr := freeAddr(t)
		cmd = exec.Command(bin, "serve")
		cmd.Env = append(os.Environ(), "TRAILMARK_ADDR="+addr, "TRAILMARK_DATA_DIR="+filepath.Join(dir, "data"),
			"DATABASE_URL=", "TRAILMARK_DEMO=0", "TRAILMARK_LOG_LEVEL=warn", "TRAILMARK_VIEW_LOG_WINDOW=1h",
			"TRAILMARK_ADMIN_EMAIL="+email, "TRAILMARK_ADMIN_PASSWORD="+password)
		var logs strings.Builder
		cmd.Stderr = &logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited = make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		t.Cleanup(func() {
			_ = cmd.Process.Kill()
			if t.Failed() {
				t.Logf("server log:\n%s", logs.String())
			}
		})
		base = "http://" + addr
		waitHealthy(t, base, exited)
		return base, cmd, exited
	}
	query := func(base, token, q string) []byte {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"query": q})
		req, _ := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out bytes.Buffer
		_, _ = out.ReadFrom(resp.Body)
		if resp.StatusCode != 200 || bytes.Contains(out.Bytes(), []byte(`"errors"`)) {
			t.Fatalf("query: HTTP %d %s", resp.StatusCode, out.Bytes())
		}
		return out.Bytes()
	}

	base, cmd, exited := start()
	token := login(t, base, email, password)
	for range 3 {
		query(base, token, `{ auditEntries(platform: true, filter: "action = 'user.login'") { totalCount } }`)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("exit: %v, want status 0", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the process did not exit after SIGTERM")
	}

	base, _, _ = start()
	token = login(t, base, email, password)
	var out struct {
		Data struct {
			AuditEntries struct {
				Edges []struct {
					Node struct{ Metadata json.RawMessage }
				}
			}
		}
	}
	got := query(base, token, `{ auditEntries(platform: true, filter: "action = 'audit_log.view'", orderBy: {field: RECEIVED_AT, direction: ASC}) { edges { node { metadata } } } }`)
	if err := json.Unmarshal(got, &out); err != nil {
		t.Fatal(err)
	}
	edges := out.Data.AuditEntries.Edges
	if len(edges) != 2 {
		t.Fatalf("%d audit_log.view entries after SIGTERM, want the first read and one folded: %s", len(edges), got)
	}
	var m struct{ Folded *struct{ Count int } }
	_ = json.Unmarshal(edges[1].Node.Metadata, &m)
	if m.Folded == nil || m.Folded.Count != 2 {
		t.Fatalf("folded entry metadata %s, want count 2", edges[1].Node.Metadata)
	}
}
