package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/trailmark/trailmark/internal/testwait"
)

// buildBinary builds the server into dir, as `make build-go` does, for the
// tests that run the real binary.
func buildBinary(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "trailmark")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// TestGracefulShutdown runs the built binary, holds a request in flight and a
// WebSocket open, and sends SIGTERM: the request must complete, the WebSocket
// must be closed with 1001 (going away), and the process must exit 0.
func TestGracefulShutdown(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := buildBinary(t, dir)
	addr := freeAddr(t)
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "TRAILMARK_ADDR="+addr, "TRAILMARK_DATA_DIR="+filepath.Join(dir, "data"),
		"DATABASE_URL=", "TRAILMARK_DEMO=0", "TRAILMARK_LOG_LEVEL=debug",
		"TRAILMARK_ADMIN_EMAIL=admin@example.com", "TRAILMARK_ADMIN_PASSWORD=shutdown-test-password")
	var logs strings.Builder
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	waitHealthy(t, "http://"+addr, exited)

	// A signed-in WebSocket client, past connection_ack.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	token := login(t, "http://"+addr, "admin@example.com", "shutdown-test-password")
	ws, _, err := websocket.Dial(ctx, "ws://"+addr+"/graphql", &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatalf("websocket: %v", err)
	}
	if err := ws.Write(ctx, websocket.MessageText, []byte(`{"type":"connection_init","payload":{"authorization":"Bearer `+token+`"}}`)); err != nil {
		t.Fatal(err)
	}
	if _, msg, err := ws.Read(ctx); err != nil || !strings.Contains(string(msg), "connection_ack") {
		t.Fatalf("connection_ack: %s %v", msg, err)
	}

	// A request whose body is still uploading when the signal comes. With
	// "Expect: 100-continue" the server says when the handler has started
	// reading the body.
	body := `{"query":"query InFlight { __typename }"}`
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintf(conn, "POST /graphql HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n",
		addr, len(body))
	replies := bufio.NewReader(conn)
	if cont, err := http.ReadResponse(replies, nil); err != nil || cont.StatusCode != http.StatusContinue {
		t.Fatalf("waiting for 100 Continue: %v %v", cont, err)
	}
	if _, err := io.WriteString(conn, body[:10]); err != nil {
		t.Fatalf("start the body: %v", err)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}

	_, _, err = ws.Read(ctx)
	if status := websocket.CloseStatus(err); status != websocket.StatusGoingAway {
		t.Errorf("websocket closed with %v (%v), want 1001 going away", status, err)
	}

	// The server is shutting down (it takes no new connections) and must
	// still wait for us.
	testwait.Eventually(t, 10*time.Second, func() (bool, string) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			return true, ""
		}
		c.Close()
		return false, "the server still accepts connections after SIGTERM"
	})
	select {
	case err := <-exited:
		t.Fatalf("exited with a request in flight: %v", err)
	default:
	}
	if _, err := io.WriteString(conn, body[10:]); err != nil {
		t.Fatalf("finish the body: %v", err)
	}
	resp, err := http.ReadResponse(replies, nil)
	if err != nil {
		t.Fatalf("in-flight request lost: %v", err)
	}
	got, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.Contains(string(got), `"__typename":"Query"`) {
		t.Errorf("in-flight request: %d %s", resp.StatusCode, got)
	}

	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("exit: %v, want status 0", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the process did not exit after SIGTERM")
	}
	if _, err := http.Get("http://" + addr + "/healthz"); err == nil {
		t.Error("still serving after exit")
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func waitHealthy(t *testing.T, base string, exited <-chan error) {
	t.Helper()
	testwait.Eventually(t, 30*time.Second, func() (bool, string) {
		select {
		case err := <-exited:
			t.Fatalf("server exited at start: %v", errors.Join(err))
		default:
		}
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			return false, fmt.Sprintf("server not ready: %v", err)
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK, "server not ready: /readyz answers " + resp.Status
	})
}

// login signs in through the API and returns the session token.
func login(t *testing.T, base, email, password string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]any{
		"query":     `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`,
		"variables": map[string]any{"e": email, "p": password},
	})
	resp, err := http.Post(base+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Data struct{ Login struct{ Token string } }
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.Data.Login.Token == "" {
		t.Fatalf("login: HTTP %d %v", resp.StatusCode, err)
	}
	return out.Data.Login.Token
}

// replica is a `trailmark serve` process of a test, one of several on one
// database.
type replica struct {
	cmd    *exec.Cmd
	base   string     // http://host:port
	exited chan error // Wait's result, once
}

// startReplica runs bin as a server on a free loopback address with its own
// data directory under dir, on the database dbURL, with env added. It is
// killed when t ends, and its log shown if t failed.
func startReplica(t *testing.T, bin, dir, name, dbURL string, env ...string) *replica {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(append(os.Environ(), "TRAILMARK_ADDR="+addr, "TRAILMARK_DATA_DIR="+filepath.Join(dir, name),
		"DATABASE_URL="+dbURL, "TRAILMARK_DEMO=0"), env...)
	logs := &strings.Builder{}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := &replica{cmd: cmd, base: "http://" + addr, exited: make(chan error, 1)}
	done := make(chan struct{})
	go func() {
		r.exited <- cmd.Wait()
		close(done)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-done
		if t.Failed() {
			t.Logf("%s log:\n%s", name, logs.String())
		}
	})
	return r
}

// kill ends the replica with SIGKILL and waits until it is gone.
func (r *replica) kill(t *testing.T) {
	t.Helper()
	if err := r.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-r.exited
}
